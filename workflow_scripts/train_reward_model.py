"""Rule train_reward_model: trl RewardTrainer on the RM pairs; HF sequence-classification folder + log history."""

import pandas as pd

from eax.io import prepare_work_dir
from eax.preference import require_pairs, train_reward_model
from eax.runner import run_script
from eax.training import save_trained


def main(snakemake) -> None:
    params = snakemake.params
    pairs = pd.read_parquet(snakemake.input.pairs)
    require_pairs(pairs, snakemake.input.pairs)
    work_dir = prepare_work_dir(params.work_dir, {"hyperparameters": params.hyperparameters, "base": params.base})
    trainer, tokenizer = train_reward_model(params.base, pairs, params.hyperparameters, work_dir,
                                            params.trust_remote_code)
    save_trained(trainer, tokenizer, snakemake.output.model[0], work_dir)


run_script(main, snakemake)
