"""Rule make_figures: gain heatmaps over SFT, pair-count matrices, margin histograms, training curves and the
min_margin sweep, as PNG files under results/figures/."""

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
    for model, path in zip(params.gain_models, output.gains, strict=True):
        save(gain_heatmap(scores, model, "sft", params.metric, params.languages), path)
    for variant, counts_path, path in zip(params.variants, snakemake.input.pair_counts, output.pair_counts,
                                          strict=True):
        save(count_heatmap(pd.read_csv(counts_path, index_col=0), f"x2x preference pairs, {variant}"), path)
    margins = {variant: pd.read_parquet(path)["margin"]
               for variant, path in zip(params.variants, snakemake.input.pairs, strict=True)}
    save(margin_histograms(margins), output.margins)
    histories = {model: read_log_history(path) for model, path in zip(params.log_models, snakemake.input.logs,
                                                                        strict=True)}
    save(training_curves(histories), output.curves)
    save(margin_sweep_plot(pd.read_csv(snakemake.input.sweep)), output.sweep)


run_script(main, snakemake)
