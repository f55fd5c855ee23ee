"""The redis-cli task of lesson 3.1: a key space to explore with the real ``redis-cli``, and the
learner's command line replayed on the kernel's own server.

The learner works at the raw tool (a terminal, or a ``!`` line in a cell) and pastes the command
line they ran. Under grading there is no terminal, and the grading kernel has its own server and
key prefix: :func:`replay` runs the pasted line again, without a shell, with ``$SOCKET`` and
``$PREFIX`` set to this kernel's, and the check reads what redis-cli printed. :func:`fill`
fills a key space whose almost-right patterns (an unescaped ``[eu]``, no colon, another case)
each list something else.
"""

from __future__ import annotations

import os
import random
import re
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass

import redis

from .caching import WAIT_SECONDS
from .errors import CourseError
from .services import redis_server

# The namespace the redis-cli exercise asks about. Its brackets are glob characters in a
# SCAN/KEYS pattern: `shop[eu]:*` also matches `shope:` and `shopu:`, so it must be escaped.
NAMESPACE = "shop[eu]:"
_SHELL_OPERATORS = {"|", "||", "&&", ";", ">", ">>", "<", "2>&1", "&"}
_ENUMERATION = re.compile(r"^\s*(?:\d+\)\s+)+")
_QUOTED_ESCAPE = re.compile(r'\\(x[0-9a-fA-F]{2}|.)')
_ERROR_REPLY = re.compile(r"^(?:\(error\) )?[A-Z]*ERR[A-Z]* |^(?:WRONGTYPE|NOPERM|NOSCRIPT|NOAUTH) ")
_EVAL_KEYS = re.compile(r"""call\s*\(\s*['"]keys['"]""", re.IGNORECASE)
# A script runs in one go: the server answers nobody else until it ends, so a SCAN loop inside
# one blocks a shared server as KEYS does (and hides what it calls).
_SCRIPTS = {"EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO", "FUNCTION", "SCRIPT", "--EVAL"}
# The most a SCAN step may ask for (COUNT, or redis-cli's --count). Each step stays short; a
# COUNT as big as the server walks every key in one call, as KEYS does, and the cursor is 0 at once.
LARGEST_STEP = 1000


def fill(r: redis.Redis, prefix: str, seed: int = 0, products: int = 3) -> set[str]:
    """Fill ``prefix`` (an empty key space from ``fresh_keyspace``) with keys to explore with
    ``redis-cli``, and return the keys under ``prefix + NAMESPACE`` that exist afterwards.

    The keys are chosen so that each almost-right pattern lists something else: neighbours that
    an unescaped ``[eu]`` matches (``shope:``, ``shopu:``), one that ``?`` in place of each
    bracket matches (``shop(eu):``), one that only a pattern without the colon matches
    (``shop[eu]-archive:``), another region (``shop[us]:``), a key that has
    already expired (TTL -2: it must not be listed), a key named like a number and one with a
    space. ``seed`` and ``products`` make another fill for hidden tests (``products`` in the
    thousands makes one SCAN call, without its cursor loop, miss keys).
    """
    rng = random.Random(seed)
    space = prefix + NAMESPACE
    big = {f"review:{number}": "x" * rng.randint(20, 60) for number in range(150 + rng.randint(0, 50))}
    with r.pipeline(transaction=False) as pipe:
        pipe.hset(f"{space}product:{rng.randint(40, 49)}", mapping=big)
        for product_id in rng.sample(range(100, 100 + 10 * products), products):
            pipe.hset(f"{space}product:{product_id}", mapping={"name": "Lamp", "price_cents": 1999})
        pipe.set(f"{space}session:{rng.getrandbits(32):08x}", "alice", ex=600)
        pipe.set(f"{space}{rng.randint(10, 99)}", "a key named like a number")
        pipe.set(f"{space}search:{rng.choice(['red kettle', 'blue lamp', 'old novel'])}", "[7, 42]")
        pipe.incrby(f"{space}page-views", rng.randint(1, 500))
        pipe.set(f"{space}flash-sale", "50%", px=1)  # expired before anybody looks (TTL -2)
        for neighbour in ("shope:", "shopu:", "shop(eu):", "shop[eu]-archive:", "shop[us]:", "SHOP[EU]:"):
            pipe.set(f"{prefix}{neighbour}product:{rng.randint(1, 9)}", "not in shop[eu]")
            pipe.set(f"{prefix}{neighbour}page-views", rng.randint(1, 50))
        pipe.execute()
    deadline = time.monotonic() + WAIT_SECONDS
    while r.exists(f"{space}flash-sale") and time.monotonic() < deadline:
        time.sleep(0.002)  # EXISTS on an expired key deletes it
    return set(r.scan_iter(match=prefix + re.sub(r"([*?\[\]\\])", r"\\\1", NAMESPACE) + "*",
                           count=1000))


