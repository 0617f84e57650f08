# Reward model: English-centric candidates scored against the reference (COMET/chrF/BLEURT), best-vs-worst
# pairs, and trl's RewardTrainer on a sequence-classification head initialised from the SFT model.

from eax.wiring import LOCAL_MODEL_FILES, PAIR_RULE_MEM_MB


rule score_rm_candidates:
    input:
        candidates="results/{seed_dir}rm/candidates/direct/{pair}/{shard}.parquet",
        metric_model=wiring.reference_metric_files(),
    output:
        scores="results/{seed_dir}rm/scores/{pair}/{shard}.parquet",
    log:
        "results/logs/{seed_dir}score_rm_candidates/{pair}/{shard}.log",
    benchmark:
        "results/benchmarks/{seed_dir}score_rm_candidates/{pair}/{shard}.tsv"
    priority: 40
    conda:
        "../envs/eval.yaml"
    threads: resource("score", "threads")
    resources:
        **group_resources("score"),
    params:
        library=library_version("score_rm_candidates.py"),
        metric=config["reward_data"]["metric"],
        comet_model=wiring.comet_checkpoint(config["reward_data"]["comet_model"]),
        bleurt_checkpoint=wiring.bleurt_checkpoint(config["reward_data"]["bleurt_checkpoint"]),
        batch_size=config["reward_data"]["batch_size"],
    script:
        "../workflow_scripts/score_rm_candidates.py"


rule make_rm_pairs:
    input:
        scores=wiring.rm_score_files(),
    output:
        pairs="results/{seed_dir}rm/pairs.parquet",
        counts="results/{seed_dir}rm/pair_counts.csv",
        percentages="results/{seed_dir}rm/pair_percentages.csv",
    log:
        "results/logs/{seed_dir}make_rm_pairs.log",
    benchmark:
        "results/benchmarks/{seed_dir}make_rm_pairs.tsv"
    conda:
        "../envs/data.yaml"
    resources:
        mem_mb=PAIR_RULE_MEM_MB,
    params:
        library=library_version("make_pairs.py"),
        languages=wiring.languages,
        min_margin=config["reward_data"]["thresholds"][config["reward_data"]["metric"]]["min_margin"],
        min_winner_score=config["reward_data"]["thresholds"][config["reward_data"]["metric"]]["min_winner_score"],
        max_pairs_per_direction=config["reward_data"]["max_pairs_per_direction"],
        valid_score_range=config["reward_data"]["valid_score_range"],
        seed=wiring.seeded_value(config["reward_data"]["seed"]),
    script:
        "../workflow_scripts/make_pairs.py"


rule train_reward_model:
    input:
        pairs=rules.make_rm_pairs.output.pairs,
        model=wiring.model_files("sft"),
    output:
        model=expand("results/{{seed_dir}}models/rm/{file}", file=LOCAL_MODEL_FILES),
        log_history="results/{seed_dir}models/rm/trainer_log.jsonl",
    log:
        "results/logs/{seed_dir}train_reward_model.log",
    benchmark:
        "results/benchmarks/{seed_dir}train_reward_model.tsv"
    priority: 40
    conda:
        "../envs/train.yaml"
    threads: resource("train", "threads")
    resources:
        **group_resources("train"),
    params:
        library=library_version("train_reward_model.py"),
        base=model_location,
        work_dir="results/{seed_dir}work/rm",
        hyperparameters=wiring.seeded(
            {key: value for key, value in wiring.trainer("reward_model").items() if key != "score_batch_size"}
        ),
        chat_template=config["model"]["chat_template"],
        trust_remote_code=config["model"]["trust_remote_code"],
        dtype=config["model"]["dtype"],
        max_shard_size=config["model"]["max_shard_size"],
    script:
        "../workflow_scripts/train_reward_model.py"
