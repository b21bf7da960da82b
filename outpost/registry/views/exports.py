"""Scoped lists as xlsx: numbers masked, cells safe from formula injection, each export logged."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone

from outpost.accounts.scope import scope_for
from outpost.accounts.signed_in import SignedInRequest
from outpost.core.access import log_access
from outpost.core.xlsx import write_xlsx
from outpost.geo.models import Grid
from outpost.registry import lookups, queries

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _grid_names() -> dict[str, str]:
    """Every grid's name by its code, read once per export (a district has a few hundred)."""
    return dict(Grid.objects.values_list("code", "name"))


def _people(request: SignedInRequest) -> tuple[list[str], Iterable[Sequence[Any]]]:
    found = lookups.search(request.user, request.GET.get("q", ""), "export")
    people = queries.current_only(found.people, bool(request.GET.get("left")))
    people = people.order_by("person_no")
    headers = [
        "人员编号",
        "姓名",
        "性别",
        "出生年份",
        "身份证号",
        "手机号",
        "人口类型",
        "地址",
        "网格编码",
        "网格",
        "核实状态",
    ]
    grids = _grid_names()
    rows = (
        [
            p.person_no,
            p.name,
            p.gender,
            p.birth_date.year,
            p.id_number_masked,
            p.phone_masked,
            p.pop_type,
            p.address.full_text if p.address else "",
            p.grid_code,
            grids.get(p.grid_code, ""),
            p.get_state_display(),
        ]
        for p in people.iterator(chunk_size=2000)
    )
    return headers, rows


def _houses(request: SignedInRequest) -> tuple[list[str], Iterable[Sequence[Any]]]:
    houses = queries.houses_for(request.user, "export").order_by("house_no")
    headers = ["房屋编号", "地址", "用途", "面积", "居住人数", "出租备案号", "网格编码", "网格"]
    grids = _grid_names()
    rows = (
        [
            h.house_no,
            h.address.full_text,
            h.use,
            h.area_m2,
            h.occupants,
            h.rental_filing_no,
            h.grid_code,
            grids.get(h.grid_code, ""),
        ]
        for h in houses.iterator(chunk_size=2000)
    )
    return headers, rows


def _organisations(request: SignedInRequest) -> tuple[list[str], Iterable[Sequence[Any]]]:
    units = queries.organisations_for(request.user, "export").order_by("unit_no")
    headers = [
        "单位编号",
        "名称",
        "统一社会信用代码",
        "类型",
        "地址",
        "法定代表人",
        "联系电话",
        "从业人数",
        "重点单位",
    ]
    rows = (
        [
            u.unit_no,
            u.name,
            u.uscc,
            u.unit_type,
            u.address.full_text,
            u.legal_rep,
            u.contact_phone_masked,
            u.employees,
            "是" if u.is_key_unit else "否",
        ]
        for u in units.iterator(chunk_size=2000)
    )
    return headers, rows


LISTS: dict[str, tuple[str, Callable[[SignedInRequest], Any]]] = {
    "people": ("实有人口", _people),
    "houses": ("实有房屋", _houses),
    "organisations": ("实有单位", _organisations),
}


@login_required
def export_list(request: SignedInRequest, name: str) -> HttpResponse:
    if name not in LISTS or scope_for(request.user, "export").empty:
        raise PermissionDenied
    title, build = LISTS[name]
    try:
        headers, rows = build(request)
    except lookups.TooManyLookups as refused:
        return lookups.too_many(request, refused)
    written = [0]
    body = write_xlsx(headers, _counted(rows, written), title=title)
    log_access(
        actor=request.user,
        action="export",
        object_type=name,
        object_key=lookups.loggable(request.GET.get("q", "")),
        purpose=f"rows={written[0]}",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


def _counted(rows: Iterable[Sequence[Any]], written: list[int]) -> Iterable[Sequence[Any]]:
    """The rows as they go by, counted into written[0] for the log."""
    for row in rows:
        written[0] += 1
        yield row
