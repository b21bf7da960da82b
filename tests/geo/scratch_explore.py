import cProfile, pstats
import pytest

@pytest.mark.django_db
def test_x(home_grid):
    from tests.conftest import _persona
    pr = cProfile.Profile(); pr.enable()
    _persona("c", "street_commander", "320106001000")
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
