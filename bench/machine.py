"""This machine as every bench figure names it: a figure depends on the CPU (vector width, kernels) as well as
the seed, so each file a bench script writes says which CPU made it."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version

import psutil

# The instruction sets that decide which kernels torch, oneDNN and MKL run (bench/science.py's KERNELS).
VECTOR_EXTENSIONS = ["avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile"]


def describe() -> str:
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = re.search(r"^Model name:\s*(.+)$", lscpu, flags=re.M)
    flags = set(re.search(r"^Flags:\s*(.+)$", lscpu, flags=re.M).group(1).split()) if "Flags:" in lscpu else set()
    present = [name for name in VECTOR_EXTENSIONS if name in flags]
    absent = [name for name in VECTOR_EXTENSIONS if name not in flags]
    return (f"{model.group(1).strip() if model else 'unknown CPU'}, {os.cpu_count()} cores, "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB; {' '.join(present) or 'no AVX2'}"
            f"{'; without ' + ' '.join(absent) if absent else ''}; torch {version('torch')}")


def stamp(commit: str | None = None) -> str:
    """One line for the head of a figures file: when, where, and which commit."""
    commit = commit or subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                      cwd=os.path.dirname(__file__)).stdout.strip()
    return f"Measured {datetime.now(UTC):%Y-%m-%d} on {describe()}; commit {commit or 'unknown'}."
