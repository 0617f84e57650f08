"""Atomic writes: an output appears complete under its final name or not at all; and a table written in a
given row order without holding it in memory."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq


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


@contextmanager
def scratch_dir(beside: str | os.PathLike) -> Iterator[Path]:
    """A temporary folder beside the output `beside` (same file system), removed afterwards; one a killed job left
    is removed by the next run."""
    folder = _temporary_sibling(Path(beside).with_name(f"{Path(beside).name}.scratch"))
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_parquet_in_order(spill: Path, order: np.ndarray, path: str | os.PathLike, rows_per_group: int) -> None:
    """Write rows of the Arrow IPC file `spill` to the parquet file `path`: row k of the output is row `order[k]`
    of the spill (rows not in `order` are dropped).

    An external shuffle, so memory holds one of the spill's batches or one output row group, never the table:
    the kept rows are first routed to one scratch file per output row group, then each is sorted and written.
    """
    with pa.memory_map(str(spill)) as mapped, pa.ipc.open_file(mapped) as counter:  # reads no row data
        n_spilled = sum(counter.get_batch(i).num_rows for i in range(counter.num_record_batches))
    with pa.OSFile(str(spill)) as source, pa.ipc.open_file(source) as reader:
        schema = reader.schema
        position = np.full(n_spilled, -1, dtype=np.int64)
        position[order] = np.arange(len(order))
        with scratch_dir(path) as scratch:
            groups = [scratch / f"{g}.arrow" for g in range(-(-len(order) // rows_per_group))]
            _route_to_groups(reader, position, groups, rows_per_group)
            with atomic_path(path) as temporary, pq.ParquetWriter(temporary, schema) as writer:
                for group in groups:
                    with pa.OSFile(str(group)) as part:
                        table = pa.ipc.open_file(part).read_all()
                    writer.write_table(table.take(pc.sort_indices(table["position"])).drop_columns("position"))
                if not groups:
                    writer.write_table(schema.empty_table())


def _route_to_groups(reader: pa.ipc.RecordBatchFileReader, position: np.ndarray, groups: list[Path],
                     rows_per_group: int) -> None:
    """Append each kept row of `reader`, with its output position, to the scratch file of its output row group."""
    schema = reader.schema.append(pa.field("position", pa.int64()))
    sinks = [pa.OSFile(str(group), "wb") for group in groups]
    writers = [pa.ipc.new_file(sink, schema) for sink in sinks]
    offset = 0
    for i in range(reader.num_record_batches):
        batch = reader.get_batch(i)
        here = position[offset:offset + batch.num_rows]
        offset += batch.num_rows
        for group in np.unique(here[here >= 0] // rows_per_group):
            rows = np.flatnonzero((here >= 0) & (here // rows_per_group == group))
            taken = batch.take(pa.array(rows))
            writers[group].write_batch(pa.RecordBatch.from_arrays([*taken.columns, pa.array(here[rows])],
                                                                  schema=schema))
    for writer, sink in zip(writers, sinks):
        writer.close()
        sink.close()


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
