"""How the app uses its database connections: query plans, liveness checks, single reads.

One engine, Flask-SQLAlchemy's: every option below is one of SQLAlchemy's or psycopg's own."""

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.dialects import postgresql

from vrijstad.extensions import db

#: Seconds a pooled connection may rest before it is checked on its next use (config
#: DB_PING_AFTER_IDLE; 0 checks before every use).
PING_AFTER_IDLE = 1.0


def on_postgresql(app: Flask) -> bool:
    return sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "postgresql"


def use_custom_plans(app: Flask) -> None:
    """On PostgreSQL, plan every statement for its own values.

    psycopg prepares a statement on the server after five runs, and PostgreSQL may then switch
    to one generic plan for all values: four times slower for a unit search, whose cities
    differ a hundredfold in size (bench/search.py showed it). Planning takes a fraction of a
    millisecond.
    """
    if not on_postgresql(app):
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    options["connect_args"] = {**options.get("connect_args", {}), "prepare_threshold": None}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def ping_idle_connections(app: Flask) -> None:
    """Check that a pooled connection still works before using it, if it has been resting.

    SQLAlchemy's pool_pre_ping asks the server on every checkout: one more round trip for
    every request. A connection used a moment ago is as likely to break during the request as
    before it, which no check prevents; one that rested longer than DB_PING_AFTER_IDLE seconds
    (the server may have restarted or closed it meanwhile) is checked, and a dead one is
    replaced before the request sees it.
    """
    after = float(app.config.get("DB_PING_AFTER_IDLE", PING_AFTER_IDLE))

    def rested(dbapi_connection, record) -> None:
        record.info["rested_since"] = time.monotonic()

    def watch(engine: sa.Engine) -> None:
        dialect = engine.dialect

        def check_if_rested(dbapi_connection, record, proxy) -> None:
            since = record.info.get("rested_since")  # None: connected just now
            if since is None or time.monotonic() - since < after:
                return
            try:
                dialect.do_ping(dbapi_connection)
            except dialect.loaded_dbapi.Error as exc:
                if dialect.is_disconnect(exc, dbapi_connection, None):
                    # The pool throws this connection away and takes (or makes) another.
                    raise sa.exc.DisconnectionError(str(exc)) from exc
                raise

        sa.event.listen(engine.pool, "checkin", rested)
        sa.event.listen(engine.pool, "checkout", check_if_rested)

    with app.app_context():
        for engine in db.engines.values():
            watch(engine)


def read(statement: sa.Executable, params: Mapping[str, Any]) -> Sequence[sa.Row]:
    """The rows of one read-only statement.

    When the request's session has not started a transaction, the statement runs on its own:
    one statement sees one consistent snapshot anyway, and PostgreSQL is spared the BEGIN and
    ROLLBACK round trips around it (for an anonymous visitor's search, three round trips
    become one). The connection comes from the app's one pool, switched to autocommit for this
    statement (SQLAlchemy's isolation_level option; psycopg switches without a round trip) and
    back when it returns to the pool. Python's sqlite3 opens no transaction for a read, so
    SQLite needs no switch. Within a transaction the statement runs in that transaction.
    """
    session = db.session()
    if session.in_transaction():
        return session.execute(statement, params).all()
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        return conn.execute(statement, params).all()


def _arrays(table: sa.Table, rows: list[dict], keys: list[str]):
    """The rows as one array per column, unnested into a derived table of those columns."""
    arrays = [
        sa.bindparam(
            f"all_{key}", [row[key] for row in rows], type_=postgresql.ARRAY(table.c[key].type)
        )
        for key in keys
    ]
    return sa.func.unnest(*arrays).table_valued(*keys).render_derived()


def _by_arrays(table: sa.Table, keys: list[str]) -> bool:
    return db.session.get_bind().dialect.name == "postgresql" and not any(
        isinstance(table.c[key].type, sa.JSON) for key in keys
    )


def _table(table: sa.FromClause) -> sa.Table:
    """A model's __table__ (typed as any FromClause) as the Table it is."""
    if not isinstance(table, sa.Table):
        raise TypeError(f"not a table: {table!r}")
    return table


def insert_rows(table: sa.FromClause, rows: list[dict], returning: tuple[str, ...] = ()) -> list:
    """Insert many rows (each with the same keys) in the session's transaction; with
    `returning`, those columns of the new rows (in no particular order).

    On PostgreSQL one statement inserts them all from an array per column
    (``INSERT … SELECT * FROM unnest(:ids, :amounts, …)``): psycopg's executemany sends one
    INSERT per row and multi-row VALUES make it parse every placeholder, each about ten times
    slower for the 145,000 settlement lines of a national month (bench/settlement.py). JSON
    columns do not go into arrays; such tables, and SQLite, use executemany."""
    if not rows:
        return []
    table = _table(table)
    keys = list(rows[0])
    columns = [table.c[name] for name in returning]
    if not _by_arrays(table, keys):
        if columns:
            return list(db.session.execute(sa.insert(table).returning(*columns), rows).all())
        db.session.execute(sa.insert(table), rows)
        return []
    source = _arrays(table, rows, keys)
    statement = sa.insert(table).from_select(keys, sa.select(*(source.c[key] for key in keys)))
    if columns:
        return list(db.session.execute(statement.returning(*columns)).all())
    db.session.execute(statement)
    return []


def update_rows(table: sa.FromClause, rows: list[dict]) -> None:
    """Update many rows by id (each dict: "id" and the same columns to set), in one
    ``UPDATE … FROM unnest(arrays)`` on PostgreSQL (see insert_rows), else executemany."""
    if not rows:
        return
    table = _table(table)
    keys = list(rows[0])
    values = [key for key in keys if key != "id"]
    if not _by_arrays(table, keys):
        db.session.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("row_id"))
            .values({key: sa.bindparam(f"new_{key}") for key in values}),
            [{"row_id": row["id"]} | {f"new_{key}": row[key] for key in values} for row in rows],
        )
        return
    source = _arrays(table, rows, keys)
    db.session.execute(
        sa.update(table)
        .where(table.c.id == source.c.id)
        .values({key: source.c[key] for key in values})
    )


def copy_rows(table: sa.FromClause, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert many rows (tuples in the order of ``columns``) in the session's transaction: on
    PostgreSQL with psycopg's binary COPY (a million rows in seconds; the column types are
    told from the table), elsewhere through insert_rows."""
    table = _table(table)
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        insert_rows(table, [dict(zip(columns, row, strict=True)) for row in rows])
        return
    raw = connection.connection.driver_connection
    assert raw is not None  # a live connection of the session's transaction
    types = [_copy_type(table.c[name].type) for name in columns]
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def _copy_type(column_type: sa.types.TypeEngine) -> str:
    """The PostgreSQL type binary COPY sends a column's values as (text for every string and
    enum column: a VARCHAR reads the same bytes)."""
    for kind, name in COPY_TYPES:
        if isinstance(column_type, kind):
            return "timestamptz" if getattr(column_type, "timezone", False) else name
    raise TypeError(f"no COPY type for {column_type!r}")


#: SQLAlchemy types and the PostgreSQL types COPY sends them as (the first that fits).
COPY_TYPES: tuple[tuple[type, str], ...] = (
    (sa.BigInteger, "int8"),
    (sa.SmallInteger, "int2"),
    (sa.Integer, "int4"),
    (sa.Float, "float8"),
    (sa.Boolean, "bool"),
    (sa.DateTime, "timestamp"),
    (sa.Date, "date"),
    (sa.String, "text"),  # also Text and Enum (a VARCHAR of the value)
)
