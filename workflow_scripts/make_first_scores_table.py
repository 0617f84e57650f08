"""Rule make_first_scores_table: every evaluated model's mean BLEU/chrF per direction group."""

import pandas as pd

from eax.io import write_text
from eax.runner import run_script
from eax.tables import group_means, to_markdown


def main(snakemake) -> None:
    scores = pd.concat([pd.read_csv(path) for path in snakemake.input.scores], ignore_index=True)
    table = group_means(scores)
    title = f"# First scores (run `{snakemake.params.run_name}`): mean over directions of each group\n\n"
    write_text(title + to_markdown(table), snakemake.output.markdown)
    write_text(table.to_csv(index=False, float_format="%.4f"), snakemake.output.csv)
    print(to_markdown(table))


run_script(main, snakemake)
