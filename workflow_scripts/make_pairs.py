"""Rules make_rm_pairs and make_x2x_pairs: best-vs-worst preference pairs from scored shards, and their counts.

The shards are read one at a time, and only the columns a pair needs: at the paper's scale (4.8M candidates per
x2x variant) only one shard's rows and the pairs found so far are ever in memory."""

import numpy as np
import pandas as pd

from eax.io import write_parquet, write_text
from eax.pairs import PairRule, cap_and_shuffle, count_matrix, judge_rows, percentages, score_summary, score_values
from eax.runner import run_script

SCORED_COLUMNS = ["src_lang", "trg_lang", "src_text", "ref_text", "candidates", "scores"]


def main(snakemake) -> None:
    params = snakemake.params
    valid_range = tuple(params.valid_score_range) if params.valid_score_range else None
    rule = PairRule(params.min_margin, params.min_winner_score, valid_range)
    found, outcomes, scores, ranges, n_rows = [], None, [], [], 0
    for path in snakemake.input.scores:
        rows = pd.read_parquet(path, columns=SCORED_COLUMNS)
        pairs, counts = judge_rows(rows, rule)
        found.append(pairs)
        outcomes = counts if outcomes is None else outcomes + counts
        shard_scores, shard_ranges = score_values(rows)
        scores.append(shard_scores)
        ranges.append(shard_ranges)
        n_rows += len(rows)
    pairs = cap_and_shuffle(pd.concat(found, ignore_index=True), params.max_pairs_per_direction, params.seed)
    counts = count_matrix(pairs, params.languages)
    print(f"{len(pairs)} pairs from {n_rows} rows (min_margin {rule.min_margin}, min_winner_score "
          f"{rule.min_winner_score}, cap {params.max_pairs_per_direction} per direction)\n"
          f"rows by outcome:\n{outcomes.to_string()}\n{score_summary(np.concatenate(scores), np.concatenate(ranges))}\n"
          f"{counts.to_string()}\n{percentages(counts).to_string()}")
    write_text(counts.to_csv(), snakemake.output.counts)
    write_text(percentages(counts).to_csv(), snakemake.output.percentages)
    write_parquet(pairs, snakemake.output.pairs)


run_script(main, snakemake)
