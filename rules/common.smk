# Config validation and the helpers that turn config values into paths. No rule lives here.

import functools
import json
import re
import sys
from pathlib import Path

from eax.code_version import library_version as code_version_of
from eax.config import (
    NTREX128,
    TOY,
    config_errors,
    evaluated_models,
    read_yaml,
    margin_name,
    preference_run_names,
    system_pairs,
    testset_pairs,
)
from eax.corpus import shard_name
from eax.preference import METHODS as PREFERENCE_METHODS, prompt_style
from eax.locations import is_hub_id
from eax.metrics import MODEL_METRICS
from eax.languages import PIVOT, en_centric_directions, language, pair_name, split_pair_name, x2x_directions
from eax.testsets import files_for, ntrex_file


def _stop_on_config_errors(config):
    """One line per problem and exit 1: a user error gets no traceback."""
    errors = config_errors(config, read_yaml(Path(workflow.basedir) / "config" / "schema.yaml"))
    if errors:
        print("\n".join(["invalid configuration:", *errors]), file=sys.stderr)
        sys.exit(1)


_stop_on_config_errors(config)


wildcard_constraints:
    pair="[A-Za-z]+2[A-Za-z]+",
    shard="[0-9]+",
    seed_dir="(seed_[0-9]+/)?",


LANGUAGES = config["languages"]
SEEDS = config["seeds"]
# Outputs of the first training seed keep the one-seed paths; each further seed's are under results/seed_<seed>/.
SEED_DIRS = ["" if index == 0 else f"seed_{seed}/" for index, seed in enumerate(SEEDS)]
SEED_OF_DIR = dict(zip(SEED_DIRS, SEEDS))
X2X_LANGUAGES = [code for code in LANGUAGES if code != PIVOT]  # the x and y of x2x: all but the pivot
RM_PAIRS = [pair_name(*direction) for direction in en_centric_directions(LANGUAGES)]
X2X_PAIRS = [pair_name(*direction) for direction in x2x_directions(LANGUAGES)]
SHARDS = [
    shard_name(index) for index in range(config["data"]["shards_per_pair"])
]  # a static DAG: a dry run shows every job
TESTSETS = {testset["name"]: testset for testset in config["evaluation"]["testsets"]}
TESTSET_DIRECTIONS = {name: testset_pairs(testset, config) for name, testset in TESTSETS.items()}
METRICS = config["evaluation"]["metrics"]
PER_DIRECTION_TABLES = [
    [testset, metric, ext] for testset in TESTSETS for metric in METRICS for ext in ("md", "csv", "tex")
]
LOCAL_MODEL_FILES = ["config.json"]  # what a model folder is tracked by: its weights may be shards plus an index
RM_SAMPLERS = ["direct"]  # the recipe samples RM candidates from the plain prompt
RM_SAMPLING = config["sampling"] | {
    "temperature": config["reward_data"]["temperature"] or config["sampling"]["temperature"]
}
X2X_SAMPLERS = config["x2x"]["samplers"]
VARIANT_PARTS = {
    f"{sampler}_{scorer}": (sampler, scorer) for sampler in X2X_SAMPLERS for scorer in config["x2x"]["scorers"]
}
VARIANTS = list(VARIANT_PARTS)
MAIN_MARGIN = margin_name(config["x2x"]["min_margin"])
MARGINS = list(dict.fromkeys([MAIN_MARGIN, *map(margin_name, config["x2x"]["min_margin_sweep"])]))
VARIANT_MARGINS = [(variant, margin) for variant in VARIANTS for margin in MARGINS]  # every x2x pair file
PREFERENCE_RUNS = preference_run_names(config["preference"]["runs"])
PREFERENCE_RUN_DATA = dict(zip(PREFERENCE_RUNS, (run["data"] for run in config["preference"]["runs"])))
TRAINED_MODELS = ["sft", "rm", *PREFERENCE_RUNS]
EVALUATED_MODELS = evaluated_models(config["evaluation"]["models"], PREFERENCE_RUNS)
# Everything the toy world makes (rules/toy_world.smk writes it; the `toy` value of a config key points here).
TOY_WORLD = {
    "corpus": "results/toy_world/corpus.parquet",
    "parallel": "results/toy_world/parallel.parquet",
    "monolingual": "results/toy_world/monolingual.parquet",
    "lexicon": "results/toy_world/lexicon.json",
    "flores200": "results/toy_world/flores200",
    "published_system": "results/toy_world/published_system",
    "alma_r": "results/toy_world/alma_r_preference",
    "base_model": "results/toy_world/base_model",
    "comet": "results/toy_world/comet/checkpoints/model.ckpt",
    "bleurt": "results/toy_world/bleurt",
}
TOY_BLEURT_FILES = ["config.json", "model.safetensors", "spm.model"]
NTREX = config["corpus"]["ntrex128"]
NTREX_DOWNLOAD = "results/data/ntrex128/download"
NTREX_ROOT = NTREX_DOWNLOAD if NTREX["path"] == "download" else NTREX["path"]
NTREX_URL = "https://raw.githubusercontent.com/MicrosoftTranslator/NTREX/main/NTREX-128"
# Multi-parallel corpora: the true y of every x2x seed is known, so the oracle (rules/oracle.smk) can measure them.
MULTI_PARALLEL = {
    TOY: {"corpus": TOY_WORLD["corpus"], "parallel": TOY_WORLD["parallel"]},
    NTREX128: {"corpus": "results/data/ntrex128/corpus.parquet", "parallel": "results/data/ntrex128/parallel.parquet"},
}
EXTERNAL_SYSTEMS = {system["name"]: system for system in config["evaluation"]["external_systems"]}
SYSTEM_DIRECTIONS = {
    name: system_pairs(system, TESTSET_DIRECTIONS[system["testset"]], LANGUAGES)
    for name, system in EXTERNAL_SYSTEMS.items()
}
SIGNIFICANCE = config["evaluation"]["significance"]
MAIN_METRIC = config["evaluation"]["main_metric"]
INFERENCE_DTYPE = config["model"]["inference_dtype"] or config["model"]["dtype"]  # sampling, scoring, translation
PAIR_RULE_MEM_MB = 1000  # a pair job at the paper scale peaks at 0.53 GiB (bench/paper_scale.py); local on clusters
# x->x copy rows in the SFT data: the toy world's own (docs/science.md), so only when the corpus is the toy world's
SFT_COPY_ROWS = config["toy_world"]["copy_rows_per_language"] if config["corpus"]["source"] == TOY else 0
FLORES_DOWNLOAD = "results/data/flores200_dataset"
FLORES_DOWNLOAD_SPLITS = sorted({testset["split"] for testset in TESTSETS.values() if testset["path"] == "download"})
FLORES_URL = "https://dl.fbaipublicfiles.com/nllb/flores200_dataset.tar.gz"
# Where each test set's files are: made by the toy world, downloaded by a rule, or a user's folder.
TESTSET_ROOTS = {
    name: {TOY: TOY_WORLD["flores200"], "download": FLORES_DOWNLOAD}.get(testset["path"], testset["path"])
    for name, testset in TESTSETS.items()
}


