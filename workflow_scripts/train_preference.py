"""Rule train_preference: DPO (+ SFT term), CPO or SimPO on one preference data set; HF folder + log history."""

import pandas as pd

from eax.io import prepare_work_dir
from eax.preference import require_pairs, train_preference
from eax.runner import run_script
from eax.training import save_trained
from eax.training_log import final_preference_accuracy


def main(snakemake) -> None:
    params, wildcards = snakemake.params, snakemake.wildcards
    name = f"{wildcards.method}-{wildcards.data}"
    pairs = pd.read_parquet(snakemake.input.pairs)
    require_pairs(pairs, snakemake.input.pairs)
    work_dir = prepare_work_dir(params.work_dir, {"hyperparameters": params.hyperparameters, "base": params.base,
                                                  "data": wildcards.data})
    trainer, tokenizer = train_preference(wildcards.method, params.base, pairs, params.hyperparameters, work_dir,
                                          params.trust_remote_code)
    accuracy = final_preference_accuracy(trainer.state.log_history)
    print(f"{name}: {len(pairs)} pairs, final preference accuracy on them: {accuracy}")
    save_trained(trainer, tokenizer, snakemake.output.model[0], work_dir)


run_script(main, snakemake)
