"""What the benchmarks share: the shop working copy on each engine, one after the other."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

import backendlab


@contextmanager
def shop_on(url: str | None, workspace: str) -> Iterator[sa.Engine]:
    """The shop working copy on SQLite (``url`` None) or on the PostgreSQL at ``url``."""
    saved = os.environ.pop(backendlab.sql.URL_VARIABLE, None)
    if url:
        os.environ[backendlab.sql.URL_VARIABLE] = url
    try:
        shop = backendlab.database(workspace)
        yield shop
        shop.dispose()
    finally:
        os.environ.pop(backendlab.sql.URL_VARIABLE, None)
        if saved:
            os.environ[backendlab.sql.URL_VARIABLE] = saved
