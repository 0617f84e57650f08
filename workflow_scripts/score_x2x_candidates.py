"""Rule score_x2x_candidates: reward-model scores of x2x candidates, EAxE (English reference as source) and/or
direct (the x source), one output file per scorer."""

from pathlib import Path

import pandas as pd

from eax.io import write_parquet
from eax.runner import run_script
from eax.scoring import load_reward_model, score_with_reward_model


def main(snakemake) -> None:
    params = snakemake.params
    rows = pd.read_parquet(snakemake.input.candidates)
    model, tokenizer = load_reward_model(params.reward_model, params.trust_remote_code)
    for path in snakemake.output.scores:
        scorer = Path(path).parents[1].name.split("_")[-1]  # .../{sampler}_{scorer}/{pair}/{shard}.parquet
        scores = score_with_reward_model(rows, scorer, model, tokenizer, params.batch_size)
        write_parquet(rows.assign(scores=scores), path)
        print(f"scored {sum(map(len, scores))} candidates of {len(rows)} rows ({scorer})")


run_script(main, snakemake)
