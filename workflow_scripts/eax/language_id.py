"""Language identification of translations, for the off-target rate (the share of outputs not in the target language).

The identifier is py3langid (langid.py's naive-Bayes byte n-gram model, 97 languages, shipped inside its 0.75 MB
wheel), the tool the off-target literature uses. On FLORES-200 devtest, restricted to the paper's ten languages, it
names 99.7-100% of full segments right and 85-100% of five-word snippets (Portuguese is the weak one: read as
Spanish). It is imported lazily, so the many light jobs that import eax pay nothing, and one model is loaded per
candidate set (about 0.05 s, 3 MB).

Identification is always restricted to the run's languages: a forced choice among them is what the off-target rate
asks (is this output in the target, or in another of the run's languages, typically the source or English?), and it
avoids the unrestricted model's near-neighbour slips (Russian read as Bulgarian, Portuguese as Galician).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from eax.languages import REAL_LANGUAGES

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# The workflow's codes for real languages are ISO 639-1, which is also what langid.py's model is labelled with, so the
# map is the identity on every real language; the toy world's pseudo-languages (qaa-qtz) have no model and no entry.
IDENTIFIER_CODES: dict[str, str] = {code: code for code in REAL_LANGUAGES}
WORKFLOW_CODES: dict[str, str] = {theirs: ours for ours, theirs in IDENTIFIER_CODES.items()}


def _has_letters(text: str) -> bool:
    """Whether any character is a letter (any script); the model would otherwise guess a language (English) for
    an empty string, a number or punctuation."""
    return any(char.isalpha() for char in text)


def _candidate_set(candidates: list[str]) -> tuple[str, ...]:
    """The candidates, checked, deduplicated and sorted, so that equal sets share one cached model."""
    if not candidates:
        raise ValueError("no candidate languages to identify among")
    unknown = sorted(set(candidates) - set(IDENTIFIER_CODES))
    if unknown:
        raise ValueError(f"no language identification model for {', '.join(unknown)}; "
                         f"supported: {', '.join(IDENTIFIER_CODES)}")
    return tuple(sorted(set(candidates)))


@cache
def _identifier(candidates: tuple[str, ...]) -> LanguageIdentifier:
    """A model of its own per candidate set: py3langid's module-level `set_languages` changes one global model,
    which two callers with different runs' languages would overwrite under each other."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE)
    identifier.set_languages([IDENTIFIER_CODES[code] for code in candidates])
    return identifier


def identify(texts: list[str], candidates: list[str]) -> list[str | None]:
    """The language (a workflow code among `candidates`) of each text; None for a text without a letter (empty,
    numbers, punctuation), which is in no language."""
    identifier = _identifier(_candidate_set(candidates))
    return [WORKFLOW_CODES[identifier.classify(text)[0]] if _has_letters(text) else None for text in texts]


def off_target_rate(texts: list[str], target: str, candidates: list[str]) -> float:
    """Share (0-1) of `texts` not identified as `target` among `candidates`.

    A text identified as None (no letters: an empty or numbers-only output) counts as off target, since it is not in
    the target language; a test set's few number-only references would do the same, so compare systems on one set.
    """
    if target not in candidates:
        raise ValueError(f"target {target!r} is not among the candidates {candidates}")
    if not texts:
        raise ValueError("no texts: the off-target rate of nothing is undefined")
    languages = identify(texts, candidates)
    return sum(language != target for language in languages) / len(languages)
