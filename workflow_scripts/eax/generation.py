"""Batched decoding with transformers `generate`: prompts sorted by length, left padding, order restored."""

from __future__ import annotations

import time
from collections.abc import Iterator

from tqdm import tqdm

from eax.chat import as_chat, stop_token_ids, use_chat_model, use_chat_template
from eax.errors import UserInputError
from eax.weights import checked_model_path, load_options


def length_sorted_batches(lengths: list[int], batch_size: int) -> Iterator[list[int]]:
    """Indices in batches of similar length, longest first (padding waste and peak memory show up early)."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    for start in range(0, len(order), batch_size):
        yield order[start:start + batch_size]


def clean_output(text: str, stop_texts: tuple[str, ...] = ()) -> str:
    """Cut at the first end-of-turn text and strip; newlines become '; ' (one segment per line)."""
    for stop in stop_texts:
        if stop and stop in text:
            text = text[: text.index(stop)]
    return "; ".join(part.strip() for part in text.strip().splitlines() if part.strip())


def load_causal_lm(path: str, chat_template: str, trust_remote_code: bool = False, dtype: str = "auto"):
    """A causal LM for decoding (left padding), speaking `chat_template` (eax.chat)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=trust_remote_code, padding_side="left")
    model = AutoModelForCausalLM.from_pretrained(checked_model_path(path), trust_remote_code=trust_remote_code,
                                                 **load_options(dtype))
    use_chat_model(model, tokenizer, chat_template, path)
    model.to("cuda" if torch.cuda.is_available() else "cpu").eval()
    return model, tokenizer


