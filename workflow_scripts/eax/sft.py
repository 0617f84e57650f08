"""Supervised fine-tuning on English-centric data: instruction rows, length filter, and the trl run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from eax.chat import as_chat
from eax.errors import UserInputError
from eax.languages import PIVOT
from eax.prompts import diverse_prompts
from eax.training import (
    DEFAULT_SHARD_SIZE,
    last_checkpoint,
    load_policy,
    lora_config,
    merged,
    save_trained,
    seed_everything,
    training_arguments,
    trl_config,
)

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


def copy_rows(monolingual: pd.DataFrame, per_language: int) -> pd.DataFrame:
    """Corpus rows that copy the first `per_language` monolingual sentences of each non-English language (x->x):
    the toy model's stand-in for a base model that can already write every language (docs/science.md)."""
    texts = monolingual[monolingual["lang"] != PIVOT].groupby("lang", sort=False).head(per_language)
    return pd.DataFrame({"src_lang": texts["lang"], "trg_lang": texts["lang"], "src_text": texts["text"],
                         "trg_text": texts["text"]}).reset_index(drop=True)


def within_length(n_tokens: pd.Series, max_tokens: int | None) -> pd.Series:
    """Rows whose templated prompt plus answer fit in `max_tokens` tokens (all rows when it is None)."""
    if max_tokens is None:
        return pd.Series(True, index=n_tokens.index)
    return n_tokens <= max_tokens


COUNT_BATCH = 2_000  # texts tokenized at once: a fast tokenizer's encodings of 150k rows would take ~3 GiB


def template_and_count(rows: pd.DataFrame, tokenizer) -> pd.DataFrame:
    """Wrap each prompt in the chat template and count prompt + answer + end-of-turn tokens."""
    templated = [as_chat(tokenizer, prompt) for prompt in rows["prompt"]]
    full = [f"{prompt}{answer}{tokenizer.eos_token}" for prompt, answer in zip(templated, rows["completion"])]
    lengths = []
    for start in range(0, len(full), COUNT_BATCH):
        encoded = tokenizer(full[start:start + COUNT_BATCH], add_special_tokens=False, return_attention_mask=False)
        lengths += [len(ids) for ids in encoded["input_ids"]]
    return rows.assign(prompt=templated, n_tokens=lengths)[SFT_COLUMNS]


def train_sft(model_path: str, data: pd.DataFrame, hp: dict, work_dir: Path, chat_template: str,
              trust_remote_code: bool, dtype: str = "auto"):
    """Fine-tune with trl's SFTTrainer on prompt/completion rows (loss on the completion only).

    Returns the trainer, whose model is merged (LoRA) and ready to save, and whose log history holds the curve.
    """
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    if data.empty:
        raise UserInputError("the SFT data is empty: check the corpus and `data.max_tokens`")
    seed_everything(hp["seed"])
    config = trl_config(SFTConfig, {**training_arguments(hp, work_dir), "max_length": hp["max_length"],
                                    "completion_only_loss": True, "packing": False}, hp.get("trl", {}))
    model, tokenizer = load_policy(model_path, chat_template, trust_remote_code, dtype)
    dataset = Dataset.from_pandas(data[["prompt", "completion"]], preserve_index=False)
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=lora_config(hp["lora"]) if hp["method"] == "lora" else None,
    )
    trainer.train(resume_from_checkpoint=last_checkpoint(work_dir))
    trainer.model = merged(trainer.model)
    return trainer, tokenizer


def run_sft(base: str, data_path: str, hp: dict, work_dir: str, chat_template: str, trust_remote_code: bool,
            model_file: str, dtype: str = "auto", max_shard_size: str = DEFAULT_SHARD_SIZE) -> None:
    """Rule train_sft's work, in-process or on every rank of a multi-GPU launch (eax.distributed)."""
    trainer, tokenizer = train_sft(base, pd.read_parquet(data_path), hp, Path(work_dir), chat_template,
                                   trust_remote_code, dtype)
    save_trained(trainer, tokenizer, model_file, Path(work_dir), max_shard_size)
