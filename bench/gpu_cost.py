"""A GPU cost model of the sampling and scoring stages for a config: jobs, rows and tokens per job, and GPU-hours
split into model start-up and work, from throughput and start-up figures given as arguments.

The seed rows come from the workflow's own seed functions (eax.corpus) applied to a synthetic corpus of the
given size and language shares (default: TowerBlocks-MT's shape as measured for issue 11, 150k rows with German
30% and Korean 2.5%). Default figures, to be replaced by measured ones (`bench/README.md`):

- vLLM generation, 7B, one A100 80GB: 3,363 output tokens/s (DeepSeek-R1-Distill-Qwen-7B, default config;
  morphllm.com/vllm-benchmarks, 2026); one H100: ~12,500 tokens/s for Llama-3.1-8B (same page).
- transformers `generate`: the vLLM figure / 14, the low end of the 14x-24x gap the vLLM authors measured
  (blog.vllm.ai, 2023-06-20).
- scoring (one forward pass, no generation) runs at `mfu` x peak FLOP/s / (2 x parameters) tokens/s; A100 bf16
  dense peak 312 TFLOP/s (NVIDIA's datasheet), MFU 0.4 assumed.
- start-up per job: vLLM 90 s (engine and CUDA graphs, "typically 1-2 minutes"), a 7B transformers load from
  local disk 40 s ("20-60 s"), BLEURT-20 20 s: orders of magnitude, to be measured.

    .venv/bin/python bench/gpu_cost.py [--config config/paper.yaml] [--rows 150000] [--gen-tps 3363] ...
"""

from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from paper_scale import language_shares, synthetic_corpus

from eax.config import load_config
from eax.corpus import rm_seeds, split_into_shards, x2x_seeds

ROOT = Path(__file__).resolve().parents[1]

A100_BF16_FLOPS = 312e12


@dataclass(frozen=True)
class Stage:
    name: str
    rows_per_job: list[int]
    tokens_per_row: float  # generated (sampling) or read (scoring) tokens per seed row
    tokens_per_second: float
    startup_seconds: float

    @property
    def work_hours(self) -> float:
        return sum(self.rows_per_job) * self.tokens_per_row / self.tokens_per_second / 3600

    @property
    def startup_hours(self) -> float:
        return len(self.rows_per_job) * self.startup_seconds / 3600

    @property
    def startup_share(self) -> float:
        total = self.work_hours + self.startup_hours
        return self.startup_hours / total if total else 0.0


def shard_sizes(seeds: dict[str, pd.DataFrame], shards_per_pair: int, max_rows: int | None) -> list[int]:
    """Seed rows per sampling/scoring job: each pair's (capped) seeds cut as make_seed_shards cuts them."""
    return [len(shard) for frame in seeds.values()
            for shard in split_into_shards(frame.head(max_rows) if max_rows else frame, shards_per_pair)]


def stages(config: dict, corpus: pd.DataFrame, args: argparse.Namespace) -> list[Stage]:
    languages, data, sampling = config["languages"], config["data"], config["sampling"]
    shards, n = data["shards_per_pair"], sampling["n"]
    samplers, scorers = len(config["x2x"]["samplers"]), len(config["x2x"]["scorers"])
    rm_jobs = shard_sizes(rm_seeds(corpus, languages), shards, data["max_seed_rows"]["rm"])
    x2x_jobs = shard_sizes(x2x_seeds(corpus, languages), shards, data["max_seed_rows"]["x2x"])
    vllm = sampling["backend"] == "vllm"
    gen_tps = args.gen_tps if vllm else args.gen_tps / args.hf_gap
    gen_startup = args.vllm_startup if vllm else args.hf_startup
    read = args.prompt_tokens + args.output_tokens
    policy_tps = args.mfu * args.peak_flops / (2 * args.policy_params)
    metric_tps = args.mfu * args.peak_flops / (2 * args.metric_params)
    return [
        Stage("sample_rm_candidates", rm_jobs, n * args.output_tokens, gen_tps, gen_startup),
        Stage("score_rm_candidates", rm_jobs, n * read, metric_tps, args.metric_startup),
        Stage("sample_x2x_candidates", x2x_jobs, samplers * n * args.output_tokens, gen_tps, gen_startup),
        Stage("score_x2x_candidates", x2x_jobs, samplers * scorers * n * read, policy_tps, args.hf_startup),
    ]


