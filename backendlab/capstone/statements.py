"""Every SQL statement the project's app ran, with its parameters, and which of them read a whole
table: the evidence notebook 5.3 grades indexes by.

The app already counts each request's statements (``app.served``), as text. A plan needs the
parameters too (``customer_id = ?`` with which customer?), so ``recording(project)`` keeps
them, for the statements run inside the app's requests only (not the replay's own price
checks)::

    with statements.recording(project) as ran:
        project.replay(app)
    statements.whole_reads(project.engine, ran)     # [] when every table is searched

"Reads a whole table" is judged from the plan, the same way on both engines: a full scan
(SQLite's ``SCAN t``, PostgreSQL's ``Seq Scan``), an index read end to end with no condition
to search by (``SCAN t USING INDEX i``), a throw-away automatic index, or — PostgreSQL only —
an index "searched" with a condition on a column that is not its first: PostgreSQL then reads
every entry of the index, which its plan still labels ``Index Cond``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import plans
from .app import _request

if TYPE_CHECKING:
    from .project import Project

BIG_TABLES = ("orders", "order_items")  # the tables big enough for a full scan to hurt


@contextmanager
def recording(project: Project) -> Iterator[list[plans.Statement]]:
    """Record, with its parameters, every statement the project's app runs inside a request
    (or inside ``capstone.counting()``) while the block runs, in the order they ran. (Notebook
    5.2's ``evidence.gather`` pairs them with the requests it sends one at a time.)"""
    ran: list[plans.Statement] = []

    def before(connection: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        if getattr(_request, "statements", None) is not None:
            ran.append(plans.Statement(statement, _copy(parameters), executemany))

    sa.event.listen(project.engine, "before_cursor_execute", before)
    try:
        yield ran
    finally:
        sa.event.remove(project.engine, "before_cursor_execute", before)


def _copy(parameters: Any) -> Any:
    """The parameters as they are now (a dict or a tuple), whatever the driver does with its own
    object afterwards."""
    if isinstance(parameters, Mapping):
        return dict(parameters)
    if isinstance(parameters, Sequence) and not isinstance(parameters, str):
        return tuple(parameters)
    return parameters


def distinct(statements: Iterable[plans.Statement]) -> list[plans.Statement]:
    """One statement per SQL text (the first one seen), in the order first seen."""
    seen: dict[str, plans.Statement] = {}
    for statement in statements:
        seen.setdefault(statement.sql, statement)
    return list(seen.values())


@dataclass
class WholeRead:
    """A statement whose plan reads a whole table (or a whole index of it)."""

    statement: plans.Statement
    table: str
    why: str
    plan: plans.Plan

    def __str__(self) -> str:
        return f"{self.statement}\n  reads all of {self.table}: {self.why}\n{self.plan}"


def _leading_columns(engine: sa.Engine) -> dict[str, str]:
    """{index name (lower case): its first key column}."""
    return {index.name.lower(): index.columns[0] for index in plans.indexes(engine) if index.columns}


def whole_reads(engine: sa.Engine, statements: Iterable[plans.Statement],
                tables: Iterable[str] = BIG_TABLES, *, every: bool = False) -> list[WholeRead]:
    """The statements whose plan reads all of one of ``tables``: one per SQL text (with the
    parameters it first ran with), or ``every=True``: each distinct (SQL, parameters), so that
    an index made for a few values (``WHERE customer_id = 42``) cannot hide a full scan.

    Plans are asked with ``prefer_indexes=True``: "can an index do this work?", so that the
    answer does not depend on how big the dataset is.
    """
    wanted = {table.lower() for table in tables}
    leading = _leading_columns(engine)
    found = []
    chosen = ({(s.sql, repr(s.parameters)): s for s in statements}.values() if every
              else distinct(statements))
    for statement in chosen:
        if not re.match(r"\s*(SELECT|WITH)\b", statement.sql, re.IGNORECASE):
            continue
        p = plans.plan(engine, statement, prefer_indexes=True)
        for step in p.walk():
            table = (step.table or "").lower()
            if table not in wanted:
                continue
            why = {plans.FULL_SCAN: "a full scan, no index",
                   plans.INDEX_WALK: f"walks all of {step.index}, with no condition to search by",
                   plans.AUTOMATIC_INDEX: "builds a throw-away index from every row"}.get(step.kind)
            if why is None and step.kind == plans.INDEX_SEARCH and step.index:
                first = leading.get(step.index.lower())
                # PostgreSQL: the Index Cond; SQLite: the "(customer_id=?)" after the index name
                searched = " ".join([d for d in step.details if d.startswith("Index Cond")]
                                    or re.findall(r"\(([^()]*)\)\s*$", step.label))
                if first and not re.search(rf"\b{re.escape(first)}\b", searched):
                    why = (f"{step.index} starts with {first}, which the condition does not "
                           f"compare: every entry of the index is read")
            if why:
                found.append(WholeRead(statement, table, why, p))
                break
    return found


def request(app: Any, path: str) -> tuple[int, Any, list[str]]:
    """GET ``path`` from the app: (status, body, the SQL statements that request ran). The app
    records a request before its answer leaves, so its record is there when the answer is."""
    before = len(app.served)
    status, body = app.get(path)
    mine = [served for served in app.served[before:] if served.path == path]
    return status, body, (mine[-1].statements if mine else [])
