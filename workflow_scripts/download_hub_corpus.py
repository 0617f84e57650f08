"""Rule download_hub_corpus: one parquet file of a hub dataset (TowerBlocks-MT at paper scale)."""

import shutil

from eax.io import atomic_path
from eax.runner import run_script


def main(snakemake) -> None:
    from huggingface_hub import hf_hub_download

    params = snakemake.params
    cached = hf_hub_download(repo_id=params.dataset, filename=params.file, repo_type="dataset")
    with atomic_path(snakemake.output.corpus) as temporary:
        shutil.copyfile(cached, temporary)
    print(f"downloaded {params.dataset}/{params.file}")


run_script(main, snakemake)
