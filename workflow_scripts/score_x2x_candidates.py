"""Rule score_x2x_candidates: reward-model scores of one shard's x2x candidates for every sampler x scorer
variant (EAxE: the English reference as source; direct: the x source), from one reward-model load."""

import pandas as pd

from eax.io import write_parquet
from eax.runner import run_script
from eax.scoring import load_reward_model, score_with_reward_model


def main(snakemake) -> None:
    params = snakemake.params
    candidates = {sampler: pd.read_parquet(path)
                  for sampler, path in zip(params.samplers, snakemake.input.candidates, strict=True)}
    model, tokenizer = load_reward_model(params.reward_model, params.chat_template, params.trust_remote_code,
                                         params.dtype)
    for (sampler, scorer), path in zip(params.variants, snakemake.output.scores, strict=True):
        rows = candidates[sampler]
        scores = score_with_reward_model(rows, scorer, model, tokenizer, params.batch_size)
        write_parquet(rows.assign(scores=scores), path)
        print(f"{sampler}_{scorer}: scored {sum(map(len, scores))} candidates of {len(rows)} rows")


run_script(main, snakemake)
