"""Rule score_translations: sacrebleu BLEU and chrF of one model's hypotheses, per direction."""

from pathlib import Path

import pandas as pd

from eax.io import write_text
from eax.languages import pair_name, split_pair_name
from eax.metrics import score_direction
from eax.runner import run_script
from eax.testsets import checked_hypotheses, load_directions


def main(snakemake) -> None:
    params = snakemake.params
    directions = [split_pair_name(pair) for pair in params.directions]
    segments = load_directions(params.format, params.root, params.split, directions)
    hypothesis_files = {Path(path).stem: Path(path) for path in snakemake.input.hypotheses}
    rows = []
    for src, trg in directions:
        references = segments[src, trg][1]
        hypotheses = checked_hypotheses(hypothesis_files[pair_name(src, trg)], len(references), allow_empty=True)
        for score in score_direction(params.metrics, hypotheses, references, trg):
            rows.append({"testset": snakemake.wildcards.testset, "model": snakemake.wildcards.model,
                         "src_lang": src, "trg_lang": trg, "metric": score.metric, "score": score.value,
                         "signature": score.signature})
    frame = pd.DataFrame(rows)
    print(frame.pivot_table(index=["src_lang", "trg_lang"], columns="metric", values="score").round(2).to_string())
    write_text(frame.to_csv(index=False), snakemake.output.scores)


run_script(main, snakemake)
