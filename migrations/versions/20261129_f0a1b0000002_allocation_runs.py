"""Allocation runs: the choices of a staff allocation and, once computed (in the request or as a
background job), the assignment found

Revision ID: f0a1b0000002
Revises: f0a1b0000001
Create Date: 2026-11-29 05:05:26.608789

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f0a1b0000002'
down_revision = 'f0a1b0000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('allocation_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('collective_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('unit_ids', sa.JSON(), nullable=False),
    sa.Column('starter_ids', sa.JSON(), nullable=False),
    sa.Column('min_score', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=64), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('min_score BETWEEN 0 AND 100', name=op.f('ck_allocation_runs_allocation_min_score_range')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_allocation_runs_area_id_areas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['collective_id'], ['collectives.id'], name=op.f('fk_allocation_runs_collective_id_collectives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_allocation_runs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_allocation_runs_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_runs'))
    )
    with op.batch_alter_table('allocation_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocation_runs_organisation_id'), ['organisation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('allocation_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocation_runs_organisation_id'))

    op.drop_table('allocation_runs')
