"""Catalogue of 04-web-servers/09-zero-downtime.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex21-answer": Exercise(
        # what the visible test shows: one rotation of access.log, nothing older to keep, and
        # the `name` argument ignored
        hardcoded=r'''
def rotate(site, name="access.log"):
    logs = site.files.logs
    (logs / "access.log").rename(logs / "access.log.1")
    workers, seen = site.worker_pids(), len(site.error_log())
    site.run("-s", "reopen")
    web.wait_until(lambda: all(any(f" {pid}#" in line and "reopening logs" in line
                                   for line in site.error_log()[seen:]) for pid in workers))
''',
        mistakes={
            # the move alone: nginx keeps writing into the moved file, no new access.log
            "move_without_signal": r'''
def rotate(site, name="access.log"):
    logs = site.files.logs
    older = sorted(int(p.suffix[1:]) for p in logs.glob(f"{name}.*") if p.suffix[1:].isdigit())
    for number in reversed(older):
        (logs / f"{name}.{number}").rename(logs / f"{name}.{number + 1}")
    (logs / name).rename(logs / f"{name}.1")
''',
            # signal first, then move: nginx reopened the old name and writes into .1 again
            "signal_before_move": r'''
def rotate(site, name="access.log"):
    logs = site.files.logs
    older = sorted(int(p.suffix[1:]) for p in logs.glob(f"{name}.*") if p.suffix[1:].isdigit())
    for number in reversed(older):
        (logs / f"{name}.{number}").rename(logs / f"{name}.{number + 1}")
    workers, seen = site.worker_pids(), len(site.error_log())
    site.run("-s", "reopen")
    web.wait_until(lambda: all(any(f" {pid}#" in line and "reopening logs" in line
                                   for line in site.error_log()[seen:]) for pid in workers))
    (logs / name).rename(logs / f"{name}.1")
''',
            # a reload (SIGHUP) also opens new files, but replaces every worker
            "reload_instead_of_reopen": r'''
def rotate(site, name="access.log"):
    logs = site.files.logs
    older = sorted(int(p.suffix[1:]) for p in logs.glob(f"{name}.*") if p.suffix[1:].isdigit())
    for number in reversed(older):
        (logs / f"{name}.{number}").rename(logs / f"{name}.{number + 1}")
    (logs / name).rename(logs / f"{name}.1")
    site.reload()
''',
            # copytruncate: a new file for .1 (other inode), lines written meanwhile are lost
            "copytruncate": r'''
def rotate(site, name="access.log"):
    logs = site.files.logs
    older = sorted(int(p.suffix[1:]) for p in logs.glob(f"{name}.*") if p.suffix[1:].isdigit())
    for number in reversed(older):
        (logs / f"{name}.{number}").rename(logs / f"{name}.{number + 1}")
    shutil.copy(logs / name, logs / f"{name}.1")
    (logs / name).write_bytes(b"")
''',
            # rm instead of mv: the old lines are gone (and the disk space held until reopen)
            "delete_instead_of_move": r'''
def rotate(site, name="access.log"):
    logs = site.files.logs
    (logs / name).unlink()
    workers, seen = site.worker_pids(), len(site.error_log())
    site.run("-s", "reopen")
    web.wait_until(lambda: all(any(f" {pid}#" in line and "reopening logs" in line
                                   for line in site.error_log()[seen:]) for pid in workers))
''',
            # no shifting: the previous access.log.1 is overwritten by the move
            "overwrites_older_rotation": r'''
def rotate(site, name="access.log"):
    logs = site.files.logs
    (logs / name).rename(logs / f"{name}.1")
    workers, seen = site.worker_pids(), len(site.error_log())
    site.run("-s", "reopen")
    web.wait_until(lambda: all(any(f" {pid}#" in line and "reopening logs" in line
                                   for line in site.error_log()[seen:]) for pid in workers))
''',
            # lowest number first: .1 -> .2 overwrites the old .2 before it has moved
            "shifts_lowest_first": r'''
def rotate(site, name="access.log"):
    logs = site.files.logs
    older = sorted(int(p.suffix[1:]) for p in logs.glob(f"{name}.*") if p.suffix[1:].isdigit())
    for number in older:
        (logs / f"{name}.{number}").rename(logs / f"{name}.{number + 1}")
    (logs / name).rename(logs / f"{name}.1")
    workers, seen = site.worker_pids(), len(site.error_log())
    site.run("-s", "reopen")
    web.wait_until(lambda: all(any(f" {pid}#" in line and "reopening logs" in line
                                   for line in site.error_log()[seen:]) for pid in workers))
''',
        },
        alternatives={
            # os functions and the signal itself; a counting loop finds the highest number
            "os_rename_and_kill": r'''
import os as _os
import signal as _signal
import time as _time


def rotate(site, name="access.log"):
    folder = str(site.files.logs)
    base = _os.path.join(folder, name)
    highest = 0
    while _os.path.exists(f"{base}.{highest + 1}"):
        highest += 1
    for number in range(highest, 0, -1):
        _os.rename(f"{base}.{number}", f"{base}.{number + 1}")
    _os.rename(base, f"{base}.1")
    workers, seen = site.worker_pids(), len(site.error_log())
    _os.kill(site.pid, _signal.SIGUSR1)
    for _ in range(1000):
        said = site.error_log()[seen:]
        if all(any(f"{pid}#{pid}: reopening logs" in line for line in said) for pid in workers):
            return
        _time.sleep(0.01)
''',
            # shell commands as on a server (mv, kill -USR1 $(cat nginx.pid)); done when no worker
            # holds the moved file any more (/proc/<pid>/fd)
            "shell_and_proc": r'''
import subprocess as _subprocess


def rotate(site, name="access.log"):
    logs = site.files.logs
    numbers = [int(p.name[len(name) + 1:]) for p in logs.iterdir()
               if p.name.startswith(name + ".") and p.name[len(name) + 1:].isdigit()]
    for number in sorted(numbers, reverse=True):
        _subprocess.run(["mv", str(logs / f"{name}.{number}"), str(logs / f"{name}.{number + 1}")], check=True)
    _subprocess.run(["mv", str(logs / name), str(logs / f"{name}.1")], check=True)
    workers = site.worker_pids()
    _subprocess.run(f"kill -USR1 $(cat {site.files.pid})", shell=True, check=True)

    def reopened():
        for pid in workers:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd).endswith(f"/{name}.1"):
                        return False
                except OSError:  # closed while we looked: that is the reopen happening
                    return False
        return True

    web.wait_until(reopened)
''',
        },
    ),
    "ex22-answer": Exercise(
        # the visible test's sockets typed in: the hidden tests put the instances elsewhere
        hardcoded=r'''
ROLLING = r"""
upstream shop {
    server unix:%s max_fails=0;
    server unix:%s max_fails=0;
}
server {
    listen {listen};
    location / { proxy_pass http://shop; }
}
""" % (shop_a.socket, shop_b.socket)
''',
        mistakes={
            # one instance: every request while it restarts is a 502
            "one_server": r'''
ROLLING = r"""
upstream shop { server unix:{a}; }
server {
    listen {listen};
    location / { proxy_pass http://shop; }
}
"""
''',
            # the app's socket straight in proxy_pass: one server, no upstream to fall back on
            "proxy_pass_to_one_socket": r'''
ROLLING = r"""
server {
    listen {listen};
    location / { proxy_pass http://unix:{a}:; }
}
"""
''',
            # two servers with the default max_fails=1: on nginx 1.22 (what grading runs) the
            # instance that failed is skipped for fail_timeout, so while the other one restarts
            # there is no live upstream left (502)
            "default_max_fails": r'''
ROLLING = r"""
upstream shop {
    server unix:{a};
    server unix:{b};
}
server {
    listen {listen};
    location / { proxy_pass http://shop; }
}
"""
''',
            # the safety net switched off
            "next_upstream_off": r'''
ROLLING = r"""
upstream shop { server unix:{a} max_fails=0; server unix:{b} max_fails=0; }
server {
    listen {listen};
    location / { proxy_pass http://shop; proxy_next_upstream off; }
}
"""
''',
            # the list replaced: `error` (a failed connection) is no longer retried
            "next_upstream_http_502_only": r'''
ROLLING = r"""
upstream shop { server unix:{a} max_fails=0; server unix:{b} max_fails=0; }
server {
    listen {listen};
    location / { proxy_pass http://shop; proxy_next_upstream http_502 http_503; }
}
"""
''',
            # one try per request: no second server is ever asked
            "one_try": r'''
ROLLING = r"""
upstream shop { server unix:{a} max_fails=0; server unix:{b} max_fails=0; }
server {
    listen {listen};
    location / { proxy_pass http://shop; proxy_next_upstream_tries 1; }
}
"""
''',
        },
        alternatives={
            # b as a backup that only answers when a cannot; failures never counted
            "backup_server": r'''
ROLLING = r"""
upstream api_pool {
    server unix:{a} max_fails=0;
    server unix:{b} backup;
}
server {
    listen {listen};
    location / {
        proxy_pass http://api_pool;
    }
}
"""
''',
            # least_conn, the retry list written out, a host header, a tries limit of 2
            "least_conn_explicit": r'''
ROLLING = r"""
upstream instances {
    least_conn;
    server unix:{b} max_fails=0;
    server unix:{a} max_fails=0;
}
server {
    listen {listen};
    proxy_next_upstream error timeout http_502;
    proxy_next_upstream_tries 2;
    location / {
        proxy_set_header Host $host;
        proxy_pass http://instances;
    }
}
"""
''',
            # built with Python, two server lines from a loop
            "built_in_python": r'''
servers = "\n".join(f"    server unix:{{{word}}} max_fails=0;" for word in ("a", "b"))
ROLLING = "upstream app {\n" + servers + "\n}\n" + r"""
server {
    listen {listen};
    location / { proxy_pass http://app; }
}
"""
''',
        },
    ),
}
