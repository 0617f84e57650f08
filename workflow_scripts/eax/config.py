"""Config validation: the JSON schema first, then the checks a schema cannot express. One line per problem."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from eax.languages import (
    LANGUAGES,
    PIVOT,
    TOY_LANGUAGES,
    en_centric_directions,
    pair_name,
    split_pair_name,
    x2x_directions,
)
from eax.locations import is_hub_id
from eax.testsets import FORMATS, NTREX_CODES
from eax.weights import WEIGHT_PATTERNS

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"
NUMBER_TEXT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
DIRECTION_GROUPS = ("en_centric", "en2x", "x2en", "x2x")
TOY = "toy"  # the value that points a source (corpus, model, metric, test set, system) at the embedded toy world
NTREX128 = "ntrex128"  # `corpus.source`: NTREX-128 segments (downloaded, or a local folder: `corpus.ntrex128.path`)


def config_errors(config: dict, schema: dict) -> list[str]:
    """Every problem in `config`, each naming its key; empty when the config is valid."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema)
    schema_errors = sorted(validator.iter_errors(config), key=lambda error: [str(p) for p in error.absolute_path])
    if schema_errors:
        return [_describe(error) for error in schema_errors]
    return semantic_errors(config)


def _describe(error) -> str:
    key = ".".join(str(part) for part in error.absolute_path) or "(top level)"
    message = error.message
    if error.validator == "type" and isinstance(error.instance, str) and NUMBER_TEXT.match(error.instance):
        message += f" (YAML reads {error.instance} as text: write it with a decimal point, e.g. 3.0e-3)"
    elif error.validator in ("additionalProperties", "unevaluatedProperties"):
        for phrase in ("Additional properties are not allowed", "Unevaluated properties are not allowed"):
            message = message.replace(phrase, "unknown key(s)")
    return f"config key `{key}`: {message}"


def semantic_errors(config: dict) -> list[str]:
    languages = config["languages"]
    errors = [f"config key `languages`: unknown language code {code!r}; known codes: {', '.join(sorted(LANGUAGES))}"
              for code in languages if code not in LANGUAGES]
    if PIVOT not in languages:
        errors.append(f"config key `languages`: must contain the pivot language {PIVOT!r}")
    if errors:
        return errors
    if config["corpus"]["source"] == TOY:
        errors += [f"config key `languages`: {code!r} is not a toy-world language; with `corpus.source: toy` use "
                   f"{', '.join(sorted(TOY_LANGUAGES))}"
                   for code in languages if code not in TOY_LANGUAGES and code != PIVOT]
    errors += (_ntrex_errors(config["corpus"]["ntrex128"], languages) if config["corpus"]["source"] == NTREX128
               else _source_errors("corpus.source", config["corpus"]["source"], expect="file"))
    if config["evaluation"]["main_metric"] not in config["evaluation"]["metrics"]:
        errors.append(f"config key `evaluation.main_metric`: {config['evaluation']['main_metric']!r} is not one of "
                      "`evaluation.metrics`")
    if "off_target" in config["evaluation"]["metrics"]:
        errors += [f"config key `evaluation.metrics`: off_target identifies real languages; {code!r} is a toy one"
                   for code in languages if code in TOY_LANGUAGES]
    errors += _source_errors("model.base", config["model"]["base"], expect="folder")
    names = [testset["name"] for testset in config["evaluation"]["testsets"]]
    errors += [f"config key `evaluation.testsets`: name {name!r} is used twice" for name in sorted(set(names))
               if names.count(name) > 1]
    for index, testset in enumerate(config["evaluation"]["testsets"]):
        errors += _testset_errors(f"evaluation.testsets.{index}", testset, config["corpus"]["source"])
        errors += _direction_errors(f"evaluation.testsets.{index}.directions", testset.get("directions", []),
                                    list(LANGUAGES))
    errors += _direction_errors("evaluation.directions", config["evaluation"]["directions"], languages)
    toy = config["toy_world"]
    if toy["copy_rows_per_language"] > toy["monolingual_sentences"]:
        errors.append("config key `toy_world.copy_rows_per_language`: more than `toy_world.monolingual_sentences` "
                      f"({toy['monolingual_sentences']})")
    model = toy["model"]
    if model["hidden_size"] % model["num_heads"] or model["num_heads"] % model["num_kv_heads"]:
        errors.append("config key `toy_world.model`: num_heads must divide hidden_size and num_kv_heads num_heads")
    return errors + _preference_errors(config)