def connection(r: redis.Redis) -> dict[str, str]:
    """How ``redis-cli`` reaches the server behind ``r``: ``{"SOCKET": path}`` for a unix
    socket (the course's private server), else ``{"HOST", "PORT", "DB"}``."""
    settings = r.connection_pool.connection_kwargs
    if settings.get("path"):
        return {"SOCKET": str(settings["path"])}
    return {"HOST": str(settings.get("host", "localhost")), "PORT": str(settings.get("port", 6379)),
            "DB": str(settings.get("db", 0))}


def open_line(r: redis.Redis, prefix: str) -> str:
    """The lines to paste into a terminal to open ``redis-cli`` on this server, with
    ``$SOCKET`` and ``$PREFIX`` set as :func:`replay` sets them."""
    where = connection(r)
    if "SOCKET" in where:
        return (f"export SOCKET={shlex.quote(where['SOCKET'])} PREFIX={shlex.quote(prefix)}\n"
                'redis-cli -s "$SOCKET"')
    return (f"export PREFIX={shlex.quote(prefix)}\n"
            f"redis-cli -h {where['HOST']} -p {where['PORT']} -n {where['DB']}")


@dataclass(frozen=True)
class Replay:
    """What a learner's ``redis-cli`` command line(s) printed when run again here."""

    commands: list[list[str]]  # each invocation's arguments after the program name, as sent
    output: str  # what they printed on stdout
    complaints: str = ""  # what they printed on stderr (a bad option, no server there)

    def errors(self) -> list[str]:
        """What redis-cli or the server complained about: stderr, and ``ERR ...`` replies."""
        replies = [line for line in self.output.splitlines()
                   if _ERROR_REPLY.match(_ENUMERATION.sub("", line))]
        return [line for line in self.complaints.splitlines() if line.strip()] + replies

    def uses(self, command: str) -> bool:
        """Whether any invocation sends ``command`` (``KEYS``, ``DBSIZE``), also from a script."""
        name = command.upper()
        return any(arg.upper() == name or (name == "KEYS" and _EVAL_KEYS.search(arg))
                   for args in self.commands for arg in args)

    def runs_script(self) -> bool:
        """Whether any invocation runs a Lua script or function (``EVAL``, ``FCALL``, ``--eval``)."""
        return any(arg.upper() in _SCRIPTS for args in self.commands for arg in args)

    def largest_step(self) -> int:
        """The biggest ``COUNT`` (or ``--count``) any invocation asks SCAN for; 0 when none."""
        steps = [int(args[i + 1]) for args in self.commands for i, arg in enumerate(args[:-1])
                 if arg.upper() in ("COUNT", "--COUNT") and args[i + 1].strip().isdigit()]
        return max(steps, default=0)

    def listed(self) -> set[str]:
        """The key names the output lists, whatever the format: ``--raw`` lines or ``--no-raw``
        numbered, quoted replies (a cursor, ``(integer) 5`` or ``(empty array)`` is no key)."""
        names = set()
        for line in self.output.splitlines():
            text = _ENUMERATION.sub("", line).strip()
            if _ERROR_REPLY.match(text):
                continue
            if len(text) >= 2 and text[0] == text[-1] == '"':
                text = _QUOTED_ESCAPE.sub(_unescape, text[1:-1])
            if text and not text.isdigit() and not text.startswith("("):
                names.add(text)
        return names


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code.startswith("x") and len(code) == 3:
        return chr(int(code[1:], 16))
    return {"n": "\n", "r": "\r", "t": "\t", "a": "\a", "b": "\b"}.get(code, code)


