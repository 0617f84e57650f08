"""The workflow itself: dry runs of both configs, config errors, lint, and the end-to-end toy run."""

import subprocess
import sys

import pandas as pd

from conftest import copy_workflow, planned_jobs, snakemake, write_config

STAGES = ["make_toy_world", "build_toy_base_model", "build_toy_comet", "check_corpus", "make_seed_shards",
          "make_sft_data", "train_sft", "translate_testset", "score_translations", "make_first_scores_table"]


def test_default_dry_run_plans_every_stage(workflow_copy):
    jobs = planned_jobs(workflow_copy)
    assert set(STAGES) <= set(jobs)
    assert jobs["translate_testset"] == 2  # base and sft


def test_paper_dry_run_builds_without_the_hub(workflow_copy):
    result = snakemake(workflow_copy, "-n", "--configfile", "config/paper.yaml")
    assert result.returncode == 0, result.stderr
    jobs = planned_jobs(workflow_copy, "--configfile", "config/paper.yaml")
    assert {"download_hub_corpus", "download_flores", "train_sft"} <= set(jobs)
    assert "make_toy_world" not in jobs
    assert "gpu=8" in result.stdout  # train_sft asks for the paper's eight GPUs


def test_config_error_is_one_clear_line_without_traceback(workflow_copy):
    config = write_config(workflow_copy, "bad.yaml", lambda c: c["sft"].update(learning_rate="fast"))
    result = snakemake(workflow_copy, "-n", "--configfile", config)
    assert result.returncode == 1
    assert "config key `sft.learning_rate`: 'fast' is not of type 'number'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_malformed_default_yaml_names_file_and_line(workflow_copy):
    (workflow_copy / "config" / "config.yaml").write_text("run_name: toy\nsft: [unclosed\n")
    result = snakemake(workflow_copy, "-n")
    assert result.returncode == 1
    assert "config/config.yaml: not valid YAML at line 3" in result.stderr
    assert "Traceback" not in result.stderr


def test_lint_is_clean(tmp_path):
    workdir = copy_workflow(tmp_path / "workflow")
    result = snakemake(workdir, "--lint")
    assert "Congratulations" in result.stdout + result.stderr, result.stdout + result.stderr


def test_demo_ends_with_sft_beating_base_on_english_centric_chrf(finished_demo):
    table = pd.read_csv(finished_demo / "results" / "tables" / "first_scores.csv").set_index("model")
    for column in ("en2x chrf", "x2en chrf"):
        assert table.loc["sft", column] > table.loc["base", column] + 1.0, table


def test_demo_writes_a_log_per_rule_and_no_temporary_files(finished_demo):
    logs = {path.stem for path in (finished_demo / "results" / "logs").glob("*.log")}
    assert {"make_toy_world", "train_sft", "make_first_scores_table"} <= logs
    leftovers = [path for path in (finished_demo / "results").rglob("*") if ".tmp-" in path.name]
    assert leftovers == []
    assert not (finished_demo / "results" / "work" / "sft").exists()


def test_demo_models_load_with_plain_transformers(finished_demo):
    code = ("import sys; from transformers import AutoModelForCausalLM, AutoTokenizer; "
            "AutoTokenizer.from_pretrained(sys.argv[1]); AutoModelForCausalLM.from_pretrained(sys.argv[1])")
    folder = finished_demo / "results" / "models" / "sft"
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, timeout=120)


def test_finished_demo_reruns_nothing(finished_demo):
    assert planned_jobs(finished_demo) == {}


def test_sft_hyperparameter_change_reruns_only_sft_and_downstream(finished_demo):
    config = write_config(finished_demo, "lr.yaml", lambda c: c["sft"].update(learning_rate=1.0e-3))
    assert planned_jobs(finished_demo, "--configfile", config) == {
        "train_sft": 1, "translate_testset": 1, "score_translations": 1, "make_first_scores_table": 1, "all": 1}


def test_metric_change_reruns_only_scoring(finished_demo):
    config = write_config(finished_demo, "metrics.yaml", lambda c: c["evaluation"].update(metrics=["chrf"]))
    assert planned_jobs(finished_demo, "--configfile", config) == {
        "score_translations": 2, "make_first_scores_table": 1, "all": 1}