def _direction_errors(key: str, items: list[str], languages: list[str]) -> list[str]:
    """Direction groups pass; an explicit pair must join two different languages of `languages`."""
    errors = []
    for item in items:
        if item in DIRECTION_GROUPS:
            continue
        try:
            src, trg = split_pair_name(item)
        except ValueError:
            src, trg = "?", "?"
        if src not in languages or trg not in languages or src == trg:
            errors.append(f"config key `{key}`: {item!r} is not a pair of two "
                          f"{'configured' if languages != list(LANGUAGES) else 'known'} languages")
    return errors


def _metric_model_errors(config: dict) -> list[str]:
    """COMET-family models must be `toy` (toy world only), a checkpoint file or a hub id; BLEURT needs its folder."""
    errors = []
    toy_corpus = config["corpus"]["source"] == TOY
    evaluation = config["evaluation"]
    models = [("reward_data.comet_model", config["reward_data"]["comet_model"],
               config["reward_data"]["metric"] == "comet"),
              ("evaluation.comet_model", evaluation["comet_model"], "comet" in evaluation["metrics"]),
              ("evaluation.xcomet_model", evaluation["xcomet_model"], "xcomet" in evaluation["metrics"])]
    for key, model, used in models:
        if not used:  # a key nothing reads needs no setting
            continue
        if model == TOY:
            if not toy_corpus:
                errors.append(f"config key `{key}`: `toy` needs `corpus.source: toy`")
        elif not Path(model).is_file() and (not is_hub_id(model) or model.endswith(".ckpt")):
            errors.append(f"config key `{key}`: {model} is neither an existing checkpoint file nor a hub id "
                          "(download e.g. Unbabel/wmt22-comet-da and give its checkpoints/model.ckpt)")
    bleurt_users = [("reward_data.bleurt_checkpoint", config["reward_data"]["metric"] == "bleurt"),
                    ("evaluation.bleurt_checkpoint", "bleurt" in evaluation["metrics"])]
    for key, used in bleurt_users:
        section, name = key.split(".")
        checkpoint = config[section][name]
        if used and not checkpoint:
            errors.append(f"config key `{key}`: set it (toy, lucadiliello/BLEURT-20 or a local folder) to use bleurt")
        elif used and checkpoint == TOY and not toy_corpus:
            errors.append(f"config key `{key}`: `toy` needs `corpus.source: toy`")
        elif used and checkpoint != TOY and not Path(checkpoint).is_dir() and not is_hub_id(checkpoint):
            errors.append(f"config key `{key}`: {checkpoint} is neither an existing folder nor a hub id "
                          "(lucadiliello/BLEURT-20)")
    return errors + _threshold_errors(config["reward_data"])


def _threshold_errors(reward_data: dict) -> list[str]:
    """Pair thresholds belong to a metric: BLEURT-20's 20/70 mean nothing on COMET's or chrF's scale."""
    metric = reward_data["metric"]
    if metric in reward_data["thresholds"]:
        return []
    return [f"config key `reward_data.thresholds`: no thresholds for `{metric}` (reward_data.metric); thresholds "
            f"belong to a metric, and those given ({', '.join(sorted(reward_data['thresholds']))}) do not carry over"]


