"""The paper's DAG on a real pretrained LLM: SmolLM2-135M-Instruct (a Llama model with a 49k-token BPE tokenizer),
loaded by its hub id from the offline hub cache, on real NTREX-128 and FLORES-200 segments. A few steps and a few
segments per stage, so every rule runs on the real tokenizer and weights: SFT -> sampling -> RM labels, training and
scoring -> pairs -> DPO -> translation -> metrics and the real-data oracle. The models are saved in shards, as a
7B model is, and every next stage loads them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import SHARED_DATA, copy_workflow, snakemake

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"no real test data at {SHARED_DATA}")]

TINY = {  # merged over config/smollm2.yaml: the same DAG at the smallest sizes that still run every rule
    "languages": ["en", "de", "fr"],
    "corpus": {"ntrex128": {"path": str(SHARED_DATA / "ntrex128"), "first_segment": 0, "segments": 40}},
    "model": {"max_shard_size": "100MB"},  # the fp32 135M model (540 MB) in six shards plus an index
    "data": {"max_seed_rows": {"rm": 3, "x2x": 4}},
    "sft": {"num_train_epochs": 0.1, "per_device_train_batch_size": 8},
    "sampling": {"n": 3, "max_new_tokens": 24},
    "reward_model": {"num_train_epochs": 1, "eval_fraction": 0.25},
    "x2x": {"min_margin": 0.0, "min_margin_sweep": []},
    "reward_data": {"thresholds": {"chrf": {"min_margin": 0.0, "min_winner_score": 0.0}}},
    "preference": {"runs": [{"method": "dpo", "data": "eaxt_eaxe"}]},
    "evaluation": {"testsets": [{"name": "flores_devtest", "format": "flores200", "split": "devtest",
                                 "path": str(SHARED_DATA / "flores200_dataset"), "max_segments": 3}],
                   "max_new_tokens": 24},
}


@pytest.fixture(scope="module")
def real_run(tmp_path_factory) -> Path:
    workdir = copy_workflow(tmp_path_factory.mktemp("smollm2") / "workflow")
    cache = workdir.parent / "hf_cache"
    env = {"HF_HUB_CACHE": str(cache), "HF_HUB_OFFLINE": "1"}
    imported = subprocess.run([sys.executable, "-m", "eax.hub_cache", "--cache-dir", str(cache)], capture_output=True,
                              text=True, timeout=600)
    assert imported.returncode == 0, imported.stderr[-3000:]
    (workdir / "config" / "tiny_real.yaml").write_text(yaml.safe_dump(TINY))
    result = snakemake(workdir, "--cores", "2", "--configfile", "config/smollm2.yaml", "config/tiny_real.yaml",
                       timeout=1800, env=env)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return workdir


def test_the_real_model_runs_every_stage_and_ends_in_tables(real_run):
    main = (real_run / "results" / "tables" / "main.md").read_text()
    assert "dpo-eaxt_eaxe" in main and "x2x off_target" in main
    oracle = pd.read_csv(real_run / "results" / "tables" / "oracle.csv")
    assert set(oracle["sampler"]) == {"eaxt", "direct"} and oracle["on-target %"].between(0, 100).all()
    hypotheses = (real_run / "results" / "eval" / "flores_devtest" / "sft" / "hypotheses" / "de2fr.txt").read_text()
    assert len(hypotheses.splitlines()) == 3


def test_trained_models_are_saved_in_shards_and_loaded_by_the_next_stage(real_run):
    for model in ("sft", "rm", "dpo-eaxt_eaxe"):
        folder = real_run / "results" / "models" / model
        index = json.loads((folder / "model.safetensors.index.json").read_text())
        assert len(set(index["weight_map"].values())) > 1 and not (folder / "model.safetensors").exists(), model
    scores = pd.read_parquet(real_run / "results" / "x2x" / "scores" / "eaxt_eaxe" / "de2fr" / "000.parquet")
    assert scores["scores"].map(len).sum() > 0  # the sharded RM scored


def test_the_real_tokenizer_adds_no_bos_and_the_reward_model_scores_what_it_trained_on(real_run):
    from transformers import AutoTokenizer

    from eax.chat import IM_START
    from eax.prompts import eval_prompt
    from eax.scoring import reward_texts

    tokenizer = AutoTokenizer.from_pretrained(real_run / "results" / "models" / "rm")
    text = reward_texts(tokenizer, [eval_prompt("en", "de", "Good morning.")], ["Guten Morgen."])[0]
    assert tokenizer(text)["input_ids"] == tokenizer(text, add_special_tokens=False)["input_ids"]
    assert tokenizer(text)["input_ids"][0] == tokenizer.convert_tokens_to_ids(IM_START)

