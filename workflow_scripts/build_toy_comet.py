"""Rule build_toy_comet: a tiny COMET regression metric in COMET's own checkpoint layout, built offline."""

from pathlib import Path

import pandas as pd

from eax.io import atomic_dir
from eax.runner import run_script
from eax.tiny_models import build_comet


def main(snakemake) -> None:
    params = snakemake.params
    corpus = pd.read_parquet(snakemake.input.corpus)
    texts = [*corpus["src_text"], *corpus["trg_text"]]
    root = Path(snakemake.output.checkpoint).parents[1]
    with atomic_dir(root) as folder:
        build_comet(texts, folder, root, seed=params.seed, **params.architecture)


run_script(main, snakemake)
