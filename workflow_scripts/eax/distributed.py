"""Multi-GPU training: a training job with `gpu > 1` runs its trainer under `accelerate launch` with DeepSpeed.

A Snakemake `script:` runs once, as one process; DeepSpeed wants one process per GPU. So the rule's script
writes what the training needs to a JSON spec in the run's work folder and starts
`accelerate launch -m eax.distributed <spec>` with as many processes as the job has GPUs; every rank trains and
the model is saved once. Full fine-tuning shards parameters, gradients and optimiser state (ZeRO-3,
config/accelerate/deepspeed_zero3.yaml); LoRA keeps the frozen weights whole on every GPU (ZeRO-2), so its
adapters can be merged before saving. Across nodes, accelerate's own variables apply (NUM_MACHINES,
MACHINE_RANK, MAIN_PROCESS_IP, MAIN_PROCESS_PORT). A job with one GPU or none trains in-process.

    python -m eax.distributed SPEC.json      # what each rank runs
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from eax.io import write_json

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config" / "accelerate"
ACCELERATE_CONFIGS = {"full": "deepspeed_zero3.yaml", "lora": "deepspeed_zero2.yaml"}


def tasks() -> dict[str, Callable[..., None]]:
    """Training entry points by name; each reads its inputs from files, trains and saves."""
    from eax.preference import run_preference, run_reward_model
    from eax.sft import run_sft

    return {"sft": run_sft, "reward_model": run_reward_model, "preference": run_preference}


def launch_command(config_file: Path, gpus: int, spec: Path, environ: Mapping[str, str]) -> list[str]:
    """`accelerate launch` for `gpus` GPUs on this node, times NUM_MACHINES nodes when that is set."""
    machines = int(environ.get("NUM_MACHINES", "1"))
    command = [sys.executable, "-m", "accelerate.commands.launch", "--config_file", str(config_file),
               "--num_processes", str(gpus * machines), "--num_machines", str(machines)]
    if machines > 1:
        command += ["--machine_rank", environ["MACHINE_RANK"], "--main_process_ip", environ["MAIN_PROCESS_IP"],
                    "--main_process_port", environ.get("MAIN_PROCESS_PORT", "29500")]
    return command + ["-m", "eax.distributed", str(spec)]


def train(task: str, arguments: dict, gpus: int) -> None:
    """Run a training task in-process, or under accelerate/DeepSpeed across `gpus` GPUs."""
    if gpus <= 1:
        tasks()[task](**arguments)
        return
    spec = Path(arguments["work_dir"]) / "launch.json"
    write_json({"task": task, "arguments": arguments}, spec)
    method = arguments["hp"]["method"]
    command = launch_command(CONFIG_DIR / ACCELERATE_CONFIGS[method], gpus, spec, os.environ)
    print(f"launching {gpus} processes: {shlex.join(command)}", flush=True)
    # `make install` installs eax in the project's virtualenv; a per-rule conda env (--use-conda) has it only as
    # the rule script's sibling folder, which `python -m eax.distributed` would not see: name that folder
    library = str(Path(__file__).resolve().parents[1])
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [library, os.environ.get("PYTHONPATH")]))}
    subprocess.run(command, env=environment, stdout=sys.stdout, stderr=sys.stderr, check=True)


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    tasks()[spec["task"]](**spec["arguments"])


if __name__ == "__main__":
    main(sys.argv[1])
