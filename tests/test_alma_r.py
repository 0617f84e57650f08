import pandas as pd
import pytest

from eax.alma_r import chosen_rejected, load_triplets, triplet_pairs
from eax.errors import UserInputError
from eax.toy_world import ToyWorld, make_alma_r_triplets


def example(delta=0, required="", ref=0.9, gpt4=0.8, alma=0.5):
    row = {"de": "Hallo.", "en": "Hello.", "gpt4_en": "Hi.", "alma_en": "Hey there.", "gpt4_de": "Hallo!",
           "alma_de": "Servus.", "Delta": delta, "required_directions": required, "language_pair": "de-en"}
    for lang in ("de", "en"):
        for system, score in (("ref", ref), ("gpt4", gpt4), ("alma", alma)):
            row[f"{system}_{lang}_kiwi_xcomet"] = score
    return row


def test_scores_pick_best_and_worst_of_three():
    assert chosen_rejected(example(), "en", "kiwi_xcomet")[:2] == ("Hello.", "Hey there.")
    assert chosen_rejected(example(ref=0.1), "en", "kiwi_xcomet")[:2] == ("Hi.", "Hello.")


@pytest.mark.parametrize("delta, expected", [(1, ("Hi.", "Hey there.")), (-2, ("Hey there.", "Hi."))])
def test_human_label_decides_with_translations_not_scores(delta, expected):
    """The original returned the two scores here; the fix returns the translations."""
    assert chosen_rejected(example(delta=delta, gpt4=0.1, alma=0.9), "en", "kiwi_xcomet")[:2] == expected


def test_required_directions_limit_a_row_to_one_direction():
    both = triplet_pairs([example()], [("de", "en"), ("en", "de")], "kiwi_xcomet", seed=0)
    only = triplet_pairs([example(required="en-de")], [("de", "en"), ("en", "de")], "kiwi_xcomet", seed=0)
    assert sorted(zip(both.src_lang, both.trg_lang)) == [("de", "en"), ("en", "de")]
    assert list(zip(only.src_lang, only.trg_lang)) == [("en", "de")]


def test_toy_file_in_hub_layout_loads_and_gives_pairs(tmp_path):
    configs = make_alma_r_triplets(ToyWorld(1, ("qaa",)), 30)
    folder = tmp_path / "qaa-en"
    folder.mkdir()
    pd.DataFrame({"translation": configs["qaa-en"]}).to_parquet(folder / "train-00000-of-00001.parquet")
    rows = load_triplets(str(tmp_path), ["qaa-en"])
    assert len(rows) == 30 and rows[0]["language_pair"] == "qaa-en"
    pairs = triplet_pairs(rows, [("qaa", "en"), ("en", "qaa")], "kiwi", seed=0)
    assert 30 < len(pairs) <= 60


def test_missing_config_folder_names_the_path(tmp_path):
    with pytest.raises(UserInputError, match="qaa-en: no train-"):
        load_triplets(str(tmp_path), ["qaa-en"])


def test_rows_whose_chosen_equals_rejected_are_kept_for_the_nll_term():
    """ALMA-R keeps them: with equal scores for all three systems, best and worst are the same translation."""
    pairs = triplet_pairs([example(ref=0.5, gpt4=0.5, alma=0.5)], [("de", "en")], "kiwi_xcomet", seed=0)
    assert len(pairs) == 1 and pairs["chosen"].iloc[0] == pairs["rejected"].iloc[0] == "Hello."


def test_alma_r_keeps_its_own_prompt_without_chat_template():
    from eax.preference import preference_rows, prompt_style

    pairs = pd.DataFrame({"src_lang": ["de"], "trg_lang": ["en"], "src_text": ["Hallo."], "chosen": ["Hello."],
                          "rejected": ["Hi."]})
    assert prompt_style("alma_r") == "alma" and prompt_style("eaxt_eaxe") == "diverse"
    rows = preference_rows(pairs, tokenizer=None, style="alma", prompt_seed=0)
    assert rows["prompt"].tolist() == ["Translate this from German to English:\nGerman: Hallo.\nEnglish:"]


@pytest.mark.parametrize("prompt, answer, expected", [
    (list(range(300)), 100, list(range(44, 300))),  # 400 > 384: the prompt keeps its last 256 tokens
    (list(range(300)), 80, list(range(300))),  # 380 fits: untouched, even over 256
    (list(range(10)), 500, list(range(10))),  # a short prompt is never cut
])
def test_prompt_cap_keeps_the_end_only_when_the_pair_is_too_long(prompt, answer, expected):
    from eax.preference import keep_prompt_end

    assert keep_prompt_end(prompt, answer, max_length=384, max_prompt_length=256) == expected