@functools.cache
def library_version(script):
    """A hash of the `eax` code that workflow_scripts/`script` imports: a param of the script's rule, so an edit
    to that code reruns the rule and what follows (eax.code_version)."""
    scripts = Path(workflow.basedir) / "workflow_scripts"
    return code_version_of(scripts / script, scripts / "eax")


def corpus_path():
    source = config["corpus"]["source"]
    if source in MULTI_PARALLEL:
        return MULTI_PARALLEL[source]["corpus"]
    return "results/data/corpus.download.parquet" if is_hub_id(source) else source


def ntrex_files(root):
    """NTREX-128's files for the run's languages under `root` (none unless the corpus is NTREX-128)."""
    if config["corpus"]["source"] != NTREX128:
        return []
    return [str(ntrex_file(root, lang)) for lang in LANGUAGES]


def model_dir(name, seed_dir="{seed_dir}"):
    """The folder (or hub id) a model is loaded from: `base` comes from config, trained models from results/ (of
    a training seed: `seed_dir`, the rule's own wildcard by default)."""
    if name != "base":
        return f"results/{seed_dir}models/{name}"
    base = config["model"]["base"]
    return TOY_WORLD["base_model"] if base == TOY else base


def model_files(name, seed_dir="{seed_dir}"):
    """The files Snakemake tracks for a model: none for a hub id, which is loaded at run time."""
    folder = model_dir(name, seed_dir)
    if name == "base" and config["model"]["base"] != TOY and is_hub_id(folder):
        return []
    if name == "base" and config["model"]["base"] != TOY:
        return [str(Path(folder) / "config.json")]
    return [f"{folder}/{file}" for file in LOCAL_MODEL_FILES]


