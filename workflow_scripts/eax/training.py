"""What every trainer shares: transformers arguments from a config section, LoRA settings, resuming."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from eax.chat import use_chat_model
from eax.io import atomic_dir
from eax.training_log import write_log_history
from eax.weights import checked_model_path, load_options

DEFAULT_SHARD_SIZE = "5GB"  # transformers' own default: config `model.max_shard_size`


def lora_config(settings: dict):
    from peft import LoraConfig

    return LoraConfig(
        r=settings["r"],
        lora_alpha=settings["lora_alpha"],
        lora_dropout=settings["lora_dropout"],
        target_modules=settings["target_modules"],
        task_type="CAUSAL_LM",
    )


def training_arguments(hp: dict, output_dir: Path) -> dict:
    """The transformers/trl arguments shared by every trainer, from one config section."""
    return dict(
        output_dir=str(output_dir),
        learning_rate=hp["learning_rate"],
        num_train_epochs=hp["num_train_epochs"],
        per_device_train_batch_size=hp["per_device_train_batch_size"],
        gradient_accumulation_steps=hp["gradient_accumulation_steps"],
        lr_scheduler_type=hp["lr_scheduler_type"],
        warmup_ratio=hp["warmup_ratio"],
        weight_decay=hp["weight_decay"],
        max_grad_norm=hp["max_grad_norm"],
        seed=hp["seed"],
        data_seed=hp["seed"],
        bf16=hp["bf16"],
        gradient_checkpointing=hp["gradient_checkpointing"],
        logging_steps=hp["logging_steps"],
        save_strategy="steps",
        save_steps=hp["save_steps"],
        save_total_limit=1,
        save_safetensors=True,
        report_to=[],
        disable_tqdm=False,
        use_cpu=not cuda_available(),
        dataloader_num_workers=0,
    )


def unknown_fields(config_class: type, names: dict) -> list[str]:
    """The names that are not fields of a trl/transformers config class (a dataclass)."""
    known = {field.name for field in dataclasses.fields(config_class)}
    return sorted(set(names) - known)


def trl_config(config_class: type, fields: dict, overrides: dict):
    """`config_class` from the fields this workflow sets, with a config's `trl` mapping (trl's own field names,
    checked against the class when the config is read: eax.config) over them."""
    return config_class(**{**fields, **overrides})


def seed_everything(seed: int) -> None:
    """Seed before the model is built: a new reward head or LoRA adapter is initialised before the trainer would
    seed, so without this every run starts from different weights."""
    from transformers import set_seed

    set_seed(seed)


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def last_checkpoint(work_dir: Path) -> str | None:
    """The newest complete `checkpoint-*` folder of an interrupted run with the same settings, to resume from.

    Complete means it holds `trainer_state.json`, which the trainer writes after the weights, optimizer and RNG
    state: a run killed while saving leaves a partial folder, and resuming skips it for the one before (the
    trainer deletes the older checkpoint only after the new one is complete).
    """
    if not work_dir.is_dir():
        return None
    complete = [folder for folder in work_dir.glob("checkpoint-*")
                if folder.name.removeprefix("checkpoint-").isdigit() and (folder / "trainer_state.json").is_file()]
    return str(max(complete, key=lambda folder: int(folder.name.removeprefix("checkpoint-")))) if complete else None


def load_policy(model_path: str, chat_template: str, trust_remote_code: bool, dtype: str = "auto"):
    """A causal LM to train, with its tokenizer speaking `chat_template` (eax.chat; saved with the model).

    Load it after the trainer's config exists: under DeepSpeed ZeRO-3 that config makes `from_pretrained`
    partition the weights across ranks as they load, instead of every rank building the whole model first.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_path, trust_remote_code=trust_remote_code)
    model = AutoModelForCausalLM.from_pretrained(checked_model_path(model_path), trust_remote_code=trust_remote_code,
                                                 **load_options(dtype))
    use_chat_model(model, tokenizer, chat_template, model_path)
    return model, tokenizer


def merged(model):
    """A plain transformers model: LoRA adapters merged in, so every saved model loads without peft."""
    return model.merge_and_unload() if hasattr(model, "merge_and_unload") else model


def save_trained(trainer, tokenizer, model_file: str, work_dir: Path, max_shard_size: str = DEFAULT_SHARD_SIZE) -> None:
    """Save the trained model (safetensors, in shards of at most `max_shard_size`: a 7B model is several files and
    an index, so rules track `config.json`), its tokenizer and `trainer_log.jsonl` into the folder of
    `model_file`, all at once; then drop the run's checkpoints, which only served to resume it.

    On several GPUs every rank calls this: under ZeRO-3 the weights are sharded, and gathering them takes every
    rank (trainer.save_model); only the main process writes the folder.
    """
    staging = work_dir / "final"
    if _zero3_sharded(trainer):
        trainer.save_model(str(staging))  # gathered by every rank; saved in the trainer's own shard size
    if not trainer.is_world_process_zero():
        return
    with atomic_dir(Path(model_file).parent) as folder:
        if staging.is_dir():
            for path in staging.iterdir():
                shutil.move(str(path), folder / path.name)
        else:
            trainer.model.save_pretrained(folder, safe_serialization=True, max_shard_size=max_shard_size)
        tokenizer.save_pretrained(folder)
        write_log_history(trainer.state.log_history, folder / "trainer_log.jsonl")
    shutil.rmtree(work_dir)


def _zero3_sharded(trainer) -> bool:
    plugin = getattr(trainer.accelerator.state, "deepspeed_plugin", None) if trainer.is_deepspeed_enabled else None
    return plugin is not None and plugin.zero_stage == 3
