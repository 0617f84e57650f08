"""A training job killed mid-way resumes from its last checkpoint, not from step 0, and ends as an unbroken run."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT
from safetensors.torch import load_file

from eax.config import load_config, trainer_settings
from eax.sft import instruction_rows, template_and_count
from eax.tiny_models import build_causal_lm, save_model, train_chat_tokenizer
from eax.toy_world import ToyWorld, make_corpus
from eax.training_log import read_log_history

pytestmark = pytest.mark.slow  # trains, kills and resumes a real SFT run

SAVE_STEPS = 10
RUN_SFT = """import json, sys
from eax.sft import run_sft
run_sft(**json.loads(sys.argv[1]))
"""


@pytest.fixture(scope="module")
def sft_job(tmp_path_factory):
    """A base model, SFT data, and the arguments of run_sft (about 120 optimizer steps)."""
    from transformers import AutoTokenizer

    root = tmp_path_factory.mktemp("resume")
    corpus = pd.DataFrame(make_corpus(ToyWorld(5, ("qaa",)), 60))
    tokenizer = train_chat_tokenizer([*corpus["src_text"], *corpus["trg_text"], "Translate into"], 400)
    model = build_causal_lm(tokenizer, hidden_size=32, intermediate_size=64, num_layers=1, num_heads=2,
                            num_kv_heads=1, max_positions=256, seed=0)
    save_model(model, tokenizer, root / "base")
    rows = template_and_count(instruction_rows(corpus, seed=1), AutoTokenizer.from_pretrained(root / "base"))
    rows.to_parquet(root / "sft.parquet")
    hp = {**trainer_settings(load_config(ROOT / "config" / "config.yaml"), "sft"), "num_train_epochs": 4,
          "per_device_train_batch_size": 4, "save_steps": SAVE_STEPS, "logging_steps": 1}
    return root, {"base": str(root / "base"), "data_path": str(root / "sft.parquet"), "hp": hp,
                  "chat_template": "chatml", "trust_remote_code": False}


def run(arguments: dict, name: str, root: Path) -> subprocess.Popen:
    import json

    job = {**arguments, "work_dir": str(root / f"work-{name}"), "model_file": str(root / name / "model.safetensors")}
    environment = {**os.environ, "TRANSFORMERS_VERBOSITY": "info", "OMP_NUM_THREADS": "1"}
    # output to a file, not a pipe: a slow run's progress bars would fill a pipe nobody reads until it ends
    with open(root / f"{name}.log", "a") as log:
        return subprocess.Popen([sys.executable, "-c", RUN_SFT, json.dumps(job)], env=environment, text=True,
                                stdout=log, stderr=subprocess.STDOUT)


def test_a_killed_sft_run_resumes_from_its_checkpoint_and_ends_like_an_unbroken_one(sft_job):
    root, arguments = sft_job
    unbroken = run(arguments, "unbroken", root)
    assert unbroken.wait(timeout=600) == 0, (root / "unbroken.log").read_text()[-3000:]

    killed = run(arguments, "killed", root)
    deadline = time.monotonic() + 300
    while not list((root / "work-killed").glob(f"checkpoint-{2 * SAVE_STEPS}")) and time.monotonic() < deadline:
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    from eax.training import last_checkpoint

    complete = last_checkpoint(root / "work-killed")  # the kill may land mid-save: that folder is skipped
    assert complete and not (root / "killed").exists()  # killed before the end, and nothing half-saved

    (root / "killed.log").unlink()
    resumed = run(arguments, "killed", root)
    resumed.wait(timeout=600)
    output = (root / "killed.log").read_text()
    assert resumed.returncode == 0, output[-3000:]
    assert f"Continuing training from global step {complete.rsplit('-', 1)[1]}" in output  # not from step 0

    logs = [read_log_history(root / name / "trainer_log.jsonl") for name in ("unbroken", "killed")]
    final_losses = [[entry["loss"] for entry in log if "loss" in entry][-5:] for log in logs]
    assert final_losses[0] == pytest.approx(final_losses[1], abs=1e-6)
    weights = [load_file(root / name / "model.safetensors") for name in ("unbroken", "killed")]
    assert weights[0].keys() == weights[1].keys()
    assert all((weights[0][key] - weights[1][key]).abs().max() < 1e-5 for key in weights[0])


def test_a_checkpoint_killed_while_saving_is_skipped_for_the_one_before(tmp_path):
    from eax.training import last_checkpoint

    assert last_checkpoint(tmp_path / "none") is None and last_checkpoint(tmp_path) is None
    for step, complete in ((10, True), (20, False), (5, True)):
        folder = tmp_path / f"checkpoint-{step}"
        folder.mkdir()
        (folder / "model.safetensors").write_bytes(b"")
        if complete:
            (folder / "trainer_state.json").write_text("{}")
    assert last_checkpoint(tmp_path) == str(tmp_path / "checkpoint-10")
