# Sampling: N candidates per seed row with the SFT model, one job per seed shard. The RM data is sampled with
# the direct prompt (and first: it gates the reward model); x2x with every configured sampler (EAxT and/or
# direct prompt) in the same job, so the model loads once per shard.

from eax.wiring import RM_SAMPLERS


rule sample_rm_candidates:
    input:
        seeds="results/data/seed_shards/rm/{pair}/{shard}.parquet",
        model=wiring.model_files("sft"),
    output:
        candidates=expand("results/{{seed_dir}}rm/candidates/{sampler}/{{pair}}/{{shard}}.parquet", sampler=RM_SAMPLERS),
    log:
        "results/logs/{seed_dir}sample_rm_candidates/{pair}/{shard}.log",
    benchmark:
        "results/benchmarks/{seed_dir}sample_rm_candidates/{pair}/{shard}.tsv"
    priority: 45
    conda:
        "../envs/vllm.yaml" if config["sampling"]["backend"] == "vllm" else "../envs/eval.yaml"
    threads: resource("generate", "threads")
    resources:
        **group_resources("generate"),
    params:
        library=library_version("sample_candidates.py"),
        model=model_location,
        samplers=RM_SAMPLERS,
        settings=wiring.seeded(wiring.rm_sampling),
        chat_template=config["model"]["chat_template"],
        trust_remote_code=config["model"]["trust_remote_code"],
        dtype=wiring.inference_dtype,
    script:
        "../workflow_scripts/sample_candidates.py"


rule sample_x2x_candidates:
    input:
        seeds="results/data/seed_shards/x2x/{pair}/{shard}.parquet",
        model=wiring.model_files("sft"),
    output:
        candidates=expand(
            "results/{{seed_dir}}x2x/candidates/{sampler}/{{pair}}/{{shard}}.parquet", sampler=wiring.x2x_samplers
        ),
    log:
        "results/logs/{seed_dir}sample_x2x_candidates/{pair}/{shard}.log",
    benchmark:
        "results/benchmarks/{seed_dir}sample_x2x_candidates/{pair}/{shard}.tsv"
    conda:
        "../envs/vllm.yaml" if config["sampling"]["backend"] == "vllm" else "../envs/eval.yaml"
    threads: resource("generate", "threads")
    resources:
        **group_resources("generate"),
    params:
        library=library_version("sample_candidates.py"),
        model=model_location,
        samplers=wiring.x2x_samplers,
        settings=wiring.seeded(config["sampling"]),
        chat_template=config["model"]["chat_template"],
        trust_remote_code=config["model"]["trust_remote_code"],
        dtype=wiring.inference_dtype,
    script:
        "../workflow_scripts/sample_candidates.py"
