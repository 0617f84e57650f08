"""The workflow's wiring: which files each stage reads and writes, derived from a validated config. Rule files
(rules/*.smk) read it through one `Wiring(config)` object that rules/common.smk builds; the wildcard and retry
functions Snakemake calls stay there. Pure Python, so every path is unit-tested without Snakemake
(tests/test_wiring.py)."""

from __future__ import annotations

import re
from functools import cached_property
from itertools import product
from pathlib import Path

from eax.config import (
    NTREX128,
    TOY,
    evaluated_models,
    margin_name,
    preference_run_names,
    system_pairs,
    testset_pairs,
    trainer_settings,
)
from eax.corpus import shard_name
from eax.languages import PIVOT, en_centric_directions, pair_name, split_pair_name, x2x_directions
from eax.locations import is_hub_id
from eax.testsets import files_for, ntrex_file

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
LOCAL_MODEL_FILES = ["config.json"]  # what a model folder is tracked by: its weights may be shards plus an index
RM_SAMPLERS = ["direct"]  # the recipe samples RM candidates from the plain prompt
NTREX_DOWNLOAD = "results/data/ntrex128/download"
NTREX_URL = "https://raw.githubusercontent.com/MicrosoftTranslator/NTREX/main/NTREX-128"
# Multi-parallel corpora: the true y of every x2x seed is known, so the oracle (rules/oracle.smk) can measure them.
MULTI_PARALLEL = {
    TOY: {"corpus": TOY_WORLD["corpus"], "parallel": TOY_WORLD["parallel"]},
    NTREX128: {"corpus": "results/data/ntrex128/corpus.parquet", "parallel": "results/data/ntrex128/parallel.parquet"},
}
FLORES_DOWNLOAD = "results/data/flores200_dataset"
FLORES_URL = "https://dl.fbaipublicfiles.com/nllb/flores200_dataset.tar.gz"
PAIR_RULE_MEM_MB = 1000  # a pair job at the paper scale peaks at 0.53 GiB (bench/paper_scale.py); local on clusters
BENCHMARK_HEADROOM = 1.5  # summarize_benchmarks suggests peak x this for mem_mb and runtime


def name_pattern(names) -> str:
    """A wildcard constraint matching exactly these names (and nothing, for none)."""
    return "|".join(re.escape(name) for name in names) or "(?!)"


def first_seed(path: str) -> str:
    """A training rule's output path for the first seed: the one-seed path (the `seed_dir` wildcard empty)."""
    return path.replace("{seed_dir}", "")


