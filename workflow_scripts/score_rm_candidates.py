"""Rule score_rm_candidates: each English-centric candidate scored against its reference (0-100 scale)."""

import pandas as pd

from eax.io import write_parquet
from eax.runner import run_script
from eax.scoring import load_reference_metric, score_against_references


def main(snakemake) -> None:
    params = snakemake.params
    rows = pd.read_parquet(snakemake.input.candidates)
    model = load_reference_metric(params.metric, params.comet_model, params.bleurt_checkpoint) if len(rows) else None
    scores = score_against_references(rows, params.metric, params.batch_size, model)
    write_parquet(rows.assign(scores=scores), snakemake.output.scores)
    print(f"scored {sum(map(len, scores))} candidates of {len(rows)} rows with {params.metric}")


run_script(main, snakemake)
