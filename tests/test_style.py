"""The formatter gates `make test` enforces: ruff (pyflakes, pycodestyle with the project's 120-character lines,
import order) on every Python file, and snakefmt on the Snakefile and rules (settings in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True, check=False)


def test_python_is_ruff_clean():
    result = run("ruff", "check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_snakemake_files_are_snakefmt_clean():
    result = run("snakefmt", "--check", "--compact-diff", "Snakefile", "rules/")
    assert result.returncode == 0, result.stdout + result.stderr
