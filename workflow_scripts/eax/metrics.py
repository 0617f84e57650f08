"""Corpus-level MT metrics as the field computes them: sacrebleu BLEU (tokenizer by target language) and chrF, and
the model-based COMET, xCOMET and BLEURT (system score = mean segment score x 100), each with a signature and its
segment scores (sentence-level BLEU and chrF as sacrebleu computes them; the model's own segment scores)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import numpy as np

from eax.languages import bleu_tokenizer

SACREBLEU_METRICS = ("bleu", "chrf")
MODEL_METRICS = ("comet", "xcomet", "bleurt")
LANGUAGE_METRICS = ("off_target",)  # % of outputs a language identifier puts in another of the run's languages
METRICS = SACREBLEU_METRICS + MODEL_METRICS + LANGUAGE_METRICS
LOWER_IS_BETTER = frozenset(LANGUAGE_METRICS)

Direction = tuple[str, str]


@dataclass(frozen=True)
class Score:
    metric: str
    value: float
    signature: str
    segments: tuple[float, ...] = ()


@dataclass(frozen=True)
class DirectionSegments:
    sources: list[str]
    hypotheses: list[str]
    references: list[str]

    def __post_init__(self):
        if not len(self.sources) == len(self.hypotheses) == len(self.references):
            raise ValueError(f"{len(self.hypotheses)} hypotheses for {len(self.references)} references "
                             f"and {len(self.sources)} sources")


def bleu(hypotheses: list[str], references: list[str], trg_lang: str) -> Score:
    from sacrebleu.metrics import BLEU

    metric = BLEU(tokenize=bleu_tokenizer(trg_lang), effective_order=True)
    return _sacrebleu_score("bleu", metric, hypotheses, references)


def chrf(hypotheses: list[str], references: list[str]) -> Score:
    from sacrebleu.metrics import CHRF

    return _sacrebleu_score("chrf", CHRF(), hypotheses, references)


def _sacrebleu_score(name: str, metric, hypotheses: list[str], references: list[str]) -> Score:
    segments = tuple(metric.sentence_score(hypothesis, [reference]).score
                     for hypothesis, reference in zip(hypotheses, references))
    return Score(name, metric.corpus_score(hypotheses, [references]).score, str(metric.get_signature()), segments)


def off_target(hypotheses: list[str], trg_lang: str, languages: list[str]) -> Score:
    """The off-target rate x100: each segment 100 when py3langid, choosing among the run's `languages`, puts it in
    another language (or in none: an empty output), else 0 (eax.language_id)."""
    from eax.language_id import identify

    segments = tuple(0.0 if found == trg_lang else 100.0 for found in identify(hypotheses, languages))
    signature = f"off_target|py3langid:{package_version('py3langid')}|among:{'+'.join(sorted(languages))}"
    return Score("off_target", float(np.mean(segments)) if segments else float("nan"), signature, segments)


def score_direction(metrics: list[str], hypotheses: list[str], references: list[str], trg_lang: str) -> list[Score]:
    """sacrebleu metrics of one direction."""
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses for {len(references)} references")
    scorers = {"bleu": lambda: bleu(hypotheses, references, trg_lang), "chrf": lambda: chrf(hypotheses, references)}
    return [scorers[name]() for name in metrics]


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not-installed"


def model_signature(metric: str, model_name: str) -> str:
    """sacrebleu-style: what was scored with, so a table's number can be traced and compared."""
    package = "bleurt-pytorch" if metric == "bleurt" else "unbabel-comet"
    return f"{metric}|model:{model_name}|{package}:{package_version(package)}|system:mean-x100"


def segment_scores(metric: str, model_path: str, segments: DirectionSegments, batch_size: int) -> list[float]:
    """Segment scores x100 of one metric model over all segments (one model load, one batched pass)."""
    from eax.scoring import comet_scores, load_comet

    if metric == "bleurt":
        from eax.bleurt import bleurt_scores, load_bleurt

        model, tokenizer = load_bleurt(model_path, "evaluation.bleurt_checkpoint")
        return bleurt_scores(model, tokenizer, segments.references, segments.hypotheses, batch_size)
    model = load_comet(model_path, f"evaluation.{metric}_model")
    return comet_scores(model, segments.sources, segments.hypotheses, segments.references, batch_size)


def score_directions(metric: str, data: dict[Direction, DirectionSegments], model_path: str | None = None,
                     model_name: str | None = None, batch_size: int = 64,
                     languages: list[str] | None = None) -> dict[Direction, Score]:
    """One corpus score per direction. Model metrics score every direction's segments in one pass; the off-target
    rate identifies among `languages` (the run's)."""
    if metric in SACREBLEU_METRICS:
        return {(src, trg): score_direction([metric], seg.hypotheses, seg.references, trg)[0]
                for (src, trg), seg in data.items()}
    if metric in LANGUAGE_METRICS:
        return {(src, trg): off_target(seg.hypotheses, trg, languages) for (src, trg), seg in data.items()}
    if metric not in MODEL_METRICS:
        raise ValueError(f"unknown metric {metric!r}; use one of {METRICS}")
    directions = list(data)
    owners = np.repeat(np.arange(len(directions)), [len(data[d].hypotheses) for d in directions])
    joined = DirectionSegments(*([text for d in directions for text in getattr(data[d], field)]
                                 for field in ("sources", "hypotheses", "references")))
    flat = np.asarray(segment_scores(metric, model_path, joined, batch_size), dtype=float)
    signature = model_signature(metric, model_name or model_path)
    return {direction: Score(metric, float(flat[owners == k].mean()) if (owners == k).any() else float("nan"),
                             signature, tuple(flat[owners == k].tolist()))
            for k, direction in enumerate(directions)}
