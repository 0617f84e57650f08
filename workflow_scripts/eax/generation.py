"""Batched decoding with transformers `generate`: prompts sorted by length, left padding, order restored."""

from __future__ import annotations

from collections.abc import Iterator

from tqdm import tqdm


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


def load_causal_lm(path: str, trust_remote_code: bool = False):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=trust_remote_code, padding_side="left")
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    dtype = torch.bfloat16 if torch.cuda.is_available() else torch.float32
    model = AutoModelForCausalLM.from_pretrained(path, trust_remote_code=trust_remote_code, dtype=dtype)
    model.to("cuda" if torch.cuda.is_available() else "cpu").eval()
    return model, tokenizer


def generate(model, tokenizer, prompts: list[str], batch_size: int, max_new_tokens: int, num_beams: int = 1,
             num_return_sequences: int = 1, do_sample: bool = False, temperature: float = 1.0,
             top_p: float = 1.0, seed: int = 0, desc: str = "generate", progress: bool = True) -> list[list[str]]:
    """Decode every (already templated) prompt; returns, per prompt in input order, its output texts."""
    import torch

    encoded = tokenizer(prompts, add_special_tokens=False)["input_ids"]
    outputs: list[list[str]] = [[] for _ in prompts]
    stop_texts = tuple(t for t in (tokenizer.eos_token, tokenizer.pad_token) if t)
    torch.manual_seed(seed)
    batches = list(length_sorted_batches([len(ids) for ids in encoded], batch_size))
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
                eos_token_id=tokenizer.eos_token_id,
            )
        texts = tokenizer.batch_decode(generated[:, inputs["input_ids"].shape[1]:], skip_special_tokens=False)
        for k, text in enumerate(texts):
            outputs[batch[k // num_return_sequences]].append(clean_output(text, stop_texts))
    return outputs
