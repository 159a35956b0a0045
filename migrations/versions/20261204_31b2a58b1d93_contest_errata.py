"""Contest errata: a dated correction published on a contest after its call went out, or a
deadline (entries or public vote) moved forward, shown on the public page.

Revision ID: 31b2a58b1d93
Revises: 448389f58a6d
Create Date: 2026-12-04 16:39:22.202133

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '31b2a58b1d93'
down_revision = '448389f58a6d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contest_errata',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('deadline', sa.String(length=20), nullable=True),
    sa.Column('old_date', sa.Date(), nullable=True),
    sa.Column('new_date', sa.Date(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('text IS NOT NULL OR (deadline IS NOT NULL AND new_date > old_date)', name=op.f('ck_contest_errata_erratum_text_or_later_deadline')),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_contest_errata_contest_id_contests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_contest_errata_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_errata'))
    )
    with op.batch_alter_table('contest_errata', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_errata_contest_id'), ['contest_id'], unique=False)



def downgrade():
    with op.batch_alter_table('contest_errata', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_errata_contest_id'))

    op.drop_table('contest_errata')
