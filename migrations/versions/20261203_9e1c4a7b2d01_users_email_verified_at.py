"""When a user confirmed the e-mail address; an unconfirmed account publishes and applies for
nothing. Every existing account counts as confirmed (from its creation): its owner has used it
since, and the mails it had got there.

Revision ID: 9e1c4a7b2d01
Revises: 3f79a45087dc
Create Date: 2026-12-03 13:22:05.356044

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e1c4a7b2d01'
down_revision = '3f79a45087dc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
    users = sa.table('users', sa.column('created_at', sa.DateTime(timezone=True)),
                     sa.column('email_verified_at', sa.DateTime(timezone=True)))
    op.execute(users.update().values(email_verified_at=users.c.created_at))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