def largest_shards_within(stage: Stage, jobs_per_shard: int, share: float) -> int:
    """The most shards per pair at which start-up stays within `share` of the stage's GPU time."""
    work = stage.work_hours * 3600
    shards = int(share * work / ((1 - share) * jobs_per_shard * stage.startup_seconds)) if stage.startup_seconds else 0
    return max(shards, 1)


def report(config: dict, found: list[Stage], pairs: dict[str, int], target_share: float) -> str:
    header = ("| stage | jobs | seed rows per job (min / median / max) | tokens per job (median) | work GPU-h | "
              f"start-up GPU-h | start-up share | shards_per_pair for <= {target_share:.0%} |")
    lines = [header, "|---|---:|---|---:|---:|---:|---:|---:|"]
    for stage in found:
        rows = stage.rows_per_job
        kind = "rm" if "_rm_" in stage.name else "x2x"
        lines.append(
            f"| {stage.name} | {len(rows)} | {min(rows)} / {statistics.median(rows):.0f} / {max(rows)} | "
            f"{statistics.median(rows) * stage.tokens_per_row:,.0f} | {stage.work_hours:.1f} | "
            f"{stage.startup_hours:.1f} | {stage.startup_share:.0%} | "
            f"{largest_shards_within(stage, pairs[kind], target_share)} |")
    work = sum(stage.work_hours for stage in found)
    startup = sum(stage.startup_hours for stage in found)
    lines.append(f"\nTotal {work + startup:.1f} GPU-h, of which start-up {startup:.1f} "
                 f"({startup / (work + startup):.0%}); "
                 f"`data.shards_per_pair` is {config['data']['shards_per_pair']}.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(ROOT / "config" / "paper.yaml"))
    parser.add_argument("--rows", type=int, default=150_000, help="English-centric corpus rows")
    parser.add_argument("--prompt-tokens", type=float, default=120, help="mean templated prompt length")
    parser.add_argument("--output-tokens", type=float, default=50, help="mean candidate length")
    parser.add_argument("--gen-tps", type=float, default=3363, help="vLLM generated tokens/s per GPU")
    parser.add_argument("--hf-gap", type=float, default=14, help="vLLM / transformers generation throughput")
    parser.add_argument("--peak-flops", type=float, default=A100_BF16_FLOPS)
    parser.add_argument("--mfu", type=float, default=0.4)
    parser.add_argument("--policy-params", type=float, default=7.6e9, help="the RM that scores x2x candidates")
    parser.add_argument("--metric-params", type=float, default=0.58e9, help="BLEURT-20, scoring RM candidates")
    parser.add_argument("--vllm-startup", type=float, default=90)
    parser.add_argument("--hf-startup", type=float, default=40)
    parser.add_argument("--metric-startup", type=float, default=20)
    parser.add_argument("--target-share", type=float, default=0.10)
    parser.add_argument("--shards-per-pair", type=int, help="instead of the config's data.shards_per_pair")
    args = parser.parse_args()
    config = load_config(args.config)
    if args.shards_per_pair:
        config["data"]["shards_per_pair"] = args.shards_per_pair
    corpus = synthetic_corpus(args.rows, language_shares(config["languages"]))
    found = stages(config, corpus, args)
    pairs = {"rm": len(rm_seeds(corpus, config["languages"])), "x2x": len(x2x_seeds(corpus, config["languages"]))}
    print(f"{args.config}: {len(corpus):,} corpus rows; generation {args.gen_tps:,.0f} tokens/s (vLLM), "
          f"scoring {args.mfu:.0%} of {args.peak_flops / 1e12:.0f} TFLOP/s\n")
    print(report(config, found, pairs, args.target_share))


if __name__ == "__main__":
    main()
