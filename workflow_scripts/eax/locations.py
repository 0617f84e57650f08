"""Where a configured model, corpus or checkpoint comes from: a hub id or a local path (the one predicate)."""

from __future__ import annotations

import re
from pathlib import Path

HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def is_hub_id(value: str) -> bool:
    """`owner/name` that is not a path here: anything else (BLEURT-20, ./x, /data/BLEURT-20, a/b/c, an existing
    folder named like owner/name) is local."""
    return bool(HUB_ID.match(value)) and not value.startswith((".", "/", "~")) and not Path(value).exists()
