import random
import re

import pytest

from eax.languages import PIVOT
from eax.toy_world import (
    GRAMMARS,
    MAX_WORDS,
    MIN_WORDS,
    Clause,
    NounPhrase,
    ToyWorld,
    build_lexicon,
    draw_clause,
    lemmas,
    make_corpus,
    make_devtest,
    make_monolingual,
    realise,
    realise_english,
)

WORLD = ToyWorld(seed=7, languages=("qaa", "qab", "qac", "qad"))


def test_english_sentences_have_min_to_max_words():
    rng = random.Random(0)
    lengths = [len(realise_english(draw_clause(rng)).split()) for _ in range(500)]
    assert min(lengths) >= MIN_WORDS and max(lengths) <= MAX_WORDS
    assert len(set(lengths)) > 5  # the grammar varies length


def test_same_seed_same_world_other_seed_other_world():
    assert make_corpus(WORLD, 5) == make_corpus(ToyWorld(7, WORLD.languages), 5)
    assert make_corpus(WORLD, 5) != make_corpus(ToyWorld(8, WORLD.languages), 5)


def test_lexicons_are_unique_per_language_and_differ_between_languages():
    lexicons = WORLD.lexicons()
    for code, lexicon in lexicons.items():
        assert len(set(lexicon.values())) == len(lexicon), code
    assert lexicons["qaa"]["dog"] != lexicons["qad"]["dog"]


def test_corpus_is_english_centric_in_towerblocks_schema():
    rows = make_corpus(WORLD, 3)
    assert set(rows[0]) == {"src_lang", "trg_lang", "src_text", "trg_text"}
    assert all(PIVOT in (row["src_lang"], row["trg_lang"]) for row in rows)
    assert len(rows) == 3 * 2 * len(WORLD.languages)


def test_scripts_and_spacing_differ_by_language():
    devtest = make_devtest(WORLD, 20, exclude_english=set())
    assert all(re.search(r"[\u0400-\u04FF]", line) for line in devtest["qab"])
    assert all(" " not in line and re.search(r"[\u4E00-\u9FFF]", line) for line in devtest["qac"])
    assert all(line.isascii() and " " in line for line in devtest["qaa"])


def test_word_order_is_the_grammars():
    """Lumish is verb-final: the verb's word is the last before the full stop."""
    rng = random.Random(3)
    lexicon = build_lexicon(GRAMMARS["qaa"], 7)
    for _ in range(50):
        clause = draw_clause(rng)
        words = realise(clause, GRAMMARS["qaa"], lexicon).rstrip(".").lower().split()
        verb = lexicon[clause.verb]
        assert words[-1] in (verb, verb + lexicon["PAST"])


def test_english_word_order_keeps_each_language_s_words_and_script():
    """In English order the words are the English words' translations in English's order; in its own order the
    same words come in the grammar's order."""
    english_world = ToyWorld(seed=7, languages=("qaa", "qab"), word_order="english")
    lexicons = english_world.lexicons()
    clause = Clause(NounPhrase("dog", "big", False, True), "see", False, NounPhrase("cat", None, False, False),
                    None, None)
    texts = english_world.realise_all(clause, lexicons)
    qaa = lexicons["qaa"]
    words = f"{qaa['DEF']} {qaa['big']} {qaa['dog']} {qaa['see']} {qaa['INDEF']} {qaa['cat']}."
    assert texts["qaa"] == words[:1].upper() + words[1:]
    own = ToyWorld(seed=7, languages=("qaa", "qab")).realise_all(clause, lexicons)
    assert own["qaa"].rstrip(".").lower().split()[-1] == qaa["see"]  # Lumish is verb-final in its own order
    assert re.search(r"[\u0400-\u04FF]", texts["qab"])


def test_unknown_word_order_is_refused():
    with pytest.raises(ValueError, match="word order"):
        ToyWorld(1, ("qaa",), word_order="free")


def test_devtest_is_multi_parallel_and_unseen_in_training():
    rows = make_corpus(WORLD, 50)
    english = {row["src_text"] for row in rows if row["src_lang"] == PIVOT}
    english |= {row["trg_text"] for row in rows if row["trg_lang"] == PIVOT}
    devtest = make_devtest(WORLD, 30, exclude_english=english)
    assert {len(lines) for lines in devtest.values()} == {30}
    assert not english & set(devtest[PIVOT])
    assert len(set(devtest[PIVOT])) == 30


def test_unknown_toy_language_is_refused():
    with pytest.raises(ValueError, match="no toy grammar"):
        ToyWorld(1, ("de",))


def test_a_small_world_draws_uniformly_from_about_lemma_count_lemmas():
    small = ToyWorld(7, ("qaa",), lemma_count=58)
    words = small.words
    assert not words.zipfian and 50 <= sum(len(getattr(words, kind)) for kind in (
        "nouns", "adjectives", "transitive_verbs", "intransitive_verbs", "adverbs", "prepositions")) <= 66
    english = " ".join(row["src_text"] for row in make_corpus(small, 200) if row["src_lang"] == PIVOT).lower()
    used = {noun for noun in lemmas(None).nouns if f" {noun} " in f" {english} "}
    assert used <= set(words.nouns) and len(used) > len(words.nouns) // 2
    assert lemmas(None).zipfian and len(lemmas(None).nouns) > 100


def test_han_words_are_one_character_each():
    lexicon = build_lexicon(GRAMMARS["qac"], 7)
    assert {len(word) for word in lexicon.values()} == {1}


def test_monolingual_text_covers_every_language_apart_from_the_test_set():
    devtest = make_devtest(WORLD, 10, exclude_english=set())
    rows = make_monolingual(WORLD, 15, exclude_english=set(devtest[PIVOT]))
    assert {lang: sum(row["lang"] == lang for row in rows) for lang in (PIVOT, *WORLD.languages)} == dict.fromkeys(
        (PIVOT, *WORLD.languages), 15)
    assert not {row["text"] for row in rows} & {line for lines in devtest.values() for line in lines}
