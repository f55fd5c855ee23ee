"""Catalogue of 02-sql-tuning/12-finding-slow-queries.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise, edit

SHAPE = '''
import re


def shape(sql):
    token = re.compile(r"""'(?:[^']|'')*'|"[^"]*"|[A-Za-z_:$@][A-Za-z0-9_$]*|\\d+(?:\\.\\d+)?|\\s+|.""", re.S)
    parts = []
    for match in token.finditer(sql):
        piece = match.group()
        if piece.startswith("'") or piece[0].isdigit():
            piece = "?"
        elif piece.isspace():
            piece = " "
        parts.append(piece)
    flat = "".join(parts).strip()
    return re.sub(r"\\(\\s*\\?(?:\\s*,\\s*\\?)*\\s*\\)", "(?)", flat)
'''

PROFILE = '''
import time

from sqlalchemy import event


def profile(engine, action, shape):
    found = {}

    def on_send(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("profile_started", []).append(time.perf_counter())

    def on_return(conn, cursor, statement, parameters, context, executemany):
        seconds = time.perf_counter() - conn.info["profile_started"].pop()
        entry = found.setdefault(shape(statement), [0, 0.0])
        entry[0] += 1
        entry[1] += seconds

    event.listen(engine, "before_cursor_execute", on_send)
    event.listen(engine, "after_cursor_execute", on_return)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", on_send)
        event.remove(engine, "after_cursor_execute", on_return)
    return found
'''

# A correct answer in another style than PROFILE (each statement's start in conn.info["started"]):
# most of the R9E mistakes of exercise 17 are this answer with a line or two changed.
CONN_INFO_PROFILE = '''
import time

from sqlalchemy import event


def profile(engine, action, shape):
    found = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        entry = found.setdefault(shape(statement), [0, 0.0])
        entry[0] += 1
        entry[1] += time.perf_counter() - conn.info.pop("started")

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return found
'''

EXERCISES = {
    "ex16-answer": Exercise(
        hardcoded='''
def shape(sql):
    known = {
        "SELECT id, name, email FROM customers WHERE id = 37": "SELECT id, name, email FROM customers WHERE id = ?",
        "SELECT count(*) FROM order_items WHERE order_id = 1204": "SELECT count(*) FROM order_items WHERE order_id = ?",
        "SELECT id FROM customers WHERE email = 'ada@example.com'": "SELECT id FROM customers WHERE email = ?",
    }
    return known.get(sql, "SELECT id FROM orders WHERE id IN (?)")
''',
        mistakes={
            # every run of digits, also inside names: t1 becomes t?
            "digits_inside_names": '''
import re


def shape(sql):
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\\d+(?:\\.\\d+)?", "?", sql)
    sql = re.sub(r"\\(\\s*\\?(?:\\s*,\\s*\\?)*\\s*\\)", "(?)", sql)
    return " ".join(sql.split())
''',
            # 1.25 becomes ?.?
            "decimal_as_two_values": edit(SHAPE, ("\\d+(?:\\.\\d+)?", "\\d+")),
            # 'O''Brien' is two strings to a pattern that knows no ''
            "quote_inside_a_string": edit(SHAPE, ("'(?:[^']|'')*'", "'[^']*'")),
            "in_lists_kept": edit(SHAPE, ('    return re.sub(r"\\(\\s*\\?(?:\\s*,\\s*\\?)*\\s*\\)", "(?)", flat)',
                                          "    return flat")),
            # only spaces collapse: newlines and tabs stay
            "spaces_only": '''
import re


def shape(sql):
    token = re.compile(r"""'(?:[^']|'')*'|"[^"]*"|[A-Za-z_:$@][A-Za-z0-9_$]*|\\d+(?:\\.\\d+)?|.""", re.S)
    out = "".join("?" if t.startswith("'") or t[0].isdigit() else t for t in token.findall(sql))
    out = re.sub(r" +", " ", out).strip(" ")
    return re.sub(r"\\(\\s*\\?(?:\\s*,\\s*\\?)*\\s*\\)", "(?)", out)
''',
            # double-quoted names lose their digits
            "quoted_names_changed": edit(SHAPE, ('|"[^"]*"', "")),
            # any parenthesised list: (id, 4) is not a list of values
            "any_list_collapsed": edit(SHAPE, ('    return re.sub(r"\\(\\s*\\?(?:\\s*,\\s*\\?)*\\s*\\)", "(?)", flat)',
                                               '    return re.sub(r"\\([^()]*,[^()]*\\)", "(?)", flat)')),
            # shouting is not a shape: letter case must stay
            "upper_case": edit(SHAPE, ('    flat = "".join(parts).strip()', '    flat = "".join(parts).strip().upper()')),
            # R9E (a reviewer's answers from the student notebook alone), from here on
            # every run of digits: names (t1), placeholders ($1) and decimals too
            "digits_anywhere": r'''
import re


def shape(sql):
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\d+", "?", sql)
    sql = re.sub(r"\(\s*\?(?:\s*,\s*\?)*\s*\)", "(?)", sql)
    return " ".join(sql.split())
''',
            # digits in double-quoted names are replaced: "2024 sales" becomes "? sales"
            "double_quoted_not_skipped": r'''
import re


def shape(sql):
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"(?<![\w$:.])\d+(?:\.\d+)?(?![\w])", "?", sql)
    sql = re.sub(r"\(\s*\?(?:\s*,\s*\?)*\s*\)", "(?)", sql)
    return " ".join(sql.split())