def _preference_errors(config: dict) -> list[str]:
    errors = []
    toy_corpus = config["corpus"]["source"] == TOY
    alma_r_used = any(run["data"] == "alma_r" for run in config["preference"]["runs"])
    if config["alma_r"]["source"] == TOY and not toy_corpus and alma_r_used:
        errors.append("config key `alma_r.source`: `toy` needs `corpus.source: toy`")
    errors += _metric_model_errors(config)
    variants = {f"{a}_{b}" for a in config["x2x"]["samplers"] for b in config["x2x"]["scorers"]}
    for index, run in enumerate(config["preference"]["runs"]):
        if run["data"] != "alma_r" and run["data"] not in variants:
            errors.append(f"config key `preference.runs.{index}.data`: {run['data']!r} is not a variant of "
                          f"x2x.samplers x x2x.scorers ({', '.join(sorted(variants))})")
    cpo = trainer_settings(config, "preference.cpo")
    if cpo["max_prompt_length"] is not None and cpo["max_prompt_length"] >= cpo["max_length"]:
        errors.append("config key `preference.cpo.max_prompt_length`: must be below preference.cpo.max_length")
    for name in config["alma_r"]["configs"]:
        unknown = [code for code in name.split("-") if code not in LANGUAGES]
        if unknown:
            errors.append(f"config key `alma_r.configs`: {name!r} has unknown language code(s) {', '.join(unknown)}")
    allowed = {"base", "sft", "preference_runs", *preference_run_names(config["preference"]["runs"])}
    errors += [f"config key `evaluation.models`: unknown model {name!r}; use {', '.join(sorted(allowed))}"
               for name in config["evaluation"]["models"] if name not in allowed]
    return (errors + _external_system_errors(config, allowed) + _baseline_errors(config) + _reproduction_errors(config)
            + _trl_field_errors(config))


def _trl_field_errors(config: dict) -> list[str]:
    """Each trainer's `trl` mapping (its own over the shared one) names fields of its trl config class (trl is
    imported only when one is set)."""
    given = {section: trl for section in TRAINER_SECTIONS if (trl := trainer_settings(config, section).get("trl"))}
    if not given:
        return []
    from eax.preference import METHODS
    from eax.training import unknown_fields

    errors = []
    for section, fields in given.items():
        if section.startswith("preference."):
            config_class = METHODS[section.removeprefix("preference.")].classes()[1]
        else:
            import trl

            config_class = trl.SFTConfig if section == "sft" else trl.RewardConfig
        if unknown := unknown_fields(config_class, fields):
            errors.append(f"config key `{section}.trl`: {', '.join(unknown)} is not a field of trl's "
                          f"{config_class.__name__}")
    return errors


def evaluated_systems(config: dict) -> list[str]:
    """Every evaluated model, then every published system scored as a baseline row."""
    evaluation = config["evaluation"]
    models = evaluated_models(evaluation["models"], preference_run_names(config["preference"]["runs"]))
    return models + [system["name"] for system in evaluation["external_systems"]]


def _baseline_errors(config: dict) -> list[str]:
    baseline, systems = config["evaluation"]["significance"]["baseline"], evaluated_systems(config)
    if baseline is None or baseline in systems:
        return []
    return [f"config key `evaluation.significance.baseline`: {baseline!r} is not evaluated; use one of "
            f"{', '.join(systems)} (or null for no tests)"]


def _reproduction_errors(config: dict) -> list[str]:
    """A published result must name what this run evaluates: a system, a test set, a metric, a group or pair."""
    evaluation, systems = config["evaluation"], evaluated_systems(config)
    testsets = [testset["name"] for testset in evaluation["testsets"]]
    errors = []
    for index, row in enumerate(config["reproduction"]["published"]):
        key = f"config key `reproduction.published.{index}"
        for field, allowed in (("model", systems), ("testset", testsets), ("metric", evaluation["metrics"])):
            if row[field] not in allowed:
                errors.append(f"{key}.{field}`: {row[field]!r} is not evaluated here ({', '.join(allowed)})")
        if row["directions"] == "en_centric":
            errors.append(f"{key}.directions`: a published number is of one group (en2x, x2en, x2x) or one pair")
        else:
            errors += _direction_errors(f"reproduction.published.{index}.directions", [row["directions"]],
                                        list(LANGUAGES))
    return errors


