"""Writing files so that a failure leaves nothing behind: atomic writes, and a full disk as a UserError.

Every write of the app's own data (uploads, downloads, transcripts, indexes, datasets) goes to a
temporary name beside its target and is renamed into place only when complete; on any error the
temporary file is removed. A full disk (ENOSPC) or quota (EDQUOT) becomes `DiskFullError`, whose
message tells the user what to do; the cause is logged.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import math
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from core.errors import DiskFullError

log = logging.getLogger(__name__)

FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_disk_full(exc: BaseException) -> bool:
    """True for an OSError (or one it was raised from) that means no space or no quota is left."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DiskFullError):
            return True
        if isinstance(current, OSError) and current.errno in FULL_ERRNOS:
            return True
        if "database or disk is full" in str(current):  # sqlite3.OperationalError (SQLITE_FULL)
            return True
        current = current.__cause__ or current.__context__
    return False


@contextlib.contextmanager
def disk_full_as_user_error(doing: str) -> Iterator[None]:
    """Turn a full disk inside the block into DiskFullError("... `doing` stopped ...")."""
    try:
        yield
    except DiskFullError:
        raise
    except Exception as exc:
        if not is_disk_full(exc):
            raise
        log.warning("disk full while %s: %s", doing, exc)
        raise DiskFullError(doing) from exc


@contextlib.contextmanager
def partial_file(target: Path, doing: str = "saving") -> Iterator[Path]:
    """Yield `<target>.part` to write; on success it replaces `target`, on any error it is deleted."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with disk_full_as_user_error(doing):
            yield partial
            os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


def write_bytes_atomic(target: Path, data: bytes, doing: str = "saving") -> Path:
    with partial_file(target, doing) as partial, open(partial, "wb") as handle:
        handle.write(data)
    return target


def write_text_atomic(target: Path, text: str, doing: str = "saving") -> Path:
    return write_bytes_atomic(target, text.encode("utf-8"), doing)


def copy_atomic(source: Path, target: Path, doing: str = "saving", move: bool = False) -> Path:
    """Copy (or move) `source` to `target` through a `.part` file; the target is whole or absent."""
    with partial_file(target, doing) as partial:
        if move:
            shutil.move(str(source), partial)
        else:
            shutil.copyfile(source, partial)
    return target


def text_encoding(sample: bytes) -> str | None:
    """The encoding of a text file from its first bytes, or None when it is not text (NUL bytes, no guess).

    UTF-8 when the sample decodes as UTF-8 (a character cut at the end of the sample is fine), with
    its byte-order mark when there is one; otherwise what charset-normalizer finds (Latin-1 and
    Windows-1252 exports from spreadsheets, say; Windows-1251 for Cyrillic).
    """
    if not sample or b"\x00" in sample:
        return None
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4 and exc.reason == "unexpected end of data":
            return "utf-8"
    from charset_normalizer import from_bytes

    results = from_bytes(sample)
    best = results.best()
    if best is None:
        return None
    # Mostly-ASCII text with a few accents scores the same in several code pages; on a tie take
    # Windows-1252 (what spreadsheets export in the West; it reads Latin-1 text the same).
    for match in results:
        if match.encoding == "cp1252" and match.chaos <= best.chaos and match.coherence >= best.coherence:
            return "cp1252"
    return str(best.encoding)


def format_size(size: int, rounding: str = "nearest") -> str:
    """A byte count as people read it: "850 KB", "20 MB", "21.4 MB" (MB = 2**20 bytes, as the limits).

    `rounding` "up" for a file's size and "down" for a limit, so a file over a limit never reads as
    equal to it ("20.1 MB; the limit is 20 MB", not "20 MB; the limit is 20 MB").
    """
    steps: dict[str, Callable[[float], int]] = {"nearest": round, "up": math.ceil, "down": math.floor}
    step = steps[rounding]
    if size < 1024:
        return f"{size} bytes"
    if size < 2**20:
        return f"{step(size / 1024)} KB"
    tenths = step(size / 2**20 * 10)
    return f"{tenths // 10} MB" if tenths % 10 == 0 else f"{tenths / 10:.1f} MB"


def size_and_limit(size: int, limit: int) -> tuple[str, str]:
    """(size, limit) formatted to compare at a glance: ("21.4 MB", "20 MB")."""
    return format_size(size, "up"), format_size(limit, "down")
