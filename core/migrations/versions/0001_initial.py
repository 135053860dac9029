"""The schema the library had before migrations: videos, chat turns, quiz progress, flashcards.

Files made by that code have these tables and no alembic_version, so this revision creates only what
is missing (and the `origin` column of cards made before cards knew where they came from).
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())
    if "videos" not in existing:
        op.create_table(
            "videos",
            sa.Column("id", sa.Text, primary_key=True),
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
        )
    if "chat_turns" not in existing:
        op.create_table(
            "chat_turns",
            sa.Column("video_id", sa.Text, primary_key=True),
            sa.Column("turn", sa.Integer, primary_key=True),
            sa.Column("turn_json", sa.Text, nullable=False),
        )
    if "quiz_progress" not in existing:
        op.create_table(
            "quiz_progress",
            sa.Column("video_id", sa.Text, primary_key=True),
            sa.Column("progress_json", sa.Text, nullable=False),
        )
    if "flashcards" not in existing:
        op.create_table(
            "flashcards",
            sa.Column("video_id", sa.Text, primary_key=True),
            sa.Column("card_id", sa.Text, primary_key=True),
            sa.Column("card_json", sa.Text, nullable=False),
            sa.Column("fsrs_json", sa.Text, nullable=False),
            sa.Column("due", sa.Text, nullable=False),
            sa.Column("reviews", sa.Integer, nullable=False, server_default="0"),
            sa.Column("position", sa.Integer, nullable=False, server_default="0"),
            sa.Column("origin", sa.Text, nullable=False, server_default="generated"),
        )
    elif "origin" not in {c["name"] for c in inspector.get_columns("flashcards")}:
        op.add_column("flashcards", sa.Column("origin", sa.Text, nullable=False, server_default="generated"))
    if "flashcard_decks" not in existing:
        op.create_table(
            "flashcard_decks",
            sa.Column("video_id", sa.Text, primary_key=True),
            sa.Column("built_at", sa.Text, nullable=False),
        )
    if "flashcard_reviews" not in existing:
        op.create_table(
            "flashcard_reviews",
            sa.Column("video_id", sa.Text, nullable=False),
            sa.Column("card_id", sa.Text, nullable=False),
            sa.Column("rating", sa.Text, nullable=False),
            sa.Column("reviewed_at", sa.Text, nullable=False),
            sa.Column("due_after", sa.Text, nullable=False),
        )


def downgrade() -> None:
    for table in ("flashcard_reviews", "flashcard_decks", "flashcards", "quiz_progress", "chat_turns", "videos"):
        op.drop_table(table)
