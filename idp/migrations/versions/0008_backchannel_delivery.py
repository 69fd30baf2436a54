"""back-channel logout deliveries, sent after the logout commits

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa
import idp.db


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'oidc_backchannel_delivery',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('client_id', sa.String(length=64), nullable=False),
        sa.Column('sid', sa.String(length=36), nullable=True),
        sa.Column('sub', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=32), nullable=True),
        sa.Column('created_at', idp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', idp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('claimed_until', idp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_attempt_at', idp.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('delivered_at', idp.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['client_id'], ['oidc_client.client_id'],
                                name=op.f('fk_oidc_backchannel_delivery_client_id_oidc_client'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_backchannel_delivery')),
    )
    with op.batch_alter_table('oidc_backchannel_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oidc_backchannel_delivery_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_oidc_backchannel_delivery_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('oidc_backchannel_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oidc_backchannel_delivery_status'))
        batch_op.drop_index(batch_op.f('ix_oidc_backchannel_delivery_client_id'))
    op.drop_table('oidc_backchannel_delivery')
