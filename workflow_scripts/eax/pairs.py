"""Preference pairs from scored candidates: the recipe's best-vs-worst rule, caps, shuffle and count matrix.

Fixes two bugs of the original script: its `to_percentile` flag shadowed the function of the same name (a
TypeError when used), and its `valid_score_range` filtered on a field that was always empty (a no-op). Here
NaN scores, and scores outside `valid_range` when one is set, are dropped before pairing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

PAIR_COLUMNS = ["src_lang", "trg_lang", "src_text", "ref_text", "chosen", "rejected", "chosen_score",
                "rejected_score", "margin"]


@dataclass(frozen=True)
class PairRule:
    min_margin: float
    min_winner_score: float | None = None
    valid_range: tuple[float, float] | None = None  # scores outside are treated as missing


def _usable(scores: list[float], rule: PairRule) -> list[int]:
    low, high = rule.valid_range or (-math.inf, math.inf)
    return [i for i, score in enumerate(scores) if score is not None and not math.isnan(score) and low <= score <= high]


KEPT = "kept"
OUTCOMES = (KEPT, "fewer than 2 usable candidates", "no winner >= min_winner_score", "margin below min_margin")


def judge_row(candidates: list[str], scores: list[float], rule: PairRule) -> tuple[tuple[int, int] | None, str]:
    """((winner, loser) indices or None, and the outcome: one of OUTCOMES, so a log can say why pairs are few).

    Loser: the lowest-scoring candidate. Winner: among candidates scoring at least `min_winner_score`, the one
    with the largest margin over the loser. The margin must be positive and at least `min_margin`; ties resolve
    to the first-seen candidate; NaN scores are ignored; fewer than two usable candidates give no pair.
    """
    if len(candidates) != len(scores):
        raise ValueError(f"{len(candidates)} candidates but {len(scores)} scores")
    usable = _usable(scores, rule)
    if len(usable) < 2:
        return None, OUTCOMES[1]
    loser = min(usable, key=lambda i: (scores[i], i))
    eligible = [i for i in usable if i != loser and (rule.min_winner_score is None or scores[i] >= rule.min_winner_score)]
    if not eligible:
        return None, OUTCOMES[2]
    winner = max(eligible, key=lambda i: (scores[i], -i))
    margin = scores[winner] - scores[loser]
    if margin <= 0 or margin < rule.min_margin:
        return None, OUTCOMES[3]
    return (winner, loser), KEPT


def best_vs_worst(candidates: list[str], scores: list[float], rule: PairRule) -> tuple[int, int] | None:
    return judge_row(candidates, scores, rule)[0]


def judge_rows(rows: pd.DataFrame, rule: PairRule) -> tuple[pd.DataFrame, pd.Series]:
    """The pairs of scored rows (holding `candidates` and `scores` lists), uncapped and in row order, and how many
    rows ended in each outcome (the log line that explains an empty pair file). One shard's rows at a time is
    enough: pairs depend on their own row only."""
    records, outcomes = [], []
    for row in rows.itertuples(index=False):
        choice, outcome = judge_row(list(row.candidates), list(row.scores), rule)
        outcomes.append(outcome)
        if choice is None:
            continue
        winner, loser = choice
        records.append({
            "src_lang": row.src_lang, "trg_lang": row.trg_lang, "src_text": row.src_text, "ref_text": row.ref_text,
            "chosen": row.candidates[winner], "rejected": row.candidates[loser],
            "chosen_score": float(row.scores[winner]), "rejected_score": float(row.scores[loser]),
            "margin": float(row.scores[winner] - row.scores[loser]),
        })
    counts = pd.Series(outcomes, dtype=object).value_counts().reindex(OUTCOMES, fill_value=0)
    return pd.DataFrame(records, columns=PAIR_COLUMNS), counts


def score_values(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Every score of the rows, flat, and each row's best-minus-worst range (rows with two finite scores)."""
    per_row = [np.asarray(scores, dtype=float) for scores in rows["scores"]]
    flat = np.concatenate(per_row) if per_row else np.array([], dtype=float)
    ranges = np.array([np.nanmax(r) - np.nanmin(r) for r in per_row if np.isfinite(r).sum() >= 2], dtype=float)
    return flat, ranges


def score_summary(scores: np.ndarray, ranges: np.ndarray) -> str:
    """Scores seen and the median best-minus-worst range per row: the figure to set `min_margin` against."""
    finite = scores[np.isfinite(scores)]
    if not len(finite):
        return f"scores: {len(scores)}, none finite"
    return (f"scores: {len(scores)}, {len(scores) - len(finite)} NaN, min {finite.min():.4g}, "
            f"median {np.median(finite):.4g}, max {finite.max():.4g}; median range per row "
            f"{np.median(ranges) if len(ranges) else float('nan'):.4g}")


def cap_and_shuffle(pairs: pd.DataFrame, max_pairs_per_direction: int | None, seed: int) -> pd.DataFrame:
    """At most `max_pairs_per_direction` pairs per direction, the largest margins kept; then a seeded shuffle."""
    return pairs.iloc[kept_order(pairs, max_pairs_per_direction, seed)].reset_index(drop=True)


def kept_order(pairs: pd.DataFrame, max_pairs_per_direction: int | None, seed: int) -> np.ndarray:
    """The positions of the pairs `cap_and_shuffle` keeps, in its order; it reads only the direction and margin
    columns, so the texts can stay in a compact store (make_pairs keeps them in Arrow)."""
    light = pairs[["src_lang", "trg_lang", "margin"]].reset_index(drop=True)
    if max_pairs_per_direction is not None:
        light = (light.sort_values("margin", ascending=False, kind="stable")
                 .groupby(["src_lang", "trg_lang"], sort=False).head(max_pairs_per_direction))
    return light.sample(frac=1.0, random_state=np.random.RandomState(seed)).index.to_numpy()


def build_pairs(rows: pd.DataFrame, rule: PairRule, max_pairs_per_direction: int | None, seed: int) -> pd.DataFrame:
    """Pairs from scored rows; capped per direction by margin, then shuffled."""
    return cap_and_shuffle(judge_rows(rows, rule)[0], max_pairs_per_direction, seed)


def count_matrix(pairs: pd.DataFrame, languages: list[str]) -> pd.DataFrame:
    """Pairs per source (rows) x target (columns) language, with row/column totals, as the original prints."""
    counts = pd.crosstab(pairs["src_lang"], pairs["trg_lang"]).reindex(index=languages, columns=languages,
                                                                        fill_value=0)
    counts.index.name, counts.columns.name = "src_lang", "trg_lang"
    counts["total"] = counts.sum(axis=1)
    counts.loc["total"] = counts.sum(axis=0)
    return counts


def percentages(counts: pd.DataFrame) -> pd.DataFrame:
    total = counts.loc["total", "total"]
    return (100 * counts / total).round(2) if total else counts.astype(float)
