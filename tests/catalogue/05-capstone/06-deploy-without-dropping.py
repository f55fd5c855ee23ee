"""5.6 Deploy without dropping a request: the deploy order, and settings from the environment."""

from tests.catalogue import Exercise, edit, solution

NOTEBOOK = "05-capstone/06-deploy-without-dropping.ipynb"
# the mistakes are edits of the solution: they follow it, and fail loudly when what they change is gone
SETTINGS = solution(NOTEBOOK, "ex14-answer")

EXERCISES = {
    "ex13-answer": Exercise(
        # the visible test's own config, CONFIG, in place of the one it is given
        hardcoded='''
def deploy(project, site, config, old, new_code):
    new = project.start(new_code)
    before = [psutil.Process(pid) for pid in site.worker_pids()]
    site.apply(CONFIG, app=new.socket)
    psutil.wait_procs(before, timeout=30)
    old.stop()
    return new
''',
        mistakes={
            # the lesson's closed door: stop first, then start and switch
            "stops_the_old_first": '''
def deploy(project, site, config, old, new_code):
    old.stop()
    new = project.start(new_code)
    site.apply(config, app=new.socket)
    return new
''',
            "serve_replaces_the_running_app": '''
def deploy(project, site, config, old, new_code):
    new = project.serve(new_code)
    site.apply(config, app=new.socket)
    return new
''',
            "restarts_nginx_instead_of_reloading": '''
def deploy(project, site, config, old, new_code):
    new = project.start(new_code)
    site.stop()
    site.apply(config, app=new.socket)
    old.stop()
    return new
''',
            "leaves_the_old_running": '''
def deploy(project, site, config, old, new_code):
    new = project.start(new_code)
    site.apply(config, app=new.socket)
    return new
''',
            "returns_the_old_app": '''
def deploy(project, site, config, old, new_code):
    new = project.start(new_code)
    site.apply(config, app=new.socket)
    old.stop()
    return old
''',
            "switches_to_the_old_socket": '''
def deploy(project, site, config, old, new_code):
    new = project.start(new_code)
    site.apply(config, app=old.socket)
    old.stop()
    return new
''',
        },
        alternatives={
            "checks_health_first": '''
def deploy(project, site, config, old, new_code):
    fresh = project.start(new_code)
    status, _ = fresh.get("/health")
    if status != 200:
        fresh.stop()
        raise RuntimeError("the new version is not healthy: keeping the old one")
    import psutil
    old_workers = [psutil.Process(pid) for pid in site.worker_pids()]
    site.apply(config, app=fresh.socket)
    psutil.wait_procs(old_workers, timeout=30)
    old.stop()
    return fresh
''',
            "rolls_back_on_a_refused_config": '''
import time


def deploy(project, site, config, old, new_code):
    candidate = project.start(new_code)
    draining = site.worker_pids()
    try:
        site.test(config, app=candidate.socket)
        site.apply(config, app=candidate.socket)
    except Exception:
        candidate.stop()
        raise
    while any(psutil.pid_exists(pid) for pid in draining):
        time.sleep(0.01)
    old.stop()
    return candidate
''',
        },
    ),
    "ex14-answer": Exercise(
        hardcoded='''
def load_settings(environ, folder):
    if "careless" in str(folder):
        raise ValueError("secret_key has mode 644")
    return {"database_url": "postgresql://shop@db.internal/shop", "redis_socket": "run/redis.sock",
            "workers": 4, "secret_key": "s3cr3t-example-not-real"}
''',
        mistakes={
            "shows_the_secret_in_the_error": edit(
                SETTINGS,
                ('raise ValueError(f"{secret_file} has mode {mode:o}: others can read it; chmod 600 it")', 'raise ValueError(f"{secret_file} has mode {mode:o}; it holds {secret_file.read_text()!r}")')),
            "checks_only_other_read": edit(SETTINGS, ("if mode & 0o077:", "if mode & 0o004:")),
            # found by an independent check of the student notebook
            "compares_modes_as_numbers": edit(SETTINGS, ("if mode & 0o077:", "if mode > 0o600:")),
            "checks_only_read_bits": edit(SETTINGS, ("if mode & 0o077:", "if mode & 0o044:")),
            "secret_in_the_chained_exception": edit(
                SETTINGS,
                ('raise ValueError(f"{secret_file} has mode {mode:o}: others can read it; chmod 600 it")', 'raise ValueError(f"{secret_file} has mode {mode:o}: others can read it; chmod 600 it") '
                'from ValueError(f"refused secret {secret_file.read_text()!r}")')),
            "part_of_the_secret_in_the_message": edit(
                SETTINGS,
                ('raise ValueError(f"{secret_file} has mode {mode:o}: others can read it; chmod 600 it")', 'raise ValueError(f"{secret_file} (key {secret_file.read_text()[:6]}...) has mode {mode:o}")')),
            "empty_counts_as_set": edit(
                SETTINGS,
                ("value = environ.get(name) or default", "value = environ.get(name, default)")),
            "keeps_the_line_ending": edit(SETTINGS, ('.rstrip("\\r\\n")', "")),
            "workers_without_range": edit(SETTINGS, (" or not 1 <= int(workers) <= 64", "")),
            "bare_int_conversion": edit(
                SETTINGS,
                ('    if not workers.isdigit() or not 1 <= int(workers) <= 64:\n'
                '        raise ValueError(f"SHOP_WORKERS must be a whole number from 1 to 64, not {workers!r}")\n', "    workers = str(max(1, min(64, int(workers))))\n")),
            "default_for_the_database": edit(
                SETTINGS,
                ('variable("SHOP_DATABASE_URL")', 'variable("SHOP_DATABASE_URL", "sqlite:///shop.db")')),
        },
        alternatives={
            "mode_as_ls_shows_it": edit(
                SETTINGS,
                ('raise ValueError(f"{secret_file} has mode {mode:o}: others can read it; chmod 600 it")', 'import stat\n        raise ValueError(f"secret file {secret_file} is readable by others: '
                '{stat.filemode(secret_file.stat().st_mode)}")')),
            "stat_module_and_try": '''
import os
import stat


def load_settings(environ, folder):
    def get(name, default=None):
        value = environ.get(name, "")
        if value == "":
            if default is None:
                raise ValueError(f"missing required setting {name}")
            return default
        return value

    raw_workers = get("SHOP_WORKERS", "2")
    try:
        workers = int(raw_workers, 10)
    except ValueError:
        raise ValueError(f"SHOP_WORKERS is not a number: {raw_workers!r}") from None
    if workers < 1 or workers > 64 or raw_workers.strip() != raw_workers or "." in raw_workers:
        raise ValueError(f"SHOP_WORKERS out of range 1..64: {raw_workers!r}")
    path = os.path.join(folder, "secret_key")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ValueError(f"secret file {path} not found") from None
    permissions = stat.S_IMODE(info.st_mode)
    if permissions & (stat.S_IRWXG | stat.S_IRWXO):
        raise ValueError(f"refusing {path}: mode {oct(permissions)[2:]} lets others read it")
    with open(path, encoding="utf-8") as handle:
        secret = handle.read()
    return {"database_url": get("SHOP_DATABASE_URL"), "redis_socket": get("SHOP_REDIS_SOCKET", "run/redis.sock"),
            "workers": workers, "secret_key": secret.splitlines()[0] if secret else ""}
''',
            "table_of_settings": '''
import re

DEFAULTS = {"SHOP_DATABASE_URL": None, "SHOP_REDIS_SOCKET": "run/redis.sock", "SHOP_WORKERS": "2"}


def load_settings(environ, folder):
    values = {}
    for name, default in DEFAULTS.items():
        values[name] = environ.get(name) or default
        if values[name] is None:
            raise ValueError("required environment variable %s is missing" % name)
    if not re.fullmatch(r"[0-9]+", values["SHOP_WORKERS"]) or int(values["SHOP_WORKERS"]) not in range(1, 65):
        raise ValueError("SHOP_WORKERS should be 1-64, got %r" % values["SHOP_WORKERS"])
    key_file = folder / "secret_key"
    if not key_file.exists():
        raise ValueError("%s does not exist" % key_file)
    mode = key_file.stat().st_mode
    if mode & 0o77:
        raise ValueError("%s is %s; only the owner may read it (600)" % (key_file, format(mode & 0o777, "o")))
    return dict(database_url=values["SHOP_DATABASE_URL"], redis_socket=values["SHOP_REDIS_SOCKET"],
                workers=int(values["SHOP_WORKERS"]),
                secret_key=key_file.read_bytes().decode().removesuffix("\\n").removesuffix("\\r"))
''',
        },
    ),
}
