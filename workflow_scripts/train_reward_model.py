"""Rule train_reward_model: trl RewardTrainer on the RM pairs; HF sequence-classification folder + log history."""

import shutil
from pathlib import Path

import pandas as pd

from eax.io import atomic_dir, prepare_work_dir
from eax.preference import train_reward_model
from eax.runner import run_script
from eax.training_log import write_log_history


def main(snakemake) -> None:
    params = snakemake.params
    pairs = pd.read_parquet(snakemake.input.pairs)
    work_dir = prepare_work_dir(params.work_dir, {"hyperparameters": params.hyperparameters, "base": params.base})
    trainer, tokenizer = train_reward_model(params.base, pairs, params.hyperparameters, work_dir,
                                            params.trust_remote_code)
    with atomic_dir(Path(snakemake.output.model[0]).parent) as folder:
        trainer.model.save_pretrained(folder, safe_serialization=True)
        tokenizer.save_pretrained(folder)
        write_log_history(trainer.state.log_history, folder / "trainer_log.jsonl")
    shutil.rmtree(work_dir)


run_script(main, snakemake)
