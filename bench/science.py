"""The toy world's science over training seeds: each claim of eax.science measured per seed, with mean and spread.

Each seed runs the embedded default in a fresh copy of the project with every training and sampling seed
shifted by the seed (the world itself stays the one the demo builds), then reads the claims off its tables.
`--config` merges a config file over the default first (as `--configfile` would), to measure the science of a
setting before it becomes the default. `--reuse` starts each seed from a copy of a run kept by `--keep` (one
folder per seed, in the order of `--seeds`): with this checkout's code and config, Snakemake reruns only what
they change, so a DPO setting is measured without training the SFT again. `--mutation` reruns the first seed's
copy with a wiring bug planted (`swap`: chosen and rejected exchanged in every pair eax.pairs builds, the RM's
too; `x_source`: EAxE reads the x source instead of the English reference) and shows which claims then fail.

    .venv/bin/python bench/science.py [--seeds 0 1 2] [--config overlay.yaml] [--mutation swap x_source] [--cores 2]
                                      [--keep] [--reuse KEPT_SEED0 KEPT_SEED1 KEPT_SEED2]
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

import yaml

from eax.config import CONFIG_DIR, load_config, margin_name
from eax.science import CLAIMS, Outcomes, measure_all, pair_wiring_errors, scorer_wiring_errors

ROOT = Path(__file__).resolve().parents[1]

PARTS = ["Snakefile", "rules", "workflow_scripts", "config", "profiles", "envs", "report"]
SEEDED = ["sft", "reward_model", "sampling", *(f"preference.{method}" for method in ("dpo", "orpo", "simpo", "cpo"))]
# (file, original text, planted bug, the rule that must rerun)
MUTATIONS = {
    "swap": ("workflow_scripts/eax/pairs.py",
             '"chosen": [candidates[i][winner[i]] for i in kept], "rejected": [candidates[i][loser[i]] for i in kept]',
             '"chosen": [candidates[i][loser[i]] for i in kept], "rejected": [candidates[i][winner[i]] for i in kept]',
             "make_x2x_pairs"),
    "x_source": ("workflow_scripts/eax/scoring.py", "return eval_prompt(row.ref_lang, row.trg_lang, row.ref_text)",
                 "return eval_prompt(row.src_lang, row.trg_lang, row.src_text)", "score_x2x_candidates"),
}


def shifted_config(seed: int, overlay: str | None) -> dict:
    config = load_config(overlay or CONFIG_DIR / "config.yaml")
    for path in SEEDED:
        seeded_section(config, path)["seed"] += seed
    return config


def seeded_section(config: dict, path: str) -> dict:
    for key in path.split("."):
        config = config[key]
    return config


def own_library_first(workdir: Path) -> dict[str, str]:
    """The environment for a run in `workdir`: its own `eax` ahead of the one `make install` made editable (the
    venv's .pth names the original checkout, and Snakemake only appends a script's folder to sys.path), so a
    planted bug in the copy is the code its jobs run."""
    paths = [str(workdir / "workflow_scripts"), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def run(workdir: Path, cores: int, *extra: str) -> float:
    start = time.perf_counter()
    with open(workdir / "snakemake.log", "a") as log:
        result = subprocess.run([sys.executable, "-m", "snakemake", "--cores", str(cores), *extra], cwd=workdir,
                                stdout=log, stderr=subprocess.STDOUT, env=own_library_first(workdir))
    if result.returncode:
        sys.exit(f"the run in {workdir} failed; see its snakemake.log")
    return time.perf_counter() - start


def seed_run(seed: int, cores: int, overlay: str | None, reuse: Path | None) -> tuple[Path, dict[str, float]]:
    workdir = Path(tempfile.mkdtemp(prefix=f"eax-science-{seed}-"))
    config = shifted_config(seed, overlay)
    if reuse:
        copy_kept_run(reuse, workdir, config)
    for part in PARTS:
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, workdir / part)
    (workdir / "config" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    seconds = run(workdir, cores)
    print(f"seed {seed}: {seconds:.0f} s", flush=True)
    return workdir, measure_all(Outcomes.read(workdir / "results"))


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


def mutated_run(workdir: Path, mutation: str, cores: int) -> tuple[dict[str, float], list[str]]:
    file, original, bug, rule = MUTATIONS[mutation]
    path = workdir / file
    text = path.read_text()
    if original not in text:
        sys.exit(f"{file} no longer holds the line the `{mutation}` mutation changes: update bench/science.py")
    path.write_text(text.replace(original, bug))
    try:
        run(workdir, cores, "--forcerun", rule)
        return measure_all(Outcomes.read(workdir / "results")), wiring_errors(workdir / "results")
    finally:
        path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--mutation", nargs="*", default=[], choices=sorted(MUTATIONS))
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--config", help="a config file merged over config/config.yaml before the seeds are shifted")
    parser.add_argument("--keep", action="store_true", help="keep each seed's run folder (its results/, for a look)")
    parser.add_argument("--reuse", type=Path, nargs="+", help="kept run folders to start from, one per seed")
    args = parser.parse_args()
    if args.reuse and len(args.reuse) != len(args.seeds):
        parser.error(f"--reuse takes one kept folder per seed: {len(args.seeds)} seeds, {len(args.reuse)} folders")
    runs = [seed_run(seed, args.cores, args.config, reuse)
            for seed, reuse in zip(args.seeds, args.reuse or [None] * len(args.seeds))]
    print(f"\n{'claim':34} {'threshold':>9} " + " ".join(f"{'seed ' + str(s):>9}" for s in args.seeds)
          + f" {'mean':>8} {'sd':>7} holds")
    for claim in CLAIMS:
        values = [measures[claim.name] for _, measures in runs]
        spread = statistics.stdev(values) if len(values) > 1 else float("nan")
        held = sum(value >= claim.threshold for value in values)
        print(f"{claim.name:34} {claim.threshold:9.2f} " + " ".join(f"{v:9.2f}" for v in values)
              + f" {statistics.mean(values):8.2f} {spread:7.2f} {held}/{len(values)}")
    print(f"wiring checks (seed {args.seeds[0]}): {wiring_errors(runs[0][0] / 'results') or 'all pass'}")
    for mutation in args.mutation:
        measures, errors = mutated_run(runs[0][0], mutation, args.cores)
        failed = [claim.name for claim in CLAIMS if measures[claim.name] < claim.threshold]
        print(f"\nmutation {mutation} (seed {args.seeds[0]}): " + ", ".join(
            f"{name} {value:.2f}" for name, value in measures.items()) + f"\n  claims failing: {', '.join(failed)}"
            f"\n  wiring checks failing: {errors or 'none'}")
    for workdir, _ in runs:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
