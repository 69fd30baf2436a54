"""document photos of the embedded population register

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'register_photo',
        sa.Column('document_number', sa.String(length=20), nullable=False),
        sa.Column('pinfl', sa.String(length=14), nullable=False),
        sa.Column('media_type', sa.String(length=40), nullable=False),
        sa.Column('image', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['pinfl'], ['register_entry.pinfl'], name=op.f('fk_register_photo_pinfl_register_entry'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('document_number', name=op.f('pk_register_photo')),
    )
    with op.batch_alter_table('register_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_photo_pinfl'), ['pinfl'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('register_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_photo_pinfl'))
    op.drop_table('register_photo')
