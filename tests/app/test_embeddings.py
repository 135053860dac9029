"""The Embedding visualizer page driven by AppTest (standalone file: AppTest reruns it on widget changes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components.embeddings import state as keys
from components.embeddings.state import STATE, EmbeddingsState
from tests.embeddings.support import session_data_dir
from tests.support.text import shown

PAGE = Path(__file__).resolve().parents[2] / "app_pages" / "embeddings.py"


@pytest.fixture()
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    from components.shared import resources as shared_resources

    monkeypatch.setenv("MLSTUDIO_DATA_DIR", str(session_data_dir()))
    shared_resources.base_settings.clear()
    app = AppTest.from_file(str(PAGE), default_timeout=240)
    yield app
    shared_resources.base_settings.clear()


def emb_state(app: AppTest) -> EmbeddingsState:
    return app.session_state[STATE]


def texts(app: AppTest) -> str:
    parts = [e.value for e in (*app.caption, *app.markdown, *app.success, *app.warning, *app.info, *app.error)]
    return shown(" ".join(str(p) for p in parts))  # as the user reads it: Markdown escapes removed


def test_digits_map_opens_with_pca_quality_and_suspects(page: AppTest) -> None:
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert page.title[0].value == "Embedding visualizer"
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Samples on the map"] == "1,797"
    assert 0.5 < float(metrics["Trustworthiness"]) < 1.0
    assert int(metrics["Suspected label errors"].replace(",", "")) < 300
    assert "Projection quality (PCA" in texts(page)
    assert len(page.get("plotly_chart")) == 1


def test_selection_shows_thumbnails_and_tag_relabel_undo_persist(page: AppTest) -> None:
    from core.embeddings.datasets import load_dataset, samples_of
    from core.embeddings.store import open_store

    page.run()
    fo = open_store(session_data_dir())
    dataset = load_dataset(fo, "digits")
    chosen = samples_of(dataset).ids[:4]
    emb_state(page).selected = chosen
    page.run()
    assert page.subheader[0].value == "Selection: 4 samples"
    assert len(page.get("image")) == 1 and len(page.get("image")[0].value) == 4

    page.text_input(key="emb.tag_name").input("apptest-tag")
    page.button(key="emb.tag").click()
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert "Saved in FiftyOne: " in texts(page)
    assert dataset.count_sample_tags().get("apptest-tag") == 4

    page.selectbox(key="emb.new_label").select("9")
    page.button(key="emb.relabel").click()
    page.run()
    labels = samples_of(load_dataset(fo, "digits")).labels[:4]
    assert labels == ["9"] * 4
    assert "Estimated effect: neighbours agree with the labels" in texts(page)
    export = page.get("download_button")
    assert any("Cleaned labels, 4 changed" in str(b.proto.label) for b in export)

    page.button(key="emb.undo").click()
    page.run()
    assert samples_of(load_dataset(fo, "digits")).labels[:4] == ["0"] * 4
    page.button(key="emb.undo").click()
    page.run()
    assert load_dataset(fo, "digits").count_sample_tags().get("apptest-tag") is None
    assert "Undone: #" in texts(page)


def test_bad_zip_upload_is_a_message(page: AppTest) -> None:
    from core.embeddings.datasets import DatasetError, import_zip
    from core.embeddings.store import open_store

    fo = open_store(session_data_dir())
    with pytest.raises(DatasetError, match="not a zip"):
        import_zip(fo, session_data_dir(), b"not a zip", "bad")


def test_opening_the_app_panel_starts_the_app_server_ahead(page: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real start is tested in tests/embeddings/test_fiftyone_app.py; here: the page asks for it once
    the panel is open, not before, and says it is starting."""
    from core.embeddings import fiftyone_app

    asked: list[tuple[str, int]] = []
    monkeypatch.setattr(fiftyone_app, "start_in_background", lambda ds, port, _address: asked.append((ds.name, port)))
    monkeypatch.setattr(fiftyone_app, "starting", lambda _port, _address: bool(asked))
    page.run()
    assert asked == [] and "The App server is starting" not in texts(page)
    page.session_state[keys.APP_PANEL] = True
    page.run()
    assert not page.exception
    assert asked and asked[0][0] == "digits"
    assert "The App server is starting (about 10 s)" in texts(page)


