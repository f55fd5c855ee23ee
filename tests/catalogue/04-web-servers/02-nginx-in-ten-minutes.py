"""Catalogue of 04-web-servers/02-nginx-in-ten-minutes.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex3-answer": Exercise(
        # the name the visible test uses, typed in instead of {name}
        hardcoded=r'''
STATUS_SITE = r"""
server {
    listen {listen};
    default_type text/plain;
    location = / { return 200 "shop\n"; }
    location = /whoami { return 200 "$pid\n"; }
    location / { return 404; }
}
"""
''',
        mistakes={
            # `location /` is a prefix of every path: /nope answers 200 with the name
            "root_prefix_answers_everything": r'''
STATUS_SITE = r"""
server {
    listen {listen};
    default_type text/plain;
    location / { return 200 "{name}\n"; }
    location = /whoami { return 200 "$pid\n"; }
}
"""
''',
            # no default_type: the text of a return goes out as application/octet-stream
            "no_default_type": r'''
STATUS_SITE = r"""
server {
    listen {listen};
    location = / { return 200 "{name}\n"; }
    location = /whoami { return 200 "$pid\n"; }
    location / { return 404; }
}
"""
''',
            # the body without its newline
            "no_newline": r'''
STATUS_SITE = r"""
server {
    listen {listen};
    default_type text/plain;
    location = / { return 200 "{name}"; }
    location = /whoami { return 200 "$pid"; }
    location / { return 404; }
}
"""
''',
            # `location /whoami` is a prefix: /whoami/ and /whoamix answer too
            "whoami_as_prefix": r'''
STATUS_SITE = r"""
server {
    listen {listen};
    default_type text/plain;
    location = / { return 200 "{name}\n"; }
    location /whoami { return 200 "$pid\n"; }
    location / { return 404; }
}
"""
''',
            # a regex without ^: /api/whoami matches too
            "regex_not_anchored": r'''
STATUS_SITE = r"""
server {
    listen {listen};
    default_type text/plain;
    location = / { return 200 "{name}\n"; }
    location ~ /whoami$ { return 200 "$pid\n"; }
    location / { return 404; }
}
"""
''',
            # $connection is the connection's serial number, not the worker's pid
            "connection_number_not_pid": r'''
STATUS_SITE = r"""
server {
    listen {listen};
    default_type text/plain;
    location = / { return 200 "{name}\n"; }
    location = /whoami { return 200 "$connection\n"; }
    location / { return 404; }
}
"""
''',
            # a regex that also accepts /whoami/
            "whoami_optional_slash": r'''
STATUS_SITE = r"""
server {
    listen {listen};
    default_type text/plain;
    location = / { return 200 "{name}\n"; }
    location ~ ^/whoami/?$ { return 200 "$pid\n"; }
    location / { return 404; }
}
"""
''',
            # ^/whoami without $: /whoamix answers too
            "regex_without_dollar": r'''
STATUS_SITE = r"""
server {
    listen {listen};
    default_type text/plain;
    location ~ ^/$ { return 200 "{name}\n"; }
    location ~ ^/whoami { return 200 "$pid\n"; }
    location / { return 404; }
}
"""
''',
            # add_header Content-Type: a second Content-Type next to application/octet-stream
            "content_type_by_add_header": r'''
STATUS_SITE = r"""
server {
    listen {listen};
    location = / { add_header Content-Type text/plain; return 200 "{name}\n"; }
    location = /whoami { add_header Content-Type text/plain; return 200 "$pid\n"; }
    location / { return 404; }
}
"""
''',
            # /index.html answered like / ("the home page")
            "index_html_as_home": r'''
STATUS_SITE = r"""
server {
    listen {listen};
    default_type text/plain;
    location = /index.html { return 200 "{name}\n"; }
    location = / { return 200 "{name}\n"; }
    location = /whoami { return 200 "$pid\n"; }
    location / { return 404; }
}
"""
''',
        },
        alternatives={
            # an anchored regex, and no catch-all: nginx looks for a file under root, finds none
            "anchored_regex_no_catch_all": r'''
STATUS_SITE = r"""
server {
    listen {listen};

    location ~ ^/whoami$ {
        default_type text/plain;
        return 200 "$pid\n";
    }

    location = / {
        default_type text/plain;
        return 200 "{name}\n";
    }
}
"""
''',
            # `if` in the server block, before any location is chosen
            "if_on_uri_in_server": r'''
STATUS_SITE = r"""
server {
    listen {listen};
    default_type text/plain;
    if ($uri = /whoami) {
        return 200 "$pid\n";
    }
    if ($uri = /) {
        return 200 "{name}\n";
    }
    return 404;
}
"""
''',
            # a map from the path to the body, one location for everything
            "map_uri_to_body": r'''
STATUS_SITE = r"""
map $uri $status_body {
    default  "";
    /        "{name}";
    /whoami  $pid;
}

