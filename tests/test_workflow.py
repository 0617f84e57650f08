"""The workflow itself: dry runs of both configs, config errors, lint, and the end-to-end toy run."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, SHARED_DATA, copy_workflow, planned_jobs, snakemake, write_config

STAGES = ["make_toy_world", "build_toy_base_model", "check_corpus", "make_seed_shards", "make_sft_data", "train_sft",
          "make_alma_r_pairs", "make_rm_pairs", "make_x2x_pairs", "train_preference", "translate_testset",
          "score_translations", "compare_with_baseline", "make_tables", "make_figures", "measure_oracle",
          "summarize_benchmarks"]
PREFERENCE_RUNS = ["dpo-eaxt_eaxe", "dpo-eaxt_direct", "dpo-direct_eaxe", "dpo-direct_direct", "simpo-eaxt_eaxe",
                   "cpo-alma_r"]
METRICS = ["bleu", "chrf", "comet"]
REPORT_JOBS = {"make_tables": 1, "make_figures": 1, "summarize_benchmarks": 1, "all": 1}  # after any rerun


def test_default_dry_run_plans_every_stage(workflow_copy):
    jobs = planned_jobs(workflow_copy)
    assert set(STAGES) <= set(jobs)
    assert jobs["translate_testset"] == 1 + len(PREFERENCE_RUNS)  # sft and every preference run
    assert jobs["make_x2x_pairs"] == 4 * 4  # 2 samplers x 2 scorers x (main margin + 3 sweep margins)
    assert jobs["compare_with_baseline"] == len(METRICS)  # one table of paired tests per test set and metric
    assert "make_reproduction_card" not in jobs  # the toy config declares no published results


def test_paper_dry_run_builds_without_the_hub(workflow_copy):
    result = snakemake(workflow_copy, "-n", "--configfile", "config/paper.yaml")
    assert result.returncode == 0, result.stderr
    jobs = planned_jobs(workflow_copy, "--configfile", "config/paper.yaml")
    assert {"download_hub_corpus", "download_flores", "train_sft"} <= set(jobs)
    assert "make_toy_world" not in jobs
    assert "gpu=8" in result.stdout  # train_sft asks for the paper's eight GPUs
    assert jobs["train_preference"] == 7  # DPO on the four variants, ORPO, SimPO, ALMA-R's CPO
    assert jobs["score_translations"] == 9 * 4  # BLEURT and COMET (the paper's pair), BLEU, chrF per model
    assert jobs["compare_with_baseline"] == 4 and jobs["make_reproduction_card"] == 1  # the EAX README's numbers


def test_llama2_paper_config_dry_run_builds(workflow_copy):
    """The paper's headline model ships no chat template: `chatml` (the recipe's) must still plan every stage."""
    import yaml

    config = yaml.safe_load((workflow_copy / "config" / "paper.yaml").read_text())
    config["model"]["base"] = "meta-llama/Llama-2-7b-hf"
    (workflow_copy / "config" / "llama2.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    jobs = planned_jobs(workflow_copy, "--configfile", "config/llama2.yaml")
    assert {"train_sft", "train_reward_model", "train_preference", "translate_testset"} <= set(jobs)


GPU_RULES = {"train_sft", "train_reward_model", "train_preference", "sample_rm_candidates", "sample_x2x_candidates",
             "score_rm_candidates", "score_x2x_candidates", "translate_testset"}


def test_paper_dry_run_on_the_slurm_profile_lists_every_gpu_job_with_its_gpu(workflow_copy):
    args = ("-n", "--configfile", "config/paper.yaml", "--profile", "profiles/slurm")
    result = snakemake(workflow_copy, *args)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    jobs = planned_jobs(workflow_copy, *args[1:])
    shards = yaml.safe_load((workflow_copy / "config" / "paper.yaml").read_text())["data"]["shards_per_pair"]
    assert jobs["sample_x2x_candidates"] == jobs["score_x2x_candidates"] == 72 * shards
    assert jobs["sample_rm_candidates"] == jobs["score_rm_candidates"] == 18 * shards
    blocks = re.findall(r"^(?:local)?rule (\w+):\n(.*?)(?=\n\n|\Z)", result.stdout, re.S | re.M)
    gpu_blocks = [(rule, body) for rule, body in blocks
                  if rule in GPU_RULES or (rule == "score_translations" and "metric=comet" in body)]
    assert {rule for rule, _ in gpu_blocks} == GPU_RULES | {"score_translations"}
    for rule, body in gpu_blocks:
        assert re.search(r"resources: .*\bgpu=[1-9]", body), (rule, body)


def test_config_error_is_one_clear_line_without_traceback(workflow_copy):
    config = write_config(workflow_copy, "bad.yaml", lambda c: c["sft"].update(learning_rate="fast"))
    result = snakemake(workflow_copy, "-n", "--configfile", config)
    assert result.returncode == 1
    assert "config key `sft.learning_rate`: 'fast' is not of type 'number'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_lint_is_clean(tmp_path):
    workdir = copy_workflow(tmp_path / "workflow")
    result = snakemake(workdir, "--lint")
    assert "Congratulations" in result.stdout + result.stderr, result.stdout + result.stderr


def test_demo_sft_model_has_learned_english_centric_translation(finished_demo):
    table = pd.read_csv(finished_demo / "results" / "tables" / "main.csv").set_index("model")
    for column in ("en2x chrf", "x2en chrf"):  # the random-init base model scores 0 here
        assert table.loc["sft", column] > 5.0, table


def test_demo_sft_data_holds_its_copy_rows_and_otherwise_english_centric_rows(finished_demo):
    config = yaml.safe_load((finished_demo / "config" / "config.yaml").read_text())
    rows = pd.read_parquet(finished_demo / "results" / "data" / "sft.parquet")
    copies = rows[rows["src_lang"] == rows["trg_lang"]]
    others = [code for code in config["languages"] if code != "en"]
    assert copies.groupby("trg_lang").size().to_dict() == {
        code: config["toy_world"]["copy_rows_per_language"] for code in others}
    english_centric = (rows["src_lang"] == "en") != (rows["trg_lang"] == "en")
    assert (english_centric | (rows["src_lang"] == rows["trg_lang"])).all()


def test_published_system_is_scored_as_a_baseline_row(finished_demo):
    table = pd.read_csv(finished_demo / "results" / "tables" / "main.csv").set_index("model")
    assert table.loc["toy_published", "x2x chrf"] > table.loc["sft", "x2x chrf"] + 20  # near-reference outputs


def test_published_systems_are_scored_alone_under_the_names_they_are_known_by(finished_demo, tmp_path):
    """Scoring published WMT outputs: `score_published_systems` imports and scores them and runs nothing else,
    a system keeps its own name, dots included (ALMA's gpt3.5-text-davinci-003), and one may cover only some of
    its test set's directions."""
    name, partial = "gpt3.5-text-davinci-003", "x2en-only"
    demo_outputs = finished_demo / "results" / "eval" / "toy_devtest" / "toy_published"
    shutil.copytree(demo_outputs / "hypotheses", tmp_path / name)
    (tmp_path / partial).mkdir()
    for file in (demo_outputs / "hypotheses").glob("*2en.txt"):
        shutil.copy(file, tmp_path / partial / file.name)
    config = write_config(finished_demo, "published.yaml", lambda c: c["evaluation"]["external_systems"].extend([
        {"name": name, "testset": "toy_devtest", "path": str(tmp_path / name)},
        {"name": partial, "testset": "toy_devtest", "path": str(tmp_path / partial), "directions": ["x2en"]}]))
    assert planned_jobs(finished_demo, "score_published_systems", "--configfile", config) == {
        "import_external_system": 2, "score_translations": 2 * len(METRICS), "score_published_systems": 1}
    result = snakemake(finished_demo, "score_published_systems", "--configfile", config)
    assert result.returncode == 0, result.stderr[-3000:]
    for metric in METRICS:
        full = pd.read_csv(demo_outputs / "scores" / f"{metric}.csv")
        scores = pd.read_csv(demo_outputs.parent / name / "scores" / f"{metric}.csv")
        assert scores["score"].tolist() == full["score"].tolist()
        scores = pd.read_csv(demo_outputs.parent / partial / "scores" / f"{metric}.csv")
        x2en = full[full["trg_lang"] == "en"]
        assert scores[["src_lang", "trg_lang"]].values.tolist() == x2en[["src_lang", "trg_lang"]].values.tolist()
        # COMET batches the fewer segments differently: its float32 scores move in the 8th digit
        assert scores["score"].tolist() == pytest.approx(x2en["score"].tolist(), rel=1e-6)


def test_demo_writes_a_log_per_rule_and_no_temporary_files(finished_demo):
    logs = {path.stem for path in (finished_demo / "results" / "logs").glob("*.log")}
    assert {"make_toy_world", "train_sft", "make_tables", "make_figures"} <= logs
    leftovers = [path for path in (finished_demo / "results").rglob("*") if ".tmp-" in path.name]
    assert leftovers == []
    assert not (finished_demo / "results" / "work" / "sft").exists()


def test_demo_models_load_with_plain_transformers(finished_demo):
    code = ("import sys; from transformers import AutoModelForCausalLM, AutoTokenizer\n"
            "for folder in sys.argv[1:]:\n"
            "    AutoTokenizer.from_pretrained(folder); AutoModelForCausalLM.from_pretrained(folder)")
    folders = [finished_demo / "results" / "models" / model for model in ["sft", *PREFERENCE_RUNS]]
    for folder in folders:
        assert not list(folder.glob("adapter_*")) and not list(folder.glob("*.bin")), folder  # merged, safetensors
    subprocess.run([sys.executable, "-c", code, *map(str, folders)], check=True, timeout=300)  # a fresh process


def test_every_rule_that_ran_has_its_cost_in_the_report_table(finished_demo):
    costs = pd.read_csv(finished_demo / "results" / "tables" / "rule_costs.csv")
    ran = set(STAGES) - {"summarize_benchmarks"}  # it summarizes the others, before its own benchmark exists
    assert ran <= set(costs["rule"]), ran - set(costs["rule"])
    assert (costs["max_rss_mb"] > 0).all() and (costs["suggested_mem_mb"] >= 1.5 * costs["max_rss_mb"]).all()
    assert costs.set_index("rule").loc["score_translations", "jobs"] == (1 + len(PREFERENCE_RUNS) + 1) * len(METRICS)


def test_x2x_pair_counts_have_no_english_row_or_column(finished_demo):
    """As the original prints them: x2x pairs never involve the pivot."""
    for path in (finished_demo / "results" / "x2x" / "pairs").glob("*/margin_*/pair_counts.csv"):
        counts = pd.read_csv(path, index_col=0)
        assert list(counts.index) == ["qaa", "qab", "qac", "total"] == list(counts.columns), path


def test_finished_demo_reruns_nothing(finished_demo):
    assert planned_jobs(finished_demo) == {}


def test_sft_hyperparameter_change_reruns_sft_and_everything_downstream(finished_demo):
    config = write_config(finished_demo, "lr.yaml", lambda c: c["sft"].update(learning_rate=1.0e-3))
    jobs = planned_jobs(finished_demo, "--configfile", config)
    assert jobs["train_sft"] == 1 and jobs["train_preference"] == len(PREFERENCE_RUNS)
    assert not {"make_toy_world", "build_toy_base_model", "make_sft_data", "make_seed_shards"} & set(jobs)
    assert jobs["translate_testset"] == 1 + len(PREFERENCE_RUNS)


def test_min_margin_change_reruns_only_pairs_and_what_follows(finished_demo):
    config = write_config(finished_demo, "margin.yaml", lambda c: c["x2x"].update(min_margin=0.4))
    jobs = planned_jobs(finished_demo, "--configfile", config)
    eax_runs = [run for run in PREFERENCE_RUNS if "alma_r" not in run]
    assert jobs == {"make_x2x_pairs": 4, "train_preference": len(eax_runs), "translate_testset": len(eax_runs),
                    "score_translations": len(eax_runs) * len(METRICS), "compare_with_baseline": len(METRICS),
                    "measure_oracle": 1, **REPORT_JOBS}


def test_sampling_n_change_reruns_sampling_and_everything_after_it(finished_demo):
    config = write_config(finished_demo, "n.yaml", lambda c: c["sampling"].update(n=6))
    eax_runs = len([run for run in PREFERENCE_RUNS if "alma_r" not in run])
    assert planned_jobs(finished_demo, "--configfile", config) == {
        "sample_rm_candidates": 6, "sample_x2x_candidates": 6, "score_rm_candidates": 6, "make_rm_pairs": 1,
        "train_reward_model": 1, "score_x2x_candidates": 6, "make_x2x_pairs": 16, "train_preference": eax_runs,
        "translate_testset": eax_runs, "score_translations": eax_runs * len(METRICS),
        "compare_with_baseline": len(METRICS), "measure_oracle": 1, **REPORT_JOBS}


def test_rm_sampling_temperature_change_reruns_the_reward_model_side_not_x2x_sampling(finished_demo):
    config = write_config(finished_demo, "rm_recipe.yaml", lambda c: c["reward_data"].update(temperature=1.0))
    eax_runs = len([run for run in PREFERENCE_RUNS if "alma_r" not in run])
    assert planned_jobs(finished_demo, "--configfile", config) == {
        "sample_rm_candidates": 6, "score_rm_candidates": 6, "make_rm_pairs": 1, "train_reward_model": 1,
        "score_x2x_candidates": 6, "make_x2x_pairs": 16, "train_preference": eax_runs,
        "translate_testset": eax_runs, "score_translations": eax_runs * len(METRICS),
        "compare_with_baseline": len(METRICS), "measure_oracle": 1, **REPORT_JOBS}


def test_adding_a_language_reruns_the_whole_toy_world(finished_demo, tmp_path):
    def add_orvic(config):
        config["languages"].append("qad")

    fresh = copy_workflow(tmp_path / "fresh")
    assert planned_jobs(finished_demo, "--configfile", write_config(finished_demo, "qad.yaml", add_orvic)) == \
        planned_jobs(fresh, "--configfile", write_config(fresh, "qad.yaml", add_orvic))


def edited(path: Path, change):
    """Apply `change` to a file of the finished demo, and afterwards put it back, time stamp included (the
    finished demo serves other tests)."""
    original, stat = path.read_text(), path.stat()
    path.write_text(change(original))
    return original, stat


def restore(path: Path, original: str, stat) -> None:
    path.write_text(original)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_editing_one_workflow_script_reruns_its_rule_and_what_follows(finished_demo):
    script = finished_demo / "workflow_scripts" / "make_tables.py"
    original, stat = edited(script, lambda text: text + "# an edit\n")
    try:
        assert planned_jobs(finished_demo) == REPORT_JOBS
    finally:
        restore(script, original, stat)
    assert planned_jobs(finished_demo) == {}


def test_editing_a_library_module_reruns_the_rules_that_import_it_and_what_follows(finished_demo):
    module = finished_demo / "workflow_scripts" / "eax" / "pairs.py"
    original, stat = edited(module, lambda text: text + "\nBEST_FIRST = True\n")
    try:
        jobs = planned_jobs(finished_demo)
    finally:
        restore(module, original, stat)
    assert {"make_rm_pairs", "make_x2x_pairs", "make_alma_r_pairs", "train_reward_model", "train_preference",
            "make_tables"} <= jobs.keys()
    upstream = {"make_toy_world", "train_sft", "sample_rm_candidates", "sample_x2x_candidates", "score_rm_candidates"}
    assert not upstream & jobs.keys(), jobs
    assert jobs["make_x2x_pairs"] == 4 * 4  # every variant at every margin
    assert planned_jobs(finished_demo) == {}


@pytest.mark.parametrize("module, change", [
    ("pairs.py", lambda text: text.replace("\n\n\n", "\n\n\n# a comment on its own line\n", 1)),
    ("science.py", lambda text: text + "\nUNUSED_BY_ANY_RULE = 1\n"),
], ids=["a comment in a module rules import", "code in a module no rule imports"])
def test_library_edits_that_change_no_rule_s_code_rerun_nothing(finished_demo, module, change):
    path = finished_demo / "workflow_scripts" / "eax" / module
    original, stat = edited(path, change)
    try:
        assert planned_jobs(finished_demo) == {}
    finally:
        restore(path, original, stat)


def test_dpo_beta_change_reruns_only_dpo_runs(finished_demo):
    config = write_config(finished_demo, "beta.yaml", lambda c: c["preference"]["dpo"].update(beta=0.2))
    jobs = planned_jobs(finished_demo, "--configfile", config)
    dpo_runs = [run for run in PREFERENCE_RUNS if run.startswith("dpo-")]
    assert jobs["train_preference"] == len(dpo_runs) and "make_x2x_pairs" not in jobs
    assert "sample_x2x_candidates" not in jobs


def test_a_new_training_seed_runs_exactly_its_own_jobs(finished_demo):
    """`seeds: [0, 1]` on a finished one-seed run: SFT and everything after it once more under results/seed_1/
    (pairs at the main margin only), the tables with the spread and the seed figure; nothing of seed 0 reruns."""
    config = write_config(finished_demo, "seeds.yaml", lambda c: c.update(seeds=[0, 1]))
    runs = len(PREFERENCE_RUNS)
    assert planned_jobs(finished_demo, "--configfile", config) == {
        "train_sft": 1, "sample_rm_candidates": 6, "score_rm_candidates": 6, "make_rm_pairs": 1,
        "train_reward_model": 1, "sample_x2x_candidates": 6, "score_x2x_candidates": 6, "make_x2x_pairs": 4,
        "train_preference": runs, "translate_testset": 1 + runs, "score_translations": (1 + runs) * len(METRICS),
        "plot_seed_spread": 1, **REPORT_JOBS}
    result = snakemake(finished_demo, "-n", "--configfile", config)
    assert "results/seed_1/models/sft/config.json" in result.stdout


def test_rm_scoring_batch_size_change_reruns_scoring_not_the_reward_model(finished_demo):
    config = write_config(finished_demo, "rmbatch.yaml", lambda c: c["reward_model"].update(score_batch_size=32))
    jobs = planned_jobs(finished_demo, "--configfile", config)
    assert jobs["score_x2x_candidates"] == 6 and "train_reward_model" not in jobs


def test_dropping_a_metric_reruns_only_tables_and_figures(finished_demo):
    config = write_config(finished_demo, "metrics.yaml", lambda c: c["evaluation"].update(metrics=["chrf", "comet"]))
    assert planned_jobs(finished_demo, "--configfile", config) == REPORT_JOBS


def test_adding_a_metric_runs_only_its_scoring_jobs(finished_demo):
    config = write_config(finished_demo, "metrics.yaml", lambda c: c["evaluation"].update(metrics=[*METRICS, "xcomet"]))
    assert planned_jobs(finished_demo, "--configfile", config) == {
        "score_translations": 1 + len(PREFERENCE_RUNS) + 1, "compare_with_baseline": 1, **REPORT_JOBS}


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"real test sets not found at {SHARED_DATA}")
def test_adding_a_wmt_testset_runs_only_its_translations_and_scores(finished_demo):
    wmt = {"name": "wmt22", "format": "wmt22_json", "path": str(SHARED_DATA / "wmt22"),
           "directions": ["cs2en", "en2de"]}
    config = write_config(finished_demo, "wmt.yaml", lambda c: c["evaluation"]["testsets"].append(wmt))
    models = 1 + len(PREFERENCE_RUNS)
    assert planned_jobs(finished_demo, "--configfile", config) == {
        "translate_testset": models, "score_translations": models * len(METRICS),
        "compare_with_baseline": len(METRICS), **REPORT_JOBS}
    result = snakemake(finished_demo, "-n", "results/tables/per_direction/wmt22_bleu.csv", "--configfile", config)
    assert "results/eval/wmt22/sft/scores/bleu.csv" in result.stdout


