"""Rule build_toy_base_model: a chatml BPE tokenizer trained on the toy texts and a Qwen2 LM pretrained on
monolingual text of every language (the toy stand-in for a base LLM that has read all of them)."""

from pathlib import Path

import pandas as pd

from eax.io import atomic_dir
from eax.languages import LANGUAGES
from eax.prompts import ALMA_TEMPLATE, DIVERSE_TEMPLATES, EAXT_TEMPLATE, EVAL_TEMPLATE
from eax.runner import run_script
from eax.tiny_models import build_causal_lm, pretrain_causal_lm, save_model, train_chat_tokenizer


def tokenizer_texts(corpus: pd.DataFrame, monolingual: pd.DataFrame) -> list[str]:
    """Corpus texts plus every prompt template with every language name, so prompts tokenise compactly."""
    names = [lang.name for lang in LANGUAGES.values()]
    prompts = [
        template.format(S=source, T=target, R=target, src="", ref="")
        for template in (*DIVERSE_TEMPLATES, EVAL_TEMPLATE, EAXT_TEMPLATE, ALMA_TEMPLATE)
        for source, target in zip(names, names[1:] + names[:1])
    ]
    return [*corpus["src_text"], *corpus["trg_text"], *monolingual["text"], *prompts]


def main(snakemake) -> None:
    params = snakemake.params
    corpus = pd.read_parquet(snakemake.input.corpus)
    monolingual = pd.read_parquet(snakemake.input.monolingual)
    tokenizer = train_chat_tokenizer(tokenizer_texts(corpus, monolingual), params.vocab_size)
    model = build_causal_lm(tokenizer, seed=params.seed, **params.architecture)
    if params.pretrain["steps"]:
        losses = pretrain_causal_lm(model, tokenizer, list(monolingual["text"]), seed=params.seed, **params.pretrain)
        window = min(20, len(losses))
        print(f"pretraining: loss {sum(losses[:window]) / window:.3f} (first {window} steps) -> "
              f"{sum(losses[-window:]) / window:.3f} (last {window})")
    with atomic_dir(Path(snakemake.output.model[0]).parent) as folder:
        save_model(model, tokenizer, folder)
    print(f"base model: {model.num_parameters():,} parameters, vocabulary {len(tokenizer)}")


run_script(main, snakemake)
