"""Service guides: the shipped catalogue (loaded by the data migration) and a request in the
home grid."""

import pytest

from outpost.geo.models import Grid
from outpost.guides import services
from outpost.guides.models import Matter, ServiceRequest


def ask(
    grid: Grid, code: str = "senior-card", mode: str = "on_behalf", **more: str
) -> ServiceRequest:
    new = services.NewServiceRequest(
        matter=Matter.objects.get(code=code),
        mode=mode,
        resident_name=more.get("name", "王阿姨"),
        phone=more.get("phone", "13912345678"),
        address="中山路83号102室",
        grid=grid,
        note="腿脚不便",
    )
    return services.create_service_request(new, actor=None)


@pytest.fixture
def request_in_home(home_grid: Grid, grid_worker: object) -> ServiceRequest:
    """A 代办 request for the senior card, routed to the home grid's worker."""
    return ask(home_grid)
