"""Rule download_ntrex: NTREX-128's files for the run's languages, from its public repository."""

import urllib.request
from pathlib import Path

from eax.io import atomic_path
from eax.runner import run_script


def main(snakemake) -> None:
    for path in map(Path, snakemake.output.files):
        with atomic_path(path) as temporary:
            urllib.request.urlretrieve(f"{snakemake.params.url}/{path.name}", temporary)
        print(f"downloaded {path.name}")


run_script(main, snakemake)
