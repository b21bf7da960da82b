"""Fast inserts for large imports: plain executemany, or COPY on PostgreSQL.

The ORM's bulk_create spends most of its time building model instances and preparing each value;
an import of 100k rows cannot afford that. Callers pass values already in database form for the
simple column types used here (text, numbers, booleans, dates, datetimes, JSON).
"""

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import DateField, DateTimeField, JSONField, Model


def insert_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows of values (in the order of `fields`) in one statement or COPY."""
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    adapters = [_adapter(meta.get_field(name)) for name in fields]
    if any(adapters):
        rows = _adapted(rows, adapters)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, table, quoted, rows)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)


def _adapted(rows: Sequence[Sequence[Any]], adapters: list[Any]) -> list[tuple[Any, ...]]:
    """The rows with each adapter applied down its column (a column at a time is ~5x cheaper
    than a test per value)."""
    columns = list(zip(*rows, strict=True))
    for i, adapt in enumerate(adapters):
        if adapt:
            columns[i] = tuple(map(adapt, columns[i]))
    return list(zip(*columns, strict=True))


def _copy(cursor: Any, table: str, columns: str, rows: Sequence[Sequence[Any]]) -> None:
    raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
    with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _adapter(field: Any) -> Any:
    """A converter for the columns whose values the driver cannot take as they are."""
    if isinstance(field, JSONField):
        return _json
    if connection.vendor == "postgresql":
        return None
    if isinstance(field, DateTimeField):
        return _memo(connection.ops.adapt_datetimefield_value)
    if isinstance(field, DateField):
        return _memo(lambda v: v.isoformat() if isinstance(v, dt.date) else v)
    return None


def _json(value: Any) -> str:
    # Imports mostly write empty flag lists: skip the encoder for those.
    if value == [] and value.__class__ is list:
        return "[]"
    return json.dumps(value, ensure_ascii=False)


def _memo(convert: Any) -> Any:
    # Import rows share one timestamp and many dates; convert each distinct value once.
    seen: dict[Any, Any] = {}

    def adapt(value: Any) -> Any:
        if value not in seen:
            seen[value] = convert(value)
        return seen[value]

    return adapt
