"""Rules sample_rm_candidates and sample_x2x_candidates: N de-duplicated candidates per seed row of one shard,
for every configured sampler (EAxT and/or direct prompt) from one model load."""

import pandas as pd

from eax.io import write_parquet
from eax.runner import run_script
from eax.sampling import SamplingSettings, sample_candidates


def main(snakemake) -> None:
    params = snakemake.params
    seeds = pd.read_parquet(snakemake.input.seeds)
    settings = SamplingSettings(**{key: params.settings[key] for key in SamplingSettings.__dataclass_fields__})
    by_sampler = sample_candidates(seeds, params.samplers, params.settings["backend"], params.model, settings,
                                   params.chat_template, params.trust_remote_code, params.dtype)
    for sampler, path in zip(params.samplers, snakemake.output.candidates, strict=True):  # the rule's expand order
        counts = by_sampler[sampler]["candidates"].map(len)
        print(f"{sampler}: {len(counts)} rows, {counts.sum()} distinct candidates "
              f"({counts.mean() if len(counts) else 0:.2f} per row)")
        write_parquet(by_sampler[sampler], path)


run_script(main, snakemake)
