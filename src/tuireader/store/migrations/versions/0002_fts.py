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

STATEMENTS = [
    f"""CREATE VIRTUAL TABLE article_fts USING fts5(
        title, text, content='article', content_rowid='id', tokenize='{TOKENIZE}')""",
    """CREATE TRIGGER article_fts_ai AFTER INSERT ON article BEGIN
        INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    """CREATE TRIGGER article_fts_ad AFTER DELETE ON article BEGIN
        INSERT INTO article_fts(article_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END""",
    """CREATE TRIGGER article_fts_au AFTER UPDATE OF title, text ON article BEGIN
        INSERT INTO article_fts(article_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    f"""CREATE VIRTUAL TABLE comment_fts USING fts5(
        author, text, content='comment', content_rowid='id', tokenize='{TOKENIZE}')""",
    """CREATE TRIGGER comment_fts_ai AFTER INSERT ON comment BEGIN
        INSERT INTO comment_fts(rowid, author, text) VALUES (new.id, new.author, new.text);
    END""",
    """CREATE TRIGGER comment_fts_ad AFTER DELETE ON comment BEGIN
        INSERT INTO comment_fts(comment_fts, rowid, author, text)
        VALUES ('delete', old.id, old.author, old.text);
    END""",
    """CREATE TRIGGER comment_fts_au AFTER UPDATE OF author, text ON comment BEGIN
        INSERT INTO comment_fts(comment_fts, rowid, author, text)
        VALUES ('delete', old.id, old.author, old.text);
        INSERT INTO comment_fts(rowid, author, text) VALUES (new.id, new.author, new.text);
    END""",
    f"""CREATE VIRTUAL TABLE note_fts USING fts5(
        text, quote, content='note', content_rowid='id', tokenize='{TOKENIZE}')""",
    """CREATE TRIGGER note_fts_ai AFTER INSERT ON note BEGIN
        INSERT INTO note_fts(rowid, text, quote) VALUES (new.id, new.text, new.quote);
    END""",
    """CREATE TRIGGER note_fts_ad AFTER DELETE ON note BEGIN
        INSERT INTO note_fts(note_fts, rowid, text, quote)
        VALUES ('delete', old.id, old.text, old.quote);
    END""",
    """CREATE TRIGGER note_fts_au AFTER UPDATE OF text, quote ON note BEGIN
        INSERT INTO note_fts(note_fts, rowid, text, quote)
        VALUES ('delete', old.id, old.text, old.quote);
        INSERT INTO note_fts(rowid, text, quote) VALUES (new.id, new.text, new.quote);
    END""",
    # Index what the first schema already holds.
    "INSERT INTO article_fts(article_fts) VALUES ('rebuild')",
    "INSERT INTO comment_fts(comment_fts) VALUES ('rebuild')",
    "INSERT INTO note_fts(note_fts) VALUES ('rebuild')",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in ("article", "comment", "note"):
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {table}_fts")
