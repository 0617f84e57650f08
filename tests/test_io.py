"""Atomic writes and stale locks: an output is complete under its final name or absent; what a killed run leaves
(temporaries, Snakemake's locks) goes away on the next run."""

import subprocess
import sys
import time

import pytest

from eax.io import atomic_dir, atomic_path, write_text
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
