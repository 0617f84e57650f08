import copy
from pathlib import Path

import pytest
import yaml

from eax.config import TRAINER_SECTIONS, config_errors, evaluation_directions, load_config, trainer_settings

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((ROOT / "config" / "schema.yaml").read_text())
DEFAULT = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
PAPER = load_config(ROOT / "config" / "paper.yaml")
SMOLLM2 = load_config(ROOT / "config" / "smollm2.yaml")
PUBLISHED = {"model": "sft", "testset": "toy_devtest", "directions": "x2x", "metric": "chrf", "value": 40.0,
             "base_model": "toy", "source": "made up"}


def changed(path: str, value):
    config = copy.deepcopy(DEFAULT)
    *parents, last = path.split(".")
    node = config
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return config


@pytest.mark.parametrize("config", [DEFAULT, PAPER, SMOLLM2], ids=["default", "paper", "smollm2"])
def test_shipped_configs_are_valid(config):
    assert config_errors(config, SCHEMA) == []


def test_keys_a_real_run_does_not_read_need_no_setting():
    """The toy world's COMET and ALMA-R data beside a real corpus are errors only where a rule would read them."""
    assert SMOLLM2["evaluation"]["comet_model"] == SMOLLM2["reward_data"]["comet_model"] == "toy"
    assert SMOLLM2["alma_r"]["source"] == "toy"
    uses_comet = {**SMOLLM2, "evaluation": {**SMOLLM2["evaluation"], "metrics": ["chrf", "comet"]}}
    assert config_errors(uses_comet, SCHEMA) == [
        "config key `evaluation.comet_model`: `toy` needs `corpus.source: toy`"]
    uses_alma_r = {**SMOLLM2, "preference": {**SMOLLM2["preference"], "runs": [{"method": "cpo", "data": "alma_r"}]}}
    assert config_errors(uses_alma_r, SCHEMA) == ["config key `alma_r.source`: `toy` needs `corpus.source: toy`"]


def test_an_ntrex_corpus_needs_its_languages_and_folder():
    config = {**SMOLLM2, "languages": ["en", "de", "ja", "cs"]}
    assert config_errors(config, SCHEMA) == []  # NTREX-128 has both
    folder = {**SMOLLM2, "corpus": {**SMOLLM2["corpus"], "ntrex128": {"path": "/no/ntrex", "first_segment": 0,
                                                                        "segments": 10}}}
    assert config_errors(folder, SCHEMA) == [
        "config key `corpus.ntrex128.path`: folder not found: /no/ntrex (or give `download`)"]


def test_the_off_target_rate_needs_real_languages():
    config = changed("evaluation.metrics", ["chrf", "off_target"])
    assert config_errors(config, SCHEMA) == [
        f"config key `evaluation.metrics`: off_target identifies real languages; {code!r} is a toy one"
        for code in DEFAULT["languages"] if code != "en"]


# The recipe's facts (../shared/notes/eax-recipe.md: prompts, pairs, training; ALMA-R's runs/cpo_ft.sh). paper.yaml
# states only what differs from config/config.yaml, so a default changed for the toy world must not leak into it.
RECIPE = {
    "model.chat_template": "chatml", "data.prompt_seed": 114514,
    "sampling.n": 4, "sampling.temperature": 1.0, "sampling.top_p": 1.0, "sampling.max_new_tokens": 768,
    "reward_data.metric": "bleurt", "reward_data.temperature": None, "reward_data.thresholds.bleurt.min_margin": 20.0,
    "reward_data.thresholds.bleurt.min_winner_score": 70.0, "reward_data.seed": 114514,
    "x2x.min_margin": 10.0, "x2x.seed": 114514,
    **{f"{stage}.{key}": value for stage in ["sft", "reward_model", "preference.dpo", "preference.orpo",
                                             "preference.simpo"]
       for key, value in {"method": "full", "num_train_epochs": 1, "lr_scheduler_type": "cosine", "warmup_ratio": 0.1,
                          "bf16": True, "gradient_checkpointing": True, "max_length": 2048}.items()},
    "sft.learning_rate": 7e-6, "sft.per_device_train_batch_size": 8,
    "reward_model.learning_rate": 4e-6, "reward_model.per_device_train_batch_size": 4,
    "reward_model.eval_fraction": 0.04,
    **{f"preference.{method}.{key}": value for method in ["dpo", "orpo", "simpo"]
       for key, value in {"learning_rate": 2e-7, "per_device_train_batch_size": 4, "beta": 0.4,
                          "pref_ftx": 2.0}.items()},
    "preference.simpo.simpo_gamma": 0.5,
    "preference.cpo.method": "lora", "preference.cpo.lora.r": 16, "preference.cpo.lora.lora_alpha": 32,
    "preference.cpo.lora.lora_dropout": 0.05, "preference.cpo.lora.target_modules": ["down_proj"],
    "preference.cpo.beta": 0.1, "preference.cpo.learning_rate": 1e-4,
    "preference.cpo.lr_scheduler_type": "inverse_sqrt", "preference.cpo.warmup_ratio": 0.01,
    "preference.cpo.weight_decay": 0.01, "preference.cpo.per_device_train_batch_size": 2,
    "preference.cpo.max_prompt_length": 256, "preference.cpo.max_length": 512, "preference.cpo.seed": 42,
    "preference.cpo.gradient_checkpointing": False,  # ALMA-R's cpo_ft.sh does not ask for it
}


