"""Music page: the recommended list with its reasons, charts, player and CSV export."""

from __future__ import annotations

import logging

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.music.account import save_playlist_panel
from components.music.spotify import spotify_client
from components.music.state import EXPORT, FETCH_COVERS, MAP, PLAY, PLAYER_ON, RADAR, TABLE, MusicState
from components.shared.text import markdown_text
from core.config import Settings
from core.music.engine import CatalogIndex, Recommendations
from core.music.spotify import SpotifyError
from core.spreadsheet import frame_csv

log = logging.getLogger(__name__)

ROLE_COLORS = {
    "filtered out": "#c9c9c9",
    "seed or other version": "#f2b8c6",
    "candidate": "#7fa7d9",
    "result": "#1db954",
    "by a seed artist": "#9b1b47",
    "seed track": "#e0245e",
}
MARKERS = {"seed track": ("star", 13), "by a seed artist": ("diamond", 9), "result": ("circle", 11)}


def spotify_url(track_id: str) -> str:
    return f"https://open.spotify.com/track/{track_id}"


def export_frame(result: Recommendations) -> pd.DataFrame:
    frame = result.tracks.copy()
    frame.insert(0, "rank", range(1, len(frame) + 1))
    frame["spotify_url"] = frame["track_id"].map(spotify_url)
    columns = [
        "rank",
        "track_name",
        "artist",
        "album",
        "genre",
        "spotify_url",
        "track_id",
        "score",
        "rank_reason",
        "why",
    ]
    features = [c for c in frame.columns if c not in columns and c not in ("isrc", "image_url")]
    return frame[columns + features]


def pool_metrics(result: Recommendations) -> None:
    pool = result.pool
    a, b, c, d = st.columns(4)
    a.metric("Candidates near the seeds", f"{pool.initial:,}", help="Like Spotify's initialPoolSize.")
    b.metric(
        "After filters",
        f"{pool.after_filters:,}",
        help="Like Spotify's afterFilteringSize" + (" (search widened to the whole catalog)." if pool.widened else "."),
    )
    c.metric(
        "After removing seeds and versions" if pool.one_version_per_song else "After removing the seeds",
        f"{pool.after_dedupe:,}",
        help="Other versions of a song (live, remaster, radio edit, feat.) count as the same song."
        if pool.one_version_per_song
        else "Every version of a song is kept (switched off under “List size and variety”).",
    )
    d.metric("Recommended", f"{pool.returned:,}")
    for note in result.notes:
        st.info(note, icon=":material/info:")


# Column widths (px) that fit the page beside the sidebar at 1440 px; the grid stretches them on wider
# screens. It wraps text only in rows taller than 4rem, so a row grows until its longest text fits.
WIDTHS = {"Cover": 64, "Title": 150, "Artist": 120, "Genre": 90, "Spotify": 64, "Match": 56}
WHY_WIDTH, REASON_WIDTH = 280, 170
WRAPPED = {"track_name": WIDTHS["Title"], "artist": WIDTHS["Artist"], "genre": WIDTHS["Genre"]}
LINE_PX, CHAR_PX = 20, 7.0  # a line of the grid's 14 px font, and a generous average character width
ROWS_SHOWN = 8


def lines_needed(text: str, width: int) -> int:
    """Lines a text takes when wrapped at word boundaries in a cell of `width` px (8 px padding each side)."""
    per_line = max(1, int((width - 16) / CHAR_PX))
    lines, used = 1, 0
    for word in str(text).split():
        if used and used + 1 + len(word) > per_line:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
        lines += (len(word) - 1) // per_line  # a word longer than a line breaks inside
    return lines


def row_height(frame: pd.DataFrame) -> int:
    columns = {"why": WHY_WIDTH, "rank_reason": REASON_WIDTH, **WRAPPED}
    lines = [lines_needed(text, width) for column, width in columns.items() for text in frame[column]]
    return max(3, *lines) * LINE_PX + 10


def results_table(result: Recommendations, covers: dict[str, str]) -> None:
    frame = result.tracks
    table = pd.DataFrame(
        {
            "Cover": [covers.get(t) or (u or None) for t, u in zip(frame["track_id"], frame["image_url"], strict=True)],
            "Title": frame["track_name"],
            "Artist": frame["artist"],
            "Genre": frame["genre"],
            "Spotify": frame["track_id"].map(spotify_url),
            "Match": (frame["score"] * 100).round().astype(int),
            "Rank reason": frame["rank_reason"],
            "Why": frame["why"],
        }
    )
    if table["Cover"].isna().all():
        table = table.drop(columns="Cover")
    if result.shared:
        st.caption(markdown_text("Not repeated in each row: " + "; ".join(result.shared) + "."))
    height = row_height(frame)
    st.dataframe(
        table,
        hide_index=True,
        row_height=height,
        height=36 + height * min(len(table), ROWS_SHOWN) + 2,
        column_config={
            # Pinned: on a phone the table scrolls sideways and the track stays in view.
            "Cover": st.column_config.ImageColumn("Cover", width=WIDTHS["Cover"], pinned=True),
            "Title": st.column_config.TextColumn("Title", width=WIDTHS["Title"], pinned=True),
            "Artist": st.column_config.TextColumn("Artist", width=WIDTHS["Artist"]),
            "Genre": st.column_config.TextColumn("Genre", width=WIDTHS["Genre"]),
            "Spotify": st.column_config.LinkColumn("Spotify", display_text="Open ↗", width=WIDTHS["Spotify"]),
            "Match": st.column_config.NumberColumn(
                "Match",
                width=WIDTHS["Match"],
                help="Of 100: half the best seed's match, half the average over all seeds (each seed's "
                "match, in “Why”, is 70 % sound, 20 % genre, 10 % artist), minus the distance to your targets "
                "× target strength. Variety reorders the list: “Rank reason” says why a track sits above one "
                "with a higher match.",
            ),
            "Rank reason": st.column_config.TextColumn("Rank reason", width=REASON_WIDTH),
            "Why": st.column_config.TextColumn("Why", width=WHY_WIDTH),
        },
        key=TABLE,
    )


