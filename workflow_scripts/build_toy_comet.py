"""Rule build_toy_comet: a tiny COMET metric, fitted to sentence chrF on graded corruptions, in COMET's layout."""

from pathlib import Path

import pandas as pd

from eax.io import atomic_dir
from eax.runner import run_script
from eax.tiny_models import build_comet, metric_fitting_data


def main(snakemake) -> None:
    params = snakemake.params
    texts, training = metric_fitting_data(pd.read_parquet(snakemake.input.corpus), params.fit_samples, params.seed)
    root = Path(snakemake.output.checkpoint).parents[1]
    with atomic_dir(root) as folder:
        build_comet(texts, folder, root, seed=params.seed, training=training, steps=params.fit_steps,
                    **params.architecture)


run_script(main, snakemake)