server {
    listen {listen};
    location / {
        default_type text/plain;
        if ($status_body = "") {
            return 404;
        }
        return 200 "$status_body\n";
    }
}
"""
''',
            # two exact locations, nothing else: other paths find no file under root
            "exact_locations_nothing_else": r'''
STATUS_SITE = r"""
server {
    listen {listen};
    location = / {
        default_type text/plain;
        return 200 "{name}\n";
    }
    location = /whoami {
        default_type text/plain;
        return 200 "$pid\n";
    }
}
"""
''',
            # an if on $request_uri in the server block, locations for the rest
            "server_if_on_request_uri": r'''
STATUS_SITE = r"""
server {
    listen {listen};
    default_type text/plain;
    if ($request_uri = /whoami) { return 200 "$pid\n"; }
    location = / { return 200 "{name}\n"; }
    location / { return 404 "not here\n"; }
}
"""
''',
        },
    ),
    "ex4-answer": Exercise(
        # refuses only the visible test's broken text (its missing semicolon), tests nothing
        hardcoded=r'''
def deploy(site, config):
    if "text/plain\n" in config:
        return False
    site.config_file.write_text(site.fill(config))
    site.run("-s", "reload")
    return True
''',
        mistakes={
            # reloads whatever it was given: the master refuses the broken file, but deploy
            # says True and leaves the broken file on disk
            "reload_without_test": r'''
def deploy(site, config):
    site.config_file.write_text(site.fill(config))
    site.run("-s", "reload")
    return True
''',
            # tests, says False, but leaves the broken file for the next restart
            "broken_file_left_on_disk": r'''
def deploy(site, config):
    site.config_file.write_text(site.fill(config))
    if site.run("-t").returncode != 0:
        return False
    site.run("-s", "reload")
    return True
''',
            # nginx reports on stderr: stdout is always empty, so every deploy is refused
            "success_looked_for_on_stdout": r'''
def deploy(site, config):
    previous = site.config_file.read_text()
    site.config_file.write_text(site.fill(config))
    if "successful" not in site.run("-t").stdout:
        site.config_file.write_text(previous)
        return False
    site.run("-s", "reload")
    return True
''',
            # a restart: a new master (and, on a real server, refused connections meanwhile)
            "restart_instead_of_reload": r'''
def deploy(site, config):
    previous = site.config_file.read_text()
    site.config_file.write_text(site.fill(config))
    if site.run("-t").returncode != 0:
        site.config_file.write_text(previous)
        return False
    site.stop()
    site.apply(config)
    return True
''',
            # SIGTERM stops nginx: the server is gone
            "sigterm_instead_of_sighup": r'''
import os
import signal


def deploy(site, config):
    previous = site.config_file.read_text()
    site.config_file.write_text(site.fill(config))
    if site.run("-t").returncode != 0:
        site.config_file.write_text(previous)
        return False
    os.kill(site.pid, signal.SIGTERM)
    return True
''',
            # SIGHUP to a worker: workers do not reload, the old configuration stays
            "sighup_to_a_worker": r'''
import os
import signal


def deploy(site, config):
    previous = site.config_file.read_text()
    site.config_file.write_text(site.fill(config))
    if site.run("-t").returncode != 0:
        site.config_file.write_text(previous)
        return False
    os.kill(site.worker_pids()[0], signal.SIGHUP)
    return True
''',
            # signals first, tests afterwards: the master got a SIGHUP and read the broken file
            # (`nginx -s reload` would have refused to signal: it parses the file first)
            "sighup_before_test": r'''
import os
import signal


def deploy(site, config):
    previous = site.config_file.read_text()
    site.config_file.write_text(site.fill(config))
    os.kill(site.pid, signal.SIGHUP)
    if site.run("-t").returncode != 0:
        site.config_file.write_text(previous)
        return False
    return True
''',
            # "puts back" an empty file: nginx -t passes, the site's configuration is gone for the next restart
            "restores_an_empty_file": r'''
def deploy(site, config):
    site.config_file.write_text(site.fill(config))
    if site.run("-t").returncode != 0:
        site.config_file.write_text("")
        return False
    site.run("-s", "reload")
    return True
''',
            # puts the old file back but reloads anyway
            "reload_even_when_refused": r'''
def deploy(site, config):
    old = site.config_file.read_text()
    site.config_file.write_text(site.fill(config))
    ok = site.run("-t").returncode == 0
    if not ok:
        site.config_file.write_text(old)
    site.run("-s", "reload")
    return ok
''',
            # if site.run('-t'): a CompletedProcess is always true
            "completed_process_is_truthy": r'''
def deploy(site, config):
    old = site.config_file.read_text()
    site.config_file.write_text(site.fill(config))
    if site.run("-t"):
        site.run("-s", "reload")
        return True
    site.config_file.write_text(old)
    return False
''',
            # the text written without site.fill: {listen} reaches nginx
            "unfilled_text_written": r'''
def deploy(site, config):
    old = site.config_file.read_text()
    site.config_file.write_text(config)
    if site.run("-t").returncode == 0:
        site.run("-s", "reload")
        return True
    site.config_file.write_text(old)
    return False
''',
            # restores the last file deploy itself wrote: nothing when the site was set up otherwise
            "last_good_remembered_by_deploy": r'''
LAST_GOOD = {}

def deploy(site, config):
    site.config_file.write_text(site.fill(config))
    if site.run("-t").returncode == 0:
        LAST_GOOD[site.config_file] = site.config_file.read_text()
        site.run("-s", "reload")
        return True
    site.config_file.write_text(LAST_GOOD.get(site.config_file, ""))
    return False
''',
            # SIGHUP to the workers, not to the master
            "sighup_to_every_worker": r'''
import os, signal

def deploy(site, config):
    old = site.config_file.read_text()
    site.config_file.write_text(site.fill(config))
    if site.run("-t").returncode == 0:
        for pid in site.worker_pids():
            os.kill(pid, signal.SIGHUP)
        return True
    site.config_file.write_text(old)
    return False
''',
        },
        alternatives={
            # kill -HUP with the pid from the pid file, as a shell script would
            "kill_hup_from_the_pid_file": r'''
import subprocess


def deploy(site, config):
    path = site.config_file
    backup = path.with_name(path.name + ".last-good")
    path.replace(backup)
    path.write_text(site.fill(config))
    if site.run("-q", "-t").returncode == 0:
        pid = site.files.pid.read_text().strip()
        subprocess.run(["kill", "-HUP", pid], check=True)
        backup.unlink()
        return True
    backup.replace(path)
    return False
''',
            # the course's own apply: nginx -t on the text first, reload only when it passes
            "course_apply": r'''
def deploy(site, config):
    try:
        site.apply(config)
    except backendlab.CourseError:
        return False
    return True
''',
            # test the text before writing anything, then SIGHUP from Python
            "test_then_write_then_sighup": r'''
import os
import signal


def deploy(site, config):
    try:
        site.test(config)
    except Exception:
        return False
    site.config_file.write_bytes(site.fill(config).encode())
    os.kill(site.pid, signal.SIGHUP)
    return True
''',
            # a .bak copy next to the file, os.kill(SIGHUP) on the master
            "backup_copy_and_sighup": r'''
import os
import shutil
import signal

def deploy(site, config):
    backup = site.config_file.with_name(site.config_file.name + ".bak")
    shutil.copy2(site.config_file, backup)
    site.config_file.write_text(site.fill(config))
    if site.run("-t").returncode:
        shutil.copy2(backup, site.config_file)
        return False
    os.kill(site.pid, signal.SIGHUP)
    return True
''',
            # the previous bytes restored in a finally
            "bytes_and_finally": r'''
def deploy(site, config):
    previous = site.config_file.read_bytes()
    ok = False
    try:
        site.config_file.write_text(site.fill(config))
        ok = site.run("-t").returncode == 0
        if ok:
            site.run("-s", "reload")
        return ok
    finally:
        if not ok:
            site.config_file.write_bytes(previous)
''',
        },
    ),
}
