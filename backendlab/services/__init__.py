"""The real servers a lesson talks to, each private to its user and started on demand.

``redis_server`` and ``postgres_server`` manage a ``redis-server`` and a PostgreSQL cluster,
``nginx`` private nginx instances and ``shop_app`` the shop's web app (whose endpoints are in
``shop_api``), all in the per-user runtime folder (unix sockets in a 0700 folder: on a shared
machine loopback ports are visible to every user). Each is started, reused and stopped the same
way.
"""
