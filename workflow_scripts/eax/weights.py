"""Model weights are read from safetensors only: unpickling a .bin checkpoint can run arbitrary code."""

from __future__ import annotations

from pathlib import Path

from eax.errors import UserInputError

LOAD_OPTIONS = {"use_safetensors": True}  # passed to every from_pretrained of model weights


def checked_model_path(path: str) -> str:
    """`path` itself; a local folder without *.safetensors is one clear error (a hub id is checked on download)."""
    folder = Path(path)
    if not folder.is_dir() or any(folder.glob("*.safetensors")):
        return path
    if any(folder.glob("*.bin")) or any(folder.glob("*.pt")):
        raise UserInputError(f"{path}: only pickled weights (*.bin/*.pt), which are refused because loading them can "
                             "run code; convert them once with save_pretrained(..., safe_serialization=True)")
    raise UserInputError(f"{path}: no model weights (*.safetensors) in this folder; is the checkpoint complete?")
