from types import SimpleNamespace

import pandas as pd
import pytest

from eax.sampling import dedupe_candidates, sampler_prompt, seeds_as_rows
from eax.scoring import chrf_scores, flatten, regroup, scorer_prompt


def test_dedupe_keeps_first_seen_order_and_one_empty_candidate():
    """The original keeps empty outputs as candidates (usually the loser)."""
    assert dedupe_candidates(["b", " a ", "b", "", "a", "c", " "]) == ["b", "a", "", "c"]


ROW = SimpleNamespace(src_lang="de", trg_lang="fr", src_text="Hallo.", ref_lang="en", ref_text="Hello.")


def test_eaxt_prompt_carries_the_english_reference_direct_does_not():
    assert "English Reference: Hello." in sampler_prompt("eaxt", ROW)
    assert "Hello." not in sampler_prompt("direct", ROW) and "German: Hallo." in sampler_prompt("direct", ROW)


def test_eaxe_scorer_reads_the_english_reference_as_source():
    assert scorer_prompt("eaxe", ROW) == ("Translate the following text from English into French:\n"
                                          "English: Hello.\nFrench:")
    assert scorer_prompt("direct", ROW) == ("Translate the following text from German into French:\n"
                                            "German: Hallo.\nFrench:")


@pytest.mark.parametrize("function, kind", [(sampler_prompt, "bogus"), (scorer_prompt, "bogus")])
def test_unknown_kinds_are_refused(function, kind):
    with pytest.raises(ValueError, match="unknown"):
        function(kind, ROW)


def test_rm_seeds_use_the_target_as_reference():
    seeds = pd.DataFrame({"src_lang": ["en"], "trg_lang": ["de"], "src_text": ["Hi."], "trg_text": ["Hallo."]})
    rows = seeds_as_rows(seeds)
    assert rows.loc[0, "ref_text"] == "Hallo." and rows.loc[0, "ref_lang"] == "de"


def test_flatten_and_regroup_round_trip_with_empty_rows():
    candidates = pd.Series([["a", "b"], [], ["c"]])
    owners, texts = flatten(candidates)
    assert owners == [0, 0, 2] and texts == ["a", "b", "c"]
    assert regroup(owners, [1, 2, 3], 3) == [[1.0, 2.0], [], [3.0]]


def test_sentence_chrf_ranks_closer_candidates_higher():
    good, bad = chrf_scores(["The cat sat.", "A dog ran far away."], ["The cat sat.", "The cat sat."])
    assert good == pytest.approx(100) and bad < 30
