"""Rule train_preference: DPO (+ SFT term), CPO or SimPO on one preference data set; HF folder + log history."""

import shutil
from pathlib import Path

import pandas as pd

from eax.io import atomic_dir, prepare_work_dir
from eax.preference import train_preference
from eax.runner import run_script
from eax.training_log import final_preference_accuracy, write_log_history


def main(snakemake) -> None:
    params, wildcards = snakemake.params, snakemake.wildcards
    name = f"{wildcards.method}-{wildcards.data}"
    pairs = pd.read_parquet(snakemake.input.pairs)
    work_dir = prepare_work_dir(params.work_dir, {"hyperparameters": params.hyperparameters, "base": params.base,
                                                  "data": wildcards.data})
    trainer, tokenizer = train_preference(wildcards.method, params.base, pairs, params.hyperparameters, work_dir,
                                          name, params.trust_remote_code)
    accuracy = final_preference_accuracy(trainer.state.log_history)
    print(f"{name}: {len(pairs)} pairs, final preference accuracy on them: {accuracy}")
    with atomic_dir(Path(snakemake.output.model[0]).parent) as folder:
        trainer.model.save_pretrained(folder, safe_serialization=True)
        tokenizer.save_pretrained(folder)
        write_log_history(trainer.state.log_history, folder / "trainer_log.jsonl")
    shutil.rmtree(work_dir)


run_script(main, snakemake)
