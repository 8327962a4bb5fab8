"""Users in a shared library: note owners and sharing, per-user reading state.

* ``note.owner`` (indexed) and ``note.shared``: existing notes belong to the
  primary user.
* ``library_meta`` records the **primary user** — whoever runs this upgrade
  (``TUIREADER_USER``, else the OS user), i.e. the person the library belonged
  to until now.  Their read/starred/archived flags, reading positions and
  openings are the article columns as they stand: nothing is copied, so an
  upgraded one-person library keeps its state and its list indexes.
* ``user_state`` holds every other user's state, one row per (user, article)
  that differs from the default.

Plain ``ALTER TABLE ... ADD COLUMN`` (no batch table rebuild) keeps SQLite's
FTS triggers on ``note`` in place.

Revision ID: 0004_owners
Revises: 0003_pg_search
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_owners"
down_revision = "0003_pg_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from tuireader.store.users import PRIMARY_USER_KEY, current_user

    op.add_column("note", sa.Column("owner", sa.String(), nullable=False, server_default=""))
    op.add_column(
        "note", sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_index("ix_note_owner", "note", ["owner"], unique=False)
    op.create_table(
        "library_meta",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "user_state",
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("read", sa.Boolean(), nullable=False),
        sa.Column("starred", sa.Boolean(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("reading_position", sa.Integer(), nullable=False),
        sa.Column("last_opened", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("username", "article_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_user_state_read", "user_state", ["username", "read"], unique=False)
    op.create_index("ix_user_state_starred", "user_state", ["username", "starred"], unique=False)
    op.create_index("ix_user_state_archived", "user_state", ["username", "archived"], unique=False)
    op.create_index("ix_user_state_article", "user_state", ["article_id"], unique=False)

    primary = current_user()
    meta = sa.table("library_meta", sa.column("key"), sa.column("value"))
    op.execute(meta.insert().values(key=PRIMARY_USER_KEY, value=primary))
    note = sa.table("note", sa.column("owner"))
    op.execute(note.update().values(owner=primary))


def downgrade() -> None:
    for name in (
        "ix_user_state_article",
        "ix_user_state_archived",
        "ix_user_state_starred",
        "ix_user_state_read",
    ):
        op.drop_index(name, table_name="user_state")
    op.drop_table("user_state")
    op.drop_table("library_meta")
    op.drop_index("ix_note_owner", table_name="note")
    # SQLite 3.35+ and PostgreSQL drop a column in place (no rebuild, the triggers stay).
    op.execute("ALTER TABLE note DROP COLUMN shared")
    op.execute("ALTER TABLE note DROP COLUMN owner")
