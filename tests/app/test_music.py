"""The Music recommender page driven with AppTest (the page file on its own, see tests/app/test_pages.py)."""

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.music.state import STATE
from core.music.catalog import CatalogStore, load_catalog_upload
from tests.music.generate import csv_bytes, make_catalog
from tests.support.text import shown

PAGE = Path(__file__).resolve().parents[2] / "app_pages" / "music.py"


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from components.shared import resources as shared_resources

    monkeypatch.setenv("MLSTUDIO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MLSTUDIO_MUSIC_CATALOG", raising=False)
    shared_resources.base_settings.clear()
    yield tmp_path
    shared_resources.base_settings.clear()


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

    from components.music import catalog as music_catalog

    # Point the sources at a port nobody listens on: the real loader reports it as offline.
    unreachable = tuple(dataclasses.replace(s, url="http://127.0.0.1:9/x.csv") for s in music_catalog.SOURCES)
    monkeypatch.setattr(music_catalog, "SOURCES", unreachable)
    app = page()
    next(b for b in app.button if b.label == "Download and cache").click()
    app.run()
    assert not app.exception
    assert "Could not reach 127.0.0.1:9" in shown(" ".join(e.value for e in app.error))
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

    config = json.loads(app.dataframe[0].proto.columns)  # the track stays in view when a phone scrolls sideways
    assert config["Title"].get("pinned") is True and not config["Why"].get("pinned")
    assert (table["Why"].str.contains("like rock: ")).all()
    assert table["Why"].str.contains("vs target 0.8").all()
    assert table["Why"].str.contains(r"\d+ of 100 \(sound \d+ of 100", regex=True).all()
    assert table["Match"].between(-300, 100).all()
    assert table["Rank reason"].iat[0] == "best match"
    assert table["Rank reason"].str.fullmatch(r"best match|as by match|#\d+ by match; (higher|lower): .+").all()
    assert "Not repeated in each row" not in texts(app)  # two seeds of different genres: said per row
    assert table["Spotify"].str.startswith("https://open.spotify.com/track/").all()
    assert len(app.get("plotly_chart")) == 2
    pool_map = json.loads(app.get("plotly_chart")[1].proto.spec)
    legend = [trace["name"] for trace in pool_map["data"]]
    assert "seed track (1)" in legend and not any(name.startswith("seed (") for name in legend)  # one track seed
    assert "result (20)" in legend
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


@pytest.fixture()
def spotify(monkeypatch: pytest.MonkeyPatch):
    """The Spotify test double, with real spotipy pointed at it."""
    from core.music import spotify as spotify_module
    from tests.music.spotify_double import SpotifyDouble, make_track, running_double

    tracks = [make_track(f"{i:022d}", f"Blue Song {i}", "Nobody Known") for i in range(14)]
    with running_double(SpotifyDouble(tracks=tracks)) as double:
        monkeypatch.setattr(spotify_module, "API_PREFIX", double.api_prefix)
        monkeypatch.setattr(spotify_module, "TOKEN_URL", double.token_url)
        yield double


