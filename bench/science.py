"""The toy world's science over training seeds and CPU kernels: each claim of eax.science measured per run, with
mean, spread and how many runs it holds on; the main table's chrF as the range a newcomer's demo lands in.

Each (seed, kernel) pair runs the embedded default in a fresh copy of the project with every training and sampling
seed shifted by the seed (the world itself stays the one the demo builds), then reads the claims off its tables.
A kernel setting holds torch, oneDNN and MKL to one instruction set (`KERNELS`): floating-point order differs
between vector widths, so a result that holds on one CPU's kernels alone is not counted as reproduced. On this
stack (torch's CPU wheel, MKL BLAS) `ATEN_CPU_CAPABILITY` moves a training step's gradients; MKL's and oneDNN's
settings are set too, for the CPUs where they act. `--out` writes the figures (main.csv, claims.csv, spread.md,
claims.md) and `--include-in` puts the Markdown between the markers of the README and docs/science.md, so no
page types a figure by hand.
`--config` merges a config file over the default first (as `--configfile` would), to measure the science of a
setting before it becomes the default. `--reuse` starts each seed from a copy of a run kept by `--keep` (one
folder per seed, in the order of `--seeds`): with this checkout's code and config, Snakemake reruns only what
they change, so a DPO setting is measured without training the SFT again. `--mutation` reruns the first seed's
copy with a wiring bug planted (`swap`: chosen and rejected exchanged in every pair eax.pairs builds, the RM's
too; `x_source`: EAxE reads the x source instead of the English reference) and shows which claims then fail.

    .venv/bin/python bench/science.py [--seeds 0 1 2] [--kernels native avx2] [--config overlay.yaml] [--cores 2]
                                      [--mutation swap x_source] [--keep] [--reuse KEPT_SEED0 KEPT_SEED1 KEPT_SEED2]
                                      [--out bench/results/science --include-in README.md docs/science.md]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml
from machine import stamp

from eax.config import CONFIG_DIR, TRAINER_SECTIONS, load_config, margin_name
from eax.science import CLAIMS, Outcomes, measure_all, pair_wiring_errors, scorer_wiring_errors

ROOT = Path(__file__).resolve().parents[1]

PARTS = ["Snakefile", "rules", "workflow_scripts", "config", "profiles", "envs", "report"]
SEEDED = ["training", "sampling"]  # every trainer's seed is the shared one unless its section sets its own
# (file, original text, planted bug, the rule that must rerun)
MUTATIONS = {
    "swap": ("workflow_scripts/eax/pairs.py",
             '"chosen": [candidates[i][winner[i]] for i in kept], "rejected": [candidates[i][loser[i]] for i in kept]',
             '"chosen": [candidates[i][loser[i]] for i in kept], "rejected": [candidates[i][winner[i]] for i in kept]',
             "make_x2x_pairs"),
    "x_source": ("workflow_scripts/eax/scoring.py", "return eval_prompt(row.ref_lang, row.trg_lang, row.ref_text)",
                 "return eval_prompt(row.src_lang, row.trg_lang, row.src_text)", "score_x2x_candidates"),
}


KERNELS = {  # environment per kernel setting; "native" is whatever the CPU offers
    "native": {},
    "avx2": {"ATEN_CPU_CAPABILITY": "avx2", "DNNL_MAX_CPU_ISA": "AVX2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"},
    "generic": {"ATEN_CPU_CAPABILITY": "default", "DNNL_MAX_CPU_ISA": "SSE41", "MKL_CBWR": "COMPATIBLE"},
}
SPREAD_MODELS = ["sft", "dpo-eaxt_eaxe", "dpo-direct_direct"]  # the README's table: SFT, EAX, the direct baseline
SPREAD_GROUPS = ["en2x", "x2en", "x2x"]


def shifted_config(seed: int, overlay: str | None) -> dict:
    config = load_config(overlay or CONFIG_DIR / "config.yaml")
    for path in SEEDED + [section for section in TRAINER_SECTIONS if "seed" in seeded_section(config, section)]:
        seeded_section(config, path)["seed"] += seed
    return config


def seeded_section(config: dict, path: str) -> dict:
    for key in path.split("."):
        config = config[key]
    return config


def run_environment(workdir: Path, kernel: str) -> dict[str, str]:
    """The environment for a run in `workdir` on `kernel`'s instruction sets: its own `eax` ahead of the one
    `make install` made editable (the venv's .pth names the original checkout, and Snakemake only appends a
    script's folder to sys.path), so a planted bug in the copy is the code its jobs run."""
    paths = [str(workdir / "workflow_scripts"), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, **KERNELS[kernel], "PYTHONPATH": os.pathsep.join(paths)}


def run(workdir: Path, cores: int, kernel: str, *extra: str) -> float:
    start = time.perf_counter()
    with open(workdir / "snakemake.log", "a") as log:
        result = subprocess.run([sys.executable, "-m", "snakemake", "--cores", str(cores), *extra], cwd=workdir,
                                stdout=log, stderr=subprocess.STDOUT, env=run_environment(workdir, kernel))
    if result.returncode:
        sys.exit(f"the run in {workdir} failed; see its snakemake.log")
    return time.perf_counter() - start


def seed_run(seed: int, kernel: str, cores: int, overlay: str | None, reuse: Path | None) -> tuple[Path, Outcomes]:
    workdir = Path(tempfile.mkdtemp(prefix=f"eax-science-{seed}-{kernel}-"))
    config = shifted_config(seed, overlay)
    if reuse:
        copy_kept_run(reuse, workdir, config)
    for part in PARTS:
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, workdir / part)
    (workdir / "config" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    seconds = run(workdir, cores, kernel)
    print(f"seed {seed}, {kernel} kernels: {seconds:.0f} s", flush=True)
    return workdir, Outcomes.read(workdir / "results")


def copy_kept_run(kept: Path, workdir: Path, config: dict) -> None:
    """A kept run's results and Snakemake's record of them (which code and params made each file) into
    `workdir`, without its code and config, which the caller writes fresh. The kept run must be the same seed's."""
    kept_config = yaml.safe_load((kept / "config" / "config.yaml").read_text())
    for path in SEEDED:
        kept_seed, seed = seeded_section(kept_config, path)["seed"], seeded_section(config, path)["seed"]
        if kept_seed != seed:
            sys.exit(f"{kept} was run with {path}.seed {kept_seed}, not this seed's {seed}: give --reuse one kept "
                     "folder per seed, in the order of --seeds")
    for part in ("results", ".snakemake"):
        shutil.copytree(kept / part, workdir / part, symlinks=True, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("locks", "incomplete"))


def wiring_errors(results: Path) -> list[str]:
    """The science test's wiring checks (tests/test_science.py) on a finished run."""
    config = yaml.safe_load((results.parent / "config" / "config.yaml").read_text())  # the run's own
    variants = {f"{a}_{b}": (a, b) for a in config["x2x"]["samplers"] for b in config["x2x"]["scorers"]}
    return (pair_wiring_errors(results, list(variants), margin_name(config["x2x"]["min_margin"]))
            + scorer_wiring_errors(results, variants, config["model"]["chat_template"]))


def mutated_run(workdir: Path, mutation: str, cores: int, kernel: str) -> tuple[dict[str, float], list[str]]:
    file, original, bug, rule = MUTATIONS[mutation]
    path = workdir / file
    text = path.read_text()
    if original not in text:
        sys.exit(f"{file} no longer holds the line the `{mutation}` mutation changes: update bench/science.py")
    path.write_text(text.replace(original, bug))
    try:
        run(workdir, cores, kernel, "--forcerun", rule)
        return measure_all(Outcomes.read(workdir / "results")), wiring_errors(workdir / "results")
    finally:
        path.write_text(text)


def claims_table(labels: list[str], outcomes: list[Outcomes]) -> pd.DataFrame:
    """Per claim: its threshold, its value on every run, mean, sd, range, and on how many runs it holds."""
    rows = []
    for claim in CLAIMS:
        values = [measure_all(outcome)[claim.name] for outcome in outcomes]
        rows.append({"claim": claim.name, "threshold": claim.threshold, **dict(zip(labels, values, strict=True)),
                     "mean": statistics.mean(values), "sd": statistics.stdev(values) if len(values) > 1 else None,
                     "min": min(values), "max": max(values),
                     "holds": f"{sum(value >= claim.threshold for value in values)}/{len(values)}"})
    return pd.DataFrame(rows)


def main_table(labels: list[str], outcomes: list[Outcomes]) -> pd.DataFrame:
    """The README's models and direction groups, chrF per run (long format: one row per run, model and group)."""
    return pd.DataFrame([{"run": label, "model": model, "group": group, "chrf": outcome.chrf(model, group)}
                         for label, outcome in zip(labels, outcomes, strict=True)
                         for model in SPREAD_MODELS for group in SPREAD_GROUPS])


def spread_markdown(main: pd.DataFrame) -> str:
    """The range a newcomer's demo lands in: chrF mean [min, max] per model and group over every run."""
    stats = main.groupby(["model", "group"], sort=False)["chrf"].agg(["mean", "min", "max"])
    runs = main["run"].unique()
    lines = [f"chrF over {len(runs)} runs ({', '.join(runs)}): mean [min, max].", "",
             "| model | " + " | ".join(f"{group} chrF" for group in SPREAD_GROUPS) + " |",
             "|---|" + "---:|" * len(SPREAD_GROUPS)]
    for model in SPREAD_MODELS:
        cells = [f"{stats.loc[(model, g), 'mean']:.1f} [{stats.loc[(model, g), 'min']:.1f}, "
                 f"{stats.loc[(model, g), 'max']:.1f}]" for g in SPREAD_GROUPS]
        lines.append(f"| {model} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def claims_markdown(claims: pd.DataFrame) -> str:
    """Each claim's threshold, mean, range and on how many runs it holds."""
    lines = ["| claim | threshold | mean | range | holds on |", "|---|---:|---:|---|---:|"]
    lines += [f"| {row.claim} | {row.threshold:g} | {row.mean:.2f} | [{row.min:.2f}, {row.max:.2f}] | "
              f"{row.holds} runs |" for row in claims.itertuples()]
    return "\n".join(lines) + "\n"


def write_figures(out: Path, main: pd.DataFrame, claims: pd.DataFrame, include_in: list[Path]) -> None:
    """The per-run figures as CSV, the spread and the claims as Markdown (headed by the machine that made them);
    each of `include_in` gets them between its markers, so no page retypes a digit."""
    out.mkdir(parents=True, exist_ok=True)
    main.to_csv(out / "main.csv", index=False, float_format="%.2f")
    claims.to_csv(out / "claims.csv", index=False, float_format="%.2f")
    blocks = {"spread": f"{stamp()}\n\n{spread_markdown(main)}", "claims": f"{stamp()}\n\n{claims_markdown(claims)}"}
    for name, block in blocks.items():
        (out / f"{name}.md").write_text(block)
    print(f"wrote {out}/main.csv, claims.csv, spread.md, claims.md")
    for path in include_in:
        text = path.read_text()
        for name, block in blocks.items():
            text = with_block(text, name, block)
        path.write_text(text)
        print(f"updated {path}")


def markers(name: str) -> tuple[str, str]:
    return f"<!-- bench/science.py writes this {name} -->", f"<!-- end of {name} -->"


def with_block(text: str, name: str, block: str) -> str:
    """`text` with what lies between the `name` markers replaced by `block` (unchanged without the markers)."""
    start, end = markers(name)
    if start not in text:
        return text
    head, rest = text.split(start, 1)
    return f"{head}{start}\n{block}{end}{rest.split(end, 1)[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--kernels", nargs="+", default=["native"], choices=list(KERNELS))
    parser.add_argument("--mutation", nargs="*", default=[], choices=sorted(MUTATIONS))
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--config", help="a config file merged over config/config.yaml before the seeds are shifted")
    parser.add_argument("--keep", action="store_true", help="keep each run's folder (its results/, for a look)")
    parser.add_argument("--reuse", type=Path, nargs="+", help="kept run folders to start from, one per seed")
    parser.add_argument("--out", type=Path, help="write claims.csv, main.csv and spread.md to this folder")
    parser.add_argument("--include-in", type=Path, nargs="*", default=[],
                        help="with --out: files whose spread/claims markers get the new tables (README.md ...)")
    args = parser.parse_args()
    if args.reuse and (len(args.reuse) != len(args.seeds) or len(args.kernels) > 1):
        parser.error(f"--reuse takes one kept folder per seed, on one kernel setting: {len(args.seeds)} seeds, "
                     f"{len(args.reuse)} folders")
    grid = [(seed, kernel) for kernel in args.kernels for seed in args.seeds]
    reuse = dict(zip(args.seeds, args.reuse or [None] * len(args.seeds), strict=True))
    runs = [seed_run(seed, kernel, args.cores, args.config, reuse[seed]) for seed, kernel in grid]
    labels = [f"seed {seed} {kernel}" for seed, kernel in grid]
    outcomes = [outcome for _, outcome in runs]
    claims = claims_table(labels, outcomes)
    with pd.option_context("display.width", 250, "display.max_columns", 30, "display.float_format", "{:.2f}".format):
        print(claims.to_string(index=False))
    first = runs[0][0]
    print(f"wiring checks ({labels[0]}): {wiring_errors(first / 'results') or 'all pass'}")
    if args.out:
        write_figures(args.out, main_table(labels, outcomes), claims, args.include_in)
    for mutation in args.mutation:
        measures, errors = mutated_run(first, mutation, args.cores, grid[0][1])
        failed = [claim.name for claim in CLAIMS if measures[claim.name] < claim.threshold]
        print(f"\nmutation {mutation} ({labels[0]}): " + ", ".join(
            f"{name} {value:.2f}" for name, value in measures.items()) + f"\n  claims failing: {', '.join(failed)}"
            f"\n  wiring checks failing: {errors or 'none'}")
    for workdir, _ in runs:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
