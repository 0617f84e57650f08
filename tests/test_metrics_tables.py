import pandas as pd
import pytest

from eax.generation import clean_output, length_sorted_batches
from eax.languages import bleu_tokenizer
from eax.metrics import DirectionSegments, score_direction
from eax.tables import (
    direction_group,
    group_means,
    reproduction_card,
    reward_model_row,
    seed_group_means,
    significance_summary,
    to_latex,
    to_markdown,
    with_marks,
    with_spread,
)


@pytest.mark.parametrize("lang, tokenizer", [("zh", "zh"), ("ko", "ko-mecab"), ("ja", "ja-mecab"), ("de", "13a"),
                                             ("qac", "zh")])
def test_bleu_tokenizer_follows_target_language(lang, tokenizer):
    assert bleu_tokenizer(lang) == tokenizer


def test_identical_hypotheses_score_100_and_signature_names_tokenizer():
    refs = ["Das ist gut.", "Ein Haus steht hier."]
    bleu, chrf = score_direction(["bleu", "chrf"], refs, refs, "de")
    assert bleu.value == pytest.approx(100) and chrf.value == pytest.approx(100)
    assert bleu.segments == pytest.approx((100, 100)) and chrf.segments == pytest.approx((100, 100))
    assert "tok:13a" in bleu.signature


def test_chinese_bleu_uses_character_tokenization():
    refs = ["我们今天去公园。"]
    zh = score_direction(["bleu"], ["我们明天去公园。"], refs, "zh")[0]
    assert "tok:zh" in zh.signature and 0 < zh.value < 100


def test_line_count_mismatch_is_refused():
    with pytest.raises(ValueError, match="1 hypotheses for 2 references"):
        score_direction(["chrf"], ["a"], ["a", "b"], "de")


def test_group_means_average_each_direction_group():
    scores = pd.DataFrame([
        ("t", "sft", "en", "de", "chrf", 40.0), ("t", "sft", "en", "fr", "chrf", 60.0),
        ("t", "sft", "de", "en", "chrf", 30.0), ("t", "sft", "de", "fr", "chrf", 10.0),
    ], columns=["testset", "model", "src_lang", "trg_lang", "metric", "score"])
    table = group_means(scores)
    assert table.to_dict("records") == [
        {"testset": "t", "model": "sft", "en2x chrf": 50.0, "x2en chrf": 30.0, "x2x chrf": 10.0}]
    assert "| t | sft | 50.00 | 30.00 | 10.00 |" in to_markdown(table)
    assert [direction_group("en", "de"), direction_group("de", "en"),
            direction_group("de", "fr")] == ["en2x", "x2en", "x2x"]


def test_a_system_covering_part_of_a_group_gets_no_mean_of_that_group():
    scores = pd.DataFrame([
        ("t", "sft", "en", "de", "chrf", 40.0), ("t", "sft", "en", "fr", "chrf", 60.0),
        ("t", "sft", "de", "en", "chrf", 30.0),
        ("t", "gpt4", "en", "de", "chrf", 70.0), ("t", "gpt4", "de", "en", "chrf", 50.0),  # no en2fr
    ], columns=["testset", "model", "src_lang", "trg_lang", "metric", "score"])
    table = group_means(scores).set_index("model")
    assert table.loc["sft", "en2x chrf"] == 50.0 and pd.isna(table.loc["gpt4", "en2x chrf"])
    assert table.loc["gpt4", "x2en chrf"] == 50.0
    shown = table.reset_index()[["testset", "model", "en2x chrf", "x2en chrf"]]
    assert "| t | gpt4 | -- | 50.00 |" in to_markdown(shown)


def test_length_sorted_batches_cover_every_index_once_longest_first():
    batches = list(length_sorted_batches([3, 9, 1, 7, 5], 2))
    assert batches == [[1, 3], [4, 0], [2]]


@pytest.mark.parametrize("raw, expected", [
    ("  Hallo Welt.<|im_end|>junk", "Hallo Welt."),
    ("line one\n\nline two", "line one; line two"),
    ("<|im_end|>", ""),
])
def test_clean_output_cuts_at_end_of_turn_and_flattens_lines(raw, expected):
    assert clean_output(raw, ("<|im_end|>",)) == expected


