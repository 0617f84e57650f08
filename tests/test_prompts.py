from eax.prompts import DIVERSE_TEMPLATES, alma_prompt, diverse_prompts, eaxt_prompt, eval_prompt


def test_eval_prompt_is_the_recipes():
    assert eval_prompt("de", "zh", "Hallo.") == "Translate the following text from German into Chinese:\nGerman: Hallo.\nChinese:"


def test_eaxt_prompt_shows_source_and_english_reference():
    assert eaxt_prompt("de", "fr", "Hallo.", "en", "Hello.") == (
        "Given a German text and its English version as a reference, translate the source text into French.\n"
        "German Source: Hallo.\nEnglish Reference: Hello.\nFrench Translation:"
    )


def test_alma_prompt():
    assert alma_prompt("cs", "en", "Ahoj.") == "Translate this from Czech to English:\nCzech: Ahoj.\nEnglish:"


def test_twenty_distinct_diverse_templates_each_with_languages_and_source():
    assert len(set(DIVERSE_TEMPLATES)) == 20
    for template in DIVERSE_TEMPLATES:
        assert "{src}" in template and "{T}" in template


def test_diverse_prompts_are_seeded_and_varied():
    rows = [("de", "en", f"Satz {i}.") for i in range(200)]
    first, again, other = diverse_prompts(rows, 1), diverse_prompts(rows, 1), diverse_prompts(rows, 2)
    assert first == again and first != other
    assert all(f"Satz {i}." in prompt and "English" in prompt for i, prompt in enumerate(first))
    assert len({prompt.replace(f"Satz {i}.", "") for i, prompt in enumerate(first)}) > 15
