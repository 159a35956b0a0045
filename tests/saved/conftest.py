import pytest

from vrijstad.units.models import UnitStatus


@pytest.fixture
def starter(make_user):
    return make_user("starter", name="Sanne Start")


@pytest.fixture
def listed(make_unit):
    """A unit put on offer now (a digest sends units listed after its search was saved)."""
    from vrijstad import clock

    def make(**values):
        return make_unit(status=UnitStatus.LISTED, listed_at=clock.now(), **values)

    return make
