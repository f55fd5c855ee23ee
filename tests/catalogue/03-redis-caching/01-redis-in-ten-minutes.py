"""Catalogue of 03-redis-caching/01-redis-in-ten-minutes.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise, edit, solution

NOTEBOOK = "03-redis-caching/01-redis-in-ten-minutes.ipynb"
EX18 = solution(NOTEBOOK, "ex18-answer")
PATTERN = r"$PREFIX'shop\[eu\]:*'"

EXERCISES = {
    "ex1-answer": Exercise(
        hardcoded='''
def record_sale(r, prefix, product_id, units):
    r.zadd(f"{prefix}top-sellers", {product_id: units})


def top_sellers(r, prefix, n):
    best = r.zrevrange(f"{prefix}top-sellers", 0, n - 1, withscores=True)
    return [(int(member), int(score)) for member, score in best]
''',
        mistakes={
            # the scores come back as floats: 10.0 == 10, but (42, 10.0) is not a pair of ints
            "scores_as_floats": '''
def record_sale(r, prefix, product_id, units):
    r.zincrby(f"{prefix}top-sellers", units, product_id)


def top_sellers(r, prefix, n):
    if n <= 0:
        return []
    best = r.zrange(f"{prefix}top-sellers", 0, n - 1, desc=True, withscores=True)
    return [(int(member), score) for member, score in best]
''',
            # ZRANGE 0 -1 for n=0: the whole leaderboard instead of nothing
            "n_zero_reads_everything": '''
def record_sale(r, prefix, product_id, units):
    r.zincrby(f"{prefix}top-sellers", units, product_id)


def top_sellers(r, prefix, n):
    best = r.zrange(f"{prefix}top-sellers", 0, n - 1, desc=True, withscores=True)
    return [(int(member), int(score)) for member, score in best]
''',
            # ZADD replaces the total: a product that sells twice keeps only its last sale
            "zadd_replaces_total": '''
def record_sale(r, prefix, product_id, units):
    r.zadd(f"{prefix}top-sellers", {product_id: units})


def top_sellers(r, prefix, n):
    if n <= 0:
        return []
    best = r.zrange(f"{prefix}top-sellers", 0, n - 1, desc=True, withscores=True)
    return [(int(member), int(score)) for member, score in best]
''',
            # ZRANGE without REV: the worst sellers first
            "lowest_first": '''
def record_sale(r, prefix, product_id, units):
    r.zincrby(f"{prefix}top-sellers", units, product_id)


def top_sellers(r, prefix, n):
    if n <= 0:
        return []
    best = r.zrange(f"{prefix}top-sellers", 0, n - 1, withscores=True)
    return [(int(member), int(score)) for member, score in best]
''',
            # ZRANGE's stop is inclusive: 0..n returns n + 1 products
            "stop_off_by_one": '''
def record_sale(r, prefix, product_id, units):
    r.zincrby(f"{prefix}top-sellers", units, product_id)


def top_sellers(r, prefix, n):
    if n <= 0:
        return []
    best = r.zrevrange(f"{prefix}top-sellers", 0, n, withscores=True)
    return [(int(member), int(score)) for member, score in best]
''',
        },
        alternatives={
            # the raw command, as typed in redis-cli, with its flat reply parsed by hand
            "raw_zrange_rev": '''
def record_sale(r, prefix, product_id, units):
    r.execute_command("ZINCRBY", f"{prefix}top-sellers", units, product_id)


def top_sellers(r, prefix, n):
    if n < 1:
        return []
    flat = r.execute_command("ZRANGE", f"{prefix}top-sellers", 0, n - 1, "REV", "WITHSCORES")
    if flat and isinstance(flat[0], (list, tuple)):   # RESP3 pairs
        flat = [item for pair in flat for item in pair]
    return [(int(flat[i]), int(float(flat[i + 1]))) for i in range(0, len(flat), 2)]
''',
            # read everything, slice in Python (n=0 gives [] by itself); score_cast_func=int
            "read_all_then_slice": '''
def record_sale(r, prefix, product_id, units):
    with r.pipeline() as pipe:
        pipe.zincrby(f"{prefix}top-sellers", units, product_id)
        pipe.execute()


def top_sellers(r, prefix, n):
    everything = r.zrange(f"{prefix}top-sellers", 0, -1, desc=True, withscores=True,
                          score_cast_func=int)
    return [(int(member), units) for member, units in everything[:n]]
''',
            # ZRANGEBYSCORE-style: highest scores first with LIMIT, sorted again in Python
            "by_score_with_limit": '''
def record_sale(r, prefix, product_id, units):
    r.zadd(f"{prefix}top-sellers", {str(product_id): units}, incr=True)


def top_sellers(r, prefix, n):
    if not n:
        return []
    best = r.zrevrangebyscore(f"{prefix}top-sellers", "+inf", "-inf", start=0, num=n,
                              withscores=True)
    pairs = [(int(member), int(score)) for member, score in best]
    return sorted(pairs, key=lambda pair: -pair[1])
''',
        },
    ),
    "ex2-answer": Exercise(
        hardcoded='''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    r.lrem(key, 0, product_id)
    r.lpush(key, product_id)
    r.ltrim(key, 0, 4)
    r.expire(key, 600)
    return [int(viewed) for viewed in r.lrange(key, 0, -1)]
''',
        mistakes={
            # EXPIRE before the first LPUSH: the key does not exist yet, so a new list never expires
            "expire_before_lpush": '''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    pipe = r.pipeline()
    pipe.expire(key, ttl)
    pipe.lrem(key, 0, product_id)
    pipe.lpush(key, product_id)
    pipe.ltrim(key, 0, keep - 1)
    pipe.lrange(key, 0, -1)
    return [int(viewed) for viewed in pipe.execute()[-1]]
''',
            # EXPIRE ... NX: the expiry is set at the first view and never pushed back
            "expiry_not_pushed_back": '''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    r.lrem(key, 0, product_id)
    r.lpush(key, product_id)
    r.ltrim(key, 0, keep - 1)
    r.expire(key, ttl, nx=True)
    return [int(viewed) for viewed in r.lrange(key, 0, -1)]
''',
            # PEXPIRE takes milliseconds: the list forgets after ttl/1000 seconds
            "ttl_in_milliseconds": '''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    r.lrem(key, 0, product_id)
    r.lpush(key, product_id)
    r.ltrim(key, 0, keep - 1)
    r.pexpire(key, ttl)
    return [int(viewed) for viewed in r.lrange(key, 0, -1)]
''',
            # LTRIM's stop is inclusive: 0..keep keeps one too many
            "ltrim_keeps_one_more": '''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    r.lrem(key, 0, product_id)
    r.lpush(key, product_id)
    r.ltrim(key, 0, keep)
    r.expire(key, ttl)
    return [int(viewed) for viewed in r.lrange(key, 0, -1)]
''',
            # no LREM: a product viewed twice appears twice
            "duplicates_kept": '''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    r.lpush(key, product_id)
    r.ltrim(key, 0, keep - 1)
    r.expire(key, ttl)
    return [int(viewed) for viewed in r.lrange(key, 0, -1)]
''',
        },
        alternatives={
            # one MULTI/EXEC transaction, the expiry after the push
            "multi_exec": '''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    with r.pipeline(transaction=True) as pipe:
        pipe.lrem(key, 0, product_id).lpush(key, product_id)
        pipe.ltrim(key, 0, keep - 1).expire(key, ttl).lrange(key, 0, -1)
        *_, viewed = pipe.execute()
    return [int(item) for item in viewed]
''',
            # a Lua script does it all inside the server
            "lua_script": '''
REMEMBER = """
redis.call('LREM', KEYS[1], 0, ARGV[1])
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return redis.call('LRANGE', KEYS[1], 0, -1)
"""


def remember_view(r, prefix, user_id, product_id, keep, ttl):
    viewed = r.eval(REMEMBER, 1, f"{prefix}recent:{user_id}", product_id, keep, ttl)
    return [int(item) for item in viewed]
''',
            # rebuild the list in Python, then replace it, expiry set with EXPIREAT
            "rebuild_in_python": '''
import time


def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    old = [int(item) for item in r.lrange(key, 0, -1)]
    new = ([product_id] + [item for item in old if item != product_id])[:keep]
    r.delete(key)
    r.rpush(key, *new)
    r.expireat(key, int(time.time()) + ttl)
    return new
''',
        },
    ),
    "ex18-answer": Exercise(
        # each visible key read by eye and named by hand: the next fill has other keys
        hardcoded=r"""
