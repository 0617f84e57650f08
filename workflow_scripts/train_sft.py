"""Rule train_sft: trl SFTTrainer (full or LoRA, merged) on the instruction data; HF folder + log history."""

import shutil
from pathlib import Path

import pandas as pd

from eax.io import atomic_dir, prepare_work_dir
from eax.runner import run_script
from eax.sft import train_sft
from eax.training_log import write_log_history


def main(snakemake) -> None:
    params = snakemake.params
    data = pd.read_parquet(snakemake.input.data)
    work_dir = prepare_work_dir(params.work_dir, {"hyperparameters": params.hyperparameters, "base": params.base})
    trainer, tokenizer = train_sft(params.base, data, params.hyperparameters, work_dir, params.trust_remote_code)
    with atomic_dir(Path(snakemake.output.model[0]).parent) as folder:
        trainer.model.save_pretrained(folder, safe_serialization=True)
        tokenizer.save_pretrained(folder)
        write_log_history(trainer.state.log_history, folder / "trainer_log.jsonl")
    shutil.rmtree(work_dir)


run_script(main, snakemake)
