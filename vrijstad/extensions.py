"""Flask extensions, created here and initialised in the app factory."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, SessionTransaction

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with constraint names Alembic can track on every database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# Every model derives from Model: db.Model at run time, which a type checker cannot see as a
# class (Flask-SQLAlchemy builds it), so it is shown the declarative base it extends.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
htmx = Htmx()
mail = Mail()
compress = Compress()
limiter = Limiter(key_func=get_remote_address)


def rowcount(result: sa.Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched (the session types its result as a plain
    Result; for such statements it is a CursorResult)."""
    return cast("sa.CursorResult[Any]", result).rowcount


@contextmanager
def savepoint() -> Iterator[SessionTransaction]:
    """db.session.begin_nested() that is really nested on SQLite too.

    Python's sqlite3 module (legacy transaction control) opens no transaction before a
    SAVEPOINT, so SQLite treats that SAVEPOINT as the start of a transaction and its RELEASE
    commits everything so far: a crash after it would keep half a request. Open the
    transaction first, as the module itself does before an INSERT.
    """
    connection = db.session.connection()
    dbapi_connection = connection.connection.dbapi_connection
    if (
        connection.dialect.name == "sqlite"
        and dbapi_connection is not None
        and not dbapi_connection.in_transaction
    ):
        connection.exec_driver_sql("BEGIN")
    with db.session.begin_nested() as nested:
        yield nested