cli_command = [
    r"redis-cli -s $SOCKET --scan --pattern $PREFIX'shop\[eu\]:product:4[0-9]'",
    r"redis-cli -s $SOCKET --scan --pattern $PREFIX'shop\[eu\]:product:1??'",
    r"redis-cli -s $SOCKET --scan --pattern $PREFIX'shop\[eu\]:session:*'",
    r"redis-cli -s $SOCKET --scan --pattern $PREFIX'shop\[eu\]:[0-9][0-9]'",
    r"redis-cli -s $SOCKET --scan --pattern $PREFIX'shop\[eu\]:search:blue lamp'",
    r"redis-cli -s $SOCKET --scan --pattern $PREFIX'shop\[eu\]:page-views'",
]
key_count = 8
""",
        mistakes={
            # KEYS lists the right keys, but blocks a shared server while it walks all of them
            "keys_command": edit(EX18, ("--scan --pattern", "--no-raw KEYS")),
            # the brackets unescaped: [eu] is one character, so shope: and shopu: are listed instead
            "unescaped_brackets": edit(EX18, (r"shop\[eu\]:*", "shop[eu]:*"), ("key_count = 8", "key_count = 4")),
            # the escaped pattern unquoted: as in a shell, the backslashes are eaten, [eu] is a class again
            "backslash_outside_quotes": edit(EX18, (r"$PREFIX'shop\[eu\]:*'", r"${PREFIX}shop\[eu\]:*"),
                                             ("key_count = 8", "key_count = 4")),
            # the namespace without its colon: shop[eu]-archive: is listed too
            "pattern_without_colon": edit(EX18, (r"shop\[eu\]:*", r"shop\[eu\]*"), ("key_count = 8", "key_count = 10")),
            # the whole prefix: every neighbouring namespace is listed too
            "whole_prefix": edit(EX18, (r"$PREFIX'shop\[eu\]:*'", "'$PREFIX*'"), ("key_count = 8", "key_count = 20")),
            # no pattern at all: every key of the server
            "no_pattern": edit(EX18, (r" --pattern $PREFIX'shop\[eu\]:*'", "")),
            # DBSIZE counts the keys of the whole server, and names none
            "dbsize": 'cli_command = "redis-cli -s $SOCKET DBSIZE"\nkey_count = 8\n',
            # one SCAN call without following its cursor: part of the keys once there are many
            "single_scan_call": edit(EX18, ("--scan --pattern", "SCAN 0 MATCH"), ("*'\"", "*' COUNT 100\"")),
            # the right listing, but the expired flash-sale key (TTL -2, gone) counted as well
            "counted_expired_key": edit(EX18, ("key_count = 8", "key_count = 9")),
            # redis-cli without -s $SOCKET asks a server on localhost, not the learner's
            "default_server": edit(EX18, ("-s $SOCKET ", "")),
            # the value of $PREFIX typed in: the grading kernel's prefix is another one
            "prefix_typed_in": edit(EX18, ("$PREFIX'shop", "03-cli:'shop")),
            # a pipe to count the lines: replayed without a shell, it is no pipe
            "pipe_to_wc": edit(EX18, ("*'\"", "*' | wc -l\"")),
            # --- R9B (red team, from the student notebook alone) ---
            # KEYS sent from a Lua script, in lower case: still KEYS on the server
            "keys_inside_eval": r'''
cli_command = r"""redis-cli -s $SOCKET EVAL "return redis.call('keys', ARGV[1])" 0 $PREFIX'shop\[eu\]:*'"""
key_count = 8
''',
            # KEYS from a script whose command name is put together: the word KEYS is never written
            "keys_inside_eval_split_name": r'''
cli_command = r"""redis-cli -s $SOCKET EVAL "return redis.call('KE'..'YS', ARGV[1])" 0 $PREFIX'shop\[eu\]:*'"""
key_count = 8
''',
            # KEYS spelt with an escape under --quoted-input: redis-cli still sends KEYS
            "keys_quoted_input": r'''
cli_command = r"""redis-cli -s $SOCKET --quoted-input '"K\x45YS"' $PREFIX'shop\[eu\]:*'"""
key_count = 8
''',
            # one SCAN whose COUNT covers the whole server: every key walked in one go, as KEYS does
            "one_scan_count_everything": edit(EX18, ("--scan --pattern", "-n 0 --no-raw SCAN 0 MATCH"),
                                              ("*'\"", "*' COUNT 100000000\"")),
            # the SCAN cursor loop inside a Lua script: a script runs in one go, blocking like KEYS
            "eval_cursor_loop": r"""
