"""Vacancy bylaw: the municipality's bylaw as an organisation's setting, and one case per
vacancy spell of a unit under it (reporting duty, consultation, escalation), one open per unit

Revision ID: aa92becc6aee
Revises: 1834bf52aed5
Create Date: 2026-12-04 20:30:58.546778

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'aa92becc6aee'
down_revision = '1834bf52aed5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vacancy_bylaws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('municipality', sa.String(length=160), nullable=False),
    sa.Column('in_force_since', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_vacancy_bylaws_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacancy_bylaws')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_vacancy_bylaws_organisation_id'))
    )
    op.create_table('bylaw_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('report_due', 'reported', 'consult_invited', 'escalated', 'closed', name='bylawstage', native_enum=False, length=23), nullable=False),
    sa.Column('vacant_since', sa.Date(), nullable=False),
    sa.Column('reminded_on', sa.Date(), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=True),
    sa.Column('reported_via', sa.Enum('form', 'letter', 'email', 'phone', 'in_person', name='reportchannel', native_enum=False, length=17), nullable=True),
    sa.Column('invited_on', sa.Date(), nullable=True),
    sa.Column('consult_on', sa.Date(), nullable=True),
    sa.Column('escalated_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_bylaw_cases_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_bylaw_cases_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bylaw_cases'))
    )
    with op.batch_alter_table('bylaw_cases', schema=None) as batch_op:
        batch_op.create_index('ix_bylaw_cases_open_unit', ['unit_id'], unique=True, postgresql_where=sa.text("stage <> 'closed'"), sqlite_where=sa.text("stage <> 'closed'"))
        batch_op.create_index(batch_op.f('ix_bylaw_cases_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_bylaw_cases_unit', ['unit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('bylaw_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_bylaw_cases_unit')
        batch_op.drop_index(batch_op.f('ix_bylaw_cases_organisation_id'))
        batch_op.drop_index('ix_bylaw_cases_open_unit', postgresql_where=sa.text("stage <> 'closed'"), sqlite_where=sa.text("stage <> 'closed'"))

    op.drop_table('bylaw_cases')
    op.drop_table('vacancy_bylaws')
