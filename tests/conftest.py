"""Helpers to run the real workflow in a throw-away copy of the project."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_PARTS = ["Snakefile", "rules", "workflow_scripts", "config", "profiles", "envs", "report"]
SHARED_DATA = ROOT.parent / "shared" / "data"
SMOKE = ROOT / "tests" / "smoke.yaml"  # the toy world at its smallest: workflow tests that check wiring, not science
SECRETS = {"HF_TOKEN": "hf_eaxTestSecretNotForFiles1234", "WANDB_API_KEY": "wandbEaxTestSecretNotForFiles5678"}


def copy_workflow(destination: Path) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    for part in WORKFLOW_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / part)
    return destination


def snakemake(workdir: Path, *args: str, timeout: int = 900, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=workdir, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def planned_jobs(workdir: Path, *args: str) -> dict[str, int]:
    """Rule -> job count from a dry run's job stats (empty when nothing is to be done)."""
    result = snakemake(workdir, "-n", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    block = result.stdout.split("Job stats:", 1)
    if len(block) == 1:
        assert "Nothing to be done" in result.stdout + result.stderr, result.stdout
        return {}
    jobs = {}
    for line in block[1].splitlines()[3:]:
        match = re.match(r"^(\w+)\s+(\d+)$", line.strip())
        if not match or match.group(1) == "total":
            break
        jobs[match.group(1)] = int(match.group(2))
    return jobs


def write_config(workdir: Path, name: str, edit, overlay: Path | None = None) -> str:
    """A full copy of the default config (with `overlay` merged over it, as `--configfile` would), changed by
    `edit(config)`, written next to it; returns its path."""
    from snakemake.utils import update_config

    config = yaml.safe_load((workdir / "config" / "config.yaml").read_text())
    if overlay is not None:
        update_config(config, yaml.safe_load(overlay.read_text()))
    edit(config)
    path = workdir / "config" / name
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return str(path.relative_to(workdir))


SLOW_FIXTURES = {"finished_demo", "finished_smoke", "workflow_copy", "slurm_cluster"}  # they run Snakemake or a cluster


def pytest_collection_modifyitems(items) -> None:
    """Mark `slow` every test that uses a fixture which runs the workflow or a cluster (a module that trains or
    runs Snakemake throughout says so itself: `pytestmark = pytest.mark.slow`); `make test-fast`
    (pytest -m "not slow") runs the rest, every unit of the library."""
    for item in items:
        if SLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def workflow_copy(tmp_path: Path) -> Path:
    return copy_workflow(tmp_path / "workflow")


@pytest.fixture(scope="session")
def finished_demo(tmp_path_factory) -> Path:
    """The default config run to completion once per test session (the end-to-end test)."""
    workdir = copy_workflow(tmp_path_factory.mktemp("demo") / "workflow")
    result = snakemake(workdir, env=SECRETS)  # tokens a user may have set: they must never reach a file
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return workdir


@pytest.fixture(scope="session")
def finished_smoke(tmp_path_factory) -> Path:
    """The smoke overlay (tests/smoke.yaml) run to completion once per test session: the unbroken reference of
    the workflow tests that kill, resume or move runs."""
    workdir = copy_workflow(tmp_path_factory.mktemp("smoke") / "workflow")
    result = snakemake(workdir, "--configfile", str(SMOKE))
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return workdir
