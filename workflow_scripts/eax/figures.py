"""The paper's figures as functions of data frames; each returns a matplotlib Figure (labels, units, colour bars)."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from eax.languages import name_of  # noqa: E402


def _matrix_axes(ax, matrix: pd.DataFrame, title: str, cmap: str, label: str, centre: bool, fmt: str):
    values = matrix.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    if centre:
        bound = max(abs(finite).max(), 1e-9) if finite.size else 1.0
        image = ax.imshow(values, cmap=cmap, vmin=-bound, vmax=bound)
    else:
        image = ax.imshow(values, cmap=cmap)
    ax.set_xticks(range(matrix.shape[1]), [name_of(code) for code in matrix.columns], rotation=45, ha="right")
    ax.set_yticks(range(matrix.shape[0]), [name_of(code) for code in matrix.index])
    ax.set_xlabel("target language")
    ax.set_ylabel("source language")
    ax.set_title(title)
    for (i, j), value in np.ndenumerate(values):
        if np.isfinite(value):
            text = format(value, fmt)
            dark = sum(image.cmap(image.norm(value))[:3]) < 1.5  # white text on dark cells, black on light ones
            ax.text(j, i, format(0.0, fmt) if float(text) == 0 else text, ha="center", va="center", fontsize=8,
                    color="white" if dark else "black")
    ax.figure.colorbar(image, ax=ax, label=label)


def gain_heatmap(scores: pd.DataFrame, model: str, baseline: str, metric: str, languages: list[str]) -> plt.Figure:
    """Source x target matrix of `model`'s metric minus the baseline's, one cell per direction."""
    def matrix(name: str) -> pd.DataFrame:
        rows = scores[(scores["model"] == name) & (scores["metric"] == metric)]
        return rows.pivot_table(index="src_lang", columns="trg_lang", values="score").reindex(
            index=languages, columns=languages)

    gain = matrix(model) - matrix(baseline)
    figure, ax = plt.subplots(figsize=(1.2 * len(languages) + 2.5, 1.0 * len(languages) + 1.5))
    _matrix_axes(ax, gain, f"{metric} gain of {model} over {baseline}", "RdBu", f"Δ {metric} (points)", True, ".1f")
    figure.tight_layout()
    return figure


def count_heatmap(counts: pd.DataFrame, title: str) -> plt.Figure:
    """Preference pairs per source x target language (the pair_counts.csv matrix, totals left out)."""
    matrix = counts.drop(index="total", columns="total", errors="ignore")
    figure, ax = plt.subplots(figsize=(1.2 * matrix.shape[1] + 2.5, 1.0 * matrix.shape[0] + 1.5))
    _matrix_axes(ax, matrix, title, "Blues", "pairs", False, ".0f")
    figure.tight_layout()
    return figure


def _panels(count: int, columns: int, width: float, height: float):
    """A grid of `count` panels (small multiples); unused cells are hidden."""
    columns = max(1, min(columns, count))
    rows = max(1, math.ceil(count / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows), squeeze=False)
    for ax in list(axes.flat)[count:]:
        ax.axis("off")
    return figure, list(axes.flat)[:count]


def margin_histograms(margins: dict[str, pd.Series], bins: int = 20) -> plt.Figure:
    """One histogram of chosen-minus-rejected score margins per variant."""
    figure, axes = _panels(len(margins), 2, 5, 3.2)
    for ax, (variant, values) in zip(axes, margins.items()):
        ax.hist(values, bins=bins, color="tab:blue")
        ax.set_title(f"{variant} ({len(values)} pairs)")
        ax.set_xlabel("margin (reward of chosen - rejected)")
        ax.set_ylabel("pairs")
    figure.tight_layout()
    return figure


def training_curves(histories: dict[str, list[dict]]) -> plt.Figure:
    """Training loss against step, one panel per trained model."""
    figure, axes = _panels(len(histories), 3, 4.5, 3)
    for ax, (name, history) in zip(axes, histories.items()):
        points = [(entry["step"], entry["loss"]) for entry in history if "loss" in entry and "step" in entry]
        if points:
            ax.plot(*zip(*points), marker=".", color="tab:red")
        ax.set_title(name)
        ax.set_xlabel("optimizer step")
        ax.set_ylabel("training loss")
    figure.tight_layout()
    return figure


def margin_sweep_plot(sweep: pd.DataFrame) -> plt.Figure:
    """Pairs kept against min_margin, one line per variant (the `margin_sweep` table)."""
    figure, ax = plt.subplots(figsize=(6, 4))
    for variant in sweep.columns.drop("min_margin"):
        ax.plot(sweep["min_margin"], sweep[variant], marker="o", label=variant)
    ax.set_xlabel("min_margin (reward points)")
    ax.set_ylabel("preference pairs kept")
    ax.set_title("x2x preference pairs by minimum margin")
    ax.legend(title="sampler_scorer")
    figure.tight_layout()
    return figure


def oracle_bars(table: pd.DataFrame) -> plt.Figure:
    """The oracle table as bars: candidate quality per sampler (left), scorer agreement with the truth per
    variant (right, chance = 0.5)."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    samplers = table.drop_duplicates("sampler").set_index("sampler")
    measures = [("mean chrF", "mean"), ("best-of-N chrF", "best of N"), ("on-target %", "on-target %")]
    width = 0.8 / len(measures)
    for k, (column, label) in enumerate(measures):
        left.bar(np.arange(len(samplers)) + k * width, samplers[column], width, label=label)
    left.set_xticks(np.arange(len(samplers)) + width, samplers.index)
    left.set_ylabel("against the true translation (chrF / %)")
    left.set_title("x2x candidates by sampler")
    left.legend()
    agreements = [("ranking agreement", "candidate order"), ("pair-order accuracy", "kept pairs")]
    width = 0.8 / len(agreements)
    for k, (column, label) in enumerate(agreements):
        right.bar(np.arange(len(table)) + k * width, table[column], width, label=label)
    right.axhline(0.5, color="grey", linestyle="--", linewidth=1, label="chance")
    right.set_xticks(np.arange(len(table)) + width / 2, table["variant"], rotation=20)
    right.set_ylim(0, 1)
    right.set_ylabel("share ordered as the truth orders them")
    right.set_title("scorers against the truth")
    right.legend()
    figure.tight_layout()
    return figure


