"""Saved searches (a unit search's query string, mailed daily or weekly), the units each
digest sent (once per search), and favourite units.

Revision ID: 24f02a366185
Revises: 24e6c61f252c
Create Date: 2026-12-04 16:26:57.061236

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '24f02a366185'
down_revision = '24e6c61f252c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('query', sa.String(length=1000), server_default='', nullable=False),
    sa.Column('frequency', sa.Enum('daily', 'weekly', name='digestfrequency', native_enum=False, length=14), nullable=False),
    sa.Column('mailing', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_digest_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_searches_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_searches'))
    )
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_searches_user_id'), ['user_id'], unique=False)

    op.create_table('favourites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_favourites_unit_id_units'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_favourites_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_favourites')),
    sa.UniqueConstraint('user_id', 'unit_id', name='uq_favourite_once')
    )
    with op.batch_alter_table('favourites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_favourites_unit_id'), ['unit_id'], unique=False)

    op.create_table('saved_search_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('search_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['search_id'], ['saved_searches.id'], name=op.f('fk_saved_search_units_search_id_saved_searches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_saved_search_units_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_search_units')),
    sa.UniqueConstraint('search_id', 'unit_id', name='uq_digest_unit_once')
    )
    with op.batch_alter_table('saved_search_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_search_units_search_id'), ['search_id'], unique=False)



def downgrade():
    with op.batch_alter_table('saved_search_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_search_units_search_id'))

    op.drop_table('saved_search_units')
    with op.batch_alter_table('favourites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_favourites_unit_id'))

    op.drop_table('favourites')
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_searches_user_id'))

    op.drop_table('saved_searches')
