# Data stage: fetch (hub, NTREX-128) and check the corpus, write the recipe's seed shards and the SFT instruction data.

from eax.config import NTREX128
from eax.languages import language
from eax.wiring import FLORES_DOWNLOAD, FLORES_URL, MULTI_PARALLEL, NTREX_DOWNLOAD, NTREX_URL, TOY_WORLD


rule download_hub_corpus:
    output:
        corpus="results/data/corpus.download.parquet",
    log:
        "results/logs/download_hub_corpus.log",
    benchmark:
        "results/benchmarks/download_hub_corpus.tsv"
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("download_hub_corpus.py"),
        dataset=config["corpus"]["source"],
        file=config["corpus"]["hub_file"],
    script:
        "../workflow_scripts/download_hub_corpus.py"


rule download_ntrex:
    output:
        files=wiring.ntrex_files(NTREX_DOWNLOAD),
    log:
        "results/logs/download_ntrex.log",
    benchmark:
        "results/benchmarks/download_ntrex.tsv"
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("download_ntrex.py"),
        url=NTREX_URL,
    script:
        "../workflow_scripts/download_ntrex.py"


rule make_ntrex_corpus:
    input:
        files=wiring.ntrex_files(wiring.ntrex_root),
    output:
        corpus=MULTI_PARALLEL[NTREX128]["corpus"],
        parallel=MULTI_PARALLEL[NTREX128]["parallel"],
    log:
        "results/logs/make_ntrex_corpus.log",
    benchmark:
        "results/benchmarks/make_ntrex_corpus.tsv"
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("make_ntrex_corpus.py"),
        root=wiring.ntrex_root,
        languages=wiring.languages,
        first_segment=wiring.ntrex["first_segment"],
        segments=wiring.ntrex["segments"],
    script:
        "../workflow_scripts/make_ntrex_corpus.py"


rule check_corpus:
    input:
        corpus=wiring.corpus_path(),
    output:
        corpus="results/data/corpus.parquet",
    log:
        "results/logs/check_corpus.log",
    benchmark:
        "results/benchmarks/check_corpus.tsv"
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("check_corpus.py"),
        languages=wiring.languages,
    script:
        "../workflow_scripts/check_corpus.py"


rule make_seed_shards:
    input:
        corpus="results/data/corpus.parquet",
    output:
        rm=expand("results/data/seed_shards/rm/{pair}/{shard}.parquet", pair=wiring.rm_pairs, shard=wiring.shards),
        x2x=expand("results/data/seed_shards/x2x/{pair}/{shard}.parquet", pair=wiring.x2x_pairs, shard=wiring.shards),
    log:
        "results/logs/make_seed_shards.log",
    benchmark:
        "results/benchmarks/make_seed_shards.tsv"
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("make_seed_shards.py"),
        languages=wiring.languages,
        max_seed_rows=config["data"]["max_seed_rows"],
        seed=config["data"]["sample_seed"],
    script:
        "../workflow_scripts/make_seed_shards.py"


rule make_sft_data:
    input:
        corpus="results/data/corpus.parquet",
        model=wiring.model_files("base"),
        monolingual=TOY_WORLD["monolingual"] if wiring.sft_copy_rows else [],
    output:
        data="results/data/sft.parquet",
    log:
        "results/logs/make_sft_data.log",
    benchmark:
        "results/benchmarks/make_sft_data.tsv"
    priority: 50
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("make_sft_data.py"),
        tokenizer=model_location,
        chat_template=config["model"]["chat_template"],
        trust_remote_code=config["model"]["trust_remote_code"],
        prompt_seed=config["data"]["prompt_seed"],
        max_tokens=config["data"]["max_tokens"],
        copy_rows=wiring.sft_copy_rows,
    script:
        "../workflow_scripts/make_sft_data.py"


rule download_flores:
    output:
        files=expand(
            f"{FLORES_DOWNLOAD}/{{split}}/{{code}}.{{split}}",
            split=wiring.flores_download_splits,
            code=[language(code).flores for code in wiring.languages],
        ),
    log:
        "results/logs/download_flores.log",
    benchmark:
        "results/benchmarks/download_flores.tsv"
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("download_flores.py"),
        url=FLORES_URL,
        root=FLORES_DOWNLOAD,  # the folder of every output file
        splits=wiring.flores_download_splits,
    script:
        "../workflow_scripts/download_flores.py"
