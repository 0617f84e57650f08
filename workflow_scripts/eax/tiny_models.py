"""Tiny, offline stand-ins for the paper's models, built from the toy corpus with the real libraries.

- a byte-level BPE tokenizer with a chatml template and a random-init `Qwen2ForCausalLM` (the base LLM);
- a COMET `RegressionMetric` over a small XLM-R encoder with its own Unigram tokenizer (the metric).
Both save in their library's own format, so the workflow loads them exactly as it loads the real ones.
"""

from __future__ import annotations

import random
from pathlib import Path

from eax.chat import CHATML_TEMPLATE, IM_END, IM_START
from eax.chat import FALLBACK_PAD as PAD


def train_chat_tokenizer(texts: list[str], vocab_size: int):
    """Byte-level BPE (as Qwen's) with chatml special tokens; `<|im_end|>` ends a turn and a generation."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([  # every Han character its own piece, as in Qwen's vocabulary
        pre_tokenizers.Split(Regex("[\u4e00-\u9fff]"), "isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[PAD, IM_START, IM_END],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        eos_token=IM_END,
        pad_token=PAD,
        padding_side="left",
        chat_template=CHATML_TEMPLATE,
        model_input_names=["input_ids", "attention_mask"],
    )


def build_causal_lm(tokenizer, hidden_size: int, intermediate_size: int, num_layers: int, num_heads: int,
                    num_kv_heads: int, max_positions: int, seed: int):
    """A random-init Qwen2 decoder sized by the arguments, its special tokens wired to the tokenizer's."""
    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=intermediate_size,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        num_key_value_heads=num_kv_heads,
        max_position_embeddings=max_positions,
        tie_word_embeddings=True,
        bos_token_id=None,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    model = Qwen2ForCausalLM(config)
    model.generation_config = GenerationConfig(
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, do_sample=False
    )
    return model


def pretrain_causal_lm(model, tokenizer, texts: list[str], steps: int, batch_size: int, learning_rate: float,
                       seed: int) -> list[float]:
    """Plain next-token training on monolingual sentences (AdamW, linear decay): the toy base model reads every
    language before the English-centric SFT, as a real base LLM has. Returns the loss per step."""
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1 - step / max(steps, 1))
    losses = []
    for _ in range(steps):
        batch = tokenizer(rng.sample(texts, min(batch_size, len(texts))), padding=True, return_tensors="pt")
        labels = batch["input_ids"].masked_fill(batch["attention_mask"] == 0, -100)
        loss = model(**batch, labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
    model.eval()
    return losses


def save_model(model, tokenizer, folder: Path) -> None:
    model.save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)


