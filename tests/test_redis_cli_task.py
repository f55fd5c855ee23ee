"""The redis-cli task of lesson 3.1 (issue 17): ``redis_cli_task.fill`` fills a namespace whose
almost-right patterns list something else, and ``redis_cli_task.replay`` runs a learner's
``redis-cli`` command line again, without a shell, on this kernel's server."""

import shutil

import pytest
import redis

import backendlab
from backendlab import redis_cli_task
from backendlab.errors import CourseError

pytestmark = pytest.mark.skipif(shutil.which("redis-cli") is None, reason="needs redis-cli")

RIGHT = r"redis-cli -s $SOCKET --scan --pattern $PREFIX'shop\[eu\]:*'"


@pytest.fixture
def r() -> redis.Redis:
    return backendlab.redis_client()


@pytest.fixture
def prefix(r: redis.Redis, request: pytest.FixtureRequest) -> str:
    return backendlab.fresh_keyspace(r, f"test-cli-{request.node.name[:40]}")


def test_the_fill_returns_exactly_the_namespace_and_its_edge_cases(r: redis.Redis, prefix: str) -> None:
    truth = redis_cli_task.fill(r, prefix)
    space = prefix + redis_cli_task.NAMESPACE
    assert len(truth) == 8 and all(key.startswith(space) for key in truth)
    assert any(" " in key for key in truth) and any(key[len(space):].isdigit() for key in truth)
    assert f"{space}flash-sale" not in truth and not r.exists(f"{space}flash-sale")  # expired
    assert sorted(r.ttl(key) for key in truth).count(-1) == 7  # one session expires
    neighbours = set(r.scan_iter(match=f"{prefix}*")) - truth
    assert {key.split(":")[1] for key in neighbours} >= {"shope", "shopu", "shop(eu)", "shop[eu]-archive",
                                                         "shop[us]"}


def test_another_seed_makes_another_fill(r: redis.Redis, prefix: str) -> None:
    first = redis_cli_task.fill(r, prefix)
    other = backendlab.fresh_keyspace(r, prefix.rstrip(":") + "-other")
    second = redis_cli_task.fill(r, other, seed=7, products=40)
    assert len(second) == 45
    assert {key.removeprefix(other) for key in second} != {key.removeprefix(prefix) for key in first}


def test_the_right_command_lists_the_namespace_in_raw_and_quoted_formats(r: redis.Redis, prefix: str) -> None:
    truth = redis_cli_task.fill(r, prefix)
    assert redis_cli_task.replay(r, RIGHT, prefix).listed() == truth
    quoted = redis_cli_task.replay(r, [RIGHT.replace("--scan", "--no-raw --scan")], prefix)
    assert quoted.output.startswith('"') and quoted.listed() == truth
    numbered = redis_cli_task.replay(r, r'redis-cli -s $SOCKET --no-raw SCAN 0 MATCH "${PREFIX}shop\[eu\]:*" '
                                     "COUNT 100000000", prefix)
    assert numbered.output.startswith('1) "0"') and numbered.listed() == truth
    # ...but it walked every key in one call, as KEYS does
    assert numbered.largest_step() == 100000000 > redis_cli_task.LARGEST_STEP
    assert redis_cli_task.replay(r, RIGHT, prefix).largest_step() == 0


def test_almost_right_patterns_list_other_keys(r: redis.Redis, prefix: str) -> None:
    truth = redis_cli_task.fill(r, prefix)
    unescaped = redis_cli_task.replay(r, RIGHT.replace(r"\[eu\]", "[eu]"), prefix).listed()
    assert unescaped and not unescaped & truth
    no_colon = redis_cli_task.replay(r, RIGHT.replace(r"\]:*", r"\]*"), prefix).listed()
    assert no_colon > truth
    # as in a shell, a backslash outside quotes is eaten: the pattern's brackets are a class again
    assert redis_cli_task.replay(r, RIGHT.replace("'", ""), prefix).listed() == unescaped
    question_marks = redis_cli_task.replay(r, RIGHT.replace(r"\[eu\]", "?eu?"), prefix).listed()
    assert question_marks > truth and f"{prefix}shop(eu):page-views" in question_marks


def test_keys_and_dbsize_are_seen_even_inside_a_script(r: redis.Redis, prefix: str) -> None:
    redis_cli_task.fill(r, prefix)
    assert redis_cli_task.replay(r, RIGHT.replace("--scan --pattern", "KEYS"), prefix).uses("KEYS")
    script = "redis-cli -s $SOCKET EVAL \"return redis.call('keys', ARGV[1])\" 0 $PREFIX*"
    assert redis_cli_task.replay(r, script, prefix).uses("KEYS")
    dbsize = redis_cli_task.replay(r, "redis-cli -s $SOCKET dbsize", prefix)
    assert dbsize.uses("DBSIZE") and dbsize.listed() == set()
    assert not redis_cli_task.replay(r, RIGHT, prefix).uses("KEYS")
    # --quoted-input: redis-cli reads "K\x45YS" as KEYS, and so does the check
    hidden = r"""redis-cli -s $SOCKET --quoted-input '"K\x45YS"' '"$PREFIX*"'"""
    assert redis_cli_task.replay(r, hidden, prefix).uses("KEYS")


def test_a_script_is_seen_whatever_it_calls(r: redis.Redis, prefix: str) -> None:
    truth = redis_cli_task.fill(r, prefix)
    pieced = redis_cli_task.replay(r, "redis-cli -s $SOCKET EVAL \"return redis.call('KE'..'YS', ARGV[1])\" 0 "
                                   r"$PREFIX'shop\[eu\]:*'", prefix)
    assert pieced.listed() == truth and not pieced.uses("KEYS") and pieced.runs_script()
    assert redis_cli_task.replay(r, "redis-cli -s $SOCKET --no-raw fcall_ro nothing 0", prefix).runs_script()
    assert not redis_cli_task.replay(r, RIGHT, prefix).runs_script()


@pytest.mark.parametrize("command, why", [
    ("ls -l", "must run redis-cli"),
    (RIGHT.replace("-s $SOCKET ", ""), "does not open your server"),
    (RIGHT + " | wc -l", "without a shell"),
    ("redis-cli -s $SOCKET GET 'unclosed", "cannot be split"),
    ([], "a string, or a list"),
    (42, "a string, or a list"),
])
def test_commands_that_cannot_be_replayed_are_explained(r: redis.Redis, prefix: str, command: object,
                                                        why: str) -> None:
    with pytest.raises(CourseError, match=why) as raised:
        redis_cli_task.replay(r, command, prefix)  # type: ignore[arg-type]
    assert raised.value.args  # CourseError carries what happened and how to fix it


def test_the_printed_lines_open_redis_cli_on_the_same_server(r: redis.Redis, prefix: str) -> None:
    lines = redis_cli_task.open_line(r, prefix)
    socket = redis_cli_task.connection(r)["SOCKET"]
    assert socket in lines and prefix in lines and lines.endswith('redis-cli -s "$SOCKET"')
