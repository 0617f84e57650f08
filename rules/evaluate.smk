# Evaluation: translation of each test set by each model (greedy or beam), published systems' outputs imported
# as baselines, and the sacrebleu scores of both.


rule translate_testset:
    input:
        model=lambda wildcards: model_files(wildcards.model),
        sources=testset_source_files,
    output:
        hypotheses=expand("results/eval/{{testset}}/{{model}}/{pair}.txt", pair=EVAL_DIRECTIONS),
    params:
        model=model_location,
        format=testset_field("format"),
        root=lambda wildcards: testset_root(wildcards.testset),
        split=testset_field("split"),
        directions=EVAL_DIRECTIONS,
        batch_size=config["evaluation"]["batch_size"],
        max_new_tokens=config["evaluation"]["max_new_tokens"],
        num_beams=config["evaluation"]["num_beams"],
        trust_remote_code=config["model"]["trust_remote_code"],
    wildcard_constraints:
        testset="[A-Za-z0-9_]+",
        model=name_pattern(EVALUATED_MODELS),
    threads: resource("generate", "threads")
    resources:
        gpu=resource("generate", "gpu"),
        mem_mb=resource("generate", "mem_mb"),
        runtime=resource("generate", "runtime"),
    conda:
        "../envs/eval.yaml"
    log:
        "results/logs/translate_testset/{testset}/{model}.log",
    script:
        "../workflow_scripts/translate_testset.py"


rule import_external_system:
    input:
        hypotheses=lambda wildcards: [f"{external_system_folder(wildcards.system)}/{pair}.txt" for pair in EVAL_DIRECTIONS],
        references=testset_source_files,
    output:
        hypotheses=expand("results/eval/{{testset}}/{{system}}/{pair}.txt", pair=EVAL_DIRECTIONS),
    params:
        format=testset_field("format"),
        root=lambda wildcards: testset_root(wildcards.testset),
        split=testset_field("split"),
    wildcard_constraints:
        testset="[A-Za-z0-9_]+",
        system=name_pattern(EXTERNAL_SYSTEMS),
    conda:
        "../envs/data.yaml"
    log:
        "results/logs/import_external_system/{testset}/{system}.log",
    script:
        "../workflow_scripts/import_external_system.py"


rule score_translations:
    input:
        hypotheses=expand("results/eval/{{testset}}/{{model}}/{pair}.txt", pair=EVAL_DIRECTIONS),
        references=testset_source_files,
    output:
        scores="results/eval/{testset}/{model}/scores.csv",
    params:
        format=testset_field("format"),
        root=lambda wildcards: testset_root(wildcards.testset),
        split=testset_field("split"),
        directions=EVAL_DIRECTIONS,
        metrics=config["evaluation"]["metrics"],
    conda:
        "../envs/eval.yaml"
    log:
        "results/logs/score_translations/{testset}/{model}.log",
    script:
        "../workflow_scripts/score_translations.py"

