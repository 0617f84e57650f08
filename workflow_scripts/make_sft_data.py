"""Rule make_sft_data: diverse-prompt instructions in the chat template, a token-length filter, then the
original's shuffle (`df.sample(frac=1, random_state=114514)` after the filter)."""

import pandas as pd
from transformers import AutoTokenizer

from eax.chat import use_chat_template
from eax.io import write_parquet
from eax.runner import run_script
from eax.sft import copy_rows, instruction_rows, template_and_count, within_length


def main(snakemake) -> None:
    params = snakemake.params
    corpus = pd.read_parquet(snakemake.input.corpus)
    if params.copy_rows:
        corpus = pd.concat([corpus, copy_rows(pd.read_parquet(snakemake.input.monolingual), params.copy_rows)])
    tokenizer = AutoTokenizer.from_pretrained(params.tokenizer, trust_remote_code=params.trust_remote_code)
    use_chat_template(tokenizer, params.chat_template, params.tokenizer)
    rows = template_and_count(instruction_rows(corpus, params.prompt_seed), tokenizer)
    kept = rows[within_length(rows["n_tokens"], params.max_tokens)]
    kept = kept.sample(frac=1.0, random_state=params.prompt_seed).reset_index(drop=True)
    print(f"{len(kept)} of {len(rows)} rows within {params.max_tokens} tokens; example:\n{kept['prompt'].iloc[0]}")
    write_parquet(kept, snakemake.output.data)


run_script(main, snakemake)
