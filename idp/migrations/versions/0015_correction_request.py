"""A citizen's request that the population register correct one field.

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

import idp.db


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'correction_request',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('account_id', sa.String(length=36), nullable=False),
        sa.Column('field', sa.String(length=32), nullable=False),
        sa.Column('open_field', sa.String(length=32), nullable=True),
        sa.Column('current_value', sa.String(length=100), nullable=True),
        sa.Column('requested_value', sa.String(length=100), nullable=False),
        sa.Column('explanation', sa.String(length=1000), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('answer', sa.String(length=2000), nullable=True),
        sa.Column('decided_by', sa.String(length=100), nullable=True),
        sa.Column('created_at', idp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', idp.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('account_id', 'open_field', name='uq_correction_request_open_field'),
    )
    op.create_index(op.f('ix_correction_request_account_id'), 'correction_request', ['account_id'])
    op.create_index(op.f('ix_correction_request_status'), 'correction_request', ['status'])


def downgrade() -> None:
    op.drop_index(op.f('ix_correction_request_status'), table_name='correction_request')
    op.drop_index(op.f('ix_correction_request_account_id'), table_name='correction_request')
    op.drop_table('correction_request')
