"""Rule train_sft: trl SFTTrainer (full or LoRA, merged) on the instruction data; HF folder + log history.
With more than one GPU the training runs under accelerate/DeepSpeed (eax.distributed)."""

from eax.distributed import train
from eax.io import prepare_work_dir
from eax.runner import run_script


def main(snakemake) -> None:
    params = snakemake.params
    work_dir = prepare_work_dir(params.work_dir, {"hyperparameters": params.hyperparameters, "base": params.base,
                                                  "chat_template": params.chat_template})
    arguments = {"base": params.base, "data_path": snakemake.input.data, "hp": params.hyperparameters,
                 "work_dir": str(work_dir), "chat_template": params.chat_template,
                 "trust_remote_code": params.trust_remote_code,
                 "model_file": snakemake.output.model[0], "dtype": params.dtype,
                 "max_shard_size": params.max_shard_size}
    train("sft", arguments, int(snakemake.resources.gpu))


run_script(main, snakemake)