def rule_cost_bars(costs: pd.DataFrame) -> plt.Figure:
    """Each rule's total wall time and its largest job's peak memory, the costliest rule first."""
    figure, (time_ax, memory_ax) = plt.subplots(1, 2, figsize=(11, 0.35 * len(costs) + 1.5), sharey=True)
    positions = np.arange(len(costs))[::-1]
    time_ax.barh(positions, costs["total_s"], color="tab:blue")
    time_ax.set(yticks=positions, yticklabels=costs["rule"], xlabel="wall time, all jobs (s)")
    memory_ax.barh(positions, costs["max_rss_mb"], color="tab:orange")
    memory_ax.set(xlabel="peak resident memory of one job (MB)")
    figure.tight_layout()
    return figure


def seed_spread(per_seed: pd.DataFrame, metric: str) -> plt.Figure:
    """Each model's group means on one metric, a dot per training seed and a bar at their mean: the spread the
    main table's `± sd` summarises."""
    groups = [column for column in per_seed.columns if column.endswith(f" {metric}")]
    models = list(dict.fromkeys(per_seed["model"]))
    figure, axes = plt.subplots(1, len(groups), figsize=(4.5 * len(groups), 4), squeeze=False)
    for ax, column in zip(axes[0], groups):
        for position, model in enumerate(models):
            values = per_seed.loc[per_seed["model"] == model, column].dropna()
            ax.scatter([position] * len(values), values, color="tab:blue", s=18, zorder=3)
            ax.hlines(values.mean(), position - 0.3, position + 0.3, color="black")
        ax.set(title=column, xticks=range(len(models)), ylabel=metric)
        ax.set_xticklabels(models, rotation=45, ha="right")
    figure.tight_layout()
    return figure
