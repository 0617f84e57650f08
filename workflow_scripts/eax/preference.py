"""Preference training with trl: the reward model (RewardTrainer), DPO with the SFT term, CPO and SimPO."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from eax.errors import UserInputError
from eax.prompts import as_chat, diverse_prompts, eval_prompt
from eax.training import (last_checkpoint, load_policy, lora_config, merged, save_trained, seed_everything,
                           training_arguments)
from eax.training_log import final_preference_accuracy
from eax.weights import LOAD_OPTIONS, checked_model_path

METHODS = ("dpo", "cpo", "simpo")


def preference_rows(pairs: pd.DataFrame, tokenizer, seed: int, diverse: bool = True) -> pd.DataFrame:
    """trl's standard preference format: a chat-templated prompt, and the chosen/rejected answers as plain text.

    Policy training uses the recipe's diverse prompts; the reward model sees the evaluation prompt, the one it
    is queried with when scoring.
    """
    triples = list(zip(pairs["src_lang"], pairs["trg_lang"], pairs["src_text"]))
    instructions = diverse_prompts(triples, seed) if diverse else [eval_prompt(*triple) for triple in triples]
    return pd.DataFrame({
        "prompt": [as_chat(tokenizer, text) for text in instructions],
        "chosen": pairs["chosen"].to_numpy(),
        "rejected": pairs["rejected"].to_numpy(),
    })


def require_pairs(pairs: pd.DataFrame, path: str) -> None:
    if pairs.empty:
        raise UserInputError(f"{path} holds no preference pairs: nothing to train on. The log of the rule that "
                             "made it counts why rows gave no pair; lower min_margin / min_winner_score or sample "
                             "more candidates")


def _dataset(rows: pd.DataFrame):
    from datasets import Dataset

    return Dataset.from_pandas(rows, preserve_index=False)


def train_reward_model(model_path: str, pairs: pd.DataFrame, hp: dict, work_dir: Path, trust_remote_code: bool):
    """A sequence-classification reward model initialised from the SFT model (one output, the reward)."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from trl import RewardConfig, RewardTrainer

    seed_everything(hp["seed"])
    tokenizer = AutoTokenizer.from_pretrained(model_path, trust_remote_code=trust_remote_code)
    model = AutoModelForSequenceClassification.from_pretrained(checked_model_path(model_path), num_labels=1,
                                                               trust_remote_code=trust_remote_code, **LOAD_OPTIONS)
    model.config.pad_token_id = tokenizer.pad_token_id
    dataset = _dataset(preference_rows(pairs, tokenizer, hp["seed"], diverse=False))
    config = RewardConfig(**training_arguments(hp, work_dir), max_length=hp["max_length"],
                          center_rewards_coefficient=hp["center_rewards_coefficient"])
    trainer = RewardTrainer(model=model, args=config, train_dataset=dataset, eval_dataset=dataset,
                            processing_class=tokenizer,
                            peft_config=lora_config(hp["lora"]) if hp["method"] == "lora" else None)
    trainer.train(resume_from_checkpoint=last_checkpoint(work_dir))
    trainer.evaluate(metric_key_prefix="final_train")
    trainer.model = merged(trainer.model)
    return trainer, tokenizer


def _dpo_trainer(model, tokenizer, dataset, hp: dict, work_dir: Path):
    from trl import DPOConfig, DPOTrainer

    losses, weights = ["sigmoid"], [1.0]
    if hp["pref_ftx"] > 0:  # the recipe's SFT term on the chosen answer
        losses, weights = ["sigmoid", "sft"], [1.0, hp["pref_ftx"]]
    config = DPOConfig(**training_arguments(hp, work_dir), beta=hp["beta"], loss_type=losses, loss_weights=weights,
                       max_length=hp["max_length"])
    return DPOTrainer(model=model, args=config, train_dataset=dataset, eval_dataset=dataset, processing_class=tokenizer,
                      peft_config=lora_config(hp["lora"]) if hp["method"] == "lora" else None)


def _cpo_trainer(model, tokenizer, dataset, hp: dict, work_dir: Path, simpo: bool):
    from trl.experimental.cpo import CPOConfig, CPOTrainer

    extra = {"loss_type": "simpo", "cpo_alpha": 0.0, "simpo_gamma": hp["simpo_gamma"]} if simpo else {
        "loss_type": "sigmoid", "cpo_alpha": hp["cpo_alpha"]}
    config = CPOConfig(**training_arguments(hp, work_dir), beta=hp["beta"], max_length=hp["max_length"], **extra)
    return CPOTrainer(model=model, args=config, train_dataset=dataset, eval_dataset=dataset, processing_class=tokenizer,
                      peft_config=lora_config(hp["lora"]) if hp["method"] == "lora" else None)


def train_preference(method: str, model_path: str, pairs: pd.DataFrame, hp: dict, work_dir: Path,
                     trust_remote_code: bool):
    """Train the policy on (prompt, chosen, rejected) by `method`; afterwards evaluate it on its training pairs
    (logged as `final_train_*`, e.g. `final_train_rewards/accuracies`)."""
    seed_everything(hp["seed"])
    model, tokenizer = load_policy(model_path, trust_remote_code)
    dataset = _dataset(preference_rows(pairs, tokenizer, hp["seed"]))
    if method == "dpo":
        trainer = _dpo_trainer(model, tokenizer, dataset, hp, work_dir)
    elif method in ("cpo", "simpo"):
        trainer = _cpo_trainer(model, tokenizer, dataset, hp, work_dir, simpo=method == "simpo")
    else:
        raise ValueError(f"unknown preference method {method!r}; use one of {METHODS}")
    trainer.train(resume_from_checkpoint=last_checkpoint(work_dir))
    trainer.evaluate(metric_key_prefix="final_train")  # the training pairs, as the trainer tokenised them
    trainer.model = merged(trainer.model)
    return trainer, tokenizer


def run_reward_model(base: str, pairs_path: str, hp: dict, work_dir: str, trust_remote_code: bool,
                     model_file: str) -> None:
    """Rule train_reward_model's work, in-process or on every rank of a multi-GPU launch (eax.distributed)."""
    trainer, tokenizer = train_reward_model(base, pd.read_parquet(pairs_path), hp, Path(work_dir), trust_remote_code)
    save_trained(trainer, tokenizer, model_file, Path(work_dir))


def run_preference(method: str, base: str, pairs_path: str, hp: dict, work_dir: str, trust_remote_code: bool,
                   model_file: str) -> None:
    """Rule train_preference's work, in-process or on every rank of a multi-GPU launch (eax.distributed)."""
    pairs = pd.read_parquet(pairs_path)
    trainer, tokenizer = train_preference(method, base, pairs, hp, Path(work_dir), trust_remote_code)
    if trainer.is_world_process_zero():
        print(f"{len(pairs)} pairs, final preference accuracy on them: "
              f"{final_preference_accuracy(trainer.state.log_history)}")
    save_trained(trainer, tokenizer, model_file, Path(work_dir))
