"""Music page: picking 1–5 seeds from catalog search, genres, or Spotify search."""

from __future__ import annotations

import re

import streamlit as st

from components.music.account import account_panel
from components.music.spotify import spotify_client
from components.music.state import (
    ADD_ARTIST_PREFIX,
    ADD_GENRE_PREFIX,
    ADD_SPOTIFY_ARTIST_PREFIX,
    ADD_SPOTIFY_PREFIX,
    ADD_TRACK_PREFIX,
    GENRE_PICK,
    QUERY,
    REMOVE_SEED_PREFIX,
    SCOPE,
    SPOTIFY_KIND,
    SPOTIFY_NEXT,
    SPOTIFY_PREVIOUS,
    SPOTIFY_QUERY,
    SPOTIFY_RESULTS,
    MusicState,
    SearchKind,
    add_to_seeds,
    music_state,
    remove_from_seeds,
)
from components.shared.flash import show_flashes
from components.shared.memo import session_memo
from components.shared.text import markdown_text
from core.config import Settings
from core.music.engine import MAX_SEEDS, CatalogIndex, EngineError, Seed
from core.music.seeds import pick_spotify_artist, pick_spotify_track
from core.music.spotify import SearchPage, SpotifyArtist, SpotifyClient, SpotifyError, SpotifyTrack

SEARCH_KINDS: tuple[SearchKind, ...] = ("track", "artist")


def seed_chips(seeds: list[Seed]) -> None:
    show_flashes(SCOPE)
    if not seeds:
        st.caption(f"No seeds yet: search below and add 1 to {MAX_SEEDS} tracks, artists or genres.")
        return
    st.markdown(f"**Seeds** ({len(seeds)} of {MAX_SEEDS}) — click one to remove it")
    columns = st.columns(len(seeds))
    for number, (column, seed) in enumerate(zip(columns, seeds, strict=True)):
        column.button(
            markdown_text(seed.chip),
            key=f"{REMOVE_SEED_PREFIX}{number}",
            icon=":material/close:",
            on_click=remove_from_seeds,
            args=(seed,),
            help=f"{seed.kind}: remove this seed",
            width="stretch",
        )


def _spotify_link(name: str, url: str) -> str:
    """The name as a link to its Spotify page; as plain text if the address is not Spotify's."""
    shown = markdown_text(name)
    if re.fullmatch(r"https://open\.spotify\.com/[A-Za-z0-9/_-]+", url):
        return f"[{shown}]({url})"
    return shown


def genre_label(index: CatalogIndex, genre: str) -> str:
    group = index.genre_groups.get(genre)
    count = f"{len(index.rows_by_genre[genre]):,} tracks"
    return f"{genre} ({group} · {count})" if group and group != genre else f"{genre} ({count})"


def apply_genre_pick(index: CatalogIndex) -> None:
    """The genre box's on_change: its genres become the genre seeds at once (other seeds stay)."""
    state = music_state()
    picked = list(st.session_state[GENRE_PICK])
    for seed in [s for s in state.seeds if s.kind == "genre" and s.value not in picked]:
        remove_from_seeds(seed)
    chosen = {s.value for s in state.seeds if s.kind == "genre"}
    for genre in (g for g in picked if g not in chosen):
        add_to_seeds(Seed("genre", genre, genre))


def genre_picker(index: CatalogIndex, seeds: list[Seed]) -> None:
    """The catalog's genres (its finest ones, with their broad group) as seeds, applied as they are picked."""
    if not index.genres:
        return
    # The box shows the genre seeds, whichever way they were added or removed.
    st.session_state[GENRE_PICK] = [s.value for s in seeds if s.kind == "genre" and s.value in index.rows_by_genre]
    others = sum(1 for s in seeds if s.kind != "genre")
    st.multiselect(
        f"Genres ({len(index.genres)} in this catalog; type to filter, e.g. “rock”)",
        index.genres,
        format_func=lambda genre: genre_label(index, genre),
        key=GENRE_PICK,
        on_change=apply_genre_pick,
        args=(index,),
        max_selections=max(1, MAX_SEEDS - others),
        placeholder="Pick one or more genres",
        wrap=True,
    )


