import pandas as pd
import pytest

from eax.corpus import (
    check_corpus,
    en_centric_corpus,
    multi_parallel_table,
    rm_seeds,
    split_into_shards,
    x2x_seeds,
    x_side_texts,
)
from eax.errors import UserInputError
from eax.languages import x2x_directions

LANGS = ["en", "de", "fr"]


def corpus(rows):
    return pd.DataFrame(rows, columns=["src_lang", "trg_lang", "src_text", "trg_text"])


GOOD = corpus([
    ("en", "de", "Hello.", "Hallo."),
    ("en", "de", "Hello.", "Servus."),
    ("de", "en", "Danke.", "Thanks."),
    ("en", "fr", "Yes.", "Oui."),
    ("fr", "en", "Non.", "No."),
    ("de", "fr", "Ja.", "Oui."),
])


def test_check_corpus_keeps_english_centric_rows_and_says_what_it_dropped():
    kept, notes = check_corpus(GOOD, LANGS, "c.parquet")
    assert len(kept) == 5
    assert notes == ["dropped 1 rows outside the configured English-centric directions"]


@pytest.mark.parametrize("frame, message", [
    (GOOD.drop(columns=["trg_text"]), r"c.parquet: missing column\(s\) trg_text"),
    (corpus([]), "c.parquet: the corpus has no rows"),
    (corpus([("en", "xx", "a", "b"), ("en", "xx", "c", "d")]),
     "c.parquet: 2 rows have an unknown language code in trg_lang"),
    (corpus([("en", "de", "a", " "), ("de", "en", "b", "c")]),
     r"c.parquet: 1 rows have an empty or non-text trg_text \(first at row 0\)"),
    (corpus([("en", "de", None, "x"), ("de", "en", "b", "c")]), "c.parquet: 1 rows have an empty or non-text src_text"),
    (corpus([("en", "de", "a", "b"), ("de", "en", "b", "c")]), "no English-centric rows for configured language.* fr"),
])
def test_check_corpus_names_file_and_row_count(frame, message):
    with pytest.raises(UserInputError, match=message):
        check_corpus(frame, LANGS, "c.parquet")


def test_rm_seeds_are_per_direction_and_deduplicated_on_source():
    seeds = rm_seeds(GOOD, LANGS)
    assert sorted(seeds) == ["de2en", "en2de", "en2fr", "fr2en"]
    assert seeds["en2de"]["trg_text"].tolist() == ["Hallo."]  # first occurrence kept


def test_x_side_texts_pool_both_directions_with_english_reference():
    texts = x_side_texts(GOOD, "de")
    assert texts.to_dict("records") == [
        {"src_text": "Danke.", "ref_text": "Thanks."},
        {"src_text": "Hallo.", "ref_text": "Hello."},
        {"src_text": "Servus.", "ref_text": "Hello."},
    ]


def test_x2x_seeds_cover_every_non_english_pair_with_recipe_columns():
    seeds = x2x_seeds(GOOD, LANGS)
    assert sorted(seeds) == ["de2fr", "fr2de"]
    de2fr = seeds["de2fr"]
    assert list(de2fr.columns) == ["src_text", "ref_text", "src_lang", "trg_lang", "ref_lang"]
    assert set(de2fr["ref_lang"]) == {"en"} and set(de2fr["trg_lang"]) == {"fr"}


def test_paper_languages_give_72_x2x_pairs():
    assert len(x2x_directions(["en", "de", "fr", "nl", "it", "es", "pt", "ko", "ru", "zh"])) == 72


@pytest.mark.parametrize("rows, count, expected", [(10, 4, [2, 3, 2, 3]), (6, 2, [3, 3]), (2, 1, [2]),
                                                  (2, 3, [0, 1, 1]), (0, 2, [0, 0])])
def test_shards_are_balanced_consecutive_and_as_many_as_asked(rows, count, expected):
    frame = pd.DataFrame({"x": range(rows)})
    shards = split_into_shards(frame, count)
    assert [len(shard) for shard in shards] == expected
    assert pd.concat(shards)["x"].tolist() == list(range(rows))


def test_a_multi_parallel_corpus_gives_both_english_centric_directions_of_every_segment():
    texts = {"en": ["One.", "Two.", "Three."], "de": ["Eins.", "Zwei.", "Drei."], "fr": ["Un.", "Deux.", "Trois."]}
    parallel = multi_parallel_table(texts, first=1, count=2)
    assert parallel.to_dict("list") == {"en": ["Two.", "Three."], "de": ["Zwei.", "Drei."], "fr": ["Deux.", "Trois."]}
    corpus = en_centric_corpus(parallel, LANGS)
    assert list(zip(corpus["src_lang"], corpus["trg_lang"])) == [("en", "de")] * 2 + [("en", "fr")] * 2 + [
        ("de", "en")] * 2 + [("fr", "en")] * 2
    assert check_corpus(corpus, LANGS, "ntrex")[0].equals(corpus)
    seeds = x2x_seeds(corpus, LANGS)["de2fr"]
    assert list(seeds["src_text"]) == ["Zwei.", "Drei."] and list(seeds["ref_text"]) == ["Two.", "Three."]


@pytest.mark.parametrize(("texts", "message"), [
    ({"en": ["a", "b"], "de": ["a"]}, "differ in length"),
    ({"en": ["a", "b"], "de": ["a", "b"]}, r"corpus.ntrex128.segments.*goes past the 2 segments")])
def test_a_multi_parallel_table_refuses_misaligned_or_short_files(texts, message):
    with pytest.raises(UserInputError, match=message):
        multi_parallel_table(texts, first=1, count=2)
