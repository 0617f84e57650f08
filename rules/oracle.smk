# Oracle diagnostics (multi-parallel corpora: the toy world, NTREX-128): the true y of every x2x seed is known, so
# each EAX stage is measured against it: candidates per sampler, scorers per variant, the kept pairs.


rule measure_oracle:
    input:
        parallel=MULTI_PARALLEL.get(config["corpus"]["source"], {}).get("parallel", []),
        candidates=[x2x_files("candidates", sampler) for sampler in X2X_SAMPLERS],
        scores=[x2x_files("scores", variant) for variant in VARIANTS],
        pairs=[preference_data(variant) for variant in VARIANTS],
        reward_model_log=first_seed(rules.train_reward_model.output.log_history),
    output:
        csv=report(
            "results/tables/oracle.csv",
            caption="../report/oracle_table.rst",
            category="Tables",
            labels={"table": "oracle"},
        ),
        md="results/tables/oracle.md",
        tex="results/tables/oracle.tex",
        figure=report(
            "results/figures/oracle.png", caption="../report/oracle.rst", category="Figures", subcategory="Oracle"
        ),
    log:
        "results/logs/measure_oracle.log",
    benchmark:
        "results/benchmarks/measure_oracle.tsv"
    conda:
        "../envs/eval.yaml"
    params:
        library=library_version("measure_oracle.py"),
        run_name=config["run_name"],
        languages=LANGUAGES,
        toy_world=config["corpus"]["source"] == TOY,  # toy languages are told apart by their vocabularies
        variants=VARIANT_PARTS,
        candidate_files={sampler: x2x_files("candidates", sampler) for sampler in X2X_SAMPLERS},
        score_files={variant: x2x_files("scores", variant) for variant in VARIANTS},
        pair_files={variant: preference_data(variant) for variant in VARIANTS},
    script:
        "../workflow_scripts/measure_oracle.py"