def fetch_covers(settings: Settings, result: Recommendations, covers: dict[str, str]) -> None:
    client = spotify_client(settings)
    if client is None:
        st.caption("Covers come from Spotify: configure it in the sidebar to show them.")
        return
    missing = [t for t in result.tracks["track_id"] if t not in covers]
    if missing and st.button("Show covers (asks Spotify)", key=FETCH_COVERS, icon=":material/image:"):
        try:
            with st.spinner(f"Fetching {len(missing)} covers from Spotify…"):
                for track_id, track in client.tracks(missing).items():
                    if track.image_url:
                        covers[track_id] = track.image_url
        except SpotifyError as exc:
            st.warning(markdown_text(f"Covers not loaded: {exc}"))
        else:
            st.rerun()


def radar_chart(index: CatalogIndex, result: Recommendations) -> go.Figure:
    seeds = index.radar_profile(pd.unique(pd.Series([r for rows in result.seed_rows for r in rows[:500]])))
    results = index.radar_profile(result.result_rows)
    labels = list(seeds)
    figure = go.Figure()
    for name, profile, color in (("Seeds", seeds, "#e0245e"), ("Results", results, "#1db954")):
        figure.add_trace(
            go.Scatterpolar(
                r=[profile[k] for k in labels] + [profile[labels[0]]],
                theta=[*labels, labels[0]],
                name=name,
                fill="toself",
                line={"color": color},
                opacity=0.6,
            )
        )
    figure.update_layout(
        polar={"radialaxis": {"range": [0, 1], "showticklabels": False}},
        margin={"l": 40, "r": 40, "t": 40, "b": 30},
        height=380,
        title="Seeds vs results",
        legend={"orientation": "h"},
    )
    return figure


def pool_map_chart(index: CatalogIndex, result: Recommendations) -> go.Figure:
    points = index.pool_map(result)
    figure = go.Figure()
    for role in ROLE_COLORS:
        part = points[points["role"] == role]
        if part.empty:
            continue
        figure.add_trace(
            go.Scattergl(
                x=part["x"],
                y=part["y"],
                mode="markers",
                name=f"{role} ({len(part):,})",
                marker={
                    "color": ROLE_COLORS[role],
                    "size": MARKERS.get(role, ("circle", 5))[1],
                    "symbol": MARKERS.get(role, ("circle", 5))[0],
                    "line": {"width": 1, "color": "white"} if role in MARKERS else None,
                },
                customdata=part[["track", "artist", "genre"]].to_numpy(),
                hovertemplate="%{customdata[0]} — %{customdata[1]}<br>%{customdata[2]}<extra>" + role + "</extra>",
            )
        )
    figure.update_layout(
        height=380,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        title="Map of the candidate pool",
        xaxis={"showticklabels": False, "title": None},
        yaxis={"showticklabels": False, "title": None},
        legend={"orientation": "h"},
    )
    return figure


def player(result: Recommendations) -> None:
    options = list(range(len(result.tracks)))
    choice = st.selectbox(
        "Listen to a track",
        options,
        format_func=lambda i: f"{i + 1}. {result.tracks['track_name'].iat[i]} — {result.tracks['artist'].iat[i]}",
        key=PLAY,
    )
    why, reason = str(result.tracks["why"].iat[choice]), str(result.tracks["rank_reason"].iat[choice])
    st.caption(markdown_text(f"Why this track: {why}. At rank {choice + 1}: {reason}."))
    # Spotify's player comes from open.spotify.com: without the internet it would be a grey, broken box,
    # so it loads only when asked, and says what it needs.
    if st.toggle(
        "Spotify's player (needs the internet)",
        key=PLAYER_ON,
        help="A 30 s preview, or the whole track when this browser is logged in to Spotify.",
    ):
        track_id = str(result.tracks["track_id"].iat[choice])
        st.iframe(f"https://open.spotify.com/embed/track/{track_id}", height=152)


def results_panel(settings: Settings, index: CatalogIndex, state: MusicState) -> None:
    result = state.result
    if result is None:
        return
    pool_metrics(result)
    results_table(result, state.covers)
    fetch_covers(settings, result, state.covers)
    st.download_button(
        "Export CSV",
        frame_csv(export_frame(result)).encode(),
        file_name="recommendations.csv",
        mime="text/csv",
        icon=":material/download:",
        key=EXPORT,
        on_click="ignore",
    )
    save_playlist_panel(settings, result)
    player(result)
    left, right = st.columns(2)
    with left:
        st.plotly_chart(radar_chart(index, result), key=RADAR)
        st.caption("Average of each feature, as a share of its range (tempo 0–250 BPM, loudness −60–5 dB).")
    with right:
        st.plotly_chart(pool_map_chart(index, result), key=MAP)
        st.caption(
            "Every candidate placed by its sound (the two main axes of the standardized features): grey ones "
            "were removed by the filters, pink ones are the seeds' other versions, green ones were picked, "
            "red stars are the seed tracks, dark diamonds up to 10 tracks of each seed artist; a genre seed "
            "is no point of its own. The number after each name counts its points."
        )
