"""Result tables: per-direction scores averaged over direction groups, rendered as CSV and Markdown."""

from __future__ import annotations

import pandas as pd

from eax.languages import PIVOT

GROUP_ORDER = ["en2x", "x2en", "x2x"]


def direction_group(src: str, trg: str) -> str:
    if src == PIVOT:
        return "en2x"
    return "x2en" if trg == PIVOT else "x2x"


def group_means(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per (testset, model), one column per `{group} {metric}`: the mean over that group's directions."""
    grouped = scores.assign(group=[direction_group(s, t) for s, t in zip(scores["src_lang"], scores["trg_lang"])])
    means = grouped.pivot_table(index=["testset", "model"], columns=["group", "metric"], values="score",
                                aggfunc="mean", sort=False)
    columns = [(g, m) for g in GROUP_ORDER for m in scores["metric"].unique() if (g, m) in means.columns]
    means = means[columns]
    means.columns = [f"{group} {metric}" for group, metric in columns]
    return means.reset_index()


def to_markdown(frame: pd.DataFrame, digits: int = 2) -> str:
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---:" if pd.api.types.is_numeric_dtype(frame[c]) else "---" for c in frame.columns) + "|"
    body = [
        "| " + " | ".join(f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in row) + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *body]) + "\n"
