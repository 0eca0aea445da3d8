"""Reading rows into a DataFrame straight through the database driver's cursor.

SQLAlchemy's per-row result handling cost more than the scoring itself at a million forecasts,
and more than a whole leaderboard on a cold worker; the store and the readers read through here.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Connection


def read_frame(connection: Connection, statement: sa.Executable) -> pd.DataFrame:
    """The statement's rows (columns named as it names them), read through the driver's cursor.

    Values come as the driver gives them (SQLite: instants as ISO text). Bound values are
    rendered into the SQL: give them only typed integers or fixed strings of the code's own.
    """
    sql = str(statement.compile(dialect=connection.dialect,  # type: ignore[attr-defined]
                                compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        names = [column[0] for column in cursor.description]
        return pd.DataFrame.from_records(cursor.fetchall(), columns=names)
    finally:
        cursor.close()
