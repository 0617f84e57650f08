"""Rule make_figures: gain heatmaps over SFT, pair-count matrices, margin histograms, training curves and the
min_margin sweep, as PNG files under results/figures/."""

from pathlib import Path

import pandas as pd

from eax.figures import count_heatmap, gain_heatmap, margin_histograms, margin_sweep_plot, training_curves
from eax.io import atomic_path
from eax.runner import run_script
from eax.training_log import read_log_history


def save(figure, path: str) -> None:
    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=110, format="png")


def main(snakemake) -> None:
    params, output = snakemake.params, snakemake.output
    scores = pd.concat([pd.read_csv(path) for path in snakemake.input.scores], ignore_index=True)
    scores = scores[scores["testset"] == params.testset]
    for path in output.gains:
        model = Path(path).stem.removeprefix("gain_")
        save(gain_heatmap(scores, model, "sft", params.metric, params.languages), path)
    for counts_path, path in zip(snakemake.input.pair_counts, output.pair_counts):
        variant = Path(counts_path).parents[1].name
        save(count_heatmap(pd.read_csv(counts_path, index_col=0), f"x2x preference pairs, {variant}"), path)
    margins = {Path(path).parents[1].name: pd.read_parquet(path)["margin"] for path in snakemake.input.pairs}
    save(margin_histograms(margins), output.margins)
    histories = {Path(path).parent.name: read_log_history(path) for path in snakemake.input.logs}
    save(training_curves(histories), output.curves)
    save(margin_sweep_plot(pd.read_csv(snakemake.input.sweep)), output.sweep)


run_script(main, snakemake)
