"""Result tables: per-direction scores averaged over direction groups (marked where a paired test finds them
significantly different from the baseline), the tests themselves, the 2x2 ablation, the min_margin sweep;
rendered as CSV, Markdown and LaTeX."""

from __future__ import annotations

import pandas as pd

from eax.languages import PIVOT
from eax.metrics import LOWER_IS_BETTER

GROUP_ORDER = ["en2x", "x2en", "x2x"]
BETTER, WORSE = "↑", "↓"  # significantly better or worse than the baseline
LATEX_MARKS = {BETTER: r"$^\uparrow$", WORSE: r"$^\downarrow$"}
SIGNIFICANCE_COLUMNS = ["testset", "model", "metric", "directions", "baseline", "baseline_score", "score", "delta",
                        "p_value", "significant", "test"]
PAPER_METRICS = ("bleurt", "comet")  # the paper reports "BLEURT / COMET": tables lead with them when present


def metric_order(metrics) -> list[str]:
    """The paper's pair first, then the other metrics in their given order."""
    metrics = list(dict.fromkeys(metrics))
    return [m for m in PAPER_METRICS if m in metrics] + [m for m in metrics if m not in PAPER_METRICS]


def direction_group(src: str, trg: str) -> str:
    if src == PIVOT:
        return "en2x"
    return "x2en" if trg == PIVOT else "x2x"


def whole_groups(scores: pd.DataFrame) -> pd.DataFrame:
    """The scores with their direction `group`, less each (test set, system, metric, group) that lacks some of the
    group's directions on the test set (a published system may cover only some): a mean over fewer directions
    would not compare with the others'."""
    grouped = scores.assign(group=[direction_group(s, t) for s, t in zip(scores["src_lang"], scores["trg_lang"])],
                            direction=scores["src_lang"] + "2" + scores["trg_lang"])
    keys = ["testset", "metric", "group"]
    have = grouped.groupby([*keys, "model"])["direction"].transform("nunique")
    return grouped[have == grouped.groupby(keys)["direction"].transform("nunique")].drop(columns="direction")


def group_means(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per (testset, model), one column per `{group} {metric}`: the mean over that group's directions
    (none where a system lacks some of them)."""
    grouped = whole_groups(scores)
    means = grouped.pivot_table(index=["testset", "model"], columns=["group", "metric"], values="score",
                                aggfunc="mean", sort=False)
    columns = [(g, m) for g in GROUP_ORDER for m in metric_order(scores["metric"]) if (g, m) in means.columns]
    means = means[columns]
    means.columns = [f"{group} {metric}" for group, metric in columns]
    return means.reset_index()


def seed_group_means(scores: pd.DataFrame) -> pd.DataFrame:
    """Each training seed's group means: one row per (testset, model, seed), the columns of `group_means`."""
    grouped = whole_groups(scores)
    means = grouped.pivot_table(index=["testset", "model", "seed"], columns=["group", "metric"], values="score",
                                aggfunc="mean", sort=False)
    means.columns = [f"{group} {metric}" for group, metric in means.columns]
    return means.reset_index()


def with_spread(table: pd.DataFrame, per_seed: pd.DataFrame, digits: int = 2) -> pd.DataFrame:
    """The group-means table (means over seeds) as text `mean ± sd`, the standard deviation over training seeds
    of each group mean; a model trained once (the published systems, the base model) shows its mean alone."""
    spread = per_seed.groupby(["testset", "model"], sort=False).std(ddof=1, numeric_only=True)
    shown = table.copy()
    for column in table.columns.drop(["testset", "model"]):
        shown[column] = [
            "--" if pd.isna(value) else f"{value:.{digits}f}" + (
                f" ± {spread.loc[(testset, model), column]:.{digits}f}"
                if pd.notna(spread.loc[(testset, model), column]) else "")
            for testset, model, value in zip(table["testset"], table["model"], table[column])]
    return shown


def with_marks(table: pd.DataFrame, tests: pd.DataFrame, digits: int = 2) -> pd.DataFrame:
    """The group-means table with each score as text, followed by BETTER or WORSE where the direction group's
    paired test against the baseline is significant (`tests`: compare_with_baseline's rows)."""
    significant = tests[(tests["scope"] == "group") & tests["significant"]]
    marks = {(row.testset, row.model, f"{row.directions} {row.metric}"):
             BETTER if (row.delta > 0) != (row.metric in LOWER_IS_BETTER) else WORSE
             for row in significant.itertuples(index=False)}
    marked = table.copy()
    for column in table.columns.drop(["testset", "model"]):
        marked[column] = ["--" if pd.isna(value) else f"{value:.{digits}f}{marks.get((testset, model, column), '')}"
                          for testset, model, value in zip(table["testset"], table["model"], table[column])]
    return marked


def significance_summary(tests: pd.DataFrame) -> pd.DataFrame:
    """The direction-group tests, one row per (test set, model, metric, group); per-direction rows stay in
    results/significance/."""
    groups = tests[tests["scope"] == "group"]
    return (groups[SIGNIFICANCE_COLUMNS].reset_index(drop=True) if len(groups)
            else pd.DataFrame(columns=SIGNIFICANCE_COLUMNS))


def is_number_column(column: pd.Series) -> bool:
    """Numbers, or numbers as text with a significance mark (`with_marks`): right-aligned in a table."""
    return pd.api.types.is_numeric_dtype(column) or bool(
        len(column) and column.astype(str).str.fullmatch(rf"-?[0-9.]+([{BETTER}{WORSE}]| ± [0-9.]+)?|--").all())


def to_markdown(frame: pd.DataFrame, digits: int = 2) -> str:
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---:" if is_number_column(frame[c]) else "---" for c in frame.columns) + "|"
    body = [
        "| " + " | ".join(("--" if pd.isna(v) else f"{v:.{digits}f}") if isinstance(v, float) else str(v) for v in row)
        + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *body]) + "\n"


