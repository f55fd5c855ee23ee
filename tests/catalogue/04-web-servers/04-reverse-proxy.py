"""Catalogue of 04-web-servers/04-reverse-proxy.ipynb: see tests/catalogue/__init__.py.

The keep-alive mistakes of exercise 8 (no `keepalive`, no `proxy_http_version 1.1`, no
`Connection ""`) and `add_header_inherit` in exercise 9 are mistakes on the nginx the course is
graded with, Debian 12's 1.22. nginx 1.30+ keeps connections to an upstream alive by default, so
there some of them behave correctly.
"""

from tests.catalogue import Exercise, edit, solution

NOTEBOOK = "04-web-servers/04-reverse-proxy.ipynb"


def api_site(*pairs: tuple[str, str]) -> str:
    """Exercise 7's solution (the API under a prefix), edited."""
    return edit(solution(NOTEBOOK, "ex7-answer"), *pairs)


def pooled_site(*pairs: tuple[str, str]) -> str:
    """Exercise 8's solution (connections to the app reused), edited."""
    return edit(solution(NOTEBOOK, "ex8-answer"), *pairs)


def headers_site(*pairs: tuple[str, str]) -> str:
    """Exercise 9's solution (headers on every response), edited."""
    return edit(solution(NOTEBOOK, "ex9-answer"), *pairs)


