"""Wall time and peak memory of the embedded default, the whole process tree summed (goal: < 5 min, < 4 GiB).

Runs the workflow in a fresh temporary copy of the project (so nothing of yours is touched), samples the resident
memory of Snakemake and all its jobs every 0.2 s, and prints the figures and the slowest rules. `--configfile`
runs another config the same way: the real model offline (goal: < 30 min on 2 cores), the copy beside a link to
the checkout's ../shared, as the checkout has it, and the hub offline:

    .venv/bin/python bench/demo.py [--cores 2] [--keep] [--out bench/results/demo.md]
    .venv/bin/python -m eax.hub_cache && .venv/bin/python bench/demo.py \
        --configfile config/smollm2.yaml config/shared_data.yaml
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from machine import stamp

ROOT = Path(__file__).resolve().parents[1]
PARTS = ["Snakefile", "rules", "workflow_scripts", "config", "profiles", "envs", "report"]


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temporary run folder")
    parser.add_argument("--configfile", nargs="+", default=[], help="config files (relative to the checkout)")
    parser.add_argument("--out", type=Path, help="also write the figures, with the machine, to this Markdown file")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="eax-demo-")) / "workflow"
    workdir.mkdir()
    for part in PARTS:
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, workdir / part)
    if (ROOT.parent / "shared").is_dir():
        (workdir.parent / "shared").symlink_to(ROOT.parent / "shared")
    command = [sys.executable, "-m", "snakemake", "--cores", str(args.cores)]
    command += ["--configfile", *args.configfile] if args.configfile else []
    environment = {**os.environ, "HF_HUB_OFFLINE": "1"} if args.configfile else None
    start = time.perf_counter()
    with open(workdir / "snakemake.log", "w") as log:
        process = psutil.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT, env=environment)
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss(process))
            time.sleep(0.2)
    seconds = time.perf_counter() - start
    goals = "< 30 min" if args.configfile else "< 5 min, < 4 GiB"
    figures = (f"exit status {process.returncode}; wall time {seconds:.0f} s ({seconds / 60:.1f} min) on {args.cores} "
               f"cores; peak memory {peak / 2**30:.2f} GiB (goals: {goals})")
    print(figures)
    if args.out and process.returncode == 0:
        config = " ".join(args.configfile) or "the embedded default"
        args.out.write_text(f"{stamp()}\n\n`bench/demo.py` on {config}: {figures}.\n")
    print(f"run folder: {workdir}" if args.keep else "")
    if not args.keep:
        shutil.rmtree(workdir.parent)
    sys.exit(process.returncode)


if __name__ == "__main__":
    main()
