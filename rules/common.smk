# Config validation and what only Snakemake can run: wildcard constraints, wildcard (input/params) functions,
# resources that grow per retry. The paths and names rules read come from `wiring` (eax/wiring.py).

import functools
import re
import sys
from pathlib import Path

from eax.code_version import library_version as code_version_of
from eax.config import config_errors, read_yaml
from eax.wiring import Wiring


def _stop_on_config_errors(config):
    """One line per problem and exit 1: a user error gets no traceback."""
    errors = config_errors(config, read_yaml(Path(workflow.basedir) / "config" / "schema.yaml"))
    if errors:
        print("\n".join(["invalid configuration:", *errors]), file=sys.stderr)
        sys.exit(1)


_stop_on_config_errors(config)
wiring = Wiring(config)


wildcard_constraints:
    pair="[A-Za-z]+2[A-Za-z]+",
    shard="[0-9]+",
    seed_dir="(seed_[0-9]+/)?",


@functools.cache
def library_version(script):
    """A hash of the `eax` code that workflow_scripts/`script` imports: a param of the script's rule, so an edit
    to that code reruns the rule and what follows (eax.code_version)."""
    scripts = Path(workflow.basedir) / "workflow_scripts"
    return code_version_of(scripts / script, scripts / "eax")


def model_location(wildcards, input):
    """Params function: a model's folder, from its tracked files, or the base model's hub id when none are local."""
    if input.model:
        return str(Path(input.model[0]).parent)
    return wiring.model_dir("base")


def metric_model_files(wildcards):
    """Input function: the metric model files Snakemake tracks (the toy world's models or local checkpoints)."""
    return wiring.metric_files(wildcards.metric, wiring.metric_model(wildcards.metric)[1])


def x2x_score_files(wildcards):
    return wiring.x2x_files("scores", wildcards.variant, wildcards.seed_dir)


def compared_systems(wildcards):
    """Params function: the significance baseline, then every other system on the wildcard's test set."""
    return wiring.compared_systems(wildcards.testset)


def compared_files(kind):
    """Input function: each compared system's `hypotheses` folder, or `segments` file of the wildcard's metric."""

    def files(wildcards):
        folder = "results/eval/{testset}/{name}/"
        pattern = folder + ("hypotheses" if kind == "hypotheses" else "segments/{metric}.parquet")
        return [
            pattern.format(testset=wildcards.testset, name=name, metric=wildcards.metric)
            for name in compared_systems(wildcards)
        ]

    return files


def testset_field(field):
    """Params function: `format` or `split` (flores200 only; else None) of the wildcard's test set."""
    return lookup(dpath=f"{{testset}}/{field}", within=wiring.testsets, default=None)


def testset_source_files(wildcards):
    """Input function: every file of the wildcard's test set that its directions read."""
    return wiring.testset_source_files(wildcards.testset)


def testset_directions(wildcards):
    """Params function: the pair names (de2fr) of the wildcard's test set."""
    return wiring.testset_directions[wildcards.testset]


def group_resources(group, gpu=None):
    """What `**group_resources("train")` puts in `resources`, from that group of `config.resources`. The GPUs
    (or `gpu`, a function of the wildcards, to decide per job), and memory and run time that grow with each
    retry."""
    return {
        "gpu": resource(group, "gpu") if gpu is None else gpu,
        "mem_mb": resource(group, "mem_mb"),
        "runtime": resource(group, "runtime"),
    }


def resource(group, name):
    """One resource of a rule group (`train`, `generate`) from `config.resources`; memory and run time grow with
    each retry (`--retries`), so a job killed for either gets more the next time."""
    value = config["resources"][group][name]
    if name in ("mem_mb", "runtime"):
        return lambda wildcards, attempt: value * attempt
    return value


def benchmark_patterns():
    """(name, glob) of each benchmarked rule of the workflow, wildcards as `*`, for summarize_benchmarks."""
    return [(rule.name, re.sub(r"\{[^}]+\}", "*", str(rule.benchmark))) for rule in workflow.rules if rule.benchmark]


def everything_but(own_outputs):
    """Input function body: every target of `all` except `own_outputs`, so the rule that reads them runs last."""
    return [path for path in rules.all.input if path not in set(own_outputs)]
