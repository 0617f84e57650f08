"""Paired significance on real WMT'23 data: clearly different systems come out significant under every test, a
system against itself and a one-segment change do not, and pooled BLEU keeps each target's tokenizer."""

import numpy as np
import pytest
from conftest import SHARED_DATA
from sacrebleu.metrics import BLEU, CHRF

from eax.significance import IDENTICAL, Segments, pretokenized, sacrebleu_comparison, segment_comparison, significant

WMT23 = SHARED_DATA / "wmt23"
pytestmark = pytest.mark.skipif(not WMT23.is_dir(), reason=f"WMT'23 test sets not found at {WMT23}")
ALPHA = 0.05
SEGMENTS = 800  # of zh-en's 1976: enough for every outcome below, and fast


def lines(path):
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def zh_en():
    """The zh-en references, a system keeping the first 60% of each one's words, and one that copies the Chinese
    source (off-target: the failure EAX addresses)."""
    references = lines(WMT23 / "references" / "generaltest2023.zh-en.ref.refA.en")[:SEGMENTS]
    sources = lines(WMT23 / "sources" / "generaltest2023.zh-en.src.zh")[:SEGMENTS]
    truncated = [" ".join(reference.split()[: max(1, len(reference.split()) * 6 // 10)]) for reference in references]
    return references, truncated, sources


@pytest.mark.parametrize("metric, test", [("bleu", "bs"), ("chrf", "bs"), ("bleu", "ar"), ("chrf", "ar")])
def test_an_on_target_system_beats_an_off_target_one(zh_en, metric, test):
    references, truncated, copied_source = zh_en
    result = sacrebleu_comparison(metric, Segments(truncated, copied_source, references, ["en"] * len(references)),
                                  test, 200, seed=12345)
    assert result.system > result.baseline + 10 and significant(result.p_value, ALPHA)
    assert result.test.startswith("sacrebleu paired") and "seed 12345" in result.test


@pytest.mark.parametrize("metric", ["bleu", "chrf"])
def test_a_system_against_itself_is_not_tested(zh_en, metric):
    """sacrebleu gives identical systems p = 1/(n+1) by design, which would read as significant."""
    references, truncated, _ = zh_en
    result = sacrebleu_comparison(metric, Segments(truncated, list(truncated), references, ["en"] * len(references)),
                                  "bs", 200, seed=12345)
    assert result.test == IDENTICAL and result.system == result.baseline and not significant(result.p_value, ALPHA)


def test_one_changed_segment_is_not_significant(zh_en):
    references, truncated, _ = zh_en
    changed = [references[0], *truncated[1:]]
    result = sacrebleu_comparison("chrf", Segments(changed, truncated, references, ["en"] * len(references)), "bs", 300,
                                  seed=12345)
    assert 0 < result.system - result.baseline < 0.1 and not significant(result.p_value, ALPHA)


def test_the_seed_fixes_the_p_value(zh_en):
    references, truncated, _ = zh_en
    segments = Segments([references[0], *truncated[1:]], truncated, references, ["en"] * len(references))
    p_values = [sacrebleu_comparison("chrf", segments, "bs", 300, seed).p_value for seed in (1, 1, 2)]
    assert p_values[0] == p_values[1] != p_values[2]


def test_pooled_bleu_keeps_each_targets_tokenizer():
    """Chinese is scored with the zh tokenizer even when pooled with English: pre-tokenizing per target and
    scoring with tokenize=none is the same statistic as each direction's own BLEU."""
    references = lines(WMT23 / "references" / "generaltest2023.en-zh.ref.refA.zh")[:300]
    hypotheses = [reference[: len(reference) // 2] for reference in references]
    own = BLEU(tokenize="zh").corpus_score(hypotheses, [references]).score
    pooled = BLEU(tokenize="none").corpus_score(pretokenized(hypotheses, ["zh"] * 300),
                                                [pretokenized(references, ["zh"] * 300)]).score
    assert pooled == pytest.approx(own)
    assert abs(BLEU(tokenize="13a").corpus_score(hypotheses, [references]).score - own) > 1  # it matters here


def test_segment_scores_compare_with_comets_test(zh_en):
    """COMET's comparison on real segment scores (sentence chrF stands in for a metric model offline)."""
    references, truncated, copied_source = zh_en
    chrf = CHRF()
    better = np.array([chrf.sentence_score(h, [r]).score for h, r in zip(truncated, references)])
    worse = np.array([chrf.sentence_score(h, [r]).score for h, r in zip(copied_source, references)])
    result = segment_comparison(better, worse, 100, seed=1)
    assert significant(result.p_value, ALPHA) and result.system_wins == 1.0 and "comet-compare" in result.test
    assert segment_comparison(better, better.copy(), 100, seed=1).test == IDENTICAL
    nudged = better.copy()
    nudged[0] += 1.0
    assert not significant(segment_comparison(nudged, better, 100, seed=1).p_value, ALPHA)
