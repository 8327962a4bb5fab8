"""Full-text search: SQLite FTS5 indexes over articles, comments and notes.

External-content FTS5 tables kept in step by triggers, so every writer — the
ORM, Core bulk inserts, another process — updates the index in the same
transaction.  The article trigger fires only when title or text change, so
marking read or starring an article does not touch the index.  Other engines
skip this revision (their search has its own migration).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TOKENIZE = "unicode61 remove_diacritics 2"

# table -> the columns its FTS5 index covers
INDEXED = {"article": ("title", "text"), "comment": ("author", "text"), "note": ("text", "quote")}


def _statements(table: str, columns: tuple[str, ...]) -> list[str]:
    fts = f"{table}_fts"
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}',"
        f" content_rowid='id', tokenize='{TOKENIZE}')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        # Only a change to an indexed column touches the index (not marking read).
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN {delete} {insert} END",
        # Index what the library already holds.
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in INDEXED.items():
        for statement in _statements(table, columns):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in INDEXED:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {table}_fts")
