# The paper's outputs: tables (Markdown, CSV, LaTeX) and figures, both in the `snakemake --report` HTML report.

from eax.wiring import BENCHMARK_HEADROOM, first_seed


rule make_tables:
    input:
        scores=wiring.score_files(),
        pair_counts=expand(
            rules.make_x2x_pairs.output.counts,
            zip,
            seed_dir=[""] * len(wiring.variant_margins),
            variant=[variant for variant, _ in wiring.variant_margins],
            margin=[margin for _, margin in wiring.variant_margins],
        ),
        reward_model_log=first_seed(rules.train_reward_model.output.log_history),
        significance=wiring.significance_files(),
    output:
        main_csv=report(
            "results/tables/main.csv", caption="../report/main_table.rst", category="Tables", labels={"table": "main"}
        ),
        main_md="results/tables/main.md",
        main_tex="results/tables/main.tex",
        ablation_csv=report(
            "results/tables/ablation.csv",
            caption="../report/ablation_table.rst",
            category="Tables",
            labels={"table": "sampler x scorer ablation"},
        ),
        ablation_md="results/tables/ablation.md",
        ablation_tex="results/tables/ablation.tex",
        sweep_csv=report(
            "results/tables/margin_sweep.csv",
            caption="../report/sweep_table.rst",
            category="Tables",
            labels={"table": "min_margin sweep"},
        ),
        sweep_md="results/tables/margin_sweep.md",
        sweep_tex="results/tables/margin_sweep.tex",
        reward_model_csv=report(
            "results/tables/reward_model.csv",
            caption="../report/reward_model_table.rst",
            category="Tables",
            labels={"table": "reward model"},
        ),
        reward_model_md="results/tables/reward_model.md",
        reward_model_tex="results/tables/reward_model.tex",
        significance_csv=report(
            "results/tables/significance.csv",
            caption="../report/significance_table.rst",
            category="Tables",
            labels={"table": "significance against the baseline"},
        ),
        significance_md="results/tables/significance.md",
        significance_tex="results/tables/significance.tex",
        per_direction=[
            f"results/tables/per_direction/{testset}_{metric}.{ext}"
            for testset, metric, ext in wiring.per_direction_tables
        ],
    log:
        "results/logs/make_tables.log",
    benchmark:
        "results/benchmarks/make_tables.tsv"
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("make_tables.py"),
        pair_count_keys=[[variant, float(margin)] for variant, margin in wiring.variant_margins],  # of input.pair_counts
        score_seeds=[seed for seed, _ in wiring.scored_outputs()],  # the training seed of each of input.scores
        per_direction_keys=wiring.per_direction_tables,  # [testset, metric, extension] of output.per_direction
        dpo_runs=[[run, data] for run, data in wiring.preference_run_data.items() if run.startswith("dpo-")],
        run_name=config["run_name"],
        main_metric=wiring.main_metric,
        main_margin=float(wiring.main_margin),
        baseline=wiring.significance["baseline"],
        alpha=wiring.significance["alpha"],
        samplers=config["x2x"]["samplers"],
        scorers=config["x2x"]["scorers"],
    script:
        "../workflow_scripts/make_tables.py"


rule make_figures:
    input:
        scores=rules.make_tables.input.scores,
        pair_counts=expand(
            rules.make_x2x_pairs.output.counts, seed_dir="", variant=wiring.variants, margin=wiring.main_margin
        ),
        pairs=expand(rules.make_x2x_pairs.output.pairs, seed_dir="", variant=wiring.variants, margin=wiring.main_margin),
        sweep=rules.make_tables.output.sweep_csv,
        logs=expand("results/models/{model}/trainer_log.jsonl", model=wiring.trained_models),
    output:
        gains=report(
            expand("results/figures/gain_{model}.png", model=wiring.preference_runs),
            caption="../report/gain_heatmap.rst",
            category="Figures",
            subcategory="Gain over SFT",
        ),
        pair_counts=report(
            expand("results/figures/pair_counts_{variant}.png", variant=wiring.variants),
            caption="../report/pair_counts.rst",
            category="Figures",
            subcategory="Preference data",
        ),
        margins=report(
            "results/figures/margin_histograms.png",
            caption="../report/margin_histograms.rst",
            category="Figures",
            subcategory="Preference data",
        ),
        curves=report(
            "results/figures/training_curves.png",
            caption="../report/training_curves.rst",
            category="Figures",
            subcategory="Training",
        ),
        sweep=report(
            "results/figures/margin_sweep.png",
            caption="../report/margin_sweep.rst",
            category="Figures",
            subcategory="Preference data",
        ),
    log:
        "results/logs/make_figures.log",
    benchmark:
        "results/benchmarks/make_figures.tsv"
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("make_figures.py"),
        gain_models=wiring.preference_runs,  # in the order of each input and output below
        variants=wiring.variants,
        log_models=wiring.trained_models,
        testset=list(wiring.testsets)[0],
        metric=wiring.main_metric,
        languages=wiring.languages,
    script:
        "../workflow_scripts/make_figures.py"


rule make_reproduction_card:
    input:
        scores=rules.make_tables.input.scores,
    output:
        csv=report(
            "results/tables/reproduction.csv",
            caption="../report/reproduction_card.rst",
            category="Tables",
            labels={"table": "reproduction card"},
        ),
        md="results/tables/reproduction.md",
        tex="results/tables/reproduction.tex",
    log:
        "results/logs/make_reproduction_card.log",
    benchmark:
        "results/benchmarks/make_reproduction_card.tsv"
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("make_reproduction_card.py"),
        run_name=config["run_name"],
        published=config["reproduction"]["published"],
        tolerance=config["reproduction"]["tolerance"],
        base_model=config["model"]["base"],
    script:
        "../workflow_scripts/make_reproduction_card.py"


rule summarize_benchmarks:
    input:
        finished=lambda wildcards: everything_but(rules.summarize_benchmarks.output),
    output:
        table=report(
            "results/tables/rule_costs.csv",
            caption="../report/rule_costs.rst",
            category="Tables",
            labels={"table": "cost per rule"},
        ),
        markdown="results/tables/rule_costs.md",
        figure=report(
            "results/figures/rule_costs.png",
            caption="../report/rule_costs.rst",
            category="Figures",
            subcategory="Cost",
        ),
    log:
        "results/logs/summarize_benchmarks.log",
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("summarize_benchmarks.py"),
        run_name=config["run_name"],
        rules=lambda wildcards: [name for name, _ in benchmark_patterns()],
        patterns=lambda wildcards: [pattern for _, pattern in benchmark_patterns()],
        headroom=BENCHMARK_HEADROOM,
    script:
        "../workflow_scripts/summarize_benchmarks.py"


rule plot_seed_spread:
    input:
        scores=rules.make_tables.input.scores,
    output:
        figure=report(
            "results/figures/seed_spread.png",
            caption="../report/seed_spread.rst",
            category="Figures",
            subcategory="Spread over training seeds",
        ),
    log:
        "results/logs/plot_seed_spread.log",
    benchmark:
        "results/benchmarks/plot_seed_spread.tsv"
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("plot_seed_spread.py"),
        score_seeds=rules.make_tables.params.score_seeds,
        testset=list(wiring.testsets)[0],
        metric=wiring.main_metric,
    script:
        "../workflow_scripts/plot_seed_spread.py"
