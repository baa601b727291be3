"""listings: every listing page of a complete crawl, with a hash of its body and the Accept it was asked with

The rows written before this revision hold only each source's start listing: a pre-check that
trusted them would miss a change on a sub-page (the flaw this revision fixes). They are deleted;
the next complete crawl of each source records all its listings.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text('DELETE FROM listings'))
    with op.batch_alter_table('listings') as batch:
        batch.add_column(sa.Column('body_hash', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('accept', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('listings') as batch:
        batch.drop_column('accept')
        batch.drop_column('body_hash')
