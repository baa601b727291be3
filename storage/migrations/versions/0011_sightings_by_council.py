"""finding_documents: the council of each sighting, and its act numbers and subjects indexed by council

A document's deliberations are matched to the findings of its council by act number or subject.
With the council only on ``findings``, SQLite (without statistics) read every sighting of the
council for each document analysed: a cost growing with the council's history. The council on
the sighting, in front of the act number and of the subject key, makes it one index lookup.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('finding_documents') as batch:
        batch.add_column(sa.Column('source_id', sa.String(length=100), nullable=True))
    op.execute(
        sa.text(
            'UPDATE finding_documents SET source_id = '
            '(SELECT findings.source_id FROM findings WHERE findings.id = finding_documents.finding_id)'
        )
    )
    with op.batch_alter_table('finding_documents') as batch:
        batch.drop_index('ix_finding_documents_act_number')
        batch.drop_index('ix_finding_documents_subject_key')
        batch.create_index('ix_finding_documents_source_act', ['source_id', 'act_number'])
        batch.create_index('ix_finding_documents_source_subject', ['source_id', 'subject_key'])


def downgrade() -> None:
    with op.batch_alter_table('finding_documents') as batch:
        batch.drop_index('ix_finding_documents_source_subject')
        batch.drop_index('ix_finding_documents_source_act')
        batch.create_index('ix_finding_documents_subject_key', ['subject_key'])
        batch.create_index('ix_finding_documents_act_number', ['act_number'])
        batch.drop_column('source_id')
