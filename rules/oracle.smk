# Oracle diagnostics (multi-parallel corpora: the toy world, NTREX-128): the true y of every x2x seed is known, so
# each EAX stage is measured against it: candidates per sampler, scorers per variant, the kept pairs.

from eax.config import TOY
from eax.wiring import MULTI_PARALLEL, first_seed


rule measure_oracle:
    input:
        parallel=MULTI_PARALLEL.get(config["corpus"]["source"], {}).get("parallel", []),
        candidates=[wiring.x2x_files("candidates", sampler) for sampler in wiring.x2x_samplers],
        scores=[wiring.x2x_files("scores", variant) for variant in wiring.variants],
        pairs=[wiring.preference_data(variant) for variant in wiring.variants],
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
        languages=wiring.languages,
        toy_world=config["corpus"]["source"] == TOY,  # toy languages are told apart by their vocabularies
        variants=wiring.variant_parts,
        candidate_files={sampler: wiring.x2x_files("candidates", sampler) for sampler in wiring.x2x_samplers},
        score_files={variant: wiring.x2x_files("scores", variant) for variant in wiring.variants},
        pair_files={variant: wiring.preference_data(variant) for variant in wiring.variants},
    script:
        "../workflow_scripts/measure_oracle.py"
