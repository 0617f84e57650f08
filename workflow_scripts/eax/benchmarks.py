"""What each rule's jobs cost, from Snakemake's `benchmark:` files, and the resources a cluster profile should ask
for: the numbers to take from a pilot run into `config.resources` and the profiles."""

from __future__ import annotations

import math

import pandas as pd

HEADROOM = 1.5  # asked for = measured peak x this: memory and time vary between inputs and nodes
COST_COLUMNS = ["rule", "jobs", "total_s", "median_s", "max_s", "max_rss_mb", "suggested_mem_mb",
                "suggested_runtime_min"]


def rule_costs(benchmarks: dict[str, list[pd.DataFrame]], headroom: float = HEADROOM) -> pd.DataFrame:
    """One row per rule with benchmarked jobs: wall time (total, median, largest), the largest resident set of
    any job, and what to ask for: memory rounded up to 100 MB, run time to the minute, both with `headroom`."""
    rows = []
    for rule, frames in benchmarks.items():
        if not frames:
            continue
        jobs = pd.concat(frames, ignore_index=True)
        seconds, rss = jobs["s"].astype(float), pd.to_numeric(jobs["max_rss"], errors="coerce").fillna(0)
        rows.append({"rule": rule, "jobs": len(jobs), "total_s": seconds.sum(), "median_s": seconds.median(),
                     "max_s": seconds.max(), "max_rss_mb": rss.max(),
                     "suggested_mem_mb": max(100, math.ceil(rss.max() * headroom / 100) * 100),
                     "suggested_runtime_min": max(1, math.ceil(seconds.max() * headroom / 60))})
    table = pd.DataFrame(rows, columns=COST_COLUMNS)
    return table.sort_values("total_s", ascending=False, kind="stable").reset_index(drop=True)