''',
            # a string ends at its first quote: 'O''Brien' becomes ??
            "string_without_doubled_quote": r'''
import re


def shape(sql):
    parts = re.split(r'("[^"]*")', sql)
    for i in range(0, len(parts), 2):
        part = re.sub(r"'[^']*'", "?", parts[i])
        part = re.sub(r"(?<![\w$:.])\d+(?:\.\d+)?", "?", part)
        parts[i] = part
    sql = "".join(parts)
    sql = re.sub(r"\(\s*\?(?:\s*,\s*\?)*\s*\)", "(?)", sql)
    return " ".join(sql.split())
''',
            # only "(?, ?)" and "(?, ?, ?)" collapse: not (?,?) nor longer lists
            "list_needs_comma_space": r'''
import re


def shape(sql):
    sql = re.sub(r"'(?:[^']|'')*'|(\"[^\"]*\")|(?<![\w$:.])\d+(?:\.\d+)?",
                 lambda m: m.group(1) or "?", sql)
    sql = sql.replace("(?, ?, ?)", "(?)").replace("(?, ?)", "(?)")
    return " ".join(sql.split())
''',
            # any parentheses holding a value collapse: (id, 4) is not a list of values
            "any_parens_collapse": r'''
import re


def shape(sql):
    sql = re.sub(r"'(?:[^']|'')*'|(\"[^\"]*\")|(?<![\w$:.])\d+(?:\.\d+)?",
                 lambda m: m.group(1) or "?", sql)
    sql = re.sub(r"\([^()*]*\?[^()]*\)", "(?)", sql)
    return " ".join(sql.split())
''',
            # numbers before strings, without skipping double-quoted names
            "lists_before_strings": r'''
import re


def shape(sql):
    sql = re.sub(r"(?<![\w$:.'])\b\d+(?:\.\d+)?\b", "?", sql)
    sql = re.sub(r"\(\s*\?(?:\s*,\s*\?)*\s*\)", "(?)", sql)
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\(\s*\?(?:\s*,\s*\?)*\s*\)", "(?)", sql)
    return " ".join(sql.split())
''',
            # only newlines become spaces: tabs stay, and so do spaces at the ends
            "tabs_and_ends_kept": r'''
import re


def shape(sql):
    sql = re.sub(r"'(?:[^']|'')*'|(\"[^\"]*\")|(?<![\w$:.])\d+(?:\.\d+)?",
                 lambda m: m.group(1) or "?", sql)
    sql = re.sub(r"\(\s*\?(?:\s*,\s*\?)*\s*\)", "(?)", sql)
    sql = sql.replace("\n", " ")
    return re.sub(r" +", " ", sql)
''',
            # integers only: 1.25 becomes ?.25
            "integers_only": r'''