EXERCISES = {
    "ex7-answer": Exercise(
        # the visible test's prefix typed in instead of {prefix}
        hardcoded=r'''
API_SITE = r"""
upstream shop { server unix:{app}; }
server {
    listen {listen};
    location /api/ {
        proxy_pass http://shop/;
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}
"""
''',
        mistakes={
            # proxy_pass without a URI part: the app gets /api/echo and answers 404
            "no_uri_in_proxy_pass": api_site(("        proxy_pass http://shop/;\n",
                                              "        proxy_pass http://shop;\n")),
            # location without its slash: /apiecho reaches the app as /echo, /api/echo as //echo
            "location_without_slash": api_site(("    location {prefix}/ {\n",
                                                "    location {prefix} {\n")),
            # Host left alone: the app sees the upstream's name
            "host_left_default": api_site(("        proxy_set_header Host              $host;\n",
                                           "")),
            # X-Forwarded-For overwritten with this hop: the load balancer's chain is lost
            "forwarded_for_overwritten": api_site(
                ("        proxy_set_header X-Forwarded-For   $proxy_add_x_forwarded_for;\n",
                 "        proxy_set_header X-Forwarded-For $remote_addr;\n")),
            # headers set in the server block, one more in the location: the server's are lost
            "server_headers_lost_in_location": r'''
API_SITE = r"""
upstream shop { server unix:{app}; }
server {
    listen {listen};
    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    location {prefix}/ {
        proxy_pass http://shop/;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}
"""
''',
            # a regex location with a capture: the query string is dropped
            "regex_capture_drops_query": r'''
API_SITE = r"""
upstream shop { server unix:{app}; }
server {
    listen {listen};
    location ~ ^{prefix}/(.*)$ {
        proxy_pass http://shop/$1;
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}
"""
''',
            # everything else also goes to the app
            "catch_all_to_the_app": r'''
API_SITE = r"""
upstream shop { server unix:{app}; }
server {
    listen {listen};
    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    location {prefix}/ { proxy_pass http://shop/; }
    location / { proxy_pass http://shop; }
}
"""
''',
            # no X-Real-IP
            "real_ip_missing": api_site(("        proxy_set_header X-Real-IP         $remote_addr;\n",
                                         "")),
            # the scheme typed in as https: this site is plain http
            "forwarded_proto_assumed_https": api_site(
                ("        proxy_set_header X-Forwarded-Proto $scheme;\n",
                 "        proxy_set_header X-Forwarded-Proto https;\n")),
            # the chain built by hand: with no X-Forwarded-For from the client it reads ", unix:"
            "forwarded_for_concatenated_by_hand": api_site(
                ("        proxy_set_header X-Forwarded-For   $proxy_add_x_forwarded_for;\n",
                 '        proxy_set_header X-Forwarded-For "$http_x_forwarded_for, $remote_addr";\n')),
            # a regex location without ^: any path that contains the prefix reaches the app
            "regex_not_anchored": api_site(("    location {prefix}/ {\n"
                                            "        proxy_pass http://shop/;\n",
                                            "    location ~ {prefix}(/.*)$ {\n"
                                            "        proxy_pass http://shop$1$is_args$args;\n")),
            # a case-insensitive regex location: /API/echo reaches the app too
            "regex_case_insensitive": api_site(("    location {prefix}/ {\n"
                                                "        proxy_pass http://shop/;\n",
                                                "    location ~* ^{prefix}/(.*)$ {\n"
                                                "        proxy_pass http://shop/$1$is_args$args;\n")),
        },
        alternatives={
            # headers in the server block (the location has none, so it inherits them); the
            # prefix cut with rewrite ... break, proxy_pass without a URI
            "rewrite_break_headers_in_server": r'''
API_SITE = r"""
upstream api_backend {
    server unix:{app};
}

server {
    listen {listen};

    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;

    location ^~ {prefix}/ {
        rewrite ^{prefix}(/.*)$ $1 break;
        proxy_pass http://api_backend;
    }

    location / {
        return 404;
    }
}
"""
''',
            # no upstream block: proxy_pass straight to the unix socket; Host as the client sent it
            "direct_socket_http_host": r'''
API_SITE = r"""
server {
    listen {listen};
    location {prefix}/ {
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header Host $http_host;
        proxy_pass http://unix:{app}:/;
    }
}
"""
''',
            # a named capture in a regex location, the query put back, the chain built by a map
            "regex_capture_and_chain_map": r'''
API_SITE = r"""
map $http_x_forwarded_for $forwarded_chain {
    ""      $remote_addr;
    default "$http_x_forwarded_for, $remote_addr";
}

upstream app_server {
    server unix:{app};
}

server {
    listen {listen};
    location ~ ^{prefix}(?<rest>/.*)$ {
        proxy_pass http://app_server$rest$is_args$args;
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $forwarded_chain;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}
"""
''',
            # the prefix location as ^~, an explicit 404 for the rest, Host as nginx's $host
            "prefix_priority_location_and_404": r'''
API_SITE = r"""
upstream shop_app {
    server unix:{app};
}
server {
    listen {listen};
    location / {
        return 404;
    }
    location ^~ {prefix}/ {
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_pass http://shop_app/;
    }
}
"""
''',
        },
    ),
    "ex8-answer": Exercise(
        # the visible test's number typed in instead of {idle}
        hardcoded=r'''
POOLED_SITE = r"""
upstream shop { server unix:{app}; keepalive 2; }
server {
    listen {listen};
    location / {
        proxy_pass http://shop;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}
"""
''',
        mistakes={
            # HTTP/1.0 to the app (nginx < 1.30): nginx closes every connection
            "keepalive_without_http11": pooled_site(("        proxy_http_version 1.1;\n",
                                                     "")),
            # HTTP/1.1 but nginx still sends Connection: close (nginx < 1.30): the app closes
            "connection_header_not_cleared": pooled_site(('        proxy_set_header Connection "";\n',
                                                          "")),
            # no keepalive in the upstream: no cache of idle connections (nginx < 1.30), or
            # the default cache of 1.30+, which keeps more than {idle}
            "no_keepalive_in_upstream": r'''
POOLED_SITE = r"""
upstream shop { server unix:{app}; }
server {
    listen {listen};
    location / {
        proxy_pass http://shop;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}
"""
''',
            # keepalive_timeout is how long idle connections stay, not whether there are any
            "keepalive_timeout_instead_of_keepalive": r'''
POOLED_SITE = r"""
upstream shop { server unix:{app}; keepalive_timeout 60s; }
server {
    listen {listen};
    location / {
        proxy_pass http://shop;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}
"""
''',
            # straight to the socket, no upstream block: nowhere to keep idle connections
            "socket_without_upstream": r'''
POOLED_SITE = r"""
server {
    listen {listen};
    location / {
        proxy_pass http://unix:{app}:;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}
"""
''',
            # the usual WebSocket map sends Connection: close to every ordinary request
            "websocket_map_sends_close": r'''
POOLED_SITE = r"""
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}
upstream shop { server unix:{app}; keepalive {idle}; }
server {
    listen {listen};
    location / {
        proxy_pass http://shop;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
    }
}
"""
''',
            # keepalive_requests copied from a blog with a small number: nginx closes each
            # connection after that many requests and opens a new one
            "keepalive_requests_too_small": r'''
POOLED_SITE = r"""
upstream shop { server unix:{app}; keepalive {idle}; keepalive_requests 3; }
server {
    listen {listen};
    location / {
        proxy_pass http://shop;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}
"""
''',
            # Connection "" in the server block, Host in the location: the location inherits no
            # proxy_set_header, so nginx (< 1.30) sends Connection: close again
            "server_connection_header_lost_in_location": r'''
POOLED_SITE = r"""
upstream shop { server unix:{app}; keepalive {idle}; }
server {
    listen {listen};
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    location / {
        proxy_pass http://shop;
        proxy_set_header Host $host;
    }
}
"""
''',
        },
        alternatives={
            # the proxy settings in the server block, more upstream tuning, single quotes
            "server_level_settings_and_tuning": r'''
POOLED_SITE = r"""
upstream backend_pool {
    server unix:{app} max_fails=3 fail_timeout=10s;
    keepalive {idle};
    keepalive_requests 1000;
    keepalive_timeout 30s;
}

server {
    listen {listen};
    proxy_http_version 1.1;
    proxy_set_header Connection '';

    location ^~ / {
        proxy_pass http://backend_pool;
    }
}
"""
''',
            # WebSocket-ready: Connection is upgrade only for upgrades, else empty (not sent)
            "websocket_map_empty_default": r'''
POOLED_SITE = r"""
map $http_upgrade $connection_upgrade {
    default upgrade;
    ""      "";
}

upstream shop {
    server unix:{app};
    keepalive {idle};
}

server {
    listen {listen};
    location / {
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_pass http://shop;
    }
}
"""
''',
            # the standard headers kept too, and the location as a regex
            "regex_location_with_forwarding": r'''
POOLED_SITE = r"""
upstream shop { keepalive {idle}; server unix:{app}; }
server {
    listen {listen};
    location ~ ^/ {
        proxy_pass http://shop;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
}
"""
''',
            # Connection: keep-alive written out instead of removed: HTTP/1.1 keeps the
            # connection open either way
            "connection_keep_alive_spelled_out": r'''
POOLED_SITE = r"""
upstream shop {
    server unix:{app};
    keepalive {idle};
}
server {
    listen {listen};
    location / {
        proxy_pass http://shop;
        proxy_http_version 1.1;
        proxy_set_header Connection "keep-alive";
    }
}
"""
''',
            # proxy_pass with a URI that replaces / by /: the path still arrives unchanged
            "uri_slash_in_root_location": r'''
POOLED_SITE = r"""
upstream shop { server unix:{app}; keepalive {idle}; }
server {
    listen {listen};
    proxy_http_version 1.1;
    location / {
        proxy_set_header Connection "";
        proxy_pass http://shop/;
    }
}
"""
''',
        },
    ),
    "ex9-answer": Exercise(
        # the visible test's prefix typed in instead of {private}
        hardcoded=r'''
HEADERS_SITE = r"""
upstream shop { server unix:{app}; }
server {
    listen {listen};
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    location / { proxy_pass http://shop; }
    location /customers/ {
        proxy_pass http://shop;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        add_header Cache-Control no-store always;
    }
}
"""
''',
        mistakes={
            # the trap: the location's own add_header drops the server's
            "location_header_drops_server_ones": headers_site(
                ("        add_header X-Content-Type-Options nosniff always;\n"
                 "        add_header X-Frame-Options DENY always;\n",
                 "")),
            # no always: the app's 404s go out without the headers
            "no_always": r'''
HEADERS_SITE = r"""
upstream shop { server unix:{app}; }
server {
    listen {listen};
    add_header X-Content-Type-Options nosniff;
    add_header X-Frame-Options DENY;
    location / { proxy_pass http://shop; }
    location {private}/ {
        proxy_pass http://shop;
        add_header X-Content-Type-Options nosniff;
        add_header X-Frame-Options DENY;
        add_header Cache-Control no-store;
    }
}
"""
''',
            # always at the server level only: the private pages' errors go out bare
            "location_copies_without_always": r'''
HEADERS_SITE = r"""
upstream shop { server unix:{app}; }
server {
    listen {listen};
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    location / { proxy_pass http://shop; }
    location {private}/ {
        proxy_pass http://shop;
        add_header X-Content-Type-Options nosniff;
        add_header X-Frame-Options DENY;
        add_header Cache-Control no-store;
    }
}
"""
''',
            # no-store for every page, to avoid the inheritance question
            "no_store_everywhere": r'''
HEADERS_SITE = r"""
upstream shop { server unix:{app}; }
server {
    listen {listen};
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    add_header Cache-Control no-store always;
    location / { proxy_pass http://shop; }
}
"""
''',
            # location without its slash: /products-archive counts as private too
            "private_location_without_slash": r'''
HEADERS_SITE = r"""
upstream shop { server unix:{app}; }
server {
    listen {listen};
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    location / { proxy_pass http://shop; }
    location {private} {
        proxy_pass http://shop;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        add_header Cache-Control no-store always;
    }
}
"""
''',
            # add_header_inherit appeared in nginx 1.29.3: Debian 12's 1.22 refuses the file
            "add_header_inherit_too_new": headers_site(
                ("        add_header X-Content-Type-Options nosniff always;\n"
                 "        add_header X-Frame-Options DENY always;\n",
                 "        add_header_inherit merge;\n")),
            # only Cache-Control without always: the private pages' 404s are cacheable
            "cache_control_without_always": headers_site(
                ("        add_header Cache-Control no-store always;\n",
                 "        add_header Cache-Control no-store;\n")),
            # expires epoch writes Cache-Control: no-cache (revalidate), not no-store
            "expires_epoch_not_no_store": r'''
HEADERS_SITE = r"""
upstream shop { server unix:{app}; }
server {
    listen {listen};
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    location / { proxy_pass http://shop; }
    location {private}/ {
        proxy_pass http://shop;
        expires epoch;
    }
}
"""
''',
            # the location repeats one of the server's headers and forgets the other
            "location_repeats_one_header_of_two": headers_site(
                ("        add_header X-Content-Type-Options nosniff always;\n",
                 "")),
        },
        alternatives={
            # every header at the server level; a map gives Cache-Control an empty value
            # (then nginx adds no header) outside the private prefix
            "map_cache_control_at_server_level": r'''
HEADERS_SITE = r"""
map $uri $cache_policy {
    default             "";
    ~^{private}/        no-store;
}

upstream shop {
    server unix:{app};
}

server {
    listen {listen};
    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    add_header Cache-Control $cache_policy always;

    location / {
        proxy_pass http://shop;
    }
}
"""
''',
            # nothing at the server level: each location has its full list
            "each_location_its_own_list": r'''
HEADERS_SITE = r"""
upstream shop_backend { server unix:{app}; }
server {
    listen {listen};
    location ^~ {private}/ {
        add_header Cache-Control "no-store" always;
        add_header X-Frame-Options "DENY" always;
        add_header X-Content-Type-Options "nosniff" always;
        proxy_pass http://shop_backend;
    }
    location / {
        add_header X-Frame-Options "DENY" always;
        add_header X-Content-Type-Options "nosniff" always;
        proxy_pass http://shop_backend;
    }
}
"""
''',
            # a regex location for the private pages, straight to the socket
            "regex_private_location": r'''
HEADERS_SITE = r"""
server {
    listen {listen};
    add_header X-Frame-Options DENY always;
    add_header X-Content-Type-Options nosniff always;
    location ~ ^{private}/ {
        add_header X-Frame-Options DENY always;
        add_header X-Content-Type-Options nosniff always;
        add_header Cache-Control no-store always;
        proxy_pass http://unix:{app}:;
    }
    location / {
        proxy_pass http://unix:{app}:;
    }
}
"""
''',
            # a variable set by a server-level if (only set inside it, the safe use of if);
            # an empty value adds no header
            "server_if_sets_a_variable": r'''
HEADERS_SITE = r"""
upstream shop { server unix:{app}; }
server {
    listen {listen};
    set $no_store "";
    if ($uri ~ "^{private}/") {
        set $no_store "no-store";
    }
    add_header X-Content-Type-Options "nosniff" always;
    add_header X-Frame-Options "DENY" always;
    add_header Cache-Control $no_store always;
    location / {
        proxy_pass http://shop;
    }
}
"""
''',
        },
    ),
}
