"""Below the selection: the change log (undo, CSV export) and the way into the FiftyOne App."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.embeddings import state as keys
from components.embeddings.state import EmbeddingsState
from components.shared.errors import error_boundary
from components.shared.flash import flash
from components.shared.text import markdown_text
from core.config import Settings
from core.embeddings import actions
from core.embeddings.store import store_info


def change_log_panel(dataset: Any) -> None:
    entries = actions.change_log(dataset)
    with st.expander(f"Change log ({len(entries)})", expanded=bool(entries), icon=":material/history:"):
        if not entries:
            st.caption("Tags, relabels and deletions you make appear here, newest last, and can be undone.")
            return
        st.dataframe(actions.log_table(entries), hide_index=True)
        cols = st.columns(3)
        if cols[0].button(
            "Undo the last change", key=keys.UNDO, icon=":material/undo:", disabled=all(c.undone for c in entries)
        ):
            with error_boundary("undoing the last change"):
                undone = actions.undo(dataset)
                flash(keys.SAVED, "success", f"Undone: {undone.summary}")
                st.rerun()
        cols[1].download_button(
            "Export the change log (CSV)",
            actions.log_csv(entries),
            file_name=actions.export_name(dataset.name),
            mime="text/csv",
            key=keys.EXPORT,
            icon=":material/download:",
        )
        fixed = actions.label_diff(entries)
        cols[2].download_button(
            f"Cleaned labels, {len(fixed)} changed",
            actions.label_diff_csv(entries),
            file_name=actions.export_name(dataset.name, "label-fixes"),
            mime="text/csv",
            key=keys.EXPORT_LABELS,
            icon=":material/difference:",
            disabled=not fixed,
            help="A CSV with one row per file whose label you changed: the label it had and the one it has now.",
        )


def fiftyone_app_panel(state: EmbeddingsState, settings: Settings, dataset: Any, brain_key: str) -> None:
    # open/closed kept by the server: the launch reruns the page, which used to fold it and hide the link
    with st.expander("Open in the FiftyOne App", icon=":material/open_in_new:", key=keys.APP_PANEL, on_change="rerun"):
        if settings.deployed:
            st.caption(
                "Not offered in a deployment: the FiftyOne App lists every dataset in the database, "
                "other visitors' too. Run ML Studio on your own machine to use it."
            )
            return
        info = store_info()
        st.caption(
            f"The FiftyOne App shows the same dataset, tags and the projection (brain run `{brain_key}`, "
            f"in its Embeddings panel). Port {settings.mlstudio_fiftyone_port} (MLSTUDIO_FIFTYONE_PORT), bound to "
            f"{settings.mlstudio_fiftyone_address} (MLSTUDIO_FIFTYONE_ADDRESS); behind a proxy, set "
            "MLSTUDIO_FIFTYONE_PUBLIC_URL to the address users open. "
            + (f"Database: {info.description}." if info else "")
        )
        from core.embeddings.fiftyone_app import AppLaunchError, launch, start_in_background, starting

        port, address = settings.mlstudio_fiftyone_port, settings.mlstudio_fiftyone_address
        if st.session_state.get(keys.APP_PANEL):  # the panel is open: the server starts while the user reads
            start_in_background(dataset, port, address)
        if starting(port, address):
            st.caption("The App server is starting (about 10 s); Launch waits for it if you press it now.")
        selected = state.selected
        if st.button("Launch the FiftyOne App" + (" on the selection" if selected else ""), key=keys.LAUNCH_APP):
            try:
                with st.spinner("Starting the FiftyOne App...", show_time=True):
                    state.app_url = launch(
                        dataset,
                        port,
                        selected or None,
                        address=address,
                        public_url=settings.mlstudio_fiftyone_public_url,
                    )
            except AppLaunchError as exc:
                st.error(markdown_text(str(exc)))
        if state.app_url:
            st.link_button("Open the FiftyOne App", state.app_url, icon=":material/open_in_new:")
            st.caption(f"Running at {state.app_url}")
