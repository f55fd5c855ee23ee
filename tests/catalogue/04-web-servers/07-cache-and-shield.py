'''Catalogue of 04-web-servers/07-cache-and-shield.ipynb: see tests/catalogue/__init__.py.

Most mistakes are the solution with one line changed, so each entry is the notebook's solution
edited (``edit`` fails loudly when the text is not there, so no mistake can silently become the
solution).
'''

from tests.catalogue import Exercise, edit, solution

NOTEBOOK = "04-web-servers/07-cache-and-shield.ipynb"
BYPASS = "        proxy_cache_bypass $http_authorization $cookie_session;\n"
NO_CACHE = "        proxy_no_cache $http_authorization $cookie_session;\n"


def cache(*pairs: tuple[str, str]) -> str:
    """Exercise 16's solution (a proxy cache that is safe to share), edited."""
    return edit(solution(NOTEBOOK, "ex16-answer"), *pairs)


def locked(*pairs: tuple[str, str]) -> str:
    """Exercise 17's solution (one request fills the cache), edited."""
    return edit(solution(NOTEBOOK, "ex17-answer"), *pairs)


def shield(*pairs: tuple[str, str]) -> str:
    """Exercise 18's solution (a shield in front of the app), edited."""
    return edit(solution(NOTEBOOK, "ex18-answer"), *pairs)