import re


def shape(sql):
    sql = re.sub(r"'(?:[^']|'')*'|(\"[^\"]*\")|(?<![\w$:.])\d+",
                 lambda m: m.group(1) or "?", sql)
    sql = re.sub(r"\(\s*\?(?:\s*,\s*\?)*\s*\)", "(?)", sql)
    return " ".join(sql.split())
''',
            # $1 (pg_stat_statements' own placeholder) becomes $?
            "dollar_placeholder": r'''
import re


def shape(sql):
    sql = re.sub(r"'(?:[^']|'')*'|(\"[^\"]*\")|(?<![\w:.])\d+(?:\.\d+)?",
                 lambda m: m.group(1) or "?", sql)
    sql = re.sub(r"\(\s*\?(?:\s*,\s*\?)*\s*\)", "(?)", sql)
    return " ".join(sql.split())
''',
        },
        alternatives={
            "a_character_scanner": '''
def shape(sql):
    out, i, n = [], 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "'":
            i += 1
            while i < n:
                if sql[i] == "'" and i + 1 < n and sql[i + 1] == "'":
                    i += 2
                elif sql[i] == "'":
                    i += 1
                    break
                else:
                    i += 1
            out.append("?")
        elif c == '"':
            end = sql.index('"', i + 1) + 1
            out.append(sql[i:end])
            i = end
        elif c.isalpha() or c in "_:$@":
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] in "_$"):
                j += 1
            out.append(sql[i:j])
            i = j
        elif c.isdigit():
            j = i
            while j < n and sql[j].isdigit():
                j += 1
            if j + 1 < n and sql[j] == "." and sql[j + 1].isdigit():
                j += 1
                while j < n and sql[j].isdigit():
                    j += 1
            out.append("?")
            i = j
        elif c.isspace():
            while i < n and sql[i].isspace():
                i += 1
            out.append(" ")
        else:
            out.append(c)
            i += 1
    text = "".join(out).strip()
    # lists of values: (?, ?, ?) -> (?)
    result, k = [], 0
    while k < len(text):
        if text[k] == "(":
            close = text.find(")", k)
            inner = text[k + 1:close] if close != -1 else ""
            if close != -1 and inner and all(item.strip() == "?" for item in inner.split(",")):
                result.append("(?)")
                k = close + 1
                continue
        result.append(text[k])
        k += 1
    return "".join(result)
''',
            "protect_then_replace": '''
import re

NAME_OR_QUOTED = re.compile(r'"[^"]*"|[A-Za-z_:$@][A-Za-z0-9_$]*')


def shape(sql):
    kept = []

    def keep(match):
        kept.append(match.group(0))
        return "\\x00" + chr(0xE000 + len(kept) - 1)  # no digits in the mark: numbers come next

    sql = re.sub(r"'(?:''|[^'])*'", "\\x02", sql)          # strings first: they may hold anything
    sql = NAME_OR_QUOTED.sub(keep, sql)                     # then names, which may hold digits
    sql = re.sub(r"\\d+(\\.\\d+)?", "\\x02", sql)
    sql = re.sub("\\x00(.)", lambda m: kept[ord(m.group(1)) - 0xE000], sql)
    sql = sql.replace("\\x02", "?")
    sql = re.sub(r"\\s+", " ", sql).strip()
    return re.sub(r"\\(\\s*\\?(\\s*,\\s*\\?)*\\s*\\)", "(?)", sql)
''',
            # R9E (a reviewer's answers from the student notebook alone), from here on
            "one_regex_callback": r'''
import re

TOKEN = re.compile(r"""("(?:[^"]|"")*")|'(?:[^']|'')*'|(?<![\w$:.])\d+(?:\.\d+)?(?![\w])""")
LIST = re.compile(r"\(\s*\?(?:\s*,\s*\?)*\s*\)")


def shape(sql):
    sql = TOKEN.sub(lambda m: m.group(1) or "?", sql)
    sql = LIST.sub("(?)", sql)
    return re.sub(r"\s+", " ", sql).strip()
''',
            "scanner": r'''
