"""findings: one deliberation per row, its sightings in documents, deliveries per finding; councils' coordinates

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0008'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'findings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.String(length=100), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('act_number', sa.String(length=60), nullable=True),
        sa.Column('act_label', sa.String(length=120), nullable=True),
        sa.Column('subject', sa.Text(), nullable=True),
        sa.Column('meeting_date', sa.Date(), nullable=True),
        sa.Column('categories', sa.JSON(), nullable=False),
        sa.Column('vendors', sa.JSON(), nullable=False),
        sa.Column('amounts', sa.JSON(), nullable=False),
        sa.Column('subsidies', sa.JSON(), nullable=False),
        sa.Column('vote', sa.JSON(), nullable=True),
        sa.Column('quotes', sa.JSON(), nullable=False),
        sa.Column('kinds', sa.JSON(), nullable=False),
        sa.Column('score', sa.Double(), nullable=False),
        sa.Column('status', sa.String(length=40), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('history', sa.JSON(), nullable=False),
        sa.Column('news_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            'first_seen_at',
            storage.types.UTCDateTime(timezone=True),
            server_default=sa.text('(CURRENT_TIMESTAMP)'),
            nullable=False,
        ),
        sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['source_id'], ['sources.id'], name=op.f('fk_findings_source_id_sources'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_findings')),
        sa.UniqueConstraint('source_id', 'key', name=op.f('uq_findings_source_id')),
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_findings_act_number'), ['act_number'], unique=False)
        batch_op.create_index('ix_findings_news_at', ['news_at'], unique=False)

    op.create_table(
        'finding_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('first_page', sa.Integer(), nullable=True),
        sa.Column('last_page', sa.Integer(), nullable=True),
        sa.Column('act_number', sa.String(length=60), nullable=True),
        sa.Column('act_label', sa.String(length=120), nullable=True),
        sa.Column('subject', sa.Text(), nullable=True),
        sa.Column('subject_key', sa.String(length=200), nullable=True),
        sa.Column('amounts', sa.JSON(), nullable=False),
        sa.Column('subsidies', sa.JSON(), nullable=False),
        sa.Column('vote', sa.JSON(), nullable=True),
        sa.Column(
            'seen_at',
            storage.types.UTCDateTime(timezone=True),
            server_default=sa.text('(CURRENT_TIMESTAMP)'),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ['document_id'],
            ['documents.id'],
            name=op.f('fk_finding_documents_document_id_documents'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['finding_id'], ['findings.id'], name=op.f('fk_finding_documents_finding_id_findings'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_finding_documents')),
        sa.UniqueConstraint('finding_id', 'document_id', name=op.f('uq_finding_documents_finding_id')),
    )
    with op.batch_alter_table('finding_documents', schema=None) as batch_op:
        batch_op.create_index('ix_finding_documents_act_number', ['act_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_finding_documents_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finding_documents_subject_key'), ['subject_key'], unique=False)

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('finding_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('news', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.alter_column('hit_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f('ix_deliveries_finding_id'), ['finding_id'], unique=False)
        batch_op.create_unique_constraint(
            'uq_deliveries_finding_revision', ['subscription_id', 'finding_id', 'revision']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_deliveries_finding_id_findings'), 'findings', ['finding_id'], ['id'], ondelete='CASCADE'
        )

    with op.batch_alter_table('hits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('finding_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_hits_finding_id'), ['finding_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_hits_finding_id_findings'), 'findings', ['finding_id'], ['id'], ondelete='SET NULL'
        )

    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')

    with op.batch_alter_table('hits', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_hits_finding_id_findings'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_hits_finding_id'))
        batch_op.drop_column('finding_id')

    # Deliveries of findings have no hit: they cannot be kept in the older schema.
    op.execute("DELETE FROM deliveries WHERE hit_id IS NULL")
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deliveries_finding_id_findings'), type_='foreignkey')
        batch_op.drop_constraint('uq_deliveries_finding_revision', type_='unique')
        batch_op.drop_index(batch_op.f('ix_deliveries_finding_id'))
        batch_op.alter_column('hit_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column('news')
        batch_op.drop_column('revision')
        batch_op.drop_column('finding_id')

    with op.batch_alter_table('finding_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_documents_subject_key'))
        batch_op.drop_index(batch_op.f('ix_finding_documents_document_id'))
        batch_op.drop_index('ix_finding_documents_act_number')

    op.drop_table('finding_documents')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_news_at')
        batch_op.drop_index(batch_op.f('ix_findings_act_number'))

    op.drop_table('findings')