def test_latex_ablation_and_sweep_tables():
    from eax.tables import ablation, margin_sweep, per_direction, to_latex

    grid = ablation({"eaxt_eaxe": 5}, {"eaxt_eaxe": 3.25}, ["eaxt", "direct"], ["eaxe", "direct"])
    assert grid["pairs"].tolist() == [5, 0, 0, 0] and grid["dpo x2x"].isna().tolist() == [False, True, True, True]
    latex = to_latex(grid, "2x2 ablation_run")
    assert r"\begin{tabular}{llrr}" in latex and "3.25" in latex and "--" in latex and r"ablation\_run" in latex
    sweep = margin_sweep({("eaxt_eaxe", 0.0): 10, ("eaxt_eaxe", 1.0): 4})
    assert sweep.to_dict("list") == {"min_margin": [0.0, 1.0], "eaxt_eaxe": [10.0, 4.0]}
    scores = pd.DataFrame([("t", "m", "de", "fr", "chrf", 1.0)], columns=["testset", "model", "src_lang", "trg_lang",
                                                                         "metric", "score"])
    assert per_direction(scores, "chrf").columns.tolist() == ["testset", "model", "de2fr"]


def test_main_table_leads_with_the_papers_pair_bleurt_then_comet():
    scores = pd.DataFrame([{"testset": "t", "model": "sft", "src_lang": "de", "trg_lang": "fr", "metric": metric,
                            "score": 1.0} for metric in ("chrf", "comet", "bleu", "bleurt")])
    assert list(group_means(scores).columns) == ["testset", "model", "x2x bleurt", "x2x comet", "x2x chrf", "x2x bleu"]


def test_reward_model_row_reads_the_held_out_figures():
    history = [{"loss": 0.7, "step": 1}, {"loss": 0.5, "step": 2},
               {"heldout_loss": 0.6, "heldout_accuracy": 0.75, "heldout_margin": 0.3, "heldout_pairs": 4}]
    row = reward_model_row(history).iloc[0]
    assert (row["held-out pairs"], row["held-out accuracy"], row["held-out margin"], row["final train loss"]) == (
        4, 0.75, 0.3, 0.5)


def test_significant_groups_are_marked_in_the_main_tables_text_only():
    table = pd.DataFrame([{"testset": "t", "model": "sft", "x2x chrf": 10.0, "x2en chrf": 30.0},
                          {"testset": "t", "model": "dpo", "x2x chrf": 14.0, "x2en chrf": 25.0}])
    test = {"testset": "t", "metric": "chrf", "baseline": "sft", "model": "dpo", "baseline_score": 0.0, "score": 0.0,
            "p_value": 0.01, "significant": True, "system_wins": None, "test": "sacrebleu paired bootstrap"}
    tests = pd.DataFrame([{**test, "scope": "group", "directions": "x2x", "delta": 4.0},
                          {**test, "scope": "group", "directions": "x2en", "delta": -5.0, "significant": False},
                          {**test, "scope": "direction", "directions": "de2en", "delta": -5.0}])
    marked = with_marks(table, tests)
    assert marked.to_dict("records") == [{"testset": "t", "model": "sft", "x2x chrf": "10.00", "x2en chrf": "30.00"},
                                         {"testset": "t", "model": "dpo", "x2x chrf": "14.00↑", "x2en chrf": "25.00"}]
    assert r"14.00$^\uparrow$" in to_latex(marked, "main")
    assert with_marks(table, tests.assign(delta=-4.0)).loc[1, "x2x chrf"] == "14.00↓"
    off_target = with_marks(table.rename(columns={"x2x chrf": "x2x off_target"}), tests.assign(metric="off_target"))
    assert off_target.loc[1, "x2x off_target"] == "14.00↓"  # more outputs in the wrong language: worse
    assert list(significance_summary(tests)["directions"]) == ["x2x", "x2en"]
    assert significance_summary(tests.iloc[:0]).empty


