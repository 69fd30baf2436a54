"""audit log as a Merkle tree with signed tree heads

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

Existing records keep their hash chain (prev_hash, hash stay as they were);
new records are written without a chain and get a leaf in the tree when the
sealer runs. The first seal puts the old records in the tree as well.
"""
from alembic import op
import sqlalchemy as sa
import idp.db


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.add_column(sa.Column("leaf_index", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("leaf_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_leaf_index"), ["leaf_index"])
    op.create_table(
        "audit_tree_head",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("frontier", sa.JSON(), nullable=False),
        sa.Column("created_at", idp.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_audit_tree_head")),
    )


def downgrade() -> None:
    op.drop_table("audit_tree_head")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_event_leaf_index"), type_="unique")
        batch_op.drop_column("leaf_hash")
        batch_op.drop_column("leaf_index")
