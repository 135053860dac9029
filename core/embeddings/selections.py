"""Selections kept on the server: a lasso can hold thousands of sample ids, too many for a link, so each
selection is a small JSON record under the data dir, named by a hash of its content; the link carries
only that name.

The same samples of the same dataset always get the same id, so selecting again writes nothing new.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.embeddings.view import SELECTION_ID

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredSelection:
    dataset: str
    sample_ids: list[str]


def selections_dir(data_dir: Path) -> Path:
    return data_dir / "embeddings" / "selections"


def selection_id(dataset: str, sample_ids: Sequence[str]) -> str:
    digest = hashlib.sha256("\n".join([dataset, *sample_ids]).encode())
    return digest.hexdigest()[:16]


def save_selection(data_dir: Path, dataset: str, sample_ids: Sequence[str]) -> str:
    """Store the selection (if it is not stored yet) and return its id."""
    name = selection_id(dataset, sample_ids)
    folder = selections_dir(data_dir)
    path = folder / f"{name}.json"
    if path.exists():
        return name
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "w") as out:
        json.dump({"dataset": dataset, "sample_ids": list(sample_ids)}, out)
    os.replace(temporary, path)  # atomic: a reader never sees half a record
    return name


def load_selection(data_dir: Path, name: str) -> StoredSelection | None:
    """The stored selection called `name`, or None if there is none (or it cannot be read)."""
    if not SELECTION_ID.fullmatch(name):
        return None
    path = selections_dir(data_dir) / f"{name}.json"
    try:
        record = json.loads(path.read_text())
        return StoredSelection(str(record["dataset"]), [str(i) for i in record["sample_ids"]])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("unreadable selection record %s", path, exc_info=True)
        return None
