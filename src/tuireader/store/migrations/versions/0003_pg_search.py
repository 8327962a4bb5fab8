"""Full-text search on PostgreSQL: tsvector columns with GIN indexes.

Each searchable table gets a stored generated column ``search_vector`` —
article title (weight A) and text (B), comment author (A) and text (B), note
text (A) and quote (B) — under the ``simple`` configuration (no stemming, no
stop words: the same words match as with SQLite's unicode61 tokenizer), with a
GIN index.  PostgreSQL keeps the columns in step on every write, whoever writes.

``tuireader_tsvector`` builds the vector and never fails: a tsvector holds at
most 1 MB, so a body too large for it is indexed by a shorter prefix (and, as a
last resort, without word positions) instead of refusing the write.

SQLite skips this revision (its FTS5 tables come from 0002).

Revision ID: 0003_pg_search
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003_pg_search"
down_revision = "0002"
branch_labels = None
depends_on = None

FUNCTION = r"""
CREATE OR REPLACE FUNCTION tuireader_tsvector(head text, body text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN setweight(to_tsvector('simple'::regconfig, coalesce(left(head, 10000), '')), 'A')
        || setweight(to_tsvector('simple'::regconfig, coalesce(left(body, 1000000), '')), 'B');
EXCEPTION WHEN program_limit_exceeded THEN
    BEGIN
        RETURN setweight(to_tsvector('simple'::regconfig, coalesce(left(head, 1000), '')), 'A')
            || setweight(to_tsvector('simple'::regconfig, coalesce(left(body, 150000), '')), 'B');
    EXCEPTION WHEN program_limit_exceeded THEN
        RETURN strip(setweight(to_tsvector('simple'::regconfig,
            coalesce(left(head, 1000), '') || ' ' || coalesce(left(body, 20000), '')), 'B'));
    END;
END
$$
"""

COLUMNS = {
    "article": ("title", "text"),
    "comment": ("author", "text"),
    "note": ("text", "quote"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    for table, (head, body) in COLUMNS.items():
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS (tuireader_tsvector({head}, {body})) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
    op.execute("DROP FUNCTION IF EXISTS tuireader_tsvector(text, text)")