def test_demo_builds_pairs_for_every_variant_and_margin(finished_demo):
    pairs_root = finished_demo / "results" / "x2x" / "pairs"
    for variant in ("eaxt_eaxe", "eaxt_direct", "direct_eaxe", "direct_direct"):
        for margin in ("0", "0.1", "0.25", "0.5"):
            folder = pairs_root / variant / f"margin_{margin}"
            pairs = pd.read_parquet(folder / "pairs.parquet")
            assert {"src_lang", "trg_lang", "chosen", "rejected", "chosen_score", "rejected_score",
                    "margin"} <= set(pairs)
            assert (pairs["margin"] >= float(margin)).all() and (pairs["src_lang"] != "en").all()
            counts = pd.read_csv(folder / "pair_counts.csv", index_col=0)
            assert counts.loc["total", "total"] == len(pairs)
    zero = len(pd.read_parquet(pairs_root / "eaxt_eaxe" / "margin_0" / "pairs.parquet"))
    half = len(pd.read_parquet(pairs_root / "eaxt_eaxe" / "margin_0.5" / "pairs.parquet"))
    assert zero >= half


def test_demo_dpo_prefers_chosen_on_its_training_pairs(finished_demo):
    from eax.training_log import final_preference_accuracy, read_log_history

    for run in PREFERENCE_RUNS:
        history = read_log_history(finished_demo / "results" / "models" / run / "trainer_log.jsonl")
        accuracy = final_preference_accuracy(history)
        assert accuracy is not None, run
        if run.startswith("dpo"):
            assert accuracy > 0.5, (run, accuracy)


