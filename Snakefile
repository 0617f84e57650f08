# EAX (EnAnchored-X2X, arXiv 2509.19770) reproduction workflow.
# `snakemake --profile profiles/default` runs the embedded toy world; see README.md for the real setup.

import sys

from snakemake.utils import min_version

min_version("9.0")

sys.path.insert(0, f"{workflow.basedir}/workflow_scripts")
from eax.config import yaml_syntax_error

if problem := yaml_syntax_error(f"{workflow.basedir}/config/config.yaml"):
    print(problem, file=sys.stderr)
    sys.exit(1)


configfile: "config/config.yaml"


include: "rules/common.smk"
include: "rules/toy_world.smk"
include: "rules/data.smk"
include: "rules/sft.smk"
include: "rules/evaluate.smk"


rule all:
    input:
        seed_manifest=SEED_MANIFEST,
        first_scores=expand("results/tables/first_scores.{ext}", ext=["md", "csv"]),
        toy_comet=toy_comet_checkpoint(),
    default_target: True
