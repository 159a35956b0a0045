"""The terms of use and the privacy statement in numbered versions the platform admin
publishes, and each user's acceptance of a version (at registration, or when asked after a
new version). Without a published version the text shipped with the software applies.

Revision ID: 9e1c4a7b2d02
Revises: 9e1c4a7b2d01
Create Date: 2026-12-03 13:22:05.356044

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e1c4a7b2d02'
down_revision = '9e1c4a7b2d01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('legal_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('terms', 'privacy', name='legalkind', native_enum=False, length=15), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('version > 0', name=op.f('ck_legal_texts_version_positive')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_legal_texts_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_texts')),
    sa.UniqueConstraint('kind', 'version', name='version_per_kind')
    )
    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('terms', 'privacy', name='legalkind', native_enum=False, length=15), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consents_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index('ix_consents_user_kind', ['user_id', 'kind'], unique=False)


def downgrade():
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index('ix_consents_user_kind')
    op.drop_table('consents')
    op.drop_table('legal_texts')
