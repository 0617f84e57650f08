"""Rule check_corpus: validate the corpus and keep the configured English-centric rows."""

from eax.corpus import check_corpus
from eax.errors import UserInputError
from eax.io import write_parquet
from eax.runner import run_script


def read_corpus(path: str):
    import pandas as pd
    import pyarrow

    try:
        return pd.read_parquet(path)
    except (pyarrow.ArrowException, OSError) as error:
        raise UserInputError(f"{path}: not a readable parquet file ({error})") from None


def main(snakemake) -> None:
    path = snakemake.input.corpus
    corpus, notes = check_corpus(read_corpus(path), snakemake.params.languages, source=path)
    for note in notes:
        print(note)
    write_parquet(corpus, snakemake.output.corpus)
    counts = corpus.groupby(["src_lang", "trg_lang"]).size()
    print(f"{len(corpus)} rows kept:\n{counts.to_string()}")


run_script(main, snakemake)
