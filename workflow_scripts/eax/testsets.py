"""Test sets in their original layouts; each loader returns language -> segments, line-aligned."""

from __future__ import annotations

from pathlib import Path

from eax.errors import UserInputError
from eax.io import read_lines
from eax.languages import language


def flores_file(root: str | Path, split: str, lang: str) -> Path:
    """`{root}/{split}/{flores_code}.{split}`, the official FLORES-200 tarball layout."""
    code = language(lang).flores
    return Path(root) / split / f"{code}.{split}"


def load_flores(root: str | Path, split: str, languages: list[str]) -> dict[str, list[str]]:
    segments = {}
    for lang in languages:
        path = flores_file(root, split, lang)
        if not path.is_file():
            raise UserInputError(f"{path}: FLORES-200 file for {lang!r} not found (expected {{root}}/{{split}}/{{code}}.{{split}})")
        segments[lang] = read_lines(path)
    counts = {len(lines) for lines in segments.values()}
    if len(counts) > 1:
        detail = ", ".join(f"{lang}: {len(lines)}" for lang, lines in segments.items())
        raise UserInputError(f"{root}/{split}: FLORES-200 files are not line-aligned ({detail})")
    return segments