def configured_page(secret: str | None = None) -> AppTest:
    from tests.music.spotify_double import CLIENT_ID, CLIENT_SECRET

    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.session_state["shell.spotify_client_id"] = CLIENT_ID
    app.session_state["shell.spotify_client_secret"] = secret or CLIENT_SECRET
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_spotify_search_pages_and_matches_into_the_catalog(data_dir: Path, spotify) -> None:
    from core.music.catalog import read_parquet_catalog
    from tests.music.spotify_double import make_track

    with_catalog(data_dir)
    store = CatalogStore(data_dir / "music")
    frame = read_parquet_catalog(store.path(store.list()[0]))
    known = frame.iloc[7]
    # One Spotify hit is a catalog track (same id), one is an unknown track by a catalog artist.
    spotify.tracks.insert(0, make_track(known.track_id, f"Blue {known.track_name}", known.artist))
    spotify.tracks.insert(1, make_track("q" * 22, "Blue Rarity", frame.iloc[9].artist))

    app = configured_page()
    app.text_input(key="music.spotify_query").input("blue").run()
    adds = [b for b in app.button if b.key and b.key.startswith("music.add_spotify.")]
    assert len(adds) == 10  # Spotify's page size
    assert "Results 1–10 of 16" in texts(app)
    app.button(key="music.spotify_next").click().run()
    assert "Results 11–16 of 16" in texts(app)
    app.button(key="music.spotify_prev").click().run()

    app.button(key=f"music.add_spotify.{known.track_id}").click().run()
    app.button(key=f"music.add_spotify.{'q' * 22}").click().run()
    assert "no audio features are known" in texts(app)
    chips = [b.label for b in app.button if b.key and b.key.startswith("music.remove_seed.")]
    assert chips == [f"♪ {known.track_name} — {known.artist}", f"Artist: {frame.iloc[9].artist}"]
    app.button(key=f"music.add_spotify.{0:022d}").click().run()
    assert "cannot be a seed" in texts(app)

    app.button(key="music.go").click().run()
    assert len(app.dataframe[0].value) == 20
    assert "Cover" not in app.dataframe[0].value.columns
    # Covers: one request per track to the double; the catalog's own tracks are unknown there (404).
    spotify.tracks.extend(
        make_track(t, "x", "y") for t in app.dataframe[0].value["Spotify"].str.rsplit("/", n=1).str[1]
    )
    app.button(key="music.fetch_covers").click().run()
    assert not app.exception
    assert app.dataframe[0].value["Cover"].str.contains("i.scdn.co").all()


def test_bad_spotify_credentials_are_a_message(data_dir: Path, spotify) -> None:
    with_catalog(data_dir, 300)
    app = configured_page(secret="not-the-secret")
    app.text_input(key="music.spotify_query").input("blue").run()
    assert not app.exception
    assert "refused the client ID/secret" in " ".join(e.value for e in app.error)
    assert "not-the-secret" not in texts(app)


def test_spotify_rate_limit_is_a_message(data_dir: Path, spotify) -> None:
    with_catalog(data_dir, 300)
    spotify.failures = [(429, {"Retry-After": "120"})]
    app = configured_page()
    app.text_input(key="music.spotify_query").input("blue").run()
    assert "rate-limiting" in " ".join(e.value for e in app.error)


def test_spotify_login_top_tracks_and_save_playlist(data_dir: Path, spotify) -> None:
    from core.music.catalog import read_parquet_catalog
    from tests.music.spotify_double import LOGIN_CODE

    with_catalog(data_dir)
    store = CatalogStore(data_dir / "music")
    frame = read_parquet_catalog(store.path(store.list()[0]))
    from tests.music.spotify_double import make_track

    spotify.tracks[:0] = [make_track(r.track_id, r.track_name, r.artist) for r in frame.iloc[:3].itertuples()]
    app = configured_page()
    account = next(e for e in app.expander if e.label == "Your Spotify account (optional)")
    assert "allow-listed" in " ".join(c.value for c in account.caption) or "User Management" in texts(app)
    login = app.get("link_button")[0]
    assert login.proto.url.startswith("https://accounts.spotify.com/authorize?")
    state = app.session_state["music.spotify_user"][1].state
    assert f"state={state}" in login.proto.url

    app.text_input(key="music.login_code").input(f"http://127.0.0.1:8501/music?code={LOGIN_CODE}&state={state}")
    app.run()
    app.button(key="music.finish_login").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert "Logged in as **Test Listener**." in texts(app)
    app.button(key="music.top_tracks").click().run()
    chips = [b.label for b in app.button if b.key and b.key.startswith("music.remove_seed.")]
    assert chips[:3] == [f"♪ {r.track_name} — {r.artist}" for r in frame.iloc[:3].itertuples()]
    app.button(key="music.go").click().run()
    app.button(key="music.save_playlist").click().run()
    assert not app.exception
    playlist = next(iter(spotify.playlists.values()))
    assert len(playlist["items"]) == 20 and playlist["public"] is False
    assert "Saved 20 tracks as a private playlist." in " ".join(s.value for s in app.success)
    assert app.get("link_button")[-1].proto.url.startswith("https://open.spotify.com/playlist/")


