"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'crawl_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('command', sa.String(length=40), nullable=False),
        sa.Column(
            'started_at',
            storage.types.UTCDateTime(timezone=True),
            server_default=sa.text('(CURRENT_TIMESTAMP)'),
            nullable=False,
        ),
        sa.Column('finished_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('exit_code', sa.Integer(), nullable=True),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_crawl_runs')),
    )
    op.create_table(
        'sources',
        sa.Column('id', sa.String(length=100), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('official_code', sa.String(length=40), nullable=True),
        sa.Column('platform', sa.String(length=40), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('timezone', sa.String(length=60), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('origin', sa.String(length=40), nullable=False),
        sa.Column('config', sa.JSON(), nullable=False),
        sa.Column(
            'created_at',
            storage.types.UTCDateTime(timezone=True),
            server_default=sa.text('(CURRENT_TIMESTAMP)'),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    )
    op.create_table(
        'subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('urls', sa.JSON(), nullable=False),
        sa.Column('apprise_config', sa.Text(), nullable=True),
        sa.Column('tags', sa.JSON(), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('mode', sa.String(length=40), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('paused', sa.Boolean(), nullable=False),
        sa.Column('failing_since', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_digest_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            'created_at',
            storage.types.UTCDateTime(timezone=True),
            server_default=sa.text('(CURRENT_TIMESTAMP)'),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriptions')),
        sa.UniqueConstraint('name', name=op.f('uq_subscriptions_name')),
    )
    op.create_table(
        'documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.String(length=100), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('title', sa.Text(), nullable=True),
        sa.Column('meeting_date', sa.Date(), nullable=True),
        sa.Column('adoption_date', sa.Date(), nullable=True),
        sa.Column('published_date', sa.Date(), nullable=True),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('media_type', sa.String(length=100), nullable=True),
        sa.Column('size', sa.Integer(), nullable=True),
        sa.Column('content_hash', sa.String(length=64), nullable=True),
        sa.Column('etag', sa.Text(), nullable=True),
        sa.Column('last_modified', sa.String(length=64), nullable=True),
        sa.Column('status', sa.String(length=40), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('acte_id', sa.String(length=120), nullable=True),
        sa.Column('votes', sa.JSON(), nullable=True),
        sa.Column('extra', sa.JSON(), nullable=False),
        sa.Column('lexicon_version', sa.String(length=40), nullable=True),
        sa.Column(
            'first_seen_at',
            storage.types.UTCDateTime(timezone=True),
            server_default=sa.text('(CURRENT_TIMESTAMP)'),
            nullable=False,
        ),
        sa.Column('last_checked_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('changed_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('analysed_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['source_id'], ['sources.id'], name=op.f('fk_documents_source_id_sources'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
        sa.UniqueConstraint('source_id', 'url', name=op.f('uq_documents_source_id')),
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_content_hash'), ['content_hash'], unique=False)
        batch_op.create_index('ix_documents_status', ['status'], unique=False)

    op.create_table(
        'source_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=True),
        sa.Column('source_id', sa.String(length=100), nullable=False),
        sa.Column('started_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('status', sa.String(length=40), nullable=False),
        sa.Column('finish_reason', sa.String(length=100), nullable=True),
        sa.Column('requests', sa.Integer(), nullable=False),
        sa.Column('documents_new', sa.Integer(), nullable=False),
        sa.Column('documents_changed', sa.Integer(), nullable=False),
        sa.Column('documents_unchanged', sa.Integer(), nullable=False),
        sa.Column('documents_failed', sa.Integer(), nullable=False),
        sa.Column('errors', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('duration_s', sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ['run_id'], ['crawl_runs.id'], name=op.f('fk_source_runs_run_id_crawl_runs'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['source_id'], ['sources.id'], name=op.f('fk_source_runs_source_id_sources'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_source_runs')),
    )
    with op.batch_alter_table('source_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_runs_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_runs_source_id'), ['source_id'], unique=False)

    op.create_table(
        'hits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('category', sa.String(length=40), nullable=False),
        sa.Column('vendor', sa.String(length=100), nullable=True),
        sa.Column('matched', sa.Text(), nullable=False),
        sa.Column('page', sa.Integer(), nullable=False),
        sa.Column('start', sa.Integer(), nullable=False),
        sa.Column('end', sa.Integer(), nullable=False),
        sa.Column('snippet', sa.Text(), nullable=False),
        sa.Column('score', sa.Double(), nullable=False),
        sa.Column('lexicon_version', sa.String(length=40), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column(
            'created_at',
            storage.types.UTCDateTime(timezone=True),
            server_default=sa.text('(CURRENT_TIMESTAMP)'),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ['document_id'], ['documents.id'], name=op.f('fk_hits_document_id_documents'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_hits')),
        sa.UniqueConstraint('document_id', 'fingerprint', name=op.f('uq_hits_document_id')),
    )
    with op.batch_alter_table('hits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hits_document_id'), ['document_id'], unique=False)

    op.create_table(
        'pages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('method', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ['document_id'], ['documents.id'], name=op.f('fk_pages_document_id_documents'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pages')),
        sa.UniqueConstraint('document_id', 'number', name=op.f('uq_pages_document_id')),
    )
    op.create_table(
        'deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('hit_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=40), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('claimed_by', sa.String(length=100), nullable=True),
        sa.Column('claimed_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('sent_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('message_key', sa.String(length=64), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column(
            'created_at',
            storage.types.UTCDateTime(timezone=True),
            server_default=sa.text('(CURRENT_TIMESTAMP)'),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(['hit_id'], ['hits.id'], name=op.f('fk_deliveries_hit_id_hits'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['subscription_id'],
            ['subscriptions.id'],
            name=op.f('fk_deliveries_subscription_id_subscriptions'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
        sa.UniqueConstraint('subscription_id', 'hit_id', name=op.f('uq_deliveries_subscription_id')),
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_status', ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_status')

    op.drop_table('deliveries')
    op.drop_table('pages')
    with op.batch_alter_table('hits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hits_document_id'))

    op.drop_table('hits')
    with op.batch_alter_table('source_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_runs_source_id'))
        batch_op.drop_index(batch_op.f('ix_source_runs_run_id'))

    op.drop_table('source_runs')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_status')
        batch_op.drop_index(batch_op.f('ix_documents_content_hash'))

    op.drop_table('documents')
    op.drop_table('subscriptions')
    op.drop_table('sources')
    op.drop_table('crawl_runs')
