"""Rules make_rm_pairs and make_x2x_pairs: best-vs-worst preference pairs from scored shards, and their counts.

Memory at the paper's scale (4.8M candidates and up to 1.2M pairs per x2x variant): the shards are read one at a
time and only the columns a pair needs; the pairs found are spilled to a scratch Arrow file beside the output, the
cap and shuffle are computed on their direction and margin columns alone (kept in memory), and the file is written
in the shuffled order by an external shuffle (eax.io.write_parquet_in_order)."""

import numpy as np
import pandas as pd
import pyarrow as pa

from eax.io import scratch_dir, write_parquet_in_order, write_text
from eax.pairs import (
    PAIR_COLUMNS,
    PairRule,
    count_matrix,
    judge_rows,
    kept_order,
    percentages,
    score_summary,
    score_values,
)
from eax.runner import run_script

LIGHT_COLUMNS = ["src_lang", "trg_lang", "margin"]  # all the cap and shuffle read
SCORED_COLUMNS = ["src_lang", "trg_lang", "src_text", "ref_text", "candidates", "scores"]
ROWS_PER_GROUP = 100_000
PAIR_SCHEMA = pa.schema([(column, pa.float64() if column in ("chosen_score", "rejected_score", "margin")
                          else pa.string()) for column in PAIR_COLUMNS])


def main(snakemake) -> None:
    params = snakemake.params
    valid_range = tuple(params.valid_score_range) if params.valid_score_range else None
    rule = PairRule(params.min_margin, params.min_winner_score, valid_range)
    light, outcomes, scores, ranges, n_rows = [], None, [], [], 0
    with scratch_dir(snakemake.output.pairs) as scratch:
        spill = scratch / "pairs.arrow"
        with pa.OSFile(str(spill), "wb") as sink, pa.ipc.new_file(sink, PAIR_SCHEMA) as writer:
            for path in snakemake.input.scores:
                rows = pd.read_parquet(path, columns=SCORED_COLUMNS)
                pairs, counts = judge_rows(rows, rule)
                found = pa.Table.from_pandas(pairs, schema=PAIR_SCHEMA, preserve_index=False)
                writer.write_table(found)
                light.append(found.select(LIGHT_COLUMNS))
                outcomes = counts if outcomes is None else outcomes + counts
                shard_scores, shard_ranges = score_values(rows)
                scores.append(shard_scores)
                ranges.append(shard_ranges)
                n_rows += len(rows)
        light = pa.concat_tables(light).to_pandas(strings_to_categorical=True) if light else pd.DataFrame(
            columns=LIGHT_COLUMNS)
        order = kept_order(light, params.max_pairs_per_direction, params.seed)
        write_parquet_in_order(spill, order, snakemake.output.pairs, ROWS_PER_GROUP)
    counts = count_matrix(light.iloc[order], params.languages)
    print(f"{len(order)} pairs from {n_rows} rows (min_margin {rule.min_margin}, min_winner_score "
          f"{rule.min_winner_score}, cap {params.max_pairs_per_direction} per direction)\n"
          f"rows by outcome:\n{outcomes.to_string()}\n{score_summary(np.concatenate(scores), np.concatenate(ranges))}\n"
          f"{counts.to_string()}\n{percentages(counts).to_string()}")
    write_text(counts.to_csv(), snakemake.output.counts)
    write_text(percentages(counts).to_csv(), snakemake.output.percentages)


run_script(main, snakemake)
