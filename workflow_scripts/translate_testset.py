"""Rule translate_testset: greedy (or beam) translation of every configured direction of one test set."""

from pathlib import Path

from eax.generation import generate, load_causal_lm
from eax.io import write_lines
from eax.languages import pair_name, split_pair_name
from eax.prompts import as_chat, eval_prompt
from eax.runner import run_script
from eax.testsets import load_directions


def main(snakemake) -> None:
    params = snakemake.params
    directions = [split_pair_name(pair) for pair in params.directions]
    segments = load_directions(params.format, params.root, params.split, directions)
    model, tokenizer = load_causal_lm(params.model, params.trust_remote_code)
    prompts, owners = [], []
    for src, trg in directions:
        for text in segments[src, trg][0]:
            prompts.append(as_chat(tokenizer, eval_prompt(src, trg, text)))
            owners.append((src, trg))
    outputs = generate(model, tokenizer, prompts, params.batch_size, params.max_new_tokens,
                       num_beams=params.num_beams, desc=f"translate {snakemake.wildcards.model}")
    by_direction: dict[tuple[str, str], list[str]] = {direction: [] for direction in directions}
    for owner, texts in zip(owners, outputs):
        by_direction[owner].append(texts[0])
    paths = {Path(path).stem: path for path in snakemake.output.hypotheses}
    for direction, lines in by_direction.items():
        write_lines(lines, paths[pair_name(*direction)])


run_script(main, snakemake)
