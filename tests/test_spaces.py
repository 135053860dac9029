"""Owner spaces: local use is the data dir itself; each browser key and each account has its own folder,
named by a hash (the key is not on disk); dataset names carry the owner, and the shared space never lists
an owner's dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.spaces import account_space, browser_space, is_space_key, new_space_key, shared_space


def test_local_use_is_the_data_dir_itself(tmp_path: Path) -> None:
    space = shared_space(tmp_path)
    assert space.shared and space.root == tmp_path
    assert space.dataset_name("cats") == "cats" and space.shown_dataset_name("cats") == "cats"


def test_each_browser_key_has_its_own_folder_that_does_not_hold_the_key(tmp_path: Path) -> None:
    first, second = new_space_key(), new_space_key()
    assert first != second and is_space_key(first) and len(first) == 32
    a, b = browser_space(tmp_path, first), browser_space(tmp_path, second)
    assert a.root != b.root and a.root.parent == tmp_path / "spaces"
    assert first not in str(a.root) and browser_space(tmp_path, first) == a  # stable for the same key
    assert not a.shared and a.kind == "browser"


@pytest.mark.parametrize("bad", ["", "short", "x" * 31, "x" * 33, "../" + "x" * 29, "x" * 31 + "/", None, 7])
def test_anything_but_a_whole_key_is_refused(tmp_path: Path, bad: object) -> None:
    assert not is_space_key(bad)
    with pytest.raises(ValueError):
        browser_space(tmp_path, bad)  # type: ignore[arg-type]


def test_an_account_is_its_provider_and_subject(tmp_path: Path) -> None:
    alice = account_space(tmp_path, "https://id.example", "alice")
    assert alice == account_space(tmp_path, "https://id.example", "alice")
    assert alice != account_space(tmp_path, "https://other.example", "alice")
    assert alice != browser_space(tmp_path, new_space_key())
    with pytest.raises(ValueError):
        account_space(tmp_path, "https://id.example", "")


def test_dataset_names_carry_the_owner_and_the_shared_space_never_lists_an_owners(tmp_path: Path) -> None:
    alice, bob = browser_space(tmp_path, new_space_key()), account_space(tmp_path, "iss", "bob")
    stored = alice.dataset_name("cats")
    assert stored != "cats" and alice.shown_dataset_name(stored) == "cats"
    assert alice.owns_dataset(stored) and not bob.owns_dataset(stored)
    assert not shared_space(tmp_path).owns_dataset(stored)
    assert not alice.owns_dataset("cats") and shared_space(tmp_path).owns_dataset("cats")
