"""Rules make_rm_pairs and make_x2x_pairs: best-vs-worst preference pairs from scored shards, and their counts."""

import pandas as pd

from eax.io import write_parquet, write_text
from eax.pairs import PairRule, build_pairs, count_matrix, outcome_counts, percentages, score_summary
from eax.runner import run_script


def main(snakemake) -> None:
    params = snakemake.params
    rows = pd.concat([pd.read_parquet(path) for path in snakemake.input.scores], ignore_index=True)
    valid_range = tuple(params.valid_score_range) if params.valid_score_range else None
    rule = PairRule(params.min_margin, params.min_winner_score, valid_range)
    pairs = build_pairs(rows, rule, params.max_pairs_per_direction, params.seed)
    counts = count_matrix(pairs, params.languages)
    print(f"{len(pairs)} pairs from {len(rows)} rows (min_margin {rule.min_margin}, min_winner_score "
          f"{rule.min_winner_score}, cap {params.max_pairs_per_direction} per direction)\n"
          f"rows by outcome:\n{outcome_counts(rows, rule).to_string()}\n{score_summary(rows)}\n"
          f"{counts.to_string()}\n{percentages(counts).to_string()}")
    write_text(counts.to_csv(), snakemake.output.counts)
    write_text(percentages(counts).to_csv(), snakemake.output.percentages)
    write_parquet(pairs, snakemake.output.pairs)


run_script(main, snakemake)
