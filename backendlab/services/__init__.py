"""The real servers a lesson talks to, each private to its user and started on demand.

``redis_server`` and ``postgres_server`` manage a ``redis-server`` and a PostgreSQL cluster,
``nginx`` private nginx instances and ``shop_app`` the shop's web app (whose endpoints are in
``shop_api``), all in the per-user runtime folder (unix sockets in a 0700 folder: on a shared
machine loopback ports are visible to every user). Each is started, reused and stopped the same
way.
"""

import re

from ..errors import CourseError

NAME_RULE = r"[a-z0-9][a-z0-9_-]{0,39}"
"""What a lesson may call its nginx or its app: the name goes into file and socket paths
(a unix socket path holds at most 108 bytes), so it is short and plain."""
GRADING_TAIL = r"(-g[a-z0-9]+)?"  # paths.grading_suffix(): a grading kernel's own copy


def check_name(name: str, what: str, *, graded: bool = False) -> str:
    """``name`` if it follows ``NAME_RULE`` (``graded``: followed by a grading kernel's
    suffix), else a CourseError that says the rule."""
    if not re.fullmatch(NAME_RULE + (GRADING_TAIL if graded else ""), name or ""):
        raise CourseError(f"{name!r} is not a usable {what} name.",
                          'use lower-case letters, digits, "-" and "_" (at most 40), '
                          'e.g. "shop" or "lesson-02".')
    return name
