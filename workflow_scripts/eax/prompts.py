"""The paper's prompts: evaluation/RM, EAxT (source + English reference), the diverse SFT/DPO templates, ALMA.

The templates below are copied verbatim from NJUNLP/EAX `utils/prompts.py` (only the placeholder names differ:
`{S}`, `{T}`, `{R}` for the language names, `{src}`/`{ref}` for the texts) and from fe1ixxu/ALMA (the ALMA
prompt). Both are under the MIT licence:

    MIT License

    Copyright (c) 2025 NJUNLP

    Permission is hereby granted, free of charge, to any person obtaining a copy
    of this software and associated documentation files (the "Software"), to deal
    in the Software without restriction, including without limitation the rights
    to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
    copies of the Software, and to permit persons to whom the Software is
    furnished to do so, subject to the following conditions:

    The above copyright notice and this permission notice shall be included in all
    copies or substantial portions of the Software.

    THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
    IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
    FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
    AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
    LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
    OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
    SOFTWARE.

ALMA (fe1ixxu/ALMA) carries the same MIT text with "Copyright (c) 2023 Haoran Xu".
"""

from __future__ import annotations

import random
import re

from eax.languages import name_of

EVAL_TEMPLATE = "Translate the following text from {S} into {T}:\n{S}: {src}\n{T}:"
EAXT_TEMPLATE = (
    "Given a {S} text and its {R} version as a reference, translate the source text into {T}.\n"
    "{S} Source: {src}\n{R} Reference: {ref}\n{T} Translation:"
)
ALMA_TEMPLATE = "Translate this from {S} to {T}:\n{S}: {src}\n{T}:"

# The original's 20 instruction templates, in its order (the draw picks by position); the evaluation prompt is
# deliberately not among them.
DIVERSE_TEMPLATES = (
    "Translate the below text from {S} to {T}.\nSource: {src}\nTarget:",
    "Source: {src}\nYour task is to translate the following text from {S} into {T}.\nTarget:",
    "Please provide a translation from {S} to {T} for the following text:\n{src}\nTarget:",
    "Source: {src}\nTranslate the source text from {S} to {T}.\nTarget:",
    "Please translate the following text:\n{S} Source: {src}\n{T} Target:",
    "Source: {src}\nTranslate from {S} to {T}.\nTarget:",
    "Please translate this text from {S} into {T}.\nSource: {src}\nTarget:",
    "Translate this {S} text into {T}:\nSource: {src}\nTranslation:",
    "{S} Source: {src}\n{T} Translation:",
    "Translate the following text from {S} to {T}:\nText: {src}\nAnswer:",
    "Translate the following {S} source text to {T}:\n{S}: {src}\n{T}:",
    "Source: {src}\nCan you translate the given text from {S} into {T}?\nTarget:",
    "Translate the text below from {S} to {T}:\n{src}\nTarget Translation:",
    "Write a translation of the given text from {S} to {T}.\n{S}: {src}\n{T}:",
    "Source: {src}\nGiven the text in {S}, translate it into {T}.\nTarget:",
    "Write the text in {S} in {T}.\nSource: {src}\nTarget:",
    "From {S} to {T}, translate the text:\nSource: {src}\nTarget:",
    "Source: {src}\nProvide a translation of the given text from {S} to {T}.\nTarget:",
    "Make a translation of the given text from {S} to {T}.\n{S}: {src}\n{T}:",
    "{S}: {src}\n{T}:",
)
PLACEHOLDER = re.compile(r"\{(S|T|R|src|ref)\}")
ORIGINAL_PROMPT_SEED = 114514  # `random.seed(114514)` at import of the original's prompts module


def _fill(template: str, src_lang: str, trg_lang: str, src_text: str, ref_lang: str = "", ref_text: str = "") -> str:
    """Names and texts into a template; a `{` or `}` inside a text is kept as it is, never read as a placeholder."""
    values = {"S": name_of(src_lang), "T": name_of(trg_lang), "src": src_text,
              "R": name_of(ref_lang) if ref_lang else "", "ref": ref_text}
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def eval_prompt(src_lang: str, trg_lang: str, src_text: str) -> str:
    return _fill(EVAL_TEMPLATE, src_lang, trg_lang, src_text)


def eaxt_prompt(src_lang: str, trg_lang: str, src_text: str, ref_lang: str, ref_text: str) -> str:
    """EAxT: the x source *and* its English reference, asking for y."""
    return _fill(EAXT_TEMPLATE, src_lang, trg_lang, src_text, ref_lang, ref_text)


def alma_prompt(src_lang: str, trg_lang: str, src_text: str) -> str:
    return _fill(ALMA_TEMPLATE, src_lang, trg_lang, src_text)


def diverse_template_indices(n_rows: int, seed: int = ORIGINAL_PROMPT_SEED) -> list[int]:
    """Which of DIVERSE_TEMPLATES each of `n_rows` rows gets, in file order.

    The original seeds Python's `random` once (114514) and calls `random.choice(templates)` once per row, so row
    k's template depends only on k: a private `random.Random(seed)` making the same calls gives the same draw.
    """
    rng = random.Random(seed)
    positions = range(len(DIVERSE_TEMPLATES))  # random.choice(seq) draws an index: the same one for any seq of 20
    return [rng.choice(positions) for _ in range(n_rows)]


def diverse_prompts(rows: list[tuple[str, str, str]], seed: int = ORIGINAL_PROMPT_SEED) -> list[str]:
    """One drawn template per (src_lang, trg_lang, src_text) row, as the original draws it for the same file."""
    indices = diverse_template_indices(len(rows), seed)
    return [_fill(DIVERSE_TEMPLATES[k], src, trg, text) for k, (src, trg, text) in zip(indices, rows)]
