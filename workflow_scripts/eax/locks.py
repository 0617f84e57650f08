"""Stale Snakemake locks. A run killed by SIGKILL (or a power cut) leaves `.snakemake/locks` behind, and the next
run refuses to start until `snakemake --unlock`, which is unsafe while another run works in the folder. `make demo`
calls `python -m eax.locks` first: it removes the locks only when no Snakemake process works in the folder."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def snakemake_processes_in(directory: Path) -> list[int]:
    """Live processes of Snakemake (or of its jobs) whose working directory is `directory`."""
    target, found = directory.resolve(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if cwd == target and any(b"snakemake" in argument for argument in arguments[:3]):
            found.append(int(entry.name))
    return found


def release_stale_locks(directory: Path) -> bool:
    """Remove `.snakemake/locks` if it holds locks and no Snakemake process works in `directory`."""
    locks = directory / ".snakemake" / "locks"
    if not locks.is_dir() or not any(locks.iterdir()) or snakemake_processes_in(directory):
        return False
    shutil.rmtree(locks)
    return True


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    if release_stale_locks(folder):
        print(f"removed the stale Snakemake locks of an interrupted run in {folder.resolve()}")