def test_database_failure_is_a_message_with_retry(page: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    from components.embeddings import resources as embeddings_resources
    from core.embeddings.store import StoreError

    def broken(_data_dir: str):
        raise StoreError("The FiftyOne database (mongod) did not answer within 60 s. See the log.")

    monkeypatch.setattr(embeddings_resources, "store", broken)
    page.run()
    assert not page.exception
    assert "did not answer within 60 s" in page.error[0].value
    assert page.button(key="emb.retry_store") is not None


def test_suspects_filter_colour_and_tsne_projection(page: AppTest) -> None:
    page.run()
    total = int(page.metric[1].value.replace(",", ""))
    page.toggle(key="emb.only_suspects").set_value(True)
    page.segmented_control(key="emb.color").set_value("suspicion")
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert page.metric[0].value == f"{total:,}"  # only the suspects are on the map now

    page.segmented_control(key="emb.color").set_value("kept")
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    figure = page.session_state["emb.kept"][1]  # per sample: the share of its neighbours the map keeps
    measured = figure[~np.isnan(figure)]
    assert len(measured) == 1_797 and 0 <= measured.min() < measured.max() <= 1
    page.segmented_control(key="emb.color").set_value("suspicion")
    page.run()

    page.segmented_control(key="emb.method").set_value("tsne")
    page.run()
    assert "t-SNE has not been computed" in texts(page)
    page.slider(key="emb.tsne_iters").set_value(250)
    page.button(key="emb.run").click()
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert "Computing t-SNE of 1,797 samples of digits in the background" in texts(page)
    finish(page)
    assert "Projection quality (t-SNE, 1,797 samples)" in texts(page)
    assert float(page.metric[2].value) > 0.9  # t-SNE keeps neighbourhoods far better than PCA here


def finish(page: AppTest, timeout: float = 300.0) -> None:
    """Wait for the page's background projection, then rerun so the page stores and shows it."""
    import time

    job = emb_state(page).job
    deadline = time.monotonic() + timeout
    while job.poll() == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
    page.run()
    assert not page.exception, [e.value for e in page.exception]


def test_a_long_umap_can_be_stopped_and_the_page_keeps_working(page: AppTest) -> None:
    page.run()
    page.segmented_control(key="emb.method").set_value("umap")
    page.run()
    page.button(key="emb.run").click()
    page.run()
    job = emb_state(page).job
    assert job.poll() == "running"
    process = job.worker.process
    page.button(key="emb.stop_job").click()
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert process.poll() is not None  # the worker process has ended
    assert "Stopped UMAP after" in texts(page)
    assert emb_state(page).job is None


def test_colour_by_prediction_rings_where_the_model_disagrees(page: AppTest) -> None:
    page.run()
    page.segmented_control(key="emb.color").set_value("prediction")
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    figure = page.get("plotly_chart")[0].proto.spec
    assert '"name":"model \\u2260 label"' in figure or '"name":"model ≠ label"' in figure
    assert '"title":{"text":"model says"}' in figure


def test_a_video_transcript_becomes_a_text_map_with_passages(page: AppTest) -> None:
    from core.videos.library import Library
    from tests.study.lecture import lecture_segments

    library = Library.in_data_dir(session_data_dir())
    segments = lecture_segments()
    library.create("text:apptest01", "Three topics", "pasted", "pasted", status="ready", duration=segments[-1].end)
    library.save_transcript("text:apptest01", segments)
    page.run()
    page.selectbox(key="emb.video").select_index(0)
    page.button(key="emb.import_video").click()
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert "passages." in texts(page)
    assert page.selectbox(key="emb.embedder").value == "minilm"
    metrics = {m.label: m.value for m in page.metric}
    assert int(metrics["Samples on the map"]) >= 5

    from core.embeddings.datasets import load_dataset, samples_of
    from core.embeddings.store import open_store

    dataset = load_dataset(open_store(session_data_dir()), page.session_state["emb.dataset"])
    emb_state(page).selected = samples_of(dataset).ids[:2]
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    shown = texts(page)
    assert "0:00–" in shown and "volcano" in shown.lower()


def test_an_online_embedder_offline_says_what_to_do(page: AppTest) -> None:
    from core.embeddings.embedders import weights_ready

    if weights_ready("resnet18"):
        pytest.skip("ResNet-18 weights are cached on this machine")
    page.run()
    page.selectbox(key="emb.embedder").set_value("resnet18")
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    message = page.error[0].value
    assert "ResNet-18 needs its ImageNet weights" in message and "EfficientNet-Lite0 (offline)" in message


def open_transcript_map(page: AppTest) -> str:
    """Import the test lecture's transcript through the page; the dataset's name."""
    from core.videos.library import Library
    from tests.study.lecture import lecture_segments

    library = Library.in_data_dir(session_data_dir())
    if library.get("text:apptest01") is None:
        segments = lecture_segments()
        library.create("text:apptest01", "Three topics", "pasted", "pasted", status="ready", duration=segments[-1].end)
        library.save_transcript("text:apptest01", segments)
    page.run()
    page.selectbox(key=keys.VIDEO).select_index(0)
    page.button(key=keys.IMPORT_VIDEO).click()
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    return str(page.session_state[keys.DATASET])


def test_a_failed_action_on_a_transcript_still_shows_its_passages(page: AppTest) -> None:
    """The old page reused `kind` for the pressed action, so after a failed one it drew image thumbnails."""
    from core.embeddings.datasets import load_dataset, samples_of
    from core.embeddings.store import open_store

    name = open_transcript_map(page)
    emb_state(page).selected = samples_of(load_dataset(open_store(session_data_dir()), name)).ids[:2]
    page.run()
    assert "0:00–" in texts(page)
    page.text_input(key=keys.TAG_NAME).input("   ")
    page.button(key=keys.TAG).click()
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert any("Type a tag" in w.value for w in page.warning)
    shown = texts(page)
    assert "0:00–" in shown and "volcano" in shown.lower()  # the passages, not thumbnails
    assert len(page.get("image")) == 0
    assert "Label → neighbours' label" not in shown


def test_a_link_restores_dataset_projection_colour_and_selection(page: AppTest) -> None:
    from core.embeddings.datasets import load_dataset, samples_of
    from core.embeddings.selections import save_selection
    from core.embeddings.store import open_store

    page.run()
    chosen = samples_of(load_dataset(open_store(session_data_dir()), "digits")).ids[10:15]
    selection = save_selection(session_data_dir(), "digits", chosen)

    fresh = AppTest.from_file(str(PAGE), default_timeout=240)
    fresh.query_params.update({"color": "prediction", "selection": selection})
    fresh.run()
    assert not fresh.exception, [e.value for e in fresh.exception]
    assert fresh.segmented_control(key=keys.COLOR).value == "prediction"
    assert fresh.segmented_control(key=keys.METHOD).value == "pca"
    assert fresh.subheader[0].value == "Selection: 5 samples"
    assert len(fresh.get("image")[0].value) == 5
    assert emb_state(fresh).selected == chosen
    assert fresh.query_params == {"color": "prediction", "selection": selection}  # the link stays as it was

    # a change goes into the link; a new selection gets its own stored id
    fresh.segmented_control(key=keys.COLOR).set_value("suspicion")
    emb_state(fresh).selected = chosen[:2]
    fresh.run()
    assert fresh.query_params["color"] == "suspicion"
    assert fresh.query_params["selection"] not in ("", selection)

    # Back: the URL is the previous one again, and the page follows it
    fresh.query_params.clear()
    fresh.query_params.update({"color": "prediction", "selection": selection})
    fresh.run()
    assert fresh.segmented_control(key=keys.COLOR).value == "prediction"
    assert fresh.subheader[0].value == "Selection: 5 samples"


def test_a_link_to_a_transcript_and_umap_settings_is_restored(page: AppTest) -> None:
    name = open_transcript_map(page)
    fresh = AppTest.from_file(str(PAGE), default_timeout=240)
    fresh.query_params.update({"dataset": name, "method": "umap", "neighbors": "7", "min_dist": "0.3"})
    fresh.run()
    assert not fresh.exception, [e.value for e in fresh.exception]
    assert fresh.selectbox(key=keys.DATASET).value == name
    assert fresh.selectbox(key=keys.EMBEDDER).value == "minilm"
    assert fresh.segmented_control(key=keys.METHOD).value == "umap"
    assert fresh.slider(key=keys.UMAP_NEIGHBORS).value == 7
    assert fresh.slider(key=keys.UMAP_MIN_DIST).value == 0.3


def test_a_bad_link_is_a_short_message_and_the_defaults(page: AppTest) -> None:
    page.query_params.update(
        {"dataset": "no-such-dataset", "method": "mds", "embedder": "minilm", "selection": "0000000000000000"}
    )
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    warnings = " ".join(w.value for w in page.warning)
    assert "There is no dataset 'no-such-dataset'" in warnings
    assert "unknown projection 'mds'" in warnings and "selection is no longer stored" in warnings
    assert "The embedding 'minilm' does not fit this dataset" in warnings
    assert page.selectbox(key=keys.DATASET).value == "digits"
    assert page.segmented_control(key=keys.METHOD).value == "pca"
    assert {m.label: m.value for m in page.metric}["Samples on the map"] == "1,797"
    assert page.query_params == {}  # the defaults, so a bare link
