"""locale columns hold uz_Cyrl (eight characters)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLES = ("account", "enrollment_case", "consular_appointment", "consular_visit")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("locale", existing_type=sa.String(length=5), type_=sa.String(length=8),
                                  existing_nullable=False)


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("locale", existing_type=sa.String(length=8), type_=sa.String(length=5),
                                  existing_nullable=False)
