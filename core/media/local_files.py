"""The one rule for opening a file the user names by path on the server's disk."""

from __future__ import annotations

from pathlib import Path

from core.errors import UserError


class LocalFileError(UserError, ValueError):
    pass


def resolve_local_file(raw: str, media_dir: Path | None, deployed: bool, *, folder_required: bool = True) -> Path:
    """The existing file `raw` names, allowed only when not deployed and only inside `media_dir`.

    Relative paths are taken inside `media_dir`. With no `media_dir`, a path is refused when
    `folder_required`, else any file of this machine may be opened (local, single-user use).
    """
    if deployed:
        raise LocalFileError("Local files are turned off on this server. Upload the file instead.")
    if media_dir is None and folder_required:
        raise LocalFileError("Set MLSTUDIO_MEDIA_DIR to a folder to open media files from this computer.")
    candidate = Path(raw.strip()).expanduser()
    if media_dir is None:
        path = candidate.resolve()
        if not path.is_file():
            raise LocalFileError(f"There is no file at {raw.strip()}. Check the path.")
        return path
    root = media_dir.expanduser().resolve()
    path = (candidate if candidate.is_absolute() else root / candidate).resolve()
    if not path.is_relative_to(root):
        raise LocalFileError(f"That file is outside {media_dir}. Choose a file inside it, or upload it instead.")
    if not path.is_file():
        raise LocalFileError(f"There is no such file inside {media_dir}. Check the name.")
    return path
