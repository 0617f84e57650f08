# x2x preference data: candidates scored by the reward model (EAxE: the English reference as source, or
# direct: the x source), then best-vs-worst pairs per variant {sampler}_{scorer} and margin.
# One scoring job per seed shard writes one file per variant: the RM is loaded once.

from eax.wiring import PAIR_RULE_MEM_MB, name_pattern


rule score_x2x_candidates:
    input:
        candidates=expand(
            "results/{{seed_dir}}x2x/candidates/{sampler}/{{pair}}/{{shard}}.parquet", sampler=wiring.x2x_samplers
        ),
        model=rules.train_reward_model.output.model,
    output:
        scores=expand("results/{{seed_dir}}x2x/scores/{variant}/{{pair}}/{{shard}}.parquet", variant=wiring.variants),
    log:
        "results/logs/{seed_dir}score_x2x_candidates/{pair}/{shard}.log",
    benchmark:
        "results/benchmarks/{seed_dir}score_x2x_candidates/{pair}/{shard}.tsv"
    priority: 30
    conda:
        "../envs/eval.yaml"
    threads: resource("score", "threads")
    resources:
        **group_resources("score"),
    params:
        library=library_version("score_x2x_candidates.py"),
        samplers=wiring.x2x_samplers,  # in the order of the candidates input
        variants=list(wiring.variant_parts.values()),  # (sampler, scorer) in the order of the scores output
        reward_model=lambda wildcards, input: str(Path(input.model[0]).parent),
        batch_size=config["reward_model"]["score_batch_size"],
        chat_template=config["model"]["chat_template"],
        trust_remote_code=config["model"]["trust_remote_code"],
        dtype=wiring.inference_dtype,
    script:
        "../workflow_scripts/score_x2x_candidates.py"


rule make_x2x_pairs:
    input:
        scores=x2x_score_files,
    output:
        pairs="results/{seed_dir}x2x/pairs/{variant}/margin_{margin}/pairs.parquet",
        counts="results/{seed_dir}x2x/pairs/{variant}/margin_{margin}/pair_counts.csv",
        percentages="results/{seed_dir}x2x/pairs/{variant}/margin_{margin}/pair_percentages.csv",
    log:
        "results/logs/{seed_dir}make_x2x_pairs/{variant}/margin_{margin}.log",
    benchmark:
        "results/benchmarks/{seed_dir}make_x2x_pairs/{variant}/margin_{margin}.tsv"
    wildcard_constraints:
        variant=name_pattern(wiring.variants),
        margin="[0-9.e+-]+",
    conda:
        "../envs/data.yaml"
    resources:
        mem_mb=PAIR_RULE_MEM_MB,
    params:
        library=library_version("make_pairs.py"),
        languages=wiring.x2x_languages,
        min_margin=lambda wildcards: float(wildcards.margin),
        min_winner_score=config["x2x"]["min_winner_score"],
        max_pairs_per_direction=config["x2x"]["max_pairs_per_direction"],
        valid_score_range=config["x2x"]["valid_score_range"],
        seed=wiring.seeded_value(config["x2x"]["seed"]),
    script:
        "../workflow_scripts/make_pairs.py"
