"""document photos of the embedded population register; the register-photo enrollment route

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa
import idp.db


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
    op.create_table(
        'enrollment_register_evidence',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('created_at', idp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('accepted', sa.Boolean(), nullable=False),
        sa.Column('reasons', sa.JSON(), nullable=False),
        sa.Column('register_match', sa.JSON(), nullable=False),
        sa.Column('mrz_source', sa.String(length=8), nullable=False),
        sa.Column('face_match', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['enrollment_case.id'],
                                name=op.f('fk_enrollment_register_evidence_case_id_enrollment_case'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_register_evidence')),
    )
    with op.batch_alter_table('enrollment_register_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_register_evidence_case_id'), ['case_id'], unique=False)
    with op.batch_alter_table('enrollment_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('register_evidence_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('register_at', idp.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('enrollment_case', schema=None) as batch_op:
        batch_op.drop_column('register_at')
        batch_op.drop_column('register_evidence_id')
    with op.batch_alter_table('enrollment_register_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_register_evidence_case_id'))
    op.drop_table('enrollment_register_evidence')
    with op.batch_alter_table('register_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_photo_pinfl'))
    op.drop_table('register_photo')
