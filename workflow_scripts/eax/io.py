"""Atomic writes: an output appears complete under its final name or not at all."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd


def _temporary_sibling(path: Path) -> Path:
    """A fresh temporary name beside `path`, after removing those a killed writer left (one job writes a path)."""
    for stale in path.parent.glob(f".{path.name}.tmp-*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink(missing_ok=True)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary sibling of `path` to write to; rename it over `path` only if the block succeeds."""
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary_sibling(final)
    try:
        yield temporary
        os.replace(temporary, final)
    finally:
        if temporary.is_dir():
            shutil.rmtree(temporary)
        elif temporary.exists():
            temporary.unlink()


@contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[Path]:
    """Like `atomic_path` for a folder: whatever stood at `path` is replaced whole on success."""
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary_sibling(final)
    temporary.mkdir()
    try:
        yield temporary
        if final.exists():
            shutil.rmtree(final)
        os.replace(temporary, final)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def write_parquet(frame: pd.DataFrame, path: str | os.PathLike) -> None:
    with atomic_path(path) as temporary:
        frame.to_parquet(temporary, index=False)


def write_text(text: str, path: str | os.PathLike) -> None:
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_lines(lines: list[str], path: str | os.PathLike) -> None:
    write_text("".join(f"{line}\n" for line in lines), path)


def write_json(data: object, path: str | os.PathLike) -> None:
    write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", path)


def read_lines(path: str | os.PathLike) -> list[str]:
    return Path(path).read_text(encoding="utf-8").splitlines()


def prepare_work_dir(work_dir: str | os.PathLike, settings: object) -> Path:
    """A training job's scratch folder for checkpoints: kept (to resume from) only if `settings` are unchanged."""
    folder = Path(work_dir)
    stamp = folder / "settings.json"
    wanted = json.dumps(settings, sort_keys=True, default=str)
    if folder.exists() and (not stamp.is_file() or stamp.read_text(encoding="utf-8") != wanted):
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp.write_text(wanted, encoding="utf-8")
    return folder