EXERCISES = {
    "ex16-answer": Exercise(
        # the visible test only sends Authorization: the session cookie is forgotten
        hardcoded=cache(("$http_authorization $cookie_session;", "$http_authorization;")),
        mistakes={
            # the app sends no Cache-Control: without proxy_cache_valid nothing is stored
            "no_proxy_cache_valid": cache(("        proxy_cache_valid 200 {valid};\n", "")),
            # 'any' keeps the 404s too: a product added later stays missing
            "valid_any_keeps_404": cache(("proxy_cache_valid 200 {valid};", "proxy_cache_valid any {valid};")),
            # a key without the query string: every page of /products is the first page
            "key_without_query": cache(("        proxy_cache shop_cache;\n",
                                        "        proxy_cache shop_cache;\n"
                                        "        proxy_cache_key $scheme$proxy_host$uri;\n")),
            # no X-Cache-Status: nobody can tell a HIT from a MISS
            "no_cache_status_header": cache(("        add_header X-Cache-Status $upstream_cache_status;\n", "")),
            # an expired copy is never served: 502 while the app is down
            "no_use_stale": cache(("        proxy_cache_use_stale error timeout http_500 http_502 http_503 "
                                   "http_504;\n", "")),
            # http_502 is the app's own 502; an app that cannot be reached is 'error'
            "stale_only_on_app_statuses": cache(("proxy_cache_use_stale error timeout http_500",
                                                 "proxy_cache_use_stale http_500")),
            # nothing about credentials: Bob gets Alice's page
            "private_pages_cached": cache((BYPASS, ""), (NO_CACHE, "")),
            # bypass without no_cache: Alice's answer is stored for the next anonymous visitor
            "bypass_without_no_cache": cache((NO_CACHE, "")),
            # no_cache without bypass: Alice is served the anonymous copy
            "no_cache_without_bypass": cache((BYPASS, "")),
            # "make the cache work": the answers that set a cookie are stored, cookie and all
            "ignore_set_cookie": cache(("        add_header X-Cache-Status",
                                        "        proxy_ignore_headers Set-Cookie;\n"
                                        "        add_header X-Cache-Status")),
            # the cache in one location only: the other paths never reach the app
            "only_products_location": cache(("    location / {", "    location /products {"),
                                            ("        add_header X-Cache-Status $upstream_cache_status;\n    }",
                                             "        add_header X-Cache-Status $upstream_cache_status;\n    }\n"
                                             "    location /echo { proxy_pass http://shop; proxy_cache shop_cache; "
                                             "proxy_cache_valid 200 {valid}; proxy_cache_use_stale error; "
                                             "proxy_cache_bypass $http_authorization; proxy_no_cache "
                                             "$http_authorization; add_header X-Cache-Status "
                                             "$upstream_cache_status; }")),
        },
        alternatives={
            # one variable from a map; the cache directives in the server block; explicit key
            "map_and_server_level": r'''
CACHE_SITE = r"""
proxy_cache_path {cache} keys_zone=pages:10m inactive=30m;

map "$http_authorization$cookie_session" $private_request {
    ""      0;
    default 1;
}

upstream backend {
    server unix:{app};
}

server {
    listen {listen};

    proxy_cache pages;
    proxy_cache_key $scheme$proxy_host$request_uri;
    proxy_cache_valid 200 {valid};
    proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;
    proxy_cache_bypass $private_request;
    proxy_no_cache $private_request;
    add_header X-Cache-Status $upstream_cache_status always;

    location / {
        proxy_pass http://backend;
    }
}
"""
''',
            # set + if at the server level, any cookie skips the cache, a lock as well
            "if_and_any_cookie": r'''
CACHE_SITE = r"""
proxy_cache_path {cache} levels=1 keys_zone=app_cache:2m max_size=50m;
upstream app_upstream { server unix:{app}; }

server {
    listen {listen};

    set $skip 0;
    if ($http_authorization) { set $skip 1; }
    if ($http_cookie) { set $skip 1; }

    location / {
        proxy_pass http://app_upstream;
        proxy_cache app_cache;
        proxy_cache_lock on;
        proxy_cache_valid 200 {valid};
        proxy_cache_use_stale error timeout invalid_header http_500 http_502 http_503 http_504;
        proxy_cache_bypass $skip;
        proxy_no_cache $skip;
        add_header X-Cache-Status $upstream_cache_status;
    }
}
"""
''',
            # the cookie named in both lists, the header via $http_; key with the Host
            "host_in_key": r'''
CACHE_SITE = (
    "proxy_cache_path {cache} keys_zone=c:1m;\n"
    "upstream shop { server unix:{app}; }\n"
    "server {\n"
    "  listen {listen};\n"
    "  location / {\n"
    "    proxy_pass http://shop;\n"
    "    proxy_cache c;\n"
    "    proxy_cache_key $scheme$host$request_uri;\n"
    "    proxy_cache_valid 200 {valid};\n"
    "    proxy_cache_use_stale error timeout http_500 http_502 http_503 http_504;\n"
    "    proxy_no_cache $cookie_session $http_authorization;\n"
    "    proxy_cache_bypass $cookie_session $http_authorization;\n"
    "    add_header X-Cache-Status $upstream_cache_status;\n"
    "  }\n"
    "}\n"
)
''',
        },
    ),
    "ex17-answer": Exercise(
        # the lock only for the path the visible test asks; nothing else cached
        hardcoded=r'''
LOCKED_SITE = r"""
proxy_cache_path {cache} keys_zone=shop_cache:1m;
upstream shop { server unix:{app}; }
server {
    listen {listen};
    location / { proxy_pass http://shop; }
    location = /slow {
        proxy_pass http://shop;
        proxy_cache shop_cache;
        proxy_cache_valid 200 10m;
        proxy_cache_lock on;
        add_header X-Cache-Status $upstream_cache_status;
    }
}
"""
''',
        mistakes={
            # the stampede itself: 20 requests, 20 MISSes
            "no_lock": locked(("        proxy_cache_lock on;\n", "")),
            # waiting made short "for latency": the others go to the app after 100 ms anyway
            "lock_timeout_too_short": locked(("proxy_cache_lock on;",
                                              "proxy_cache_lock on;\n        proxy_cache_lock_timeout 100ms;")),
            # nothing stored: each waiter goes to the app in turn
            "no_proxy_cache_valid": locked(("        proxy_cache_valid 200 10m;\n", "")),
            # stale-while-updating needs an expired copy: a cold page is a stampede still
            "stale_updating_is_not_a_lock": locked(("proxy_cache_lock on;",
                                                    "proxy_cache_use_stale updating;\n"
                                                    "        proxy_cache_background_update on;")),
            # one entry for every query string: the second page is the first page
            "key_without_query": locked(("proxy_cache_lock on;",
                                         "proxy_cache_lock on;\n        proxy_cache_key $scheme$proxy_host$uri;")),
            # no X-Cache-Status
            "no_cache_status_header": locked(("        add_header X-Cache-Status $upstream_cache_status;\n", "")),
        },
        alternatives={
            # everything at the server level, other names, a longer lock
            "server_level_long_lock": r'''
LOCKED_SITE = r"""
proxy_cache_path {cache} levels=2 keys_zone=hot:5m inactive=20m;
upstream backend {
    server unix:{app};
}
server {
    listen {listen};
    proxy_cache hot;
    proxy_cache_valid 200 600s;
    proxy_cache_lock on;
    proxy_cache_lock_timeout 10s;
    proxy_cache_lock_age 10s;
    add_header X-Cache-Status $upstream_cache_status always;
    location / {
        proxy_pass http://backend;
    }
}
"""
''',
            # exercise 16's safe cache with the lock added, the cache at the http level
            "http_level_safe_cache": r'''
LOCKED_SITE = """
proxy_cache_path {cache} keys_zone=pages:1m max_size=20m;
proxy_cache pages;
proxy_cache_valid 200 10m;
proxy_cache_lock on;
proxy_cache_use_stale error timeout http_502 http_503;
proxy_cache_bypass $http_authorization $cookie_session;
proxy_no_cache $http_authorization $cookie_session;

upstream app { server unix:{app}; }

server {
    listen {listen};
    add_header X-Cache-Status $upstream_cache_status;
    location / { proxy_pass http://app; }
}
"""
''',
        },
    ),
    "ex18-answer": Exercise(
        # the visible test's prefix, burst and size typed in
        hardcoded=r'''
SHIELD_SITE = r"""
limit_req_zone $binary_remote_addr zone=per_client:1m rate=1r/m;
upstream shop { server unix:{app}; }
server {
    listen {listen};
    set_real_ip_from unix:;
    real_ip_header X-Forwarded-For;
    client_max_body_size 1k;
    location / { proxy_pass http://shop; }
    location /customers/ {
        limit_req zone=per_client burst=2 nodelay;
        limit_req_status 429;
        proxy_pass http://shop;
    }
}
"""
''',
        mistakes={
            # nginx's default refusal is 503: "the server is broken", not "slow down"
            "no_limit_req_status": shield(("        limit_req_status 429;\n", "")),
            # the return trap's cousin: rewrite ... last leaves the location before limit_req runs
            "rewrite_last_before_limit": shield(("        limit_req_status 429;\n        proxy_pass http://shop;\n",
                                                 "        limit_req_status 429;\n"
                                                 "        rewrite ^(.*)$ /_app$1 last;\n    }\n"
                                                 "    location /_app/ {\n        internal;\n"
                                                 "        proxy_pass http://shop/;\n")),
            # without nodelay the burst is spaced out at the rate: one request a minute
            "burst_without_nodelay": shield(("burst={burst} nodelay;", "burst={burst};")),
            # the two real-ip lines forgotten: every client is "unix:", one bucket for all
            "no_real_ip": shield(("    set_real_ip_from unix:;\n    real_ip_header X-Forwarded-For;\n", "")),
            # a location without its slash also limits /customers-archive, /customers/31...
            "location_without_slash": shield(("    location {prefix}/ {", "    location {prefix} {")),
            # the whole site limited
            "limit_at_server_level": shield(
                ("        limit_req zone=per_client burst={burst} nodelay;\n        limit_req_status 429;\n", ""),
                ("    client_max_body_size {max_body};\n",
                 "    client_max_body_size {max_body};\n    limit_req zone=per_client burst={burst} nodelay;\n"
                 "    limit_req_status 429;\n")),
            # the body limit only where the rate limit is
            "body_limit_in_prefix_only": shield(("    client_max_body_size {max_body};\n", ""),
                                                ("        limit_req_status 429;\n",
                                                 "        limit_req_status 429;\n"
                                                 "        client_max_body_size {max_body};\n")),
            # no body limit: nginx's default is 1m
            "no_body_limit": shield(("    client_max_body_size {max_body};\n", "")),
        },
        alternatives={
            # one limit for the whole server, keyed by a map that is empty outside the prefix
            "map_empty_key": r'''
SHIELD_SITE = r"""
map $uri $rate_key {
    ~^{prefix}/  $binary_remote_addr;
    default      "";
}
limit_req_zone $rate_key zone=guard:2m rate=1r/m;
client_max_body_size {max_body};

upstream app { server unix:{app}; }

server {
    listen {listen};
    set_real_ip_from unix:;
    real_ip_header X-Forwarded-For;
    limit_req zone=guard burst={burst} nodelay;
    limit_req_status 429;
    location / {
        proxy_pass http://app;
    }
}
"""
''',
            # ^~ location, $remote_addr as the key, a named location to reach the app
            "named_location": r'''
SHIELD_SITE = r"""
limit_req_zone $remote_addr zone=clients:1m rate=1r/m;

server {
    listen {listen};
    client_max_body_size {max_body};
    real_ip_header X-Forwarded-For;
    set_real_ip_from unix:;
    real_ip_recursive on;

    location ^~ {prefix}/ {
        limit_req zone=clients burst={burst} nodelay;
        limit_req_status 429;
        limit_req_log_level warn;
        try_files /nothing-here @app;
    }
    location / {
        try_files /nothing-here @app;
    }
    location @app {
        proxy_pass http://unix:{app};
    }
}
"""
''',
        },
    ),
}
