"""How model weights are read: safetensors, or pickled `*.bin` through torch's weights-only unpickler, which
builds tensors and refuses every other object, so no code in a checkpoint runs (BLEURT-20's port ships only
`pytorch_model.bin`); and in which dtype (`model.dtype`)."""

from __future__ import annotations

from pathlib import Path

from eax.errors import UserInputError

DTYPES = ("auto", "bfloat16", "float16", "float32")
WEIGHT_PATTERNS = ("*.safetensors", "*.bin")  # sharded saves too: model-00001-of-00003.safetensors + index


def load_dtype(configured: str, cuda: bool) -> str:
    """The dtype a model is loaded in. `auto` is the checkpoint's own dtype on a GPU (the original loads with
    `torch_dtype="auto"`: bf16 for a 7B model, half the memory of fp32) and float32 on a CPU: bf16 kernels are fast
    only on CPUs with avx512_bf16 or AMX, bf16 weights lose a small learning rate's updates where no DeepSpeed keeps
    fp32 master weights, and every toy figure was measured in float32 (`model.inference_dtype` can run the models
    that do not train in bf16)."""
    if configured not in DTYPES:
        raise UserInputError(f"config key `model.dtype`: {configured!r} is not one of {', '.join(DTYPES)}")
    return "float32" if configured == "auto" and not cuda else configured


def load_options(dtype: str = "auto") -> dict:
    """Keyword arguments of every `from_pretrained` of model weights."""
    import torch

    return {"weights_only": True, "dtype": load_dtype(dtype, torch.cuda.is_available())}


def checked_model_path(path: str) -> str:
    """`path` itself; a local folder without weights is one clear error (a hub id is checked on download)."""
    folder = Path(path)
    if not folder.is_dir() or any(any(folder.glob(pattern)) for pattern in WEIGHT_PATTERNS):
        return path
    if any(folder.glob("*.pt")):
        raise UserInputError(f"{path}: only *.pt weights, which are not a Hugging Face checkpoint; save the model "
                             "with save_pretrained(...) first")
    raise UserInputError(f"{path}: no model weights (*.safetensors or *.bin) in this folder; is the checkpoint "
                         "complete?")
