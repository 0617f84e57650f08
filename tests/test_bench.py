"""bench/gpu_cost.py and bench/paper_scale.py: the cost model counts the workflow's own jobs and sizes shards to
its start-up goal; the paper-scale bench runs the rules' own scripts."""

import subprocess
import sys
from argparse import Namespace

import pandas as pd
import pytest
import yaml
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import gpu_cost  # noqa: E402

from eax.config import load_config

FIGURES = Namespace(gen_tps=3363, hf_gap=14, vllm_startup=90, hf_startup=40, metric_startup=20, prompt_tokens=120,
                    output_tokens=50, mfu=0.4, peak_flops=312e12, policy_params=7.6e9, metric_params=0.58e9)


def paper_stages(shards: int, rows: int = 20_000) -> tuple[dict, int]:
    config = load_config(ROOT / "config" / "paper.yaml")
    config["data"]["shards_per_pair"] = shards
    corpus = gpu_cost.synthetic_corpus(rows, gpu_cost.language_shares(config["languages"]))
    return {stage.name: stage for stage in gpu_cost.stages(config, corpus, FIGURES)}, len(corpus)


def test_jobs_are_the_dag_s_and_rows_are_the_seed_functions():
    stages, corpus_rows = paper_stages(shards=3)
    assert len(stages["sample_x2x_candidates"].rows_per_job) == 72 * 3
    assert len(stages["sample_rm_candidates"].rows_per_job) == 18 * 3
    assert sum(stages["sample_rm_candidates"].rows_per_job) == corpus_rows  # every row seeds its own direction
    assert sum(stages["sample_x2x_candidates"].rows_per_job) == 8 * corpus_rows  # each x text, to 8 other languages


@pytest.mark.slow  # the cost model over a 150k-row corpus: about 12 s
def test_the_recommended_shards_keep_start_up_within_the_target():
    def share(shards: int) -> float:
        return paper_stages(shards, rows=150_000)[0]["sample_x2x_candidates"].startup_share

    stage = paper_stages(shards=1, rows=150_000)[0]["sample_x2x_candidates"]
    shards = gpu_cost.largest_shards_within(stage, 72, 0.10)
    assert shards > 1 and share(shards) <= 0.10 < share(shards + 1)


def test_the_script_prints_every_stage():
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "gpu_cost.py"), "--rows", "20000"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    for stage in ("sample_rm_candidates", "score_rm_candidates", "sample_x2x_candidates", "score_x2x_candidates"):
        assert f"| {stage} |" in result.stdout
    assert "start-up" in result.stdout.splitlines()[-1]


@pytest.mark.slow  # runs the rule scripts in fresh processes: about 17 s
def test_the_paper_scale_bench_runs_the_rule_scripts_and_reports_time_and_memory(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "paper_scale.py"), "--rows", "1000",
                             "--keep", str(tmp_path)], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "make_seed_shards:" in result.stdout and "make_x2x_pairs (one variant" in result.stdout
    pairs = pd.read_parquet(next(tmp_path.glob("pairs/margin_*/pairs.parquet")))
    assert len(pairs) > 0 and set(pairs["src_lang"]) | set(pairs["trg_lang"]) <= {"de", "fr", "nl", "it", "es", "pt",
                                                                                   "ko", "ru", "zh"}


def test_every_planted_bug_of_the_science_bench_still_finds_its_line():
    """bench/science.py --mutation edits one line of the library; a refactor that moves that line must update it."""
    import science

    for mutation, (file, original, bug, rule) in science.MUTATIONS.items():
        text = (ROOT / file).read_text()
        assert text.count(original) == 1 and bug != original, mutation
        assert f"rule {rule}:" in "".join(path.read_text() for path in (ROOT / "rules").glob("*.smk")), rule


def test_a_science_run_imports_the_library_of_its_own_copy(tmp_path):
    """The venv's editable install names the original checkout; a planted bug lives in the copy."""
    import science

    (tmp_path / "workflow_scripts" / "eax").mkdir(parents=True)
    (tmp_path / "workflow_scripts" / "eax" / "__init__.py").write_text("")
    found = subprocess.run([sys.executable, "-c", "import eax; print(eax.__file__)"], capture_output=True, text=True,
                           env=science.run_environment(tmp_path, "native"), check=True).stdout
    assert found.strip() == str(tmp_path / "workflow_scripts" / "eax" / "__init__.py")


def test_a_science_run_on_avx2_kernels_runs_torch_on_avx2():
    """bench/science.py --kernels avx2: the setting reaches torch (on a CPU with AVX-512 it is a real change)."""
    import science

    capability = subprocess.run([sys.executable, "-c", "import torch; print(torch.backends.cpu.get_cpu_capability())"],
                                capture_output=True, text=True, check=True,
                                env=science.run_environment(ROOT, "avx2")).stdout.strip()
    assert capability in {"AVX2", "DEFAULT"}  # DEFAULT: a CPU without AVX2


def test_the_science_spread_gives_each_model_and_group_its_mean_and_range():
    import science

    from eax.science import Outcomes

    def outcome(shift: float) -> Outcomes:
        main = pd.DataFrame([{"model": model, **{f"{group} chrf": 40 + shift + index for index, group in
                                                   enumerate(science.SPREAD_GROUPS)}}
                             for model in science.SPREAD_MODELS]).set_index("model")
        return Outcomes(main, pd.DataFrame())

    text = science.spread_markdown(science.main_table(["a", "b"], [outcome(0.0), outcome(3.0)]))
    assert "| sft | 41.5 [40.0, 43.0] | 42.5 [41.0, 44.0] | 43.5 [42.0, 45.0] |" in text
    assert text.startswith("chrF over 2 runs (a, b)")
    claims = pd.DataFrame([{"claim": "c", "threshold": 2.0, "mean": 1.5, "min": -1.0, "max": 4.0, "holds": "1/2"}])
    assert "| c | 2 | 1.50 | [-1.00, 4.00] | 1/2 runs |" in science.claims_markdown(claims)


def test_the_spread_replaces_only_the_block_between_a_page_s_markers():
    import science

    start, end = science.markers("spread")
    text = f"# Title\n{start}\nold table\n{end}\nafter\n"
    assert science.with_block(text, "spread", "new table\n") == f"# Title\n{start}\nnew table\n{end}\nafter\n"
    assert science.with_block(text, "claims", "x") == text


def test_the_bench_names_the_machine_it_measured_on():
    import machine

    assert "cores" in machine.describe() and "torch 2.13.0" in machine.describe()


def test_a_reused_science_run_must_be_the_same_seeds_and_brings_its_results_and_record(tmp_path):
    """bench/science.py --reuse: a kept run of another seed would mix two training runs in one row of claims."""
    import science

    kept = tmp_path / "kept"
    (kept / "config").mkdir(parents=True)
    (kept / "config" / "config.yaml").write_text(yaml.safe_dump(science.shifted_config(1, None)))
    for path in ("results/models/sft/config.json", ".snakemake/metadata/abc", ".snakemake/locks/0.input.lock"):
        (kept / path).parent.mkdir(parents=True, exist_ok=True)
        (kept / path).write_text("x")
    with pytest.raises(SystemExit, match="was run with training.seed 43, not this seed's 44"):
        science.copy_kept_run(kept, tmp_path / "other", science.shifted_config(2, None))
    science.copy_kept_run(kept, tmp_path / "same", science.shifted_config(1, None))
    copied = {str(path.relative_to(tmp_path / "same")) for path in (tmp_path / "same").rglob("*") if path.is_file()}
    assert copied == {"results/models/sft/config.json", ".snakemake/metadata/abc"}

