"""The placement states: agreed, active, ended (the agreement is signed on paper, unrecorded)."""

import sqlalchemy as sa
from flask_migrate import upgrade

from vrijstad import create_app
from vrijstad.extensions import db
from vrijstad.letting.models import PLACEMENT_FLOW, Placement, PlacementStatus


def test_an_agreed_placement_goes_to_active_or_ended():
    assert PLACEMENT_FLOW.sources(PlacementStatus.ACTIVE) == {PlacementStatus.AGREED}
    assert [status.value for status in PlacementStatus] == ["agreed", "active", "ended"]


def test_the_migration_makes_a_signed_placement_active(tmp_path):
    """A placement once marked signed had its agreement; it loads as active."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
    with app.app_context():
        upgrade(revision="9e1c4a7b2d02")
        with db.engine.begin() as conn:  # SQLite does not enforce the foreign keys here
            conn.execute(
                sa.text(
                    "INSERT INTO placements (unit_id, starter_id, status, kind, start_date, "
                    "end_date, base_fee_cents_per_month, turnover_basis_points, deposit_cents, "
                    "starter_trade_name, created_at) VALUES (1, 1, :status, 'whole_unit', "
                    "'2026-01-01', '2027-01-01', 0, 0, 0, 'Oud', '2025-12-01 09:30:00.000000')"
                ),
                [{"status": "signed"}, {"status": "agreed"}],
            )
        upgrade(revision="heads")
        statuses = db.session.scalars(sa.select(Placement.status).order_by(Placement.id)).all()
        assert statuses == [PlacementStatus.ACTIVE, PlacementStatus.AGREED]
        db.session.remove()
        db.engine.dispose()
