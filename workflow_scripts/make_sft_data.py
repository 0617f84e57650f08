"""Rule make_sft_data: diverse-prompt instructions in the model's chat template, with a token-length filter."""

import pandas as pd
from transformers import AutoTokenizer

from eax.io import write_parquet
from eax.runner import run_script
from eax.sft import instruction_rows, template_and_count, within_length


def main(snakemake) -> None:
    params = snakemake.params
    corpus = pd.read_parquet(snakemake.input.corpus)
    tokenizer = AutoTokenizer.from_pretrained(params.tokenizer, trust_remote_code=params.trust_remote_code)
    rows = template_and_count(instruction_rows(corpus, params.prompt_seed), tokenizer)
    kept = rows[within_length(rows["n_tokens"], params.max_tokens)].reset_index(drop=True)
    print(f"{len(kept)} of {len(rows)} rows within {params.max_tokens} tokens; example:\n{kept['prompt'].iloc[0]}")
    write_parquet(kept, snakemake.output.data)


run_script(main, snakemake)