def to_latex(frame: pd.DataFrame, caption: str, digits: int = 2) -> str:
    """A booktabs table; numbers right-aligned, text escaped."""
    def cell(value) -> str:
        if isinstance(value, float):
            return "--" if pd.isna(value) else f"{value:.{digits}f}"
        text = str(value).replace("_", r"\_").replace("%", r"\%").replace("&", r"\&")
        for mark, latex in LATEX_MARKS.items():
            text = text.replace(mark, latex)
        return text

    align = "".join("r" if is_number_column(frame[c]) else "l" for c in frame.columns)
    lines = [r"\begin{table}[t]", r"\centering", rf"\begin{{tabular}}{{{align}}}", r"\toprule",
             " & ".join(cell(c) for c in frame.columns) + r" \\", r"\midrule"]
    lines += [" & ".join(cell(v) for v in row) + r" \\" for row in frame.itertuples(index=False)]
    lines += [r"\bottomrule", r"\end{tabular}", rf"\caption{{{cell(caption)}}}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def per_direction(scores: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One row per (testset, model), one column per direction `src2trg`, for one metric."""
    chosen = scores[scores["metric"] == metric].assign(direction=lambda f: f["src_lang"] + "2" + f["trg_lang"])
    table = chosen.pivot_table(index=["testset", "model"], columns="direction", values="score", sort=False)
    return table.reset_index().rename_axis(columns=None)


def ablation(pair_counts: dict[str, int], x2x_means: dict[str, float], samplers: list[str],
             scorers: list[str]) -> pd.DataFrame:
    """The sampler x scorer grid: pairs kept per variant and, where a DPO model was trained on it, its x2x mean."""
    rows = []
    for sampler in samplers:
        for scorer in scorers:
            variant = f"{sampler}_{scorer}"
            rows.append({"sampler": sampler, "scorer": scorer, "pairs": pair_counts.get(variant, 0),
                         "dpo x2x": x2x_means.get(variant, float("nan"))})
    return pd.DataFrame(rows)


def reward_model_row(history: list[dict]) -> pd.DataFrame:
    """The reward model's held-out figures (pairs, accuracy, mean chosen-minus-rejected margin) and final loss."""
    from eax.training_log import last_value

    return pd.DataFrame([{"model": "rm", "held-out pairs": last_value(history, "heldout_pairs"),
                          "held-out accuracy": last_value(history, "heldout_accuracy"),
                          "held-out margin": last_value(history, "heldout_margin"),
                          "final train loss": last_value(history, "loss")}])


def margin_sweep(pair_counts: dict[tuple[str, float], int]) -> pd.DataFrame:
    """Pairs kept per variant (columns) at each min_margin (rows)."""
    frame = pd.Series(pair_counts).rename_axis(["variant", "min_margin"]).rename("pairs").reset_index()
    table = frame.pivot_table(index="min_margin", columns="variant", values="pairs", sort=True)
    return table.reset_index().rename_axis(columns=None)


def reproduction_card(scores: pd.DataFrame, published: list[dict], base_model: str, tolerance: float) -> pd.DataFrame:
    """This run's score beside each published one: the same model, test set and metric, over the same direction
    group (the mean over its directions, as the main table) or pair. A number published for another base model
    is shown but not judged."""
    from eax.languages import split_pair_name

    groups = [direction_group(src, trg) for src, trg in zip(scores["src_lang"], scores["trg_lang"])]
    rows = []
    for item in published:
        chosen = (scores["testset"] == item["testset"]) & (scores["model"] == item["model"]) & (
            scores["metric"] == item["metric"])
        if item["directions"] in GROUP_ORDER:
            chosen &= pd.Series(groups, index=scores.index) == item["directions"]
        else:
            src, trg = split_pair_name(item["directions"])
            chosen &= (scores["src_lang"] == src) & (scores["trg_lang"] == trg)
        ours = float(scores.loc[chosen, "score"].mean()) if chosen.any() else float("nan")
        difference = ours - item["value"]
        if not chosen.any():
            status = "not evaluated"
        elif item["base_model"] != base_model:
            status = f"different base model ({item['base_model']})"
        else:
            status = "within tolerance" if abs(difference) <= tolerance else "outside tolerance"
        rows.append({"model": item["model"], "testset": item["testset"], "directions": item["directions"],
                     "metric": item["metric"], "published": item["value"], "ours": ours, "difference": difference,
                     "status": status, "source": item["source"]})
    return pd.DataFrame(rows)
