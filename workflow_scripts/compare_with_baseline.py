"""Rule compare_with_baseline: paired significance of every system on a test set against the configured baseline,
for one metric, per direction and per direction group (eax.significance says which test each metric gets)."""

from pathlib import Path

import numpy as np
import pandas as pd

from eax.io import write_text
from eax.languages import pair_name, split_pair_name
from eax.metrics import SACREBLEU_METRICS
from eax.runner import run_script
from eax.significance import Comparison, Segments, sacrebleu_comparison, segment_comparison, significant
from eax.tables import GROUP_ORDER, direction_group
from eax.testsets import checked_hypotheses, load_directions

Direction = tuple[str, str]


def units(directions: list[Direction], shared: list[Direction]) -> list[tuple[str, str, list[Direction]]]:
    """(scope, name, directions) of each test: every direction both systems have (`shared`), then every direction
    group of the test set (`directions`) that they both have whole: a group in part is no group's test."""
    groups = [(group, [d for d in directions if direction_group(*d) == group]) for group in GROUP_ORDER]
    return ([("direction", pair_name(*d), [d]) for d in shared]
            + [("group", group, members) for group, members in groups if members and set(members) <= set(shared)])


def read_segment_scores(path: str) -> dict[Direction, np.ndarray]:
    frame = pd.read_parquet(path).sort_values(["src_lang", "trg_lang", "segment"])
    return {(src, trg): rows["score"].to_numpy() for (src, trg), rows in frame.groupby(["src_lang", "trg_lang"])}


def read_hypotheses(folder: str, references: dict[Direction, list[str]]) -> dict[Direction, list[str]]:
    return {d: checked_hypotheses(Path(folder) / f"{pair_name(*d)}.txt", len(refs), allow_empty=True)
            for d, refs in references.items()}


def main(snakemake) -> None:
    params, metric = snakemake.params, snakemake.wildcards.metric
    directions = [split_pair_name(pair) for pair in params.directions]
    covered = {name: set(map(split_pair_name, pairs))  # a published system may cover only some directions
               for name, pairs in zip(params.systems, params.covered, strict=True)}
    baseline, *systems = params.systems
    if metric not in SACREBLEU_METRICS:
        outputs = dict(zip(params.systems, map(read_segment_scores, snakemake.input.segments)))

        def compare(system: str, members: list[Direction]) -> Comparison:
            pooled = [np.concatenate([outputs[name][d] for d in members]) for name in (system, baseline)]
            return segment_comparison(*pooled, params.resamples, params.seed)
    else:
        segments = load_directions(params.format, params.root, params.split, directions, params.max_segments)
        references = {d: segments[d][1] for d in directions}
        outputs = {name: read_hypotheses(folder, {d: refs for d, refs in references.items() if d in covered[name]})
                   for name, folder in zip(params.systems, snakemake.input.hypotheses, strict=True)}

        def compare(system: str, members: list[Direction]) -> Comparison:
            pooled = Segments(*([text for d in members for text in texts[d]]
                                for texts in (outputs[system], outputs[baseline], references)),
                              [d[1] for d in members for _ in references[d]])
            return sacrebleu_comparison(metric, pooled, params.test, params.resamples, params.seed)

    rows = []
    for system in systems:
        shared = [d for d in directions if d in covered[system] & covered[baseline]]
        for scope, name, members in units(directions, shared):
            result = compare(system, members)
            rows.append({"testset": snakemake.wildcards.testset, "metric": metric, "baseline": baseline,
                         "model": system, "scope": scope, "directions": name, "baseline_score": result.baseline,
                         "score": result.system, "delta": result.system - result.baseline, "p_value": result.p_value,
                         "significant": significant(result.p_value, params.alpha), "system_wins": result.system_wins,
                         "test": result.test})
    frame = pd.DataFrame(rows)
    print(f"{metric} against {baseline} (p < {params.alpha}):\n"
          f"{frame[['model', 'directions', 'delta', 'p_value', 'significant']].round(4).to_string(index=False)}")
    write_text(frame.to_csv(index=False), snakemake.output.tests)


run_script(main, snakemake)