def train_encoder_tokenizer(texts: list[str], vocab_size: int):
    """An XLM-R style tokenizer (Metaspace pre-tokenizer, <s> A </s> framing) for the COMET encoder.

    Its model is BPE, not XLM-R's SentencePiece Unigram: the tokenizers library's Unigram trainer gives a
    different vocabulary on every run (it iterates hash maps), and the toy world must be reproducible.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import XLMRobertaTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials, show_progress=False)
    tokenizer.train_from_iterator(texts, trainer)
    bos, eos = tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", bos), ("</s>", eos)]
    )
    return XLMRobertaTokenizerFast(tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>",
                                   unk_token="<unk>", pad_token="<pad>", mask_token="<mask>",
                                   sep_token="</s>", cls_token="<s>")


def build_comet(texts: list[str], root: Path, final_root: Path, hidden_size: int, num_layers: int,
                vocab_size: int, seed: int, training: list[dict] | None = None, steps: int = 0) -> Path:
    """A COMET regression metric over a tiny XLM-R encoder, saved in COMET's own layout under `root`.

    With `training` samples (src, mt, ref, score) it is first fitted for `steps` steps, so its scores mean
    something (the toy world distils sentence chrF into it); otherwise it stays random.

    `root/encoder` holds the encoder's config and tokenizer (COMET's `pretrained_model`, recorded under
    `final_root`, where `root` will be moved, as that path is given: the rule gives it relative to the working
    directory, where Snakemake runs every job, so a moved or copied project still loads it), `root/hparams.yaml` and
    `root/checkpoints/model.ckpt` are what `comet.load_from_checkpoint` reads. Returns the checkpoint path.
    """
    import torch
    import yaml
    from comet.models import RegressionMetric
    from transformers import XLMRobertaConfig

    encoder = root / "encoder"
    encoder.mkdir(parents=True)
    tokenizer = train_encoder_tokenizer(texts, vocab_size)
    tokenizer.save_pretrained(encoder)
    XLMRobertaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        num_hidden_layers=num_layers,
        num_attention_heads=4,
        intermediate_size=hidden_size * 4,
        max_position_embeddings=514,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        type_vocab_size=1,
    ).save_pretrained(encoder)
    torch.manual_seed(seed)
    model = RegressionMetric(
        pretrained_model=str(encoder.resolve()),
        load_pretrained_weights=False,
        local_files_only=True,
        hidden_sizes=[hidden_size],
        batch_size=8,
    )
    if training and steps:
        losses = fit_comet(model, training, steps, batch_size=16, learning_rate=1e-3, seed=seed)
        print(f"COMET fit: MSE {sum(losses[:20]) / 20:.4f} (first 20 steps) -> {sum(losses[-20:]) / 20:.4f} (last 20)")
    hparams = {**dict(model.hparams), "pretrained_model": str(final_root / "encoder")}
    (root / "hparams.yaml").write_text(
        yaml.safe_dump({"class_identifier": "regression_metric", **hparams}), encoding="utf-8"
    )
    checkpoint = root / "checkpoints" / "model.ckpt"
    checkpoint.parent.mkdir()
    torch.save({"state_dict": model.state_dict(), "hyper_parameters": hparams,
                "pytorch-lightning_version": _lightning_version()}, checkpoint)
    return checkpoint


def metric_fitting_data(corpus, n: int, seed: int) -> tuple[list[str], list[dict]]:
    """(the corpus texts a tiny metric's tokenizer is trained on, its chrF-distillation samples) for COMET/BLEURT."""
    sources, references = list(corpus["src_text"]), list(corpus["trg_text"])
    return [*sources, *references], chrf_training_samples(sources, references, n, seed)


def chrf_training_samples(sources: list[str], references: list[str], n: int, seed: int) -> list[dict]:
    """COMET training triples whose target is sentence chrF/100 of a corrupted (or off-target) reference."""
    from sacrebleu.metrics import CHRF

    from eax.toy_world import corrupt

    chrf = CHRF()
    rng = random.Random(seed)
    vocabulary = sorted({word for text in references for word in text.split()})
    samples = []
    for _ in range(n):
        i = rng.randrange(len(sources))
        kind = rng.random()
        if kind < 0.1:
            mt = sources[i]  # off-target: the source copied
        elif kind < 0.2:
            mt = references[rng.randrange(len(references))]  # an unrelated sentence
        else:
            mt = corrupt(references[i], rng, rng.random(), vocabulary)
        score = chrf.sentence_score(mt, [references[i]]).score / 100
        samples.append({"src": sources[i], "mt": mt, "ref": references[i], "score": score})
    return samples


def fit_comet(model, samples: list[dict], steps: int, batch_size: int, learning_rate: float, seed: int) -> list[float]:
    """Plain regression fine-tuning of a COMET model (encoder included); returns the loss per step."""
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    model.train()
    for parameter in model.parameters():
        parameter.requires_grad = True
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    losses = []
    for _ in range(steps):
        inputs, target = model.prepare_sample(rng.sample(samples, batch_size), stage="fit")
        loss = torch.nn.functional.mse_loss(model(**inputs).score, target.score)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    return losses


def _lightning_version() -> str:
    import pytorch_lightning

    return pytorch_lightning.__version__
