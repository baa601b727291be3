"""alerts: channels, rate caps, per-channel delivery progress

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 20:48:12.290865
"""

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'channels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('label', sa.Text(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('failing_since', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_sent_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['subscription_id'],
            ['subscriptions.id'],
            name=op.f('fk_channels_subscription_id_subscriptions'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_channels')),
        sa.UniqueConstraint('subscription_id', 'key', name=op.f('uq_channels_subscription_id')),
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        # Existing deliveries have reached no channel yet as far as this column knows.
        batch_op.add_column(sa.Column('sent_channels', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))

    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rate_cap', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('queued_until', storage.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_column('queued_until')
        batch_op.drop_column('rate_cap')

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('sent_channels')

    op.drop_table('channels')
