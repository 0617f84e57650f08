"""Distinct GPUs for concurrent local jobs.

Snakemake only counts `--resources gpu=N`; it never says *which* device a job gets, so eight sampling jobs on an
eight-GPU workstation would all land on GPU 0. Before its work starts, a GPU job claims `gpu` device ids from the
machine's pool by taking an exclusive, non-blocking `flock` on one file per device, and exports them as
CUDA_VISIBLE_DEVICES. The kernel drops a lock when its process ends or dies, so a killed job never leaks a GPU.
The pool is the CUDA_VISIBLE_DEVICES a job inherits (a SLURM allocation sets it), else every GPU nvidia-smi lists;
on a machine without GPUs, or for a job with `gpu: 0`, claiming is a no-op.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from eax.errors import UserInputError

LOCK_DIR_VARIABLE = "EAX_GPU_LOCK_DIR"


def machine_gpus(environ: Mapping[str, str]) -> list[str]:
    """The device ids this process may use: its CUDA_VISIBLE_DEVICES, else nvidia-smi's list, else none."""
    visible = environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        return [device for device in visible.split(",") if device.strip() and device.strip() != "-1"]
    try:
        listing = subprocess.run(["nvidia-smi", "--query-gpu=index", "--format=csv,noheader"], capture_output=True,
                                 text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in listing.splitlines() if line.strip()]


def default_lock_dir(environ: Mapping[str, str]) -> Path:
    """Shared by every workflow of this user on this machine, so two runs do not collide either."""
    return Path(environ.get(LOCK_DIR_VARIABLE) or f"/tmp/eax-gpu-slots-{os.getuid()}")


def _try_lock(path: Path) -> int | None:
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return None
    return handle


def _release(handles: dict[str, int]) -> None:
    for handle in handles.values():
        fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)
    handles.clear()


@contextmanager
def claimed_gpus(count: int, devices: list[str], lock_dir: Path, timeout_s: float = 24 * 3600,
                 poll_s: float = 2.0) -> Iterator[list[str]]:
    """Hold `count` of `devices` for the duration of the block (all or none, waiting while others hold them)."""
    if count <= 0 or not devices:
        yield []
        return
    if count > len(devices):
        raise UserInputError(f"a job asks for {count} GPUs but this machine offers {len(devices)} "
                             f"({','.join(devices)}); lower the rule group's `gpu` in config.resources")
    lock_dir.mkdir(parents=True, exist_ok=True)
    held: dict[str, int] = {}
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            for device in devices:
                if device not in held and len(held) < count:
                    handle = _try_lock(lock_dir / f"gpu{device}.lock")
                    if handle is not None:
                        held[device] = handle
            if len(held) == count:
                break
            _release(held)  # all or none: two jobs each holding half of what they need would wait forever
            if time.monotonic() > deadline:
                raise UserInputError(f"no {count} free GPUs among {','.join(devices)} after {timeout_s:.0f} s")
            time.sleep(poll_s)
        yield sorted(held, key=devices.index)
    finally:
        _release(held)
