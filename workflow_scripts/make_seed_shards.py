"""Rule make_seed_shards: RM seeds (en2x, x2en) and x2x seeds per pair, each split into `data.shards_per_pair`
balanced shards, written to results/data/seed_shards/{rm,x2x}/{pair}/{shard}.parquet."""

from collections import defaultdict
from pathlib import Path

import pandas as pd

from eax.corpus import cap_rows, rm_seeds, split_into_shards, x2x_seeds
from eax.io import write_parquet
from eax.runner import run_script


def main(snakemake) -> None:
    params = snakemake.params
    corpus = pd.read_parquet(snakemake.input.corpus)
    seeds = {"rm": rm_seeds(corpus, params.languages), "x2x": x2x_seeds(corpus, params.languages)}
    shard_paths: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in [*snakemake.output.rm, *snakemake.output.x2x]:  # .../{kind}/{pair}/{shard}.parquet
        kind, pair = Path(path).parts[-3:-1]
        shard_paths[kind, pair].append(path)
    for (kind, pair), paths in shard_paths.items():
        frame = cap_rows(seeds[kind][pair], params.max_seed_rows[kind], params.seed)
        shards = split_into_shards(frame, len(paths))
        for path, shard in zip(sorted(paths), shards):
            write_parquet(shard, path)
        print(f"{kind} {pair}: {len(frame)} rows in {len(shards)} shard(s) of {min(map(len, shards))}-"
              f"{max(map(len, shards))} rows")


run_script(main, snakemake)
