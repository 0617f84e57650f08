"""BLEURT through bleurt-pytorch: the tiny SentencePiece BLEURT builds offline and reproducibly, loads like BLEURT-20,
scores deterministically, and once fitted to chrF it tells a copy of the reference from an unrelated sentence."""

import re
from pathlib import Path

import pandas as pd
import pytest

from eax.bleurt import bleurt_scores, build_tiny_bleurt, load_bleurt
from eax.errors import UserInputError
from eax.tiny_models import chrf_training_samples
from eax.toy_world import ToyWorld, make_corpus

pytestmark = pytest.mark.slow  # builds and fits tiny BLEURT models

TINY = {"hidden_size": 32, "num_layers": 1, "vocab_size": 300, "seed": 7}
FITTED = {"hidden_size": 32, "num_layers": 2, "vocab_size": 1000, "seed": 13}


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return pd.DataFrame(make_corpus(ToyWorld(13, ("qaa", "qac")), 20))


@pytest.fixture(scope="module")
def texts(corpus) -> list[str]:
    return [*corpus["src_text"], *corpus["trg_text"]]


@pytest.fixture(scope="module")
def tiny_bleurt(texts, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bleurt") / "tiny"
    build_tiny_bleurt(texts, folder, **TINY)
    return folder


def test_tiny_bleurt_saves_in_bleurt20_layout_and_reloads(tiny_bleurt):
    from bleurt_pytorch import BleurtForSequenceClassification
    from bleurt_pytorch.bleurt.tokenization_bleurt_sp import BleurtSPTokenizer

    assert {"config.json", "model.safetensors", "spm.model"} <= {path.name for path in tiny_bleurt.iterdir()}
    model, tokenizer = load_bleurt(str(tiny_bleurt), "evaluation.bleurt_checkpoint")
    assert isinstance(model, BleurtForSequenceClassification) and isinstance(tokenizer, BleurtSPTokenizer)
    assert not model.training and tokenizer.pad_token_id == 0 and model.config.embedding_size < model.config.hidden_size
    pair = tokenizer.convert_ids_to_tokens(tokenizer("a b", "c")["input_ids"])
    assert pair[0] == "[CLS]" and pair.count("[SEP]") == 2 and pair[-1] == "[SEP]"


def test_scores_are_deterministic_batch_independent_and_truncated(corpus, tiny_bleurt):
    model, tokenizer = load_bleurt(str(tiny_bleurt), "evaluation.bleurt_checkpoint")
    references = list(corpus["trg_text"][:10])
    candidates = [*corpus["trg_text"][10:19], ""]
    batched = bleurt_scores(model, tokenizer, references, candidates, batch_size=4)
    assert batched == bleurt_scores(model, tokenizer, references, candidates, batch_size=4)
    one_by_one = [bleurt_scores(model, tokenizer, [r], [c], batch_size=1)[0] for r, c in zip(references, candidates)]
    assert batched == pytest.approx(one_by_one, abs=1e-4)
    long = " ".join(references * 60)  # far beyond 512 tokens
    assert len(bleurt_scores(model, tokenizer, [long, "a"], [long, "b"], batch_size=2)) == 2
    assert bleurt_scores(model, tokenizer, [], [], batch_size=4) == []


def test_two_builds_are_byte_identical(corpus, texts, tmp_path):
    training = chrf_training_samples(list(corpus["src_text"]), list(corpus["trg_text"]), 40, seed=1)
    for name in ("a", "b"):
        build_tiny_bleurt(texts, tmp_path / name, **TINY, training=training, steps=5)
    files = sorted(path.name for path in (tmp_path / "a").iterdir())
    assert {"config.json", "model.safetensors", "spm.model"} <= set(files)
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_fitted_tiny_bleurt_ranks_a_copy_above_an_unrelated_sentence(corpus, texts, tmp_path, capsys):
    references = list(corpus["trg_text"])
    training = chrf_training_samples(list(corpus["src_text"]), references, 400, seed=FITTED["seed"])
    build_tiny_bleurt(texts, tmp_path, **FITTED, training=training, steps=200)
    first, last = map(float, re.search(r"MSE ([\d.]+) .* -> ([\d.]+)", capsys.readouterr().out).groups())
    assert last < first
    model, tokenizer = load_bleurt(str(tmp_path), "reward_data.bleurt_checkpoint")
    unrelated = references[7:] + references[:7]
    copies = bleurt_scores(model, tokenizer, references, references, batch_size=16)
    others = bleurt_scores(model, tokenizer, references, unrelated, batch_size=16)
    assert sum(copies) / len(copies) > sum(others) / len(others) + 2


def test_missing_folder_is_one_error_naming_the_key(tmp_path):
    with pytest.raises(UserInputError, match="evaluation.bleurt_checkpoint: BLEURT checkpoint folder .* does not "
                                             "exist.*huggingface-cli download lucadiliello/BLEURT-20"):
        load_bleurt(str(tmp_path / "BLEURT-20"), "evaluation.bleurt_checkpoint")


def test_unreachable_hub_id_is_one_error_naming_the_key():
    with pytest.raises(UserInputError, match="reward_data.bleurt_checkpoint: could not fetch BLEURT model "
                                             "eax-tests/no-such-bleurt from the hub "
                                             ".*set reward_data.bleurt_checkpoint"):
        load_bleurt("eax-tests/no-such-bleurt", "reward_data.bleurt_checkpoint")


def test_bleurt20s_pickled_layout_loads_with_the_weights_only_unpickler(corpus, tiny_bleurt, tmp_path):
    """lucadiliello/BLEURT-20 ships pytorch_model.bin: it scores as the safetensors copy does, and a pickle that
    would run code is refused by name before it runs."""
    import shutil

    import torch
    from bleurt_pytorch import BleurtForSequenceClassification

    pickled = tmp_path / "BLEURT-20"
    shutil.copytree(tiny_bleurt, pickled)
    (pickled / "model.safetensors").unlink()
    BleurtForSequenceClassification.from_pretrained(tiny_bleurt).save_pretrained(pickled, safe_serialization=False)
    assert (pickled / "pytorch_model.bin").is_file() and not list(pickled.glob("*.safetensors"))
    references, candidates = list(corpus["trg_text"][:6]), list(corpus["src_text"][:6])
    expected = bleurt_scores(*load_bleurt(str(tiny_bleurt), "k"), references, candidates, batch_size=3)
    assert bleurt_scores(*load_bleurt(str(pickled), "k"), references, candidates, batch_size=3) == pytest.approx(
        expected, abs=1e-5)

    class RunsCode:
        def __reduce__(self):
            return (Path.touch, (tmp_path / "ran",))

    torch.save({"weight": RunsCode()}, pickled / "pytorch_model.bin")
    with pytest.raises(OSError, match="Unable to load weights"):  # torch's weights-only unpickler refused it
        load_bleurt(str(pickled), "k")
    assert not (tmp_path / "ran").exists()
