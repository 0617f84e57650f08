"""Tiny real models: the toy tokenizer/LM/COMET build and load offline, and SFT trains (full and LoRA)."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from eax.config import load_config, trainer_settings
from eax.sft import copy_rows, instruction_rows, template_and_count, train_sft, within_length
from eax.tiny_models import build_causal_lm, build_comet, save_model, train_chat_tokenizer
from eax.toy_world import ToyWorld, make_corpus

pytestmark = pytest.mark.slow  # trains real tiny models

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = load_config(ROOT / "config" / "config.yaml")
SFT_SETTINGS = trainer_settings(DEFAULT_CONFIG, "sft")


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return pd.DataFrame(make_corpus(ToyWorld(3, ("qaa", "qac")), 20))


@pytest.fixture(scope="module")
def tiny_model(corpus, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("base")
    tokenizer = train_chat_tokenizer([*corpus["src_text"], *corpus["trg_text"], "Translate into"], 400)
    model = build_causal_lm(tokenizer, hidden_size=32, intermediate_size=64, num_layers=1, num_heads=2,
                            num_kv_heads=1, max_positions=256, seed=0)
    save_model(model, tokenizer, folder)
    return folder


def test_chat_template_wraps_user_turn_and_opens_the_answer(tiny_model):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    text = tokenizer.apply_chat_template([{"role": "user", "content": "Hi"}], tokenize=False,
                                         add_generation_prompt=True)
    assert text == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    assert tokenizer.eos_token == "<|im_end|>" and tokenizer.padding_side == "left"


def test_sft_rows_count_tokens_and_filter_by_length(corpus, tiny_model):
    from transformers import AutoTokenizer

    rows = template_and_count(instruction_rows(corpus, seed=1), AutoTokenizer.from_pretrained(tiny_model))
    assert rows["prompt"].str.startswith("<|im_start|>user\n").all()
    assert rows["prompt"].str.endswith("<|im_start|>assistant\n").all()
    limit = int(rows["n_tokens"].median())
    kept = within_length(rows["n_tokens"], limit)
    assert 0 < kept.sum() < len(rows) and (rows.loc[kept, "n_tokens"] <= limit).all()
    assert within_length(rows["n_tokens"], None).all()


def test_copy_rows_repeat_the_first_monolingual_sentences_of_each_non_english_language():
    monolingual = pd.DataFrame({"lang": ["en", "qaa", "qaa", "qab", "qaa", "qab"],
                                "text": ["The cat.", "a1", "a2", "b1", "a3", "b2"]})
    rows = copy_rows(monolingual, 2)
    assert rows.to_dict("list") == {"src_lang": ["qaa", "qaa", "qab", "qab"], "trg_lang": ["qaa", "qaa", "qab", "qab"],
                                    "src_text": ["a1", "a2", "b1", "b2"], "trg_text": ["a1", "a2", "b1", "b2"]}
    assert copy_rows(monolingual, 0).empty


@pytest.mark.parametrize("method", ["full", "lora"])
def test_sft_trains_and_changes_the_weights(method, corpus, tiny_model, tmp_path):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    rows = template_and_count(instruction_rows(corpus.head(16), seed=1), AutoTokenizer.from_pretrained(tiny_model))
    settings = {**SFT_SETTINGS, "method": method, "num_train_epochs": 1, "per_device_train_batch_size": 8,
                "save_steps": 100, "logging_steps": 1}
    trainer, _ = train_sft(str(tiny_model), rows, settings, tmp_path / "work", "chatml", trust_remote_code=False)
    assert trainer.state.global_step == 2
    assert any("loss" in entry for entry in trainer.state.log_history)
    trainer.model.save_pretrained(tmp_path / "out")
    before = AutoModelForCausalLM.from_pretrained(tiny_model).state_dict()
    after = AutoModelForCausalLM.from_pretrained(tmp_path / "out").state_dict()
    assert before.keys() == after.keys()  # LoRA is merged: a plain model comes out
    assert any(not torch.equal(before[key], after[key]) for key in before)


def test_gradient_checkpointing_saves_memory_not_results(corpus, tiny_model, tmp_path):
    """The paper config checkpoints (LLaMA-Factory's default), the toy world does not: the same weights either way."""
    import torch
    from transformers import AutoTokenizer

    rows = template_and_count(instruction_rows(corpus.head(16), seed=1), AutoTokenizer.from_pretrained(tiny_model))
    weights = {}
    for checkpointing in (True, False):
        settings = {**SFT_SETTINGS, "num_train_epochs": 1, "per_device_train_batch_size": 8, "save_steps": 100,
                    "gradient_checkpointing": checkpointing}
        trainer, _ = train_sft(str(tiny_model), rows, settings, tmp_path / str(checkpointing), "chatml", False)
        assert trainer.args.gradient_checkpointing is checkpointing
        weights[checkpointing] = trainer.model.state_dict()
    assert all(torch.allclose(weights[True][key], weights[False][key], atol=1e-6) for key in weights[True])


@pytest.fixture(scope="module")
def toy_comet(corpus, tmp_path_factory) -> Path:
    texts = [*corpus["src_text"], *corpus["trg_text"]]
    folder = tmp_path_factory.mktemp("comet")
    return build_comet(texts, folder, folder, hidden_size=16, num_layers=1, vocab_size=200, seed=0)


def test_toy_comet_loads_offline_and_scores(corpus, toy_comet):
    import comet

    texts = [*corpus["src_text"], *corpus["trg_text"]]
    model = comet.load_from_checkpoint(str(toy_comet), local_files_only=True)
    sample = {"src": texts[0], "mt": texts[1], "ref": texts[1]}
    output = model.predict([sample, sample], batch_size=2, gpus=0, progress_bar=False)
    assert len(output.scores) == 2 and output.scores[0] == pytest.approx(output.scores[1])


def test_toy_comet_built_in_a_project_loads_after_the_project_moves(corpus, tmp_path, monkeypatch):
    """The rule builds it under results/ relative to the working directory: a copied or moved project (a pytest
    demo copied elsewhere, a results folder synced to a cluster) must still find the encoder."""
    from eax.scoring import load_comet

    texts = [*corpus["src_text"], *corpus["trg_text"]]
    (tmp_path / "before").mkdir()
    monkeypatch.chdir(tmp_path / "before")
    final = Path("results/comet")
    build_comet(texts, Path("staging"), final, hidden_size=16, num_layers=1, vocab_size=200, seed=0)
    final.parent.mkdir()
    Path("staging").rename(final)
    (tmp_path / "before").rename(tmp_path / "after")
    monkeypatch.chdir(tmp_path / "after")
    load_comet("results/comet/checkpoints/model.ckpt", "evaluation.comet_model")


def test_comet_system_score_is_the_mean_segment_score_per_direction_with_a_signature(corpus, toy_comet):
    from eax.metrics import DirectionSegments, score_directions
    from eax.scoring import comet_scores, load_comet

    qaa, qac = corpus[corpus["src_lang"] == "qaa"].head(3), corpus[corpus["src_lang"] == "qac"].head(2)
    data = {("qaa", "en"): DirectionSegments(list(qaa["src_text"]), list(qaa["trg_text"]), list(qaa["trg_text"])),
            ("qac", "en"): DirectionSegments(list(qac["src_text"]), ["", "x"], list(qac["trg_text"]))}
    scores = score_directions("comet", data, str(toy_comet), "toy", batch_size=2)
    model = load_comet(str(toy_comet), "evaluation.comet_model")
    for direction, segments in data.items():
        expected = comet_scores(model, segments.sources, segments.hypotheses, segments.references, 2)
        assert scores[direction].value == pytest.approx(sum(expected) / len(expected), abs=1e-4)
        assert scores[direction].signature.startswith("comet|model:toy|unbabel-comet:2.")


def test_missing_comet_checkpoint_names_the_key_and_how_to_get_it(tmp_path):
    from eax.errors import UserInputError
    from eax.scoring import load_comet

    with pytest.raises(UserInputError, match=r"evaluation.comet_model: COMET checkpoint .*nope.ckpt does not exist; "
                                             r"download it .*huggingface-cli download Unbabel/wmt22-comet-da"):
        load_comet(str(tmp_path / "nope.ckpt"), "evaluation.comet_model")


def test_unreachable_hub_for_comet_is_one_clear_error(monkeypatch):
    import comet

    from eax.errors import UserInputError
    from eax.scoring import load_comet

    def no_network(model):  # what the hub client does on a machine without network
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setattr(comet, "download_model", no_network)
    with pytest.raises(UserInputError, match="evaluation.xcomet_model: could not fetch COMET model Unbabel/XCOMET-XL "
                                             "from the hub \\(OSError\\); download it"):
        load_comet("Unbabel/XCOMET-XL", "evaluation.xcomet_model")


def seed_rows(corpus: pd.DataFrame) -> pd.DataFrame:
    rows = corpus[corpus["src_lang"] == "qaa"].head(6)
    return pd.DataFrame({"src_text": rows["src_text"], "ref_text": rows["trg_text"], "src_lang": "qaa",
                         "trg_lang": "qac", "ref_lang": "en"}).reset_index(drop=True)


def test_hf_sampling_gives_at_most_n_distinct_candidates_per_row(corpus, tiny_model):
    from eax.sampling import SamplingSettings, sample_candidates

    settings = SamplingSettings(n=4, temperature=1.0, top_p=1.0, max_new_tokens=8, batch_size=4, seed=0)
    rows = sample_candidates(seed_rows(corpus), ["eaxt"], "hf", str(tiny_model), settings, "chatml")["eaxt"]
    assert len(rows) == 6
    for candidates in rows["candidates"]:
        assert 1 <= len(candidates) <= 4 and len(set(candidates)) == len(candidates)
    again = sample_candidates(seed_rows(corpus), ["eaxt"], "hf", str(tiny_model), settings, "chatml")["eaxt"]
    assert rows["candidates"].tolist() == again["candidates"].tolist()  # seeded


def test_one_call_samples_every_sampler_from_one_model_load(corpus, tiny_model):
    from eax.sampling import SamplingSettings, sample_candidates

    settings = SamplingSettings(n=2, temperature=1.0, top_p=1.0, max_new_tokens=6, batch_size=8, seed=0)
    by_sampler = sample_candidates(seed_rows(corpus), ["eaxt", "direct"], "hf", str(tiny_model), settings, "chatml")
    assert list(by_sampler) == ["eaxt", "direct"]
    for rows in by_sampler.values():
        assert rows["src_text"].tolist() == seed_rows(corpus)["src_text"].tolist()
        assert rows["candidates"].map(len).between(1, 2).all()


def test_empty_shard_samples_to_an_empty_frame_with_the_schema(tiny_model):
    from eax.sampling import CANDIDATE_COLUMNS, SamplingSettings, sample_candidates

    settings = SamplingSettings(n=2, temperature=1.0, top_p=1.0, max_new_tokens=4, batch_size=4, seed=0)
    empty = pd.DataFrame(columns=["src_text", "ref_text", "src_lang", "trg_lang", "ref_lang"])
    rows = sample_candidates(empty, ["direct"], "hf", str(tiny_model), settings, "chatml")["direct"]
    assert rows.empty and list(rows.columns) == CANDIDATE_COLUMNS


def test_vllm_backend_without_vllm_is_a_clear_error(corpus, tiny_model):
    from eax.errors import UserInputError
    from eax.sampling import SamplingSettings, sample_candidates

    pytest.importorskip("torch")
    try:
        import vllm  # noqa: F401
        pytest.skip("vLLM is installed here")
    except ImportError:
        pass
    settings = SamplingSettings(n=2, temperature=1.0, top_p=1.0, max_new_tokens=4, batch_size=4, seed=0)
    with pytest.raises(UserInputError, match="vLLM is not installed"):
        sample_candidates(seed_rows(corpus), ["eaxt"], "vllm", str(tiny_model), settings, "chatml")


def test_zero_pairs_stop_training_naming_the_pair_file():
    from eax.errors import UserInputError
    from eax.pairs import PAIR_COLUMNS
    from eax.preference import require_pairs

    path = "results/x2x/pairs/eaxt_eaxe/margin_0.1/pairs.parquet"
    with pytest.raises(UserInputError, match=f"{path} holds no preference pairs.*lower min_margin"):
        require_pairs(pd.DataFrame(columns=PAIR_COLUMNS), path)


@pytest.mark.parametrize("method", ["dpo", "orpo", "simpo", "cpo"])
def test_preference_methods_train_and_log_accuracy(method, corpus, tiny_model, tmp_path):
    from eax.preference import train_preference
    from eax.training_log import final_preference_accuracy

    rows = corpus[corpus["src_lang"] == "en"].head(8)
    pairs = pd.DataFrame({"src_lang": "en", "trg_lang": rows["trg_lang"], "src_text": rows["src_text"],
                          "chosen": rows["trg_text"], "rejected": rows["src_text"]})
    settings = trainer_settings(DEFAULT_CONFIG, f"preference.{method}")
    settings = {**settings, "num_train_epochs": 1, "per_device_train_batch_size": 4, "logging_steps": 1}
    trainer, _ = train_preference(method, str(tiny_model), pairs, settings, tmp_path, "diverse", 114514, "chatml",
                                  False)
    assert trainer.state.global_step == 2
    assert final_preference_accuracy(trainer.state.log_history) is not None
    assert not hasattr(trainer.model, "peft_config") or not trainer.model.peft_config  # LoRA merged
    args = trainer.args  # the recipe's LLaMA-Factory settings, as mapped onto trl (docs/faithfulness.md)
    expected = {"dpo": {"beta": 0.4, "loss_type": ["sigmoid", "sft"], "loss_weights": [1.0, 2.0]},
                "orpo": {"beta": pytest.approx(0.4 / 3)},
                "simpo": {"beta": 0.4, "loss_type": "simpo", "cpo_alpha": 2.0, "simpo_gamma": 0.5},
                "cpo": {"beta": 0.1, "loss_type": "sigmoid", "cpo_alpha": 1.0}}[method]
    assert {key: getattr(args, key) for key in expected} == expected
    assert args.gradient_checkpointing is settings["gradient_checkpointing"]


def test_a_trl_loss_variant_is_a_config_line(corpus, tiny_model, tmp_path):
    """IPO (trl's DPO loss_type ipo) with the recipe's SFT term, set by `preference.dpo.trl` alone: it trains, and
    its first loss is not the sigmoid loss's on the same batch."""
    from eax.preference import train_preference

    rows = corpus[corpus["src_lang"] == "en"].head(8)
    pairs = pd.DataFrame({"src_lang": "en", "trg_lang": rows["trg_lang"], "src_text": rows["src_text"],
                          "chosen": rows["trg_text"], "rejected": rows["src_text"]})
    settings = {**trainer_settings(DEFAULT_CONFIG, "preference.dpo"), "num_train_epochs": 1,
                "per_device_train_batch_size": 4, "logging_steps": 1}
    variants = {"sigmoid": settings, "ipo": {**settings, "trl": {"loss_type": ["ipo", "sft"]}}}
    first_losses = {}
    for name, hp in variants.items():
        trainer, _ = train_preference("dpo", str(tiny_model), pairs, hp, tmp_path / name, "diverse", 114514,
                                      "chatml", False)
        assert trainer.state.global_step == 2
        first_losses[name] = trainer.state.log_history[0]["loss"]
    assert trainer.args.loss_type == ["ipo", "sft"] and trainer.args.loss_weights == [1.0, 2.0]
    assert first_losses["ipo"] != pytest.approx(first_losses["sigmoid"])


def test_reward_model_training_is_reproducible(corpus, tiny_model, tmp_path):
    """Its new reward head is initialised before the trainer seeds: two runs must still give the same weights."""
    import torch

    from eax.preference import train_reward_model

    rows = corpus[corpus["src_lang"] == "en"].head(8)
    pairs = pd.DataFrame({"src_lang": "en", "trg_lang": rows["trg_lang"], "src_text": rows["src_text"],
                          "chosen": rows["trg_text"], "rejected": rows["src_text"]})
    settings = {**trainer_settings(DEFAULT_CONFIG, "reward_model"), "num_train_epochs": 1,
                "per_device_train_batch_size": 4}
    weights = []
    for run in ("first", "second"):
        torch.rand(7)  # whatever ran before in the process must not matter
        trainer, _ = train_reward_model(str(tiny_model), pairs, settings, tmp_path / run, "chatml", False)
        weights.append({key: value.clone() for key, value in trainer.model.state_dict().items()})
    assert all(torch.equal(weights[0][key], weights[1][key]) for key in weights[0])
    held_out = [entry for entry in trainer.state.log_history if "heldout_accuracy" in entry]
    assert len(held_out) == 1 and held_out[0]["heldout_pairs"] == 1  # 10% of 8 pairs, never trained on
    assert {"heldout_margin", "heldout_loss"} <= held_out[0].keys()


def test_held_out_split_is_seeded_and_sized_like_llama_factorys_val_size():
    from datasets import Dataset

    from eax.errors import UserInputError
    from eax.preference import held_out_split

    dataset = Dataset.from_dict({"n": list(range(100))})
    train, held_out = held_out_split(dataset, 0.04, 42)
    again = held_out_split(dataset, 0.04, 42)[1]
    assert len(held_out) == 4 and len(train) == 96 and held_out["n"] == again["n"]
    assert not set(held_out["n"]) & set(train["n"])
    assert held_out_split(dataset, 0.0, 42) == (dataset, None)
    with pytest.raises(UserInputError, match="reward_model.eval_fraction"):
        held_out_split(Dataset.from_dict({"n": [1, 2]}), 0.04, 42)


def test_rm_candidates_scored_with_comet_keep_their_row_shape(corpus, toy_comet):
    from eax.scoring import comet_scores, load_comet, score_against_references

    qaa = corpus[corpus["src_lang"] == "qaa"].head(3)
    rows = pd.DataFrame({"src_text": list(qaa["src_text"]), "ref_text": list(qaa["trg_text"]),
                         "candidates": [[qaa["trg_text"].iloc[0], "x"], [], ["y"]]})
    model = load_comet(str(toy_comet), "reward_data.comet_model")
    scores = score_against_references(rows, "comet", 4, metric_model=model)
    assert [len(row) for row in scores] == [2, 0, 1]
    expected = comet_scores(model, [rows["src_text"].iloc[0]], ["x"], [rows["ref_text"].iloc[0]], 4)
    assert scores[0][1] == pytest.approx(expected[0], abs=1e-4)  # each candidate against its own row's reference


def test_the_toy_base_model_pretrains_on_monolingual_text(corpus):
    from eax.tiny_models import pretrain_causal_lm

    texts = [*corpus["src_text"], *corpus["trg_text"]]
    tokenizer = train_chat_tokenizer(texts, 400)
    model = build_causal_lm(tokenizer, hidden_size=32, intermediate_size=64, num_layers=1, num_heads=2,
                            num_kv_heads=1, max_positions=256, seed=0)
    losses = pretrain_causal_lm(model, tokenizer, texts, steps=40, batch_size=8, learning_rate=3e-3, seed=0)
    assert sum(losses[-5:]) < 0.9 * sum(losses[:5])  # it learns the languages' words
    assert not model.training


def test_every_han_character_is_its_own_token(corpus):
    tokenizer = train_chat_tokenizer([*corpus["trg_text"], "嚛鼰嚛鼰嚛鼰"] * 3, 400)
    assert tokenizer.tokenize("嚛鼰") == tokenizer.tokenize("嚛") + tokenizer.tokenize("鼰")  # never merged across


def rm_pairs(corpus) -> pd.DataFrame:
    rows = corpus[corpus["src_lang"] == "en"].head(8)
    return pd.DataFrame({"src_lang": "en", "trg_lang": rows["trg_lang"], "src_text": rows["src_text"],
                         "chosen": rows["trg_text"], "rejected": rows["src_text"]})


def test_a_bos_adding_tokenizer_gives_the_reward_model_the_same_tokens_in_training_and_scoring(
        corpus, tiny_model, tmp_path):
    """Llama-style tokenizers prepend BOS to every text: trl's RewardTrainer tokenizes with that default, EAxE
    scoring with add_special_tokens=False. Both must see one sequence (and no BOS: LLaMA-Factory's chatml)."""
    from transformers import AutoTokenizer, LlamaTokenizerFast

    from eax.chat import IM_START
    from eax.preference import train_reward_model
    from eax.prompts import eval_prompt
    from eax.scoring import reward_texts

    folder = tmp_path / "bos_model"
    shutil.copytree(tiny_model, folder)
    plain = AutoTokenizer.from_pretrained(folder)
    bos_adding = LlamaTokenizerFast(tokenizer_object=plain.backend_tokenizer, bos_token=IM_START, eos_token=IM_START,
                                    add_bos_token=True, chat_template=plain.chat_template)
    for path in folder.glob("tokenizer*"):
        path.unlink()
    bos_adding.save_pretrained(folder)
    assert AutoTokenizer.from_pretrained(folder)("Hello")["input_ids"][0] == bos_adding.bos_token_id  # as shipped
    pairs = rm_pairs(corpus)
    settings = {**trainer_settings(DEFAULT_CONFIG, "reward_model"), "num_train_epochs": 1,
                "per_device_train_batch_size": 4, "eval_fraction": 0.0}
    trainer, tokenizer = train_reward_model(str(folder), pairs, settings, tmp_path / "work", "chatml", False)
    prompts = [eval_prompt(*row) for row in zip(pairs["src_lang"], pairs["trg_lang"], pairs["src_text"])]
    scored = tokenizer(reward_texts(tokenizer, prompts, list(pairs["chosen"])), add_special_tokens=False)["input_ids"]
    trained = [example["chosen_ids"] for example in trainer.train_dataset]
    assert sorted(trained) == sorted(scored)
    assert all(ids[0] == tokenizer.convert_tokens_to_ids(IM_START) and ids.count(ids[0]) == 2 for ids in trained)


def test_a_model_saved_in_shards_loads_in_the_next_stage(corpus, tiny_model, tmp_path):
    """A 7B model is saved in 5 GB shards plus an index, never as one model.safetensors: the rules track config.json,
    and every loader reads the shards."""
    from eax.generation import load_causal_lm
    from eax.preference import train_reward_model
    from eax.scoring import load_reward_model
    from eax.training import save_trained

    settings = {**trainer_settings(DEFAULT_CONFIG, "reward_model"), "num_train_epochs": 1,
                "per_device_train_batch_size": 4, "eval_fraction": 0.0}
    trainer, tokenizer = train_reward_model(str(tiny_model), rm_pairs(corpus), settings, tmp_path / "work", "chatml",
                                            False)
    save_trained(trainer, tokenizer, str(tmp_path / "rm" / "config.json"), tmp_path / "work", max_shard_size="20KB")
    shards = sorted(path.name for path in (tmp_path / "rm").glob("*.safetensors"))
    assert len(shards) > 1 and not (tmp_path / "rm" / "model.safetensors").exists()
    assert (tmp_path / "rm" / "model.safetensors.index.json").is_file()
    model, _ = load_reward_model(str(tmp_path / "rm"), "chatml")
    saved = trainer.model.state_dict()
    assert all(model.state_dict()[key].equal(saved[key].cpu()) for key in saved)
    load_causal_lm(str(tiny_model), "chatml")  # an unsharded folder still loads


@pytest.mark.parametrize(("configured", "cuda", "expected"), [
    ("auto", True, "auto"), ("auto", False, "float32"), ("bfloat16", False, "bfloat16"), ("float32", True, "float32")])
def test_every_load_takes_the_configured_dtype(configured, cuda, expected):
    from eax.weights import load_dtype

    assert load_dtype(configured, cuda) == expected


def test_the_loaded_dtype_is_the_configured_one(tiny_model):
    import torch

    from eax.generation import load_causal_lm
    from eax.scoring import load_reward_model

    assert load_causal_lm(str(tiny_model), "chatml")[0].dtype == torch.float32  # auto on a CPU
    assert load_causal_lm(str(tiny_model), "chatml", dtype="bfloat16")[0].dtype == torch.bfloat16
    assert load_reward_model(str(tiny_model), "chatml", dtype="bfloat16")[0].dtype == torch.bfloat16


def test_an_unknown_dtype_names_its_config_key():
    from eax.errors import UserInputError
    from eax.weights import load_dtype

    with pytest.raises(UserInputError, match="model.dtype.*'half'"):
        load_dtype("half", False)
