"""Rules sample_rm_candidates and sample_x2x_candidates: N de-duplicated candidates per seed row of one shard
(EAxT or direct prompt)."""

import pandas as pd

from eax.io import write_parquet
from eax.runner import run_script
from eax.sampling import SamplingSettings, sample_candidates


def main(snakemake) -> None:
    params = snakemake.params
    seeds = pd.read_parquet(snakemake.input.seeds)
    settings = SamplingSettings(**{key: params.settings[key] for key in SamplingSettings.__dataclass_fields__})
    candidates = sample_candidates(seeds, params.sampler, params.settings["backend"], params.model, settings,
                                   params.trust_remote_code)
    counts = candidates["candidates"].map(len)
    print(f"{len(candidates)} rows, {counts.sum()} distinct candidates ({counts.mean() if len(counts) else 0:.2f} per row)")
    write_parquet(candidates, snakemake.output.candidates)


run_script(main, snakemake)
