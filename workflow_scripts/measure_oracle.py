"""Rule measure_oracle (multi-parallel corpora: the toy world, NTREX-128): every x2x stage measured against the true
translations: candidate quality and on-target rate per sampler, scorer agreement and kept-pair order per variant,
with the reward model's held-out accuracy beside them."""

from functools import partial

import pandas as pd

from eax.figures import oracle_bars
from eax.io import atomic_path, write_text
from eax.language_id import identify
from eax.oracle import (
    candidate_quality,
    pair_order_accuracy,
    ranking_agreement,
    true_translations,
    vocabularies,
    vocabulary_identifier,
)
from eax.runner import run_script
from eax.tables import to_latex, to_markdown
from eax.training_log import last_value, read_log_history


def read_all(paths: list[str]) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(path) for path in paths], ignore_index=True)


def main(snakemake) -> None:
    params = snakemake.params
    parallel = pd.read_parquet(snakemake.input.parallel)
    if params.toy_world:
        languages_of = vocabulary_identifier(vocabularies(parallel, params.languages))
    else:
        languages_of = partial(identify, candidates=params.languages)
    quality = {}
    for sampler, paths in params.candidate_files.items():
        rows = read_all(paths)
        quality[sampler] = candidate_quality(rows, true_translations(rows, parallel), languages_of)
    rm_accuracy = last_value(read_log_history(snakemake.input.reward_model_log), "heldout_accuracy")
    records = []
    for variant, (sampler, scorer) in params.variants.items():
        scored = read_all(params.score_files[variant])
        pairs = pd.read_parquet(params.pair_files[variant])
        records.append({"variant": variant, "sampler": sampler, "scorer": scorer,
                        "mean chrF": quality[sampler]["mean chrF"],
                        "best-of-N chrF": quality[sampler]["best-of-N chrF"],
                        "on-target %": 100 * quality[sampler]["on-target"],
                        "in source %": 100 * quality[sampler]["in source"],
                        "in English %": 100 * quality[sampler]["in English"],
                        "ranking agreement": ranking_agreement(scored, true_translations(scored, parallel)),
                        "pair-order accuracy": pair_order_accuracy(pairs, true_translations(pairs, parallel)),
                        "pairs": len(pairs), "rm held-out accuracy": rm_accuracy})
    table = pd.DataFrame(records)
    caption = f"Oracle diagnostics: x2x stages against the true translations (run {params.run_name})"
    write_text(table.to_csv(index=False, float_format="%.4f"), snakemake.output.csv)
    write_text(f"# {caption}\n\n" + to_markdown(table), snakemake.output.md)
    write_text(to_latex(table, caption), snakemake.output.tex)
    with atomic_path(snakemake.output.figure) as temporary:
        oracle_bars(table).savefig(temporary, dpi=110, format="png")
    print(to_markdown(table))


run_script(main, snakemake)
