"""Rule make_ntrex_corpus: the English-centric training corpus from NTREX-128 segments (multi-parallel: en->x
and x->en of every segment) and the multi-parallel table the oracle measures x2x candidates against."""

from eax.corpus import en_centric_corpus, multi_parallel_table
from eax.io import read_lines, write_parquet
from eax.runner import run_script
from eax.testsets import ntrex_file


def main(snakemake) -> None:
    params = snakemake.params
    texts = {lang: read_lines(ntrex_file(params.root, lang)) for lang in params.languages}
    parallel = multi_parallel_table(texts, params.first_segment, params.segments)
    corpus = en_centric_corpus(parallel, params.languages)
    write_parquet(parallel, snakemake.output.parallel)
    write_parquet(corpus, snakemake.output.corpus)
    print(f"NTREX-128 segments {params.first_segment}-{params.first_segment + params.segments - 1}: "
          f"{len(corpus)} English-centric rows in {len(params.languages) - 1} languages")


run_script(main, snakemake)
