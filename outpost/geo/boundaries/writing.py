"""Writing a checked batch: upserts that touch only what changed, old shapes kept with dates."""

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Model

from outpost.geo.boundaries.reading import Batch, Record
from outpost.geo.geometry import area_m2, to_geojson_text
from outpost.geo.models import (
    BoundaryKind,
    BoundaryVersion,
    CommandRoom,
    Division,
    Grid,
    OutpostStation,
    PoliceBeat,
    PoliceUnit,
)

LEVEL_ORDER = {
    "province": 0,
    "city": 1,
    "district": 2,
    "street": 3,
    "community": 4,
    "bureau": 0,
    "sub_bureau": 1,
    "station": 2,
}


class Writer:
    """Applies one batch; `counts` says what happened to each kind of record."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.counts: Counter[str] = Counter()
        self.reshaped = False

    def apply(self, batch: Batch) -> None:
        for r in sorted(batch.divisions, key=lambda r: LEVEL_ORDER[r.props["level"]]):
            self._division(r)
        for r in batch.outlines:
            self._outline(r)
        for r in sorted(batch.units, key=lambda r: LEVEL_ORDER[r.props["level"]]):
            self._unit(r)
        for r in batch.grids:
            self._grid(r)
        for r in batch.beats:
            self._beat(r)
        self._companions()

    def _upsert(self, model: type[Model], kind: str, code: str, fields: dict[str, Any]) -> Any:
        obj: Any = model._default_manager.filter(code=code).first()
        if obj is None:
            self.counts[f"{kind}_created"] += 1
            self.reshaped |= "geometry" in fields
            return model._default_manager.create(code=code, **fields)
        changed = {k: v for k, v in fields.items() if _differs(getattr(obj, k), v)}
        if not changed:
            self.counts[f"{kind}_unchanged"] += 1
            return obj
        if "geometry" in changed and obj.geometry:
            self._keep_old_shape(kind, obj)
            changed["boundary_since"] = self.today
        for key, value in changed.items():
            setattr(obj, key, value)
        obj.save(update_fields=[*changed, "updated_at"])
        self.counts[f"{kind}_updated"] += 1
        return obj

    def _keep_old_shape(self, kind: str, obj: Any) -> None:
        self.reshaped = True
        BoundaryVersion.objects.create(
            kind=kind,
            code=obj.code,
            geometry=obj.geometry,
            valid_from=obj.boundary_since or self.today,
            valid_to=self.today,
        )

    def _division(self, r: Record) -> None:
        parent = Division.objects.filter(code=r.props.get("parent_code")).first()
        self._upsert(
            Division,
            BoundaryKind.DIVISION,
            r.code,
            {"name": r.props["name"], "level": r.props["level"], "parent": parent},
        )

    def _outline(self, r: Record) -> None:
        assert r.geometry is not None
        division = Division.objects.get(code=r.code)
        text = to_geojson_text(r.geometry)
        if division.geometry != text:
            if division.geometry:
                self._keep_old_shape(BoundaryKind.DIVISION, division)
            division.geometry, division.boundary_since = text, self.today
            division.save(update_fields=["geometry", "boundary_since", "updated_at"])
            self.counts["outline_updated"] += 1
        else:
            self.counts["outline_unchanged"] += 1

    def _unit(self, r: Record) -> None:
        p = r.props
        self._upsert(
            PoliceUnit,
            "unit",
            r.code,
            {
                "name": p["name"],
                "level": p["level"],
                "parent": PoliceUnit.objects.filter(code=p.get("parent_code")).first(),
                "street": Division.objects.filter(code=p.get("street_code")).first(),
            },
        )

    def _grid(self, r: Record) -> None:
        assert r.geometry is not None
        self._upsert(
            Grid,
            BoundaryKind.GRID,
            r.code,
            {
                "name": r.props["name"],
                "grid_type": r.props.get("grid_type", ""),
                "community": Division.objects.get(code=r.props["community_code"]),
                "geometry": to_geojson_text(r.geometry),
                "area_m2": round(area_m2(r.geometry), 1),
                "boundary_since": _since(Grid, r.code, self.today),
            },
        )

    def _beat(self, r: Record) -> None:
        assert r.geometry is not None
        self._upsert(
            PoliceBeat,
            BoundaryKind.BEAT,
            r.code,
            {
                "name": r.props["name"],
                "station": PoliceUnit.objects.get(code=r.props["station_code"]),
                "geometry": to_geojson_text(r.geometry),
                "area_m2": round(area_m2(r.geometry), 1),
                "boundary_since": _since(PoliceBeat, r.code, self.today),
            },
        )

    def _companions(self) -> None:
        """One 平安前哨 per community and one command room per station, made once."""
        for community in Division.objects.filter(level="community", outpost__isnull=True):
            OutpostStation.objects.create(community=community, name=f"{community.name}平安前哨")
            self.counts["outpost_created"] += 1
        for station in PoliceUnit.objects.filter(level="station", command_room__isnull=True):
            base = station.name.removesuffix("派出所")
            CommandRoom.objects.create(station=station, name=f"{base}警网联动指挥室")
            self.counts["command_room_created"] += 1


def _since(model: type[Grid] | type[PoliceBeat], code: str, today: dt.date) -> dt.date:
    """Keep the stored start date unless the shape changes (then `_upsert` sets today)."""
    current = model.objects.filter(code=code).values_list("boundary_since", flat=True).first()
    return current or today


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, float) and isinstance(new, float):
        return abs(old - new) > 0.5
    return old != new
