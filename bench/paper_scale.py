"""The CPU stages at the paper's data size: each rule's own script run on synthetic data of TowerBlocks-MT's shape,
with its wall time and peak memory (the largest resident set of the job's process).

The corpus has the given size and language skew (default 150k rows: German 30%, Korean 2.5%, the rest equal) and
sentences of FLORES-like length; it is checked (`check_corpus`), turned into SFT data (`make_sft_data`, with a
byte-level BPE of `--vocab` pieces trained here on the corpus: no real model's tokenizer is at hand offline), and
cut into seed shards as `config/paper.yaml` asks; one x2x variant's score shards hold n candidates per sampled row
with random scores. Each script runs in a fresh process, given the inputs, outputs and params its rule would give
it, so what is measured is the rule's real code. Not measured here: the GPU stages (`bench/gpu_cost.py`) and the
tables (they read evaluation scores, a few thousand rows per model even at the paper's size).

    .venv/bin/python bench/paper_scale.py [--rows 150000] [--vocab 32000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from eax.config import load_config, margin_name
from eax.corpus import shard_name
from eax.languages import PIVOT, en_centric_directions, pair_name, x2x_directions
from eax.tiny_models import train_chat_tokenizer

ROOT = Path(__file__).resolve().parents[1]

SKEW = {"de": 0.30, "ko": 0.025}  # the rest share what is left equally
WORDS = ("the of and to in a is that for it as was with be by on not he this are or his from at which but have an "
         "they you were her she there been one all we their has would when if so no will more can its out only "
         "time other new some could these two may first then do any like my now over such our man me even most "
         "made after also did many before must through back years where much your way well down should because").split()
MEAN_WORDS = 22  # FLORES-200 sentences: about 21 words, 130 characters


def language_shares(languages: list[str]) -> dict[str, float]:
    others = [code for code in languages if code != PIVOT and code not in SKEW]
    rest = (1 - sum(share for code, share in SKEW.items() if code in languages)) / max(len(others), 1)
    return {code: SKEW.get(code, rest) for code in languages if code != PIVOT}


def sentence(rng: random.Random, tag: str) -> str:
    return f"{tag} " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(MEAN_WORDS - 10, MEAN_WORDS + 10)))


def synthetic_corpus(rows: int, shares: dict[str, float], seed: int = 0) -> pd.DataFrame:
    """English-centric rows in the TowerBlocks-MT schema, half into English and half out of it per language,
    every text distinct."""
    rng = random.Random(seed)
    records = []
    for code, share in shares.items():
        for i in range(round(rows * share)):
            src, trg = (code, PIVOT) if i % 2 else (PIVOT, code)
            records.append((src, trg, sentence(rng, f"{src}{i}"), sentence(rng, f"{trg}{i}")))
    return pd.DataFrame(records, columns=["src_lang", "trg_lang", "src_text", "trg_text"])


def job(rule: str, inputs: dict, outputs: dict, params: dict, log: Path) -> dict:
    """What Snakemake hands a rule's script as `snakemake`, as plain data; the log's folder made, as Snakemake would."""
    log.parent.mkdir(parents=True, exist_ok=True)
    return {"rule": rule, "input": inputs, "output": outputs, "params": params, "log": [str(log)], "threads": 1,
            "resources": {"gpu": 0}, "wildcards": {}}


def as_snakemake(spec: dict) -> SimpleNamespace:
    return SimpleNamespace(**{key: SimpleNamespace(**value) if isinstance(value, dict) else value
                              for key, value in spec.items()})


def measure(script: str, spec: dict, work: Path) -> tuple[float, float]:
    """(seconds, peak resident GiB) of the rule's script run in a fresh Python process."""
    spec_file = work / f"{spec['rule']}.json"
    spec_file.write_text(json.dumps(spec))
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--run", script, str(spec_file)])
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"{script} failed; see {spec['log'][0]}")
    return seconds, usage.ru_maxrss / 2**20  # KiB on Linux


def run_rule_script(script: str, spec_file: str) -> None:
    runpy.run_path(str(ROOT / "workflow_scripts" / script),
                   init_globals={"snakemake": as_snakemake(json.loads(Path(spec_file).read_text()))},
                   run_name="__main__")


def check_corpus_job(config: dict, corpus: Path, out: Path) -> dict:
    return job("check_corpus", {"corpus": str(corpus)}, {"corpus": str(out)}, {"languages": config["languages"]},
               out.parent / "check_corpus.log")


def sft_data_job(config: dict, corpus: Path, tokenizer: Path, out: Path) -> dict:
    data = config["data"]
    return job("make_sft_data", {"corpus": str(corpus)}, {"data": str(out)},
               {"tokenizer": str(tokenizer), "chat_template": config["model"]["chat_template"],
                "trust_remote_code": False, "prompt_seed": data["prompt_seed"], "max_tokens": data["max_tokens"],
                "copy_rows": 0},  # copy rows are the toy world's (SFT_COPY_ROWS); a hub corpus has none
               out.parent / "make_sft_data.log")


