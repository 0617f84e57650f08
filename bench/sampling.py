"""Candidates per second: the batched transformers backend against one-prompt-at-a-time generation.

The original EAX sampler drew N separate passes with n=1; ours sorts prompts by length, left-pads them into
batches and draws the N samples per prompt in one `generate` call. Same tiny model, same EAxT prompts, same
sampling parameters. Prints the figures; the goal is a speed-up of at least 5x.

    .venv/bin/python bench/sampling.py [--prompts 64] [--n 4] [--batch-size 32] [--max-new-tokens 32]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from eax.chat import as_chat
from eax.generation import generate, load_causal_lm
from eax.prompts import eaxt_prompt
from eax.tiny_models import build_causal_lm, save_model, train_chat_tokenizer
from eax.toy_world import ToyWorld, make_corpus


def build_model(folder: Path) -> list[dict]:
    """The toy world's base model at its default size, and EAxT prompts from toy x2x rows."""
    world = ToyWorld(13, ("qaa", "qab", "qac"))
    rows = make_corpus(world, 300)
    tokenizer = train_chat_tokenizer([r["src_text"] for r in rows] + [r["trg_text"] for r in rows], 3000)
    model = build_causal_lm(tokenizer, hidden_size=128, intermediate_size=256, num_layers=2, num_heads=4,
                            num_kv_heads=2, max_positions=512, seed=0)
    save_model(model, tokenizer, folder)
    return [r for r in rows if r["src_lang"] != "en"]


def timed(label: str, function) -> tuple[float, int]:
    start = time.perf_counter()
    outputs = function()
    seconds = time.perf_counter() - start
    count = sum(len(texts) for texts in outputs)
    print(f"{label:<34} {count:5d} candidates in {seconds:6.2f} s = {count / seconds:7.1f} candidates/s")
    return seconds, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=64)
    parser.add_argument("--n", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as scratch:
        rows = build_model(Path(scratch))
        model, tokenizer = load_causal_lm(scratch, "chatml")
        prompts = [as_chat(tokenizer, eaxt_prompt(r["src_lang"], "qab" if r["src_lang"] != "qab" else "qac",
                                                  r["src_text"], "en", r["trg_text"])) for r in rows[: args.prompts]]
        sampling = dict(do_sample=True, temperature=1.0, top_p=1.0, progress=False)
        print(f"{len(prompts)} EAxT prompts, n={args.n}, max_new_tokens={args.max_new_tokens}, torch threads 2")

        def one_at_a_time() -> list[list[str]]:
            """The original's loop: every prompt alone, N passes of one sample each."""
            return [[text for seed in range(args.n)
                     for text in generate(model, tokenizer, [prompt], 1, args.max_new_tokens, seed=seed, **sampling)[0]]
                    for prompt in prompts]

        one_seconds, one_count = timed("one prompt at a time, n passes", one_at_a_time)
        batched_seconds, batched_count = timed(f"batched ({args.batch_size}), n per call", lambda: generate(
            model, tokenizer, prompts, args.batch_size, args.max_new_tokens, num_return_sequences=args.n, **sampling))
    speedup = (batched_count / batched_seconds) / (one_count / one_seconds)
    print(f"speed-up: {speedup:.1f}x (goal: at least 5x)")


if __name__ == "__main__":
    main()
