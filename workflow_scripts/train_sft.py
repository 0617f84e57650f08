"""Rule train_sft: trl SFTTrainer (full or LoRA, merged) on the instruction data; HF folder + log history."""

import pandas as pd

from eax.io import prepare_work_dir
from eax.runner import run_script
from eax.sft import train_sft
from eax.training import save_trained


def main(snakemake) -> None:
    params = snakemake.params
    data = pd.read_parquet(snakemake.input.data)
    work_dir = prepare_work_dir(params.work_dir, {"hyperparameters": params.hyperparameters, "base": params.base})
    trainer, tokenizer = train_sft(params.base, data, params.hyperparameters, work_dir, params.trust_remote_code)
    save_trained(trainer, tokenizer, snakemake.output.model[0], work_dir)


run_script(main, snakemake)
