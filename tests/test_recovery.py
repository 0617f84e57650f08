"""Kill recovery and determinism: the smoke run (tests/smoke.yaml: every rule of the default DAG, at its smallest)
SIGKILLed (Snakemake and every job at once) as sampling, scoring, preference training and evaluation start; each
restart completes what was cut, nothing is left half-written, and the end state is byte-identical to the
uninterrupted run's (data artifacts and tables), so a run is deterministic on CPU. The killed run starts from the
uninterrupted run's toy world, SFT model and reward model (which no kill targets), so everything it compares is
made again."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import SMOKE, copy_workflow, planned_jobs

from eax.locks import release_stale_locks, snakemake_processes_in

pytestmark = pytest.mark.slow  # kills and resumes real workflow runs

KILL_AT = ["sample_x2x_candidates", "score_x2x_candidates", "train_preference", "score_translations"]
TIMINGS = {"results/tables/rule_costs.csv", "results/tables/rule_costs.md"}  # wall times: differ by design
DATA_ARTIFACTS = ["x2x/candidates", "x2x/scores", "x2x/pairs", "tables"]


def run(workdir: Path, kill_when_started: str | None = None) -> int | None:
    """What `make demo` does (stale locks released, then the default target), on the smoke overlay; with
    `kill_when_started`, SIGKILL the whole process group once that rule starts."""
    release_stale_locks(workdir)
    with open(workdir / "run.log", "a") as log:
        process = subprocess.Popen([sys.executable, "-m", "snakemake", "--configfile", str(SMOKE)], cwd=workdir,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        if kill_when_started is None:
            return process.wait(timeout=1200)
        logs = workdir / "results" / "logs" / kill_when_started
        earlier = set(logs.rglob("*.log"))  # a job of this rule may have run before (e.g. a published system's)
        deadline = time.monotonic() + 900
        while not set(logs.rglob("*.log")) - earlier and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # let the rule's first jobs get under way
        assert process.poll() is None, (workdir / "run.log").read_text()[-3000:]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert (workdir / ".snakemake" / "locks").is_dir()  # what a kill leaves behind
        return None


UP_TO_THE_REWARD_MODEL = ["toy_world", "data/corpus.parquet", "data/sft.parquet", "data/seed_shards", "models/sft",
                          "rm", "models/rm"]


def start_from_the_reward_model(finished: Path, workdir: Path) -> None:
    """Copy the finished run's outputs up to the reward model (modification times kept) and Snakemake's records
    of them, so that a run in `workdir` starts with the x2x sampling."""
    shutil.copytree(finished / ".snakemake" / "metadata", workdir / ".snakemake" / "metadata")
    for part in UP_TO_THE_REWARD_MODEL:
        source, target = finished / "results" / part, workdir / "results" / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)


def files_under(root: Path, part: str) -> dict[str, bytes]:
    base = root / "results" / part
    paths = [base] if base.is_file() else sorted(path for path in base.rglob("*") if path.is_file())
    return {str(path.relative_to(root)): path.read_bytes() for path in paths}


def test_a_run_killed_four_times_ends_byte_identical_to_an_unbroken_one(finished_smoke, tmp_path):
    workdir = copy_workflow(tmp_path / "killed")
    start_from_the_reward_model(finished_smoke, workdir)
    assert not {"train_sft", "sample_rm_candidates", "train_reward_model"} & planned_jobs(
        workdir, "--configfile", str(SMOKE)).keys()
    for rule in KILL_AT:
        run(workdir, kill_when_started=rule)
        for path in (workdir / "results").rglob("*.parquet"):
            if ".tmp-" not in path.name:
                pd.read_parquet(path)  # whatever exists under its final name is complete
    assert run(workdir) == 0, (workdir / "run.log").read_text()[-5000:]
    assert snakemake_processes_in(workdir) == []
    assert not [path for path in (workdir / "results").rglob("*") if ".tmp-" in path.name]
    assert not (workdir / "results" / "work").exists() or not any((workdir / "results" / "work").iterdir())
    for part in DATA_ARTIFACTS:
        killed, unbroken = files_under(workdir, part), files_under(finished_smoke, part)
        assert killed.keys() == unbroken.keys(), part
        different = [name for name in killed if killed[name] != unbroken[name] and name not in TIMINGS]
        assert different == [], different
