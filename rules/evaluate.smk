# Evaluation: translation of each test set by each model (greedy or beam; HF or vLLM), published systems' outputs
# imported as baselines, one score file per metric, so adding a metric runs only that metric's jobs, and paired
# significance tests of every system against the configured baseline, per test set and metric.
# Each test set has its own directions (WMT pairs, FLORES x2x), so hypotheses live in one folder per
# (test set, model) with a {src}2{trg}.txt file per direction.

from eax.languages import language
from eax.metrics import MODEL_METRICS
from eax.preference import prompt_style
from eax.wiring import name_pattern


rule translate_testset:
    input:
        model=lambda wildcards: wiring.model_files(wildcards.model, wildcards.seed_dir),
        sources=testset_source_files,
    output:
        hypotheses=directory("results/{seed_dir}eval/{testset}/{model}/hypotheses"),
    log:
        "results/logs/{seed_dir}translate_testset/{testset}/{model}.log",
    benchmark:
        "results/benchmarks/{seed_dir}translate_testset/{testset}/{model}.tsv"
    wildcard_constraints:
        testset=name_pattern(wiring.testsets),
        model=name_pattern(wiring.evaluated_models),
    conda:
        "../envs/vllm.yaml" if config["evaluation"]["backend"] == "vllm" else "../envs/eval.yaml"
    threads: resource("generate", "threads")
    resources:
        **group_resources("generate"),
    params:
        library=library_version("translate_testset.py"),
        model=model_location,
        format=testset_field("format"),
        root=lookup(dpath="{testset}", within=wiring.testset_roots),
        split=testset_field("split"),
        max_segments=testset_field("max_segments"),
        directions=testset_directions,
        backend=config["evaluation"]["backend"],
        batch_size=config["evaluation"]["batch_size"],
        max_new_tokens=config["evaluation"]["max_new_tokens"],
        num_beams=config["evaluation"]["num_beams"],
        chat_template=config["model"]["chat_template"],
        prompt_style=lambda wildcards: prompt_style(wiring.preference_run_data.get(wildcards.model, "")),
        trust_remote_code=config["model"]["trust_remote_code"],
        dtype=wiring.inference_dtype,
    script:
        "../workflow_scripts/translate_testset.py"


rule import_external_system:
    input:
        hypotheses=lambda wildcards: [
            f"{wiring.external_system_folder(wildcards.system)}/{pair}.txt"
            for pair in wiring.covered_directions(wildcards.testset, wildcards.system)
        ],
        references=testset_source_files,
    output:
        hypotheses=directory("results/eval/{testset}/{system}/hypotheses"),
    log:
        "results/logs/import_external_system/{testset}/{system}.log",
    benchmark:
        "results/benchmarks/import_external_system/{testset}/{system}.tsv"
    wildcard_constraints:
        testset=name_pattern(wiring.testsets),
        system=name_pattern(wiring.external_systems),
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("import_external_system.py"),
        directions=lambda wildcards: wiring.covered_directions(wildcards.testset, wildcards.system),
        format=testset_field("format"),
        root=lookup(dpath="{testset}", within=wiring.testset_roots),
        split=testset_field("split"),
        max_segments=testset_field("max_segments"),
    script:
        "../workflow_scripts/import_external_system.py"


rule score_translations:
    input:
        hypotheses="results/{seed_dir}eval/{testset}/{model}/hypotheses",
        references=testset_source_files,
        metric_model=metric_model_files,
    output:
        scores="results/{seed_dir}eval/{testset}/{model}/scores/{metric}.csv",
        segments="results/{seed_dir}eval/{testset}/{model}/segments/{metric}.parquet",
    log:
        "results/logs/{seed_dir}score_translations/{testset}/{model}/{metric}.log",
    benchmark:
        "results/benchmarks/{seed_dir}score_translations/{testset}/{model}/{metric}.tsv"
    wildcard_constraints:
        testset=name_pattern(wiring.testsets),
        metric=name_pattern(wiring.metrics),
    conda:
        "../envs/eval.yaml"
    threads: resource("score", "threads")
    resources:
        **group_resources(
            "score", gpu=lambda wildcards: resource("score", "gpu") if wildcards.metric in MODEL_METRICS else 0
        ),
    params:
        library=library_version("score_translations.py"),
        format=testset_field("format"),
        root=lookup(dpath="{testset}", within=wiring.testset_roots),
        split=testset_field("split"),
        max_segments=testset_field("max_segments"),
        directions=lambda wildcards: wiring.covered_directions(wildcards.testset, wildcards.model),
        metric_model=lambda wildcards: wiring.metric_model(wildcards.metric)[0],
        metric_model_name=lambda wildcards: wiring.metric_model(wildcards.metric)[1],
        batch_size=config["evaluation"]["metric_batch_size"],
        languages=wiring.languages,  # what the off-target rate's language identifier chooses among
    script:
        "../workflow_scripts/score_translations.py"


rule compare_with_baseline:
    input:
        hypotheses=compared_files("hypotheses"),
        segments=compared_files("segments"),
        references=testset_source_files,
    output:
        tests="results/significance/{testset}/{metric}.csv",
    log:
        "results/logs/compare_with_baseline/{testset}/{metric}.log",
    benchmark:
        "results/benchmarks/compare_with_baseline/{testset}/{metric}.tsv"
    wildcard_constraints:
        testset=name_pattern(wiring.testsets),
        metric=name_pattern(wiring.metrics),
    conda:
        "../envs/eval.yaml"
    params:
        library=library_version("compare_with_baseline.py"),
        systems=compared_systems,
        format=testset_field("format"),
        root=lookup(dpath="{testset}", within=wiring.testset_roots),
        split=testset_field("split"),
        max_segments=testset_field("max_segments"),
        directions=testset_directions,
        covered=lambda wildcards: [
            wiring.covered_directions(wildcards.testset, name) for name in compared_systems(wildcards)
        ],
        test=wiring.significance["test"],
        resamples=wiring.significance["resamples"],
        seed=wiring.significance["seed"],
        alpha=wiring.significance["alpha"],
    script:
        "../workflow_scripts/compare_with_baseline.py"


# `snakemake score_published_systems`: import and score the published systems only (no training, no translation).
rule score_published_systems:
    input:
        wiring.published_score_files(),
