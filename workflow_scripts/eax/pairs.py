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


KEPT = "kept"
OUTCOMES = (KEPT, "fewer than 2 usable candidates", "no winner >= min_winner_score", "margin below min_margin")


def choose(scores: np.ndarray, rule: PairRule) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The recipe's best-vs-worst choice for each row of a score matrix (NaN: no score): (winner, loser, outcome),
    the outcome an index into OUTCOMES, so a log can say why pairs are few; winner and loser mean something only
    where the outcome is KEPT.

    Loser: the lowest-scoring candidate. Winner: among candidates scoring at least `min_winner_score`, the one
    with the largest margin over the loser. The margin must be positive and at least `min_margin`; ties resolve
    to the first-seen candidate (argmin and argmax return the first); NaN scores, and scores outside
    `valid_range` when one is set, are ignored; fewer than two usable candidates give no pair.
    """
    low, high = rule.valid_range or (-math.inf, math.inf)
    usable = (scores >= low) & (scores <= high)  # False for NaN
    rows = np.arange(len(scores))
    loser = np.where(usable, scores, np.inf).argmin(axis=1)
    eligible = usable.copy()
    eligible[rows, loser] = False
    if rule.min_winner_score is not None:
        eligible &= scores >= rule.min_winner_score
    winner = np.where(eligible, scores, -np.inf).argmax(axis=1)
    margin = scores[rows, winner] - scores[rows, loser]
    outcome = np.select([usable.sum(axis=1) < 2, ~eligible.any(axis=1), ~((margin > 0) & (margin >= rule.min_margin))],
                        [1, 2, 3], default=0)
    return winner, loser, outcome


def best_vs_worst(candidates: list[str], scores: list[float], rule: PairRule) -> tuple[int, int] | None:
    """(winner, loser) indices of one row's candidates, or None: `choose` on a single row."""
    if len(candidates) != len(scores):
        raise ValueError(f"{len(candidates)} candidates but {len(scores)} scores")
    winner, loser, outcome = choose(score_matrix(pd.Series([scores], dtype=object))[0], rule)
    return (int(winner[0]), int(loser[0])) if outcome[0] == 0 else None


def score_matrix(scores: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Rows' score lists as one float matrix padded with NaN (never usable, never a range end), and the mask of
    the cells that hold a score (row-major, so `matrix[present]` is every score in row order)."""
    lengths = np.fromiter((len(row) for row in scores), dtype=np.int64, count=len(scores))
    matrix = np.full((len(scores), max(int(lengths.max(initial=0)), 1)), np.nan)
    present = np.arange(matrix.shape[1]) < lengths[:, None]
    if lengths.sum():
        matrix[present] = np.concatenate([np.asarray(row, dtype=float) for row in scores])
    return matrix, present


def judge_rows(rows: pd.DataFrame, rule: PairRule) -> tuple[pd.DataFrame, pd.Series]:
    """The pairs of scored rows (holding `candidates` and `scores` lists), uncapped and in row order, and how many
    rows ended in each outcome (the log line that explains an empty pair file). One shard's rows at a time is
    enough: pairs depend on their own row only.

    Every shard's rows at once (thousands), not row by row: at the paper's scale this is most of the rule's time."""
    if rows.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS), pd.Series(0, index=list(OUTCOMES))
    mismatched = [i for i, (c, s) in enumerate(zip(rows["candidates"], rows["scores"])) if len(c) != len(s)]
    if mismatched:
        row = rows.iloc[mismatched[0]]
        raise ValueError(f"{len(row.candidates)} candidates but {len(row.scores)} scores")
    scores, _ = score_matrix(rows["scores"])
    winner, loser, outcome = choose(scores, rule)
    kept = np.flatnonzero(outcome == 0)
    candidates = rows["candidates"].to_numpy()
    pairs = pd.DataFrame({
        "src_lang": rows["src_lang"].to_numpy()[kept], "trg_lang": rows["trg_lang"].to_numpy()[kept],
        "src_text": rows["src_text"].to_numpy()[kept], "ref_text": rows["ref_text"].to_numpy()[kept],
        "chosen": [candidates[i][winner[i]] for i in kept], "rejected": [candidates[i][loser[i]] for i in kept],
        "chosen_score": scores[kept, winner[kept]], "rejected_score": scores[kept, loser[kept]],
        "margin": scores[kept, winner[kept]] - scores[kept, loser[kept]],
    }, columns=PAIR_COLUMNS)
    counts = pd.Series(np.bincount(outcome, minlength=len(OUTCOMES)), index=list(OUTCOMES))
    return pairs, counts


def score_values(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Every score of the rows, flat, and each row's best-minus-worst range (rows with two finite scores)."""
    matrix, present = score_matrix(rows["scores"])
    ranged = matrix[np.isfinite(matrix).sum(axis=1) >= 2]
    ranges = np.nanmax(ranged, axis=1) - np.nanmin(ranged, axis=1) if len(ranged) else np.array([], dtype=float)
    return matrix[present], ranges


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
