"""Corpus-level MT metrics as the field computes them: sacrebleu BLEU (tokenizer by target language) and chrF."""

from __future__ import annotations

from dataclasses import dataclass

from eax.languages import bleu_tokenizer


@dataclass(frozen=True)
class Score:
    metric: str
    value: float
    signature: str


def bleu(hypotheses: list[str], references: list[str], trg_lang: str) -> Score:
    from sacrebleu.metrics import BLEU

    metric = BLEU(tokenize=bleu_tokenizer(trg_lang), effective_order=True)
    result = metric.corpus_score(hypotheses, [references])
    return Score("bleu", result.score, str(metric.get_signature()))


def chrf(hypotheses: list[str], references: list[str]) -> Score:
    from sacrebleu.metrics import CHRF

    metric = CHRF()
    result = metric.corpus_score(hypotheses, [references])
    return Score("chrf", result.score, str(metric.get_signature()))


def score_direction(metrics: list[str], hypotheses: list[str], references: list[str], trg_lang: str) -> list[Score]:
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses for {len(references)} references")
    scorers = {"bleu": lambda: bleu(hypotheses, references, trg_lang), "chrf": lambda: chrf(hypotheses, references)}
    return [scorers[name]() for name in metrics]
