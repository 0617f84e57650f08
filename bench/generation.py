"""Generated tokens per second of the workflow's own decoding (eax.generation) on a real small model on the CPU.

SmolLM2-135M-Instruct, imported offline into the hub cache by eax.hub_cache and loaded by its hub id with
HF_HUB_OFFLINE=1 through `eax.generation.load_causal_lm(..., "chatml")`, as a workflow model would be. The prompts
are the evaluation prompt (eax.prompts.eval_prompt, what translate_testset sends) over real FLORES-200 devtest
sentences, German and French into English, read in place from the shared data folder. Compared: batch size, torch
threads, float32 against bfloat16, greedy against sampling (temperature 1, top_p 1: the x2x sampling settings) and
max_new_tokens 64 against 128: the batch sizes first, then one change at a time from float32 / 2 threads / greedy /
64 tokens at batch size --compared-at. About 7 minutes on 2 cores (batch size 1 decodes only --single-prompts).

Counted per output: the tokens up to and including its first stop token (`<|im_end|>` or `<|im_start|>`, as
eax.chat.stop_token_ids), never the padding after it; an output without a stop token "hit the cap". `steps` is how
many decoding steps `generate` ran per batch, summed: it equals the sum of each batch's longest output when the
whole batch stops as soon as every row has emitted a stop token. `others`: the CPU cores other processes used during
the run (from /proc/stat); a figure measured beside a busy neighbour is not a figure of this code. Prints its
figures; asserts nothing.

    .venv/bin/python bench/generation.py [--prompts 64] [--single-prompts 8] [--compared-at 32] [--cache-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

FLORES = Path(__file__).resolve().parents[2] / "shared" / "data" / "flores200_dataset" / "devtest"
SOURCES = (("de", "deu_Latn"), ("fr", "fra_Latn"))
REPO_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
SAMPLING = {"do_sample": True, "temperature": 1.0, "top_p": 1.0}


@dataclass(frozen=True)
class Run:
    dtype: str
    threads: int
    batch_size: int
    max_new_tokens: int
    sampled: bool = False


@dataclass
class Result:
    run: Run
    prompts: int
    seconds: float
    tokens: int
    capped: int
    steps: int
    longest: int
    outputs: list[str]
    others: float  # CPU cores other processes used meanwhile: the machine is shared

    @property
    def rate(self) -> float:
        return self.tokens / self.seconds


def flores_lines(flores: str, count: int) -> list[str]:
    return (FLORES / f"{flores}.devtest").read_text(encoding="utf-8").splitlines()[:count]


def flores_prompts(count: int) -> tuple[list[str], list[str]]:
    """`count` evaluation prompts, half from German and half from French devtest sentences, into English, and
    their English references."""
    from eax.prompts import eval_prompt

    per_language = (count + 1) // len(SOURCES)
    prompts = [eval_prompt(code, "en", line) for code, flores in SOURCES for line in flores_lines(flores, per_language)]
    references = flores_lines("eng_Latn", per_language) * len(SOURCES)
    return prompts[:count], references[:count]


class Recorder:
    """Stands in for `model.generate` to keep each batch's new token ids (eax.generation returns only texts)."""

    def __init__(self, model):
        self.original, self.batches = model.generate, []
        model.generate = self

    def __call__(self, **kwargs):
        generated = self.original(**kwargs)
        self.batches.append(generated[:, kwargs["input_ids"].shape[1]:].cpu())
        return generated


def count_tokens(batches, stop_ids: list[int]) -> tuple[int, int, int, int]:
    """(real tokens, outputs without a stop token, decoding steps, sum of each batch's longest output)."""
    import torch

    tokens = capped = steps = longest = 0
    for new in batches:
        stops = torch.isin(new, torch.tensor(stop_ids))
        has_stop = stops.any(dim=1)
        lengths = torch.where(has_stop, stops.int().argmax(dim=1) + 1, torch.full_like(has_stop, new.shape[1],
                                                                                       dtype=torch.long))
        tokens += int(lengths.sum())
        capped += int((~has_stop).sum())
        steps += new.shape[1]
        longest += int(lengths.max())
    return tokens, capped, steps, longest


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (user, nice, system, irq, softirq, steal): /proc/stat."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except OSError:
        return float("nan")
    return (sum(fields[:3]) + sum(fields[5:8])) / os.sysconf("SC_CLK_TCK")


