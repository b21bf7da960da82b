import time, cProfile, pstats
import pytest
from django.test import override_settings
from tests.conftest import GULOU
from outpost.geo.boundaries import import_boundaries
from outpost.accounts.demo import create_demo_accounts, create_staff_roster

@pytest.mark.django_db(transaction=True)
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_it_times():
    from outpost.geo.models import Grid
    print(Grid.objects.count())
    t=time.time(); 
    pr = cProfile.Profile(); pr.enable()
    create_demo_accounts(); print("demo", time.time()-t); t=time.time()
    pr.disable(); pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
    create_staff_roster(); print("roster", time.time()-t)
