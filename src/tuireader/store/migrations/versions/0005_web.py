"""Feeds and pages from the web: feed options, an index for URL look-ups, kept images.

- ``source.full_text``: fetch the full page of summary-only entries when syncing.
- ``source.categories``: the feed's categories (a JSON list of names, from OPML);
  the articles of the feed get them as tags.
- an index on ``article.canonical_url`` (an article is found by its URL or its
  canonical URL when a page or a feed entry is saved again).
- ``article_image``: images kept offline, numbered per article, stored as
  content-addressed files (``sha256``) in the data directory.

Revision ID: 0005_web
Revises: 0004_owners
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_web"
down_revision = "0004_owners"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("full_text", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("categories", sa.Text(), nullable=True))
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.create_index("ix_article_canonical_url", ["canonical_url"], unique=False)
    op.create_table(
        "article_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("alt", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=True),
        sa.Column("content_type", sa.String(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "number", name="uq_article_image_number"),
    )
    with op.batch_alter_table("article_image", schema=None) as batch_op:
        batch_op.create_index("ix_article_image_sha256", ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("article_image", schema=None) as batch_op:
        batch_op.drop_index("ix_article_image_sha256")
    op.drop_table("article_image")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_index("ix_article_canonical_url")
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_column("categories")
        batch_op.drop_column("full_text")
