import json
import pytest
from django.test import Client

@pytest.mark.django_db
def test_x(commander, home_grid, anonymous):
    c = Client(enforce_csrf_checks=True); c.force_login(commander.user)
    r = c.patch("/api/v1/geo/grids/" + home_grid.code, data=json.dumps({"name": "X"}), content_type="application/json")
    print(r.status_code, r.content[:300])
    r = commander.client.get("/api/v1/geo/locate?lon=inf&lat=32")
    print(r.status_code, r.content[:300])
    r = commander.client.get("/api/v1/geo/locate?lon=118.7&lat=32&crs=foo")
    print(r.status_code, r.content[:300])
    r = anonymous.get("/areas/grids/%s/" % home_grid.code)
    print(r.status_code, r["Location"])
    r = commander.client.get("/areas/grids/%s/" % home_grid.code)
    print(r.status_code, r.content.decode()[1500:])
