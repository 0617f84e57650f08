"""Test-set loaders on the real files in ../shared/data (skipped, with the reason, where that folder is absent)."""

import json

import pytest
from conftest import SHARED_DATA

from eax.errors import UserInputError
from eax.metrics import score_direction
from eax.testsets import checked_hypotheses, files_for, load_direction, load_directions

needs_shared = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"real test sets not found at {SHARED_DATA}")
FLORES = SHARED_DATA / "flores200_dataset"
PAPER_LANGS = ["en", "de", "fr", "nl", "it", "es", "pt", "ko", "ru", "zh"]


@needs_shared
def test_flores_devtest_has_1012_aligned_segments_for_every_direction():
    directions = [(s, t) for s in PAPER_LANGS for t in PAPER_LANGS if s != t]
    data = load_directions("flores200", FLORES, "devtest", directions)
    assert len(data) == 90
    assert {len(src) for src, ref in data.values()} == {1012}
    de, zh = data["de", "zh"]
    assert de[0] != zh[0] and data["zh", "de"] == (zh, de)


@needs_shared
def test_ntrex_has_1997_segments_and_maps_codes():
    src, ref = load_direction("ntrex128", SHARED_DATA / "ntrex128", "", "en", "zh")
    assert len(src) == len(ref) == 1997
    assert files_for("ntrex128", "r", "", [("de", "zh")])[1].name == "newstest2019-ref.zho_Hans.txt"


@needs_shared
@pytest.mark.parametrize("src, trg, count", [("cs", "en", 1448), ("de", "en", 1984), ("ru", "en", 2016),
                                             ("zh", "en", 1875), ("is", "en", 1000), ("en", "de", 2037),
                                             ("en", "is", 1000)])
def test_wmt22_json_segment_counts(src, trg, count):
    sources, references = load_direction("wmt22_json", SHARED_DATA / "wmt22", "", src, trg)
    assert len(sources) == len(references) == count


@needs_shared
@pytest.mark.parametrize("src, trg, count", [("ru", "en", 1723), ("zh", "en", 1976), ("en", "ru", 2074),
                                             ("en", "zh", 2074), ("de", "en", 549), ("en", "de", 557)])
def test_wmt23_text_segment_counts(src, trg, count):
    sources, references = load_direction("wmt23_text", SHARED_DATA / "wmt23", "", src, trg)
    assert len(sources) == len(references) == count


@needs_shared
@pytest.mark.parametrize("src, trg", [("en", "zh"), ("en", "de"), ("zh", "en")])
def test_wmt23_references_against_themselves_score_bleu_100(src, trg):
    _, references = load_direction("wmt23_text", SHARED_DATA / "wmt23", "", src, trg)
    bleu = score_direction(["bleu"], references, references, trg)[0]
    assert bleu.value == pytest.approx(100.0)
    assert ("tok:zh" if trg == "zh" else "tok:13a") in bleu.signature


def test_custom_json_selects_its_direction(tmp_path):
    path = tmp_path / "set.json"
    path.write_text(json.dumps([
        {"src_lang": "de", "trg_lang": "en", "src_text": "Hallo.", "trg_text": "Hello."},
        {"src_lang": "en", "trg_lang": "de", "src_text": "Yes.", "trg_text": "Ja."},
    ]))
    assert load_direction("custom_json", path, "", "de", "en") == (["Hallo."], ["Hello."])
    with pytest.raises(UserInputError, match=r"set.json \(fr2en\): no segments"):
        load_direction("custom_json", path, "", "fr", "en")


def test_missing_and_misaligned_files_name_the_file(tmp_path):
    (tmp_path / "devtest").mkdir()
    (tmp_path / "devtest" / "deu_Latn.devtest").write_text("a\nb\n")
    with pytest.raises(UserInputError, match="eng_Latn.devtest: test set file not found"):
        load_direction("flores200", tmp_path, "devtest", "de", "en")
    (tmp_path / "devtest" / "eng_Latn.devtest").write_text("a\n")
    with pytest.raises(UserInputError, match="2 source segments but 1 references"):
        load_direction("flores200", tmp_path, "devtest", "de", "en")


def test_non_utf8_file_is_named(tmp_path):
    (tmp_path / "devtest").mkdir()
    (tmp_path / "devtest" / "deu_Latn.devtest").write_bytes(b"\xff\xfe bad\n")
    (tmp_path / "devtest" / "eng_Latn.devtest").write_text("a\n")
    with pytest.raises(UserInputError, match="deu_Latn.devtest: not UTF-8 text"):
        load_direction("flores200", tmp_path, "devtest", "de", "en")


def test_hypothesis_files_need_one_line_per_reference(tmp_path):
    path = tmp_path / "de2en.txt"
    path.write_text("a\nb\n")
    assert checked_hypotheses(path, 2) == ["a", "b"]
    with pytest.raises(UserInputError, match=r"de2en.txt: 2 lines for 3 reference segments"):
        checked_hypotheses(path, 3)
    path.write_text("\n\n")
    with pytest.raises(UserInputError, match="de2en.txt: every line is empty"):
        checked_hypotheses(path, 2)
    assert checked_hypotheses(path, 2, allow_empty=True) == ["", ""]
    path.write_bytes(b"\xff\n")
    with pytest.raises(UserInputError, match="not UTF-8"):
        checked_hypotheses(path, 1)


def test_the_schema_offers_exactly_the_registered_formats():
    """config/schema.yaml's `format` enum and eax.testsets.FORMATS name the same layouts: a format registered
    without the schema (or the reverse) could never be chosen (or would fail at run time)."""
    import yaml
    from conftest import ROOT

    from eax.testsets import FORMATS

    schema = yaml.safe_load((ROOT / "config" / "schema.yaml").read_text())
    testset = schema["properties"]["evaluation"]["properties"]["testsets"]["items"]["properties"]
    assert testset["format"]["enum"] == list(FORMATS)


def test_a_tsv_test_set_loads_per_direction_and_names_a_line_without_its_tab(tmp_path):
    (tmp_path / "de-en.tsv").write_text("Hallo.\tHello.\nDanke.\tThanks.\n")
    (tmp_path / "en-de.tsv").write_text("Hello.\tHallo.\nThanks. Danke.\n")
    assert load_direction("tsv", tmp_path, None, "de", "en") == (["Hallo.", "Danke."], ["Hello.", "Thanks."])
    assert files_for("tsv", tmp_path, None, [("de", "en"), ("en", "de")]) == [tmp_path / "de-en.tsv",
                                                                             tmp_path / "en-de.tsv"]
    with pytest.raises(UserInputError, match=r"en-de.tsv: line 2 is not `source<TAB>reference`"):
        load_direction("tsv", tmp_path, None, "en", "de")
