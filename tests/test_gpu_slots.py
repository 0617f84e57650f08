"""The local GPU slot pool: concurrent jobs get distinct devices, a killed job frees its devices, CPU is a no-op."""

import json
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from eax.errors import UserInputError
from eax.gpu_slots import claimed_gpus, machine_gpus

DEVICES = ["0", "1", "2"]


def hold(count: int, lock_dir: str, seconds: float, record: str) -> None:
    with claimed_gpus(count, DEVICES, Path(lock_dir), poll_s=0.05) as devices:
        start = time.monotonic()
        Path(record + ".claimed").touch()
        time.sleep(seconds)
        Path(record).write_text(json.dumps({"devices": devices, "start": start, "end": time.monotonic()}))


def overlapping(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def test_concurrent_jobs_never_share_a_device(tmp_path):
    context = multiprocessing.get_context("spawn")
    counts = [1, 2, 1, 1, 2, 1]
    jobs = [context.Process(target=hold, args=(count, str(tmp_path / "locks"), 0.4, str(tmp_path / f"{k}.json")))
            for k, count in enumerate(counts)]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join(timeout=60)
        assert job.exitcode == 0
    records = [json.loads((tmp_path / f"{k}.json").read_text()) for k in range(len(jobs))]
    assert [len(record["devices"]) for record in records] == counts
    for i, first in enumerate(records):
        for second in records[i + 1:]:
            if overlapping(first, second):
                assert not set(first["devices"]) & set(second["devices"]), (first, second)
    assert sum(overlapping(a, b) for i, a in enumerate(records) for b in records[i + 1:]) > 0  # they did run at once


def test_a_killed_job_frees_its_devices(tmp_path):
    context = multiprocessing.get_context("spawn")
    record = tmp_path / "killed.json"
    holder = context.Process(target=hold, args=(3, str(tmp_path / "locks"), 60, str(record)))
    holder.start()
    deadline = time.monotonic() + 30
    while not Path(str(record) + ".claimed").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(UserInputError, match="no 1 free GPUs"):  # all three are held
        with claimed_gpus(1, DEVICES, tmp_path / "locks", timeout_s=0.2, poll_s=0.05):
            pass
    os.kill(holder.pid, signal.SIGKILL)
    holder.join()
    with claimed_gpus(3, DEVICES, tmp_path / "locks", timeout_s=5, poll_s=0.05) as devices:
        assert devices == DEVICES


def test_cpu_jobs_and_gpu_less_machines_claim_nothing(tmp_path):
    with claimed_gpus(0, DEVICES, tmp_path) as devices:
        assert devices == []
    with claimed_gpus(2, [], tmp_path) as devices:
        assert devices == []
    assert not list(tmp_path.iterdir())


def test_asking_for_more_gpus_than_the_machine_has_is_a_clear_error(tmp_path):
    with pytest.raises(UserInputError, match="asks for 4 GPUs but this machine offers 3"):
        with claimed_gpus(4, DEVICES, tmp_path):
            pass


def test_the_pool_is_the_inherited_visible_devices():
    assert machine_gpus({"CUDA_VISIBLE_DEVICES": "2,5"}) == ["2", "5"]
    assert machine_gpus({"CUDA_VISIBLE_DEVICES": ""}) == []
    assert machine_gpus({"CUDA_VISIBLE_DEVICES": "-1"}) == []
