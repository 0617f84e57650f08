"""Rules make_rm_pairs and make_x2x_pairs: best-vs-worst preference pairs from scored shards, and their counts.

Memory at the paper's scale (4.8M candidates and up to 1.2M pairs per x2x variant): the shards are read one at a
time and only the columns a pair needs; the pairs found are kept as Arrow tables (compact strings), the cap and
shuffle are computed on their direction and margin columns alone, and the file is written in row groups."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from eax.io import atomic_path, write_text
from eax.pairs import (PAIR_COLUMNS, PairRule, count_matrix, judge_rows, kept_order, percentages, score_summary,
                       score_values)
from eax.runner import run_script

SCORED_COLUMNS = ["src_lang", "trg_lang", "src_text", "ref_text", "candidates", "scores"]
ROWS_PER_GROUP = 100_000
PAIR_SCHEMA = pa.schema([(column, pa.float64() if column in ("chosen_score", "rejected_score", "margin")
                          else pa.string()) for column in PAIR_COLUMNS])


def write_in_row_groups(table: pa.Table, order: np.ndarray, path: str) -> None:
    """`table`'s rows in `order`, written a row group at a time (never a second full copy in memory)."""
    with atomic_path(path) as temporary, pq.ParquetWriter(temporary, table.schema) as writer:
        for start in range(0, len(order), ROWS_PER_GROUP):
            writer.write_table(table.take(order[start:start + ROWS_PER_GROUP]))
        if not len(order):
            writer.write_table(table.slice(0, 0))


def main(snakemake) -> None:
    params = snakemake.params
    valid_range = tuple(params.valid_score_range) if params.valid_score_range else None
    rule = PairRule(params.min_margin, params.min_winner_score, valid_range)
    found, outcomes, scores, ranges, n_rows = [], None, [], [], 0
    for path in snakemake.input.scores:
        rows = pd.read_parquet(path, columns=SCORED_COLUMNS)
        pairs, counts = judge_rows(rows, rule)
        found.append(pa.Table.from_pandas(pairs, schema=PAIR_SCHEMA, preserve_index=False))
        outcomes = counts if outcomes is None else outcomes + counts
        shard_scores, shard_ranges = score_values(rows)
        scores.append(shard_scores)
        ranges.append(shard_ranges)
        n_rows += len(rows)
    table = pa.concat_tables(found) if found else PAIR_SCHEMA.empty_table()
    light = table.select(["src_lang", "trg_lang", "margin"]).to_pandas(strings_to_categorical=True)
    order = kept_order(light, params.max_pairs_per_direction, params.seed)
    counts = count_matrix(light.iloc[order], params.languages)
    print(f"{len(order)} pairs from {n_rows} rows (min_margin {rule.min_margin}, min_winner_score "
          f"{rule.min_winner_score}, cap {params.max_pairs_per_direction} per direction)\n"
          f"rows by outcome:\n{outcomes.to_string()}\n{score_summary(np.concatenate(scores), np.concatenate(ranges))}\n"
          f"{counts.to_string()}\n{percentages(counts).to_string()}")
    write_text(counts.to_csv(), snakemake.output.counts)
    write_text(percentages(counts).to_csv(), snakemake.output.percentages)
    write_in_row_groups(table, order, snakemake.output.pairs)


run_script(main, snakemake)
