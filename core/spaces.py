"""Whose data this is: each owner's videos, study progress, catalogs, uploads and datasets live apart.

Local use (not deployed) has one shared owner whose files are the data dir itself, as always. A
deployment gives each signed-in user (st.login) or, without sign-in, each browser its own space under
`<data dir>/spaces/<owner>`. A browser space is named by a random key that the browser keeps; the folder
name is a hash of it, so neither the disk nor the logs hold the key itself.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

SHARED_OWNER = "shared"
SPACE_KEY_BYTES = 24  # 32 URL-safe characters: not guessable
_SPACE_KEY_RE = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass(frozen=True)
class Space:
    """One owner's place: the folder every store of this owner uses, and the owner's dataset prefix."""

    owner: str
    root: Path
    kind: str  # "shared", "browser" or "account"

    @property
    def shared(self) -> bool:
        return self.owner == SHARED_OWNER

    @property
    def dataset_prefix(self) -> str:
        """Prefix of this owner's FiftyOne dataset names (one database serves every owner)."""
        return "" if self.shared else f"{self.owner}-"

    def dataset_name(self, shown: str) -> str:
        return f"{self.dataset_prefix}{shown}"

    def shown_dataset_name(self, stored: str) -> str:
        return stored.removeprefix(self.dataset_prefix)

    def owns_dataset(self, stored: str) -> bool:
        if self.shared:
            return not _OWNED_DATASET_RE.match(stored)
        return stored.startswith(self.dataset_prefix)


_OWNED_DATASET_RE = re.compile(r"^[ba][0-9a-f]{20}-")


def shared_space(data_dir: Path) -> Space:
    return Space(SHARED_OWNER, Path(data_dir), "shared")


def new_space_key() -> str:
    return secrets.token_urlsafe(SPACE_KEY_BYTES)


def is_space_key(text: object) -> bool:
    return isinstance(text, str) and _SPACE_KEY_RE.fullmatch(text) is not None


def browser_space(data_dir: Path, key: str) -> Space:
    if not is_space_key(key):
        raise ValueError("not a space key")
    return _owned(data_dir, "b", key, "browser")


def account_space(data_dir: Path, issuer: str, subject: str) -> Space:
    """The space of a signed-in account: the identity provider and the account's id there."""
    if not subject:
        raise ValueError("an account needs a subject")
    return _owned(data_dir, "a", f"{issuer}\n{subject}", "account")


def _owned(data_dir: Path, letter: str, secret: str, kind: str) -> Space:
    owner = letter + hashlib.sha256(f"mlstudio-space\n{kind}\n{secret}".encode()).hexdigest()[:20]
    return Space(owner, Path(data_dir) / "spaces" / owner, kind)