def shape(sql):
    out, i, n = [], 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "'":
            i += 1
            while i < n:
                if sql[i] == "'" and i + 1 < n and sql[i + 1] == "'":
                    i += 2
                elif sql[i] == "'":
                    i += 1
                    break
                else:
                    i += 1
            out.append("?")
        elif c == '"':
            j = sql.index('"', i + 1) if '"' in sql[i + 1:] else n - 1
            out.append(sql[i:j + 1])
            i = j + 1
        elif c.isdigit() and not (out and (out[-1][-1:].isalnum() or out[-1][-1:] in "_$:.")):
            j = i
            while j < n and sql[j].isdigit():
                j += 1
            if j + 1 < n and sql[j] == "." and sql[j + 1].isdigit():
                j += 1
                while j < n and sql[j].isdigit():
                    j += 1
            out.append("?")
            i = j
        elif c.isspace():
            while i < n and sql[i].isspace():
                i += 1
            out.append(" ")
        else:
            out.append(c)
            i += 1
    text = "".join(out).strip()
    # lists of values only
    result, k = [], 0
    while k < len(text):
        if text[k] == "(":
            close = text.find(")", k)
            inside = text[k + 1:close] if close != -1 else None
            if inside is not None and inside.strip() and all(p.strip() == "?" for p in inside.split(",")):
                result.append("(?)")
                k = close + 1
                continue
        result.append(text[k])
        k += 1
    return "".join(result)
''',
            "sqlparse_tokens": r'''
import re

import sqlparse
from sqlparse import tokens as T


def shape(sql):
    pieces = []
    for token in sqlparse.parse(sql)[0].flatten():
        if token.ttype in T.Number or token.ttype in T.Literal.Number:
            pieces.append("-?" if token.value.startswith("-") else "?")
        elif token.ttype in T.String.Single:
            pieces.append("?")
        elif token.is_whitespace:
            pieces.append(" ")
        else:
            pieces.append(token.value)
    text = re.sub(r"\s+", " ", "".join(pieces)).strip()
    return re.sub(r"\(\s*\?(?:\s*,\s*\?)*\s*\)", "(?)", text)
''',
        },
    ),
    "ex17-answer": Exercise(
        # the visible test's answer, without looking at anything
        hardcoded='''
def profile(engine, action, shape):
    action()
    return {"SELECT id FROM orders": [3, 1e-6], "SELECT name FROM customers": [3, 1e-6],
            "SELECT count(*) FROM products": [1, 1e-6]}
''',
        mistakes={
            # counted, not timed
            "no_time": '''
from sqlalchemy import event


def profile(engine, action, shape):
    found = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        found.setdefault(shape(statement), [0, 0.0])[0] += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return found
''',
            # the listeners stay: later statements are still recorded
            "listeners_left": edit(PROFILE, ("    try:\n        action()\n    finally:\n"
                                             "        event.remove(engine, \"before_cursor_execute\", on_send)\n"
                                             "        event.remove(engine, \"after_cursor_execute\", on_return)\n",
                                             "    action()\n")),
            # removed only when the action succeeds
            "no_finally": edit(PROFILE, ("    try:\n        action()\n    finally:\n", "    action()\n"),
                               ("        event.remove(engine, \"before_cursor_execute\", on_send)\n"
                                "        event.remove(engine, \"after_cursor_execute\", on_return)\n",
                                "    event.remove(engine, \"before_cursor_execute\", on_send)\n"
                                "    event.remove(engine, \"after_cursor_execute\", on_return)\n")),
            # an action's error swallowed
            "swallows_the_error": edit(PROFILE, ("        action()\n    finally:", "        action()\n    except Exception:\n"
                                                 "        pass\n    finally:")),
            # executemany is one call, not one per row
            "a_call_per_row": edit(PROFILE, ("        entry[0] += 1", "        entry[0] += len(parameters) if executemany else 1")),
            # the whole action's time given to every shape
            "the_action_time_for_each": '''
import time

from sqlalchemy import event


def profile(engine, action, shape):
    calls = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        calls[shape(statement)] = calls.get(shape(statement), 0) + 1

    event.listen(engine, "before_cursor_execute", before)
    started = time.perf_counter()
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    took = time.perf_counter() - started
    return {key: [count, took] for key, count in calls.items()}
