# Preference training: one rule for every method (DPO with the SFT term, CPO, SimPO) and every data source
# (an x2x variant's pairs or ALMA-R triplets); each run is results/models/{method}-{data}.

from eax.preference import METHODS as PREFERENCE_METHODS, prompt_style
from eax.wiring import LOCAL_MODEL_FILES, name_pattern


rule make_alma_r_pairs:
    input:
        triplets=wiring.alma_r_files(),
    output:
        pairs="results/alma_r/pairs.parquet",
        counts="results/alma_r/pair_counts.csv",
        percentages="results/alma_r/pair_percentages.csv",
    log:
        "results/logs/make_alma_r_pairs.log",
    benchmark:
        "results/benchmarks/make_alma_r_pairs.tsv"
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("make_alma_r_pairs.py"),
        source=lambda wildcards, input: (
            str(Path(input.triplets[0]).parents[1]) if input.triplets else config["alma_r"]["source"]
        ),
        configs=config["alma_r"]["configs"],
        scorer=config["alma_r"]["scorer"],
        seed=config["alma_r"]["seed"],
    script:
        "../workflow_scripts/make_alma_r_pairs.py"


rule train_preference:
    input:
        pairs=lambda wildcards: wiring.preference_data(wildcards.data, wildcards.seed_dir),
        model=wiring.model_files("sft"),
    output:
        model=expand("results/{{seed_dir}}models/{{method}}-{{data}}/{file}", file=LOCAL_MODEL_FILES),
        log_history="results/{seed_dir}models/{method}-{data}/trainer_log.jsonl",
    log:
        "results/logs/{seed_dir}train_preference/{method}-{data}.log",
    benchmark:
        "results/benchmarks/{seed_dir}train_preference/{method}-{data}.tsv"
    wildcard_constraints:
        method=name_pattern(PREFERENCE_METHODS),
        data=name_pattern(sorted(set(wiring.preference_run_data.values()))),
    conda:
        "../envs/train.yaml"
    threads: resource("train", "threads")
    resources:
        **group_resources("train"),
    params:
        library=library_version("train_preference.py"),
        base=model_location,
        work_dir="results/{seed_dir}work/{method}-{data}",
        hyperparameters=lambda wildcards: wiring.seeded(wiring.trainer(f"preference.{wildcards.method}"))(wildcards),
        chat_template=config["model"]["chat_template"],
        prompt_style=lambda wildcards: prompt_style(wildcards.data),
        prompt_seed=config["data"]["prompt_seed"],
        trust_remote_code=config["model"]["trust_remote_code"],
        dtype=config["model"]["dtype"],
        max_shard_size=config["model"]["max_shard_size"],
    script:
        "../workflow_scripts/train_preference.py"