def value_at(config: dict, dotted: str):
    """The value a run reads: a trainer's key through its merged settings (`training` with its section over it)."""
    section = next((name for name in TRAINER_SECTIONS if dotted.startswith(f"{name}.")), None)
    if section:
        config, dotted = trainer_settings(config, section), dotted.removeprefix(f"{section}.")
    for key in dotted.split("."):
        config = config[key]
    return config


def test_the_paper_config_merged_over_the_defaults_is_the_recipe():
    assert {key: value_at(PAPER, key) for key in RECIPE} == RECIPE


def test_the_paper_config_states_only_what_differs_from_the_defaults():
    def repeated(overlay: dict, default: dict, prefix: str = "") -> list[str]:
        keys = []
        for key, value in overlay.items():
            if isinstance(value, dict) and isinstance(default.get(key), dict):
                keys += repeated(value, default[key], f"{prefix}{key}.")
            elif default.get(key, object()) == value:
                keys.append(prefix + key)
        return keys

    assert repeated(yaml.safe_load((ROOT / "config" / "paper.yaml").read_text()), DEFAULT) == []


@pytest.mark.parametrize("path, value, message", [
    ("sft.learning_rate", "abc", "config key `sft.learning_rate`: 'abc' is not of type 'number'"),
    ("sft.learning_rate", "3e-3", "YAML reads 3e-3 as text"),
    ("sft.num_train_epochs", -1, "config key `sft.num_train_epochs`: -1 is less than or equal to the minimum of 0"),
    ("sft.method", "qlora", "config key `sft.method`: 'qlora' is not one of"),
    ("sft.bogus", 1, "config key `sft`: unknown key(s) ('bogus' was unexpected)"),
    ("data.shards_per_pair", 0, "config key `data.shards_per_pair`"),
    ("training.lora", KeyError, "config key `training`: 'lora' is a required property"),
    ("training.lora.r", KeyError, "config key `training.lora`: 'r' is a required property"),
    ("preference.dpo.beta", KeyError, "config key `preference.dpo`: 'beta' is a required property"),
    ("languages", ["en", "xx"], "config key `languages`: unknown language code 'xx'"),
    ("languages", ["qaa", "qab"], "must contain the pivot language 'en'"),
    ("languages", ["en", "de"], "'de' is not a toy-world language"),
    ("corpus.source", "data/missing.parquet", "config key `corpus.source`: data/missing.parquet not found"),
    ("model.base", "./no/such/model", "config key `model.base`: ./no/such/model not found"),
    ("evaluation.directions", ["qaa2zz"], "'qaa2zz' is not a pair of two configured languages"),
    ("evaluation.testsets.0.path", "/no/such/flores", "folder not found: /no/such/flores"),
    ("evaluation.testsets.0.format", "wmt22_json", "`toy` is only for format flores200"),
    ("evaluation.testsets.0.format", "sacrebleu",
     "config key `evaluation.testsets.0.format`: 'sacrebleu' is not one of"),
    ("evaluation.models", ["base", "dpo-nope"], "config key `evaluation.models`: unknown model 'dpo-nope'"),
    ("x2x.scorers", ["direct"], "config key `preference.runs.0.data`: 'eaxt_eaxe' is not a variant"),
    ("x2x.min_margin", -1, "config key `x2x.min_margin`: -1 is less than the minimum of 0"),
    ("sampling.backend", "tgi", "config key `sampling.backend`: 'tgi' is not one of"),
    ("sampling.n", 1, "config key `sampling.n`: 1 is less than the minimum of 2"),
    ("reward_data.metric", "comet", "config key `reward_data.thresholds`: no thresholds for `comet`"),
    ("reward_data.thresholds", {"comet": {"min_margin": 0.1}},
     "config key `reward_data.thresholds.comet`: 'min_winner"),
    ("model.chat_template", "llama2", "config key `model.chat_template`: 'llama2' is not one of"),
    ("data.max_seed_rows", 32, "config key `data.max_seed_rows`: 32 is not of type 'object'"),
    ("toy_world.copy_rows_per_language", 601,
     "config key `toy_world.copy_rows_per_language`: more than `toy_world.monolingual_sentences` (600)"),
    ("toy_world.lemma_count", 5, "config key `toy_world.lemma_count`: 5 is not valid under any of the given schemas"),
    ("preference.cpo.max_prompt_length", 256, "`preference.cpo.max_prompt_length`: must be below"),
    ("reward_model.eval_fraction", 1.0, "config key `reward_model.eval_fraction`: 1.0 is greater than or equal"),
    ("evaluation.comet_model", "./nope.ckpt", "config key `evaluation.comet_model`: ./nope.ckpt is neither"),
    ("alma_r.configs", ["xx-en"], "config key `alma_r.configs`: 'xx-en' has unknown language code(s) xx"),
    ("preference.runs", [{"method": "kto", "data": "eaxt_eaxe"}], "config key `preference.runs.0.method`"),
    ("evaluation.external_systems", [{"name": "sft", "testset": "toy_devtest", "path": "toy"}],
     "`evaluation.external_systems.0.name`: 'sft' is already the name of a model"),
    ("evaluation.external_systems", [{"name": "gpt4", "testset": "wmt", "path": "toy"}],
     "`evaluation.external_systems.0.testset`: no test set named 'wmt'"),
    ("evaluation.external_systems", [{"name": "gpt4", "testset": "toy_devtest", "path": "/no/gpt4"}],
     "`evaluation.external_systems.0.path`: folder not found: /no/gpt4"),
    ("evaluation.external_systems", [{"name": "gpt4", "testset": "toy_devtest", "path": "toy",
                                      "directions": ["qaa2zz"]}],
     "`evaluation.external_systems.0.directions`: 'qaa2zz' is not a pair of two known languages"),
    ("evaluation.external_systems", [{"name": "gpt4", "testset": "toy_devtest", "path": "toy",
                                      "directions": ["de2en"]}],
     "`evaluation.external_systems.0.directions`: de2en not among the directions of test set 'toy_devtest'"),
    ("evaluation.testsets.0.directions", ["de2xx"],
     "`evaluation.testsets.0.directions`: 'de2xx' is not a pair of two known"),
    ("evaluation.testsets.0.directions", "de2en", "`evaluation.testsets.0.directions`: 'de2en' is not of type 'array'"),
    ("evaluation.metrics", ["bleu", "ter"], "config key `evaluation.metrics.1`: 'ter' is not one of"),
    ("evaluation.metrics", ["bleurt"], "config key `evaluation.bleurt_checkpoint`: set it"),
    ("evaluation.comet_model", "/models/wmt22.ckpt", "`evaluation.comet_model`: /models/wmt22.ckpt is neither"),
    ("evaluation.backend", "tgi", "config key `evaluation.backend`: 'tgi' is not one of"),
    ("seeds", [0, 0], "config key `seeds`: [0, 0] has non-unique elements"),
    ("seeds", [-1], "config key `seeds.0`: -1 is less than the minimum of 0"),
    ("seeds", [], "config key `seeds`: [] should be non-empty"),
    ("evaluation.significance.baseline", "base", "`evaluation.significance.baseline`: 'base' is not evaluated"),
    ("evaluation.significance.test", "wilcoxon", "config key `evaluation.significance.test`: 'wilcoxon' is not one of"),
    ("evaluation.significance.alpha", 1, "config key `evaluation.significance.alpha`: 1 is greater than or equal"),
    ("reproduction.published", [{**PUBLISHED, "model": "dpo-x"}], "`reproduction.published.0.model`: 'dpo-x' is not"),
    ("reproduction.published", [{**PUBLISHED, "testset": "wmt"}], "`reproduction.published.0.testset`: 'wmt' is not"),
    ("reproduction.published", [{**PUBLISHED, "metric": "bleurt"}],
     "`reproduction.published.0.metric`: 'bleurt' is not"),
    ("reproduction.published", [{**PUBLISHED, "directions": "en_centric"}], "`reproduction.published.0.directions`:"),
    ("reproduction.published", [{**PUBLISHED, "source": ""}], "config key `reproduction.published.0.source`"),
    ("evaluation.testsets", [{"name": "w", "format": "wmt23_text", "path": ".", "split": "test"}],
     "config key `evaluation.testsets.0.split`: format wmt23_text has one split and reads none; remove it"),
    ("evaluation.testsets", [{"name": "f", "format": "flores200", "path": "toy"}],
     "config key `evaluation.testsets.0`: 'split' is a required property"),
    ("preference.dpo.trl", {"loss_type": ["ipo"], "ipo_tau": 0.1},
     "config key `preference.dpo.trl`: ipo_tau is not a field of trl's DPOConfig"),
    ("preference.simpo.trl", {"simpo_gama": 0.3},
     "config key `preference.simpo.trl`: simpo_gama is not a field of trl's CPOConfig"),
    ("sft.trl", {"packing": True, "neftune_alpha": 5},
     "config key `sft.trl`: neftune_alpha is not a field of trl's SFTConfig"),
    ("sft.trl", [], "config key `sft.trl`: [] is not of type 'object'"),
])
def test_bad_values_name_their_key(path, value, message):
    errors = config_errors(changed(path, value), SCHEMA)
    assert any(message in error for error in errors), errors


