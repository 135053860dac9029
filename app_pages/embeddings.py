"""Embedding visualizer: project a FiftyOne dataset, lasso what looks wrong, fix it in FiftyOne."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

from components.embeddings import resources as embeddings_resources
from components.embeddings.gallery import show_gallery, show_passages
from components.embeddings.scatter import scatter_figure
from components.shared import resources as shared_resources
from components.shared.shell import session_settings
from components.videos import resources as videos_resources
from core.embeddings import actions
from core.embeddings.datasets import (
    DIGITS_NAME,
    ZOO_DATASETS,
    DatasetError,
    digits_dataset,
    import_zip,
    load_dataset,
    samples_of,
    zoo_dataset,
)
from core.embeddings.embedders import EMBEDDERS, EmbeddingError, embed, fetch_weights, missing_count, weights_ready
from core.embeddings.explore import plot_rows, points_by_path, proposed_fixes, sample_rows, selected_ids
from core.embeddings.projection_jobs import ProjectionJob, start_projection, store_points, warm_worker
from core.embeddings.projections import (
    MAX_POINTS,
    METHOD_LABELS,
    METHODS,
    Projection,
    ProjectionError,
    compute_projection,
    load_projection,
)
from core.embeddings.store import StoreError, reset_failure, store_info
from core.embeddings.text_datasets import dataset_kind, passages_of, transcript_dataset
from core.videos.transcript import format_timestamp

log = logging.getLogger(__name__)
S = st.session_state

st.title("Embedding visualizer")
st.caption(
    "Every sample of a dataset (images, or the passages of a video transcript) becomes a point; similar ones "
    "land close together. Circle odd points with the lasso, look at them, and tag, relabel or delete them in "
    "the FiftyOne dataset. Suspects are samples whose nearest neighbours mostly carry another label."
)

settings = session_settings()
data_dir = settings.data_dir

# --- the FiftyOne store --------------------------------------------------------------------------
try:
    with st.spinner("Starting the FiftyOne database (first time takes a few seconds)..."):
        fo = embeddings_resources.store(str(data_dir))
except StoreError as exc:
    st.error(str(exc))
    if st.button("Try again", key="emb.retry_store"):
        reset_failure()
        st.rerun()
    st.stop()

# --- dataset choice and upload -------------------------------------------------------------------


def add_dataset(spinner: str, load: Callable[[], tuple[Any, str]]) -> None:
    """Run an import; on success select the new dataset and say what it holds, else say what went wrong."""
    try:
        with st.spinner(spinner):
            dataset, summary = load()
    except DatasetError as exc:
        st.error(str(exc))
        return
    S["emb.dataset"] = dataset.name
    S["emb.import_message"] = f"Added {dataset.name}: {summary}."
    st.rerun()


with st.expander("Add a dataset: upload a zip of class folders", icon=":material/upload:"):
    st.caption("One folder per class with the images inside (cat/1.jpg, dog/2.png, ...). Other files are skipped.")
    upload = st.file_uploader(
        "Zip file", type=["zip"], key="emb.upload", max_upload_size=settings.mlstudio_max_upload_mb
    )
    new_name = st.text_input("Dataset name", key="emb.upload_name", placeholder="my-images")
    if st.button("Import into FiftyOne", key="emb.import", disabled=upload is None):

        def from_zip() -> tuple[Any, str]:
            dataset, report = import_zip(fo, data_dir, upload.getvalue(), new_name or upload.name.removesuffix(".zip"))
            return dataset, report.summary()

        add_dataset("Checking and importing the images...", from_zip)
with st.expander("Add a dataset: FiftyOne zoo (needs internet the first time)", icon=":material/cloud_download:"):
    zoo_cols = st.columns(3)
    zoo_name = zoo_cols[0].selectbox("Zoo dataset", list(ZOO_DATASETS), format_func=ZOO_DATASETS.get, key="emb.zoo")
    zoo_split = zoo_cols[1].selectbox("Split", ["test", "train"], key="emb.zoo_split")
    zoo_count = zoo_cols[2].number_input("Samples", 100, 70_000, 5_000, step=500, key="emb.zoo_count")
    if st.button("Download into FiftyOne", key="emb.zoo_load"):

        def from_zoo() -> tuple[Any, str]:
            dataset = zoo_dataset(fo, zoo_name, zoo_split, int(zoo_count))
            return dataset, f"{len(dataset):,} samples"

        add_dataset(f"Downloading {ZOO_DATASETS[zoo_name]} (first time only)...", from_zoo)
with st.expander("Add a dataset: a video transcript from Talk to Videos", icon=":material/subtitles:"):
    st.caption(
        "Each passage of about 40 words becomes a sample, labelled with the chapter the study tools find "
        "(MiniLM embeddings, offline). The map then shows the talk's topics; suspects are passages that "
        "sound like another chapter."
    )
    library = videos_resources.library(str(data_dir / "videos"))
    videos = [v for v in library.list() if v.ready]
    if not videos:
        st.caption("No processed video yet: add one on the Talk to Videos page first.")
    else:
        video = st.selectbox(
            "Video",
            videos,
            format_func=lambda v: f"{v.title} ({format_timestamp(v.duration or 0)})",
            key="emb.video",
        )
        if st.button("Import its transcript", key="emb.import_video"):

            def from_transcript() -> tuple[Any, str]:
                segments = library.transcript(video.id) or []
                dataset = transcript_dataset(
                    fo, data_dir, video.id, video.title, segments, shared_resources.text_embedder()
                )
                return dataset, f"{len(dataset):,} passages"

            add_dataset("Splitting the transcript into passages and chapters...", from_transcript)
if "emb.import_message" in S:
    st.success(S.pop("emb.import_message"))

names = sorted(set(fo.list_datasets()) | {DIGITS_NAME})
if S.get("emb.dataset") not in names:
    S["emb.dataset"] = DIGITS_NAME
top = st.columns([2, 2, 3])
dataset_name = top[0].selectbox("Dataset", names, key="emb.dataset", help="Datasets in this app's FiftyOne database.")
try:
    dataset = digits_dataset(fo, data_dir) if dataset_name == DIGITS_NAME else load_dataset(fo, dataset_name)
except DatasetError as exc:
    st.error(str(exc))
    st.stop()
kind = dataset_kind(dataset)
embedder_keys = [key for key, info in EMBEDDERS.items() if info.kind == kind]
if S.get("emb.embedder") not in embedder_keys:
    S["emb.embedder"] = embedder_keys[0]
embedder = top[1].selectbox(
    "Embedding",
    embedder_keys,
    format_func=lambda key: EMBEDDERS[key].label,
    key="emb.embedder",
    help=" ".join(f"{EMBEDDERS[k].label}: {EMBEDDERS[k].description}" for k in embedder_keys),
)
method = top[2].segmented_control(
    "Projection",
    list(METHODS),
    format_func=METHOD_LABELS.__getitem__,
    key="emb.method",
    default="pca",
    required=True,
)
samples = samples_of(dataset)
if len(samples) < 5:
    st.warning("This dataset has fewer than 5 samples: add images or undo deletions (change log below).")
    st.stop()
passages = passages_of(dataset) if kind == "text" else {}
item = "passages" if kind == "text" else "images"

# --- embeddings and suspicion (cached per dataset, embedder and labels) --------------------------
try:
    todo = missing_count(data_dir, dataset.name, embedder, samples.filepaths)
    if todo and not weights_ready(embedder):
        label = EMBEDDERS[embedder].label
        bar = st.progress(0.0, text=f"Downloading the weights of {label} (once)...")
        fetch_weights(
            embedder,
            lambda done, total: bar.progress(
                done / max(total, 1), text=f"Downloading the weights of {label}: {done / 1e6:.0f}/{total / 1e6:.0f} MB"
            ),
        )
        bar.empty()
    if todo:
        bar = st.progress(0.0, text=f"Embedding {todo} {item} with {EMBEDDERS[embedder].label}...")
        embed(
            data_dir,
            dataset.name,
            embedder,
            samples.filepaths,
            lambda done, total: bar.progress(done / max(total, 1), text=f"Embedding {done}/{total} {item}..."),
        )
        bar.empty()
    with st.spinner("Looking for suspected label errors..."):
        vectors, suspicion = embeddings_resources.analysis(
            str(data_dir), dataset.name, embedder, tuple(samples.filepaths), tuple(samples.labels)
        )
except (EmbeddingError, ValueError) as exc:
    log.exception("embedding failed")
    st.error(f"Could not embed this dataset: {exc}")
    st.stop()

# --- projection ----------------------------------------------------------------------------------
proj_key = f"{dataset.name}|{embedder}|{method}"
with st.expander(f"{METHOD_LABELS[method]} settings", icon=":material/tune:"):
    params: dict[str, object] = {}
    if method == "umap":
        params["num_neighbors"] = st.slider("Neighbours", 5, 100, 15, key="emb.umap_neighbors")
        params["min_dist"] = st.slider("Minimum distance", 0.0, 0.99, 0.1, key="emb.umap_min_dist")
    elif method == "tsne":
        params["perplexity"] = st.slider("Perplexity", 5.0, 50.0, 30.0, key="emb.tsne_perplexity")
        params["max_iters"] = st.slider("Iterations", 250, 2000, 1000, step=50, key="emb.tsne_iters")
    else:
        st.caption("PCA has no settings worth tuning here: it is exact and instant, and shown first.")
    limit = MAX_POINTS[method]
    use_sample = len(samples) > limit and st.checkbox(
        f"Project a random sample of {limit:,} samples",
        key="emb.use_sample",
        help=f"{METHOD_LABELS[method]} is limited to {limit:,} samples here.",
    )
    run = st.button(f"Compute {METHOD_LABELS[method]}", key="emb.run", type="primary")

if method != "pca":
    warm_worker()  # UMAP/t-SNE run in a worker process (so Stop works); it compiles while the user reads
projections = S.setdefault("emb.projections", {})


def map_entry(projection: Projection) -> dict[str, object]:
    """What the map needs of a projection: points by file path, its quality and its brain run."""
    return {
        "xy": points_by_path(projection.sample_ids, projection.points, samples),
        "quality": projection.quality,
        "brain_key": projection.brain_key,
    }


rows_used = sample_rows(len(samples), limit) if use_sample else list(range(len(samples)))
if run and method in ("umap", "tsne"):
    previous_job: ProjectionJob | None = S.get("emb.job")
    if previous_job is not None:
        previous_job.stop()
    try:
        S["emb.job"] = start_projection(
            data_dir / "embeddings" / "jobs",
            dataset.name,
            [samples.ids[i] for i in rows_used],
            vectors[rows_used],
            method,
            embedder,
            params,
        )
        S["emb.job_key"] = proj_key
    except ProjectionError as exc:
        st.warning(str(exc))
elif run or proj_key not in projections:
    projection = None if run else load_projection(dataset, embedder, method, samples.ids)
    if projection is None and method == "pca":
        try:
            with st.spinner(f"Computing PCA of {len(rows_used):,} samples..."):
                projection = compute_projection(
                    dataset, [samples.ids[i] for i in rows_used], vectors[rows_used], method, embedder, params
                )
        except ProjectionError as exc:
            st.warning(str(exc))
    if projection is not None:
        projections[proj_key] = map_entry(projection)
if "emb.job_message" in S:
    st.warning(S.pop("emb.job_message"))


@st.fragment(run_every=1.0)
def job_panel() -> None:
    """Progress of the running UMAP/t-SNE with a Stop button; stores the result when it is done."""
    job: ProjectionJob | None = S.get("emb.job")
    if job is None:
        return
    state = job.poll()
    if state == "running":
        cols = st.columns([5, 1], vertical_alignment="center")
        cols[0].info(
            f"Computing {job.label} of {len(job.sample_ids):,} samples of {job.dataset_name} in the background: "
            f"{job.elapsed:.0f} s so far. You can keep working with the current picture.",
            icon=":material/hourglass_top:",
        )
        if cols[1].button("Stop", key="emb.stop_job", icon=":material/stop:"):
            job.stop()
            S["emb.job"] = None
            S["emb.job_message"] = f"Stopped {job.label} after {job.elapsed:.0f} s; nothing was changed."
            st.rerun()
        return
    S["emb.job"] = None
    if state == "done":
        try:
            target = fo.load_dataset(job.dataset_name)
            projection = store_points(target, job)
            if S.get("emb.job_key") == proj_key:
                projections[proj_key] = map_entry(projection)
        except Exception:
            log.exception("storing a projection failed")
            S["emb.job_message"] = f"{job.label} finished but could not be saved in FiftyOne. Press Compute again."
    else:
        S["emb.job_message"] = job.error()
        job.cleanup()
    st.rerun()


if S.get("emb.job") is not None:
    job_panel()
if proj_key not in projections:
    if S.get("emb.job") is None:
        st.info(
            f"{METHOD_LABELS[method]} has not been computed for this dataset and embedding yet. "
            f"Open “{METHOD_LABELS[method]} settings” and press Compute (PCA is instant).",
            icon=":material/info:",
        )
    st.stop()
current = projections[proj_key]

# --- the map -------------------------------------------------------------------------------------
controls = st.columns([3, 2, 2])
color_by = controls[0].segmented_control(
    "Colour by",
    ["label", "prediction", "suspicion"],
    format_func={"label": "Ground truth", "prediction": "Prediction", "suspicion": "Suspicion"}.get,
    help="Prediction: what a model trained on the embeddings says, without having seen the sample's own label "
    f"({suspicion.prediction_source}). Ringed points: the prediction differs from the label.",
    key="emb.color",
    default="label",
    required=True,
)
only_suspects = controls[1].toggle("Show only suspects", key="emb.only_suspects")
notes = {sid: f"{format_timestamp(p.start)} {p.text[:90]}…" for sid, p in passages.items()}
rows = plot_rows(samples, suspicion, current["xy"], only_suspects=only_suspects, notes=notes)
quality = current["quality"]
metrics = st.columns(4)
metrics[0].metric("Samples on the map", f"{len(rows):,}")
metrics[1].metric("Suspected label errors", f"{int(suspicion.suspects.sum()):,}", help=suspicion.cleanlab_note)
if quality is not None:
    metrics[2].metric(
        "Trustworthiness",
        f"{quality.trustworthiness:.3f}",
        help=f"sklearn trustworthiness (k={quality.neighbors}): 1.0 means every neighbour in the plot "
        "is a real neighbour.",
    )
    metrics[3].metric(
        "Neighbours kept",
        f"{quality.knn_preservation:.0%}",
        help=f"Share of each sample's {quality.neighbors} nearest neighbours that stay its neighbours in 2-D.",
    )
    st.caption(f"Projection quality ({METHOD_LABELS[method]}, {quality.sample_size:,} samples): {quality.verdict}.")
if rows.missing:
    st.caption(f"{rows.missing} samples were added after this projection was computed; press Compute to include them.")

selected: list[str] = S.setdefault("emb.selected", [])


def take_selection(selection: object) -> bool:
    """Resolve a new Plotly selection event to sample ids (server-side); True if the selection changed."""
    signature = repr(sorted((k, repr(v)) for k, v in dict(selection or {}).items()))  # type: ignore[call-overload]
    if signature == S.get("emb.last_event"):
        return False
    S["emb.last_event"] = signature
    chosen = selected_ids(selection or {}, rows)  # type: ignore[arg-type]
    if chosen:
        S["emb.selected"] = chosen
    return bool(chosen)


# The chart's last event is already in the session state: resolve it before drawing, so the map and the
# thumbnails show the new selection in this same run.
previous = S.get("emb.chart")
if previous is not None:
    take_selection(previous.get("selection"))
    selected = S["emb.selected"]
event = st.plotly_chart(
    scatter_figure(rows, color_by, selected),
    key="emb.chart",
    on_select="rerun",
    selection_mode=("lasso", "box", "points"),
    config={"displaylogo": False, "scrollZoom": True},
)
if event is not None and take_selection(event.selection):
    st.rerun()
selected = S["emb.selected"]

# --- the selection -------------------------------------------------------------------------------
known = set(samples.ids)
selected = [sid for sid in selected if sid in known]
S["emb.selected"] = selected
st.subheader(f"Selection: {len(selected)} samples" if selected else "Selection")
if "emb.notice" in S:
    st.success(S.pop("emb.notice"))
if not selected:
    st.caption("Draw a lasso (the default tool) or a box around points, or click one, to see those samples here.")
else:
    changes = proposed_fixes(rows, selected)
    act = st.columns(4)
    with act[0]:
        tag_name = st.text_input("Tag", value="suspect", key="emb.tag_name")
        if st.button("Tag selection", key="emb.tag", icon=":material/sell:"):
            S["emb.action"] = ("tag", tag_name)
    with act[1]:
        new_label = st.selectbox("New label", samples.classes, key="emb.new_label", accept_new_options=True)
        if st.button("Relabel selection", key="emb.relabel", icon=":material/edit:"):
            S["emb.action"] = ("relabel", new_label)
    with act[2]:
        st.caption(f"{len(changes)} of the selected samples have neighbours that mostly say another label.")
        if st.button("Apply neighbours' labels", key="emb.fix", icon=":material/auto_fix_high:", disabled=not changes):
            S["emb.action"] = ("fix", None)
    with act[3]:
        st.caption("Removes the samples from the dataset (the image files stay; undo restores them).")
        if st.button("Delete selection", key="emb.delete", icon=":material/delete:"):
            S["emb.action"] = ("delete", None)
        if st.button("Clear selection", key="emb.clear", type="tertiary"):
            S["emb.selected"] = []
            st.rerun()

    pending = S.pop("emb.action", None)
    if pending:
        kind, value = pending
        try:
            if kind == "tag":
                change = actions.tag(dataset, selected, str(value))
            elif kind == "relabel":
                change = actions.relabel(dataset, {sid: str(value) for sid in selected})
            elif kind == "fix":
                change = actions.relabel(dataset, changes)
            else:
                change = actions.delete(dataset, selected)
                S["emb.selected"] = []
            S["emb.notice"] = f"Saved in FiftyOne: {change.summary}"
            st.rerun()
        except actions.ActionError as exc:
            st.warning(str(exc))
    if kind == "text":
        show_passages(rows, selected, passages)
    else:
        show_gallery(rows, selected, dict(zip(samples.ids, samples.tags, strict=True)))

# --- change log, undo, export --------------------------------------------------------------------
log_entries = actions.change_log(dataset)
with st.expander(f"Change log ({len(log_entries)})", expanded=bool(log_entries), icon=":material/history:"):
    if not log_entries:
        st.caption("Tags, relabels and deletions you make appear here, newest last, and can be undone.")
    else:
        st.dataframe(
            [
                {
                    "#": c.number,
                    "time (UTC)": c.time,
                    "action": c.action,
                    "samples": len(c.samples),
                    "detail": c.detail,
                    "undone": c.undone,
                }
                for c in log_entries
            ],
            hide_index=True,
        )
        cols = st.columns(2)
        if cols[0].button(
            "Undo the last change", key="emb.undo", icon=":material/undo:", disabled=all(c.undone for c in log_entries)
        ):
            try:
                undone = actions.undo(dataset)
                S["emb.notice"] = f"Undone: {undone.summary}"
                st.rerun()
            except actions.ActionError as exc:
                st.warning(str(exc))
        cols[1].download_button(
            "Export the change log (CSV)",
            actions.log_csv(log_entries),
            file_name=actions.export_name(dataset.name),
            mime="text/csv",
            key="emb.export",
            icon=":material/download:",
        )

# --- the FiftyOne App ----------------------------------------------------------------------------
with st.expander("Open in the FiftyOne App", icon=":material/open_in_new:"):
    info = store_info()
    st.caption(
        f"The FiftyOne App shows the same dataset, tags and the projection (brain run `{current['brain_key']}`, "
        f"in its Embeddings panel). Port {settings.mlstudio_fiftyone_port} (MLSTUDIO_FIFTYONE_PORT), bound to "
        f"{settings.mlstudio_fiftyone_address} (MLSTUDIO_FIFTYONE_ADDRESS); behind a proxy, set "
        "MLSTUDIO_FIFTYONE_PUBLIC_URL to the address users open. " + (f"Database: {info.description}." if info else "")
    )
    if st.button("Launch the FiftyOne App" + (" on the selection" if selected else ""), key="emb.launch_app"):
        from core.embeddings.fiftyone_app import AppLaunchError, launch

        try:
            with st.spinner("Starting the FiftyOne App..."):
                S["emb.app_url"] = launch(
                    dataset,
                    settings.mlstudio_fiftyone_port,
                    selected or None,
                    address=settings.mlstudio_fiftyone_address,
                    public_url=settings.mlstudio_fiftyone_public_url,
                )
        except AppLaunchError as exc:
            st.error(str(exc))
    if S.get("emb.app_url"):
        st.link_button("Open the FiftyOne App", S["emb.app_url"], icon=":material/open_in_new:")
        st.caption(f"Running at {S['emb.app_url']}")
