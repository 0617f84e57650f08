# SFT stage: the English-centric instruction model every later stage starts from.

from eax.wiring import LOCAL_MODEL_FILES


rule train_sft:
    input:
        data="results/data/sft.parquet",
        model=wiring.model_files("base"),
    output:
        model=expand("results/{{seed_dir}}models/sft/{file}", file=LOCAL_MODEL_FILES),
        log_history="results/{seed_dir}models/sft/trainer_log.jsonl",
    log:
        "results/logs/{seed_dir}train_sft.log",
    benchmark:
        "results/benchmarks/{seed_dir}train_sft.tsv"
    priority: 50
    conda:
        "../envs/train.yaml"
    threads: resource("sft", "threads")
    resources:
        **group_resources("sft"),
    params:
        library=library_version("train_sft.py"),
        base=model_location,
        work_dir="results/{seed_dir}work/sft",
        hyperparameters=wiring.seeded(wiring.trainer("sft")),
        chat_template=config["model"]["chat_template"],
        trust_remote_code=config["model"]["trust_remote_code"],
        dtype=config["model"]["dtype"],
        max_shard_size=config["model"]["max_shard_size"],
    script:
        "../workflow_scripts/train_sft.py"