def _unquoted(arg: str) -> str:
    """An argument as ``redis-cli --quoted-input`` sends it: ``"..."`` with its escapes read,
    ``'...'`` without its quotes; anything else as it is."""
    if len(arg) >= 2 and arg[0] == arg[-1] == '"':
        return _QUOTED_ESCAPE.sub(_unescape, arg[1:-1])
    if len(arg) >= 2 and arg[0] == arg[-1] == "'":
        return arg[1:-1].replace("\\'", "'")
    return arg


def replay(r: redis.Redis, command: str | list[str], prefix: str) -> Replay:
    """Run a learner's ``redis-cli`` command line(s) again, without a shell, against the server
    behind ``r``; ``$SOCKET`` (``-s $SOCKET``) and ``$PREFIX`` (or ``${...}``) are replaced by
    this kernel's socket and ``prefix`` (a grading kernel has its own of both).

    Why without a shell: the command is checked as redis-cli sees it, and nothing else runs.
    """
    program = shutil.which("redis-cli")
    if program is None:
        raise CourseError("No redis-cli program was found on this machine.", redis_server.HOW_TO_GET_REDIS)
    lines = [command] if isinstance(command, str) else command
    if not isinstance(lines, list | tuple) or not lines or not all(isinstance(line, str) for line in lines):
        raise CourseError(f"The command should be a string, or a list of strings, not {command!r}.",
                          'write it as you typed it: cli_command = "redis-cli -s $SOCKET ..."')
    where = connection(r)
    connect = (["-s", where["SOCKET"]] if "SOCKET" in where
               else ["-h", where["HOST"], "-p", where["PORT"], "-n", where["DB"]])
    invocations: list[list[str]] = []
    for line in lines:
        try:
            words = shlex.split(line)
        except ValueError as error:
            raise CourseError(f"This command line cannot be split into words ({error}): {line!r}",
                              "close every quote you open.") from None
        if not words or words[0].rsplit("/", 1)[-1] != "redis-cli":
            raise CourseError(f"Each command must run redis-cli, but this one runs {words[:1]}: {line!r}",
                              "start the line with `redis-cli -s $SOCKET`.")
        if _SHELL_OPERATORS & set(words):
            raise CourseError(f"The command is replayed without a shell, so pipes and redirections "
                              f"do nothing here: {line!r}",
                              "give only the redis-cli part; count its lines yourself.")
        args = words[1:]
        at = next((i for i, word in enumerate(args[:-1])
                   if word == "-s" and args[i + 1] in ("$SOCKET", "${SOCKET}")), None)
        if at is None:
            raise CourseError(f"This command does not open your server: {line!r}",
                              "every redis-cli line needs `-s $SOCKET` (your private server's "
                              "socket), or redis-cli asks a server on localhost that is not yours.")
        args = args[:at] + connect + args[at + 2:]
        args = [arg.replace("${PREFIX}", prefix).replace("$PREFIX", prefix) for arg in args]
        invocations.append(args)
    env = dict(os.environ)
    password = r.connection_pool.connection_kwargs.get("password")
    if password:
        env["REDISCLI_AUTH"] = str(password)
    output, complaints = [], []
    for args in invocations:
        try:
            done = subprocess.run([program, *args], capture_output=True, text=True, timeout=60,
                                  stdin=subprocess.DEVNULL, env=env)
        except subprocess.TimeoutExpired:
            raise CourseError(f"redis-cli {shlex.join(args)} ran for a minute without finishing.",
                              "a command that waits (MONITOR, SUBSCRIBE, --stat) never ends: "
                              "ask for a listing instead.") from None
        output.append(done.stdout)
        complaints.append(done.stderr)
    # What each invocation sends: with --quoted-input, redis-cli reads "K\x45YS" as KEYS.
    sent = [[_unquoted(arg) for arg in args] if "--quoted-input" in args else args for args in invocations]
    return Replay(sent, "".join(output), "".join(complaints))
