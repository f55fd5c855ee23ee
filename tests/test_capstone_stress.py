"""What unit 5's cache exercises put the app through (backendlab.capstone.stress), on the small
dataset: each helper does what a test relies on, with a correct and a wrong cache."""

import json
import time

import redis

from backendlab import capstone
from backendlab.capstone import stress


def done(project):
    """Stop the project's app and its Redis (the suite's runtime folder goes away at the end,
    and with it the pid file that would let the server be stopped later)."""
    project.stop()
    stress.stop_redis(project)


class Cached(capstone.Naive):
    """Cache-aside; invalidated after the commit unless ``early`` (before it: the race)."""

    early = False

    def product(self, db, product_id):
        key = f"product:{product_id}"
        if (hit := self.cache.get(key)) is not None:
            return json.loads(hit)
        found = super().product(db, product_id)
        self.cache.set(key, json.dumps(found), ex=60)
        return found

    def set_price(self, db, product_id, price_cents):
        changed = super().set_price(db, product_id, price_cents)
        if not self.early:
            db.commit()
        self.cache.delete(f"product:{product_id}")
        return changed


class Early(Cached):
    early = True


def test_fail_fast_gives_up_at_once_on_a_stopped_redis():
    project = capstone.Project("t-stress-down")
    try:
        client = stress.fail_fast(project.cache)
        client.set("a", "1")
        stress.stop_redis(project)
        started = time.perf_counter()
        try:
            client.get("a")
            raise AssertionError("a stopped Redis answered")
        except redis.ConnectionError:
            pass
        assert time.perf_counter() - started < 1
        stress.start_redis(project)
        assert client.get("a") is None  # back, empty, and the same client reconnects
    finally:
        done(project)


def test_a_frozen_redis_times_out():
    project = capstone.Project("t-stress-frozen")
    try:
        client = stress.fail_fast(project.cache, seconds=0.2)
        with stress.frozen_redis(project):
            try:
                client.get("a")
                raise AssertionError("a frozen Redis answered")
            except redis.TimeoutError:
                pass
        assert client.ping()
    finally:
        done(project)


def test_crowd_counts_one_statement_per_miss_and_waits_for_the_records():
    project = capstone.Project("t-stress-crowd")
    try:
        app = stress.serve(project, Cached)
        project.cache.flushall()
        app.forget()
        with stress.slow_database(project, 0.2, meanwhile=lambda: "looked") as seen:
            answers = stress.crowd(app, "/products/5", 8)
        assert seen == ["looked"]
        assert {status for status, _ in answers} == {200}
        assert stress.statements_for(app, "/products/5") > 1  # no lock: a stampede
        assert stress.left_behind(project.cache) == [] and stress.without_expiry(project.cache) == []
    finally:
        done(project)


def test_reader_at_commit_catches_a_delete_before_the_commit_only():
    project = capstone.Project("t-stress-race")
    try:
        for code, stale in ((Cached, False), (Early, True)):
            app = stress.serve(project, code)
            project.cache.flushall()
            app.get("/products/9")
            new = project.price(9) + 1
            with stress.reader_at_commit(app, "/products/9") as at:
                assert app.request("PUT", "/products/9/price", {"price_cents": new})[0] == 200
            assert at.fired and at.seen[0] == 200
            assert (app.get("/products/9")[1]["price_cents"] != new) is stale
    finally:
        done(project)


def test_failing_commit_and_failing_database_give_500s_and_change_nothing():
    project = capstone.Project("t-stress-fail")
    try:
        app = stress.serve(project, Cached)
        old = project.price(4)
        with stress.failing_commit(app) as at:
            assert app.request("PUT", "/products/4/price", {"price_cents": old + 1})[0] == 500
        assert at.fired and project.price(4) == old
        project.cache.flushall()
        with stress.failing_database(project):
            assert app.get("/products/4")[0] == 500
        assert app.get("/products/4")[0] == 200
    finally:
        done(project)


def test_keys_tell_counters_cached_answers_and_leftovers_apart():
    project = capstone.Project("t-stress-keys")
    try:
        r = project.cache
        r.set("version:1", 3)
        r.set("product:1", json.dumps({"id": 1}), ex=60)
        r.set("product:2", "null", ex=60)
        r.set("lock:1", "token", px=5000)
        r.set("forever", json.dumps({"id": 2}))
        assert [key.name for key in stress.left_behind(r)] == ["lock:1"]
        assert [key.name for key in stress.without_expiry(r)] == ["forever"]
    finally:
        done(project)
