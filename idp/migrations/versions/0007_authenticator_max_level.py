"""authenticators remember the level of the session that enrolled them

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("authenticator", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_level", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("authenticator", schema=None) as batch_op:
        batch_op.drop_column("max_level")
