"""Rule download_flores: the official FLORES-200 tarball, unpacked to `{folder}/{split}/{code}.{split}`."""

import shutil
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from eax.io import atomic_dir
from eax.runner import run_script


def main(snakemake) -> None:
    params = snakemake.params
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / "flores200.tar.gz"
        urllib.request.urlretrieve(params.url, archive)
        with tarfile.open(archive) as tar:
            tar.extractall(scratch, filter="data")
        with atomic_dir(params.root) as folder:
            for split in params.splits:
                shutil.copytree(Path(scratch) / "flores200_dataset" / split, folder / split)
    print(f"unpacked {params.url} into {params.root}")


run_script(main, snakemake)
