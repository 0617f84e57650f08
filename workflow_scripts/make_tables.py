"""Rule make_tables: the main table (its Markdown and LaTeX marked where a paired test against the baseline is
significant), the significance tests by direction group, the 2x2 sampler x scorer ablation, the min_margin sweep
and per-direction scores of each test set (FLORES, WMT, ...) and metric, each as Markdown, CSV and LaTeX under
results/tables/."""

import pandas as pd

from eax.io import write_text
from eax.runner import run_script
from eax.tables import (
    BETTER,
    SIGNIFICANCE_COLUMNS,
    WORSE,
    ablation,
    group_means,
    margin_sweep,
    per_direction,
    reward_model_row,
    seed_group_means,
    significance_summary,
    to_latex,
    to_markdown,
    with_marks,
    with_spread,
)
from eax.training_log import read_log_history


def pair_total(path: str) -> int:
    return int(pd.read_csv(path, index_col=0).loc["total", "total"])


def write_table(frame: pd.DataFrame, paths: dict[str, str], title: str, run_name: str,
                marked: pd.DataFrame | None = None) -> None:
    """CSV of `frame`; Markdown and LaTeX of `marked` (the same table as text, with significance marks) if given."""
    caption = f"{title} (run {run_name})"
    shown = frame if marked is None else marked
    write_text(f"# {caption}\n\n" + to_markdown(shown), paths["md"])
    write_text(frame.to_csv(index=False, float_format="%.4f"), paths["csv"])
    write_text(to_latex(shown, caption), paths["tex"])


def outputs(snakemake, name: str) -> dict[str, str]:
    return {ext: getattr(snakemake.output, f"{name}_{ext}") for ext in ("md", "csv", "tex")}


def main(snakemake) -> None:
    params = snakemake.params
    scores = pd.concat([pd.read_csv(path).assign(seed=seed)
                        for seed, path in zip(params.score_seeds, snakemake.input.scores, strict=True)],
                       ignore_index=True)
    main_table = group_means(scores)
    tests = pd.concat([pd.read_csv(path) for path in snakemake.input.significance], ignore_index=True) if (
        snakemake.input.significance) else pd.DataFrame(columns=["scope", *SIGNIFICANCE_COLUMNS])
    title = "Mean score per direction group"
    if scores["seed"].nunique() > 1:  # mean ± sd over training seeds; the tests are of the first seed's models
        title += f" over training seeds {', '.join(map(str, scores['seed'].unique()))} (mean ± sd)"
        shown = with_spread(main_table, seed_group_means(scores))
    else:
        shown = with_marks(main_table, tests)
        if len(tests):
            title += (f" ({BETTER}/{WORSE}: significantly better/worse than {params.baseline}, p < {params.alpha}; "
                      "tests in significance.md)")
    write_table(main_table, outputs(snakemake, "main"), title, params.run_name, marked=shown)
    write_table(significance_summary(tests), outputs(snakemake, "significance"),
                f"Paired tests against {params.baseline} by direction group", params.run_name)

    counts = {(variant, margin): pair_total(path)
              for (variant, margin), path in zip(params.pair_count_keys, snakemake.input.pair_counts, strict=True)}
    sweep = margin_sweep(counts)
    write_table(sweep, outputs(snakemake, "sweep"), "x2x preference pairs kept per min_margin", params.run_name)

    x2x_column = f"x2x {params.main_metric}"
    x2x_means = dict(zip(main_table["model"], main_table.get(x2x_column, pd.Series(dtype=float))))
    dpo_x2x = {data: x2x_means[run] for run, data in params.dpo_runs if run in x2x_means}
    main_counts = {variant: total for (variant, margin), total in counts.items() if margin == params.main_margin}
    grid = ablation(main_counts, dpo_x2x, params.samplers, params.scorers).rename(
        columns={"dpo x2x": f"dpo {x2x_column}"})
    write_table(grid, outputs(snakemake, "ablation"),
                "Sampler x scorer ablation (pairs at the main margin, DPO on them)", params.run_name)
    reward_model = reward_model_row(read_log_history(snakemake.input.reward_model_log))
    write_table(reward_model, outputs(snakemake, "reward_model"), "Reward model on its held-out pairs", params.run_name)
    per_direction_paths: dict[tuple[str, str], dict[str, str]] = {}
    for (testset, metric, ext), path in zip(params.per_direction_keys, snakemake.output.per_direction, strict=True):
        per_direction_paths.setdefault((testset, metric), {})[ext] = path
    for (testset, metric), paths in per_direction_paths.items():
        table = per_direction(scores[scores["testset"] == testset], metric)
        write_table(table, paths, f"{testset}: {metric} per direction", params.run_name)
    print(to_markdown(main_table))
    print(to_markdown(grid))


run_script(main, snakemake)
