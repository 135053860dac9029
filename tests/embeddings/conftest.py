from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from core.embeddings import actions as ac
from tests.embeddings.support import session_data_dir


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return session_data_dir()


@pytest.fixture(scope="session")
def fo(data_dir: Path) -> ModuleType:
    from core.embeddings.store import open_store

    return open_store(data_dir)


@pytest.fixture(scope="session")
def digits(fo: ModuleType, data_dir: Path) -> Any:
    from core.embeddings.datasets import digits_dataset

    return digits_dataset(fo, data_dir)


@pytest.fixture()
def small_digits(fo: ModuleType, digits: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh 60-sample dataset (6 per class) cloned from digits, deleted afterwards."""
    from fiftyone import ViewField as F

    name = f"small-{request.node.name}"[:60]
    if fo.dataset_exists(name):
        fo.delete_dataset(name)
    view = digits.match(F("ground_truth.label").is_in([str(i) for i in range(10)]))
    ids = []
    for label in range(10):
        ids += view.match(F("ground_truth.label") == str(label)).limit(6).values("id")
    dataset = digits.select(ids).clone(name, persistent=True)
    # A clone copies `info`, including the change log of whatever earlier tests did to digits.
    dataset.info.pop(ac.LOG_KEY, None)
    dataset.save()
    yield dataset
    fo.delete_dataset(name)
