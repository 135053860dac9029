"""Music page: picking 1–5 seeds from catalog search, genres, or Spotify search."""

from __future__ import annotations

import hashlib
import logging

import streamlit as st

from components.shared.text import markdown_text
from core.config import Settings
from core.music.engine import MAX_SEEDS, CatalogIndex, Seed
from core.music.spotify import SpotifyArtist, SpotifyClient, SpotifyError, SpotifyTrack

log = logging.getLogger(__name__)

SEEDS = "music.seeds"
SPOTIFY_PAGE = "music.spotify_page"
SPOTIFY_RESULTS = "music.spotify_results"
SEED_NOTE = "music.seed_note"
CLIENT = "music.spotify_client"


def current_seeds() -> list[Seed]:
    return list(st.session_state.get(SEEDS, []))


def add_seed(seed: Seed) -> None:
    seeds = current_seeds()
    if seed in seeds:
        st.session_state[SEED_NOTE] = ("info", f"{seed.label} is already a seed.")
        return
    if len(seeds) >= MAX_SEEDS:
        st.session_state[SEED_NOTE] = ("warning", f"At most {MAX_SEEDS} seeds: remove one first.")
        return
    st.session_state[SEEDS] = [*seeds, seed]
    st.session_state.pop("music.result", None)


def remove_seed(seed: Seed) -> None:
    st.session_state[SEEDS] = [s for s in current_seeds() if s != seed]
    st.session_state.pop("music.result", None)


def spotify_client(settings: Settings) -> SpotifyClient | None:
    """One client per session and credentials (it keeps its access token in memory)."""
    credentials = settings.spotify_credentials
    if credentials is None:
        return None
    client_id, secret = credentials
    fingerprint = hashlib.sha256(f"{client_id}:{secret}".encode()).hexdigest()
    kept = st.session_state.get(CLIENT)
    if kept is None or kept[0] != fingerprint:
        kept = (fingerprint, SpotifyClient(client_id, secret))
        st.session_state[CLIENT] = kept
    return kept[1]


def seed_chips() -> None:
    seeds = current_seeds()
    note = st.session_state.pop(SEED_NOTE, None)
    if note:
        (st.warning if note[0] == "warning" else st.info)(note[1])
    if not seeds:
        st.caption(f"No seeds yet: search below and add 1 to {MAX_SEEDS} tracks, artists or genres.")
        return
    st.markdown(f"**Seeds** ({len(seeds)} of {MAX_SEEDS}) — click one to remove it")
    columns = st.columns(len(seeds))
    for number, (column, seed) in enumerate(zip(columns, seeds, strict=True)):
        column.button(
            seed.chip,
            key=f"music.remove_seed.{number}",
            icon=":material/close:",
            on_click=remove_seed,
            args=(seed,),
            help=f"{seed.kind}: remove this seed",
            width="stretch",
        )


def catalog_search(index: CatalogIndex) -> None:
    query = st.text_input(
        "Search the catalog: song title, artist or genre",
        key="music.query",
        placeholder="e.g. coldplay, bohemian rhapsody, rock",
    )
    if not query.strip():
        genre = st.selectbox("…or add a genre", ["", *index.genres], key="music.genre_pick")
        if genre:
            st.button("Add genre", key="music.add_genre", on_click=add_seed, args=(Seed("genre", genre, genre),))
        return
    tracks = index.search_tracks(query, limit=8)
    artists = index.search_artists(query, limit=4)
    genres = index.search_genres(query, limit=4)
    if tracks.empty and not artists and not genres:
        st.warning(f"Nothing in the catalog matches “{query}”. Try fewer words or another spelling.")
        return
    box = st.container(height=260, border=True)
    for row in tracks.itertuples():
        left, right = box.columns([6, 1], vertical_alignment="center")
        details = " · ".join(x for x in (row.genre, row.album) if x)
        left.text(f"♪ {row.track_name} — {row.artist}" + (f"  ({details})" if details else ""))
        right.button(
            "Add",
            key=f"music.add_track.{row.track_id}",
            on_click=add_seed,
            args=(Seed("track", row.track_id, f"{row.track_name} — {row.artist}"),),
        )
    for artist in artists:
        left, right = box.columns([6, 1], vertical_alignment="center")
        left.text(f"Artist: {artist} ({len(index.rows_by_artist[artist.lower()])} tracks)")
        right.button("Add", key=f"music.add_artist.{artist}", on_click=add_seed, args=(Seed("artist", artist, artist),))
    for genre in genres:
        left, right = box.columns([6, 1], vertical_alignment="center")
        left.text(f"Genre: {genre} ({len(index.rows_by_genre[genre]):,} tracks)")
        right.button("Add", key=f"music.add_genre.{genre}", on_click=add_seed, args=(Seed("genre", genre, genre),))


