"""Checkpoint make_seed_shards: RM seeds (en2x, x2en) and x2x seeds per pair, split into shards.

Writes `{shards}/{rm,x2x}/{pair}/{shard}.parquet` and a manifest `{kind: {pair: shard count}}`.
"""

from pathlib import Path

import pandas as pd

from eax.corpus import cap_rows, rm_seeds, shard_name, split_into_shards, x2x_seeds
from eax.io import atomic_dir, write_json
from eax.runner import run_script


def main(snakemake) -> None:
    params = snakemake.params
    corpus = pd.read_parquet(snakemake.input.corpus)
    manifest: dict[str, dict[str, int]] = {}
    with atomic_dir(snakemake.output.shards) as root:
        for kind, seeds in (("rm", rm_seeds(corpus, params.languages)), ("x2x", x2x_seeds(corpus, params.languages))):
            manifest[kind] = {}
            for pair, frame in seeds.items():
                frame = cap_rows(frame, params.max_seed_rows, params.seed)
                shards = split_into_shards(frame, params.shard_size)
                manifest[kind][pair] = len(shards)
                for index, shard in enumerate(shards):
                    path = Path(root) / kind / pair / f"{shard_name(index)}.parquet"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    shard.to_parquet(path, index=False)
                print(f"{kind} {pair}: {len(frame)} rows in {len(shards)} shard(s)")
    write_json(manifest, snakemake.output.manifest)


run_script(main, snakemake)
