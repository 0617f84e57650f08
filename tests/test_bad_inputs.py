"""The bad-input catalogue: every case, run through the real CLI, stops with one clear line naming the config
key or file, exits non-zero, shows no traceback and leaves no partial output. docs/configuration.md lists the same cases
with their messages (checked here, so the docs cannot drift)."""

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, copy_workflow, snakemake, write_config

pytestmark = pytest.mark.slow  # runs the workflow on each bad input


def setting(path: str, value):
    """A config edit: set the dotted `path` (list indices as numbers) to `value`."""
    def edit(config):
        *parents, last = path.split(".")
        node = config
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[last] = value
    return edit


def folder_with(files: dict[str, bytes]):
    def make(root: Path) -> str:
        folder = root / "fixture_model"
        folder.mkdir(exist_ok=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        return str(folder)
    return make


# (case id, config edit (or a function of the workflow folder returning one), expected message fragment)
CONFIG_CASES = [
    ("wrong type", setting("sft.learning_rate", "fast"),
     "config key `sft.learning_rate`: 'fast' is not of type 'number'"),
    ("number read as text", setting("sft.learning_rate", "3e-3"), "YAML reads 3e-3 as text"),
    ("unknown key", setting("sft.bogus", 1), "config key `sft`: unknown key(s) ('bogus' was unexpected)"),
    ("unknown language code", setting("languages", ["en", "xx"]), "config key `languages`: unknown language code 'xx'"),
    ("no pivot language", setting("languages", ["qaa", "qab"]), "must contain the pivot language 'en'"),
    ("negative margin", setting("x2x.min_margin", -1), "config key `x2x.min_margin`: -1 is less than the minimum of 0"),
    ("zero epochs", setting("sft.num_train_epochs", 0),
     "config key `sft.num_train_epochs`: 0 is less than or equal to the minimum of 0"),
    ("one sample per prompt", setting("sampling.n", 1), "config key `sampling.n`: 1 is less than the minimum of 2"),
    ("missing model path", setting("model.base", "./models/none"), "config key `model.base`: ./models/none not found"),
    ("missing corpus file", setting("corpus.source", "data/none.parquet"),
     "config key `corpus.source`: data/none.parquet not found"),
    ("model folder without weights",
     lambda root: setting("model.base", folder_with({"config.json": b"{}", "model.pt": b""})(root)),
     "has no model weights (*.safetensors or *.bin)"),
    ("missing test set folder", setting("evaluation.testsets.0.path", "/no/flores"),
     "config key `evaluation.testsets.0.path`: folder not found: /no/flores"),
    ("unknown metric", setting("evaluation.metrics", ["ter"]),
     "config key `evaluation.metrics.0`: 'ter' is not one of"),
    ("missing COMET checkpoint", setting("evaluation.comet_model", "./comet/model.ckpt"),
     "config key `evaluation.comet_model`: ./comet/model.ckpt is neither an existing checkpoint file nor a hub id"),
    ("unknown preference method", setting("preference.runs", [{"method": "kto", "data": "eaxt_eaxe"}]),
     "config key `preference.runs.0.method`: 'kto' is not one of"),
    ("pair thresholds of another metric", setting("reward_data.metric", "comet"),
     "config key `reward_data.thresholds`: no thresholds for `comet`"),
    ("preference data of no variant", setting("x2x.scorers", ["direct"]),
     "config key `preference.runs.0.data`: 'eaxt_eaxe' is not a variant"),
    ("BLEURT without its checkpoint", setting("evaluation.metrics", ["bleurt"]),
     "config key `evaluation.bleurt_checkpoint`: set it"),
    ("system on an unknown test set",
     setting("evaluation.external_systems", [{"name": "gpt4", "testset": "wmt", "path": "toy"}]),
     "config key `evaluation.external_systems.0.testset`: no test set named 'wmt'"),
]

CORPUS_ROWS = {"src_lang": ["en", "qaa"], "trg_lang": ["qaa", "en"], "src_text": ["Hello.", "Na seto."],
               "trg_text": ["Na seto.", "Hello."]}
# (case id, corpus rows or raw bytes, expected message fragment): rule check_corpus on a user's parquet
CORPUS_CASES = [
    ("corpus without a column", {k: v for k, v in CORPUS_ROWS.items() if k != "trg_text"},
     "bad_corpus.parquet: missing column(s) trg_text"),
    ("empty corpus", {k: [] for k in CORPUS_ROWS}, "bad_corpus.parquet: the corpus has no rows"),
    ("corpus with an unknown language", {**CORPUS_ROWS, "src_lang": ["en", "xx"]},
     "bad_corpus.parquet: 1 rows have an unknown language code in src_lang (xx)"),
    ("corpus with an empty text", {**CORPUS_ROWS, "trg_text": ["Na seto.", " "]},
     "bad_corpus.parquet: 1 rows have an empty or non-text trg_text (first at row 1)"),
    ("corrupt parquet", b"PAR1 this is not parquet", "bad_corpus.parquet: not a readable parquet file"),
]
# (case id, {file: bytes} of a published system's folder, expected message fragment): rule import_external_system
SYSTEM_CASES = [
    ("hypothesis file with the wrong line count", {"en2qaa.txt": b"one line\n"},
     "en2qaa.txt: 1 lines for 40 reference segments"),
    ("hypothesis file not UTF-8", {"en2qaa.txt": b"\xff\xfe bad\n" * 40}, "en2qaa.txt: not UTF-8 text"),
    ("hypothesis file of empty lines", {"en2qaa.txt": b"\n" * 40}, "en2qaa.txt: every line is empty"),
]


def user_corpus(path: Path):
    """A config reading a user's corpus: everything the toy world would have made comes from elsewhere."""
    def edit(config):
        config["corpus"]["source"] = str(path)
        config["model"]["base"] = "Qwen/Qwen2.5-0.5B"
        config["reward_data"]["comet_model"] = config["evaluation"]["comet_model"] = "Unbabel/wmt22-comet-da"
        config["alma_r"]["source"] = "haoranxu/ALMA-R-Preference"
        config["evaluation"]["testsets"] = [{"name": "flores", "format": "flores200", "path": "download",
                                             "split": "devtest"}]
        config["evaluation"]["external_systems"] = []
    return edit


def assert_one_clear_error(result, message: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert message in output, output[-3000:]
    assert "Traceback" not in output, output[-3000:]


@pytest.fixture(scope="module")
def workflow(tmp_path_factory) -> Path:
    """One copy of the project with the toy world built (the test set the hypothesis cases check against)."""
    workdir = copy_workflow(tmp_path_factory.mktemp("bad_inputs") / "workflow")
    result = snakemake(workdir, "--cores", "1", "results/toy_world/corpus.parquet")
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir


@pytest.mark.parametrize("case, edit, message", CONFIG_CASES, ids=[case[0] for case in CONFIG_CASES])
def test_config_case(case, edit, message, workflow):
    if edit.__name__ == "<lambda>":
        edit = edit(workflow)
    name = re.sub(r"\W+", "_", case) + ".yaml"
    assert_one_clear_error(snakemake(workflow, "-n", "--configfile", write_config(workflow, name, edit)), message)


def test_malformed_yaml_names_the_file_and_line(workflow, tmp_path):
    copy = copy_workflow(tmp_path / "workflow")
    (copy / "config" / "config.yaml").write_text("run_name: toy\nsft: [unclosed\n")
    assert_one_clear_error(snakemake(copy, "-n"), "config/config.yaml: not valid YAML at line 3")


@pytest.mark.parametrize("case, rows, message", CORPUS_CASES, ids=[case[0] for case in CORPUS_CASES])
def test_corpus_case(case, rows, message, workflow):
    corpus = workflow / "bad_corpus.parquet"
    if isinstance(rows, bytes):
        corpus.write_bytes(rows)
    else:
        pd.DataFrame(rows).to_parquet(corpus)
    config = write_config(workflow, "bad_corpus.yaml", user_corpus(corpus))
    result = snakemake(workflow, "--cores", "1", "results/data/corpus.parquet", "--configfile", config)
    assert_one_clear_error(result, message)
    assert not (workflow / "results" / "data" / "corpus.parquet").exists()  # no partial output


@pytest.mark.parametrize("case, files, message", SYSTEM_CASES, ids=[case[0] for case in SYSTEM_CASES])
def test_published_system_case(case, files, message, workflow):
    folder = workflow / "systems" / re.sub(r"\W+", "_", case)
    folder.mkdir(parents=True)
    references = sorted((workflow / "results" / "toy_world" / "published_system").glob("*.txt"))
    for path in references:  # every direction fine except the broken file(s)
        (folder / path.name).write_bytes(files.get(path.name, path.read_bytes()))
    system = {"name": "broken", "testset": "toy_devtest", "path": str(folder)}
    config = write_config(workflow, "bad_system.yaml", setting("evaluation.external_systems", [system]))
    result = snakemake(workflow, "--cores", "1", "results/eval/toy_devtest/broken/hypotheses", "--configfile", config)
    assert_one_clear_error(result, message)
    assert not (workflow / "results" / "eval" / "toy_devtest" / "broken").exists()
    assert not [path for path in (workflow / "results").rglob("*") if ".tmp-" in path.name]


def test_missing_hypothesis_file_is_named(workflow):
    folder = workflow / "systems" / "incomplete"
    folder.mkdir(parents=True)
    (folder / "en2qaa.txt").write_text("x\n" * 40)
    system = {"name": "incomplete", "testset": "toy_devtest", "path": str(folder)}
    config = write_config(workflow, "incomplete.yaml", setting("evaluation.external_systems", [system]))
    result = snakemake(workflow, "-n", "results/eval/toy_devtest/incomplete/hypotheses", "--configfile", config)
    assert_one_clear_error(result, "incomplete/en2qab.txt")


def test_readme_lists_every_case_with_its_message():
    readme = (ROOT / "docs" / "configuration.md").read_text()
    catalogue = readme[readme.index("## Bad inputs"):]
    for case, _, message in [*CONFIG_CASES, *CORPUS_CASES, *SYSTEM_CASES]:
        assert f"| {case} |" in catalogue, case
        assert message.split(": ", 1)[-1][:40] in catalogue, (case, message)
    assert len(CONFIG_CASES) + len(CORPUS_CASES) + len(SYSTEM_CASES) + 2 >= 25