def own_seconds() -> float:
    times = os.times()
    return times.user + times.system


def timed_run(model, tokenizer, templated: list[str], run: Run) -> Result:
    import torch

    from eax.chat import stop_token_ids
    from eax.generation import generate

    torch.set_num_threads(run.threads)
    recorder = Recorder(model)
    options = SAMPLING if run.sampled else {}
    start, busy, own = time.perf_counter(), busy_seconds(), own_seconds()
    try:
        outputs = generate(model, tokenizer, templated, run.batch_size, run.max_new_tokens, progress=False, **options)
    finally:
        del model.generate  # the class's own method again
    seconds = time.perf_counter() - start
    others = (busy_seconds() - busy - (own_seconds() - own)) / seconds
    tokens, capped, steps, longest = count_tokens(recorder.batches, stop_token_ids(tokenizer))
    return Result(run, len(templated), seconds, tokens, capped, steps, longest, [texts[0] for texts in outputs],
                  others)


def load(dtype: str):
    from eax.chat import as_chat
    from eax.generation import load_causal_lm

    start = time.perf_counter()
    model, tokenizer = load_causal_lm(REPO_ID, "chatml", dtype=dtype)
    print(f"loaded {REPO_ID} ({dtype}) by hub id, offline, in {time.perf_counter() - start:.1f} s")
    return model, tokenizer, as_chat


def plan(batch_sizes: list[int], compared_at: int) -> list[Run]:
    """The batch sizes at float32 / 2 threads / greedy / 64 new tokens, then one change at a time from that
    baseline at batch size `compared_at`: 1 thread, 128 new tokens, sampling; bfloat16 at batch sizes 1,
    `compared_at` and the largest."""
    runs = [Run("float32", 2, size, 64) for size in batch_sizes]
    runs += [Run("float32", 1, compared_at, 64), Run("float32", 2, compared_at, 128),
             Run("float32", 2, compared_at, 64, sampled=True)]
    return runs + [Run("bfloat16", 2, size, 64) for size in sorted({1, compared_at, max(batch_sizes)})]


EARLY_STOP_PROMPTS = ("What is the capital of France?", "What is 2 + 2?", "What is the capital of Italy?",
                      "Reply with one word: hello.")  # SmolLM2 answers each in a few tokens


def early_stop_check(model, tokenizer, as_chat) -> str:
    """Short answers in one batch, cap 64: `generate` should stop when the last row has emitted a stop token."""
    templated = [as_chat(tokenizer, prompt) for prompt in EARLY_STOP_PROMPTS]
    result = timed_run(model, tokenizer, templated, Run(str(model.dtype), 2, len(templated), 64))
    verdict = "yes" if result.steps == result.longest < 64 else "no"
    return (f"batch of {result.prompts} short answers, cap 64: generate ran {result.steps} steps, longest output "
            f"{result.longest} tokens, capped {result.capped}; stops early for the whole batch: {verdict}")


def chrf(outputs: list[str], references: list[str]) -> float:
    from sacrebleu.metrics import CHRF

    return CHRF().corpus_score(outputs, [references[: len(outputs)]]).score


def cpu_description() -> str:
    info = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    name = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Model name")),
                platform.processor())
    flags = next((line.split(":", 1)[1].split() for line in info.splitlines() if line.startswith("Flags")), [])
    vector = [flag for flag in flags if flag.startswith(("avx", "amx", "fma"))]
    return f"{name}, {os.cpu_count()} cores; {' '.join(vector)}"