def test_login_landing_tab_shows_the_code(data_dir: Path) -> None:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.query_params["code"] = "abc123"
    app.run()
    assert not app.exception
    assert "Spotify sent you back with a login code" in texts(app)
    assert app.code[0].value == "abc123"


def test_configured_catalog_path_is_used(data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from components.shared import resources as shared_resources

    path = tmp_path / "configured.csv"
    path.write_bytes(csv_bytes(make_catalog(400, seed=5)))
    monkeypatch.setenv("MLSTUDIO_MUSIC_CATALOG", str(path))
    shared_resources.base_settings.clear()
    app = page()
    assert "configured.csv (400 tracks)" in app.expander[0].label
    assert "Catalog ready: 400 tracks." in " ".join(s.value for s in app.success)


def test_missing_configured_catalog_and_corrupt_cache_are_messages(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from components.shared import resources as shared_resources

    monkeypatch.setenv("MLSTUDIO_MUSIC_CATALOG", str(data_dir / "nowhere.csv"))
    shared_resources.base_settings.clear()
    app = page()
    assert "MLSTUDIO_MUSIC_CATALOG" in shown(" ".join(e.value for e in app.error))
    assert "No catalog yet" in app.info[0].value

    monkeypatch.delenv("MLSTUDIO_MUSIC_CATALOG")
    shared_resources.base_settings.clear()
    store = CatalogStore(data_dir / "music")
    store.folder.mkdir(parents=True, exist_ok=True)
    store.path("broken").write_bytes(b"PAR1 not really parquet")
    app = page()
    assert "damaged" in " ".join(e.value for e in app.error)
    app.button(key="music.delete_damaged").click().run()
    assert not app.exception
    assert "broken" not in store.list()
    assert "No catalog yet" in app.info[0].value


def test_deployed_app_offers_no_local_paths(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from components.shared import resources as shared_resources

    app = page()
    assert [t.label for t in app.tabs][:3] == ["Download", "Upload CSV", "Local file"]
    monkeypatch.setenv("MLSTUDIO_DEPLOYED", "true")
    shared_resources.base_settings.clear()
    app = page()
    assert "Local file" not in [t.label for t in app.tabs]
    assert "Point at a local file" not in app.info[0].value


def test_spotify_artist_search_adds_catalog_artists_and_searches_once(data_dir: Path, spotify) -> None:
    from core.music.catalog import read_parquet_catalog

    with_catalog(data_dir)
    store = CatalogStore(data_dir / "music")
    artist = read_parquet_catalog(store.path(store.list()[0]))["artist"].iat[0]
    spotify.artists[:] = [
        {
            "id": "b" * 22,
            "name": artist,
            "genres": ["rock"],
            "images": [],
            "external_urls": {"spotify": "https://open.spotify.com/artist/" + "b" * 22},
        },
        {"id": "c" * 22, "name": f"{artist} Tribute", "genres": [], "images": []},
    ]
    app = configured_page()
    app.radio(key="music.spotify_kind").set_value("artist").run()
    app.text_input(key="music.spotify_query").input(artist).run()
    app.button(key=f"music.add_spotify_artist.{'c' * 22}").click().run()
    assert "No track by" in texts(app)
    app.button(key=f"music.add_spotify_artist.{'b' * 22}").click().run()
    chips = [b.label for b in app.button if b.key and b.key.startswith("music.remove_seed.")]
    assert chips == [f"Artist: {artist}"]
    searches = [path for method, path in spotify.requests if path.startswith("/v1/search")]
    assert len(searches) == 1  # reruns reuse the page already fetched


def test_duration_is_set_in_minutes_and_targets_start_at_the_seeds(data_dir: Path) -> None:
    with_catalog(data_dir)
    app = page()
    app.text_input(key="music.query").input("rock").run()
    next(b for b in app.button if b.key == "music.add_genre.rock").click().run()
    app.slider(key="music.range.duration_ms").set_range(2.5, 4.0).run()
    app.toggle(key="music.use_target.energy").set_value(True).run()
    start = app.slider(key="music.target.energy").value
    assert 0.75 < start < 0.95  # the rock genre's average energy in the generated catalog (0.85)
    app.button(key="music.go").click().run()
    assert not app.exception
    result = app.session_state[STATE].result.tracks
    assert result["duration_ms"].between(150_000, 240_000).all()


def test_local_file_path_loads_and_respects_the_media_folder(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from components.shared import resources as shared_resources

    inside = tmp_path / "media"
    inside.mkdir()
    (inside / "songs.csv").write_bytes(csv_bytes(make_catalog(300, seed=8)))
    outside = tmp_path / "elsewhere.csv"
    outside.write_bytes(csv_bytes(make_catalog(200, seed=9)))
    monkeypatch.setenv("MLSTUDIO_MEDIA_DIR", str(inside))
    shared_resources.base_settings.clear()
    app = page()
    app.text_input(key="music.local_path").input(str(outside)).run()
    app.button(key="music.load_local").click().run()
    assert "outside" in " ".join(e.value for e in app.error)
    (inside / "broken.csv").write_bytes(b"track_id,track_name\n" + b"x" * 40_000)  # one line over the limit
    app.text_input(key="music.local_path").input(str(inside / "broken.csv")).run()
    app.button(key="music.load_local").click().run()
    assert "longer than 32 KB" in " ".join(e.value for e in app.error)
    assert not app.get("progress")  # the reading bar gives way to the message
    app.text_input(key="music.local_path").input(str(inside / "songs.csv")).run()
    app.button(key="music.load_local").click().run()
    assert not app.exception
    assert "songs.csv (300 tracks)" in app.expander[0].label


# -- the view in the URL: reload, shared link, Back -----------------------------------------------


def seed_chips(app: AppTest) -> list[str]:
    return [b.label for b in app.button if b.key and b.key.startswith("music.remove_seed.")]


def picked_view(data_dir: Path) -> AppTest:
    """A session that picked two seeds, a filter, a target and a list size, and pressed Recommend."""
    with_catalog(data_dir)
    app = page()
    app.text_input(key="music.query").input("song 12").run()
    next(b for b in app.button if b.key and b.key.startswith("music.add_track.")).click().run()
    app.text_input(key="music.query").input("rock").run()
    next(b for b in app.button if b.key == "music.add_genre.rock").click().run()
    app.slider(key="music.range.energy").set_range(0.5, 1.0).run()
    app.toggle(key="music.use_target.danceability").set_value(True).run()
    app.slider(key="music.target.danceability").set_value(0.8).run()
    app.slider(key="music.limit").set_value(15).run()
    app.button(key="music.go").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_the_view_is_written_to_the_url(data_dir: Path) -> None:
    app = picked_view(data_dir)
    params = app.query_params
    catalog = CatalogStore(data_dir / "music").list()[0]
    track_id = app.session_state[STATE].seeds[0].value
    assert params == {
        "catalog": catalog,
        "seeds": f"track:{track_id},genre:rock",
        "min": "energy:0.5",
        "target": "danceability:0.8",
        "limit": "15",
        "list": "1",
    }
    # Moving a slider after Recommend: the list on screen is no longer the link's, so no "list".
    app.slider(key="music.diversity").set_value(0.5).run()
    assert app.query_params["variety"] == "0.5" and "list" not in app.query_params


def test_a_copied_link_opens_the_same_seeds_targets_and_list(data_dir: Path) -> None:
    first = picked_view(data_dir)
    table = first.dataframe[0].value
    fresh = AppTest.from_file(str(PAGE), default_timeout=60)  # a new session: a reload or another browser
    fresh.query_params = dict(first.query_params)
    fresh.run()
    assert not fresh.exception, [e.value for e in fresh.exception]
    assert seed_chips(fresh) == seed_chips(first) and seed_chips(fresh)[1] == "Genre: rock"
    assert fresh.slider(key="music.range.energy").value == (0.5, 1.0)
    assert fresh.toggle(key="music.use_target.danceability").value is True
    assert fresh.slider(key="music.target.danceability").value == 0.8
    assert fresh.slider(key="music.limit").value == 15
    restored = fresh.dataframe[0].value
    assert len(restored) == 15
    assert list(restored["Spotify"]) == list(table["Spotify"]) and list(restored["Why"]) == list(table["Why"])
    assert fresh.query_params == first.query_params  # restoring does not rewrite the link
    # Without "list" the seeds and targets come back, but no list is made until Recommend.
    bare = AppTest.from_file(str(PAGE), default_timeout=60)
    bare.query_params = {k: v for k, v in first.query_params.items() if k != "list"}
    bare.run()
    assert seed_chips(bare) == seed_chips(first) and not bare.dataframe


def test_back_returns_to_the_previous_seeds_and_targets(data_dir: Path) -> None:
    with_catalog(data_dir)
    app = page()
    app.text_input(key="music.query").input("jazz").run()
    next(b for b in app.button if b.key == "music.add_genre.jazz").click().run()
    one_seed = dict(app.query_params)
    app.toggle(key="music.use_target.energy").set_value(True).run()
    app.slider(key="music.target.energy").set_value(0.3).run()
    with_target = dict(app.query_params)
    app.button(key="music.go").click().run()
    listed = dict(app.query_params)
    table = app.dataframe[0].value
    app.slider(key="music.target.energy").set_value(0.9).run()
    app.text_input(key="music.query").input("folk").run()
    next(b for b in app.button if b.key == "music.add_genre.folk").click().run()
    assert seed_chips(app) == ["Genre: jazz", "Genre: folk"] and not app.dataframe

    app.query_params = listed  # Back to the list (Streamlit reruns the page with that URL)
    app.run()
    assert seed_chips(app) == ["Genre: jazz"]
    assert app.slider(key="music.target.energy").value == 0.3
    assert list(app.dataframe[0].value["Spotify"]) == list(table["Spotify"])
    app.query_params = with_target  # one more step back: the same target, before Recommend
    app.run()
    assert app.slider(key="music.target.energy").value == 0.3 and not app.dataframe
    app.query_params = one_seed
    app.run()
    assert seed_chips(app) == ["Genre: jazz"] and app.toggle(key="music.use_target.energy").value is False
    assert "target" not in app.query_params


def test_a_bad_link_is_a_message_and_falls_back_to_defaults(data_dir: Path) -> None:
    with_catalog(data_dir)
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.query_params = {
        "catalog": "not-here",
        "seeds": "genre:rock,genre:polka,planet:mars",
        "min": "energy:7",
        "limit": "lots",
        "list": "1",
    }
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    warnings = shown(" ".join(w.value for w in app.warning))
    assert "The link's catalog “not-here” is not on this machine" in warnings
    assert "The link's genre “polka” is not in the catalog" in warnings
    assert "“planet:mars” is not a seed" in warnings
    assert "The minimum of Energy (7) is outside 0–1" in warnings
    assert "The number of tracks (“lots”) is not a whole number" in warnings
    assert seed_chips(app) == ["Genre: rock"]
    assert app.slider(key="music.range.energy").value == (0.0, 1.0) and app.slider(key="music.limit").value == 20
    assert len(app.dataframe[0].value) == 20  # the rest of the link was used: its list is shown
    assert app.query_params["seeds"] == "genre:rock" and "min" not in app.query_params


def test_key_and_mode_are_picked_by_name(data_dir: Path) -> None:
    with_catalog(data_dir)
    app = page()
    app.text_input(key="music.query").input("rock").run()
    next(b for b in app.button if b.key == "music.add_genre.rock").click().run()
    key_range = app.select_slider(key="music.range.key")
    assert key_range.options == ["C", "C♯/D♭", "D", "D♯/E♭", "E", "F", "F♯/G♭", "G", "G♯/A♭", "A", "A♯/B♭", "B"]
    assert app.select_slider(key="music.range.mode").options == ["minor", "major"]
    app.select_slider(key="music.range.mode").set_range(1, 1).run()
    app.toggle(key="music.use_target.key").set_value(True).run()
    app.select_slider(key="music.target.key").set_value(7).run()
    app.button(key="music.go").click().run()
    assert not app.exception, [e.value for e in app.exception]
    table = app.dataframe[0].value
    assert len(table) > 0
    assert table["Why"].str.contains("key G vs target G|key .* vs target G", regex=True).any()


def test_genres_are_picked_in_one_box_and_applied_at_once(data_dir: Path) -> None:
    frame = make_catalog(1200, seed=5, subgenres=True)
    load_catalog_upload(csv_bytes(frame), "fine.csv", CatalogStore(data_dir / "music"))
    app = page()
    box = app.multiselect(key="music.genres")
    rock = int((frame["playlist_subgenre"] == "classic rock").sum())
    assert f"classic rock (rock · {rock:,} tracks)" in box.options
    assert len(box.options) == 8 and all(o.endswith(" tracks)") for o in box.options)
    assert not any(b.label == "Add genre" for b in app.button)  # no separate button
    box.select("new rock").select("classic folk").run()
    assert not app.exception, [e.value for e in app.exception]
    chips = [b.label for b in app.button if b.key and b.key.startswith("music.remove_seed.")]
    assert chips == ["Genre: new rock", "Genre: classic folk"]
    # A chip removed elsewhere leaves the box too; a track seed added meanwhile stays.
    app.text_input(key="music.query").input("song 1").run()
    next(b for b in app.button if b.key and b.key.startswith("music.add_track.")).click().run()
    next(b for b in app.button if b.key == "music.remove_seed.0").click().run()
    assert app.multiselect(key="music.genres").value == ["classic folk"]
    app.multiselect(key="music.genres").unselect("classic folk").run()
    chips = [b.label for b in app.button if b.key and b.key.startswith("music.remove_seed.")]
    assert len(chips) == 1 and chips[0].startswith("♪ Song 1")
    app.button(key="music.go").click().run()
    assert not app.exception and len(app.dataframe[0].value) == 20


def test_versions_and_the_album_cap_are_switches_of_the_list(data_dir: Path) -> None:
    raw = make_catalog(1500, seed=2)
    raw["track_album_name"] = raw["track_artist"] + " LP"  # one album per artist
    copy = raw.iloc[:40].copy()  # a live version of the first 40 songs, same sound, same album
    copy["track_id"] = [f"{n:022d}" for n in range(40)]
    copy["track_name"] = copy["track_name"] + " - Live"
    load_catalog_upload(csv_bytes(pd.concat([raw, copy])), "versions.csv", CatalogStore(data_dir / "music"))
    app = page()
    app.text_input(key="music.query").input("rock").run()
    next(b for b in app.button if b.key == "music.add_genre.rock").click().run()
    app.slider(key="music.artist_cap").set_value(5).run()
    app.button(key="music.go").click().run()
    table = app.dataframe[0].value
    assert not table["Title"].str.endswith(" - Live").any()
    assert table["Artist"].value_counts().max() > 2
    assert next(m for m in app.metric if m.label == "After removing seeds and versions")
    app.toggle(key="music.one_version").set_value(False).run()
    app.select_slider(key="music.album_cap").set_value(2).run()
    assert app.select_slider(key="music.album_cap").options[0] == "no limit"
    app.button(key="music.go").click().run()
    assert not app.exception, [e.value for e in app.exception]
    table = app.dataframe[0].value
    assert table["Artist"].value_counts().max() <= 2  # one album per artist, at most two per album
    assert any(m.label == "After removing the seeds" for m in app.metric)
    assert app.query_params["versions"] == "all" and app.query_params["album_cap"] == "2"


def test_a_catalog_saved_by_an_earlier_version_says_to_load_it_again(data_dir: Path) -> None:

    with_catalog(data_dir)
    store = CatalogStore(data_dir / "music")
    assert "earlier version" not in " ".join(i.value for i in page().info)
    (saved,) = [store.path(c).with_suffix(".json") for c in store.list()]
    old = json.loads(saved.read_text())
    del old["schema"]
    saved.write_text(json.dumps(old))
    app = page()
    assert "saved by an earlier version of ML Studio, which kept only its broad genres" in " ".join(
        i.value for i in app.info
    )
