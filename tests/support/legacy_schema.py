"""The library's SQLite schema as the code before migrations created it (core/videos/library.py and
study/review.py): the tests migrate it, the library bench runs the old raw-sqlite3 library on it."""

LEGACY_SCHEMA = """
CREATE TABLE IF NOT EXISTS videos (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, source_kind TEXT NOT NULL, source TEXT NOT NULL, duration REAL,
    created REAL NOT NULL, updated REAL NOT NULL, status TEXT NOT NULL, error TEXT, warning TEXT,
    media_file TEXT, media_mime TEXT, transcript_source TEXT, language TEXT
);
CREATE TABLE IF NOT EXISTS chat_turns (
    video_id TEXT NOT NULL, turn INTEGER NOT NULL, turn_json TEXT NOT NULL, PRIMARY KEY (video_id, turn)
);
CREATE TABLE IF NOT EXISTS quiz_progress (video_id TEXT PRIMARY KEY, progress_json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS flashcards (
    video_id TEXT NOT NULL, card_id TEXT NOT NULL, card_json TEXT NOT NULL, fsrs_json TEXT NOT NULL,
    due TEXT NOT NULL, reviews INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (video_id, card_id)
);
CREATE TABLE IF NOT EXISTS flashcard_decks (video_id TEXT PRIMARY KEY, built_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS flashcard_reviews (
    video_id TEXT NOT NULL, card_id TEXT NOT NULL, rating TEXT NOT NULL, reviewed_at TEXT NOT NULL,
    due_after TEXT NOT NULL
);
"""