def _external_system_errors(config: dict, model_names: set[str]) -> list[str]:
    errors = []
    testsets = {testset["name"]: testset for testset in config["evaluation"]["testsets"]}
    names = [system["name"] for system in config["evaluation"]["external_systems"]]
    for index, system in enumerate(config["evaluation"]["external_systems"]):
        key = f"config key `evaluation.external_systems.{index}"
        if system["name"] in model_names or names.count(system["name"]) > 1:
            errors.append(f"{key}.name`: {system['name']!r} is already the name of a model or another system")
        if system["testset"] not in testsets:
            errors.append(f"{key}.testset`: no test set named {system['testset']!r} ({', '.join(sorted(testsets))})")
        elif system.get("directions"):
            errors += _system_direction_errors(f"evaluation.external_systems.{index}.directions", system,
                                               testsets[system["testset"]], config)
        if system["path"] == TOY and config["corpus"]["source"] != TOY:
            errors.append(f"{key}.path`: `toy` needs `corpus.source: toy`")
        elif system["path"] != TOY and not Path(system["path"]).is_dir():
            errors.append(f"{key}.path`: folder not found: {system['path']}")
    return errors


def _system_direction_errors(key: str, system: dict, testset: dict, config: dict) -> list[str]:
    """A published system covers some of its test set's directions, and at least one."""
    if errors := _direction_errors(key, system["directions"], list(LANGUAGES)):
        return errors
    covered = testset_pairs(testset, config)
    own = [pair_name(*direction) for direction in evaluation_directions(system["directions"], config["languages"])]
    if extra := [pair for pair in own if pair not in covered]:
        return [f"config key `{key}`: {', '.join(extra)} not among the directions of test set {testset['name']!r} "
                f"({', '.join(covered)})"]
    if not own:
        return [f"config key `{key}`: covers none of the directions of test set {testset['name']!r}"]
    return []


def _testset_errors(key: str, testset: dict, corpus_source: str) -> list[str]:
    path, fmt = testset["path"], testset["format"]
    if path in (TOY, "download"):
        if fmt != "flores200":
            return [f"config key `{key}.path`: `{path}` is only for format flores200"]
        if path == TOY and corpus_source != TOY:
            return [f"config key `{key}.path`: `toy` needs `corpus.source: toy`"]
    elif FORMATS[fmt].single_file and not Path(path).is_file():
        return [f"config key `{key}.path`: file not found: {path}"]
    elif not FORMATS[fmt].single_file and not Path(path).is_dir():
        return [f"config key `{key}.path`: folder not found: {path}"]
    if fmt == "flores200" and testset["split"] == "dev" and "towerblocks" in corpus_source.lower():
        return [f"config key `{key}.split`: FLORES-200 dev is part of TowerBlocks (the training corpus); "
                "evaluate on devtest"]
    if "split" in testset and not FORMATS[fmt].has_split:
        return [f"config key `{key}.split`: format {fmt} has one split and reads none; remove it"]
    return []


def _ntrex_errors(ntrex: dict, languages: list[str]) -> list[str]:
    """NTREX-128 has files for the configured languages, and its folder exists unless it is downloaded."""
    errors = [f"config key `languages`: NTREX-128 (corpus.source) has no {code!r} in this workflow's table"
              for code in languages if code not in NTREX_CODES]
    if ntrex["path"] != "download" and not Path(ntrex["path"]).is_dir():
        errors.append(f"config key `corpus.ntrex128.path`: folder not found: {ntrex['path']} (or give `download`)")
    return errors


def _source_errors(key: str, value: str, expect: str) -> list[str]:
    """`toy`, an existing local file/folder, or a hub id; a path-like value that does not exist is an error."""
    if value == TOY:
        return []
    path = Path(value)
    if path.exists():
        if expect == "file" and path.suffix != ".parquet":
            return [f"config key `{key}`: {value} is not a .parquet file"]
        if expect == "folder" and not (path / "config.json").is_file():
            return [f"config key `{key}`: {value} has no config.json; give a Hugging Face model folder"]
        if expect == "folder" and not any(any(path.glob(pattern)) for pattern in WEIGHT_PATTERNS):
            return [f"config key `{key}`: {value} has no model weights (*.safetensors or *.bin)"]
        return []
    if is_hub_id(value) and not value.endswith(".parquet"):
        return []
    return [f"config key `{key}`: {value} not found (give `toy`, an existing local path, or a hub id like owner/name)"]


