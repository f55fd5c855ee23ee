"""Catalogue of 04-web-servers/05-logs-as-data.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise


def _format(body: str) -> str:
    """A LOG_FORMAT answer whose directive is ``log_format timed <body>;``."""
    return 'LOG_FORMAT = r"""\nlog_format timed ' + body + ';\n"""\n'


COMBINED = "'$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" "

EXERCISES = {
    "ex10-answer": Exercise(
        # what the visible test's requests had: no referer, no user agent, so "-" typed in
        hardcoded=_format("'$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
                          "\"-\" \"-\" $request_time $upstream_response_time $upstream_status $request_id'"),
        mistakes={
            # $bytes_sent counts the response headers too
            "bytes_sent_not_body": _format(
                "'$remote_addr - $remote_user [$time_local] \"$request\" $status $bytes_sent "
                "\"$http_referer\" \"$http_user_agent\" $request_time $upstream_response_time $upstream_status "
                "$request_id'"),
            # the user agent without its quotes: its spaces make fields of their own
            "agent_not_quoted": _format(
                "'$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
                "\"$http_referer\" $http_user_agent $request_time $upstream_response_time $upstream_status "
                "$request_id'"),
            # the two upstream fields the other way round
            "upstream_fields_swapped": _format(
                COMBINED + "$request_time $upstream_status $upstream_response_time $request_id'"),
            # the id the client sent (none: "-"), not nginx's own
            "client_header_not_request_id": _format(
                COMBINED + "$request_time $upstream_response_time $upstream_status $http_x_request_id'"),
            # the connection's serial number is not a request id
            "connection_not_request_id": _format(
                COMBINED + "$request_time $upstream_response_time $upstream_status $connection'"),
            # where the app is, not what it answered
            "upstream_addr_not_status": _format(
                COMBINED + "$request_time $upstream_response_time $upstream_addr $request_id'"),
            # the path without the query string and method: not the request line awk's $6 $7 $8 expect
            "uri_not_request": _format(
                "'$remote_addr - $remote_user [$time_local] \"$request_method $uri $server_protocol\" $status "
                "$body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time $upstream_response_time "
                "$upstream_status $request_id'"),
            # ISO time: another field 4 than every combined reader expects
            "iso_time": _format(
                "'$remote_addr - $remote_user [$time_iso8601] \"$request\" $status $body_bytes_sent "
                "\"$http_referer\" \"$http_user_agent\" $request_time $upstream_response_time $upstream_status "
                "$request_id'"),
            # the time of day in seconds since 1970, not how long the request took
            "msec_not_request_time": _format(
                COMBINED + "$msec $upstream_response_time $upstream_status $request_id'"),
            # the combined fields left out: the four extras only
            "extras_only": _format("'$request_time $upstream_response_time $upstream_status $request_id'"),
            # the four extras first, then combined: every field awk knows moves
            "extras_first": _format(
                "'$request_time $upstream_response_time $upstream_status $request_id $remote_addr - $remote_user "
                "[$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"'"),
            # the client's status where the app's belongs: a 504 or 502 from nginx reads as the app's
            "status_twice": _format(COMBINED + "$request_time $upstream_response_time $status $request_id'"),
            # $remote_user typed in as "-": right only until someone logs in with Basic auth
            "remote_user_typed_in": _format(
                "'$remote_addr - - [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
                "\"$http_user_agent\" $request_time $upstream_response_time $upstream_status $request_id'"),
            # the time until the app's headers, "-" when the app never answered
            "upstream_header_time": _format(
                COMBINED + "$request_time $upstream_header_time $upstream_status $request_id'"),
            # JSON escaping: a quote in the user agent becomes \" and the quoted field ends early
            "escape_json": _format(
                "escape=json '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
                "\"$http_referer\" \"$http_user_agent\" $request_time $upstream_response_time $upstream_status "
                "$request_id'"),
            # two strings joined without a space between them: "$http_user_agent"$request_time
            "strings_joined_without_space": _format(
                "'$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent '\n"
                "    '\"$http_referer\" \"$http_user_agent\"'\n"
                "    '$request_time $upstream_response_time $upstream_status $request_id'"),
        },
        alternatives={
            # one line, double quotes, the inner quotes escaped
            "one_double_quoted_string": r'''
LOG_FORMAT = r"""log_format timed "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time $upstream_response_time $upstream_status $request_id";"""
''',
            # ${...} around every variable, escape=default spelled out, a string per field
            "braces_and_escape_parameter": r'''
LOG_FORMAT = """
log_format timed escape=default
    '${remote_addr} - ${remote_user} [${time_local}] '
    '"${request}" ${status} ${body_bytes_sent} '
    '"${http_referer}" "${http_user_agent}" '
    '${request_time} '
    '${upstream_response_time} '
    '${upstream_status} '
    '${request_id}';
