"""The files notebook 5.1's start/stop scripts run with, in the sandbox (backendlab.sandbox).

A real ``redis-server`` on a unix socket and a small worker, ``app.py``, that behaves like the
shop's: it refuses to start unless Redis answers, and when it is stopped it needs Redis once more
to save its work in flight. So a script that starts the app too early, or stops Redis first, shows
it in the app's own log lines — no timing is graded.
"""

import re
import shlex

APP = '''"""The shop's worker, as much of it as this exercise needs: it needs Redis to start and to stop."""
import os
import signal
import socket
import sys
import time

SOCKET = "run/redis.sock"


def redis_answers():
    try:
        with socket.socket(socket.AF_UNIX) as connection:
            connection.settimeout(1)
            connection.connect(SOCKET)
            connection.sendall(b"PING\\r\\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


stopping = False


def on_sigterm(signum, frame):
    global stopping
    stopping = True  # only a flag: the work is done by the main loop, not inside the handler


if not redis_answers():
    print("app: Redis at run/redis.sock is not answering PONG: not starting", file=sys.stderr, flush=True)
    sys.exit(1)
signal.signal(signal.SIGTERM, on_sigterm)
print(f"app: serving (pid {os.getpid()})", flush=True)
while not stopping:
    time.sleep(0.02)
print("app: finishing the work in flight...", flush=True)
time.sleep(0.3)  # saving the work in flight takes a moment, and needs Redis
if redis_answers():
    print("app: stopped", flush=True)
    sys.exit(0)
print("app: LOST REDIS while stopping: the work in flight is lost", flush=True)
sys.exit(1)
'''

REDIS_CONF = 'port 0\nunixsocket run/redis.sock\nunixsocketperm 700\nsave ""\nappendonly no\n'

# A redis-server still loading its data, first on PATH: it accepts connections at once but
# answers every command with -LOADING (as a real one does while it reads a big dataset from
# disk) for LOADING_SECONDS (forever when negative), then becomes the real redis-server in the
# same process (same pid). A socket that exists is then not a Redis that is ready.
LOADING_REDIS = '''#!/usr/bin/env python3
import os, socket, sys, time
seconds = float(os.environ.get("LOADING_SECONDS", "1.5"))
path = "run/redis.sock"
if os.path.exists(path):
    os.unlink(path)
server = socket.socket(socket.AF_UNIX)
server.bind(path)
server.listen(16)
server.settimeout(0.05)
end = time.monotonic() + seconds
while seconds < 0 or time.monotonic() < end:
    try:
        client, _ = server.accept()
    except socket.timeout:
        continue
    try:
        client.settimeout(1)
        client.recv(1024)
        client.sendall(b"-LOADING Redis is loading the dataset in memory\\r\\n")
    except OSError:
        pass
    client.close()
server.close()
os.unlink(path)
os.execv("/usr/bin/redis-server", ["redis-server", *sys.argv[1:]])
'''


# How not to start the stack (exercise 1 is how): the stop exercise's tests start the stack with
# this, so that they grade your ON_STOP alone, whatever your START_STACK does.
NAIVE_START = '''mkdir -p run; redis-server redis.conf & echo $! > run/redis.pid
until [ -S run/redis.sock ]; do sleep 0.05; done  # exercise 1 says why this is not enough
python3 app.py & echo $! > run/app.pid
printf 'stack started\\n'; wait
'''


# Runs a script, then waits until every process it started has ended by itself (or ``seconds``
# after the start): it adopts them (a child subreaper), so a script that exits just after it
# started something cannot hide it. Without it, the sandbox ends the moment the script does
# and takes along a redis-server forked a millisecond before, which had no time to print
# anything: whether a wrong answer was caught would depend on the machine's load.
REAPER = '''import ctypes, os, subprocess, sys, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
until = time.monotonic() + float(sys.argv[2])
status = subprocess.run(["bash", "-c", sys.argv[1]]).returncode
while time.monotonic() < until:
    try:
        if os.waitpid(-1, os.WNOHANG)[0] == 0:
            time.sleep(0.02)
    except ChildProcessError:
        break
sys.exit(status if status >= 0 else 128 - status)
'''


def until_all_ended(script: str, seconds: float) -> str:
    """A command that runs ``script`` and ends with its exit code once everything the script
    started has ended too, at most ``seconds`` after the start (see REAPER): for checking
    that nothing was started after a step failed."""
    # python3 from the sandbox's PATH: the kernel's own interpreter may live under /tmp, which
    # the sandbox hides (a clean clone in /tmp, a grading machine's virtual environment)
    return f"exec python3 -c {shlex.quote(REAPER)} {shlex.quote(script)} {seconds:g}"


def files(conf: str = REDIS_CONF, slow_redis: bool = False, run_is_a_file: bool = False,
          stop_seconds: float = 0.3) -> dict[str, str]:
    """The folder a script runs in: app.py and redis.conf (and, for the hidden tests, a Redis
    still loading its data in bin/, a file called ``run`` where the script wants a folder, or an
    app that takes ``stop_seconds`` to save its work when stopped)."""
    given = {"app.py": APP.replace("time.sleep(0.3)", f"time.sleep({stop_seconds:g})"), "redis.conf": conf}
    if slow_redis:
        given["bin/redis-server"] = LOADING_REDIS
    if run_is_a_file:
        given["run"] = "not a folder\n"
    return given


def modes(slow_redis: bool = False) -> dict[str, int]:
    return {"bin/redis-server": 0o755} if slow_redis else {}


def env(slow_redis: bool = False, loading_seconds: float = 1.5) -> dict[str, str]:
    """``loading_seconds`` < 0: a Redis that never finishes loading."""
    return {"PATH": "./bin:/usr/local/bin:/usr/bin:/bin",
            "LOADING_SECONDS": f"{loading_seconds:g}"} if slow_redis else {}


def redis_pid(output: str) -> int | None:
    """The pid redis-server says it has, in its first lines ("..., pid=4, just started")."""
    found = re.search(r"pid=(\d+), just started", output)
    return int(found.group(1)) if found else None


def app_pid(output: str) -> int | None:
    """The pid the app says it has ("app: serving (pid 14)")."""
    found = re.search(r"app: serving \(pid (\d+)\)", output)
    return int(found.group(1)) if found else None