def save_tokenizer(corpus: pd.DataFrame, vocab_size: int, folder: Path) -> None:
    """A byte-level BPE with a chat template, trained on a sample of the corpus: the stand-in for the model's own."""
    texts = pd.concat([corpus["src_text"], corpus["trg_text"]]).sample(n=min(20_000, 2 * len(corpus)), random_state=0)
    train_chat_tokenizer(texts.tolist(), vocab_size).save_pretrained(folder)


def seed_shard_job(config: dict, corpus: Path, out: Path) -> dict:
    languages, shards = config["languages"], [shard_name(k) for k in range(config["data"]["shards_per_pair"])]
    rm = [str(out / "rm" / pair_name(*d) / f"{s}.parquet") for d in en_centric_directions(languages) for s in shards]
    x2x = [str(out / "x2x" / pair_name(*d) / f"{s}.parquet") for d in x2x_directions(languages) for s in shards]
    return job("make_seed_shards", {"corpus": str(corpus)}, {"rm": rm, "x2x": x2x},
               {"languages": languages, "max_seed_rows": config["data"]["max_seed_rows"],
                "seed": config["data"]["sample_seed"]}, out.parent / "make_seed_shards.log")


def write_scores(seed_shards: list[str], n: int, out: Path, seed: int = 0) -> list[str]:
    """One variant's score shards: every seed row with n candidates (variants of its reference) and random scores."""
    rng = random.Random(seed)
    paths = []
    for path in seed_shards:
        seeds = pd.read_parquet(path)
        candidates = [[f"{ref} {k}" for k in range(n)] for ref in seeds["ref_text"]]
        scores = [[rng.uniform(-20, 20) for _ in range(n)] for _ in range(len(seeds))]  # paper margin: 10
        target = out / Path(path).parent.name / Path(path).name
        target.parent.mkdir(parents=True, exist_ok=True)
        seeds.assign(candidates=candidates, scores=scores).to_parquet(target, index=False)
        paths.append(str(target))
    return paths


def pair_job(config: dict, scores: list[str], out: Path) -> dict:
    x2x = config["x2x"]
    margin = margin_name(x2x["min_margin"])
    folder = out / f"margin_{margin}"
    folder.mkdir(parents=True, exist_ok=True)
    return job("make_x2x_pairs", {"scores": scores},
               {"pairs": str(folder / "pairs.parquet"), "counts": str(folder / "pair_counts.csv"),
                "percentages": str(folder / "pair_percentages.csv")},
               {"languages": [code for code in config["languages"] if code != PIVOT],
                "min_margin": x2x["min_margin"], "min_winner_score": x2x["min_winner_score"],
                "max_pairs_per_direction": x2x["max_pairs_per_direction"],
                "valid_score_range": x2x["valid_score_range"], "seed": x2x["seed"]}, folder / "make_x2x_pairs.log")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--vocab", type=int, default=32_000, help="pieces of the stand-in tokenizer")
    parser.add_argument("--config", default=str(ROOT / "config" / "paper.yaml"))
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temporary one, removed)")
    parser.add_argument("--run", nargs=2, metavar=("SCRIPT", "JOB"), help=argparse.SUPPRESS)  # the measured child
    args = parser.parse_args()
    if args.run:
        return run_rule_script(*args.run)
    config = load_config(args.config)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="eax-paper-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus = synthetic_corpus(args.rows, language_shares(config["languages"]))
        corpus_path = work / "corpus.parquet"
        corpus.to_parquet(corpus_path, index=False)
        checked = work / "data" / "corpus.parquet"
        seconds, gib = measure("check_corpus.py", check_corpus_job(config, corpus_path, checked), work)
        print(f"check_corpus ({len(corpus):,} rows): {seconds:.1f} s, peak {gib:.2f} GiB")
        save_tokenizer(corpus, args.vocab, work / "tokenizer")
        sft = sft_data_job(config, checked, work / "tokenizer", work / "data" / "sft.parquet")
        seconds, gib = measure("make_sft_data.py", sft, work)
        print(f"make_sft_data ({args.vocab:,}-piece BPE): {seconds:.1f} s, peak {gib:.2f} GiB")
        shards = seed_shard_job(config, checked, work / "seed_shards")
        seconds, gib = measure("make_seed_shards.py", shards, work)
        x2x_shards = shards["output"]["x2x"]
        x2x_rows = sum(len(pd.read_parquet(path)) for path in x2x_shards)
        print(f"{len(corpus):,} corpus rows, {len(x2x_shards)} x2x seed shards, {x2x_rows:,} x2x seed rows")
        print(f"make_seed_shards: {seconds:.1f} s, peak {gib:.2f} GiB")
        n = config["sampling"]["n"]
        scores = write_scores(x2x_shards, n, work / "scores")
        seconds, gib = measure("make_pairs.py", pair_job(config, scores, work / "pairs"), work)
        variants, margins = 4, 1 + len(config["x2x"]["min_margin_sweep"])
        print(f"make_x2x_pairs (one variant, one margin, {x2x_rows * n:,} candidates): {seconds:.1f} s, "
              f"peak {gib:.2f} GiB; the config builds {variants * margins} such files")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
