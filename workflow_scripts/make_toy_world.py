"""Rule make_toy_world: the toy corpus (TowerBlocks-MT schema) with its every-language truth, its FLORES-layout
devtest and lexicons."""

from pathlib import Path

import pandas as pd

from eax.io import write_json, write_lines, write_parquet
from eax.languages import PIVOT, language
from eax.runner import run_script
from eax.toy_world import (
    ToyWorld,
    english_centric,
    make_alma_r_triplets,
    make_devtest,
    make_monolingual,
    make_parallel_corpus,
    make_published_system,
)


def main(snakemake) -> None:
    params = snakemake.params
    world = ToyWorld(params.seed, tuple(code for code in params.languages if code != PIVOT), params.lemma_count,
                     params.word_order)
    parallel = make_parallel_corpus(world, params.sentences_per_direction)
    corpus = pd.DataFrame(english_centric(parallel))
    devtest = make_devtest(world, params.devtest_sentences, exclude_english={row[PIVOT] for row in parallel})
    devtest_dir = Path(snakemake.output.devtest[0]).parent
    for code, lines in devtest.items():
        write_lines(lines, devtest_dir / f"{language(code).flores}.devtest")
    published_dir = Path(snakemake.output.published_system[0]).parent
    for (src, trg), lines in make_published_system(devtest, params.seed).items():
        write_lines(lines, published_dir / f"{src}2{trg}.txt")
    monolingual = make_monolingual(world, params.monolingual_sentences, exclude_english=set(devtest[PIVOT]))
    write_parquet(pd.DataFrame(monolingual, columns=["lang", "text"]), snakemake.output.monolingual)
    write_json(world.lexicons(), snakemake.output.lexicon)
    triplets = make_alma_r_triplets(world, params.alma_r_rows_per_language)
    for name, path in zip(params.alma_r_configs, snakemake.output.alma_r, strict=True):
        write_parquet(pd.DataFrame({"translation": triplets[name]}), path)
    write_parquet(pd.DataFrame(parallel), snakemake.output.parallel)
    write_parquet(corpus, snakemake.output.corpus)
    print(f"toy world: {len(corpus)} training rows, "
          f"{params.devtest_sentences} devtest segments x {len(devtest)} languages")


run_script(main, snakemake)
