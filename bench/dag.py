"""Scheduling overhead: the paper-scale DAG's dry-run time against a bare Snakefile with as many jobs, and the
no-op time of a finished toy run (goals: within 2x of bare Snakemake; no-op under 5 s).

The paper config's DAG is static (72 x2x pairs x `data.shards_per_pair` shards, all known before any data
exists), so its dry run needs no data. The bare Snakefile has one rule per stage with the same number of jobs
and no params, resources or scripts.

    .venv/bin/python bench/dag.py [--finished-demo PATH] [--repeats 3]

Without --finished-demo it runs the toy demo first (about 5 minutes) to time the no-op.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = ["Snakefile", "rules", "workflow_scripts", "config", "profiles", "envs", "report"]


def copy_project(workdir: Path) -> Path:
    workdir.mkdir(parents=True)
    for part in PARTS:
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, workdir / part)
    return workdir


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "snakemake", "--cores", "1", *args]
    return subprocess.run(command, cwd=workdir, capture_output=True, text=True)


def timed(workdir: Path, repeats: int, *args: str) -> tuple[float, str]:
    times, output = [], ""
    for _ in range(repeats):
        start = time.perf_counter()
        result = snakemake(workdir, *args)
        times.append(time.perf_counter() - start)
        if result.returncode:
            raise SystemExit(f"snakemake {' '.join(args)} failed in {workdir}:\n{result.stderr[-3000:]}")
        output = result.stdout
    return statistics.median(times), output


def job_counts(dry_run_output: str) -> dict[str, int]:
    block = dry_run_output.split("Job stats:", 1)[1].splitlines()[3:]
    counts = {}
    for line in block:
        match = re.match(r"^(\w+)\s+(\d+)$", line.strip())
        if not match or match.group(1) == "total":
            break
        counts[match.group(1)] = int(match.group(2))
    return counts


def bare_snakefile(counts: dict[str, int]) -> str:
    """One rule per stage, each with as many jobs as the real one; every job feeds `all`."""
    stages = {name: count for name, count in counts.items() if name != "all"}
    targets = ", ".join(f'expand("out/{name}/{{i}}.txt", i=range({count}))' for name, count in stages.items())
    rules = [f"rule all:\n    input: {targets}\n"]
    rules += [f'rule {name}:\n    output: "out/{name}/{{i}}.txt"\n    shell: "touch {{output}}"\n' for name in stages]
    return "\n".join(rules)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--finished-demo", type=Path, help="a project copy where `make demo` has finished")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="eax-dag-") as temporary:
        paper = copy_project(Path(temporary) / "paper")
        paper_seconds, output = timed(paper, args.repeats, "-n", "--configfile", "config/paper.yaml")
        counts = job_counts(output)
        bare = Path(temporary) / "bare"
        bare.mkdir()
        (bare / "Snakefile").write_text(bare_snakefile(counts))
        bare_seconds, _ = timed(bare, args.repeats, "-n")
        total = sum(counts.values())
        print(f"paper config dry run: {total} jobs in {paper_seconds:.1f} s; bare Snakefile with the same jobs: "
              f"{bare_seconds:.1f} s; ratio {paper_seconds / bare_seconds:.2f} (goal: <= 2)")
        demo = args.finished_demo
        if demo is None:
            demo = copy_project(Path(temporary) / "demo")
            if snakemake(demo, "--profile", "profiles/default").returncode:
                raise SystemExit(f"the toy demo failed in {demo}")
        noop_seconds, noop_output = timed(demo, args.repeats, "-n")
        nothing = "Nothing to be done" in noop_output or "Job stats:" not in noop_output
        print(f"no-op dry run of a finished demo: {noop_seconds:.1f} s, nothing to do: {nothing} (goal: < 5 s)")


if __name__ == "__main__":
    main()