def catalog_search(index: CatalogIndex) -> None:
    query = st.text_input(
        "Search the catalog: song title, artist or genre",
        key=QUERY,
        placeholder="e.g. coldplay, bohemian rhapsody, rock",
    )
    if not query.strip():
        return
    tracks = index.search_tracks(query, limit=8)
    artists = index.search_artists(query, limit=4)
    genres = index.search_genres(query, limit=4)
    if tracks.empty and not artists and not genres:
        st.warning(f"Nothing in the catalog matches “{markdown_text(query)}”. Try fewer words or another spelling.")
        return
    box = st.container(height=260, border=True)
    for row in tracks.itertuples():
        left, right = box.columns([6, 1], vertical_alignment="center")
        details = " · ".join(x for x in (row.genre, row.album) if x)
        left.text(f"♪ {row.track_name} — {row.artist}" + (f"  ({details})" if details else ""))
        right.button(
            "Add",
            key=f"{ADD_TRACK_PREFIX}{row.track_id}",
            on_click=add_to_seeds,
            args=(Seed("track", str(row.track_id), f"{row.track_name} — {row.artist}"),),
        )
    for artist in artists:
        left, right = box.columns([6, 1], vertical_alignment="center")
        left.text(f"Artist: {artist} ({len(index.rows_by_artist[artist.lower()])} tracks)")
        right.button(
            "Add", key=f"{ADD_ARTIST_PREFIX}{artist}", on_click=add_to_seeds, args=(Seed("artist", artist, artist),)
        )
    for genre in genres:
        left, right = box.columns([6, 1], vertical_alignment="center")
        left.text(f"Genre: {genre} ({len(index.rows_by_genre[genre]):,} tracks)")
        right.button(
            "Add", key=f"{ADD_GENRE_PREFIX}{genre}", on_click=add_to_seeds, args=(Seed("genre", genre, genre),)
        )


def add_spotify_track(index: CatalogIndex, track: SpotifyTrack) -> None:
    add_to_seeds(pick_spotify_track(index, track))


def add_spotify_artist(index: CatalogIndex, artist: SpotifyArtist) -> None:
    add_to_seeds(pick_spotify_artist(index, artist))


def search_spotify(client: SpotifyClient, kind: SearchKind, query: str, page: int) -> SearchPage:
    """One request per new search or page, not one per rerun of the page."""

    def ask() -> SearchPage:
        with st.spinner("Searching Spotify…"):
            return client.search_tracks(query, page) if kind == "track" else client.search_artists(query, page)

    return session_memo(SPOTIFY_RESULTS, (kind, query, page), ask)


def spotify_search(settings: Settings, index: CatalogIndex, state: MusicState) -> None:
    client = spotify_client(settings)
    if client is None:
        st.caption(
            ":material/radio_button_unchecked: Spotify search: not configured. Paste a client ID and "
            "secret under “Keys for this session” in the sidebar (developer.spotify.com → Dashboard → "
            "Create app). Everything else works without it."
        )
        return
    kind_col, query_col = st.columns([1, 4], vertical_alignment="bottom")
    kind: SearchKind = kind_col.radio("Search for", SEARCH_KINDS, key=SPOTIFY_KIND, horizontal=True)
    query = query_col.text_input(
        f"Search Spotify for an {kind}" if kind == "artist" else "Search Spotify for a track",
        key=SPOTIFY_QUERY,
    )
    if not query.strip():
        return
    page = state.spotify_page.get((kind, query), 0)
    try:
        result = search_spotify(client, kind, query, page)
    except SpotifyError as exc:
        st.error(markdown_text(str(exc)), icon=":material/cloud_off:")
        return
    if not result.items:
        st.info(f"Spotify found nothing for “{markdown_text(query)}”.")
        return
    for item in result.items:
        cover, text, button = st.columns([1, 6, 1], vertical_alignment="center")
        if item.image_url:
            cover.image(item.image_url, width=48)
        if kind == "track":
            text.markdown(f"{_spotify_link(item.name, item.url)} — {markdown_text(', '.join(item.artists))}")
            button.button("Add", key=f"{ADD_SPOTIFY_PREFIX}{item.id}", on_click=add_spotify_track, args=(index, item))
        else:
            genres = f" · {markdown_text(', '.join(item.genres[:3]))}" if item.genres else ""
            text.markdown(f"{_spotify_link(item.name, item.url)}{genres}")
            button.button(
                "Add",
                key=f"{ADD_SPOTIFY_ARTIST_PREFIX}{item.id}",
                on_click=add_spotify_artist,
                args=(index, item),
            )
    previous, info, following = st.columns([1, 3, 1], vertical_alignment="center")
    info.caption(f"Results {result.offset + 1}–{result.offset + len(result.items)} of {result.total:,}")
    if result.has_previous and previous.button("◀ Previous", key=SPOTIFY_PREVIOUS):
        state.spotify_page = {(kind, query): page - 1}
        st.rerun()
    if result.has_next and following.button("Next ▶", key=SPOTIFY_NEXT):
        state.spotify_page = {(kind, query): page + 1}
        st.rerun()


def seed_averages(index: CatalogIndex, seeds: list[Seed]) -> dict[str, float]:
    """The seeds' average of each feature (where targets start), {} with a message for an unknown seed."""
    try:
        return index.seed_values(seeds)
    except EngineError as exc:  # a seed from another catalog
        st.warning(markdown_text(f"{exc} Remove that seed."))
        return {}


def seeds_panel(settings: Settings, index: CatalogIndex, state: MusicState) -> list[Seed]:
    """Chips of the chosen seeds and the ways to add more; returns the seeds."""
    seed_chips(state.seeds)
    catalog_tab, spotify_tab = st.tabs(["Catalog search", "Spotify search"])
    with catalog_tab:
        genre_picker(index, state.seeds)
        catalog_search(index)
    with spotify_tab:
        spotify_search(settings, index, state)
        account_panel(settings, index)
    return state.seeds
