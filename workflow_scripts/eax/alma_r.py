"""ALMA-R triplet preference data (hub `haoranxu/ALMA-R-Preference`): chosen/rejected for CPO.

Each row's `translation` struct holds, for a pair like `de-en`, the texts `de`, `en`, `gpt4_{lang}`,
`alma_{lang}`, their scores `{system}_{lang}_{scorer}` (system = ref, gpt4, alma; scorer = kiwi, xcomet,
kiwi_xcomet), a human label `Delta` (> 0: GPT-4 better than ALMA, < 0: worse, 0: no label) and
`required_directions` ("" or e.g. "en-de" when the row serves one direction only).

Rows whose chosen equals rejected are kept, as ALMA-R keeps them: their preference term is zero, but they still
feed CPO's NLL term on the chosen side.

A bug of ALMA-R's release commit (fe1ixxu/ALMA 28997eb, `get_chosen_reject`) returned the two systems' *scores*
as chosen/rejected where a human label decides; upstream fixed it in 3e7bc0f, and here the translations are
returned, as the fixed code does.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from eax.errors import UserInputError
from eax.pairs import PAIR_COLUMNS

SYSTEMS = ("ref", "gpt4", "alma")


def _text(example: dict, system: str, lang: str) -> str:
    return example[lang] if system == "ref" else example[f"{system}_{lang}"]


def chosen_rejected(example: dict, target: str, scorer: str) -> tuple[str, str, float, float]:
    """Best and worst of (reference, GPT-4, ALMA) by score, unless the human label `Delta` decides."""
    delta = example.get("Delta") or 0
    if delta:
        better, worse = ("gpt4", "alma") if delta > 0 else ("alma", "gpt4")
    else:
        scores = {system: float(example[f"{system}_{target}_{scorer}"]) for system in SYSTEMS}
        better = max(SYSTEMS, key=lambda system: scores[system])  # first of equals, in SYSTEMS order
        worse = min(SYSTEMS, key=lambda system: scores[system])
    return (_text(example, better, target), _text(example, worse, target),
            float(example[f"{better}_{target}_{scorer}"]), float(example[f"{worse}_{target}_{scorer}"]))


def triplet_pairs(rows: list[dict], directions: list[tuple[str, str]], scorer: str, seed: int) -> pd.DataFrame:
    """Preference pairs for the configured directions from `translation` structs; shuffled with `seed`."""
    records = []
    for example in rows:
        first, second = example["language_pair"].split("-")
        required = example.get("required_directions") or ""
        for src, trg in ((first, second), (second, first)):
            if (src, trg) not in directions or (required and required != f"{src}-{trg}"):
                continue
            chosen, rejected, chosen_score, rejected_score = chosen_rejected(example, trg, scorer)
            records.append({"src_lang": src, "trg_lang": trg, "src_text": example[src], "ref_text": example[trg],
                            "chosen": chosen, "rejected": rejected, "chosen_score": chosen_score,
                            "rejected_score": rejected_score, "margin": chosen_score - rejected_score})
    random.Random(seed).shuffle(records)
    return pd.DataFrame(records, columns=PAIR_COLUMNS)


def load_triplets(source: str, configs: list[str]) -> list[dict]:
    """`translation` structs of each config (`de-en`, ...) from a local folder in the hub layout
    (`{config}/train-*.parquet`) or from the hub dataset itself."""
    rows: list[dict] = []
    for config in configs:
        if Path(source).is_dir():
            files = sorted((Path(source) / config).glob("train-*.parquet"))
            if not files:
                raise UserInputError(f"{Path(source) / config}: no train-*.parquet file (the ALMA-R-Preference layout)")
            frame = pd.concat([pd.read_parquet(file) for file in files], ignore_index=True)
        else:
            from datasets import load_dataset

            frame = load_dataset(source, config, split="train").to_pandas()
        if "translation" not in frame.columns:
            raise UserInputError(f"{source} ({config}): no `translation` column")
        for example in frame["translation"]:
            rows.append({**example, "language_pair": example.get("language_pair") or config})
    return rows