def testset_pairs(testset: dict, config: dict) -> list[str]:
    """The pair names (de2fr) a test set is evaluated on: its own `directions`, else `evaluation.directions`."""
    items = testset.get("directions") or config["evaluation"]["directions"]
    return [pair_name(*direction) for direction in evaluation_directions(items, config["languages"])]


def system_pairs(system: dict, testset: list[str], languages: list[str]) -> list[str]:
    """The pair names a published system has outputs for, in its test set's order (`testset`): its own
    `directions` (groups or pairs), or every direction of the test set when it names none."""
    if not system.get("directions"):
        return testset
    own = {pair_name(*direction) for direction in evaluation_directions(system["directions"], languages)}
    return [pair for pair in testset if pair in own]


def evaluation_directions(items: list[str], languages: list[str]) -> list[tuple[str, str]]:
    """Expand direction groups and explicit pairs into an ordered, de-duplicated list of (src, trg)."""
    groups = {
        "en_centric": en_centric_directions(languages),
        "en2x": [d for d in en_centric_directions(languages) if d[0] == PIVOT],
        "x2en": [d for d in en_centric_directions(languages) if d[1] == PIVOT],
        "x2x": x2x_directions(languages),
    }
    directions: list[tuple[str, str]] = []
    for item in items:
        for direction in groups[item] if item in groups else [split_pair_name(item)]:
            if direction not in directions:
                directions.append(direction)
    return directions


def read_yaml(path: str | Path) -> object:
    """A YAML file's data, parsed by libyaml when PyYAML has it (ten times faster: every dry run reads the schema)."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


TRAINER_SECTIONS = ("sft", "reward_model", "preference.dpo", "preference.orpo", "preference.simpo", "preference.cpo")


def trainer_settings(config: dict, section: str) -> dict:
    """A trainer's settings (`section`: sft, reward_model or preference.<method>): the shared `training` block
    with the section merged over it key by key; a mapping (`lora`, `trl`) merges one level down, so a section's
    `lora: {target_modules: [down_proj]}` keeps the shared rank and alpha."""
    own = config
    for key in section.split("."):
        own = own[key]
    merged = {key: dict(value) if isinstance(value, dict) else value for key, value in config["training"].items()}
    for key, value in own.items():
        nested = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = {**merged[key], **value} if nested else value
    return merged


def load_config(path: str | Path) -> dict:
    """A config file as the workflow sees it: merged over config/config.yaml (the defaults) by Snakemake's own
    merge, key by key through mappings, a list replacing the default's list whole."""
    from snakemake.utils import update_config

    config = read_yaml(CONFIG_DIR / "config.yaml")
    update_config(config, read_yaml(path) or {})
    return config


def yaml_syntax_error(path: str | Path) -> str | None:
    """Where a YAML file fails to parse, as one line naming the file, line and column; None if it parses. The
    pure-Python parser reruns only on failure, for its messages."""
    import yaml

    try:
        read_yaml(path)
        return None
    except yaml.YAMLError:
        pass
    except UnicodeDecodeError:
        return f"{path}: not UTF-8 text"
    try:
        yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        return f"{path}: not valid YAML{where}: {problem}"
    return None  # only libyaml refused it


def margin_name(margin: float) -> str:
    """A margin as it appears in paths (`margin_0.5`): short, exact, and stable across YAML spellings."""
    return f"{float(margin):g}"


def preference_run_names(runs: list[dict]) -> list[str]:
    return [f"{run['method']}-{run['data']}" for run in runs]


