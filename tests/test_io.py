"""Atomic writes and stale locks: an output is complete under its final name or absent; what a killed run leaves
(temporaries, Snakemake's locks) goes away on the next run."""

import subprocess
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from eax.io import atomic_dir, atomic_path, scratch_dir, write_parquet_in_order, write_text
from eax.locks import release_stale_locks, snakemake_processes_in


def test_a_failed_write_leaves_neither_output_nor_temporary(tmp_path):
    target = tmp_path / "out" / "table.csv"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as temporary:
            temporary.write_text("half")
            raise RuntimeError("killed")
    assert not target.exists() and list(target.parent.iterdir()) == []


def test_a_killed_writers_temporary_is_removed_by_the_next_write(tmp_path):
    stale = tmp_path / ".table.csv.tmp-99999"  # what SIGKILL leaves behind: no finally block ran
    stale.write_text("half")
    write_text("whole\n", tmp_path / "table.csv")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["table.csv"]


def test_a_folder_output_is_replaced_whole(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "old.bin").write_text("old")
    (tmp_path / ".model.tmp-99999").mkdir()
    with atomic_dir(tmp_path / "model") as folder:
        (folder / "model.safetensors").write_text("new")
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["model", "model.safetensors"]


def spill_of(table: pa.Table, path, batch_rows: int) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=batch_rows):
            writer.write_batch(batch)


def test_rows_are_written_in_the_given_order_a_row_group_at_a_time(tmp_path):
    """The external shuffle behind make_pairs: the same file as `table.take(order)`, rows not asked for dropped."""
    table = pa.table({"text": [f"row {i}" for i in range(50)], "score": np.arange(50, dtype=float)})
    spill_of(table, tmp_path / "spill.arrow", batch_rows=7)
    order = np.random.default_rng(0).permutation(50)[:31]
    write_parquet_in_order(tmp_path / "spill.arrow", order, tmp_path / "out" / "pairs.parquet", rows_per_group=10)
    written = pq.ParquetFile(tmp_path / "out" / "pairs.parquet")
    assert written.read().equals(table.take(order))
    assert [written.metadata.row_group(g).num_rows for g in range(written.num_row_groups)] == [10, 10, 10, 1]
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["pairs.parquet"]  # no scratch left


def test_an_empty_order_writes_an_empty_file_with_the_schema(tmp_path):
    table = pa.table({"text": ["a", "b"]})
    spill_of(table, tmp_path / "spill.arrow", batch_rows=2)
    write_parquet_in_order(tmp_path / "spill.arrow", np.array([], dtype=int), tmp_path / "empty.parquet", 10)
    assert pq.read_table(tmp_path / "empty.parquet").equals(table.slice(0, 0))


def test_a_killed_jobs_scratch_folder_is_removed_by_the_next_run(tmp_path):
    stale = tmp_path / ".pairs.parquet.scratch.tmp-99999"
    stale.mkdir()
    (stale / "pairs.arrow").write_text("half")
    with scratch_dir(tmp_path / "pairs.parquet") as scratch:
        assert scratch.is_dir() and not stale.exists()
    assert list(tmp_path.iterdir()) == []


def test_stale_locks_go_only_when_no_snakemake_works_in_the_folder(tmp_path):
    locks = tmp_path / ".snakemake" / "locks"
    locks.mkdir(parents=True)
    (locks / "0.output.lock").write_text("results/x\n")
    pretend_run = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)  # snakemake"], cwd=tmp_path)
    try:
        time.sleep(0.2)
        assert snakemake_processes_in(tmp_path) == [pretend_run.pid]
        assert not release_stale_locks(tmp_path) and locks.exists()  # a run works here: its locks stay
    finally:
        pretend_run.kill()
        pretend_run.wait()
    assert release_stale_locks(tmp_path) and not locks.exists()
    assert not release_stale_locks(tmp_path)  # nothing left to release
