"""Unit 5's project: the shop API, naive on purpose, that you make fast without making it wrong.

The app's code is a class whose methods you replace one notebook at a time::

    from backendlab import capstone
    project = capstone.Project("tuning")        # a working copy of the shop (+ Redis on demand)
    app = project.serve(capstone.Naive)         # the app, answering on a private unix socket
    report = project.replay(app)                # the seeded traffic, writes between rounds
    report                                      # requests/s, p50, p95, errors, stale reads, ...

    class Faster(capstone.Naive):
        def customer_orders(self, db, customer_id): ...   # your version
    app = project.serve(Faster)

Why the app runs inside your kernel (threads, one per request) and not as its own process:
your methods are Python objects in this notebook, so the app can call them directly, and the
course can count every SQL statement each request ran (a SQLAlchemy event on the engine,
attributed to the request by a thread-local) — the evidence unit 5 grades, since timings are
shown but never graded. The socket is in your 0700 runtime folder, so nginx (``web.nginx``) can
stand in front of it like it stands in front of the unit-4 app.

Endpoints (JSON)::

    GET  /health
    GET  /products/{id}                 one product; 404 if missing
    PUT  /products/{id}/price           body {"price_cents": 1234}: the only write
    GET  /customers/{id}/orders         the customer's 5 latest orders, each with its items
    GET  /static/{file}                 files of ``project.static`` (the naive app serves them itself)

The package: ``app`` (Naive, the threaded server), ``project`` (data, Redis, serve, replay),
``traffic`` (the seeded workload, Report), and one module per notebook's tools: ``stack``
(5.1's scripts), ``evidence`` (5.2), ``statements`` and ``edge_cases`` (5.3), ``stress`` (5.4),
``deploys`` (5.6), ``reports`` (5.7: baseline.json, after.json).
"""

from .app import ORDERS_SHOWN, ROUTES, App, Naive, Served, counting, route_of
from .project import Project
from .traffic import Report, Step, Workload, workload

__all__ = ["ORDERS_SHOWN", "ROUTES", "App", "Naive", "Project", "Report", "Served", "Step",
           "Workload", "counting", "route_of", "workload"]
