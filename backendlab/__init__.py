"""Backend Lab: the plumbing behind the course notebooks.

Notebooks import only what they need from here, so they stay short and readable:

    import backendlab
    shop = backendlab.database("02-sql-indexes")   # SQLAlchemy engine on a fresh working copy
    r = backendlab.redis_client()                  # redis-py client to a real Redis
    keys = backendlab.fresh_keyspace(r, "03-cache-aside")
"""

from . import check
from .errors import CourseError
from .services.redis_server import client as redis_client
from .services.redis_server import fresh_keyspace
from .sql import database, describe, engine_kind

__all__ = ["CourseError", "check", "database", "describe", "engine_kind", "fresh_keyspace",
           "redis_client"]