def print_table(results: list[Result]) -> None:
    print(f"\n{'dtype':<9}{'thr':>4}{'batch':>6}{'mode':>8}{'max_new':>8}{'prompts':>8}{'seconds':>9}{'tokens':>8}"
          f"{'tok/s':>8}{'capped':>7}{'steps':>7}{'longest':>8}{'others':>7}")
    for result in results:
        run = result.run
        print(f"{run.dtype:<9}{run.threads:>4}{run.batch_size:>6}{'sample' if run.sampled else 'greedy':>8}"
              f"{run.max_new_tokens:>8}{result.prompts:>8}{result.seconds:>9.1f}{result.tokens:>8}{result.rate:>8.1f}"
              f"{result.capped:>7}{result.steps:>7}{result.longest:>8}{result.others:>7.2f}")


def agreement(results: list[Result], first: Run, second: Run) -> str:
    """How many greedy outputs two runs share, over the prompts both decoded."""
    one = next((r for r in results if r.run == first), None)
    two = next((r for r in results if r.run == second), None)
    if one is None or two is None:
        return "n/a"
    count = min(one.prompts, two.prompts)
    same = sum(a == b for a, b in zip(one.outputs[:count], two.outputs[:count]))
    return f"{same}/{count}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=64)
    parser.add_argument("--single-prompts", type=int, default=8, help="prompts for the batch-size-1 runs")
    parser.add_argument("--compared-at", type=int, default=32, help="batch size of the thread/dtype/... runs")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 8, 16, 32, 64])
    parser.add_argument("--cache-dir", type=Path, default=None, help="hub cache (default: HF_HUB_CACHE)")
    args = parser.parse_args()
    if args.cache_dir:
        os.environ["HF_HUB_CACHE"] = str(args.cache_dir)
    os.environ["HF_HUB_OFFLINE"] = "1"  # before huggingface_hub reads its constants
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from eax.hub_cache import import_smollm2

    print(f"CPU: {cpu_description()}")
    print(f"snapshot: {import_smollm2()}")
    prompts, references = flores_prompts(args.prompts)
    results: list[Result] = []
    checks = []
    for dtype in ("float32", "bfloat16"):
        model, tokenizer, as_chat = load(dtype)
        templated = [as_chat(tokenizer, prompt) for prompt in prompts]
        timed_run(model, tokenizer, templated[:4], Run(dtype, 2, 4, 8))  # warm-up: kernels, allocator
        for run in (r for r in plan(args.batch_sizes, args.compared_at) if r.dtype == dtype):
            subset = templated[: args.single_prompts] if run.batch_size == 1 else templated
            results.append(timed_run(model, tokenizer, subset, run))
            print_table(results[-1:])
        checks.append(f"{dtype}: {early_stop_check(model, tokenizer, as_chat)}")
        del model
    print_table(results)
    print("\nchrF against the English references: " + ", ".join(
        f"{r.run.dtype}/{r.run.batch_size}/{'sample' if r.run.sampled else 'greedy'}/{r.run.max_new_tokens}"
        f" {chrf(r.outputs, references):.1f}" for r in results if r.prompts == len(prompts)))
    print("\n".join(["", *checks]))
    size = args.compared_at
    baseline = Run("float32", 2, size, 64)
    print(f"\ngreedy outputs identical to float32 / 2 threads / batch {size}: "
          + ", ".join(f"{label} {agreement(results, baseline, run)}" for label, run in (
              ("batch 1", Run("float32", 2, 1, 64)), ("batch 8", Run("float32", 2, 8, 64)),
              ("batch 64", Run("float32", 2, 64, 64)), ("1 thread", Run("float32", 1, size, 64)),
              ("bfloat16", Run("bfloat16", 2, size, 64)),
              ("bfloat16 batch 1", Run("bfloat16", 2, 1, 64)))))
    base = next(r for r in results if r.run == baseline)
    for prompt, output in list(zip(prompts, base.outputs))[:3]:
        print(f"\n{prompt}\n-> {output}")


if __name__ == "__main__":
    main()
