"""Fast inserts and updates for large imports: plain executemany, or COPY on PostgreSQL.

The ORM's bulk_create spends most of its time building model instances and preparing each value,
and bulk_update building a CASE expression per row and field; an import of 100k rows cannot
afford that. Callers pass values already in database form for the
simple column types used here (text, numbers, booleans, dates, datetimes, JSON).
"""

import datetime as dt
import gc
import json
from collections.abc import Collection, Iterable, Iterator, Sequence, Sized
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connection
from django.db.models import (
    DateField,
    DateTimeField,
    F,
    Field,
    ForeignObjectRel,
    JSONField,
    Lookup,
    Model,
    QuerySet,
)

Q = TypeVar("Q", bound=QuerySet[Any])
IN_CHUNK = 2000  # values in one IN (...): within every database's parameter limit


@contextmanager
def cycles_uncollected() -> Iterator[None]:
    """Python's cycle collector paused for a bulk job. An import holds a few hundred thousand
    rows' tuples and dicts, none of them in a cycle, and every collection of the oldest
    generation walks all of them again: 10-15% of a large import's time, freeing nothing.
    Reference counting still frees everything as before; cycles made meanwhile wait for the
    next collection after. The collector is enabled again only if it was on."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows of values (in the order of `fields`) in one statement or COPY. On PostgreSQL
    the rows may be a generator: each is made as the COPY takes it, so the Python that makes
    them runs while the server writes the rows before (the server is the slower side)."""
    if isinstance(rows, Sized) and not rows:
        return
    meta = model._meta
    columns = [_column(meta.get_field(name)) for name in fields]
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
            rows = list(rows)  # Django's debug cursor counts them
            if rows:
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)


def update_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Set `fields` of existing records: rows of (pk, *values in the order of `fields`), one
    parameterised UPDATE run for every row."""
    if not rows:
        return
    meta = model._meta
    adapters = [None, *(_adapter(meta.get_field(name)) for name in fields)]
    values: Iterable[Sequence[Any]] = _adapted(rows, adapters) if any(adapters) else rows
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(_column(meta.get_field(name)))} = %s" for name in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(_column(meta.pk))} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*row[1:], row[0]) for row in values])


def narrowed(queryset: Q, field: str, values: Collection[Any]) -> Iterator[Q]:
    """The queryset narrowed to the rows whose `field` is one of `values`, as few querysets as
    the database allows, in no particular order: one on PostgreSQL (`= ANY` of one array
    parameter, which the planner reads as one set of keys: an index probe per key or one pass
    over the table, whichever it estimates is cheaper), chunks of IN (...) elsewhere."""
    wanted = list(values)
    if not wanted:
        return
    queryset = queryset.order_by()  # a lookup: no sort of what may be every row
    if connection.vendor == "postgresql":
        yield queryset.filter(AnyOf(F(field), wanted))
        return
    for start in range(0, len(wanted), IN_CHUNK):
        yield queryset.filter(**{f"{field}__in": wanted[start : start + IN_CHUNK]})


class AnyOf(Lookup):
    """`column = ANY(%s::type[])`: a whole list of keys as one PostgreSQL array parameter."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, params = self.process_lhs(compiler, connection)
        db_type = self.lhs.output_field.db_type(connection) or ""
        array = "bigint[]" if db_type in ("integer", "bigint", "smallint") else "text[]"
        return f"{lhs} = ANY(%s::{array})", (*params, _array_literal(list(self.rhs)))


def _array_literal(values: list[Any]) -> Any:
    """The keys as one PostgreSQL array literal ('{"a","b"}'), which the server parses faster
    than the driver adapts a list of 100,000 values one by one; other values as the list."""
    if all(type(v) is int for v in values):
        return "{" + ",".join(map(str, values)) + "}"
    if all(type(v) is str for v in values):
        quoted = (v.replace("\\", "\\\\").replace('"', '\\"') for v in values)
        return '{"' + '","'.join(quoted) + '"}'
    return values


def drawn_keys(model: type[Model], count: int) -> list[int] | None:
    """`count` new primary keys drawn from the table's PostgreSQL sequence, so rows can be
    written with their keys and referred to at once instead of read back; None on other
    databases (SQLite has no sequence to draw from: the caller reads the keys back)."""
    if connection.vendor != "postgresql":
        return None
    if count <= 0:
        return []
    table, pk = connection.ops.quote_name(model._meta.db_table), _column(model._meta.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, count],
        )
        return [row[0] for row in cursor.fetchall()]


def reset_sequences(models: Sequence[type[Model]]) -> None:
    """Move PostgreSQL's key sequences past the largest key given explicitly (SQLite follows by
    itself). Two statements per table rather than Django's `sequence_reset_sql` (one `SELECT
    setval(…) FROM table`): on Citus that one is sent whole to the worker holding the table,
    where neither the table's name nor its sequence resolves; here the `max` goes to the worker
    and `setval` stays on the coordinator, which owns the sequence."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            table, pk = quote(model._meta.db_table), _column(model._meta.pk)
            cursor.execute(f"SELECT max({quote(pk)}) FROM {table}")
            row = cursor.fetchone()
            largest = row[0] if row else None
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), %s, %s)",
                [table, pk, largest or 1, largest is not None],
            )


def _adapted(rows: Iterable[Sequence[Any]], adapters: list[Any]) -> Iterator[list[Any]]:
    """The rows with each column's adapter applied to its values, one at a time."""
    fixes = [(i, adapt) for i, adapt in enumerate(adapters) if adapt]
    for row in rows:
        values = list(row)
        for i, adapt in fixes:
            values[i] = adapt(values[i])
        yield values


def _copy(cursor: Any, table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
    raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
    with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _column(field: Field | ForeignObjectRel | None) -> str:
    """The database column of a concrete field (a reverse relation or a missing key has none)."""
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise TypeError(f"{field!r} has no database column")
    return column


def _adapter(field: Any) -> Any:
    """A converter for the columns whose values the driver cannot take as they are."""
    if isinstance(field, JSONField):
        return _json
    if connection.vendor == "postgresql":
        return None
    if isinstance(field, DateTimeField):
        return _Memo(connection.ops.adapt_datetimefield_value).__getitem__
    if isinstance(field, DateField):
        return _Memo(_iso_date).__getitem__
    return None


def _json(value: Any) -> str:
    if not value and isinstance(value, list | tuple):  # the usual empty list of flags
        return "[]"
    return json.dumps(value, ensure_ascii=False)


def _iso_date(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


class _Memo(dict[Any, Any]):
    """Converts each distinct value once: import rows share one timestamp and many dates."""

    def __init__(self, convert: Any) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, value: Any) -> Any:
        converted = self[value] = self.convert(value)
        return converted