def evaluated_models(items: list[str], run_names: list[str]) -> list[str]:
    """Expand `preference_runs` into every configured run's model name, keeping order, without duplicates."""
    names = [name for item in items for name in (run_names if item == "preference_runs" else [item])]
    return list(dict.fromkeys(names))


def reference_rows(schema: dict, defaults: dict) -> list[tuple[str, str, str, str]]:
    """(key, allowed values, default, description) for every key of the schema, depth first: what
    config/README.md lists. Defaults are the values of `defaults` (config/config.yaml, the toy world)."""
    definitions = schema.get("$defs", {})

    def resolved(node: dict) -> dict:
        merged = dict(node)
        for part in [node] + node.get("allOf", []):
            if "$ref" in part:
                target = definitions[part["$ref"].rsplit("/", 1)[1]]
                merged = {**resolved(target), **merged, "properties": {**resolved(target).get("properties", {}),
                                                                      **merged.get("properties", {})}}
        merged.pop("$ref", None)
        return merged

    rows = []

    def walk(node: dict, key: str, default: object) -> None:
        # a trainer's section lists its own keys and those it sets; `training` lists every shared one
        over_training = key != "training" and {"$ref": "#/$defs/training"} in node.get("allOf", [])
        own = set(node.get("properties", {})) | (set(default) if isinstance(default, dict) else set())
        node = resolved(node)
        if key:
            shown = "" if node.get("properties") else _shown(default)  # an object's keys have rows of their own
            rows.append((key, _allowed(node, resolved), shown, node.get("description", "")))
        items = node.get("items")
        if node.get("type") == "array" and isinstance(items, dict) and resolved(items).get("properties"):
            walk_properties(resolved(items), f"{key}[]", _ABSENT)
        walk_properties(node, key, default, own if over_training else None)

    def walk_properties(node: dict, key: str, default: object, only: set[str] | None = None) -> None:
        for name, child in node.get("properties", {}).items():
            if only is not None and name not in only:
                continue
            value = default.get(name, _ABSENT) if isinstance(default, dict) else _ABSENT
            walk(child, f"{key}.{name}" if key else name, value)

    walk(schema, "", defaults)
    return rows


def _allowed(node: dict, resolved: Callable[[dict], dict]) -> str:
    """A key's allowed values in a few words: its enum, its type and bounds, or its alternatives joined by "or"."""
    if "enum" in node:
        return " \\| ".join(map(str, node["enum"]))
    if "oneOf" in node:
        return " or ".join(_allowed(resolved(option), resolved) for option in node["oneOf"])
    bounds = [f"{word} {node[name]}" for name, word in (("minimum", ">="), ("exclusiveMinimum", ">"),
                                                        ("maximum", "<="), ("exclusiveMaximum", "<")) if name in node]
    return " ".join([str(node.get("type", "")), *bounds]).strip()


_ABSENT = object()  # a key config/config.yaml does not set (an optional key, or one inside a list's items)


def _shown(value: object) -> str:
    """A default as config/README.md shows it: JSON (null for None), cut at 60 characters; nothing when absent."""
    import json

    if value is _ABSENT:
        return ""
    text = json.dumps(value, ensure_ascii=False)
    return (text if len(text) <= 60 else text[:57] + "...").replace("|", "\\|")


def reference_markdown(schema: dict, defaults: dict) -> str:
    """config/README.md, generated from the schema (tests/test_config.py keeps the file in step)."""
    lines = ["# Configuration reference", "",
             "Every key of `config/schema.yaml`, with its default (`config/config.yaml`, the toy world; a config given",
             "with `--configfile` is merged over it, and a list replaces the default's list whole) and its",
             "description. Generated by `make config-reference` (`python -m eax.config`); do not edit by hand.", "",
             "| key | allowed | default | description |", "|---|---|---|---|"]
    lines += [f"| `{key}` | {allowed} | {f'`{default}`' if default else ''} | {description} |"
              for key, allowed, default, description in reference_rows(schema, defaults)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(reference_markdown(read_yaml(CONFIG_DIR / "schema.yaml"), read_yaml(CONFIG_DIR / "config.yaml")), end="")
