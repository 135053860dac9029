"""Music page: choosing, downloading, uploading and reporting on the track catalog."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.music import resources as music_resources
from components.music.state import (
    DELETE_DAMAGED,
    DOWNLOAD,
    LOAD_LOCAL,
    LOCAL_PATH,
    PICK_CATALOG,
    SCOPE,
    SOURCE,
    UPLOAD,
    USE_UPLOAD,
    MusicState,
    music_state,
)
from components.shared.flash import flash
from components.shared.space import owner_space
from components.shared.text import markdown_text
from core.config import Settings
from core.media.local_files import LocalFileError, resolve_local_file
from core.music.catalog import (
    FEATURES,
    REQUIRED_FEATURES,
    SOURCES,
    CatalogError,
    CatalogReport,
    CatalogStore,
    download_source,
    load_catalog_file,
    load_catalog_upload,
)
from core.music.engine import CatalogIndex

log = logging.getLogger(__name__)


def catalog_store(settings: Settings) -> CatalogStore:
    return CatalogStore(owner_space(settings).root / "music")


def active_index(settings: Settings, state: MusicState, wanted: str | None = None) -> CatalogIndex | None:
    """The catalog this session uses: the link's (`wanted`), its choice, the configured path, the newest cached."""
    store = catalog_store(settings)
    available = store.list()
    if wanted is not None and wanted != state.catalog:
        if wanted in available:
            state.use_catalog(wanted)
        else:
            flash(SCOPE, "warning", f"The link's catalog “{wanted}” is not on this machine, so another one is used.")
    chosen = state.catalog
    if chosen is None and settings.mlstudio_music_catalog is not None:
        try:
            chosen, report = load_catalog_file(
                settings.mlstudio_music_catalog.expanduser(), store, settings.mlstudio_max_catalog_rows
            )
            state.use_catalog(chosen, report)
            available = store.list()
        except CatalogError as exc:
            st.error(markdown_text(f"The configured catalog (MLSTUDIO_MUSIC_CATALOG) could not be used: {exc}"))
    if chosen is None or chosen not in available:
        if not available:
            return None
        chosen = max(available, key=lambda c: store.path(c).stat().st_mtime_ns)
        state.catalog = chosen
    path = store.path(chosen)
    try:
        # once per catalog and process (about 5 s for 1M tracks)
        with st.spinner("Preparing the catalog for search…", show_time=True):
            return music_resources.catalog_index(str(path), path.stat().st_mtime_ns, chosen)
    except (CatalogError, OSError) as exc:
        st.error(markdown_text(str(exc)))
        if st.button("Delete the damaged catalog", key=DELETE_DAMAGED):
            store.delete(chosen)
            state.catalog = None
            st.rerun()
        return None


def show_report(report: CatalogReport) -> None:
    st.caption(markdown_text(report.summary()))
    if report.bad_rows:
        lines = "\n".join(f"- line {row.line}: {markdown_text(row.reason)}" for row in report.bad_rows)
        st.warning(
            f"{report.bad_row_count:,} rows were skipped. The first ones:\n{lines}",
            icon=":material/rule:",
        )


def how_to_get_a_catalog(settings: Settings) -> None:
    columns = ", ".join(["track_id", "track_name", "artist", *REQUIRED_FEATURES])
    st.info(
        "**No catalog yet.** The recommender works on a table of tracks with Spotify ids and audio "
        "features (Spotify no longer serves audio features to new apps). Get one of these ways:\n"
        "1. **Download** a public catalog below (needs an internet connection once; it is cached in "
        f"`{catalog_store(settings).folder}`).\n"
        "2. **Upload a CSV** you have: either public dataset's CSV works as is "
        + " or ".join(f"([{s.title.split(' (')[0]}]({s.homepage}))" for s in SOURCES)
        + f". Other CSVs need the columns {columns} (genre, popularity, album and duration are optional).\n"
        + (
            ""
            if settings.deployed
            else "3. **Point at a local file**: paste its path below, or set `MLSTUDIO_MUSIC_CATALOG`.\n"
        ),
        icon=":material/library_music:",
    )


def show_progress(bar: DeltaGenerator, done: int, total: int | None) -> None:
    if total:
        bar.progress(min(done / total, 1.0), text=f"Downloading: {done / 1e6:.1f} of {total / 1e6:.1f} MB")
    else:
        bar.progress(0.5, text=f"Downloading: {done / 1e6:.1f} MB")


def show_reading(bar: DeltaGenerator, rows: int, share: float) -> None:
    bar.progress(share, text=f"Reading and checking the catalog: {rows:,} rows, {share:.0%} of the file")


