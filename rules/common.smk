# Config validation and the helpers that turn config values into paths. No rule lives here.

import sys
from pathlib import Path

import yaml

from eax.config import config_errors, evaluation_directions
from eax.languages import language, pair_name, split_pair_name
from eax.testsets import flores_file


def _stop_on_config_errors(config):
    """One line per problem and exit 1: a user error gets no traceback."""
    with open(Path(workflow.basedir) / "config" / "schema.yaml", encoding="utf-8") as handle:
        errors = config_errors(config, yaml.safe_load(handle))
    if errors:
        print("\n".join(["invalid configuration:", *errors]), file=sys.stderr)
        sys.exit(1)


_stop_on_config_errors(config)

LANGUAGES = config["languages"]
TOY = "toy"
SEED_MANIFEST = "results/data/seed_shards.json"
EVAL_DIRECTIONS = [pair_name(*d) for d in evaluation_directions(config["evaluation"]["directions"], LANGUAGES)]
TESTSETS = {testset["name"]: testset for testset in config["evaluation"]["testsets"]}
LOCAL_MODEL_FILES = ["config.json", "model.safetensors"]
FLORES_DOWNLOAD = "results/data/flores200_dataset"
FLORES_URL = "https://dl.fbaipublicfiles.com/nllb/flores200_dataset.tar.gz"


def is_local(source):
    return Path(source).exists()


def corpus_path():
    source = config["corpus"]["source"]
    if source == TOY:
        return "results/toy_world/corpus.parquet"
    return source if is_local(source) else "results/data/corpus.download.parquet"


def model_dir(name):
    """The folder (or hub id) a model is loaded from: `base` comes from config, trained models from results/."""
    if name != "base":
        return f"results/models/{name}"
    base = config["model"]["base"]
    return "results/toy_world/base_model" if base == TOY else base


def model_files(name):
    """The files Snakemake tracks for a model: none for a hub id, which is loaded at run time."""
    folder = model_dir(name)
    if name == "base" and config["model"]["base"] != TOY and not is_local(folder):
        return []
    if name == "base" and config["model"]["base"] != TOY:
        return [str(Path(folder) / "config.json")]
    return [f"{folder}/{file}" for file in LOCAL_MODEL_FILES]


def toy_comet_checkpoint():
    return ["results/toy_world/comet/checkpoints/model.ckpt"] if config["corpus"]["source"] == TOY else []


def model_location(wildcards, input):
    """Params function: a model's folder, from its tracked files, or its hub id when none are local."""
    if input.model:
        return str(Path(input.model[0]).parent)
    return model_dir(getattr(wildcards, "model", "base"))


def testset_root(name):
    """Where a test set's files are: made by the toy world, downloaded by a rule, or a user's folder."""
    path = TESTSETS[name]["path"]
    return {TOY: "results/toy_world/flores200", "download": FLORES_DOWNLOAD}.get(path, path)


def testset_source_files(wildcards):
    testset = TESTSETS[wildcards.testset]
    root = testset_root(wildcards.testset)
    languages = sorted({lang for pair in EVAL_DIRECTIONS for lang in split_pair_name(pair)})
    return [str(flores_file(root, testset["split"], lang)) for lang in languages]


def resource(group, name):
    """One resource of a rule group (`train`, `generate`) from `config.resources`."""
    return config["resources"][group][name]
