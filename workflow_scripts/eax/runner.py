"""Glue between a Snakemake `script:` and the library: logging, threads, seeds, and clean user errors."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

from eax.errors import UserInputError
from eax.gpu_slots import claimed_gpus, default_lock_dir, machine_gpus


def run_script(main: Callable[[Any], None], snakemake: Any) -> None:
    """Run `main(snakemake)` with stdout/stderr sent to the rule's log, on GPUs of its own (eax.gpu_slots).

    A `UserInputError` becomes one line on the terminal and in the log, and exit status 1; any other
    exception is a bug, so its traceback goes to the log (Snakemake points the user there).
    """
    terminal = sys.stderr
    log_path = snakemake.log[0] if snakemake.log else os.devnull
    threads = max(1, int(getattr(snakemake, "threads", 1)))
    os.environ["OMP_NUM_THREADS"] = str(threads)  # read by torch at import: scripts import it after this
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    with open(log_path, "w", encoding="utf-8", buffering=1) as log:
        sys.stdout = sys.stderr = log
        try:
            gpus = int(getattr(snakemake.resources, "gpu", 0) or 0)
            with claimed_gpus(gpus, machine_gpus(os.environ), default_lock_dir(os.environ)) as devices:
                if devices:  # before any CUDA call: torch reads it when CUDA initialises
                    os.environ["CUDA_VISIBLE_DEVICES"] = ",".join(devices)
                    print(f"GPUs {','.join(devices)} claimed for this job")
                main(snakemake)
        except UserInputError as error:
            message = f"error in rule {snakemake.rule}: {error}"
            print(message, file=log)
            print(message, file=terminal)
            sys.exit(1)
        except Exception:
            traceback.print_exc(file=log)
            raise
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, terminal

