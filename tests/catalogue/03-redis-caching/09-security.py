"""Catalogue of 03-redis-caching/09-security.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

HARDCODED16 = '''
def create_cache_reader(r, username, password, prefix):
    r.acl_setuser(username, enabled=True, reset=True, passwords=[f"+{password}"],
                  keys=["cache:*"], commands=["+get", "+mget", "+exists", "+ttl"])
'''

HARDCODED17 = '''
def audit_config(text):
    problems = set()
    if "bind 0.0.0.0" in text:
        problems.add("exposed")
    if "protected-mode no" in text:
        problems.add("protected-mode-off")
    if "requirepass" not in text:
        problems.add("no-password")
    return problems
'''

EXERCISES = {
    "ex16-answer": Exercise(
        hardcoded=HARDCODED16,
        mistakes={
            # no reset: a second call adds the new password, the old one still works
            "no_reset_old_password_works": '''
def create_cache_reader(r, username, password, prefix):
    r.acl_setuser(username, enabled=True, passwords=[f"+{password}"],
                  keys=[f"{prefix}*"], commands=["+get", "+mget", "+exists", "+ttl"])
''',
            # resets the passwords only: the old key pattern stays when the prefix changes
            "reset_passwords_only": '''
def create_cache_reader(r, username, password, prefix):
    r.acl_setuser(username, enabled=True, reset_passwords=True, passwords=[f"+{password}"],
                  keys=[f"{prefix}*"], commands=["+get", "+mget", "+exists", "+ttl"])
''',
            # a category: +@read also allows SCAN, KEYS, HGETALL, STRLEN...
            "read_category": '''
def create_cache_reader(r, username, password, prefix):
    r.acl_setuser(username, enabled=True, reset=True, passwords=[f"+{password}"],
                  keys=[f"{prefix}*"], commands=["+@read"])
''',
            # +@read minus KEYS: still SCAN, HGETALL, STRLEN...
            "read_category_minus_keys": '''
def create_cache_reader(r, username, password, prefix):
    r.acl_setuser(username, enabled=True, reset=True, passwords=[f"+{password}"],
                  keys=[f"{prefix}*"], commands=["+@read", "-keys"])
''',
            # the key pattern without *: only the key named exactly like the prefix
            "pattern_without_star": '''
def create_cache_reader(r, username, password, prefix):
    r.acl_setuser(username, enabled=True, reset=True, passwords=[f"+{password}"],
                  keys=[prefix], commands=["+get", "+mget", "+exists", "+ttl"])
''',
            # forgot two of the four commands
            "only_get_and_mget": '''
def create_cache_reader(r, username, password, prefix):
    r.acl_setuser(username, enabled=True, reset=True, passwords=[f"+{password}"],
                  keys=[f"{prefix}*"], commands=["+get", "+mget"])
''',
        },
        alternatives={
            # the raw ACL SETUSER rules, as in the lesson's table
            "raw_acl_setuser": '''
def create_cache_reader(r, username, password, prefix):
    r.execute_command("ACL", "SETUSER", username, "reset", "on", ">" + password,
                      "~" + prefix + "*", "+get", "+mget", "+exists", "+ttl")
''',
            # delete the user, then create it afresh (no reset needed)
            "deluser_then_setuser": '''
def create_cache_reader(r, username, password, prefix):
    r.acl_deluser(username)
    r.acl_setuser(username, enabled=True, passwords=["+" + password],
                  keys=[prefix + "*"], commands=["+GET", "+MGET", "+EXISTS", "+TTL"])
''',
            # explicit resets instead of `reset`, and the password given as its SHA-256
            "explicit_resets_hashed_password": '''
import hashlib


def create_cache_reader(r, username, password, prefix):
    digest = hashlib.sha256(password.encode()).hexdigest()
    r.execute_command("ACL SETUSER", username, "resetpass", "resetkeys", "nocommands", "on",
                      "#" + digest, "~" + prefix + "*", "+get", "+mget", "+exists", "+ttl")
''',        },
    ),
    "ex17-answer": Exercise(
        hardcoded=HARDCODED17,
        mistakes={
            # a commented-out line still counts: directives searched anywhere in the text
            "comments_not_ignored": '''
import re

LOOPBACK = {"127.0.0.1", "::1", "-::1", "localhost"}


def directive(text, name):
    found = re.findall(rf"{name}[ \\t]+([^\\n]*)", text, flags=re.IGNORECASE)
    return found[-1].split() if found else None


def audit_config(text):
    problems = set()
    port = (directive(text, "port") or ["6379"])[0]
    bind = directive(text, "bind")
    if port != "0" and (bind is None or any(address not in LOOPBACK for address in bind)):
        problems.add("exposed")
    if (directive(text, "protected-mode") or ["yes"])[0].lower() == "no":
        problems.add("protected-mode-off")
    if not directive(text, "requirepass") and directive(text, "aclfile") is None:
        problems.add("no-password")
    return problems
''',            # the first occurrence of a directive wins instead of the last
            "first_directive_wins": '''
LOOPBACK = {"127.0.0.1", "::1", "-::1", "localhost"}


def audit_config(text):
    settings = {}
    for line in text.splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            settings.setdefault(parts[0].lower(), parts[1:])
    problems = set()
    port = settings.get("port", ["6379"])[0]
    bind = settings.get("bind")
    if port != "0" and (bind is None or any(address not in LOOPBACK for address in bind)):
        problems.add("exposed")
    if settings.get("protected-mode", ["yes"])[0].lower() == "no":
        problems.add("protected-mode-off")
    if not settings.get("requirepass") and "aclfile" not in settings:
        problems.add("no-password")
    return problems
''',
            # directive names compared case-sensitively: BIND 0.0.0.0 is missed
            "case_sensitive_names": '''
LOOPBACK = {"127.0.0.1", "::1", "-::1", "localhost"}


def audit_config(text):
    settings = {}
    for line in text.splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            settings[parts[0]] = parts[1:]
    problems = set()
    port = settings.get("port", ["6379"])[0]
    bind = settings.get("bind")
    if port != "0" and (bind is None or any(address not in LOOPBACK for address in bind)):
        problems.add("exposed")
    if settings.get("protected-mode", ["yes"])[0].lower() == "no":
        problems.add("protected-mode-off")
    if not settings.get("requirepass") and "aclfile" not in settings:
        problems.add("no-password")
    return problems
''',
            # port 0 (unix socket only) still reported as exposed
            "port_ignored": '''
LOOPBACK = {"127.0.0.1", "::1", "-::1", "localhost"}


def audit_config(text):
    settings = {}
    for line in text.splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            settings[parts[0].lower()] = parts[1:]
    problems = set()
    bind = settings.get("bind")
    if bind is None or any(address not in LOOPBACK for address in bind):
        problems.add("exposed")
    if settings.get("protected-mode", ["yes"])[0].lower() == "no":
        problems.add("protected-mode-off")
    if not settings.get("requirepass") and "aclfile" not in settings:
        problems.add("no-password")
    return problems
''',
            # only the first bind address looked at: bind 127.0.0.1 10.0.0.5 passes
            "first_bind_address_only": '''
LOOPBACK = {"127.0.0.1", "::1", "-::1", "localhost"}


def audit_config(text):
    settings = {}
    for line in text.splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            settings[parts[0].lower()] = parts[1:]
    problems = set()
    port = settings.get("port", ["6379"])[0]
    bind = settings.get("bind")
    if port != "0" and (bind is None or bind[0] not in LOOPBACK):
        problems.add("exposed")
    if settings.get("protected-mode", ["yes"])[0].lower() == "no":
        problems.add("protected-mode-off")
    if not settings.get("requirepass") and "aclfile" not in settings:
        problems.add("no-password")
    return problems
''',
            # an aclfile not counted as authentication
            "aclfile_ignored": '''
LOOPBACK = {"127.0.0.1", "::1", "-::1", "localhost"}


def audit_config(text):
    settings = {}
    for line in text.splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            settings[parts[0].lower()] = parts[1:]
    problems = set()
    port = settings.get("port", ["6379"])[0]
    bind = settings.get("bind")
    if port != "0" and (bind is None or any(address not in LOOPBACK for address in bind)):
        problems.add("exposed")
    if settings.get("protected-mode", ["yes"])[0].lower() == "no":
        problems.add("protected-mode-off")
    if not settings.get("requirepass"):
        problems.add("no-password")
    return problems
''',
        },
        alternatives={
            # regular expressions over the lines, the last match winning
            "regex_last_match": '''
import re

LOOPBACK = {"127.0.0.1", "::1", "-::1", "localhost"}


def last(text, name):
    found = re.findall(rf"^[ \\t]*{name}[ \\t]+(.*?)[ \\t]*$", text, flags=re.IGNORECASE | re.MULTILINE)
    return found[-1] if found else None


def audit_config(text):
    problems = set()
    port = last(text, "port") or "6379"
    bind = last(text, "bind")
    if int(port) != 0 and (bind is None or not set(bind.split()) <= LOOPBACK):
        problems.add("exposed")
    if (last(text, "protected-mode") or "yes").lower() == "no":
        problems.add("protected-mode-off")
    if not (last(text, "requirepass") or "").strip() and last(text, "aclfile") is None:
        problems.add("no-password")
    return problems
''',
            # shlex to split each line; walk the lines backwards so the first seen is the last set
            "shlex_reversed": '''
import shlex

LOOPBACK = {"127.0.0.1", "::1", "-::1", "localhost"}


def audit_config(text):
    seen = {}
    for raw in reversed(text.splitlines()):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, *values = shlex.split(line)
        seen.setdefault(name.lower(), values)
    listens = seen.get("port", ["6379"]) != ["0"]
    wide = "bind" not in seen or any(a not in LOOPBACK for a in seen["bind"])
    problems = {"exposed"} if listens and wide else set()
    if [value.lower() for value in seen.get("protected-mode", [])] == ["no"]:
        problems |= {"protected-mode-off"}
    if not any(seen.get("requirepass", [""])) and "aclfile" not in seen:
        problems |= {"no-password"}
    return problems
''',
            # a small parser class with a dictionary of directives
            "config_class": '''
LOOPBACK = {"127.0.0.1", "::1", "-::1", "localhost"}


class RedisConf:
    def __init__(self, text):
        self.directives = {}
        for line in text.split("\\n"):
            words = line.split()
            if words and words[0][0] != "#":
                self.directives[words[0].casefold()] = words[1:]

    def get(self, name, default=None):
        return self.directives.get(name, default)


def audit_config(text):
    conf = RedisConf(text)
    found = set()
    has_port = conf.get("port", ["6379"])[0] != "0"
    addresses = conf.get("bind")
    if has_port and (not addresses or not all(a in LOOPBACK for a in addresses)):
        found.add("exposed")
    if conf.get("protected-mode", [""])[0].lower() == "no":
        found.add("protected-mode-off")
    if not conf.get("requirepass") and conf.get("aclfile") is None:
        found.add("no-password")
    return found
''',
        },
    ),
}