def add_spotify_track(index: CatalogIndex, track: SpotifyTrack) -> None:
    row = index.match_track(track.id, track.name, track.artist, track.isrc)
    if row is not None:
        catalog_name = index.frame["track_name"].iat[row]
        add_seed(
            Seed(
                "track",
                index.frame["track_id"].iat[row],
                f"{catalog_name} — {index.frame['artist'].iat[row]}",
            )
        )
        if index.frame["track_id"].iat[row] != track.id:
            st.session_state[SEED_NOTE] = (
                "info",
                f"Matched “{track.label}” to the catalog's “{catalog_name}”.",
            )
        return
    if track.artist.lower() in index.rows_by_artist:
        add_seed(
            Seed(
                "artist",
                index.frame["artist"].iat[index.rows_by_artist[track.artist.lower()][0]],
                track.artist,
            )
        )
        st.session_state[SEED_NOTE] = (
            "info",
            f"“{track.name}” is not in the catalog, so no audio features are known for it; "
            f"its artist {track.artist} was added as a seed instead.",
        )
        return
    st.session_state[SEED_NOTE] = (
        "warning",
        f"“{track.label}” is not in the catalog and no audio features are known for it, so it cannot be "
        "a seed. Try another version of the song, or load a bigger catalog.",
    )


def spotify_search(settings: Settings, index: CatalogIndex) -> None:
    client = spotify_client(settings)
    if client is None:
        st.caption(
            ":material/radio_button_unchecked: Spotify search: not configured. Paste a client ID and "
            "secret under “Keys for this session” in the sidebar (developer.spotify.com → Dashboard → "
            "Create app). Everything else works without it."
        )
        return
    kind_col, query_col = st.columns([1, 4], vertical_alignment="bottom")
    kind = kind_col.radio("Search for", ["track", "artist"], key="music.spotify_kind", horizontal=True)
    query = query_col.text_input(
        f"Search Spotify for an {kind}" if kind == "artist" else "Search Spotify for a track",
        key="music.spotify_query",
    )
    if not query.strip():
        return
    page = int(st.session_state.get(SPOTIFY_PAGE, {}).get((kind, query), 0))
    # One request per new search or page, not one per rerun of the page.
    cached = st.session_state.get(SPOTIFY_RESULTS)
    if cached is not None and cached[0] == (kind, query, page):
        result = cached[1]
    else:
        try:
            with st.spinner("Searching Spotify…"):
                result = client.search_tracks(query, page) if kind == "track" else client.search_artists(query, page)
        except SpotifyError as exc:
            st.error(str(exc), icon=":material/cloud_off:")
            return
        st.session_state[SPOTIFY_RESULTS] = ((kind, query, page), result)
    if not result.items:
        st.info(f"Spotify found nothing for “{query}”.")
        return
    for item in result.items:
        cover, text, button = st.columns([1, 6, 1], vertical_alignment="center")
        if item.image_url:
            cover.image(item.image_url, width=48)
        if kind == "track":
            text.markdown(f"[{markdown_text(item.name)}]({item.url}) — {markdown_text(', '.join(item.artists))}")
            button.button("Add", key=f"music.add_spotify.{item.id}", on_click=add_spotify_track, args=(index, item))
        else:
            genres = f" · {markdown_text(', '.join(item.genres[:3]))}" if item.genres else ""
            text.markdown(f"[{markdown_text(item.name)}]({item.url}){genres}")
            button.button(
                "Add",
                key=f"music.add_spotify_artist.{item.id}",
                on_click=add_spotify_artist,
                args=(index, item),
            )
    previous, info, following = st.columns([1, 3, 1], vertical_alignment="center")
    info.caption(f"Results {result.offset + 1}–{result.offset + len(result.items)} of {result.total:,}")
    if result.has_previous and previous.button("◀ Previous", key="music.spotify_prev"):
        st.session_state[SPOTIFY_PAGE] = {(kind, query): page - 1}
        st.rerun()
    if result.has_next and following.button("Next ▶", key="music.spotify_next"):
        st.session_state[SPOTIFY_PAGE] = {(kind, query): page + 1}
        st.rerun()


def add_spotify_artist(index: CatalogIndex, artist: SpotifyArtist) -> None:
    rows = index.rows_by_artist.get(artist.name.lower())
    if rows is None:
        st.session_state[SEED_NOTE] = (
            "warning",
            f"No track by {artist.name} is in the catalog, so there are no audio features to start from. "
            "Load a bigger catalog, or pick a genre or a similar artist.",
        )
        return
    add_seed(Seed("artist", str(index.frame["artist"].iat[rows[0]]), artist.name))


def seeds_panel(settings: Settings, index: CatalogIndex) -> None:
    seed_chips()
    catalog_tab, spotify_tab = st.tabs(["Catalog search", "Spotify search"])
    with catalog_tab:
        catalog_search(index)
    with spotify_tab:
        spotify_search(settings, index)
        from components.music.account import account_panel

        account_panel(settings, index)
