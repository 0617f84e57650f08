"""Test sets in their original layouts. Every loader answers the same question: for a direction (src, trg),
the source segments and their references, line-aligned.

Formats (`evaluation.testsets[].format`):
- `flores200`: `{root}/{split}/{flores_code}.{split}`, multi-parallel (the official tarball layout);
- `ntrex128`: `{root}/newstest2019-src.eng.txt` and `newstest2019-ref.{code}.txt`, multi-parallel;
- `wmt22_json`: `{root}/{x}en/test.{src}-{trg}.json`, a JSON list of `{"translation": {src: ..., trg: ...}}`
  (ALMA's layout, also that of the hub sets haoranxu/WMT22-Test and WMT23-Test);
- `wmt23_text`: `{root}/sources/generaltest2023.{src}-{trg}.src.{src}` and
  `{root}/references/generaltest2023.{src}-{trg}.ref.refA.{trg}`;
- `custom_json`: one JSON file, a list of `{src_lang, trg_lang, src_text, trg_text}`;
- `tsv`: `{root}/{src}-{trg}.tsv`, one segment per line as `source<TAB>reference`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eax.errors import UserInputError
from eax.io import read_lines
from eax.languages import PIVOT, language

NTREX_CODES = {"en": "eng", "de": "deu", "fr": "fra", "it": "ita", "ko": "kor", "nl": "nld", "pt": "por",
               "ru": "rus", "es": "spa", "zh": "zho_Hans", "cs": "ces", "is": "isl", "ja": "jpn"}

Segments = tuple[list[str], list[str]]


def flores_file(root: str | Path, split: str, lang: str) -> Path:
    """`{root}/{split}/{flores_code}.{split}`, the official FLORES-200 tarball layout."""
    code = language(lang).flores
    return Path(root) / split / f"{code}.{split}"


def ntrex_file(root: str | Path, lang: str) -> Path:
    if lang not in NTREX_CODES:
        raise UserInputError(f"NTREX-128 has no file for language {lang!r} in this workflow's code table")
    name = "newstest2019-src.eng.txt" if lang == PIVOT else f"newstest2019-ref.{NTREX_CODES[lang]}.txt"
    return Path(root) / name


def wmt22_file(root: str | Path, src: str, trg: str) -> Path:
    other = trg if src == PIVOT else src
    return Path(root) / f"{other}{PIVOT}" / f"test.{src}-{trg}.json"


def wmt23_files(root: str | Path, src: str, trg: str) -> tuple[Path, Path]:
    pair = f"{src}-{trg}"
    return (Path(root) / "sources" / f"generaltest2023.{pair}.src.{src}",
            Path(root) / "references" / f"generaltest2023.{pair}.ref.refA.{trg}")


def _read(path: Path) -> list[str]:
    if not path.is_file():
        raise UserInputError(f"{path}: test set file not found")
    try:
        return read_lines(path)
    except UnicodeDecodeError:
        raise UserInputError(f"{path}: not UTF-8 text") from None


def _aligned(sources: list[str], references: list[str], where: str) -> Segments:
    if len(sources) != len(references):
        raise UserInputError(f"{where}: {len(sources)} source segments but {len(references)} references")
    if not sources:
        raise UserInputError(f"{where}: no segments")
    return sources, references


def _wmt22(root: str | Path, split: str | None, src: str, trg: str) -> Segments:
    path = wmt22_file(root, src, trg)
    if not path.is_file():
        raise UserInputError(f"{path}: test set file not found")
    items = json.loads(path.read_text(encoding="utf-8"))
    try:
        return _aligned([item["translation"][src] for item in items], [item["translation"][trg] for item in items],
                        str(path))
    except (KeyError, TypeError):
        raise UserInputError(f"{path}: expected a list of "
                             f"{{\"translation\": {{\"{src}\": ..., \"{trg}\": ...}}}}") from None


def _custom(root: str | Path, split: str | None, src: str, trg: str) -> Segments:
    path = Path(root)
    try:
        rows = [row for row in json.loads(path.read_text(encoding="utf-8"))
                if row["src_lang"] == src and row["trg_lang"] == trg]
    except (OSError, ValueError, KeyError, TypeError):
        raise UserInputError(f"{path}: expected a JSON list of {{src_lang, trg_lang, src_text, trg_text}}") from None
    return _aligned([row["src_text"] for row in rows], [row["trg_text"] for row in rows], f"{path} ({src}2{trg})")


def checked_hypotheses(path: str | Path, expected: int, allow_empty: bool = False) -> list[str]:
    """The file's lines, if there is one per reference segment (and, unless `allow_empty`, not all are empty:
    a published system's file of blank lines is a mistake; a weak model's blank output is a result)."""
    try:
        lines = read_lines(path)
    except FileNotFoundError:
        raise UserInputError(f"{path}: missing; give one hypothesis file per direction of the test set") from None
    except UnicodeDecodeError:
        raise UserInputError(f"{path}: not UTF-8 text") from None
    if len(lines) != expected:
        raise UserInputError(f"{path}: {len(lines)} lines for {expected} reference segments (one hypothesis per line)")
    if not allow_empty and not any(line.strip() for line in lines):
        raise UserInputError(f"{path}: every line is empty")
    return lines


def _flores(root: str | Path, split: str | None, src: str, trg: str) -> Segments:
    return _aligned(_read(flores_file(root, split, src)), _read(flores_file(root, split, trg)),
                    f"{root}/{split} ({src}2{trg})")


def _ntrex(root: str | Path, split: str | None, src: str, trg: str) -> Segments:
    return _aligned(_read(ntrex_file(root, src)), _read(ntrex_file(root, trg)), f"{root} ({src}2{trg})")


def _wmt23(root: str | Path, split: str | None, src: str, trg: str) -> Segments:
    source, reference = wmt23_files(root, src, trg)
    return _aligned(_read(source), _read(reference), f"{root} ({src}2{trg})")


def tsv_file(root: str | Path, src: str, trg: str) -> Path:
    return Path(root) / f"{src}-{trg}.tsv"


def _tsv(root: str | Path, split: str | None, src: str, trg: str) -> Segments:
    path = tsv_file(root, src, trg)
    rows = [line.split("\t") for line in _read(path)]
    if bad := next((number for number, row in enumerate(rows, 1) if len(row) != 2), None):
        raise UserInputError(f"{path}: line {bad} is not `source<TAB>reference`")
    return _aligned([row[0] for row in rows], [row[1] for row in rows], str(path))


Directions = list[tuple[str, str]]


def _languages(directions: Directions) -> list[str]:
    return sorted({lang for direction in directions for lang in direction})


@dataclass(frozen=True)
class Format:
    """A test-set layout: the files a set of directions reads (for Snakemake to track), and the loader of one
    direction's (sources, references). `single_file`: `path` names a file, not a folder; `has_split`: the
    layout holds several splits and `split` picks one."""

    files: Callable[[str | Path, str | None, Directions], list[Path]]
    load: Callable[[str | Path, str | None, str, str], Segments]
    single_file: bool = False
    has_split: bool = False


FORMATS: dict[str, Format] = {  # `evaluation.testsets[].format`; config/schema.yaml's enum lists the same names
    "flores200": Format(lambda root, split, directions: [flores_file(root, split, lang)
                                                         for lang in _languages(directions)],
                        _flores, has_split=True),
    "ntrex128": Format(lambda root, split, directions: [ntrex_file(root, lang) for lang in _languages(directions)],
                       _ntrex),
    "wmt22_json": Format(lambda root, split, directions: [wmt22_file(root, src, trg) for src, trg in directions],
                         _wmt22),
    "wmt23_text": Format(lambda root, split, directions: [path for src, trg in directions
                                                          for path in wmt23_files(root, src, trg)], _wmt23),
    "custom_json": Format(lambda root, split, directions: [Path(root)], _custom, single_file=True),
    "tsv": Format(lambda root, split, directions: [tsv_file(root, src, trg) for src, trg in directions], _tsv),
}


def files_for(fmt: str, root: str | Path, split: str | None, directions: Directions) -> list[Path]:
    """Every file the given directions read, for Snakemake to track."""
    return FORMATS[fmt].files(root, split, directions)


def load_direction(fmt: str, root: str | Path, split: str | None, src: str, trg: str) -> Segments:
    """(sources, references) of one direction of a test set."""
    return FORMATS[fmt].load(root, split, src, trg)


def load_directions(fmt: str, root: str | Path, split: str | None, directions: list[tuple[str, str]],
                    max_segments: int | None = None) -> dict[tuple[str, str], Segments]:
    """Every direction's (sources, references); only the first `max_segments` of each when it is given."""
    loaded = {(src, trg): load_direction(fmt, root, split, src, trg) for src, trg in directions}
    return {direction: (sources[:max_segments], references[:max_segments])
            for direction, (sources, references) in loaded.items()}
