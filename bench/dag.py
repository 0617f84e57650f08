"""Scheduling overhead: the paper-scale DAG's dry-run time against a bare Snakefile with as many jobs, and the
no-op time of a finished toy run (goals: within 2x of bare Snakemake; no-op under 5 s).

The paper DAG is only known once the seed-shard checkpoint has run, so the benchmark first runs the real data
rules (check_corpus, make_seed_shards) of config/paper.yaml on a synthetic corpus of the paper's shape (ten
languages, 18 English-centric directions, `--rows` rows each), in a temporary copy of the project. The bare
Snakefile has one rule per stage of the same fan-out with no params, resources or scripts.

    .venv/bin/python bench/dag.py [--rows 8000] [--finished-demo PATH] [--repeats 3]

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

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PARTS = ["Snakefile", "rules", "workflow_scripts", "config", "profiles", "envs", "report"]
PAPER_LANGUAGES = ["en", "de", "fr", "nl", "it", "es", "pt", "ko", "ru", "zh"]


def copy_project(workdir: Path) -> Path:
    for part in PARTS:
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, workdir / part)
    return workdir


def synthetic_corpus(rows_per_direction: int, seed: int = 0) -> pd.DataFrame:
    """TowerBlocks-MT schema, English-centric, distinct random texts: only its shape matters here."""
    rng = np.random.default_rng(seed)
    frames = []
    for x in PAPER_LANGUAGES[1:]:
        for src, trg in (("en", x), (x, "en")):
            ids = rng.integers(0, 10**12, size=(rows_per_direction, 2))
            frames.append(pd.DataFrame({"src_lang": src, "trg_lang": trg, "src_text": [f"{src} {a}" for a in ids[:, 0]],
                                        "trg_text": [f"{trg} {b}" for b in ids[:, 1]]}))
    return pd.concat(frames, ignore_index=True)


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


def paper_dag(workdir: Path, rows: int) -> None:
    """Run the real data rules of the paper config on the synthetic corpus, so the checkpoint is resolved."""
    corpus = workdir / "synthetic_corpus.parquet"
    synthetic_corpus(rows).to_parquet(corpus)
    (workdir / "bench.yaml").write_text(f"corpus: {{source: {corpus}}}\n")
    result = snakemake(workdir, "--configfile", "config/paper.yaml", "bench.yaml", "results/data/seed_shards.json")
    if result.returncode:
        raise SystemExit(f"the paper config's data rules failed:\n{result.stderr[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=8000, help="rows per English-centric direction")
    parser.add_argument("--finished-demo", type=Path, help="a project copy where `make demo` has finished")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="eax-dag-") as temporary:
        paper = copy_project(Path(temporary) / "paper")
        paper_dag(paper, args.rows)
        paper_seconds, output = timed(paper, args.repeats, "-n", "--configfile", "config/paper.yaml", "bench.yaml")
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
