"""The paper's prompts: evaluation/RM, EAxT (source + English reference), the diverse SFT/DPO templates, ALMA."""

from __future__ import annotations

import random

from eax.languages import name_of

EVAL_TEMPLATE = "Translate the following text from {S} into {T}:\n{S}: {src}\n{T}:"
EAXT_TEMPLATE = (
    "Given a {S} text and its {R} version as a reference, translate the source text into {T}.\n"
    "{S} Source: {src}\n{R} Reference: {ref}\n{T} Translation:"
)
ALMA_TEMPLATE = "Translate this from {S} to {T}:\n{S}: {src}\n{T}:"

# Twenty paraphrases of the instruction, one drawn per training example (the recipe's "diverse prompts").
DIVERSE_TEMPLATES = (
    EVAL_TEMPLATE,
    "Translate this {S} text into {T}:\n{src}",
    "Please translate the following {S} sentence into {T}.\n{src}",
    "{S}: {src}\nTranslate the sentence above into {T}.",
    "Render the following {S} text in {T}:\n{src}",
    "What is the {T} translation of this {S} text?\n{src}",
    "Convert this sentence from {S} to {T}:\n{src}",
    "Translate from {S} to {T}.\n{S}: {src}\n{T}:",
    "Give the {T} version of the following {S} text.\n{src}",
    "I need this {S} text in {T}, please:\n{src}",
    "Here is a sentence in {S}: {src}\nHow would you say it in {T}?",
    "Translate into {T}:\n{src}",
    "Provide a faithful {T} translation of the {S} text below.\n{src}",
    "{src}\nTranslate the text above from {S} into {T}.",
    "Translate the {S} input into fluent {T}.\nInput: {src}\nOutput:",
    "Source ({S}): {src}\nTarget ({T}):",
    "Can you translate this from {S} into {T}?\n{src}",
    "Express the following {S} sentence in {T}.\n{src}",
    "You are a professional translator. Translate this {S} text into {T}:\n{src}",
    "Write the following in {T}. The original is in {S}.\n{src}",
)


def eval_prompt(src_lang: str, trg_lang: str, src_text: str) -> str:
    return EVAL_TEMPLATE.format(S=name_of(src_lang), T=name_of(trg_lang), src=src_text)


def eaxt_prompt(src_lang: str, trg_lang: str, src_text: str, ref_lang: str, ref_text: str) -> str:
    """EAxT: the x source *and* its English reference, asking for y."""
    return EAXT_TEMPLATE.format(
        S=name_of(src_lang), T=name_of(trg_lang), R=name_of(ref_lang), src=src_text, ref=ref_text
    )


def alma_prompt(src_lang: str, trg_lang: str, src_text: str) -> str:
    return ALMA_TEMPLATE.format(S=name_of(src_lang), T=name_of(trg_lang), src=src_text)


def diverse_prompts(rows: list[tuple[str, str, str]], seed: int) -> list[str]:
    """One randomly drawn template per (src_lang, trg_lang, src_text) row; the same seed gives the same draw."""
    rng = random.Random(seed)
    return [
        rng.choice(DIVERSE_TEMPLATES).format(S=name_of(src), T=name_of(trg), src=text) for src, trg, text in rows
    ]


def as_chat(tokenizer, user_text: str) -> str:
    """One user message wrapped in the model's chat template, with the generation prompt on."""
    messages = [{"role": "user", "content": user_text}]
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
