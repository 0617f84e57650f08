"""What made a results tree: the config, package versions, the workflow's git commit and the hardware.

Written by the Snakefile's `onstart` handler as results/provenance/<UTC start time>.json, one file per run that
executes jobs, so a partial rerun after a change keeps the record of the run before it. Environment variables are
never recorded (they hold hub and wandb tokens).
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from eax.io import write_json

PACKAGES = ("torch", "transformers", "trl", "peft", "accelerate", "datasets", "deepspeed", "snakemake",
            "snakemake-executor-plugin-slurm", "sacrebleu", "unbabel-comet", "pandas", "pyarrow", "numpy",
            "matplotlib", "vllm", "bleurt")


def package_versions() -> dict[str, str | None]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def _run(command: list[str], cwd: Path | None = None) -> str | None:
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def git_state(workflow_dir: Path) -> dict:
    """The commit of the workflow's checkout and whether its tracked files differ from it."""
    commit = _run(["git", "rev-parse", "HEAD"], workflow_dir)
    if commit is None:
        return {"commit": None, "note": "not a git checkout"}
    changes = _run(["git", "status", "--porcelain", "--untracked-files=no"], workflow_dir)
    return {"commit": commit, "dirty": bool(changes)}


def hardware() -> dict:
    gpus = _run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"])
    memory_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"host": platform.node(), "platform": platform.platform(), "machine": platform.machine(),
            "python": sys.version.split()[0], "cpus": os.cpu_count(), "memory_gib": round(memory_bytes / 2**30, 1),
            "gpus": gpus.splitlines() if gpus else []}


def provenance(config: dict, workflow_dir: Path, command: list[str], started: datetime) -> dict:
    return {"run_name": config.get("run_name"), "started_utc": started.isoformat(timespec="seconds"),
            "command": command, "git": git_state(workflow_dir), "packages": package_versions(),
            "hardware": hardware(), "config": config}


def record_provenance(config: dict, workflow_dir: Path, command: list[str], results: Path) -> Path:
    started = datetime.now(timezone.utc)
    path = results / "provenance" / f"{started:%Y%m%dT%H%M%SZ}.json"
    write_json(provenance(config, workflow_dir, command, started), path)
    return path