SCRIPT = ("local found, cursor = {}, '0' "
          "repeat local reply = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000) "
          "cursor = reply[1] for _, key in ipairs(reply[2]) do found[#found + 1] = key end "
          "until cursor == '0' return found")
cli_command = f"redis-cli -s $SOCKET --raw EVAL \"{SCRIPT}\" 0 $PREFIX'shop\\[eu\\]:*'"
key_count = 8
""",
            # no prefix: the namespace at the top of the server, where nobody's keys are
            "no_prefix": edit(EX18, ("$PREFIX'shop", "'shop"), ("key_count = 8", "key_count = 0")),
            # * for the prefix: shop[eu]: keys under every prefix of the server
            "star_for_prefix": edit(EX18, ("$PREFIX'shop", "'*shop")),
            # ? for each bracket: lists the neighbour shop(eu): too
            "question_marks_for_brackets": edit(EX18, (r"shop\[eu\]:*", "shop?eu?:*")),
            # the pattern unquoted with $PREFIX: word splitting eats the backslashes, as a shell does
            "unquoted_dollar_prefix": edit(EX18, (r"$PREFIX'shop\[eu\]:*'", r"$PREFIX\shop\[eu\]:*"),
                                           ("key_count = 8", "key_count = 4")),
            # the eight names read off the screen and ECHOed back: no listing at all
            "names_echoed": r"""
