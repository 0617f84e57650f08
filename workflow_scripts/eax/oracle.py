"""Oracle diagnostics of a multi-parallel corpus (the toy world, NTREX-128): the true y translation of every x2x
seed is known, and each EAX stage can be measured against it (the paper's analysis claims, stage by stage):

- sampling: candidate quality against the truth (mean and best-of-N sentence chrF) and the on-target rate, for
  EAxT against direct sampling;
- scoring: how often a scorer orders two candidates of a row as the truth does (EAxE against direct scoring),
  and how often the kept pairs' chosen is truly better than their rejected.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations

import pandas as pd

from eax.languages import PIVOT

SENTENCE_ENDS = ".。"


def tokens(text: str) -> list[str]:
    """Words of a toy sentence: space-separated, or one per character for the Han-script language."""
    text = text.strip().rstrip(SENTENCE_ENDS)
    return text.split() if " " in text else [char for char in text if not char.isspace()]


def vocabularies(parallel: pd.DataFrame, languages: list[str]) -> dict[str, set[str]]:
    """Every word each language uses in the parallel corpus (case-folded)."""
    return {lang: {word.lower() for text in parallel[lang] for word in tokens(text)} for lang in languages}


def identify_language(text: str, vocabulary: dict[str, set[str]]) -> str | None:
    """The language whose vocabulary covers most of the words of `text` (None for an empty text)."""
    words = [word.lower() for word in tokens(text)]
    if not words:
        return None
    coverage = {lang: sum(word in known for word in words) / len(words) for lang, known in vocabulary.items()}
    best = max(coverage, key=coverage.get)
    return best if coverage[best] > 0 else None


def true_translations(rows: pd.DataFrame, parallel: pd.DataFrame) -> list[str | None]:
    """The y text of each row's clause (`src_lang` x, `src_text`, `trg_lang` y); None where x is unknown."""
    lookups: dict[tuple[str, str], dict[str, str]] = {}
    truths = []
    for row in rows.itertuples(index=False):
        key = (row.src_lang, row.trg_lang)
        if key not in lookups:
            lookups[key] = dict(zip(parallel[row.src_lang][::-1], parallel[row.trg_lang][::-1]))  # first wins
        truths.append(lookups[key].get(row.src_text))
    return truths


def sentence_chrf(hypothesis: str, reference: str) -> float:
    from sacrebleu.metrics import CHRF

    return CHRF().sentence_score(hypothesis, [reference]).score


def vocabulary_identifier(vocabulary: dict[str, set[str]]) -> Callable[[list[str]], list[str | None]]:
    """The toy world's language identifier: the language whose words cover most of a text."""
    return lambda texts: [identify_language(text, vocabulary) for text in texts]


def candidate_quality(rows: pd.DataFrame, truths: list[str | None],
                      languages_of: Callable[[list[str]], list[str | None]]) -> dict:
    """Mean chrF of all candidates against the truth, mean best-of-N chrF per row, and by `languages_of` (the toy
    world's vocabularies, or py3langid for real languages) the shares of candidates in the target language, in
    the source language (a copy) and in English (the pivot an English-centric model falls back to)."""
    chrfs, best, found = [], [], []
    for row, truth in zip(rows.itertuples(index=False), truths):
        if truth is None or not len(row.candidates):
            continue
        row_chrf = [sentence_chrf(candidate, truth) for candidate in row.candidates]
        chrfs += row_chrf
        best.append(max(row_chrf))
        found += [(language, row.src_lang, row.trg_lang) for language in languages_of(list(row.candidates))]
    return {"candidates": len(chrfs), "mean chrF": _mean(chrfs), "best-of-N chrF": _mean(best),
            "on-target": _mean([float(language == trg) for language, _, trg in found]),
            "in source": _mean([float(language == src) for language, src, _ in found]),
            "in English": _mean([float(language == PIVOT) for language, _, _ in found])}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def ranking_agreement(rows: pd.DataFrame, truths: list[str | None]) -> float:
    """Of all pairs of candidates of a row whose truth chrF differs, the share the scores order the same way."""
    agree, total = 0.0, 0
    for row, truth in zip(rows.itertuples(index=False), truths):
        if truth is None:
            continue
        oracle = [sentence_chrf(candidate, truth) for candidate in row.candidates]
        for i, j in combinations(range(len(oracle)), 2):
            if oracle[i] == oracle[j]:
                continue
            total += 1
            if row.scores[i] == row.scores[j]:
                agree += 0.5
            else:
                agree += (row.scores[i] > row.scores[j]) == (oracle[i] > oracle[j])
    return agree / total if total else float("nan")


def pair_order_accuracy(pairs: pd.DataFrame, truths: list[str | None]) -> float:
    """The share of kept pairs whose chosen is closer to the truth than their rejected (ties count half)."""
    outcomes = []
    for pair, truth in zip(pairs.itertuples(index=False), truths):
        if truth is None:
            continue
        chosen, rejected = sentence_chrf(pair.chosen, truth), sentence_chrf(pair.rejected, truth)
        outcomes.append(0.5 if chosen == rejected else float(chosen > rejected))
    return _mean(outcomes)
