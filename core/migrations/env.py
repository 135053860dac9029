"""Alembic environment: always run on the connection core.db.migrate opens (it holds the lock)."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
