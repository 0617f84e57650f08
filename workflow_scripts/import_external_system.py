"""Rule import_external_system: a published system's hypotheses, checked against the test set, as a baseline."""

from pathlib import Path

from eax.io import atomic_dir, write_lines
from eax.languages import pair_name, split_pair_name
from eax.runner import run_script
from eax.testsets import checked_hypotheses, load_directions


def main(snakemake) -> None:
    params = snakemake.params
    sources = [Path(path) for path in snakemake.input.hypotheses]
    directions = [split_pair_name(pair) for pair in params.directions]  # in the order of the hypotheses input
    segments = load_directions(params.format, params.root, params.split, directions, params.max_segments)
    with atomic_dir(snakemake.output.hypotheses) as folder:
        for path, direction in zip(sources, directions, strict=True):
            references = segments[direction][1]
            write_lines(checked_hypotheses(path, len(references)), folder / f"{pair_name(*direction)}.txt")
    print(f"imported {len(sources)} directions of {snakemake.wildcards.system}")


run_script(main, snakemake)
