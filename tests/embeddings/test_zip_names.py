"""A zip whose file or folder name is not a valid dataset name ("###.zip") still imports, under a made-up name."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

from core.embeddings import datasets as ds
from tests.embeddings.test_datasets import make_zip, png


def uploads(data_dir: Path) -> list[str]:
    folder = ds.embeddings_dir(data_dir) / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture()
def clean(fo: ModuleType):
    made: list[str] = []
    yield made
    for name in made:
        if fo.dataset_exists(name):
            fo.delete_dataset(name)


def test_a_zip_named_with_symbols_only_imports_as_images(fo: ModuleType, data_dir: Path, clean: list[str]) -> None:
    files = {"###/cat/a.png": png((20, 20)), "###/cat/b.png": png((20, 21)), "###/dog/c.png": png((9, 9))}
    names = []
    for _ in range(2):
        name = ds.name_for_upload(fo, "", "###.zip")
        clean.append(name)
        dataset, report = ds.import_zip(fo, data_dir, make_zip(files), name)
        names.append(dataset.name)
        assert len(dataset) == 3 and dict(report.images) == {"cat": 2, "dog": 1}
    assert names == ["images", "images-2"]


def test_file_names_become_valid_names(fo: ModuleType) -> None:
    assert ds.name_for_upload(fo, "", "Holiday photos (2024).zip") == "Holiday-photos-2024"
    assert re.fullmatch(r"images(-\d+)?", ds.name_for_upload(fo, "", "...zip"))
    assert ds.name_for_upload(fo, "  my set ", "###.zip") == "my-set"


def test_a_typed_name_that_is_not_valid_says_what_to_write(fo: ModuleType) -> None:
    with pytest.raises(ds.DatasetError, match="letters, digits"):
        ds.name_for_upload(fo, "###", "cats.zip")


def test_a_failed_import_leaves_no_files(fo: ModuleType, data_dir: Path) -> None:
    before = uploads(data_dir)
    name = ds.name_for_upload(fo, "", "###.zip")
    with pytest.raises(ds.DatasetError):
        ds.import_zip(fo, data_dir, make_zip({"###/cat/a.png": b"not an image", "###/cat/b.txt": b"x"}), name)
    after = uploads(data_dir)
    assert name not in after and set(after) <= set(before) and not fo.dataset_exists(name)


def test_two_owners_each_import_cats_and_see_only_their_own(fo: ModuleType, tmp_path: Path, clean: list[str]) -> None:
    from core.spaces import browser_space, new_space_key, shared_space

    files = {"cats/cat/a.png": png((20, 20)), "cats/dog/b.png": png((9, 9))}
    owners = [browser_space(tmp_path, new_space_key()) for _ in range(2)]
    for owner in owners:
        name = ds.name_for_upload(fo, "", "cats.zip", owner.dataset_prefix)
        assert name == "cats"  # the other owner's "cats" does not take the name
        dataset, _report = ds.import_zip(fo, owner.root, make_zip(files), name, owner.dataset_prefix)
        clean.append(dataset.name)
        assert dataset.name == owner.dataset_name("cats")
        assert (owner.root / "embeddings" / "uploads" / "cats").is_dir()
    for owner in owners:
        listed = [owner.shown_dataset_name(n) for n in fo.list_datasets() if owner.owns_dataset(n)]
        assert listed == ["cats"]
    assert not [n for n in fo.list_datasets() if n in clean and shared_space(tmp_path).owns_dataset(n)]
