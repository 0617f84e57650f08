# Evaluation: greedy translation of each test set by each model, sacrebleu scores, the first-scores table.


rule translate_testset:
    input:
        model=lambda wildcards: model_files(wildcards.model),
        sources=testset_source_files,
    output:
        hypotheses=expand("results/eval/{{testset}}/{{model}}/{pair}.txt", pair=EVAL_DIRECTIONS),
    params:
        model=model_location,
        root=lambda wildcards: testset_root(wildcards.testset),
        split=lambda wildcards: TESTSETS[wildcards.testset]["split"],
        directions=EVAL_DIRECTIONS,
        batch_size=config["evaluation"]["batch_size"],
        max_new_tokens=config["evaluation"]["max_new_tokens"],
        num_beams=config["evaluation"]["num_beams"],
        trust_remote_code=config["model"]["trust_remote_code"],
    wildcard_constraints:
        testset="[A-Za-z0-9_]+",
        model="[A-Za-z0-9_]+",
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


rule score_translations:
    input:
        hypotheses=rules.translate_testset.output.hypotheses,
        references=testset_source_files,
    output:
        scores="results/eval/{testset}/{model}/scores.csv",
    params:
        root=lambda wildcards: testset_root(wildcards.testset),
        split=lambda wildcards: TESTSETS[wildcards.testset]["split"],
        directions=EVAL_DIRECTIONS,
        metrics=config["evaluation"]["metrics"],
    conda:
        "../envs/eval.yaml"
    log:
        "results/logs/score_translations/{testset}/{model}.log",
    script:
        "../workflow_scripts/score_translations.py"


rule make_first_scores_table:
    input:
        scores=expand(
            "results/eval/{testset}/{model}/scores.csv",
            testset=list(TESTSETS),
            model=config["evaluation"]["models"],
        ),
    output:
        markdown="results/tables/first_scores.md",
        csv="results/tables/first_scores.csv",
    params:
        run_name=config["run_name"],
    conda:
        "../envs/data.yaml"
    log:
        "results/logs/make_first_scores_table.log",
    script:
        "../workflow_scripts/make_first_scores_table.py"
