"""Rule build_toy_bleurt: a tiny BLEURT (bleurt-pytorch), fitted to sentence chrF on graded corruptions, saved in
BLEURT-20's layout (config.json, model.safetensors, spm.model)."""

from pathlib import Path

import pandas as pd

from eax.bleurt import build_tiny_bleurt
from eax.io import atomic_dir
from eax.runner import run_script
from eax.tiny_models import metric_fitting_data


def main(snakemake) -> None:
    params = snakemake.params
    texts, training = metric_fitting_data(pd.read_parquet(snakemake.input.corpus), params.fit_samples, params.seed)
    with atomic_dir(Path(snakemake.output.config).parent) as folder:
        build_tiny_bleurt(texts, folder, seed=params.seed, training=training, steps=params.fit_steps,
                          **params.architecture)


run_script(main, snakemake)
