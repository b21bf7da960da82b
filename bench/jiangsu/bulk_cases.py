"""The rest of a year's cases in bulk, for benchmarks that need the 1/10 table size (2M cases)
without loading every district through the importers (30+ minutes on this machine).

Not a product path, and said so wherever it is used: the districts a benchmark loaded through
the importers and the case-history generator are copied, in SQL, into the districts it did not
load. Each copy keeps the source case's sub-type, state, dates, title, assignments and timeline;
the district code at the head of its number, grid, beat and unit codes becomes the target
district's (every code under a district starts with its six digits), its tracking code gets a
two-character suffix (unique: the originals are ten characters), and it has no reporter or
address (those belong to the source district). The copies land in districts no benchmark user
works in, so a grid worker's own grid keeps the cases the generator gave it (~200 a year at 1/10)
while the tables, their indexes and the planner's statistics are the size of 2M cases.
"""

from __future__ import annotations

import time

from bench.jiangsu.places import districts

CASE_COLUMNS = [
    "source",
    "subtype_id",
    "title",
    "description",
    "lon",
    "lat",
    "source_crs",
    "reporter_name",
    "reporter_phone_masked",
    "reporter_phone_enc",
    "urgency",
    "sensitivity",
    "state",
    "version",
    "sign_on_started",
    "sign_on_due",
    "handle_started",
    "handle_due",
    "paused_at",
    "extension_requested",
    "rework_count",
    "rating",
    "followups_failed",
    "last_followup_at",
    "result",
    "reported_at",
    "closed_at",
]
ASSIGNMENT_COLUMNS = ["unit_kind", "unit_name", "lead", "active", "assigned_at", "signed_on_at"]
TIMELINE_COLUMNS = [
    "at",
    "actor_name",
    "action",
    "from_state",
    "to_state",
    "comment",
    "details",
    "deadline",
]


def _recode(column: str) -> str:
    """SQL: the column with the source district's six digits replaced by the target's."""
    return (
        f"CASE WHEN {column} LIKE %(src)s || '%%' THEN %(dst)s || substr({column}, 7)"
        f" ELSE {column} END"
    )


def _copy_district(cursor: object, src: str, dst: str, suffix: str, limit: int) -> int:
    """Copy up to `limit` of district `src`'s cases (oldest first) into district `dst`."""
    cols = ", ".join(CASE_COLUMNS)
    params = {"src": src, "dst": dst, "suffix": suffix, "limit": limit}
    cursor.execute(  # type: ignore[attr-defined]
        f"""INSERT INTO cases_case ({cols}, number, tracking_code, grid_code, beat_code)
        SELECT {cols}, %(dst)s || substr(number, 7), tracking_code || %(suffix)s,
               {_recode("grid_code")}, {_recode("beat_code")}
        FROM cases_case WHERE number LIKE %(src)s || '-%%' ORDER BY id LIMIT %(limit)s""",
        params,
    )
    made = cursor.rowcount  # type: ignore[attr-defined]
    pairs = """FROM cases_case old JOIN cases_case new
        ON new.number = %(dst)s || substr(old.number, 7)
        WHERE old.number LIKE %(src)s || '-%%'"""
    cols = ", ".join(ASSIGNMENT_COLUMNS)
    cursor.execute(  # type: ignore[attr-defined]
        f"""INSERT INTO cases_caseassignment (case_id, unit_code, {cols})
        SELECT new.id, {_recode("a.unit_code")}, {", ".join("a." + c for c in ASSIGNMENT_COLUMNS)}
        {pairs.replace("WHERE", "JOIN cases_caseassignment a ON a.case_id = old.id WHERE")}""",
        params,
    )
    cols = ", ".join(TIMELINE_COLUMNS)
    cursor.execute(  # type: ignore[attr-defined]
        f"""INSERT INTO cases_timelineentry (case_id, {cols})
        SELECT new.id, {", ".join("t." + c for c in TIMELINE_COLUMNS)}
        {pairs.replace("WHERE", "JOIN cases_timelineentry t ON t.case_id = old.id WHERE")}""",
        params,
    )
    return int(made)


def add_cases(loaded: list[str], total: int) -> int:
    """Copy the loaded districts' cases into the other districts of the province until the
    table holds `total` cases (or every other district holds a copy); returns how many were
    added. Prints the rate and ANALYZEs the tables after."""
    from django.db import connection, transaction

    from outpost.cases.models import Case

    have = Case.objects.count()
    targets = [d[0] for d in districts() if d[0] not in loaded]
    if total <= have or not loaded:
        return 0
    per_district = -(-(total - have) // len(targets))  # the rest spread over the others
    started, made, used = time.perf_counter(), 0, 0
    for i, dst in enumerate(targets):
        if made >= total - have:
            break
        limit = min(per_district, total - have - made)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")  # a throwaway database
            made += _copy_district(cursor, loaded[i % len(loaded)], dst, f"{i:02d}", limit)
        used += 1
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case, cases_caseassignment, cases_timelineentry")
    took = time.perf_counter() - started
    print(
        f"  cases copied in bulk (NOT through the product): {made:,} into "
        f"{used} districts in {took:.0f} s ({made / took:,.0f}/s)",
        flush=True,
    )
    return made
