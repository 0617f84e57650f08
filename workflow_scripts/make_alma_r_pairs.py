"""Rule make_alma_r_pairs: CPO pairs from ALMA-R triplets (best vs worst of reference/GPT-4/ALMA)."""

from eax.alma_r import load_triplets, triplet_pairs
from eax.io import write_parquet, write_text
from eax.languages import PIVOT
from eax.pairs import count_matrix, percentages
from eax.runner import run_script


def main(snakemake) -> None:
    params = snakemake.params
    rows = load_triplets(params.source, params.configs)
    directions = [d for name in params.configs for x, y in [name.split("-")] for d in ((x, y), (y, x))]
    pairs = triplet_pairs(rows, directions, params.scorer, params.seed)
    languages = list(dict.fromkeys([PIVOT, *(lang for d in directions for lang in d)]))
    counts = count_matrix(pairs, languages)
    print(f"{len(pairs)} pairs from {len(rows)} triplet rows\n{counts.to_string()}")
    write_text(counts.to_csv(), snakemake.output.counts)
    write_text(percentages(counts).to_csv(), snakemake.output.percentages)
    write_parquet(pairs, snakemake.output.pairs)


run_script(main, snakemake)