def test_demo_reward_model_loads_as_a_sequence_classifier(finished_demo):
    from eax.scoring import load_reward_model, reward_scores

    model, tokenizer = load_reward_model(str(finished_demo / "results" / "models" / "rm"), "chatml")
    scores = reward_scores(model, tokenizer,
                           ["Translate the following text from English into Lumish:\nEnglish: Hi.\nLumish:"],
                           ["Na seto."], batch_size=1)
    assert len(scores) == 1


def test_demo_reward_model_is_evaluated_on_held_out_pairs(finished_demo):
    table = pd.read_csv(finished_demo / "results" / "tables" / "reward_model.csv")
    pairs = len(pd.read_parquet(finished_demo / "results" / "rm" / "pairs.parquet"))
    assert table["held-out pairs"].iloc[0] == round(0.1 * pairs)  # reward_model.eval_fraction of the toy config
    assert 0 <= table["held-out accuracy"].iloc[0] <= 1


def test_demo_trains_and_queries_every_model_in_chatml_with_the_originals_prompts(finished_demo):
    from transformers import AutoTokenizer

    from eax.chat import CHATML_TEMPLATE, IM_END
    from eax.prompts import DIVERSE_TEMPLATES

    for model in ("sft", "rm", *PREFERENCE_RUNS):
        tokenizer = AutoTokenizer.from_pretrained(finished_demo / "results" / "models" / model)
        assert tokenizer.chat_template == CHATML_TEMPLATE and tokenizer.eos_token == IM_END, model
    sft = pd.read_parquet(finished_demo / "results" / "data" / "sft.parquet")
    assert not sft["prompt"].str.contains(r"Translate the following text from \S+ into \S+:\n").any()  # eval prompt
    openings = {template.split("{")[0] for template in DIVERSE_TEMPLATES if not template.startswith("{")}
    assert sum(prompt.removeprefix("<|im_start|>user\n").startswith(tuple(openings)) for prompt in sft["prompt"]) > 0


