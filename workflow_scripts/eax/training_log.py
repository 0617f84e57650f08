"""Trainer log histories: saved one JSON object per logged step, read back for curves and checks."""

from __future__ import annotations

import json
from pathlib import Path


def write_log_history(history: list[dict], path: Path) -> None:
    path.write_text("".join(json.dumps(entry, sort_keys=True) + "\n" for entry in history), encoding="utf-8")


def read_log_history(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def last_value(history: list[dict], key: str) -> float | None:
    """The last logged value of `key` (e.g. `loss`, `rewards/accuracies`), None if never logged."""
    values = [entry[key] for entry in history if key in entry]
    return values[-1] if values else None


def final_preference_accuracy(history: list[dict]) -> float | None:
    """Preference accuracy of the trained model on its own training pairs, from the evaluation run after training.

    trl's DPO trainer logs it as `final_train_rewards/accuracies`; its CPO trainer keeps an `eval_` prefix.
    """
    for key in ("final_train_rewards/accuracies", "eval_rewards/accuracies", "final_train_accuracy"):
        value = last_value(history, key)
        if value is not None:
            return value
    return None
