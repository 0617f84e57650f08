"""Rule plot_seed_spread (runs when config `seeds` lists more than one): every model's direction-group means on
the main metric, one dot per training seed."""

import pandas as pd

from eax.figures import seed_spread
from eax.io import atomic_path
from eax.runner import run_script
from eax.tables import seed_group_means


def main(snakemake) -> None:
    params = snakemake.params
    scores = pd.concat([pd.read_csv(path).assign(seed=seed)
                        for seed, path in zip(params.score_seeds, snakemake.input.scores, strict=True)],
                       ignore_index=True)
    per_seed = seed_group_means(scores[scores["testset"] == params.testset])
    with atomic_path(snakemake.output.figure) as temporary:
        seed_spread(per_seed, params.metric).savefig(temporary, dpi=110, format="png")
    print(per_seed.to_string(index=False))


run_script(main, snakemake)
