"""Candidate sampling: the EAxT and direct prompts, and two backends (transformers, vLLM) behind one call."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from eax.chat import as_chat, stop_token_ids, use_chat_template
from eax.generation import clean_output, generate, load_causal_lm, load_vllm, stop_strings
from eax.prompts import eaxt_prompt, eval_prompt

SAMPLERS = ("eaxt", "direct")
CANDIDATE_COLUMNS = ["src_lang", "trg_lang", "src_text", "ref_lang", "ref_text", "candidates"]


def dedupe_candidates(candidates: list[str]) -> list[str]:
    """Drop repeated candidates, keeping first-seen order (the original's `set()` was hash-ordered). An empty
    output stays a candidate, once, as in the original: it is scored like any other and is usually the loser."""
    return list(dict.fromkeys(candidate.strip() for candidate in candidates))


@dataclass(frozen=True)
class SamplingSettings:
    n: int
    temperature: float
    top_p: float
    max_new_tokens: int
    batch_size: int
    seed: int


def sampler_prompt(sampler: str, row) -> str:
    """EAxT shows the x source and its English reference; direct shows the source only."""
    if sampler == "eaxt":
        return eaxt_prompt(row.src_lang, row.trg_lang, row.src_text, row.ref_lang, row.ref_text)
    if sampler == "direct":
        return eval_prompt(row.src_lang, row.trg_lang, row.src_text)
    raise ValueError(f"unknown sampler {sampler!r}; use one of {SAMPLERS}")


def seeds_as_rows(seeds: pd.DataFrame) -> pd.DataFrame:
    """x2x seeds already have ref_text/ref_lang; RM seeds (x->en, en->x) use the target text as reference."""
    if "ref_text" in seeds.columns:
        return seeds
    return seeds.assign(ref_text=seeds["trg_text"], ref_lang=seeds["trg_lang"]).drop(columns="trg_text")


def sample_hf(model_path: str, prompts: list[str], settings: SamplingSettings, chat_template: str,
              trust_remote_code: bool, dtype: str = "auto") -> list[list[str]]:
    """N candidates per prompt from transformers `generate`, batched with left padding, prompts sorted by length."""
    model, tokenizer = load_causal_lm(model_path, chat_template, trust_remote_code, dtype)
    templated = [as_chat(tokenizer, prompt) for prompt in prompts]
    return generate(model, tokenizer, templated, settings.batch_size, settings.max_new_tokens,
                    num_return_sequences=settings.n, do_sample=True, temperature=settings.temperature,
                    top_p=settings.top_p, seed=settings.seed, desc="sample")


def sample_vllm(model_path: str, prompts: list[str], settings: SamplingSettings, chat_template: str,
                trust_remote_code: bool, dtype: str = "auto") -> list[list[str]]:
    """The same sampling on vLLM (GPU; needs envs/vllm.yaml): one request per prompt with n samples."""
    llm = load_vllm(model_path, settings.seed, trust_remote_code, "sampling.backend", dtype)
    from vllm import SamplingParams

    tokenizer = llm.get_tokenizer()
    use_chat_template(tokenizer, chat_template, model_path)
    templated = [as_chat(tokenizer, prompt) for prompt in prompts]
    stops = stop_strings(tokenizer)
    # the engine is seeded (load_vllm); a per-request seed would give candidate k of every prompt one random stream.
    # vLLM drops special tokens from its text, so it stops on their ids, not on their texts
    params = SamplingParams(n=settings.n, temperature=settings.temperature, top_p=settings.top_p,
                            max_tokens=settings.max_new_tokens, stop_token_ids=stop_token_ids(tokenizer),
                            stop=list(stops))
    results = llm.generate(templated, params)
    return [[clean_output(output.text, stops) for output in result.outputs] for result in results]


BACKENDS = {"hf": sample_hf, "vllm": sample_vllm}


def sample_candidates(seeds: pd.DataFrame, samplers: list[str], backend: str, model_path: str,
                      settings: SamplingSettings, chat_template: str, trust_remote_code: bool = False,
                      dtype: str = "auto") -> dict[str, pd.DataFrame]:
    """{sampler: one row per seed with its de-duplicated candidates (first-seen order)}; an empty shard stays empty.

    Every sampler's prompts go to the backend in one call: the model loads once per shard, not once per sampler
    (minutes for a 7B model), and the backend batches all prompts together.
    """
    rows = seeds_as_rows(seeds)
    if rows.empty:
        empty = pd.DataFrame({column: pd.Series(dtype=object) for column in CANDIDATE_COLUMNS})
        return {sampler: empty for sampler in samplers}
    prompts = [sampler_prompt(sampler, row) for sampler in samplers for row in rows.itertuples(index=False)]
    outputs = BACKENDS[backend](model_path, prompts, settings, chat_template, trust_remote_code, dtype)
    return {sampler: rows.assign(candidates=[dedupe_candidates(texts) for texts in
                                             outputs[k * len(rows):(k + 1) * len(rows)]])[CANDIDATE_COLUMNS]
            for k, sampler in enumerate(samplers)}
