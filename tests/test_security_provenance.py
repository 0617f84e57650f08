"""Security (remote code, pickled weights, shell strings, tokens) and provenance of a results tree."""

import ast
import json
import subprocess
from datetime import datetime, timezone

import pytest
from conftest import ROOT, SECRETS

from eax.errors import UserInputError
from eax.provenance import git_state, provenance
from eax.weights import checked_model_path

LIBRARY = ROOT / "workflow_scripts"


def pretrained_model_loads() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in LIBRARY.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "from_pretrained":
                calls.append((f"{path.relative_to(ROOT)}:{node.lineno}", node))
    return calls


def test_every_hub_load_takes_trust_remote_code_from_config():
    loads = pretrained_model_loads()
    assert len(loads) >= 6
    missing = [where for where, call in loads if "trust_remote_code" not in {k.arg for k in call.keywords}]
    assert missing == []
    defaults = [where for where, call in loads for k in call.keywords
                if k.arg == "trust_remote_code" and isinstance(k.value, ast.Constant) and k.value.value is True]
    assert defaults == []


def test_model_weights_load_through_the_weights_only_options():
    model_loads = [(where, call) for where, call in pretrained_model_loads() if "AutoModel" in ast.unparse(call.func)
                   or "model_class" in ast.unparse(call.func)]
    assert len(model_loads) >= 5
    for where, call in model_loads:
        assert any(k.arg is None and ast.unparse(k.value).startswith("load_options(") for k in call.keywords), where
        assert ast.unparse(call.args[0]).startswith("checked_model_path("), where
    from eax.weights import load_options

    assert load_options()["weights_only"] is True  # a pickled *.bin builds tensors and nothing else


def test_folders_without_loadable_weights_are_refused_by_name(tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "pytorch_model.bin").write_bytes(b"\x80\x04")
    assert checked_model_path(str(tmp_path / "bin")) == str(tmp_path / "bin")  # read by the weights-only unpickler
    (tmp_path / "pt").mkdir()
    (tmp_path / "pt" / "model.pt").write_bytes(b"\x80\x04")
    with pytest.raises(UserInputError, match=r"pt: only \*.pt weights"):
        checked_model_path(str(tmp_path / "pt"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserInputError, match="empty: no model weights"):
        checked_model_path(str(tmp_path / "empty"))
    assert checked_model_path("Qwen/Qwen2.5-7B") == "Qwen/Qwen2.5-7B"  # a hub id is checked on download


def test_no_shell_command_is_built_from_config_strings():
    rules = "\n".join(path.read_text() for path in [ROOT / "Snakefile", *(ROOT / "rules").glob("*.smk")])
    assert "shell:" not in rules and "\n    run:" not in rules  # every rule runs a Python script
    for path in LIBRARY.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                assert not any(k.arg == "shell" for k in node.keywords), f"{path}:{node.lineno}"
                assert ast.unparse(node.func) not in ("os.system", "os.popen"), f"{path}:{node.lineno}"


def test_tokens_in_the_environment_never_reach_a_file(finished_demo):
    files = [path for folder in (finished_demo / "results", finished_demo / ".snakemake" / "log")
             for path in folder.rglob("*") if path.is_file() and path.stat().st_size < 50_000_000]
    assert len(files) > 100
    for path in files:
        data = path.read_bytes()
        for secret in SECRETS.values():
            assert secret.encode() not in data, path


def test_results_carry_their_provenance(finished_demo):
    records = sorted((finished_demo / "results" / "provenance").glob("*.json"))
    assert len(records) == 1
    record = json.loads(records[0].read_text())
    assert record["run_name"] == "toy" and record["config"]["languages"] == ["en", "qaa", "qab", "qac"]
    assert record["packages"]["torch"].startswith("2.13.0") and record["packages"]["snakemake"]
    assert record["hardware"]["cpus"] >= 1 and record["hardware"]["memory_gib"] > 0
    assert record["git"] == {"commit": None, "note": "not a git checkout"}  # the test runs in a plain copy


def test_git_state_names_the_commit_and_uncommitted_changes(tmp_path):
    def git(*args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=tmp_path, check=True,
                       capture_output=True)

    git("init", "-q")
    (tmp_path / "Snakefile").write_text("# a\n")
    git("add", "Snakefile")
    git("commit", "-q", "-m", "first")
    state = git_state(tmp_path)
    assert len(state["commit"]) == 40 and state["dirty"] is False
    (tmp_path / "Snakefile").write_text("# b\n")
    assert git_state(tmp_path)["dirty"] is True
    assert provenance({"run_name": "x"}, tmp_path, ["snakemake"], datetime.now(timezone.utc))["git"]["dirty"]