def comet_checkpoint(model):
    """The COMET model to score with: the toy world's checkpoint for `toy`, else the file or hub id as given."""
    return TOY_WORLD["comet"] if model == TOY else model


def bleurt_checkpoint(checkpoint):
    """The BLEURT model to score with: the toy world's folder for `toy`, else the folder or hub id as given."""
    return TOY_WORLD["bleurt"] if checkpoint == TOY else checkpoint


def metric_files(metric, configured):
    """The files Snakemake tracks for a metric model (none for a hub id or a sacrebleu metric)."""
    if metric == "bleurt" and configured:
        folder = bleurt_checkpoint(configured)
        if configured == TOY:
            return [f"{folder}/{file}" for file in TOY_BLEURT_FILES]
        return [] if is_hub_id(folder) else [f"{folder}/config.json"]
    if metric in ("comet", "xcomet") and configured:
        path = comet_checkpoint(configured)
        return [] if is_hub_id(path) else [path]
    return []


def reference_metric_files():
    """Metric model files of the RM data's labelling metric (COMET or BLEURT; none for chrF)."""
    reward_data = config["reward_data"]
    configured = {"comet": reward_data["comet_model"], "bleurt": reward_data["bleurt_checkpoint"]}.get(
        reward_data["metric"]
    )
    return metric_files(reward_data["metric"], configured)


def metric_model(metric):
    """(what to load, what the signature names) for a model-based evaluation metric; (None, None) for sacrebleu."""
    evaluation = config["evaluation"]
    configured = {
        "comet": evaluation["comet_model"],
        "xcomet": evaluation["xcomet_model"],
        "bleurt": evaluation["bleurt_checkpoint"],
    }.get(metric)
    if not configured:
        return None, None
    return (bleurt_checkpoint(configured) if metric == "bleurt" else comet_checkpoint(configured)), configured


def metric_model_files(wildcards):
    """The metric model files Snakemake tracks: the toy world's models or local checkpoints."""
    return metric_files(wildcards.metric, metric_model(wildcards.metric)[1])


def rm_score_files():
    return expand("results/{{seed_dir}}rm/scores/{pair}/{shard}.parquet", pair=RM_PAIRS, shard=SHARDS)


def x2x_score_files(wildcards):
    return x2x_files("scores", wildcards.variant, wildcards.seed_dir)


def x2x_files(kind, name, seed_dir=""):
    """Every shard's x2x candidates (kind `candidates`, a sampler) or scores (kind `scores`, a variant), of the
    first training seed unless `seed_dir` says another."""
    return expand(f"results/{seed_dir}x2x/{kind}/{name}/{{pair}}/{{shard}}.parquet", pair=X2X_PAIRS, shard=SHARDS)


def x2x_pair_files():
    return expand("results/x2x/pairs/{variant}/margin_{margin}/pairs.parquet", variant=VARIANTS, margin=MARGINS)


def preference_data(data, seed_dir=""):
    """The pairs a preference run trains on: ALMA-R triplets (one set for every seed), or an x2x variant's pairs
    at the main margin (of the training seed `seed_dir`)."""
    if data == "alma_r":
        return "results/alma_r/pairs.parquet"
    return f"results/{seed_dir}x2x/pairs/{data}/margin_{MAIN_MARGIN}/pairs.parquet"


def alma_r_files():
    source = config["alma_r"]["source"]
    if source == TOY:
        return [f"{TOY_WORLD['alma_r']}/{name}/train-00000-of-00001.parquet" for name in config["alma_r"]["configs"]]
    return []


def model_location(wildcards, input):
    """Params function: a model's folder, from its tracked files, or the base model's hub id when none are local."""
    if input.model:
        return str(Path(input.model[0]).parent)
    return model_dir("base")


def external_system_folder(name):
    path = EXTERNAL_SYSTEMS[name]["path"]
    return TOY_WORLD["published_system"] if path == TOY else path


def systems_on(testset, seed_dir=""):
    """Every system with outputs on a test set: the evaluated models, then the published systems scored on it.
    Further training seeds evaluate the trained models only (the base model and published outputs do not vary)."""
    if seed_dir:
        return [name for name in EVALUATED_MODELS if name != "base"]
    return EVALUATED_MODELS + [name for name, system in EXTERNAL_SYSTEMS.items() if system["testset"] == testset]


