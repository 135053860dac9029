"""The Music recommender page driven with AppTest (the page file on its own, see tests/app/test_pages.py)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.music.catalog import CatalogStore, load_catalog_upload
from tests.music.generate import csv_bytes, make_catalog

PAGE = Path(__file__).resolve().parents[2] / "pages" / "music.py"


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from components.resources import base_settings

    monkeypatch.setenv("MLSTUDIO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MLSTUDIO_MUSIC_CATALOG", raising=False)
    base_settings.clear()
    yield tmp_path
    base_settings.clear()


def with_catalog(data_dir: Path, n: int = 1500) -> None:
    load_catalog_upload(csv_bytes(make_catalog(n, seed=2)), "generated.csv", CatalogStore(data_dir / "music"))


def page() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def texts(app: AppTest) -> str:
    return " ".join(
        [m.value for m in app.markdown]
        + [i.value for i in app.info]
        + [w.value for w in app.warning]
        + [e.value for e in app.error]
        + [c.value for c in app.caption]
        + [t.value for t in app.text]
    )


def test_without_a_catalog_the_page_says_how_to_get_one(data_dir: Path) -> None:
    app = page()
    assert app.title[0].value == "Music recommender"
    message = app.info[0].value
    assert "No catalog yet" in message and "Download" in message and "Upload a CSV" in message
    assert "track_id" in message and "danceability" in message
    assert any(b.label == "Download and cache" for b in app.button)
    assert "Spotify search" not in texts(app)  # nothing below the catalog panel without a catalog


def test_download_failure_offline_is_a_message(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from components import music_catalog

    # Point the sources at a port nobody listens on: the real loader reports it as offline.
    unreachable = tuple(dataclasses.replace(s, url="http://127.0.0.1:9/x.csv") for s in music_catalog.SOURCES)
    monkeypatch.setattr(music_catalog, "SOURCES", unreachable)
    app = page()
    next(b for b in app.button if b.label == "Download and cache").click()
    app.run()
    assert not app.exception
    assert "Could not reach 127.0.0.1:9" in " ".join(e.value for e in app.error)
    assert "Upload the catalog CSV" in " ".join(e.value for e in app.error)


def test_seed_search_recommend_and_explain(data_dir: Path) -> None:
    with_catalog(data_dir)
    app = page()
    assert "generated" in app.expander[0].label and "1,500 tracks" in app.expander[0].label
    app.text_input(key="music.query").input("song 12").run()
    add = [b for b in app.button if b.key and b.key.startswith("music.add_track.")]
    assert len(add) >= 2  # several hits to pick from, not just the first
    add[1].click().run()
    app.text_input(key="music.query").input("rock").run()
    next(b for b in app.button if b.key == "music.add_genre.rock").click().run()
    chips = [b.label for b in app.button if b.key and b.key.startswith("music.remove_seed.")]
    assert len(chips) == 2 and chips[1] == "Genre: rock"
    app.slider(key="music.range.energy").set_range(0.5, 1.0).run()
    app.toggle(key="music.use_target.danceability").set_value(True).run()
    app.slider(key="music.target.danceability").set_value(0.8).run()
    app.button(key="music.go").click().run()
    assert not app.exception, [e.value for e in app.exception]
    labels = [m.label for m in app.metric]
    assert "Candidates near the seeds" in labels and "After filters" in labels
    table = app.dataframe[0].value
    assert len(table) == 20
    assert (table["Why"].str.contains("like rock")).all()
    assert table["Why"].str.contains("vs target 0.8").all()
    assert table["Spotify"].str.startswith("https://open.spotify.com/track/").all()
    assert len(app.get("plotly_chart")) == 2
    assert len(app.get("download_button")) == 1
    assert "Spotify search: not configured" in texts(app)


def test_filter_that_empties_the_pool_is_named(data_dir: Path) -> None:
    with_catalog(data_dir)
    app = page()
    app.text_input(key="music.query").input("folk").run()
    next(b for b in app.button if b.key == "music.add_genre.folk").click().run()
    app.slider(key="music.range.energy").set_range(0.97, 1.0).run()
    app.slider(key="music.range.acousticness").set_range(0.95, 1.0).run()
    app.button(key="music.go").click().run()
    assert not app.exception
    warning = " ".join(w.value for w in app.warning)
    assert "emptied at “Acousticness ≥ 0.95”" in warning
    assert not app.dataframe


def test_removing_a_seed_chip(data_dir: Path) -> None:
    with_catalog(data_dir)
    app = page()
    app.text_input(key="music.query").input("jazz").run()
    next(b for b in app.button if b.key == "music.add_genre.jazz").click().run()
    app.button(key="music.remove_seed.0").click().run()
    assert not [b for b in app.button if b.key and b.key.startswith("music.remove_seed.")]
    assert app.button(key="music.go").disabled


def test_malformed_upload_reports_first_bad_rows(data_dir: Path) -> None:
    from core.music.catalog import CatalogError, read_catalog_csv

    raw = make_catalog(20).astype({"tempo": object})
    raw.loc[3, "tempo"] = "fast"
    _, report = read_catalog_csv(csv_bytes(raw), "x.csv")
    assert report.bad_rows[0].line == 5
    with pytest.raises(CatalogError):
        read_catalog_csv(csv_bytes(raw.drop(columns="tempo")), "x.csv")
