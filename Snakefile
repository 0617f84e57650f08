# EAX (EnAnchored-X2X, arXiv 2509.19770) reproduction workflow.
# `snakemake --profile profiles/default` runs the embedded toy world; see README.md for the real setup.

import sys
from pathlib import Path

from snakemake.utils import min_version

min_version("9.0")

from eax.config import yaml_syntax_error  # the project's library, installed editable by `make install`
from eax.wiring import MULTI_PARALLEL

if problem := yaml_syntax_error(f"{workflow.basedir}/config/config.yaml"):
    print(problem, file=sys.stderr)
    sys.exit(1)


configfile: "config/config.yaml"


include: "rules/common.smk"
include: "rules/toy_world.smk"
include: "rules/data.smk"
include: "rules/sft.smk"
include: "rules/sampling.smk"
include: "rules/reward_model.smk"
include: "rules/x2x.smk"
include: "rules/preference.smk"
include: "rules/evaluate.smk"
include: "rules/report.smk"
include: "rules/oracle.smk"


report: "report/workflow.rst"


# Cheap CPU steps, and the downloads (cluster compute nodes often have no internet), run where Snakemake runs.
localrules:
    all,
    make_toy_world,
    download_hub_corpus,
    download_flores,
    download_ntrex,
    make_ntrex_corpus,
    check_corpus,
    make_seed_shards,
    make_rm_pairs,
    make_x2x_pairs,
    make_alma_r_pairs,
    import_external_system,
    score_published_systems,
    make_tables,
    make_figures,
    make_reproduction_card,
    plot_seed_spread,
    summarize_benchmarks,
    measure_oracle,


onstart:
    # results/provenance/<UTC start>.json: config, package versions, git commit, hardware of this run
    from eax.provenance import record_provenance

    record_provenance(config, Path(workflow.basedir), sys.argv, Path("results"))


rule all:
    default_target: True
    input:
        reward_model_pairs="results/rm/pairs.parquet",
        x2x_pairs=wiring.x2x_pair_files(),
        preference_models=expand(
            "results/{seed_dir}models/{run}/trainer_log.jsonl", seed_dir=wiring.seed_dirs, run=wiring.preference_runs
        ),
        tables=rules.make_tables.output,
        figures=rules.make_figures.output,
        oracle=rules.measure_oracle.output if config["corpus"]["source"] in MULTI_PARALLEL else [],
        reproduction_card=rules.make_reproduction_card.output if config["reproduction"]["published"] else [],
        seed_spread=rules.plot_seed_spread.output if len(wiring.seeds) > 1 else [],
        rule_costs=rules.summarize_benchmarks.output,
