"""Supervised fine-tuning on English-centric data: instruction rows, length filter, and the trl run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from eax.errors import UserInputError
from eax.prompts import diverse_prompts

SFT_COLUMNS = ["src_lang", "trg_lang", "prompt", "completion", "n_tokens"]


def instruction_rows(corpus: pd.DataFrame, seed: int) -> pd.DataFrame:
    """One instruction per corpus row: a seeded diverse prompt as the user turn, the target as the answer."""
    rows = list(zip(corpus["src_lang"], corpus["trg_lang"], corpus["src_text"]))
    return pd.DataFrame(
        {
            "src_lang": corpus["src_lang"].to_numpy(),
            "trg_lang": corpus["trg_lang"].to_numpy(),
            "prompt": diverse_prompts(rows, seed),
            "completion": corpus["trg_text"].to_numpy(),
        }
    )


def within_length(n_tokens: pd.Series, max_tokens: int | None) -> pd.Series:
    """Rows whose templated prompt plus answer fit in `max_tokens` tokens (all rows when it is None)."""
    if max_tokens is None:
        return pd.Series(True, index=n_tokens.index)
    return n_tokens <= max_tokens


def template_and_count(rows: pd.DataFrame, tokenizer) -> pd.DataFrame:
    """Wrap each prompt in the chat template and count prompt + answer + end-of-turn tokens."""
    from eax.prompts import as_chat

    templated = [as_chat(tokenizer, prompt) for prompt in rows["prompt"]]
    full = [f"{prompt}{answer}{tokenizer.eos_token}" for prompt, answer in zip(templated, rows["completion"])]
    lengths = [len(ids) for ids in tokenizer(full, add_special_tokens=False)["input_ids"]]
    return rows.assign(prompt=templated, n_tokens=lengths)[SFT_COLUMNS]


def lora_config(settings: dict):
    from peft import LoraConfig

    return LoraConfig(
        r=settings["r"],
        lora_alpha=settings["alpha"],
        lora_dropout=settings["dropout"],
        target_modules=settings["target_modules"],
        task_type="CAUSAL_LM",
    )


def training_arguments(hp: dict, output_dir: Path) -> dict:
    """The transformers/trl arguments shared by every trainer, from one config section."""
    return dict(
        output_dir=str(output_dir),
        learning_rate=hp["learning_rate"],
        num_train_epochs=hp["epochs"],
        per_device_train_batch_size=hp["per_device_batch_size"],
        gradient_accumulation_steps=hp["gradient_accumulation_steps"],
        lr_scheduler_type=hp["lr_scheduler"],
        warmup_ratio=hp["warmup_ratio"],
        weight_decay=hp["weight_decay"],
        max_grad_norm=hp["max_grad_norm"],
        seed=hp["seed"],
        data_seed=hp["seed"],
        bf16=hp["bf16"],
        logging_steps=hp["logging_steps"],
        save_strategy="steps",
        save_steps=hp["save_steps"],
        save_total_limit=1,
        save_safetensors=True,
        report_to=[],
        disable_tqdm=False,
        use_cpu=not _cuda_available(),
        dataloader_num_workers=0,
    )


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def train_sft(model_path: str, data: pd.DataFrame, hp: dict, work_dir: Path, trust_remote_code: bool):
    """Fine-tune with trl's SFTTrainer on prompt/completion rows (loss on the completion only).

    Returns the trainer, whose model is merged (LoRA) and ready to save, and whose log history holds the curve.
    """
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    if data.empty:
        raise UserInputError("the SFT data is empty: check the corpus and `data.max_tokens`")
    tokenizer = AutoTokenizer.from_pretrained(model_path, trust_remote_code=trust_remote_code)
    model = AutoModelForCausalLM.from_pretrained(model_path, trust_remote_code=trust_remote_code)
    config = SFTConfig(
        **training_arguments(hp, work_dir),
        max_length=hp["max_length"],
        completion_only_loss=True,
        packing=False,
    )
    dataset = Dataset.from_pandas(data[["prompt", "completion"]], preserve_index=False)
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=lora_config(hp["lora"]) if hp["method"] == "lora" else None,
    )
    trainer.train(resume_from_checkpoint=_last_checkpoint(work_dir))
    if hp["method"] == "lora":
        trainer.model = trainer.model.merge_and_unload()
    return trainer, tokenizer


def _last_checkpoint(work_dir: Path) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    return get_last_checkpoint(str(work_dir)) if work_dir.is_dir() else None
