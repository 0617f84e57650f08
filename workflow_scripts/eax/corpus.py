"""The training corpus (TowerBlocks-MT schema): validation, and the RM and x2x seed shards of the recipe."""

from __future__ import annotations

import pandas as pd

from eax.errors import UserInputError
from eax.languages import LANGUAGES, PIVOT, en_centric_directions, pair_name, x2x_directions

CORPUS_COLUMNS = ["src_lang", "trg_lang", "src_text", "trg_text"]
RM_SEED_COLUMNS = CORPUS_COLUMNS
X2X_SEED_COLUMNS = ["src_text", "ref_text", "src_lang", "trg_lang", "ref_lang"]


def check_corpus(frame: pd.DataFrame, languages: list[str], source: str) -> tuple[pd.DataFrame, list[str]]:
    """Validate a corpus and keep the English-centric rows between configured languages.

    Returns the kept rows and human-readable notes on what was dropped. Raises `UserInputError` naming
    `source` and the number of offending rows for a missing column, an unknown language code, a non-text or
    empty text, or a configured language without data.
    """
    missing = [column for column in CORPUS_COLUMNS if column not in frame.columns]
    if missing:
        raise UserInputError(
            f"{source}: missing column(s) {', '.join(missing)}; a corpus needs the TowerBlocks-MT columns "
            f"{', '.join(CORPUS_COLUMNS)}"
        )
    if frame.empty:
        raise UserInputError(f"{source}: the corpus has no rows")
    frame = frame[CORPUS_COLUMNS]
    for column in ("src_lang", "trg_lang"):
        unknown = ~frame[column].isin(list(LANGUAGES))
        if unknown.any():
            codes = sorted(map(str, frame.loc[unknown, column].unique()))
            raise UserInputError(
                f"{source}: {int(unknown.sum())} rows have an unknown language code in {column} "
                f"({', '.join(codes[:5])}); known codes: {', '.join(sorted(LANGUAGES))}"
            )
    for column in ("src_text", "trg_text"):
        empty = ~frame[column].map(lambda text: isinstance(text, str) and text.strip() != "")
        if empty.any():
            first = int(empty.to_numpy().nonzero()[0][0])
            raise UserInputError(
                f"{source}: {int(empty.sum())} rows have an empty or non-text {column} (first at row {first}); "
                "remove or fix them"
            )
    wanted = {f"{src}2{trg}" for src, trg in en_centric_directions(languages)}
    direction = frame["src_lang"] + "2" + frame["trg_lang"]
    kept = frame[direction.isin(wanted)].reset_index(drop=True)
    notes = []
    if len(kept) < len(frame):
        notes.append(f"dropped {len(frame) - len(kept)} rows outside the configured English-centric directions")
    present = set(kept["src_lang"]) | set(kept["trg_lang"])
    absent = [code for code in languages if code not in present]
    if absent:
        raise UserInputError(
            f"{source}: no English-centric rows for configured language(s) {', '.join(absent)}; "
            "remove them from `languages` or use a corpus that has them"
        )
    return kept, notes


def rm_seeds(corpus: pd.DataFrame, languages: list[str]) -> dict[str, pd.DataFrame]:
    """English-centric seed rows per direction (`en2x`, `x2en`), de-duplicated on the source text."""
    seeds = {}
    for src, trg in en_centric_directions(languages):
        rows = corpus[(corpus["src_lang"] == src) & (corpus["trg_lang"] == trg)]
        seeds[pair_name(src, trg)] = rows.drop_duplicates("src_text").reset_index(drop=True)[RM_SEED_COLUMNS]
    return seeds


def x_side_texts(corpus: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every text in `lang` with its English side: sources of x->en plus targets of en->x, first occurrence kept."""
    into_english = corpus[(corpus["src_lang"] == lang) & (corpus["trg_lang"] == PIVOT)]
    from_english = corpus[(corpus["src_lang"] == PIVOT) & (corpus["trg_lang"] == lang)]
    texts = pd.concat(
        [
            pd.DataFrame({"src_text": into_english["src_text"], "ref_text": into_english["trg_text"]}),
            pd.DataFrame({"src_text": from_english["trg_text"], "ref_text": from_english["src_text"]}),
        ],
        ignore_index=True,
    )
    return texts.drop_duplicates("src_text").reset_index(drop=True)


def x2x_seeds(corpus: pd.DataFrame, languages: list[str]) -> dict[str, pd.DataFrame]:
    """Seed rows for every x->y pair: the x texts with their English reference (no target text)."""
    texts = {lang: x_side_texts(corpus, lang) for lang in languages if lang != PIVOT}
    seeds = {}
    for src, trg in x2x_directions(languages):
        seed = texts[src].copy()
        seed["src_lang"], seed["trg_lang"], seed["ref_lang"] = src, trg, PIVOT
        seeds[pair_name(src, trg)] = seed[X2X_SEED_COLUMNS]
    return seeds


def cap_rows(frame: pd.DataFrame, max_rows: int | None, seed: int) -> pd.DataFrame:
    """At most `max_rows` rows, a seeded sample kept in corpus order (all rows when `max_rows` is None)."""
    if max_rows is None or len(frame) <= max_rows:
        return frame
    return frame.sample(n=max_rows, random_state=seed).sort_index().reset_index(drop=True)


def split_into_shards(frame: pd.DataFrame, count: int) -> list[pd.DataFrame]:
    """`count` balanced consecutive shards (sizes differ by at most one row; empty when rows are fewer)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    bounds = [i * len(frame) // count for i in range(count + 1)]
    return [frame.iloc[start:end].reset_index(drop=True) for start, end in zip(bounds, bounds[1:])]


def shard_name(index: int) -> str:
    return f"{index:03d}"


def multi_parallel_table(texts: dict[str, list[str]], first: int, count: int) -> pd.DataFrame:
    """Segments `first` to `first + count` of line-aligned texts, one column per language (every segment's true
    translation in every language: what the oracle measures x2x candidates against)."""
    lengths = {lang: len(lines) for lang, lines in texts.items()}
    if len(set(lengths.values())) != 1:
        raise UserInputError(f"multi-parallel files differ in length: {lengths}")
    if first + count > next(iter(lengths.values())):
        raise UserInputError(f"config key `corpus.ntrex128.segments`: [{first}, {count}] goes past the "
                             f"{next(iter(lengths.values()))} segments of the files")
    return pd.DataFrame({lang: lines[first:first + count] for lang, lines in texts.items()})


def en_centric_corpus(parallel: pd.DataFrame, languages: list[str]) -> pd.DataFrame:
    """English-centric corpus rows (TowerBlocks-MT columns) from a multi-parallel table: every segment en->x and
    x->en for every non-English x, in `en_centric_directions` order."""
    frames = [pd.DataFrame({"src_lang": src, "trg_lang": trg, "src_text": parallel[src], "trg_text": parallel[trg]})
              for src, trg in en_centric_directions(languages)]
    return pd.concat(frames, ignore_index=True)[CORPUS_COLUMNS]
