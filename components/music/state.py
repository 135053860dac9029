"""The Music recommender's session state (one object under one key) and its widget keys.

`MusicState.link()` is the part that survives a reload or travels in a shared link
(components/music/link.py writes it to the URL and reads it back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from components.shared.flash import flash
from components.shared.session import tool_state
from core.music.catalog import CatalogReport
from core.music.engine import Recommendations, Seed
from core.music.link import MusicLink, SeedRef, Tuning
from core.music.seeds import SeedPick, add_seed

SCOPE = "music"  # flash messages and the URL link
STATE = "music.state"
SearchKind = Literal["track", "artist"]

# Per-session values kept with components.shared.memo.session_memo (signature = their inputs).
SPOTIFY_CLIENT = "music.spotify_client"
SPOTIFY_USER = "music.spotify_user"
SPOTIFY_RESULTS = "music.spotify_results"

# Widget keys. A *_PREFIX is completed with a feature name, track id, artist, genre or number.
PICK_CATALOG = "music.pick_catalog"
DELETE_DAMAGED = "music.delete_damaged"
SOURCE = "music.source"
DOWNLOAD = "music.download"
UPLOAD = "music.upload"
USE_UPLOAD = "music.use_upload"
LOCAL_PATH = "music.local_path"
LOAD_LOCAL = "music.load_local"
QUERY = "music.query"
GENRE_PICK = "music.genres"
ADD_TRACK_PREFIX = "music.add_track."
ADD_ARTIST_PREFIX = "music.add_artist."
ADD_GENRE_PREFIX = "music.add_genre."
REMOVE_SEED_PREFIX = "music.remove_seed."
SPOTIFY_KIND = "music.spotify_kind"
SPOTIFY_QUERY = "music.spotify_query"
ADD_SPOTIFY_PREFIX = "music.add_spotify."
ADD_SPOTIFY_ARTIST_PREFIX = "music.add_spotify_artist."
SPOTIFY_PREVIOUS = "music.spotify_prev"
SPOTIFY_NEXT = "music.spotify_next"
LOGIN_CODE = "music.login_code"
FINISH_LOGIN = "music.finish_login"
TOP_TRACKS = "music.top_tracks"
LOGOUT = "music.logout"
PLAYLIST_NAME = "music.playlist_name"
SAVE_PLAYLIST = "music.save_playlist"
RANGE_PREFIX = "music.range."
USE_TARGET_PREFIX = "music.use_target."
TARGET_PREFIX = "music.target."
LIMIT = "music.limit"
ARTIST_CAP = "music.artist_cap"
ALBUM_CAP = "music.album_cap"
ONE_VERSION = "music.one_version"
DIVERSITY = "music.diversity"
TARGET_WEIGHT = "music.target_weight"
RECOMMEND = "music.go"
TABLE = "music.table"
FETCH_COVERS = "music.fetch_covers"
EXPORT = "music.export"
PLAY = "music.play"
PLAYER_ON = "music.player_on"
RADAR = "music.radar"
MAP = "music.map"


@dataclass
class MusicState:
    catalog: str | None = None  # the catalog id this session uses
    seeds: list[Seed] = field(default_factory=list)
    tuning: Tuning = field(default_factory=Tuning)  # filters, targets, limit, per-artist cap, variety, strength
    result: Recommendations | None = None
    result_for: tuple[list[Seed], Tuning] | None = None  # the seeds and tuning `result` was made for
    recompute: bool = False  # a restored link showed a list: make it again
    fresh_report: CatalogReport | None = None  # the report of a catalog just loaded, shown once
    covers: dict[str, str] = field(default_factory=dict)  # track id -> cover URL from Spotify
    spotify_page: dict[tuple[SearchKind, str], int] = field(default_factory=dict)  # (kind, query) -> page

    @property
    def listed(self) -> bool:
        """A list is shown and it was made for the current seeds and tuning."""
        return self.result is not None and self.result_for == (self.seeds, self.tuning)

    def set_seeds(self, seeds: list[Seed]) -> None:
        if seeds != self.seeds:
            self.seeds = seeds
            self.forget_result()

    def set_result(self, result: Recommendations) -> None:
        self.result, self.result_for = result, (list(self.seeds), self.tuning)

    def forget_result(self) -> None:
        self.result, self.result_for = None, None

    def use_catalog(self, catalog_id: str, report: CatalogReport | None = None) -> None:
        """Switch to another catalog: its seeds, list and covers start empty."""
        self.catalog, self.fresh_report = catalog_id, report
        self.seeds, self.covers = [], {}
        self.forget_result()

    def link(self) -> MusicLink:
        refs = [SeedRef(seed.kind, seed.value) for seed in self.seeds]
        return MusicLink(self.catalog, refs, self.tuning, self.listed)


def music_state() -> MusicState:
    return tool_state(STATE, MusicState)


def add_to_seeds(pick: SeedPick | Seed) -> None:
    """Add a seed (a button's on_click, or after a Spotify answer) and queue the note to show."""
    state = music_state()
    seeds, note = add_seed(state.seeds, pick)
    state.set_seeds(seeds)
    if note is not None:
        flash(SCOPE, note.level, note.text)


def remove_from_seeds(seed: Seed) -> None:
    state = music_state()
    state.set_seeds([s for s in state.seeds if s != seed])
