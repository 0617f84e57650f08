"""Language identification and the off-target rate, on real FLORES-200 lines (skipped, with the reason, where
../shared/data is absent) and on made-up edge cases."""

import pytest
from conftest import SHARED_DATA

from eax.language_id import identify, off_target_rate
from eax.languages import REAL_LANGUAGES

needs_shared = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"real test sets not found at {SHARED_DATA}")
DEVTEST = SHARED_DATA / "flores200_dataset" / "devtest"
PAPER_LANGS = ["en", "de", "fr", "nl", "it", "es", "pt", "ko", "ru", "zh"]
GERMAN = "Der Bundestag hat am Donnerstag ein neues Gesetz zum Schutz des Klimas beschlossen."
FRENCH = "Le gouvernement a présenté jeudi un nouveau projet de loi sur la protection du climat."


def flores_lines(code: str, count: int) -> list[str]:
    path = DEVTEST / f"{REAL_LANGUAGES[code].flores}.devtest"
    return path.read_text(encoding="utf-8").splitlines()[:count]


@needs_shared
def test_flores_segments_are_identified_as_their_language_among_the_paper_languages():
    for code in PAPER_LANGS:
        assert identify(flores_lines(code, 20), PAPER_LANGS) == [code] * 20, code


@needs_shared
def test_flores_references_are_on_target_and_another_languages_lines_are_off_target():
    assert off_target_rate(flores_lines("pt", 50), "pt", PAPER_LANGS) == 0.0
    assert off_target_rate(flores_lines("es", 50), "pt", PAPER_LANGS) == 1.0
    mixed = flores_lines("ko", 30) + flores_lines("en", 10)
    assert off_target_rate(mixed, "ko", PAPER_LANGS) == pytest.approx(0.25)


def test_a_german_output_is_off_target_for_french():
    assert identify([GERMAN, FRENCH], ["en", "de", "fr", "es"]) == ["de", "fr"]
    assert off_target_rate([GERMAN, FRENCH], "fr", ["en", "de", "fr", "es"]) == 0.5


def test_texts_without_letters_are_in_no_language_and_count_as_off_target():
    assert identify(["", "   ", "1984", "12.5 % - 3/4 ?!"], ["en", "de"]) == [None] * 4
    assert off_target_rate(["", FRENCH, "42"], "fr", ["en", "fr"]) == pytest.approx(2 / 3)


def test_only_candidates_are_ever_answered():
    assert identify([GERMAN], ["fr", "es"])[0] in {"fr", "es"}
    assert identify([GERMAN], ["en", "de"]) == ["de"]
    assert identify([GERMAN], ["de"]) == ["de"]


def test_bad_candidates_are_refused_with_the_code_named():
    with pytest.raises(ValueError, match="qaa"):
        identify([GERMAN], ["de", "qaa"])
    with pytest.raises(ValueError, match="no candidate"):
        identify([GERMAN], [])
    with pytest.raises(ValueError, match="'fr' is not among"):
        off_target_rate([GERMAN], "fr", ["en", "de"])
    with pytest.raises(ValueError, match="no texts"):
        off_target_rate([], "fr", ["en", "fr"])
