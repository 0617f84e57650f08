"""Oracle diagnostics: the toy world's truth, language identification and the agreement measures."""

import pandas as pd
import pytest

from eax.oracle import (
    candidate_quality,
    identify_language,
    pair_order_accuracy,
    ranking_agreement,
    tokens,
    true_translations,
    vocabularies,
    vocabulary_identifier,
)
from eax.toy_world import ToyWorld, make_corpus, make_parallel_corpus

WORLD = ToyWorld(5, ("qaa", "qab", "qac"))


@pytest.fixture(scope="module")
def parallel() -> pd.DataFrame:
    return pd.DataFrame(make_parallel_corpus(WORLD, 30))


def test_the_parallel_corpus_holds_every_training_row_in_every_language(parallel):
    corpus = pd.DataFrame(make_corpus(WORLD, 30))
    assert len(parallel) == len(corpus)
    assert [row[row["src_lang"]] for _, row in parallel.iterrows()] == corpus["src_text"].tolist()
    assert [row[row["trg_lang"]] for _, row in parallel.iterrows()] == corpus["trg_text"].tolist()


def test_true_translations_map_an_x_source_to_its_y(parallel):
    row = parallel.iloc[3]
    seeds = pd.DataFrame({"src_lang": ["qaa", "qab"], "trg_lang": ["qac", "qaa"],
                          "src_text": [row["qaa"], "not a toy sentence"]})
    assert true_translations(seeds, parallel) == [row["qac"], None]


def test_language_identification_tells_the_toy_languages_and_english_apart(parallel):
    vocabulary = vocabularies(parallel, ["en", "qaa", "qab", "qac"])
    for lang in ("en", "qaa", "qab", "qac"):
        assert all(identify_language(text, vocabulary) == lang for text in parallel[lang].head(20))
    assert identify_language("", vocabulary) is None
    assert tokens("你好。") == ["你", "好"] and tokens("A dog sleeps.") == ["A", "dog", "sleeps"]


def test_candidate_quality_against_the_truth(parallel):
    vocabulary = vocabularies(parallel, ["en", "qaa", "qab", "qac"])
    first = parallel.iloc[0]
    rows = pd.DataFrame({"src_lang": ["qaa"], "trg_lang": ["qab"], "src_text": [first["qaa"]],
                         "candidates": [[first["qab"], first["en"]]]})
    quality = candidate_quality(rows, true_translations(rows, parallel), vocabulary_identifier(vocabulary))
    assert quality["best-of-N chrF"] == 100 and quality["on-target"] == 0.5 and quality["candidates"] == 2
    assert quality["in English"] == 0.5 and quality["in source"] == 0.0
    assert 0 < quality["mean chrF"] < 100


def test_agreement_measures_count_orders_like_the_truth():
    rows = pd.DataFrame({"candidates": [["a b c d", "a b x y", "z z z z"]], "scores": [[3.0, 2.0, 1.0]]})
    truths = ["a b c d"]
    assert ranking_agreement(rows, truths) == 1.0
    assert ranking_agreement(rows.assign(scores=[[1.0, 2.0, 3.0]]), truths) == 0.0
    pairs = pd.DataFrame({"chosen": ["a b c d", "z z z z"], "rejected": ["z z z z", "a b c d"]})
    assert pair_order_accuracy(pairs, truths * 2) == 0.5
