import pandas as pd

from eax.figures import count_heatmap, gain_heatmap, margin_histograms, margin_sweep_plot, training_curves

SCORES = pd.DataFrame([
    (model, src, trg, "chrf", score)
    for model, bonus in (("sft", 0.0), ("dpo", 2.0))
    for src, trg, score in (("de", "fr", 10.0), ("fr", "de", 20.0), ("en", "de", 30.0))
    for score in [score + bonus]
], columns=["model", "src_lang", "trg_lang", "metric", "score"])


def test_gain_heatmap_labels_languages_and_colour_bar():
    figure = gain_heatmap(SCORES, "dpo", "sft", "chrf", ["en", "de", "fr"])
    ax, colourbar = figure.axes
    assert [t.get_text() for t in ax.get_xticklabels()] == ["English", "German", "French"]
    assert ax.get_xlabel() == "target language" and "chrf" in colourbar.get_ylabel()
    assert {t.get_text() for t in ax.texts} == {"2.0"}  # three directions, each +2


def test_other_figures_draw_from_their_tables():
    counts = pd.DataFrame({"de": [0, 3, 3], "fr": [2, 0, 2], "total": [2, 3, 5]}, index=["de", "fr", "total"])
    assert count_heatmap(counts, "pairs").axes[0].get_title() == "pairs"
    assert len(margin_histograms({"a": pd.Series([1.0, 2.0]), "b": pd.Series([0.5])}).axes) == 2
    curves = training_curves({"sft": [{"step": 1, "loss": 2.0}, {"step": 2, "loss": 1.0}], "rm": []})
    assert curves.axes[0].lines[0].get_ydata().tolist() == [2.0, 1.0]
    sweep = pd.DataFrame({"min_margin": [0.0, 1.0], "eaxt_eaxe": [10, 4], "direct_direct": [12, 8]})
    assert len(margin_sweep_plot(sweep).axes[0].lines) == 2
