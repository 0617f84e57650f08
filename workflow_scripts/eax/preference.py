"""Preference training with trl: the reward model (RewardTrainer), DPO with the SFT term, ORPO, SimPO and CPO.

How each method maps to the recipe's LLaMA-Factory losses (`pref_loss`, `pref_beta`, `pref_ftx`) is in
docs/faithfulness.md; in short: `dpo` = trl DPO `loss_type [sigmoid, sft]` with weights `[1, pref_ftx]`; `simpo`
= trl CPO `loss_type simpo` with `cpo_alpha = pref_ftx`; `orpo` = trl ORPO with `beta / (1 + pref_ftx)` (the
same loss up to a constant factor, which Adam ignores); `cpo` = ALMA-R's CPO (`loss_type sigmoid`, `cpo_alpha`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from eax.chat import as_chat, use_chat_model
from eax.errors import UserInputError
from eax.prompts import alma_prompt, diverse_prompts, eval_prompt
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
from eax.training_log import final_preference_accuracy
from eax.weights import checked_model_path, load_options

PROMPT_STYLES = ("diverse", "eval", "alma")  # policy data; the reward model; ALMA-R (plain text, no chat template)
ALMA_R_DATA = "alma_r"


def prompt_style(data: str) -> str:
    """How a policy trained on `data` is prompted, in training and evaluation: ALMA-R data keeps ALMA's own
    prompt without chat template, as released; everything else the recipe's diverse prompts in the chat template
    (evaluated with the evaluation prompt)."""
    return "alma" if data == ALMA_R_DATA else "diverse"


def preference_rows(pairs: pd.DataFrame, tokenizer, style: str, prompt_seed: int) -> pd.DataFrame:
    """trl's standard preference format: the prompt as text, chosen/rejected answers as plain text.

    `diverse`: the recipe's drawn templates in the chat template (policy training; drawn over the pair file in
    its order, as the original's pair-instruction script does); `eval`: the evaluation prompt in the chat
    template (the reward model, which is queried with it); `alma`: ALMA's prompt with no chat template (ALMA-R).
    """
    triples = list(zip(pairs["src_lang"], pairs["trg_lang"], pairs["src_text"]))
    if style == "diverse":
        prompts = [as_chat(tokenizer, text) for text in diverse_prompts(triples, prompt_seed)]
    elif style == "eval":
        prompts = [as_chat(tokenizer, eval_prompt(*triple)) for triple in triples]
    elif style == "alma":
        prompts = [alma_prompt(*triple) for triple in triples]
    else:
        raise ValueError(f"unknown prompt style {style!r}; use one of {PROMPT_STYLES}")
    return pd.DataFrame({"prompt": prompts, "chosen": pairs["chosen"].to_numpy(),
                         "rejected": pairs["rejected"].to_numpy()})


def keep_prompt_end(prompt_ids: list[int], longest_answer: int, max_length: int, max_prompt_length: int) -> list[int]:
    """ALMA-R's prompt cap (trl 0.7's `truncation_mode="keep_end"`): only when prompt + the longer answer exceed
    `max_length` is the prompt cut to its last `max_prompt_length` tokens."""
    if len(prompt_ids) + longest_answer <= max_length:
        return prompt_ids
    return prompt_ids[-max_prompt_length:]


def cap_prompts(rows: pd.DataFrame, tokenizer, max_length: int, max_prompt_length: int) -> pd.DataFrame:
    """`keep_prompt_end` on every row (trl 1.x's CPO trainer no longer caps prompts itself)."""
    def capped(row) -> str:
        ids = tokenizer(row.prompt, add_special_tokens=False)["input_ids"]
        answers = tokenizer([row.chosen, row.rejected], add_special_tokens=False)["input_ids"]
        longest = max(map(len, answers))
        kept = keep_prompt_end(ids, longest + 1, max_length, max_prompt_length)  # + 1: the appended eos
        return row.prompt if len(kept) == len(ids) else tokenizer.decode(kept)

    return rows.assign(prompt=[capped(row) for row in rows.itertuples(index=False)])


def require_pairs(pairs: pd.DataFrame, path: str) -> None:
    if pairs.empty:
        raise UserInputError(f"{path} holds no preference pairs: nothing to train on. The log of the rule that "
                             "made it counts why rows gave no pair; lower min_margin / min_winner_score or sample "
                             "more candidates")


def _dataset(rows: pd.DataFrame):
    from datasets import Dataset

    return Dataset.from_pandas(rows, preserve_index=False)


def held_out_split(dataset, fraction: float, seed: int):
    """(train, held-out) as LLaMA-Factory's `val_size` splits (datasets' `train_test_split`); no held-out at 0."""
    if fraction <= 0:
        return dataset, None
    if round(fraction * len(dataset)) < 1 or round(fraction * len(dataset)) >= len(dataset):
        raise UserInputError(f"config key `reward_model.eval_fraction`: {fraction} of {len(dataset)} RM pairs leaves "
                             "no held-out pair or no training pair")
    split = dataset.train_test_split(test_size=fraction, seed=seed)
    return split["train"], split["test"]


def record_held_out(history: list[dict], n_pairs: int) -> None:
    """Name the held-out evaluation's metrics: trl logs them as `eval_accuracy`/`eval_margin` beside our
    `heldout_loss`; they become `heldout_accuracy`/`heldout_margin` (mean chosen-minus-rejected reward)."""
    for entry in history:
        if "heldout_loss" in entry:
            for key in ("accuracy", "margin"):
                if f"eval_{key}" in entry:
                    entry[f"heldout_{key}"] = entry.pop(f"eval_{key}")
            entry["heldout_pairs"] = n_pairs


def train_reward_model(model_path: str, pairs: pd.DataFrame, hp: dict, work_dir: Path, chat_template: str,
                       trust_remote_code: bool, dtype: str = "auto"):
    """A sequence-classification reward model initialised from the SFT model (one output, the reward), trained
    on all but a seeded `eval_fraction` of the pairs and evaluated on those."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from trl import RewardConfig, RewardTrainer

    seed_everything(hp["seed"])
    config = trl_config(RewardConfig, {**training_arguments(hp, work_dir), "max_length": hp["max_length"],
                                       "center_rewards_coefficient": hp["center_rewards_coefficient"]},
                        hp.get("trl", {}))  # before the load: ZeRO-3
    tokenizer = AutoTokenizer.from_pretrained(model_path, trust_remote_code=trust_remote_code)
    model = AutoModelForSequenceClassification.from_pretrained(checked_model_path(model_path), num_labels=1,
                                                               trust_remote_code=trust_remote_code,
                                                               **load_options(dtype))
    use_chat_model(model, tokenizer, chat_template, model_path)
    dataset = _dataset(preference_rows(pairs, tokenizer, "eval", 0))
    train, held_out = held_out_split(dataset, hp["eval_fraction"], hp["seed"])
    trainer = RewardTrainer(model=model, args=config, train_dataset=train, processing_class=tokenizer,
                            peft_config=lora_config(hp["lora"]) if hp["method"] == "lora" else None)
    trainer.train(resume_from_checkpoint=last_checkpoint(work_dir))
    if held_out is not None:
        trainer.evaluate(eval_dataset=held_out, metric_key_prefix="heldout")
        record_held_out(trainer.state.log_history, len(held_out))
    trainer.model = merged(trainer.model)
    return trainer, tokenizer


def _dpo_fields(hp: dict) -> dict:
    losses, weights = ["sigmoid"], [1.0]
    if hp["pref_ftx"] > 0:  # the recipe's SFT term on the chosen answer
        losses, weights = ["sigmoid", "sft"], [1.0, hp["pref_ftx"]]
    return {"beta": hp["beta"], "loss_type": losses, "loss_weights": weights}


@dataclass(frozen=True)
class Method:
    """A preference method: where trl keeps its trainer and config classes, and the config fields the method's
    own settings (config `preference.<method>`) give, beyond those every trainer shares. A config's `trl`
    mapping sets any further field of the config class by trl's own name (a loss variant is a config line)."""

    module: str
    trainer: str
    config: str
    fields: Callable[[dict], dict]

    def classes(self) -> tuple[type, type]:
        module = importlib.import_module(self.module)
        return getattr(module, self.trainer), getattr(module, self.config)


METHODS: dict[str, Method] = {  # config `preference.runs[].method`
    "dpo": Method("trl", "DPOTrainer", "DPOConfig", _dpo_fields),
    "orpo": Method("trl.experimental.orpo", "ORPOTrainer", "ORPOConfig",
                   lambda hp: {"beta": hp["beta"] / (1 + hp["pref_ftx"])}),  # LLaMA-Factory's reading of the two
    "simpo": Method("trl.experimental.cpo", "CPOTrainer", "CPOConfig",
                    lambda hp: {"beta": hp["beta"], "loss_type": "simpo", "cpo_alpha": hp["pref_ftx"],
                                "simpo_gamma": hp["simpo_gamma"]}),
    "cpo": Method("trl.experimental.cpo", "CPOTrainer", "CPOConfig",
                  lambda hp: {"beta": hp["beta"], "loss_type": "sigmoid", "cpo_alpha": hp["cpo_alpha"]}),
}


def trainer_setup(method: str, hp: dict, work_dir: Path):
    """(trainer class, its config) of a preference method."""
    trainer_class, config_class = METHODS[method].classes()
    fields = {**training_arguments(hp, work_dir), "max_length": hp["max_length"], **METHODS[method].fields(hp)}
    return trainer_class, trl_config(config_class, fields, hp.get("trl", {}))


def policy_rows(pairs: pd.DataFrame, tokenizer, hp: dict, style: str, prompt_seed: int) -> pd.DataFrame:
    rows = preference_rows(pairs, tokenizer, style, prompt_seed)
    if hp.get("max_prompt_length"):
        rows = cap_prompts(rows, tokenizer, hp["max_length"], hp["max_prompt_length"])
    return rows


def train_preference(method: str, model_path: str, pairs: pd.DataFrame, hp: dict, work_dir: Path, style: str,
                     prompt_seed: int, chat_template: str, trust_remote_code: bool, dtype: str = "auto"):
    """Train the policy on (prompt, chosen, rejected) by `method`; afterwards evaluate it on its training pairs
    (logged as `final_train_*`, e.g. `final_train_rewards/accuracies`)."""
    seed_everything(hp["seed"])
    trainer_class, config = trainer_setup(method, hp, work_dir)  # before the load: ZeRO-3 (eax.training)
    model, tokenizer = load_policy(model_path, chat_template, trust_remote_code, dtype)
    dataset = _dataset(policy_rows(pairs, tokenizer, hp, style, prompt_seed))
    trainer = trainer_class(model=model, args=config, train_dataset=dataset, eval_dataset=dataset,
                            processing_class=tokenizer,
                            peft_config=lora_config(hp["lora"]) if hp["method"] == "lora" else None)
    trainer.train(resume_from_checkpoint=last_checkpoint(work_dir))
    trainer.evaluate(metric_key_prefix="final_train")  # the training pairs, as the trainer tokenised them
    trainer.model = merged(trainer.model)
    return trainer, tokenizer


def run_reward_model(base: str, pairs_path: str, hp: dict, work_dir: str, chat_template: str,
                     trust_remote_code: bool, model_file: str, dtype: str = "auto",
                     max_shard_size: str = DEFAULT_SHARD_SIZE) -> None:
    """Rule train_reward_model's work, in-process or on every rank of a multi-GPU launch (eax.distributed)."""
    trainer, tokenizer = train_reward_model(base, pd.read_parquet(pairs_path), hp, Path(work_dir), chat_template,
                                            trust_remote_code, dtype)
    save_trained(trainer, tokenizer, model_file, Path(work_dir), max_shard_size)


def run_preference(method: str, base: str, pairs_path: str, hp: dict, work_dir: str, style: str, prompt_seed: int,
                   chat_template: str, trust_remote_code: bool, model_file: str, dtype: str = "auto",
                   max_shard_size: str = DEFAULT_SHARD_SIZE) -> None:
    """Rule train_preference's work, in-process or on every rank of a multi-GPU launch (eax.distributed)."""
    pairs = pd.read_parquet(pairs_path)
    trainer, tokenizer = train_preference(method, base, pairs, hp, Path(work_dir), style, prompt_seed, chat_template,
                                          trust_remote_code, dtype)
    if trainer.is_world_process_zero():
        print(f"{len(pairs)} pairs, final preference accuracy on them: "
              f"{final_preference_accuracy(trainer.state.log_history)}")
    save_trained(trainer, tokenizer, model_file, Path(work_dir), max_shard_size)