"""
''',
            # built in Python from the list of fields
            "joined_from_a_list": r'''
FIELDS = ["$remote_addr", "-", "$remote_user", "[$time_local]", '"$request"', "$status", "$body_bytes_sent",
          '"$http_referer"', '"$http_user_agent"',
          "$request_time", "$upstream_response_time", "$upstream_status", "$request_id"]
LOG_FORMAT = "log_format timed '" + " ".join(FIELDS) + "';\n"
''',
        },
    ),
    "ex11-answer": Exercise(
        # recognises the exact lines this nginx wrote in the lesson, nothing else
        hardcoded=r'''
def upstream_failure(line):
    if "(110: Operation timed out) while reading response header" in line or \
            "(110: Connection timed out) while reading response header" in line:
        return "timeout"
    if "app-logs-blocking.sock failed" in line:
        return "down"
    if "upstream prematurely closed connection while reading response header" in line:
        return "broken"
    return None
''',
        mistakes={
            # glibc's words: musl's "Operation timed out" is missed
            "glibc_wording": r'''
def upstream_failure(line):
    if "(110: Connection timed out)" in line:
        return "timeout"
    if "while connecting to upstream" in line:
        return "down"
    if "prematurely closed" in line or "Connection reset by peer" in line or "invalid header" in line:
        return "broken"
    return None
''',
            # any "timed out": the client's timeouts and the resolver's count as the app's
            "any_timed_out": r'''
def upstream_failure(line):
    if "timed out" in line:
        return "timeout"
    if re.search(r"connect\(\) .*failed .*while connecting to upstream|no live upstreams", line):
        return "down"
    if re.search(r"upstream prematurely closed|recv\(\) failed|upstream sent invalid", line):
        return "broken"
    return None
''',
            # only "Connection refused" means down: a missing socket or a full queue is missed
            "refused_only": r'''
def upstream_failure(line):
    if "upstream timed out" in line:
        return "timeout"
    if "Connection refused" in line or "no live upstreams" in line:
        return "down"
    if re.search(r"upstream prematurely closed|recv\(\) failed|upstream sent invalid", line):
        return "broken"
    return None
''',
            # errno texts: a missing static file reads "(2: No such file or directory)" too
            "errno_text": r'''
def upstream_failure(line):
    if "upstream timed out" in line:
        return "timeout"
    if re.search(r"Connection refused|No such file or directory|Resource temporarily unavailable|"
                 r"No route to host|Network unreachable|Permission denied|no live upstreams", line):
        return "down"
    if re.search(r"upstream prematurely closed|recv\(\) failed|upstream sent invalid", line):
        return "broken"
    return None
''',
            # "while connecting" checked first: a connect timeout (a 504) reads as down
            "connecting_before_timeout": r'''
def upstream_failure(line):
    if "while connecting to upstream" in line and "temporarily disabled" not in line:
        return "down"
    if "upstream timed out" in line:
        return "timeout"
    if re.search(r"upstream prematurely closed|recv\(\) failed|upstream sent invalid", line):
        return "broken"
    return None
''',
            # "prematurely closed connection": the client's closing counts as the app's
            "any_prematurely_closed": r'''
def upstream_failure(line):
    if "upstream timed out" in line:
        return "timeout"
    if re.search(r"connect\(\) .*failed .*while connecting to upstream|no live upstreams", line):
        return "down"
    if "prematurely closed connection" in line or "recv() failed" in line or "sent invalid header" in line:
        return "broken"
    return None
''',
            # only [error] lines: the missing socket is written at [crit]
            "error_level_only": r'''
def upstream_failure(line):
    if "[error]" not in line:
        return None
    if "upstream timed out" in line:
        return "timeout"
    if re.search(r"connect\(\) .*failed .*while connecting to upstream|no live upstreams", line):
        return "down"
    if re.search(r"upstream prematurely closed|recv\(\) failed|upstream sent invalid", line):
        return "broken"
    return None
''',
            # "while connecting to upstream" alone: the warning that a server is disabled counts
            "connecting_words_only": r'''
def upstream_failure(line):
    if "upstream timed out" in line:
        return "timeout"
    if "while connecting to upstream" in line:
        return "down"
    if re.search(r"upstream prematurely closed|recv\(\) failed|upstream sent invalid", line):
        return "broken"
    return None
''',
            # the level read by splitting: a blank line has no third word
            "blank_line_crashes": r'''
def upstream_failure(line):
    level = line.split()[2]
    if level not in ("[error]", "[crit]", "[alert]"):
        return None
    if "upstream timed out" in line:
        return "timeout"
    if re.search(r"connect\(\) .*failed .*while connecting to upstream|no live upstreams", line):
        return "down"
    if re.search(r"upstream prematurely closed|recv\(\) failed|upstream sent invalid", line):
        return "broken"
    return None
''',
            # statuses looked for in the line: error-log lines carry none
            "status_numbers": r'''
def upstream_failure(line):
    if " 504 " in line:
        return "timeout"
    if " 502 " in line:
        return "down"
    return None
''',
            # a reset (recv() failed) and an invalid header left out of "broken"
            "broken_is_only_closed": r'''
def upstream_failure(line):
    if "upstream timed out" in line:
        return "timeout"
    if re.search(r"connect\(\) .*failed .*while connecting to upstream|no live upstreams", line):
        return "down"
    if "upstream prematurely closed connection" in line:
        return "broken"
    return None
''',
            # "recv() failed" alone: a client that reset its own connection reads as the app
            "any_recv_failed": r'''
def upstream_failure(line):
    if "upstream timed out" in line:
        return "timeout"
    if re.search(r"connect\(\) .*failed .*while connecting to upstream|no live upstreams", line):
        return "down"
    if "upstream prematurely closed" in line or "recv() failed" in line or "upstream sent invalid" in line:
        return "broken"
    return None
''',
            # "timed out" and "upstream" anywhere: a client's timeout on a proxied request counts
            "timed_out_and_upstream_anywhere": r'''
def upstream_failure(line):
    if "timed out" in line and "upstream" in line:
        return "timeout"
    if re.search(r"connect\(\) .*failed .*while connecting to upstream|no live upstreams", line):
        return "down"
    if re.search(r"upstream prematurely closed|recv\(\) failed .*upstream|upstream sent invalid", line):
        return "broken"
    return None
''',
        },
        alternatives={
            # the message cut out of the line first, then prefixes looked up in a table
            "message_then_table": r'''
MESSAGE = re.compile(r"^\S+ \S+ \[(\w+)\] \d+#\d+: (?:\*\d+ )?(.*?)(?:, client: .*)?$")
KINDS = [("upstream timed out", "timeout"),
         ("no live upstreams", "down"),
         ("upstream prematurely closed connection", "broken"),
         ("upstream sent invalid", "broken")]


def upstream_failure(line):
    found = MESSAGE.match(line.strip())
    if not found:
        return None
    message = found.group(2)
    for start, kind in KINDS:
        if message.startswith(start):
            return kind
    if message.startswith("connect() ") and message.endswith("while connecting to upstream"):
        return "down"
    if message.startswith("recv() failed") and "upstream" in message:
        return "broken"
    return None
''',
            # one regular expression with named groups
            "named_groups": r'''
import re as regex

PATTERN = regex.compile(
    r"(?P<timeout>upstream timed out \()"
    r"|(?P<down>connect\(\) to \S+ failed \([^)]*\) while connecting to upstream|no live upstreams while)"
    r"|(?P<broken>upstream prematurely closed connection|recv\(\) failed \([^)]*\) while reading[^,]* upstream"
    r"|upstream sent invalid header)")


def upstream_failure(line):
    hit = PATTERN.search(line or "")
    return hit.lastgroup if hit else None
''',
            # the words nginx writes, checked one by one with plain `in`
            "plain_in_checks": r'''
def upstream_failure(line):
    text = line.split(", client: ")[0]
    if "upstream timed out" in text:
        return "timeout"
    if "no live upstreams" in text:
        return "down"
    if "connect() to " in text and " failed (" in text and text.endswith("while connecting to upstream"):
        return "down"
    for words in ("upstream prematurely closed connection", "upstream sent invalid header"):
        if words in text:
            return "broken"
    if "recv() failed (" in text and "from upstream" in text or "recv() failed (" in text and \
            text.endswith("while reading upstream"):
        return "broken"
    return None
''',
            # lower-cased, lists of words, any()
            "lowercase_word_lists": r'''
TIMEOUT = ("upstream timed out",)
DOWN = ("no live upstreams",)
BROKEN = ("upstream prematurely closed connection", "upstream sent invalid header")


def upstream_failure(line):
    text = line.lower().split(", client:")[0]
    if any(words in text for words in TIMEOUT):
        return "timeout"
    if any(words in text for words in DOWN):
        return "down"
    if "connect() to" in text and "failed (" in text and "while connecting to upstream" in text:
        return "down"
    if any(words in text for words in BROKEN):
        return "broken"
    if "recv() failed (" in text and "upstream" in text:
        return "broken"
    return None
''',
        },
    ),
    "ex12-answer": Exercise(
        # the visible test's answer typed in
        hardcoded=r'''
def p95_by_endpoint(lines):
    return {"GET /products/{id}": 0.008, "GET /customers/{id}/orders": 0.13, "GET /products": 0.006}
''',
        mistakes={
            # rank rounded down (int), not up: one place too early when 95 * N / 100 has a fraction
            "rank_rounded_down": r'''
def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        quoted = line.split('"')
        method, target, _ = quoted[1].split()
        path = "/".join("{id}" if part.isdigit() else part for part in target.split("?")[0].split("/"))
        times.setdefault(f"{method} {path}", []).append(float(quoted[6].split()[0]))
    result = {}
    for endpoint, values in times.items():
        values.sort()
        rank = max(int(95 * len(values) / 100), 1)
        result[endpoint] = values[rank - 1]
    return result
''',
            # int(0.95 * N) used as a 0-based index: one place too late when 95 * N / 100 is whole
            "floor_as_index": r'''
def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        quoted = line.split('"')
        method, target, _ = quoted[1].split()
        path = "/".join("{id}" if part.isdigit() else part for part in target.split("?")[0].split("/"))
        times.setdefault(f"{method} {path}", []).append(float(quoted[6].split()[0]))
    return {endpoint: sorted(values)[int(0.95 * len(values))] for endpoint, values in times.items()}
''',
            # the times sorted as text: "12.500" comes before "9.500"
            "sorted_as_text": r'''
import math


def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        quoted = line.split('"')
        method, target, _ = quoted[1].split()
        path = "/".join("{id}" if part.isdigit() else part for part in target.split("?")[0].split("/"))
        times.setdefault(f"{method} {path}", []).append(quoted[6].split()[0])
    return {endpoint: float(sorted(values)[math.ceil(95 * len(values) / 100) - 1])
            for endpoint, values in times.items()}
''',
            # equal times counted once
            "duplicates_dropped": r'''
import math


def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        quoted = line.split('"')
        method, target, _ = quoted[1].split()
        path = "/".join("{id}" if part.isdigit() else part for part in target.split("?")[0].split("/"))
        times.setdefault(f"{method} {path}", set()).add(float(quoted[6].split()[0]))
    return {endpoint: sorted(values)[math.ceil(95 * len(values) / 100) - 1] for endpoint, values in times.items()}
''',
            # fields counted from the end: after a retry, "502, 200" makes two fields
            "counted_from_the_end": r'''
import math


def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        fields = line.split()
        method, target = fields[5].strip('"'), fields[6]
        path = "/".join("{id}" if part.isdigit() else part for part in target.split("?")[0].split("/"))
        times.setdefault(f"{method} {path}", []).append(float(fields[-4]))
    return {endpoint: sorted(values)[math.ceil(95 * len(values) / 100) - 1] for endpoint, values in times.items()}
''',
            # fields counted from the start: the user agent's words move the time
            "counted_from_the_start": r'''
import math


def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        fields = line.split()
        method, target = fields[5].strip('"'), fields[6]
        path = "/".join("{id}" if part.isdigit() else part for part in target.split("?")[0].split("/"))
        times.setdefault(f"{method} {path}", []).append(float(fields[12]))
    return {endpoint: sorted(values)[math.ceil(95 * len(values) / 100) - 1] for endpoint, values in times.items()}
''',
            # $upstream_response_time instead of $request_time
            "upstream_time": r'''
import math


def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        quoted = line.split('"')
        method, target, _ = quoted[1].split()
        path = "/".join("{id}" if part.isdigit() else part for part in target.split("?")[0].split("/"))
        upstream = quoted[6].split()[1]
        times.setdefault(f"{method} {path}", []).append(0.0 if upstream == "-" else float(upstream.strip(",")))
    return {endpoint: sorted(values)[math.ceil(95 * len(values) / 100) - 1] for endpoint, values in times.items()}
''',
            # the query string kept: every page of a search is an endpoint of its own
            "query_string_kept": r'''
import math


def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        quoted = line.split('"')
        method, target, _ = quoted[1].split()
        path = "/".join("{id}" if part.isdigit() else part for part in target.split("/"))
        times.setdefault(f"{method} {path}", []).append(float(quoted[6].split()[0]))
    return {endpoint: sorted(values)[math.ceil(95 * len(values) / 100) - 1] for endpoint, values in times.items()}
''',
            # every run of digits replaced, inside segments too: /v2/ becomes /v{id}/
            "digits_anywhere": r'''
import math
import re


def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        quoted = line.split('"')
        method, target, _ = quoted[1].split()
        path = re.sub(r"\d+", "{id}", target.split("?")[0])
        times.setdefault(f"{method} {path}", []).append(float(quoted[6].split()[0]))
    return {endpoint: sorted(values)[math.ceil(95 * len(values) / 100) - 1] for endpoint, values in times.items()}
''',
            # only a last segment of digits replaced, as unit 1.3's sed did
            "only_last_segment": r'''
import math
import re


def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        quoted = line.split('"')
        method, target, _ = quoted[1].split()
        path = re.sub(r"/[0-9]+$", "/{id}", target.split("?")[0])
        times.setdefault(f"{method} {path}", []).append(float(quoted[6].split()[0]))
    return {endpoint: sorted(values)[math.ceil(95 * len(values) / 100) - 1] for endpoint, values in times.items()}
''',
            # interpolated percentile (statistics.quantiles), not the nearest rank
            "interpolated_quantile": r'''
import statistics


def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        quoted = line.split('"')
        method, target, _ = quoted[1].split()
        path = "/".join("{id}" if part.isdigit() else part for part in target.split("?")[0].split("/"))
        times.setdefault(f"{method} {path}", []).append(float(quoted[6].split()[0]))
    return {endpoint: values[0] if len(values) == 1 else statistics.quantiles(values, n=100)[94]
            for endpoint, values in times.items()}
''',
            # the path without the method: GET and DELETE of one URL mixed
            "method_left_out": r'''
import math


def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        quoted = line.split('"')
        _, target, _ = quoted[1].split()
        path = "/".join("{id}" if part.isdigit() else part for part in target.split("?")[0].split("/"))
        times.setdefault(path, []).append(float(quoted[6].split()[0]))
    return {endpoint: sorted(values)[math.ceil(95 * len(values) / 100) - 1] for endpoint, values in times.items()}
''',
            # unit 1.3's sed in Python: a digit segment's closing / is used up, so the next
            # segment, digits too, is not replaced (/archive/2026/11 → /archive/{id}/11)
            "sed_ported_overlapping": r'''
import math
import re


def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        quoted = line.split('"')
        method, target, _ = quoted[1].split()
        path = re.sub(r"/[0-9]+(/|$)", r"/{id}\1", target.split("?")[0])
        times.setdefault(f"{method} {path}", []).append(float(quoted[6].split()[0]))
    return {endpoint: sorted(values)[math.ceil(95 * len(values) / 100) - 1] for endpoint, values in times.items()}
''',
            # only the requests the app answered: the ones nginx answered alone left out
            "app_lines_only": r'''
import math


def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        quoted = line.split('"')
        after = quoted[6].split()
        if after[1] == "-":
            continue
        method, target, _ = quoted[1].split()
        path = "/".join("{id}" if part.isdigit() else part for part in target.split("?")[0].split("/"))
        times.setdefault(f"{method} {path}", []).append(float(after[0]))
    return {endpoint: sorted(values)[math.ceil(95 * len(values) / 100) - 1] for endpoint, values in times.items()}
''',
            # round() for the rank: 12.35 becomes 12, not 13
            "rank_rounded": r'''
def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        quoted = line.split('"')
        method, target, _ = quoted[1].split()
        path = "/".join("{id}" if part.isdigit() else part for part in target.split("?")[0].split("/"))
        times.setdefault(f"{method} {path}", []).append(float(quoted[6].split()[0]))
    return {endpoint: sorted(values)[max(round(0.95 * len(values)), 1) - 1] for endpoint, values in times.items()}
''',
        },
        alternatives={
            # a regular expression for the whole line, collections.defaultdict, math.ceil
            "regex_and_defaultdict": r'''
import math
import re
from collections import defaultdict

TIMED = re.compile(r'^\S+ \S+ \S+ \[[^\]]*\] "(\S+) (\S+) [^"]*" \d+ \d+ "[^"]*" "[^"]*" ([\d.]+) ')


def p95_by_endpoint(lines):
    by_endpoint = defaultdict(list)
    for line in lines:
        method, target, seconds = TIMED.match(line).groups()
        path = re.sub(r"(?<=/)\d+(?=/|$)", "{id}", target.partition("?")[0])
        by_endpoint[method + " " + path].append(float(seconds))
    answer = {}
    for endpoint, values in by_endpoint.items():
        ordered = sorted(values)
        answer[endpoint] = ordered[math.ceil(len(ordered) * 95 / 100) - 1]
    return answer
''',
            # shlex reads the quoted fields as one word each: the time is always the 11th word
            "shlex_words": r'''
import shlex
from urllib.parse import urlsplit


def p95_by_endpoint(lines):
    times = {}
    for line in lines:
        words = shlex.split(line.replace("\\", "\\\\"))
        method, target, _ = words[5].split(" ")
        segments = ["{id}" if segment.isdecimal() else segment for segment in urlsplit(target).path.split("/")]
        times.setdefault(method + " " + "/".join(segments), []).append(float(words[10]))
    result = {}
    for endpoint, values in times.items():
        values = sorted(values)
        rank = len(values) * 95 // 100 + (1 if len(values) * 95 % 100 else 0)
        result[endpoint] = values[rank - 1]
    return result
''',
            # pandas: group, then the nearest rank per group
            "pandas_groupby": r'''
import math

import pandas as pd


def p95_by_endpoint(lines):
    rows = []
    for line in lines:
        request, after = line.split('"')[1], line.split('"')[6]
        method, target, _ = request.split(" ")
        path = "/".join("{id}" if part.isdigit() else part for part in target.split("?")[0].split("/"))
        rows.append({"endpoint": f"{method} {path}", "seconds": float(after.split()[0])})
    frame = pd.DataFrame(rows)
    return {endpoint: float(group.sort_values().iloc[math.ceil(len(group) * 0.95 - 1e-9) - 1])
            for endpoint, group in frame.groupby("endpoint")["seconds"]}
''',
            # numpy's inverted_cdf is the nearest rank
            "numpy_inverted_cdf": r'''
import re

import numpy as np

LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<target>\S+) [^"]*" .* "(?:[^"\\]|\\.)*" (?P<seconds>\d+\.\d+) ')


def p95_by_endpoint(lines):
    groups = {}
    for line in lines:
        found = LINE.search(line)
        path = re.sub(r"(?<=/)[0-9]+(?=/|$)", "{id}", found["target"].split("?", 1)[0])
        groups.setdefault(found["method"] + " " + path, []).append(float(found["seconds"]))
    return {endpoint: float(np.percentile(values, 95, method="inverted_cdf")) for endpoint, values in groups.items()}
''',
        },
    ),
}
