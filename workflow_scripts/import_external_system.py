"""Rule import_external_system: a published system's hypotheses, checked against the test set, as a baseline."""

from pathlib import Path

from eax.io import write_lines
from eax.languages import pair_name, split_pair_name
from eax.runner import run_script
from eax.testsets import checked_hypotheses, load_directions


def main(snakemake) -> None:
    params = snakemake.params
    sources = {Path(path).stem: Path(path) for path in snakemake.input.hypotheses}
    targets = {Path(path).stem: path for path in snakemake.output.hypotheses}
    directions = [split_pair_name(stem) for stem in targets]
    segments = load_directions(params.format, params.root, params.split, directions)
    for (src, trg), (_, references) in segments.items():
        name = pair_name(src, trg)
        write_lines(checked_hypotheses(sources[name], len(references)), targets[name])
    print(f"imported {len(targets)} directions of {snakemake.wildcards.system}")


run_script(main, snakemake)