def test_toy_bleurt_scores_a_published_system(finished_demo):
    """BLEURT through its PyTorch port, for real: the toy world builds a tiny BLEURT and one scoring job uses it."""
    def with_bleurt(config):
        config["evaluation"]["metrics"].append("bleurt")
        config["evaluation"]["bleurt_checkpoint"] = "toy"

    config = write_config(finished_demo, "bleurt.yaml", with_bleurt)
    target = "results/eval/toy_devtest/toy_published/scores/bleurt.csv"
    result = snakemake(finished_demo, target, "--configfile", config, "--cores", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    scores = pd.read_csv(finished_demo / target)
    assert scores["signature"].str.contains("bleurt-pytorch:0.0.1").all()
    assert scores["score"].notna().all()


def test_demo_writes_tables_in_three_formats_and_figures(finished_demo):
    tables = finished_demo / "results" / "tables"
    per_direction = [f"per_direction/toy_devtest_{metric}" for metric in METRICS]
    for name in ("main", "significance", "ablation", "margin_sweep", "reward_model", "oracle", *per_direction):
        for ext in ("md", "csv", "tex"):
            assert (tables / f"{name}.{ext}").stat().st_size > 0, (name, ext)
    assert "run toy" in (tables / "main.md").read_text()
    assert "\\begin{tabular}" in (tables / "ablation.tex").read_text()
    ablation = pd.read_csv(tables / "ablation.csv")
    assert len(ablation) == 4 and ablation["pairs"].gt(0).all()
    assert ablation.notna().all().all()  # DPO on every sampler x scorer variant: no empty cell
    sweep = pd.read_csv(tables / "margin_sweep.csv")
    assert sweep.drop(columns="min_margin").nunique().gt(1).any()  # the counts move with the margin
    figures = list((finished_demo / "results" / "figures").glob("*.png"))
    assert len(figures) == len(PREFERENCE_RUNS) + 4 + 3 + 1 + 1  # gains, pair counts, margins, curves, sweep,
    # oracle, rule costs
    assert all(path.read_bytes()[:4] == b"\x89PNG" for path in figures)


def test_report_is_self_contained_html_with_figures(finished_demo):
    result = snakemake(finished_demo, "--report", "results/report.html")
    assert result.returncode == 0, result.stderr[-3000:]
    html = (finished_demo / "results" / "report.html").read_text(errors="replace")
    assert "margin_sweep.png" in html and "training_curves.png" in html and "main.csv" in html


def test_every_rule_s_library_param_hashes_its_own_script():
    """A rule reruns when the `eax` code its script imports changes because its `library` param hashes that code:
    the param must name the rule's own script, or an edit to the code the script imports reruns nothing."""
    rules = {}
    for path in sorted((ROOT / "rules").glob("*.smk")):
        for block in re.split(r"^(?=rule \w+:)", path.read_text(), flags=re.M)[1:]:
            name = re.match(r"rule (\w+):", block).group(1)
            script = re.search(r'^\s+"\.\./workflow_scripts/(\w+\.py)"', block, flags=re.M)
            library = re.search(r'library=library_version\("(\w+\.py)"\)', block)
            rules[name] = (script and script.group(1), library and library.group(1))
    scripted = {name: pair for name, pair in rules.items() if pair[0]}
    assert len(scripted) >= 25
    assert {name: pair for name, pair in scripted.items() if pair[0] != pair[1]} == {}