def generate(model, tokenizer, prompts: list[str], batch_size: int, max_new_tokens: int, num_beams: int = 1,
             num_return_sequences: int = 1, do_sample: bool = False, temperature: float = 1.0,
             top_p: float = 1.0, seed: int = 0, desc: str = "generate", progress: bool = True) -> list[list[str]]:
    """Decode every (already templated) prompt; returns, per prompt in input order, its output texts."""
    import torch

    encoded = tokenizer(prompts, add_special_tokens=False)["input_ids"]
    outputs: list[list[str]] = [[] for _ in prompts]
    stop_texts, stop_ids = stop_strings(tokenizer), stop_token_ids(tokenizer)
    torch.manual_seed(seed)
    batches = list(length_sorted_batches([len(ids) for ids in encoded], batch_size))
    lengths: list[tuple[int, bool]] = []
    started = time.perf_counter()
    for batch in tqdm(batches, desc=desc, mininterval=5, disable=not progress):
        inputs = tokenizer.pad({"input_ids": [encoded[i] for i in batch]}, return_tensors="pt").to(model.device)
        with torch.inference_mode():
            generated = model.generate(
                **inputs,
                max_new_tokens=max_new_tokens,
                num_beams=num_beams,
                num_return_sequences=num_return_sequences,
                do_sample=do_sample,
                temperature=temperature if do_sample else None,
                top_p=top_p if do_sample else None,
                top_k=None,
                pad_token_id=tokenizer.pad_token_id,
                eos_token_id=stop_ids,
            )
        new_tokens = generated[:, inputs["input_ids"].shape[1]:].tolist()
        lengths += [output_length(tokens, stop_ids) for tokens in new_tokens]
        texts = tokenizer.batch_decode(new_tokens, skip_special_tokens=False)
        for k, text in enumerate(texts):
            outputs[batch[k // num_return_sequences]].append(clean_output(text, stop_texts))
    print(throughput(desc, lengths, time.perf_counter() - started, max_new_tokens), flush=True)
    return outputs


def output_length(tokens: list[int], stop_ids: list[int]) -> tuple[int, bool]:
    """(tokens of one output up to and with its first stop token, whether it stopped): what was generated, not the
    padding after it; an output that never stopped ran into `max_new_tokens`."""
    for index, token in enumerate(tokens):
        if token in stop_ids:
            return index + 1, True
    return len(tokens), False


def throughput(desc: str, lengths: list[tuple[int, bool]], seconds: float, max_new_tokens: int) -> str:
    """One log line per generating job: what it produced, how fast, and how many outputs ran into the cap."""
    tokens = sum(length for length, _ in lengths)
    capped = sum(not stopped for _, stopped in lengths)
    rate = tokens / seconds if seconds > 0 else float("nan")
    return (f"{desc}: {len(lengths)} outputs, {tokens} tokens in {seconds:.1f} s = {rate:.1f} tokens/s; "
            f"{capped} hit max_new_tokens {max_new_tokens}")


def load_vllm(model_path: str, seed: int, trust_remote_code: bool, config_key: str, dtype: str = "auto"):
    """A vLLM engine (GPU; envs/vllm.yaml), or one clear error naming the config key that asked for it."""
    try:
        from vllm import LLM
    except ImportError:
        raise UserInputError(f"{config_key} is `vllm` but vLLM is not installed: run with --software-deployment-method "
                             "conda (envs/vllm.yaml) or use backend `hf`") from None
    return LLM(model=model_path, seed=seed, trust_remote_code=trust_remote_code, dtype=dtype)


def stop_strings(tokenizer) -> tuple[str, ...]:
    """Texts an output is cut at: the stop tokens and the pad token, as text."""
    stops = [tokenizer.convert_ids_to_tokens(token) for token in stop_token_ids(tokenizer)]
    return tuple(dict.fromkeys(token for token in (*stops, tokenizer.pad_token) if token))


def translate_hf(model_path: str, prompts: list[str], batch_size: int, max_new_tokens: int, num_beams: int,
                 chat_template: str | None, trust_remote_code: bool, dtype: str = "auto") -> list[str]:
    """Greedy (num_beams 1) or beam-search translations of untemplated prompts, in input order; `chat_template`
    None sends the prompts as plain text (ALMA's way)."""
    model, tokenizer = load_causal_lm(model_path, chat_template or "model", trust_remote_code, dtype)
    templated = [as_chat(tokenizer, prompt) for prompt in prompts] if chat_template else prompts
    return [texts[0] for texts in generate(model, tokenizer, templated, batch_size, max_new_tokens, num_beams=num_beams,
                                           desc="translate")]


def translate_vllm(model_path: str, prompts: list[str], batch_size: int, max_new_tokens: int, num_beams: int,
                   chat_template: str | None, trust_remote_code: bool, dtype: str = "auto") -> list[str]:
    """The same decoding on vLLM: temperature 0 (greedy), or its beam search when num_beams > 1. vLLM schedules
    its own batches, so batch_size is not used."""
    llm = load_vllm(model_path, 0, trust_remote_code, "evaluation.backend", dtype)
    tokenizer = llm.get_tokenizer()
    if chat_template:
        use_chat_template(tokenizer, chat_template, model_path)
    templated = [as_chat(tokenizer, prompt) for prompt in prompts] if chat_template else prompts
    stops = stop_strings(tokenizer)
    if num_beams > 1:
        from vllm.sampling_params import BeamSearchParams

        results = llm.beam_search([{"prompt": text} for text in templated],
                                  BeamSearchParams(beam_width=num_beams, max_tokens=max_new_tokens))
        prompt_lengths = [len(tokenizer(text, add_special_tokens=False)["input_ids"]) for text in templated]
        # has the prompt
        best = [result.sequences[0].tokens[length:] for result, length in zip(results, prompt_lengths)]
        return [clean_output(tokenizer.decode(tokens), stops) for tokens in best]
    from vllm import SamplingParams

    results = llm.generate(templated, SamplingParams(temperature=0.0, max_tokens=max_new_tokens, stop=list(stops),
                                                         stop_token_ids=stop_token_ids(tokenizer)))
    return [clean_output(result.outputs[0].text, stops) for result in results]


TRANSLATION_BACKENDS = {"hf": translate_hf, "vllm": translate_vllm}
