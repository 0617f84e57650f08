"""Rule translate_testset: greedy (or beam) translation of every direction of one test set, HF or vLLM backend;
one {src}2{trg}.txt per direction in the hypotheses folder."""

from eax.generation import TRANSLATION_BACKENDS
from eax.io import atomic_dir, write_lines
from eax.languages import pair_name, split_pair_name
from eax.prompts import alma_prompt, eval_prompt
from eax.runner import run_script
from eax.testsets import load_directions


def main(snakemake) -> None:
    params = snakemake.params
    directions = [split_pair_name(pair) for pair in params.directions]
    segments = load_directions(params.format, params.root, params.split, directions, params.max_segments)
    prompt = alma_prompt if params.prompt_style == "alma" else eval_prompt  # ALMA-R keeps ALMA's prompt
    prompts, owners = [], []
    for src, trg in directions:
        for text in segments[src, trg][0]:
            prompts.append(prompt(src, trg, text))
            owners.append((src, trg))
    translate = TRANSLATION_BACKENDS[params.backend]
    chat_template = None if params.prompt_style == "alma" else params.chat_template  # ALMA: plain-text prompts
    outputs = translate(params.model, prompts, params.batch_size, params.max_new_tokens, params.num_beams,
                        chat_template, params.trust_remote_code, params.dtype)
    by_direction: dict[tuple[str, str], list[str]] = {direction: [] for direction in directions}
    for owner, text in zip(owners, outputs):
        by_direction[owner].append(text)
    with atomic_dir(snakemake.output.hypotheses) as folder:
        for direction, lines in by_direction.items():
            write_lines(lines, folder / f"{pair_name(*direction)}.txt")
    print(f"translated {len(prompts)} segments in {len(directions)} directions with {snakemake.wildcards.model}")


run_script(main, snakemake)
