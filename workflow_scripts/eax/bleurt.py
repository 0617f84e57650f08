"""BLEURT through its PyTorch port (bleurt-pytorch): load BLEURT-20 (or a tiny offline stand-in) and score segments.

transformers' Auto classes do not know model_type "bleurt", so everything here uses the package's own classes.
BLEURT-20 and its distilled variants tokenise with a SentencePiece `spm.model` (BleurtSPTokenizer).
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from eax.errors import UserInputError
from eax.locations import is_hub_id
from eax.weights import checked_model_path, load_options

MAX_LENGTH = 512  # BLEURT-20's position embeddings; the tokenizer does not truncate unless told to
PACKAGE = "bleurt-pytorch==0.0.1"
SPECIAL_PIECES = {"pad": "[PAD]", "unk": "[UNK]", "bos": "[CLS]", "eos": "[SEP]"}  # ids 0-3: [PAD] must be 0


def _bleurt_classes():
    """(BleurtConfig, BleurtForSequenceClassification, BleurtTokenizer), or one line saying how to install them."""
    try:
        from bleurt_pytorch import BleurtConfig, BleurtForSequenceClassification, BleurtTokenizer
    except ImportError:
        raise UserInputError(f"BLEURT is asked for but bleurt_pytorch is not installed (pip install {PACKAGE}); "
                             "use comet or chrf") from None
    return BleurtConfig, BleurtForSequenceClassification, BleurtTokenizer


def _tokenizer_class(folder: Path, fallback):
    """BleurtSPTokenizer for BLEURT-20's `spm.model`; otherwise the package's dispatcher (WordPiece checkpoints)."""
    if (folder / "spm.model").is_file():
        from bleurt_pytorch.bleurt.tokenization_bleurt_sp import BleurtSPTokenizer

        return BleurtSPTokenizer
    return fallback


def train_spm(texts: list[str], vocab_size: int, seed: int) -> bytes:
    """A SentencePiece unigram model of `texts` with BERT's special pieces, as the bytes of an `spm.model`.

    At least one piece per character (character_coverage=1.0 needs them), so a small `vocab_size` can grow.

    Reproducible: one trainer thread (threads may sum the EM statistics in a varying order), no input sampling, and
    training from an iterator into memory, so no file path is recorded in the model's trainer spec.
    """
    import sentencepiece as spm

    needed = len(set("".join(texts))) + len(SPECIAL_PIECES) + 1  # every character gets a piece, plus [MASK]
    if vocab_size < needed:
        print(f"SentencePiece vocabulary raised from {vocab_size} to {needed}: one piece per character of the corpus")
        vocab_size = needed
    spm.set_random_generator_seed(seed)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts), model_writer=model, vocab_size=vocab_size, model_type="unigram",
        character_coverage=1.0, hard_vocab_limit=False, num_threads=1, input_sentence_size=0,
        shuffle_input_sentence=False, pad_id=0, unk_id=1, bos_id=2, eos_id=3,
        **{f"{name}_piece": piece for name, piece in SPECIAL_PIECES.items()},
        user_defined_symbols=["[MASK]"], minloglevel=2,
    )
    return model.getvalue()


def build_tiny_bleurt(texts: list[str], folder: Path, hidden_size: int, num_layers: int, vocab_size: int, seed: int,
                      training: list[dict] | None = None, steps: int = 0) -> None:
    """A random-init BLEURT-20-style model (SentencePiece tokenizer, embeddings projected up to `hidden_size`),
    saved with save_pretrained in `folder`, which `load_bleurt` then reads exactly as it reads BLEURT-20.

    With `training` samples (src, mt, ref, score in 0..1) it is first fitted for `steps` steps, so its scores mean
    something (the toy world distils sentence chrF into it); otherwise it stays random.
    """
    import torch

    config_class, model_class, _ = _bleurt_classes()
    from bleurt_pytorch.bleurt.tokenization_bleurt_sp import BleurtSPTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    vocab_file = folder / "spm.model"
    vocab_file.write_bytes(train_spm(texts, vocab_size, seed))
    tokenizer = BleurtSPTokenizer(str(vocab_file), do_lower_case=False, split_by_punct=False)
    config = config_class(
        vocab_size=len(tokenizer),
        embedding_size=max(1, hidden_size // 2),
        hidden_size=hidden_size,
        num_hidden_layers=num_layers,
        num_attention_heads=4,
        intermediate_size=hidden_size * 4,
        max_position_embeddings=MAX_LENGTH,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        num_labels=1,
        pad_token_id=tokenizer.pad_token_id,
        architectures=["BleurtForSequenceClassification"],
    )
    torch.manual_seed(seed)
    model = model_class(config)
    if training and steps:
        losses = fit_bleurt(model, tokenizer, training, steps, batch_size=16, learning_rate=1e-3, seed=seed)
        n = min(20, len(losses))
        print(f"BLEURT fit: MSE {sum(losses[:n]) / n:.4f} (first {n} steps) -> {sum(losses[-n:]) / n:.4f} (last {n})")
    model.eval().save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)


def fit_bleurt(model, tokenizer, samples: list[dict], steps: int, batch_size: int, learning_rate: float,
               seed: int) -> list[float]:
    """Plain MSE regression of BLEURT's score for (ref, mt) on the samples' `score`; returns the loss per step."""
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    losses = []
    for _ in range(steps):
        batch = rng.sample(samples, min(batch_size, len(samples)))
        inputs = tokenizer([s["ref"] for s in batch], [s["mt"] for s in batch], padding="longest", truncation=True,
                           max_length=MAX_LENGTH, return_tensors="pt").to(model.device)
        target = torch.tensor([float(s["score"]) for s in batch], device=model.device)
        loss = torch.nn.functional.mse_loss(model(**inputs).logits[:, 0], target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    return losses


def load_bleurt(checkpoint: str, config_key: str):
    """(model, tokenizer) in eval mode, on the GPU if there is one, from a local folder or a hub id (e.g.
    lucadiliello/BLEURT-20); a missing folder or an unreachable hub is one error naming the key and how to fix it."""
    _, model_class, tokenizer_class = _bleurt_classes()
    hub_id = checkpoint if is_hub_id(checkpoint) else "lucadiliello/BLEURT-20"
    how = (f"download it where the hub is reachable (huggingface-cli download {hub_id} --local-dir "
           f"{hub_id.split('/')[-1]}) and set {config_key} to that folder")
    if is_hub_id(checkpoint):
        from huggingface_hub import snapshot_download

        try:
            folder = Path(snapshot_download(checkpoint))
        except Exception as error:  # the hub client raises many kinds; all mean "could not fetch it"
            raise UserInputError(f"{config_key}: could not fetch BLEURT model {checkpoint} from the hub "
                                 f"({type(error).__name__}); {how}") from None
    else:
        folder = Path(checkpoint).expanduser()
        if not (folder / "config.json").is_file():
            raise UserInputError(f"{config_key}: BLEURT checkpoint folder {checkpoint} does not exist or has no "
                                 f"config.json; {how}")
    import torch

    tokenizer = _tokenizer_class(folder, tokenizer_class).from_pretrained(str(folder), local_files_only=True,
                                                                          trust_remote_code=False)
    model = model_class.from_pretrained(checked_model_path(str(folder)), local_files_only=True, trust_remote_code=False,
                                        **load_options("float32"))  # the package's own classes: no remote code
    return model.to("cuda" if torch.cuda.is_available() else "cpu").eval(), tokenizer


def bleurt_scores(model, tokenizer, references: list[str], candidates: list[str], batch_size: int) -> list[float]:
    """Segment BLEURT scores x100 (the recipe pairs on a 0-100 scale); pairs are encoded reference first."""
    import torch

    scores: list[float] = []
    for start in range(0, len(candidates), batch_size):
        batch = tokenizer(references[start:start + batch_size], candidates[start:start + batch_size],
                          padding="longest", truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
        with torch.inference_mode():
            scores += [100 * score for score in model(**batch.to(model.device)).logits[:, 0].float().tolist()]
    return scores