''',
            # R9E (a reviewer's answers from the student notebook alone), from here on
            # the listeners are never removed: later statements are still recorded
            "never_removed": edit(CONN_INFO_PROFILE, ("    try:\n        action()\n    finally:\n"
                                                      "        event.remove(engine, \"before_cursor_execute\", before)\n"
                                                      "        event.remove(engine, \"after_cursor_execute\", after)\n",
                                                      "    action()\n")),
            # removed only when the action succeeds
            "remove_without_finally": edit(CONN_INFO_PROFILE, ("    try:\n        action()\n    finally:\n", "    action()\n"),
                                           ('        event.remove(engine, "before_cursor_execute", before)\n'
                                            '        event.remove(engine, "after_cursor_execute", after)\n',
                                            '    event.remove(engine, "before_cursor_execute", before)\n'
                                            '    event.remove(engine, "after_cursor_execute", after)\n')),
            # an action's error swallowed
            "swallows_error": edit(CONN_INFO_PROFILE, ("        action()\n    finally:",
                                                       "        action()\n    except Exception:\n        pass\n    finally:")),
            # executemany counted as one call per row
            "executemany_per_row": edit(CONN_INFO_PROFILE, ("        entry[0] += 1",
                                                            "        entry[0] += len(parameters) if executemany else 1")),
            # each statement timed from the start of the action, not from when it was sent
            "seconds_since_action_start": r'''
import time

from sqlalchemy import event


def profile(engine, action, shape):
    found = {}
    started = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        entry = found.setdefault(shape(statement), [0, 0.0])
        entry[0] += 1
        entry[1] += time.perf_counter() - started

    event.listen(engine, "after_cursor_execute", after)
    try:
        action()
    finally:
        event.remove(engine, "after_cursor_execute", after)
    return found
''',
            # listens on a connection of its own, which the action never uses
            "listens_on_own_connection": edit(CONN_INFO_PROFILE,
                                              ("    found = {}\n", "    found = {}\n    connection = engine.connect()\n"),
                                              ('(engine, "', '(connection, "'),
                                              ('        event.remove(connection, "after_cursor_execute", after)\n',
                                               '        event.remove(connection, "after_cursor_execute", after)\n'
                                               '        connection.close()\n')),
            # milliseconds, not seconds
            "milliseconds": edit(CONN_INFO_PROFILE, ('time.perf_counter() - conn.info.pop("started")',
                                                     '(time.perf_counter() - conn.info.pop("started")) * 1000')),
            # listens on every Engine: another engine's statements are counted too
            "every_engine": edit(CONN_INFO_PROFILE, ("from sqlalchemy import event\n",
                                                     "from sqlalchemy import event\nfrom sqlalchemy.engine import Engine\n"),
                                 ('(engine, "', '(Engine, "')),
            # the last call's seconds, not the sum over the calls
            "last_call_time": edit(CONN_INFO_PROFILE, (
                "        entry = found.setdefault(shape(statement), [0, 0.0])\n"
                "        entry[0] += 1\n"
                '        entry[1] += time.perf_counter() - conn.info.pop("started")\n',
                "        calls = found.get(shape(statement), [0, 0.0])[0]\n"
                '        found[shape(statement)] = [calls + 1, time.perf_counter() - conn.info.pop("started")]\n')),
            # the mean per call, not the sum
            "mean_per_call": r'''
import time
from collections import defaultdict

from sqlalchemy import event


def profile(engine, action, shape):
    times = defaultdict(list)

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        times[shape(statement)].append(time.perf_counter() - conn.info.pop("started"))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return {key: [len(spent), sum(spent) / len(spent)] for key, spent in times.items()}
''',
            # listens on shop, not on the engine it is given
            "listens_on_shop": edit(CONN_INFO_PROFILE, ('(engine, "', '(shop, "')),
        },
        alternatives={
            "connection_level_events": '''
import time

import sqlalchemy