def test_the_reproduction_card_judges_only_numbers_of_the_same_base_model():
    scores = pd.DataFrame([
        ("flores", "sft", "en", "de", "comet", 80.0), ("flores", "sft", "en", "fr", "comet", 84.0),
        ("flores", "sft", "de", "fr", "comet", 70.0), ("flores", "dpo", "de", "fr", "comet", 75.0),
    ], columns=["testset", "model", "src_lang", "trg_lang", "metric", "score"])
    row = {"testset": "flores", "metric": "comet", "base_model": "Qwen/Qwen2.5-7B", "source": "the paper"}
    published = [{**row, "model": "sft", "directions": "en2x", "value": 81.5},
                 {**row, "model": "dpo", "directions": "x2x", "value": 72.0},
                 {**row, "model": "dpo", "directions": "de2fr", "value": 75.5,
                  "base_model": "meta-llama/Llama-2-7b-hf"},
                 {**row, "model": "sft", "directions": "x2en", "value": 60.0}]
    card = reproduction_card(scores, published, "Qwen/Qwen2.5-7B", tolerance=1.0)
    assert list(card["ours"].round(2).fillna(-1)) == [82.0, 75.0, 75.0, -1]
    assert list(card["difference"].round(2).fillna(-1)) == [0.5, 3.0, -0.5, -1]
    assert list(card["status"]) == ["within tolerance", "outside tolerance",
                                    "different base model (meta-llama/Llama-2-7b-hf)", "not evaluated"]


def test_rule_costs_suggest_the_largest_job_with_headroom():
    from eax.benchmarks import rule_costs

    def jobs(*rows):
        return [pd.DataFrame([{"s": s, "max_rss": rss}]) for s, rss in rows]

    costs = rule_costs({"train_sft": jobs((130.0, 1900.0)), "score": jobs((10.0, 300.0), (50.0, "-")), "none": []})
    assert list(costs["rule"]) == ["train_sft", "score"]  # costliest first; a rule with no benchmark file left out
    sft, score = costs.to_dict("records")
    assert (sft["suggested_mem_mb"], sft["suggested_runtime_min"]) == (2900, 4)  # 1900 x 1.5, 195 s
    assert (score["jobs"], score["total_s"], score["max_rss_mb"], score["suggested_runtime_min"]) == (2, 60.0, 300, 2)


def test_several_training_seeds_show_their_mean_and_spread():
    rows = [("t", model, seed, "de", "fr", "chrf", value) for model, seed, value in
            [("sft", 0, 10.0), ("sft", 1, 14.0), ("dpo", 0, 20.0), ("dpo", 1, 20.0)]]
    rows.append(("t", "published", 0, "de", "fr", "chrf", 50.0))  # not trained: one seed only
    scores = pd.DataFrame(rows, columns=["testset", "model", "seed", "src_lang", "trg_lang", "metric", "score"])
    table = group_means(scores)
    assert list(table["x2x chrf"]) == [12.0, 20.0, 50.0]  # the mean over seeds, as with one seed
    per_seed = seed_group_means(scores)
    assert len(per_seed) == 5 and set(per_seed["seed"]) == {0, 1}
    shown = with_spread(table, per_seed)
    assert list(shown["x2x chrf"]) == ["12.00 ± 2.83", "20.00 ± 0.00", "50.00"]
    assert to_markdown(shown).splitlines()[1] == "|---|---|---:|"


def test_the_off_target_rate_counts_outputs_in_another_language_or_in_none():
    from eax.metrics import score_directions

    hypotheses = ["Das ist ein schönes Haus am See.", "C'est une belle maison au bord du lac.", "", "42"]
    data = {("fr", "de"): DirectionSegments(["x"] * 4, hypotheses, ["Das Haus."] * 4)}
    score = score_directions("off_target", data, languages=["en", "de", "fr"])["fr", "de"]
    assert score.segments == (0.0, 100.0, 100.0, 100.0) and score.value == 75.0
    assert score.signature.startswith("off_target|py3langid:0.2.2|among:de+en+fr")


def test_generated_tokens_are_counted_up_to_the_stop_token_and_capped_outputs_named():
    from eax.generation import output_length, throughput

    assert output_length([5, 6, 2, 0, 0], stop_ids=[2, 1]) == (3, True)  # the padding after the stop is not generated
    assert output_length([5, 6, 7], stop_ids=[2]) == (3, False)  # never stopped: the whole budget
    line = throughput("translate", [(3, True), (8, True), (8, False)], seconds=2.0, max_new_tokens=8)
    assert line == "translate: 3 outputs, 19 tokens in 2.0 s = 9.5 tokens/s; 1 hit max_new_tokens 8"
