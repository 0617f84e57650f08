"""The language registry: short codes, English names, FLORES-200 codes and BLEU tokenizers.

Real languages are the paper's ten plus the WMT ones ALMA-R uses; the toy world's pseudo-languages use
ISO 639-2's local-use range (qaa-qtz), so they can never collide with a real code.
"""

from __future__ import annotations

from dataclasses import dataclass

PIVOT = "en"


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    flores: str
    bleu_tokenizer: str = "13a"


REAL_LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", "eng_Latn"),
        Language("de", "German", "deu_Latn"),
        Language("fr", "French", "fra_Latn"),
        Language("nl", "Dutch", "nld_Latn"),
        Language("it", "Italian", "ita_Latn"),
        Language("es", "Spanish", "spa_Latn"),
        Language("pt", "Portuguese", "por_Latn"),
        Language("ko", "Korean", "kor_Hang", "ko-mecab"),
        Language("ru", "Russian", "rus_Cyrl"),
        Language("zh", "Chinese", "zho_Hans", "zh"),
        Language("ja", "Japanese", "jpn_Jpan", "ja-mecab"),
        Language("cs", "Czech", "ces_Latn"),
        Language("is", "Icelandic", "isl_Latn"),
    )
}

TOY_LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("qaa", "Lumish", "qaa_Latn"),
        Language("qab", "Vorsk", "qab_Cyrl"),
        Language("qac", "Tenglan", "qac_Hani", "zh"),
        Language("qad", "Orvic", "qad_Latn"),
    )
}

LANGUAGES: dict[str, Language] = {**REAL_LANGUAGES, **TOY_LANGUAGES}


def language(code: str) -> Language:
    try:
        return LANGUAGES[code]
    except KeyError:
        known = ", ".join(sorted(LANGUAGES))
        raise KeyError(f"unknown language code {code!r}; known codes: {known}") from None


def name_of(code: str) -> str:
    return language(code).name


def bleu_tokenizer(code: str) -> str:
    """sacrebleu tokenizer for BLEU on text in this language (zh, ko-mecab, ja-mecab or 13a)."""
    return language(code).bleu_tokenizer


def en_centric_directions(languages: list[str]) -> list[tuple[str, str]]:
    """en->x then x->en for every non-English x, in config order."""
    others = [code for code in languages if code != PIVOT]
    return [(PIVOT, x) for x in others] + [(x, PIVOT) for x in others]


def x2x_directions(languages: list[str]) -> list[tuple[str, str]]:
    """Every ordered pair of distinct non-English languages (72 for the paper's ten)."""
    others = [code for code in languages if code != PIVOT]
    return [(x, y) for x in others for y in others if x != y]


def pair_name(src: str, trg: str) -> str:
    return f"{src}2{trg}"


def split_pair_name(pair: str) -> tuple[str, str]:
    src, sep, trg = pair.partition("2")
    if not sep or src not in LANGUAGES or trg not in LANGUAGES:
        raise ValueError(f"not a language pair name: {pair!r}")
    return src, trg