class Wiring:
    """Paths, names and settings the rules read, from one validated config."""

    def __init__(self, config: dict) -> None:
        self.config = config
        evaluation = config["evaluation"]
        self.languages: list[str] = config["languages"]
        self.seeds: list[int] = config["seeds"]
        # The first training seed's outputs keep the one-seed paths; each further seed's are under results/seed_<n>/.
        self.seed_dirs = ["" if index == 0 else f"seed_{seed}/" for index, seed in enumerate(self.seeds)]
        self.seed_of_dir = dict(zip(self.seed_dirs, self.seeds, strict=True))
        self.x2x_languages = [code for code in self.languages if code != PIVOT]  # the x and y of x2x
        self.rm_pairs = [pair_name(*direction) for direction in en_centric_directions(self.languages)]
        self.x2x_pairs = [pair_name(*direction) for direction in x2x_directions(self.languages)]
        self.shards = [shard_name(index) for index in range(config["data"]["shards_per_pair"])]  # a static DAG
        self.testsets = {testset["name"]: testset for testset in evaluation["testsets"]}
        self.testset_directions = {name: testset_pairs(testset, config) for name, testset in self.testsets.items()}
        self.metrics: list[str] = evaluation["metrics"]
        self.x2x_samplers: list[str] = config["x2x"]["samplers"]
        self.variant_parts = {f"{sampler}_{scorer}": (sampler, scorer)
                              for sampler in self.x2x_samplers for scorer in config["x2x"]["scorers"]}
        self.variants = list(self.variant_parts)
        self.main_margin = margin_name(config["x2x"]["min_margin"])
        self.margins = list(dict.fromkeys([self.main_margin, *map(margin_name, config["x2x"]["min_margin_sweep"])]))
        self.preference_runs = preference_run_names(config["preference"]["runs"])
        self.preference_run_data = dict(zip(self.preference_runs, (run["data"] for run in config["preference"]["runs"]),
                                            strict=True))
        self.evaluated_models = evaluated_models(evaluation["models"], self.preference_runs)
        self.external_systems = {system["name"]: system for system in evaluation["external_systems"]}
        self.significance: dict = evaluation["significance"]
        self.main_metric: str = evaluation["main_metric"]
        self.ntrex: dict = config["corpus"]["ntrex128"]

    @cached_property
    def per_direction_tables(self) -> list[list[str]]:
        return [[testset, metric, ext] for testset in self.testsets for metric in self.metrics
                for ext in ("md", "csv", "tex")]

    @cached_property
    def rm_sampling(self) -> dict:
        """x2x's sampling settings at the RM data's own temperature (`reward_data.temperature`, when set)."""
        sampling = self.config["sampling"]
        return sampling | {"temperature": self.config["reward_data"]["temperature"] or sampling["temperature"]}

    @cached_property
    def variant_margins(self) -> list[tuple[str, str]]:
        """(variant, margin) of every x2x pair file."""
        return list(product(self.variants, self.margins))

    @cached_property
    def trained_models(self) -> list[str]:
        return ["sft", "rm", *self.preference_runs]

    @cached_property
    def ntrex_root(self) -> str:
        return NTREX_DOWNLOAD if self.ntrex["path"] == "download" else self.ntrex["path"]

    @cached_property
    def system_directions(self) -> dict[str, list[str]]:
        return {name: system_pairs(system, self.testset_directions[system["testset"]], self.languages)
                for name, system in self.external_systems.items()}

    @cached_property
    def inference_dtype(self) -> str:
        """The dtype of sampling, RM scoring and translation."""
        return self.config["model"]["inference_dtype"] or self.config["model"]["dtype"]

    @cached_property
    def sft_copy_rows(self) -> int:
        """x->x copy rows in the SFT data: the toy world's own (docs/science.md), so only on the toy corpus."""
        return self.config["toy_world"]["copy_rows_per_language"] if self.config["corpus"]["source"] == TOY else 0

    @cached_property
    def flores_download_splits(self) -> list[str]:
        return sorted({testset["split"] for testset in self.testsets.values() if testset["path"] == "download"})

    @cached_property
    def testset_roots(self) -> dict[str, str]:
        """Where each test set's files are: made by the toy world, downloaded by a rule, or a user's folder."""
        return {name: {TOY: TOY_WORLD["flores200"], "download": FLORES_DOWNLOAD}.get(testset["path"], testset["path"])
                for name, testset in self.testsets.items()}

    def corpus_path(self) -> str:
        source = self.config["corpus"]["source"]
        if source in MULTI_PARALLEL:
            return MULTI_PARALLEL[source]["corpus"]
        return "results/data/corpus.download.parquet" if is_hub_id(source) else source

    def ntrex_files(self, root: str) -> list[str]:
        """NTREX-128's files for the run's languages under `root` (none unless the corpus is NTREX-128)."""
        if self.config["corpus"]["source"] != NTREX128:
            return []
        return [str(ntrex_file(root, lang)) for lang in self.languages]

    def model_dir(self, name: str, seed_dir: str = "{seed_dir}") -> str:
        """The folder (or hub id) a model is loaded from: `base` comes from config, trained models from results/
        (of a training seed: `seed_dir`, the rule's own wildcard by default)."""
        if name != "base":
            return f"results/{seed_dir}models/{name}"
        base = self.config["model"]["base"]
        return TOY_WORLD["base_model"] if base == TOY else base

    def model_files(self, name: str, seed_dir: str = "{seed_dir}") -> list[str]:
        """The files Snakemake tracks for a model: none for a hub id, which is loaded at run time."""
        folder = self.model_dir(name, seed_dir)
        if name == "base" and self.config["model"]["base"] != TOY:
            return [] if is_hub_id(folder) else [str(Path(folder) / "config.json")]
        return [f"{folder}/{file}" for file in LOCAL_MODEL_FILES]

    @staticmethod
    def comet_checkpoint(model: str) -> str:
        """The COMET model to score with: the toy world's checkpoint for `toy`, else the file or hub id as given."""
        return TOY_WORLD["comet"] if model == TOY else model

    @staticmethod
    def bleurt_checkpoint(checkpoint: str) -> str:
        """The BLEURT model to score with: the toy world's folder for `toy`, else the folder or hub id as given."""
        return TOY_WORLD["bleurt"] if checkpoint == TOY else checkpoint

    def metric_files(self, metric: str, configured: str | None) -> list[str]:
        """The files Snakemake tracks for a metric model (none for a hub id or a sacrebleu metric)."""
        if metric == "bleurt" and configured:
            folder = self.bleurt_checkpoint(configured)
            if configured == TOY:
                return [f"{folder}/{file}" for file in TOY_BLEURT_FILES]
            return [] if is_hub_id(folder) else [f"{folder}/config.json"]
        if metric in ("comet", "xcomet") and configured:
            path = self.comet_checkpoint(configured)
            return [] if is_hub_id(path) else [path]
        return []

    def reference_metric_files(self) -> list[str]:
        """Metric model files of the RM data's labelling metric (COMET or BLEURT; none for chrF)."""
        reward_data = self.config["reward_data"]
        configured = {"comet": reward_data["comet_model"], "bleurt": reward_data["bleurt_checkpoint"]}.get(
            reward_data["metric"])
        return self.metric_files(reward_data["metric"], configured)

    def metric_model(self, metric: str) -> tuple[str | None, str | None]:
        """(what to load, what the signature names) for a model-based evaluation metric; (None, None) for
        sacrebleu's."""
        evaluation = self.config["evaluation"]
        configured = {"comet": evaluation["comet_model"], "xcomet": evaluation["xcomet_model"],
                      "bleurt": evaluation["bleurt_checkpoint"]}.get(metric)
        if not configured:
            return None, None
        return (self.bleurt_checkpoint(configured) if metric == "bleurt"
                else self.comet_checkpoint(configured)), configured

    def rm_score_files(self) -> list[str]:
        return [f"results/{{seed_dir}}rm/scores/{pair}/{shard}.parquet"
                for pair, shard in product(self.rm_pairs, self.shards)]

    def x2x_files(self, kind: str, name: str, seed_dir: str = "") -> list[str]:
        """Every shard's x2x candidates (kind `candidates`, a sampler) or scores (kind `scores`, a variant), of
        the first training seed unless `seed_dir` says another."""
        return [f"results/{seed_dir}x2x/{kind}/{name}/{pair}/{shard}.parquet"
                for pair, shard in product(self.x2x_pairs, self.shards)]

    def x2x_pair_files(self) -> list[str]:
        return [f"results/x2x/pairs/{variant}/margin_{margin}/pairs.parquet"
                for variant, margin in self.variant_margins]

    def preference_data(self, data: str, seed_dir: str = "") -> str:
        """The pairs a preference run trains on: ALMA-R triplets (one set for every seed), or an x2x variant's
        pairs at the main margin (of the training seed `seed_dir`)."""
        if data == "alma_r":
            return "results/alma_r/pairs.parquet"
        return f"results/{seed_dir}x2x/pairs/{data}/margin_{self.main_margin}/pairs.parquet"

    def alma_r_files(self) -> list[str]:
        if self.config["alma_r"]["source"] != TOY:
            return []
        return [f"{TOY_WORLD['alma_r']}/{name}/train-00000-of-00001.parquet"
                for name in self.config["alma_r"]["configs"]]

    def external_system_folder(self, name: str) -> str:
        path = self.external_systems[name]["path"]
        return TOY_WORLD["published_system"] if path == TOY else path

    def systems_on(self, testset: str, seed_dir: str = "") -> list[str]:
        """Every system with outputs on a test set: the evaluated models, then the published systems scored on
        it. Further training seeds evaluate the trained models only (the base model and published outputs do not
        vary)."""
        if seed_dir:
            return [name for name in self.evaluated_models if name != "base"]
        return self.evaluated_models + [name for name, system in self.external_systems.items()
                                        if system["testset"] == testset]

    def scored_outputs(self) -> list[tuple[int, str]]:
        """(training seed, score file) of every metric of every system on every test set, every seed."""
        return [(self.seed_of_dir[seed_dir], f"results/{seed_dir}eval/{testset}/{name}/scores/{metric}.csv")
                for seed_dir in self.seed_dirs for testset in self.testsets
                for name in self.systems_on(testset, seed_dir) for metric in self.metrics]

    def score_files(self) -> list[str]:
        return [path for _, path in self.scored_outputs()]

    def published_score_files(self) -> list[str]:
        """Every metric's scores of every published system (`evaluation.external_systems`) on its test set."""
        return [f"results/eval/{system['testset']}/{name}/scores/{metric}.csv"
                for name, system in self.external_systems.items() for metric in self.metrics]

    def compared_systems(self, testset: str) -> list[str]:
        """The significance baseline, then every other system on the test set."""
        baseline = self.significance["baseline"]
        return [baseline, *(name for name in self.systems_on(testset) if name != baseline)]

    def significance_files(self) -> list[str]:
        """One table of paired tests per test set (where the baseline has outputs and others do too) and metric."""
        baseline = self.significance["baseline"]
        testsets = [name for name in self.testsets
                    if baseline in self.systems_on(name) and len(self.systems_on(name)) > 1]
        return [f"results/significance/{testset}/{metric}.csv" for testset, metric in product(testsets, self.metrics)]

    def testset_source_files(self, name: str) -> list[str]:
        """Every file of a test set that its directions read (sources and references)."""
        testset = self.testsets[name]
        directions = [split_pair_name(pair) for pair in self.testset_directions[name]]
        return [str(path) for path in files_for(testset["format"], self.testset_roots[name], testset.get("split"),
                                                directions)]

    def covered_directions(self, testset: str, name: str) -> list[str]:
        """The pair names a system has outputs for on a test set: a published system's own, else the test set's."""
        return self.system_directions.get(name, self.testset_directions[testset])

    def trainer(self, section: str) -> dict:
        """A trainer's settings: `training` with its section (sft, reward_model, preference.<method>) over it, in
        key order, so a reordered config file changes no rule's params."""
        return dict(sorted(trainer_settings(self.config, section).items()))

    def seeded(self, settings: dict):
        """Params function: `settings` with their `seed` moved by the wildcard's training seed (config `seeds`)."""
        return lambda wildcards: {**settings, "seed": settings["seed"] + self.seed_of_dir[wildcards.seed_dir]}

    def seeded_value(self, seed: int):
        """Params function: `seed` moved by the wildcard's training seed."""
        return lambda wildcards: seed + self.seed_of_dir[wildcards.seed_dir]
