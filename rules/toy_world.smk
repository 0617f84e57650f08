# The embedded default: data, tokenizer, base LLM and COMET metric, all made here from seeded rules.

from eax.languages import language
from eax.wiring import LOCAL_MODEL_FILES, TOY_WORLD


rule make_toy_world:
    output:
        corpus=TOY_WORLD["corpus"],
        parallel=TOY_WORLD["parallel"],
        monolingual=TOY_WORLD["monolingual"],
        devtest=expand(
            f"{TOY_WORLD['flores200']}/devtest/{{code}}.devtest",
            code=[language(code).flores for code in wiring.languages],
        ),
        lexicon=TOY_WORLD["lexicon"],
        published_system=expand(
            f"{TOY_WORLD['published_system']}/{{src}}2{{trg}}.txt",
            zip,
            src=[s for s in wiring.languages for t in wiring.languages if s != t],
            trg=[t for s in wiring.languages for t in wiring.languages if s != t],
        ),
        alma_r=expand(
            f"{TOY_WORLD['alma_r']}/{{code}}-en/train-00000-of-00001.parquet",
            code=wiring.x2x_languages,
        ),
    log:
        "results/logs/make_toy_world.log",
    benchmark:
        "results/benchmarks/make_toy_world.tsv"
    conda:
        "../envs/data.yaml"
    params:
        library=library_version("make_toy_world.py"),
        languages=wiring.languages,
        alma_r_configs=[f"{code}-en" for code in wiring.x2x_languages],  # in the order of the alma_r output
        alma_r_rows_per_language=config["toy_world"]["alma_r_rows_per_language"],
        seed=config["toy_world"]["seed"],
        lemma_count=config["toy_world"]["lemma_count"],
        word_order=config["toy_world"]["word_order"],
        sentences_per_direction=config["toy_world"]["sentences_per_direction"],
        monolingual_sentences=config["toy_world"]["monolingual_sentences"],
        devtest_sentences=config["toy_world"]["devtest_sentences"],
    script:
        "../workflow_scripts/make_toy_world.py"


rule build_toy_base_model:
    input:
        corpus=rules.make_toy_world.output.corpus,
        monolingual=rules.make_toy_world.output.monolingual,
    output:
        model=expand(f"{TOY_WORLD['base_model']}/{{file}}", file=LOCAL_MODEL_FILES),
    log:
        "results/logs/build_toy_base_model.log",
    benchmark:
        "results/benchmarks/build_toy_base_model.tsv"
    conda:
        "../envs/train.yaml"
    params:
        library=library_version("build_toy_base_model.py"),
        vocab_size=config["toy_world"]["tokenizer_vocab_size"],
        architecture=config["toy_world"]["model"],
        pretrain=config["toy_world"]["pretrain"],
        seed=config["toy_world"]["seed"],
    script:
        "../workflow_scripts/build_toy_base_model.py"


rule build_toy_comet:
    input:
        corpus=rules.make_toy_world.output.corpus,
    output:
        checkpoint=TOY_WORLD["comet"],
    log:
        "results/logs/build_toy_comet.log",
    benchmark:
        "results/benchmarks/build_toy_comet.tsv"
    conda:
        "../envs/eval.yaml"
    params:
        library=library_version("build_toy_comet.py"),
        architecture={key: config["toy_world"]["comet"][key] for key in ("hidden_size", "num_layers", "vocab_size")},
        fit_samples=config["toy_world"]["comet"]["fit_samples"],
        fit_steps=config["toy_world"]["comet"]["fit_steps"],
        seed=config["toy_world"]["seed"],
    script:
        "../workflow_scripts/build_toy_comet.py"


rule build_toy_bleurt:
    input:
        corpus=rules.make_toy_world.output.corpus,
    output:
        config=f"{TOY_WORLD['bleurt']}/config.json",
        weights=f"{TOY_WORLD['bleurt']}/model.safetensors",
        tokenizer=f"{TOY_WORLD['bleurt']}/spm.model",
    log:
        "results/logs/build_toy_bleurt.log",
    benchmark:
        "results/benchmarks/build_toy_bleurt.tsv"
    conda:
        "../envs/eval.yaml"
    params:
        library=library_version("build_toy_bleurt.py"),
        architecture={key: config["toy_world"]["bleurt"][key] for key in ("hidden_size", "num_layers", "vocab_size")},
        fit_samples=config["toy_world"]["bleurt"]["fit_samples"],
        fit_steps=config["toy_world"]["bleurt"]["fit_steps"],
        seed=config["toy_world"]["seed"],
    script:
        "../workflow_scripts/build_toy_bleurt.py"