def catalog_panel(settings: Settings, index: CatalogIndex | None, state: MusicState) -> None:
    """Show the active catalog and the ways to get another one."""
    store = catalog_store(settings)
    notice, state.fresh_report = state.fresh_report, None
    if notice is not None:
        st.success(f"Catalog ready: {notice.rows_kept:,} tracks.", icon=":material/check_circle:")
        show_report(notice)
    report = store.report(index.name) if index else None
    shown = report.source if report else (index.name if index else "")
    # With no catalog yet the ways to get one are the page itself, not something to expand.
    panel = (
        st.expander(f"Catalog: {markdown_text(shown)} ({len(index):,} tracks)", icon=":material/library_music:")
        if index is not None
        else st.container(border=True)
    )
    with panel:
        if report is not None and notice is None:
            show_report(report)
        if report is not None and report.outdated:
            st.info(
                "This catalog was saved by an earlier version of ML Studio, which kept only its broad genres. "
                "Download or upload it again to choose among all its genres.",
                icon=":material/update:",
            )
        available = store.list()
        if len(available) > 1 and index is not None:
            # The box shows the catalog in use, however it became so (an upload, a link, this box): a pick
            # left over from an earlier run must not switch back to it.
            st.session_state[PICK_CATALOG] = index.name
            st.selectbox(
                "Catalogs on this machine",
                available,
                format_func=lambda c: getattr(store.report(c), "source", c),
                key=PICK_CATALOG,
                on_change=lambda: state.use_catalog(st.session_state[PICK_CATALOG]),
            )

        tabs = ["Download", "Upload CSV"] + ([] if settings.deployed else ["Local file"])
        download_tab, upload_tab, *local_tab = st.tabs(tabs)
        with download_tab:
            source = st.radio(
                "Public catalog",
                SOURCES,
                format_func=lambda s: f"{s.title} — {s.license}",
                key=SOURCE,
            )
            st.caption(f"From {source.url} (about {source.approx_tracks:,} tracks). Needs internet once.")
            if st.button("Download and cache", icon=":material/download:", key=DOWNLOAD):
                bar = st.progress(0.0, text="Starting the download…")
                try:
                    catalog_id, report = download_source(
                        source,
                        store,
                        partial(show_progress, bar),
                        deployed=settings.deployed,
                        max_rows=settings.mlstudio_max_catalog_rows,
                        reading=partial(show_reading, bar),
                    )
                except CatalogError as exc:
                    bar.empty()
                    st.error(markdown_text(str(exc)), icon=":material/cloud_off:")
                else:
                    state.use_catalog(catalog_id, report)
                    st.rerun()
        with upload_tab:
            upload = st.file_uploader(
                "Catalog CSV (.csv or .csv.gz)",
                type=["csv", "gz", "tsv"],
                key=UPLOAD,
                max_upload_size=settings.mlstudio_max_upload_mb,
            )
            if upload is not None and st.button("Use this file", key=USE_UPLOAD):
                _load(
                    partial(
                        load_catalog_upload, upload.getvalue(), upload.name, store, settings.mlstudio_max_catalog_rows
                    )
                )
        if local_tab:
            with local_tab[0]:
                path = st.text_input("Path to a catalog CSV on this machine", key=LOCAL_PATH)
                allowed = settings.mlstudio_media_dir
                if allowed is not None:
                    st.caption(f"Only files inside {allowed} (MLSTUDIO_MEDIA_DIR) can be opened.")
                if path and st.button("Load file", key=LOAD_LOCAL):
                    try:
                        chosen = resolve_local_file(path, allowed, settings.deployed, folder_required=False)
                    except LocalFileError as exc:
                        st.error(markdown_text(str(exc)))
                    else:
                        _load(partial(load_catalog_file, chosen, store, settings.mlstudio_max_catalog_rows))
        st.caption(
            "Features used: " + ", ".join(spec.label for spec in FEATURES) + ". Keys in this catalog are "
            "Spotify track ids, so every result links to Spotify."
        )


def _load(action: Callable[..., tuple[str, CatalogReport]]) -> None:
    """Run `action(progress=...)`, a catalog loader, with a bar that moves as the file is read."""
    bar = st.progress(0.0, text="Reading and checking the catalog…")
    try:
        catalog_id, report = action(progress=partial(show_reading, bar))
    except CatalogError as exc:
        bar.empty()
        st.error(markdown_text(str(exc)), icon=":material/error:")
        if exc.report is not None and exc.report.bad_rows:
            show_report(exc.report)
    except OSError as exc:
        bar.empty()
        log.warning("catalog file error: %s", exc)
        st.error(markdown_text(f"Could not read the file: {exc.strerror or exc}. Check the path and permissions."))
    else:
        music_state().use_catalog(catalog_id, report)
        st.rerun()
