import math

import pandas as pd
import pytest

from eax.pairs import (
    PAIR_COLUMNS,
    PairRule,
    best_vs_worst,
    build_pairs,
    cap_and_shuffle,
    count_matrix,
    judge_rows,
    percentages,
    score_summary,
    score_values,
)

NAN = math.nan


@pytest.mark.parametrize("candidates, scores, rule, expected", [
    (["a", "b", "c"], [10, 50, 30], PairRule(10), (1, 0)),                  # best vs worst
    (["a", "b", "c"], [10, 50, 30], PairRule(45), None),                    # margin too small
    (["a", "b", "c"], [10, 50, 30], PairRule(10, min_winner_score=60), None),
    (["a", "b", "c"], [10, 50, 30], PairRule(10, min_winner_score=30), (1, 0)),
    ([], [], PairRule(0), None),                                            # no candidate
    (["a"], [50], PairRule(0), None),                                       # one candidate
    (["a", "b", "c"], [20, 20, 20], PairRule(0), None),                     # all equal: no preference
    (["a", "b", "c", "d"], [5, 40, 40, 5], PairRule(1), (1, 0)),            # ties: first seen
    (["a", "b", "c"], [NAN, 50, 10], PairRule(10), (1, 2)),                 # NaN ignored
    (["a", "b"], [NAN, 50], PairRule(0), None),                             # one usable score left
    (["a", "b", "c"], [10, 500, 30], PairRule(1, valid_range=(0, 100)), (2, 0)),
])
def test_best_vs_worst(candidates, scores, rule, expected):
    assert best_vs_worst(candidates, scores, rule) == expected


def test_mismatched_scores_are_a_bug():
    with pytest.raises(ValueError, match="2 candidates but 1 scores"):
        best_vs_worst(["a", "b"], [1.0], PairRule(0))


def rows(*items):
    return pd.DataFrame([{"src_lang": s, "trg_lang": t, "src_text": f"{s}{i}", "ref_text": f"en{i}",
                          "candidates": c, "scores": sc} for i, (s, t, c, sc) in enumerate(items)])


SCORED = rows(("de", "fr", ["x", "y"], [1.0, 9.0]), ("de", "fr", ["p", "q"], [0.0, 2.0]),
              ("fr", "de", ["m", "n", "o"], [5.0, 5.0, 5.0]), ("fr", "de", ["u", "v"], [3.0, 8.0]))


def test_build_pairs_records_scores_and_margin_and_is_seeded():
    pairs = build_pairs(SCORED, PairRule(1), None, seed=3)
    assert list(pairs.columns) == PAIR_COLUMNS and len(pairs) == 3
    first = pairs.set_index("src_text").loc["de0"]
    assert (first.chosen, first.rejected, first.margin) == ("y", "x", 8.0)
    assert pairs.equals(build_pairs(SCORED, PairRule(1), None, seed=3))
    assert (pairs["margin"] >= 1).all()


def test_cap_per_direction_keeps_the_largest_margins():
    pairs = build_pairs(SCORED, PairRule(1), 1, seed=0)
    assert sorted(pairs["margin"]) == [5.0, 8.0]


def test_no_pair_left_gives_an_empty_frame_with_the_schema():
    pairs = build_pairs(SCORED, PairRule(100), None, seed=0)
    assert pairs.empty and list(pairs.columns) == PAIR_COLUMNS
    pairs = build_pairs(rows(), PairRule(0), None, seed=0)
    assert pairs.empty and list(pairs.columns) == PAIR_COLUMNS


def test_count_matrix_and_percentages():
    counts = count_matrix(build_pairs(SCORED, PairRule(1), None, seed=0), ["en", "de", "fr"])
    assert counts.loc["de", "fr"] == 2 and counts.loc["fr", "de"] == 1
    assert counts.loc["total", "total"] == 3 and counts.loc["en", "total"] == 0
    assert percentages(counts).loc["de", "fr"] == pytest.approx(66.67)
    x2x_only = count_matrix(build_pairs(SCORED, PairRule(1), None, seed=0), ["de", "fr"])  # as make_x2x_pairs asks
    assert list(x2x_only.index) == ["de", "fr", "total"] and list(x2x_only.columns) == ["de", "fr", "total"]
    empty = count_matrix(build_pairs(SCORED, PairRule(100), None, seed=0), ["en", "de"])
    assert empty.loc["total", "total"] == 0 and percentages(empty).loc["total", "total"] == 0


def test_pairs_judged_shard_by_shard_are_the_pairs_judged_at_once():
    """make_pairs reads one shard at a time: the result must not depend on it."""
    shards = [SCORED.iloc[:3], SCORED.iloc[3:]]
    streamed = cap_and_shuffle(pd.concat([judge_rows(shard, PairRule(1))[0] for shard in shards], ignore_index=True),
                               1, seed=3)
    assert streamed.equals(build_pairs(SCORED, PairRule(1), 1, seed=3))


def test_outcome_counts_say_why_rows_gave_no_pair():
    scored = rows(("de", "fr", ["x", "y"], [1.0, 9.0]), ("de", "fr", ["p"], [2.0]),
                  ("fr", "de", ["m", "n"], [5.0, 5.5]), ("fr", "de", ["u", "v"], [NAN, 8.0]))
    pairs, counts = judge_rows(scored, PairRule(1))
    assert len(pairs) == counts["kept"] == 1
    assert counts.to_dict() == {"kept": 1, "fewer than 2 usable candidates": 2, "no winner >= min_winner_score": 0,
                                "margin below min_margin": 1}
    assert judge_rows(scored, PairRule(1, min_winner_score=10))[1]["no winner >= min_winner_score"] == 2


def test_score_summary_reports_nan_and_row_range():
    scored = rows(("de", "fr", ["x", "y"], [1.0, 9.0]), ("de", "fr", ["p", "q"], [NAN, 2.0]))
    summary = score_summary(*score_values(scored))
    assert summary == "scores: 4, 1 NaN, min 1, median 2, max 9; median range per row 8"
    assert score_summary(*score_values(rows(("de", "fr", ["x"], [NAN])))) == "scores: 1, none finite"