def test_a_published_system_whose_directions_are_an_empty_group_is_refused():
    """With one non-English language the x2x group is empty: a clear error, not a traceback."""
    config = changed("languages", ["en", "qaa"])
    config["evaluation"]["external_systems"] = [
        {"name": "gpt4", "testset": "toy_devtest", "path": "toy", "directions": ["x2x"]}]
    assert config_errors(config, SCHEMA) == [
        "config key `evaluation.external_systems.0.directions`: covers none of the directions of test set "
        "'toy_devtest'"]


def test_flores_dev_is_refused_when_training_on_towerblocks():
    errors = config_errors({**PAPER, "evaluation": {**PAPER["evaluation"], "testsets": [
        {"name": "flores", "format": "flores200", "path": "download", "split": "dev"}]}}, SCHEMA)
    assert any("FLORES-200 dev is part of TowerBlocks" in error for error in errors), errors


def test_a_wmt_testset_may_list_directions_outside_the_trained_languages():
    wmt = {"name": "wmt22", "format": "wmt22_json", "path": str(Path(__file__).parent),
           "directions": ["cs2en", "en2is"]}
    config = changed("evaluation.testsets", [*DEFAULT["evaluation"]["testsets"], wmt])
    assert config_errors(config, SCHEMA) == []


def test_a_model_folder_without_weights_is_refused(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.pt").write_bytes(b"")
    errors = config_errors(changed("model.base", str(tmp_path)), SCHEMA)
    assert errors == [f"config key `model.base`: {tmp_path} has no model weights (*.safetensors or *.bin)"]
    (tmp_path / "pytorch_model.bin").write_bytes(b"")  # BLEURT-20's layout: read by torch's weights-only unpickler
    assert config_errors(changed("model.base", str(tmp_path)), SCHEMA) == []


def test_hub_ids_are_accepted_without_network():
    config = changed("model.base", "Qwen/Qwen2.5-7B")
    assert config_errors(config, SCHEMA) == []


def test_direction_groups_expand_in_order_without_duplicates():
    langs = ["en", "de", "fr"]
    assert evaluation_directions(["en2x", "en_centric", "de2fr"], langs) == [
        ("en", "de"), ("en", "fr"), ("de", "en"), ("fr", "en"), ("de", "fr")]


def test_published_results_name_groups_or_pairs_of_what_is_evaluated():
    rows = [PUBLISHED, {**PUBLISHED, "directions": "qaa2qab", "model": "dpo-eaxt_eaxe", "metric": "comet"}]
    assert config_errors(changed("reproduction.published", rows), SCHEMA) == []


def test_the_config_reference_is_generated_from_the_schema_and_describes_every_key():
    from eax.config import reference_markdown, reference_rows

    rows = reference_rows(SCHEMA, DEFAULT)
    assert [key for key, _, _, description in rows if not description] == []
    assert {"x2x.min_margin", "sft.learning_rate", "preference.runs[].data", "evaluation.significance.test"} <= {
        key for key, *_ in rows}
    written = (ROOT / "config" / "README.md").read_text()
    assert written == reference_markdown(SCHEMA, DEFAULT), "config/README.md is stale: run `make config-reference`"


@pytest.mark.parametrize("value, hub", [
    ("Qwen/Qwen2.5-7B", True), ("lucadiliello/BLEURT-20", True), ("BLEURT-20", False), ("./models/x", False),
    ("/data/BLEURT-20", False), ("a/b/c", False), ("~/x", False), ("tests/conftest.py", False)])
def test_one_predicate_tells_a_hub_id_from_a_local_path(value, hub):
    from eax.locations import is_hub_id

    assert is_hub_id(value) is hub  # tests/conftest.py has a hub id's shape but exists here: local
