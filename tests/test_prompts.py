"""The paper's prompts, checked against the recipe notes and against the original's own draw, computed here
independently with the module-level `random` exactly as NJUNLP/EAX's prompts module uses it."""

import random
import re
from pathlib import Path

import pytest

from eax.languages import name_of
from eax.prompts import (
    DIVERSE_TEMPLATES,
    EVAL_TEMPLATE,
    alma_prompt,
    diverse_prompts,
    diverse_template_indices,
    eaxt_prompt,
    eval_prompt,
)

RECIPE = Path(__file__).resolve().parents[2] / "shared" / "notes" / "eax-recipe.md"


def recipe_templates() -> list[str]:
    """The 20 templates as the verified recipe notes list them (`{S}`, `{T}`; `{}` for the source)."""
    if not RECIPE.is_file():
        pytest.skip(f"{RECIPE} is not here")
    lines = re.findall(r"^  \d+\. `(.*)`$", RECIPE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return [line.replace("\\n", "\n") for line in lines]


def original_style(src: str, trg: str) -> tuple[str, ...]:
    """The original's tuple for one language pair: names filled in, `{}` left for `.format(text)`."""
    return tuple(t.replace("{S}", name_of(src)).replace("{T}", name_of(trg)) for t in recipe_templates())


def test_the_twenty_templates_are_the_originals_in_order():
    templates = recipe_templates()
    assert len(templates) == 20
    assert [t.replace("{src}", "{}") for t in DIVERSE_TEMPLATES] == templates


def test_the_evaluation_prompt_is_never_a_training_prompt():
    assert EVAL_TEMPLATE not in DIVERSE_TEMPLATES
    rows = [("de", "en", f"Satz {i}.") for i in range(2000)]
    assert not {eval_prompt(*row) for row in rows} & set(diverse_prompts(rows))


def test_every_row_gets_the_template_the_original_draw_gives_it():
    """The original: `random.seed(114514)` at import, then one `random.choice(prompts)` per row in file order."""
    rows = [("de", "en", "Hallo."), ("en", "zh", "Hello."), ("fr", "en", "Salut {x}."), ("en", "ko", "Hi.")] * 40
    state = random.getstate()
    try:
        random.seed(114514)
        expected = [random.choice(original_style(src, trg)).format(text) for src, trg, text in rows]
    finally:
        random.setstate(state)
    assert diverse_prompts(rows) == expected


def test_first_draws_match_a_run_of_the_original_code():
    """Indices the original `utils/prompts.py` drew for rows 0-11, recorded from a run of its own code."""
    assert diverse_template_indices(12) == [7, 3, 6, 5, 18, 16, 9, 8, 16, 4, 14, 4]


def test_eval_prompt_is_the_recipes():
    assert eval_prompt("de", "zh", "Hallo.") == ("Translate the following text from German into Chinese:\n"
                                                 "German: Hallo.\nChinese:")


def test_eaxt_prompt_shows_source_and_english_reference():
    assert eaxt_prompt("de", "fr", "Hallo.", "en", "Hello.") == (
        "Given a German text and its English version as a reference, translate the source text into French.\n"
        "German Source: Hallo.\nEnglish Reference: Hello.\nFrench Translation:"
    )


def test_braces_in_texts_stay_as_they_are():
    assert eaxt_prompt("de", "fr", "{src} {}", "en", "{ref}").endswith("German Source: {src} {}\nEnglish Reference: "
                                                                        "{ref}\nFrench Translation:")


def test_alma_prompt():
    assert alma_prompt("cs", "en", "Ahoj.") == "Translate this from Czech to English:\nCzech: Ahoj.\nEnglish:"