def profile(engine, action, shape):
    stats = {}
    started = {}

    def before_execute(conn, clauseelement, multiparams, params, execution_options):
        started[id(conn)] = time.perf_counter()

    def after_execute(conn, clauseelement, multiparams, params, execution_options, result):
        took = time.perf_counter() - started.pop(id(conn))
        key = shape(str(clauseelement))
        calls, seconds = stats.get(key, (0, 0.0))
        stats[key] = [calls + 1, seconds + took]

    sqlalchemy.event.listen(engine, "before_execute", before_execute)
    sqlalchemy.event.listen(engine, "after_execute", after_execute)
    try:
        action()
    finally:
        sqlalchemy.event.remove(engine, "before_execute", before_execute)
        sqlalchemy.event.remove(engine, "after_execute", after_execute)
    return stats
''',
            "a_recorder_class_timing_on_the_context": '''
import time
from collections import defaultdict

from sqlalchemy import event


class Recorder:
    def __init__(self, shape):
        self.shape = shape
        self.calls = defaultdict(int)
        self.seconds = defaultdict(float)

    def before(self, conn, cursor, statement, parameters, context, executemany):
        context._recorder_started = time.monotonic()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        key = self.shape(statement)
        self.calls[key] += 1
        self.seconds[key] += time.monotonic() - context._recorder_started


def profile(engine, action, shape):
    recorder = Recorder(shape)
    hooks = [("before_cursor_execute", recorder.before), ("after_cursor_execute", recorder.after)]
    for name, hook in hooks:
        event.listen(engine, name, hook)
    try:
        action()
    finally:
        for name, hook in hooks:
            event.remove(engine, name, hook)
    return {key: [recorder.calls[key], recorder.seconds[key]] for key in recorder.calls}
''',
            # R9E (a reviewer's answers from the student notebook alone), from here on
            "context_attribute": r'''
import time
from collections import Counter, defaultdict

from sqlalchemy import event


def profile(engine, action, shape):
    calls, seconds = Counter(), defaultdict(float)

    def before(conn, cursor, statement, parameters, context, executemany):
        context.r9e_started = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        key = shape(statement)
        calls[key] += 1
        seconds[key] += time.perf_counter() - context.r9e_started

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return {key: [calls[key], seconds[key]] for key in calls}
''',
            "recorder_class": r'''
import time

from sqlalchemy import event


class Recorder:
    """Calls and seconds per shape, between two cursor events."""

    def __init__(self, shape):
        self.shape = shape
        self.found = {}

    def before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("r9e_starts", []).append(time.perf_counter())

    def after(self, conn, cursor, statement, parameters, context, executemany):
        took = time.perf_counter() - conn.info["r9e_starts"].pop()
        calls, seconds = self.found.get(self.shape(statement), (0, 0.0))
        self.found[self.shape(statement)] = (calls + 1, seconds + took)


def profile(engine, action, shape):
    recorder = Recorder(shape)
    event.listen(engine, "before_cursor_execute", recorder.before)
    event.listen(engine, "after_cursor_execute", recorder.after)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", recorder.before)
        event.remove(engine, "after_cursor_execute", recorder.after)
    return {key: list(value) for key, value in recorder.found.items()}
''',
            "exitstack_list": r'''
import time
from contextlib import ExitStack

from sqlalchemy import event


def profile(engine, action, shape):
    sent = []
    pending = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        pending[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        sent.append((shape(statement), time.perf_counter() - pending.pop(id(cursor))))

    with ExitStack() as stack:
        for name, function in (("before_cursor_execute", before), ("after_cursor_execute", after)):
            event.listen(engine, name, function)
            stack.callback(event.remove, engine, name, function)
        action()
    result = {}
    for key, took in sent:
        result.setdefault(key, [0, 0.0])
        result[key][0] += 1
        result[key][1] += took
    return result
''',
            "counted_when_sent": r'''
import time

from sqlalchemy import event


def profile(engine, action, shape):
    found = {}
    starts = []

    def before(conn, cursor, statement, parameters, context, executemany):
        entry = found.setdefault(shape(statement), [0, 0.0])
        entry[0] += 1
        starts.append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):
        found[shape(statement)][1] += time.perf_counter() - starts.pop()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return found
''',
        },
    ),
}
