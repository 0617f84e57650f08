"""Paired significance of a system against a baseline on the same segments, with the libraries' own tests:
sacrebleu's paired bootstrap or approximate randomisation for BLEU and chrF, and COMET's comparison
(`comet-compare`: a paired t-test on segment scores, with its bootstrap win rate) for COMET, xCOMET and BLEURT.

A direction group (en2x, x2en, x2x) is tested on its directions' segments pooled. BLEU's tokenizer depends on
the target language, so pooled BLEU segments are tokenized first, each with its own target's tokenizer, and
scored with `tokenize="none"`: the same statistic as tokenizing each segment as its direction would.

Identical outputs are not tested: sacrebleu's tests give a system against itself p = 1/(n+1) on purpose
(multeval's convention that a zero difference is not chance), which would mark it significant.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from eax.languages import bleu_tokenizer
from eax.metrics import SACREBLEU_METRICS

TESTS = {"bs": "sacrebleu paired bootstrap resampling", "ar": "sacrebleu paired approximate randomization"}
SEGMENT_TEST = "paired t-test on segment scores (as comet-compare)"  # model metrics and the off-target rate
COMET_SAMPLE_RATIO = 0.4  # comet-compare's default share of the segments in each bootstrap split
IDENTICAL = "identical outputs: not tested"


@dataclass(frozen=True)
class Comparison:
    baseline: float  # the baseline's score on the tested segments
    system: float
    p_value: float
    test: str  # which test, with its settings, as the report names it
    system_wins: float | None = None  # COMET's bootstrap: share of splits the system wins


@dataclass(frozen=True)
class Segments:
    """One system's and the baseline's outputs on the same segments, with their target languages."""
    system: list[str]
    baseline: list[str]
    references: list[str]
    trg_langs: list[str]


def sacrebleu_comparison(metric: str, segments: Segments, test: str, resamples: int, seed: int) -> Comparison:
    """sacrebleu's `PairedTest` of BLEU (tokenizer by target language) or chrF, baseline first."""
    from sacrebleu.metrics import BLEU, CHRF
    from sacrebleu.significance import PairedTest

    if metric not in SACREBLEU_METRICS:
        raise ValueError(f"{metric!r} is not a sacrebleu metric")
    system, baseline, references = segments.system, segments.baseline, segments.references
    if metric == "chrf":
        scorer = CHRF()
    elif len(set(map(bleu_tokenizer, segments.trg_langs))) == 1:
        scorer = BLEU(tokenize=bleu_tokenizer(segments.trg_langs[0]), effective_order=True)
    else:
        system, baseline, references = (pretokenized(texts, segments.trg_langs)
                                        for texts in (system, baseline, references))
        scorer = BLEU(tokenize="none", effective_order=True)
    if system == baseline:
        score = scorer.corpus_score(system, [references]).score
        return Comparison(score, score, float("nan"), IDENTICAL)
    os.environ["SACREBLEU_SEED"] = str(seed)  # how sacrebleu takes its seed
    paired = PairedTest([("baseline", baseline), ("system", system)], {metric: scorer}, references=[references],
                        test_type=test, n_samples=resamples)
    _, results = paired()
    baseline_result, system_result = next(value for key, value in results.items() if key != "System")
    return Comparison(baseline_result.score, system_result.score, float(system_result.p_value),
                      f"{TESTS[test]} ({resamples} {'resamples' if test == 'bs' else 'trials'}, seed {seed})")


def pretokenized(texts: list[str], trg_langs: list[str]) -> list[str]:
    """Each text tokenized as BLEU would for its target language."""
    from sacrebleu.metrics import BLEU

    tokenizers = {lang: BLEU(tokenize=bleu_tokenizer(lang)).tokenizer for lang in set(trg_langs)}
    return [tokenizers[lang](text.rstrip()) for text, lang in zip(texts, trg_langs)]


def segment_comparison(system: np.ndarray, baseline: np.ndarray, resamples: int, seed: int) -> Comparison:
    """Two systems' segment scores (a model metric's, or the off-target indicator) compared as comet-compare does:
    scipy's paired t-test for the p-value, as comet-compare decides significance, and its bootstrap resampling for
    the share of splits each system wins."""
    from comet.cli.compare import bootstrap_resampling, calculate_bootstrap
    from scipy import stats

    if system.shape != baseline.shape:
        raise ValueError(f"{len(system)} segment scores against {len(baseline)} of the baseline")
    if np.array_equal(system, baseline):
        return Comparison(float(baseline.mean()), float(system.mean()), float("nan"), IDENTICAL)
    np.random.seed(seed)  # comet-compare seeds numpy's global generator (seed_everything)
    splits = bootstrap_resampling(np.stack([system, baseline]), max(int(len(system) * COMET_SAMPLE_RATIO), 1),
                                  resamples)
    wins = calculate_bootstrap(splits[0], splits[1], "system", "baseline")["bootstrap_resampling"]["x_wins (%)"]
    p_value = float(stats.ttest_rel(system, baseline).pvalue)
    return Comparison(float(baseline.mean()), float(system.mean()), p_value,
                      f"{SEGMENT_TEST} ({resamples} bootstrap splits of {COMET_SAMPLE_RATIO:.0%}, seed {seed})", wins)


def significant(p_value: float, alpha: float) -> bool:
    """p < alpha; a NaN p (not tested) is not significant."""
    return bool(np.isfinite(p_value) and p_value < alpha)
