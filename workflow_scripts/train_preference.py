"""Rule train_preference: DPO (+ SFT term), ORPO, SimPO or CPO on one preference data set; HF folder + log history.
With more than one GPU the training runs under accelerate/DeepSpeed (eax.distributed)."""

import pandas as pd

from eax.distributed import train
from eax.io import prepare_work_dir
from eax.preference import require_pairs
from eax.runner import run_script


def main(snakemake) -> None:
    params, wildcards = snakemake.params, snakemake.wildcards
    require_pairs(pd.read_parquet(snakemake.input.pairs), snakemake.input.pairs)
    settings = {"hp": params.hyperparameters, "style": params.prompt_style, "prompt_seed": params.prompt_seed,
                "chat_template": params.chat_template}
    work_dir = prepare_work_dir(params.work_dir, {**settings, "base": params.base, "data": wildcards.data})
    arguments = {"method": wildcards.method, "base": params.base, "pairs_path": snakemake.input.pairs, **settings,
                 "work_dir": str(work_dir), "trust_remote_code": params.trust_remote_code,
                 "model_file": snakemake.output.model[0], "dtype": params.dtype,
                 "max_shard_size": params.max_shard_size}
    train("preference", arguments, int(snakemake.resources.gpu))


run_script(main, snakemake)
