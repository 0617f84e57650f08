"""Multi-GPU training launch: the accelerate command per job and node, and the DeepSpeed configs it uses."""

import sys
from pathlib import Path

import pytest

from eax.distributed import ACCELERATE_CONFIGS, CONFIG_DIR, launch_command

pytestmark = pytest.mark.slow  # launches training under accelerate


def test_a_job_launches_one_process_per_gpu_on_one_node():
    command = launch_command(Path("zero3.yaml"), 8, Path("work/launch.json"), {})
    assert command[:3] == [sys.executable, "-m", "accelerate.commands.launch"]
    assert command[command.index("--num_processes") + 1] == "8"
    assert command[command.index("--num_machines") + 1] == "1"
    assert "--machine_rank" not in command
    assert command[-3:] == ["-m", "eax.distributed", "work/launch.json"]


def test_several_nodes_take_accelerates_rendezvous_variables():
    environ = {"NUM_MACHINES": "2", "MACHINE_RANK": "1", "MAIN_PROCESS_IP": "10.0.0.5", "MAIN_PROCESS_PORT": "29600"}
    command = launch_command(Path("zero3.yaml"), 4, Path("spec.json"), environ)
    assert command[command.index("--num_processes") + 1] == "8"  # 4 GPUs on each of 2 nodes
    for flag, value in [("--num_machines", "2"), ("--machine_rank", "1"), ("--main_process_ip", "10.0.0.5"),
                        ("--main_process_port", "29600")]:
        assert command[command.index(flag) + 1] == value


@pytest.mark.parametrize("method, stage", [("full", 3), ("lora", 2)])
def test_deepspeed_configs_load_as_accelerate_and_deepspeed_configs(method, stage):
    from accelerate.commands.config.config_args import load_config_from_file
    from accelerate.utils import DeepSpeedPlugin, DistributedType

    config = load_config_from_file(str(CONFIG_DIR / ACCELERATE_CONFIGS[method]))
    assert config.distributed_type == DistributedType.DEEPSPEED and config.mixed_precision == "bf16"
    plugin = DeepSpeedPlugin(**config.deepspeed_config)
    assert plugin.zero_stage == stage
    zero = plugin.deepspeed_config["zero_optimization"]
    assert zero["stage"] == stage
    if stage == 3:  # a full model is saved as one gathered copy, not as shards
        assert zero["stage3_gather_16bit_weights_on_model_save"] is True
