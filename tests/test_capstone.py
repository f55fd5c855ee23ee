"""The capstone project's app, replay and evidence (unit 5), on the small dataset."""

import json

import pytest

from backendlab import capstone, web
from backendlab.errors import CourseError


class Cached(capstone.Naive):
    """Cache-aside without invalidation: the stale reads the replay must catch."""

    def product(self, db, product_id):
        key = f"product:{product_id}"
        if (hit := self.cache.get(key)) is not None:
            return json.loads(hit)
        found = super().product(db, product_id)
        self.cache.set(key, json.dumps(found))
        return found


def test_naive_app_answers_and_counts_statements():
    project = capstone.Project("t-naive")
    app = project.serve(capstone.Naive)
    try:
        assert app.get("/health") == (200, {"status": "ok"})
        status, body = app.get("/customers/5/orders")
        assert status == 200 and body["orders"] and "items" in body["orders"][0]
        assert app.get("/customers/999999999/orders")[0] == 404
        assert app.get("/products/abc")[0] == 404
        assert app.request("PUT", "/products/3/price", {"price_cents": 777})[0] == 200
        assert project.price(3) == 777
        assert app.request("PUT", "/products/3/price", {"price": 1})[0] == 400
        orders = app.statements("/customers/{id}/orders")[0]
        assert len(orders) == 2 + len(body["orders"])   # the customer check, orders, N items
    finally:
        project.stop()


def test_replay_finds_stale_reads_and_keeps_statuses():
    project = capstone.Project("t-stale")
    try:
        report = project.replay(project.serve(capstone.Naive))
        assert report.failed == 0 and not report.stale_reads
        assert report.most_statements["/products/{id}"] == 1
        stale = project.replay(project.serve(Cached, cache=True))
        assert stale.stale_reads, "a cache never invalidated must give stale reads"
        assert stale.statements_per_request["/products/{id}"] < 1
    finally:
        project.stop()


def test_learner_code_that_raises_gives_500_and_is_reported():
    class Broken(capstone.Naive):
        def product(self, db, product_id):
            raise ValueError("oops")

    project = capstone.Project("t-broken")
    try:
        app = project.serve(Broken)
        assert app.get("/products/1")[0] == 500
        assert "ValueError: oops" in app.errors[0]
    finally:
        project.stop()


def test_serve_wants_a_class():
    with pytest.raises(CourseError, match="class derived from capstone.Naive"):
        capstone.Project("t-class").serve(capstone.Naive())


def test_report_round_trips_through_json(tmp_path):
    project = capstone.Project("t-json")
    try:
        report = project.replay(project.serve(capstone.Naive),
                                capstone.workload(project.engine, rounds=1, reads=10))
        again = capstone.Report.load(report.save(tmp_path / "baseline.json"))
        assert again == report
    finally:
        project.stop()


def test_replay_through_nginx_counts_every_app_and_calls_on_round():
    project = capstone.Project("t-via")
    site = web.nginx("t-capstone-via")
    try:
        first = project.serve(capstone.Naive)
        second = project.start(capstone.Naive)
        assert first.socket != second.socket and first.get("/health")[0] == 200
        config = "server { listen {listen}; location / { proxy_pass http://unix:{app}:; } }"
        site.apply(config, app=first.socket)
        rounds = []

        def switch(number):
            rounds.append(number)
            if number == 1:  # a deploy between rounds: nginx now sends to the second app
                site.apply(config, app=second.socket)

        report = project.replay(first, capstone.workload(project.engine, rounds=2, reads=20),
                                via=site, on_round=switch)
        assert rounds == [0, 1] and report.failed == 0 and not report.stale_reads
        assert first.served and second.served, "both apps served a round"
        assert sum(report.by_status.values()) == report.requests
    finally:
        site.stop()
        project.stop()


def test_a_script_cannot_hide_what_it_started_by_exiting_at_once():
    """5.1's hidden tests check that nothing started after a failed step: a process forked just
    before the script exited must still get to show itself, however loaded the machine is."""
    from backendlab import sandbox
    from backendlab.capstone import stack

    script = "(sleep 0.3; echo started late) &\nexit 3"
    assert "started late" not in sandbox.run(script).stdout  # the sandbox ends with the script
    result = sandbox.run(stack.until_all_ended(script, 5))
    assert "started late" in result.stdout
    assert result.exit_code == 3