def scored_outputs():
    """(training seed, score file) of every metric of every system on every test set, every seed."""
    return [
        (SEED_OF_DIR[seed_dir], f"results/{seed_dir}eval/{testset}/{name}/scores/{metric}.csv")
        for seed_dir in SEED_DIRS
        for testset in TESTSETS
        for name in systems_on(testset, seed_dir)
        for metric in METRICS
    ]


def score_files():
    return [path for _, path in scored_outputs()]


def published_score_files():
    """Every metric's scores of every published system (`evaluation.external_systems`) on its test set."""
    return [
        f"results/eval/{system['testset']}/{name}/scores/{metric}.csv"
        for name, system in EXTERNAL_SYSTEMS.items()
        for metric in METRICS
    ]


def compared_systems(wildcards):
    """Params function: the significance baseline, then every other system on the wildcard's test set."""
    baseline = SIGNIFICANCE["baseline"]
    return [baseline, *(name for name in systems_on(wildcards.testset) if name != baseline)]


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


def significance_files():
    """One table of paired tests per test set (where the baseline has outputs and others do too) and metric."""
    baseline = SIGNIFICANCE["baseline"]
    testsets = [name for name in TESTSETS if baseline in systems_on(name) and len(systems_on(name)) > 1]
    return expand("results/significance/{testset}/{metric}.csv", testset=testsets, metric=METRICS)


def name_pattern(names):
    """A wildcard constraint matching exactly these names (and nothing, for none)."""
    return "|".join(re.escape(name) for name in names) or "(?!)"


def testset_field(field):
    """Params function: `format` or `split` (flores200 only; else None) of the wildcard's test set."""
    return lookup(dpath=f"{{testset}}/{field}", within=TESTSETS, default=None)


def testset_source_files(wildcards):
    """Every file of a test set that its directions read (sources and references)."""
    testset = TESTSETS[wildcards.testset]
    directions = [split_pair_name(pair) for pair in TESTSET_DIRECTIONS[wildcards.testset]]
    return [
        str(path)
        for path in files_for(testset["format"], TESTSET_ROOTS[wildcards.testset], testset.get("split"), directions)
    ]


def testset_directions(wildcards):
    """Params function: the pair names (de2fr) of the wildcard's test set."""
    return TESTSET_DIRECTIONS[wildcards.testset]


def covered_directions(testset, name):
    """The pair names a system has outputs for on a test set: a published system's own, else all the test set's."""
    return SYSTEM_DIRECTIONS.get(name, TESTSET_DIRECTIONS[testset])


def group_resources(group, gpu=None):
    """What `**group_resources("train")` puts in `resources`, from that group of `config.resources`. The GPUs
    (or `gpu`, a function of the wildcards, to decide per job), and memory and run time that grow with each
    retry."""
    return {
        "gpu": resource(group, "gpu") if gpu is None else gpu,
        "mem_mb": resource(group, "mem_mb"),
        "runtime": resource(group, "runtime"),
    }


def first_seed(path):
    """A training rule's output path for the first seed: the one-seed path (the `seed_dir` wildcard empty)."""
    return path.replace("{seed_dir}", "")


def seeded(settings):
    """Params function: `settings` with their `seed` moved by the wildcard's training seed (config `seeds`)."""
    return lambda wildcards: {**settings, "seed": settings["seed"] + SEED_OF_DIR[wildcards.seed_dir]}


def seeded_value(seed):
    """Params function: `seed` moved by the wildcard's training seed."""
    return lambda wildcards: seed + SEED_OF_DIR[wildcards.seed_dir]


def resource(group, name):
    """One resource of a rule group (`train`, `generate`) from `config.resources`; memory and run time grow with
    each retry (`--retries`), so a job killed for either gets more the next time."""
    value = config["resources"][group][name]
    if name in ("mem_mb", "runtime"):
        return lambda wildcards, attempt: value * attempt
    return value


BENCHMARK_HEADROOM = 1.5  # summarize_benchmarks suggests peak x this for mem_mb and runtime


def benchmark_patterns():
    """(name, glob) of each benchmarked rule of the workflow, wildcards as `*`, for summarize_benchmarks."""
    return [(rule.name, re.sub(r"\{[^}]+\}", "*", str(rule.benchmark))) for rule in workflow.rules if rule.benchmark]


def everything_but(own_outputs):
    """Input function body: every target of `all` except `own_outputs`, so the rule that reads them runs last."""
    return [path for path in rules.all.input if path not in set(own_outputs)]
