"""Rule make_reproduction_card: this run's scores beside the paper's published ones (config `reproduction`), with
the difference, flagged outside the tolerance, as Markdown, CSV and LaTeX."""

import pandas as pd

from eax.io import write_text
from eax.runner import run_script
from eax.tables import reproduction_card, to_latex, to_markdown


def main(snakemake) -> None:
    params = snakemake.params
    scores = pd.concat([pd.read_csv(path) for path in snakemake.input.scores], ignore_index=True)
    card = reproduction_card(scores, params.published, params.base_model, params.tolerance)
    caption = (f"Reproduction card: ours (base {params.base_model}) against the published results, tolerance "
               f"{params.tolerance:g} points (run {params.run_name})")
    write_text(f"# {caption}\n\n" + to_markdown(card), snakemake.output.md)
    write_text(card.to_csv(index=False, float_format="%.4f"), snakemake.output.csv)
    write_text(to_latex(card, caption), snakemake.output.tex)
    print(to_markdown(card))


run_script(main, snakemake)
