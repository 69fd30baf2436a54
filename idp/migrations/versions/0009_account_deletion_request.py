"""A citizen's request to delete their account, kept through the waiting period.

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

import idp.db


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'account_deletion_request',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('account_id', sa.String(length=36), nullable=False),
        sa.Column('requested_at', idp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('due_at', idp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('cancelled_at', idp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('erased_at', idp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_account_deletion_request_account_id'), 'account_deletion_request', ['account_id'])
    op.create_index(op.f('ix_account_deletion_request_due_at'), 'account_deletion_request', ['due_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_account_deletion_request_due_at'), table_name='account_deletion_request')
    op.drop_index(op.f('ix_account_deletion_request_account_id'), table_name='account_deletion_request')
    op.drop_table('account_deletion_request')