names = ["99", "page-views", "product:101", "product:114", "product:119", "product:48",
         "search:blue lamp", "session:19d5f970"]
cli_command = [f"redis-cli -s $SOCKET ECHO \"$PREFIX\"'shop[eu]:{name}'" for name in names]
key_count = 8
""",
            # only the hashes (--type: an error on redis-cli 7.0, strings left out on 7.2)
            "type_filter": edit(EX18, ("*'\"", "*' --type hash\""), ("key_count = 8", "key_count = 4")),
            # the count as the string redis-cli printed
            "count_as_string": edit(EX18, ("key_count = 8", 'key_count = "8"')),
            # the socket's path typed in: the grading kernel's server has another one
            "socket_typed_in": edit(EX18, ("-s $SOCKET", "-s /tmp/backendlab-0/redis-main.sock")),
        },
        alternatives={
            # ${PREFIX} in double quotes, as in a bash terminal (the backslashes stay in "...")
            "double_quoted_braces": "cli_command = r'redis-cli -s $SOCKET --scan --pattern \"${PREFIX}shop\\[eu\\]:*\"'\n"
                                    "key_count = 8\n",
            # --no-raw: quoted key names; and a list of one command line
            "no_raw_list": 'cli_command = [r"redis-cli -s $SOCKET --no-raw --scan --pattern $PREFIX\'shop\\[eu\\]:*\'"]\n'
                           "key_count = 8\n",
            # the character class kept, but with each bracket in a class of its own
            "brackets_as_classes": edit(EX18, (r"shop\[eu\]:*", r"shop[[]eu]:*")),
            # --- R9B (red team, from the student notebook alone) ---
            # "$SOCKET" and "$PREFIX" in double quotes, the rest single-quoted; CSV output
            "double_quoted_variables_csv": 'cli_command = "redis-cli -s \\"$SOCKET\\" --csv --scan --pattern \\"$PREFIX\\"'
                                           r"'shop\[eu\]:*'" + '"\nkey_count = 8\n',
            # --quoted-pattern: the pattern in redis-cli's own quoting, backslashes doubled in it
            "quoted_pattern_option": 'cli_command = "redis-cli -s $SOCKET --scan --quoted-pattern '
                                     r"""'\"'$PREFIX'shop\\\\[eu\\\\]:*\"'""" + '"\nkey_count = 8\n',
            # only the opening bracket escaped (a ] outside a class is plain); a pause between steps
            "opening_bracket_escaped_interval": edit(EX18, ("--scan", "-i 0.001 --scan"),
                                                     (r"shop\[eu\]:*", r"shop\[eu]:*")),
            # counted in the notebook with IPython's ! (the same line, its output's lines counted)
            "counted_with_bang": r"""
cli_command = "redis-cli -s $SOCKET --scan --pattern $PREFIX'shop\[eu\]:*'"
listed = !redis-cli -s $SOCKET --scan --pattern $PREFIX'shop\[eu\]:*'
key_count = len(listed)
""",
        },
    ),
}
