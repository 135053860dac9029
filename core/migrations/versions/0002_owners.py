"""Every row gets its owner (core.spaces), part of each key, so one shared server keeps owners apart.

The rows already there belong to the owner who opens the file (a SQLite library file is one space's).
Cards get `added`, their insertion order, which orders cards of equal position portably (SQLite's
rowid did). Each table is rebuilt: new keys need a new table on SQLite.
"""

import sqlalchemy as sa
from alembic import context, op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _owner() -> sa.Column:
    return sa.Column("owner", sa.Text, nullable=False)


TABLES: dict[str, tuple[list[sa.Column | sa.Constraint | sa.Index], list[str]]] = {
    "videos": (
        [
            _owner(),
            sa.Column("id", sa.Text, nullable=False),
            sa.Column("title", sa.Text, nullable=False),
            sa.Column("source_kind", sa.Text, nullable=False),
            sa.Column("source", sa.Text, nullable=False),
            sa.Column("duration", sa.Float),
            sa.Column("created", sa.Float, nullable=False),
            sa.Column("updated", sa.Float, nullable=False),
            sa.Column("status", sa.Text, nullable=False),
            sa.Column("error", sa.Text),
            sa.Column("warning", sa.Text),
            sa.Column("media_file", sa.Text),
            sa.Column("media_mime", sa.Text),
            sa.Column("transcript_source", sa.Text),
            sa.Column("language", sa.Text),
            sa.PrimaryKeyConstraint("owner", "id", name="pk_videos"),
        ],
        [
            "id",
            "title",
            "source_kind",
            "source",
            "duration",
            "created",
            "updated",
            "status",
            "error",
            "warning",
            "media_file",
            "media_mime",
            "transcript_source",
            "language",
        ],
    ),
    "chat_turns": (
        [
            _owner(),
            sa.Column("video_id", sa.Text, nullable=False),
            sa.Column("turn", sa.Integer, nullable=False),
            sa.Column("turn_json", sa.Text, nullable=False),
            sa.PrimaryKeyConstraint("owner", "video_id", "turn", name="pk_chat_turns"),
        ],
        ["video_id", "turn", "turn_json"],
    ),
    "quiz_progress": (
        [
            _owner(),
            sa.Column("video_id", sa.Text, nullable=False),
            sa.Column("progress_json", sa.Text, nullable=False),
            sa.PrimaryKeyConstraint("owner", "video_id", name="pk_quiz_progress"),
        ],
        ["video_id", "progress_json"],
    ),
    "flashcards": (
        [
            _owner(),
            sa.Column("video_id", sa.Text, nullable=False),
            sa.Column("card_id", sa.Text, nullable=False),
            sa.Column("card_json", sa.Text, nullable=False),
            sa.Column("fsrs_json", sa.Text, nullable=False),
            sa.Column("due", sa.Text, nullable=False),
            sa.Column("reviews", sa.Integer, nullable=False, server_default="0"),
            sa.Column("position", sa.Integer, nullable=False, server_default="0"),
            sa.Column("origin", sa.Text, nullable=False, server_default="generated"),
            sa.Column("added", sa.Integer, nullable=False, server_default="0"),
            sa.PrimaryKeyConstraint("owner", "video_id", "card_id", name="pk_flashcards"),
        ],
        ["video_id", "card_id", "card_json", "fsrs_json", "due", "reviews", "position", "origin"],
    ),
    "flashcard_decks": (
        [
            _owner(),
            sa.Column("video_id", sa.Text, nullable=False),
            sa.Column("built_at", sa.Text, nullable=False),
            sa.PrimaryKeyConstraint("owner", "video_id", name="pk_flashcard_decks"),
        ],
        ["video_id", "built_at"],
    ),
    "flashcard_reviews": (
        [
            _owner(),
            sa.Column("video_id", sa.Text, nullable=False),
            sa.Column("card_id", sa.Text, nullable=False),
            sa.Column("rating", sa.Text, nullable=False),
            sa.Column("reviewed_at", sa.Text, nullable=False),
            sa.Column("due_after", sa.Text, nullable=False),
        ],
        ["video_id", "card_id", "rating", "reviewed_at", "due_after"],
    ),
}


def upgrade() -> None:
    owner = str(context.config.attributes.get("legacy_owner", "shared"))
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name, (elements, copied) in TABLES.items():
        legacy = f"legacy_{name}"
        op.rename_table(name, legacy)
        op.create_table(name, *elements)
        columns = ", ".join(copied)
        extra_target, extra_value = "", ""
        if name == "flashcards":
            extra_target = ", added"
            extra_value = ", rowid" if sqlite else ", CAST(ROW_NUMBER() OVER (ORDER BY position) AS INTEGER)"
        op.get_bind().execute(
            sa.text(
                f"INSERT INTO {name} (owner, {columns}{extra_target}) "
                f"SELECT :owner, {columns}{extra_value} FROM {legacy}"
            ),
            {"owner": owner},
        )
        op.drop_table(legacy)
    op.create_index("ix_flashcard_reviews_owner_video", "flashcard_reviews", ["owner", "video_id"])


def downgrade() -> None:
    raise NotImplementedError("the owners cannot be taken out of a shared database")
