"""5.5 Harden the edge: static files from nginx, and a shield (blocklist, dotfiles, headers)."""

from tests.catalogue import Exercise, edit, solution

NOTEBOOK = "05-capstone/05-harden-the-edge.ipynb"


def edge(*pairs: tuple[str, str]) -> str:
    return edit(solution(NOTEBOOK, "ex11-answer"), *pairs)


def hardened(*pairs: tuple[str, str]) -> str:
    return edit(solution(NOTEBOOK, "ex12-answer"), *pairs)


FINGERPRINT_LOCATION = '''        location ~ "\\.[0-9a-f]{8,}\\.[a-z0-9]+$" {
            add_header Cache-Control "public, max-age=31536000, immutable";
        }
'''
HEADERS = '''    add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    add_header Referrer-Policy strict-origin-when-cross-origin always;
'''
REAL_IP = '''    set_real_ip_from unix:;
    real_ip_header X-Forwarded-For;
'''
FINGERPRINT = '"\\.[0-9a-f]{8,}\\.[a-z0-9]+$"'
# a fingerprint of any length: shop.abc.css and app.1.js come back immutable
ANY_LENGTH_HEX = '"\\.[0-9a-f]+\\.[a-z0-9]+$"'
# letters and digits, not hex: styles.override.css comes back immutable
ALPHANUMERIC = '"\\.[0-9a-z]{8,}\\.[a-z0-9]+$"'
# eight hex digits anywhere: badge-20260301.svg comes back immutable
UNANCHORED = '"[0-9a-f]{8,}"'
RATE_LIMIT_ZONE = "limit_req_zone $binary_remote_addr zone=edge:10m rate=200r/s;\n"
RATE_LIMIT = "limit_req zone=edge burst=200 nodelay;\n{indent}limit_req_status 429;\n{indent}"

EXERCISES = {
    "ex11-answer": Exercise(
        # what the visible test shows: the one fingerprinted stylesheet, CSS gzipped
        hardcoded='''
EDGE_SITE = r"""
server {
    listen {listen};
    gzip on;
    gzip_types text/css;
    gzip_vary on;
    location /static/ {
        alias {static}/;
    }
    location = /static/shop.f9ddc1dba2.css {
        alias {static}/shop.f9ddc1dba2.css;
        add_header Cache-Control "public, max-age=31536000, immutable";
    }
    location / {
        proxy_pass http://unix:{app}:;
    }
}
"""
''',
        mistakes={
            # the lesson's alias trap: /static../x climbs out of the folder
            "static_without_slash_alias_traversal": edge(("location /static/ {", "location /static {")),
            # the app still serves the static files (nginx only adds the header)
            "proxies_static_to_app": edge(("        alias {static}/;\n", "        proxy_pass http://unix:{app}:;\n")),
            "immutable_on_every_static_file": edge(
                (FINGERPRINT_LOCATION, '        add_header Cache-Control "public, max-age=31536000, immutable";\n')),
            "fingerprint_regex_any_word": edge(('"\\.[0-9a-f]{8,}\\.[a-z0-9]+$"', '"\\.[a-z0-9]+\\.[a-z0-9]+$"')),
            "fingerprint_regex_any_length_hex": edge((FINGERPRINT, ANY_LENGTH_HEX)),
            "fingerprint_regex_alphanumeric": edge((FINGERPRINT, ALPHANUMERIC)),
            "fingerprint_regex_unanchored": edge((FINGERPRINT, UNANCHORED)),
            "expires_max_without_immutable": edge(
                ('add_header Cache-Control "public, max-age=31536000, immutable";', "expires max;")),
            "short_max_age": edge(("max-age=31536000", "max-age=3600")),
            "gzip_without_types": edge(
                ("    gzip_types text/css application/javascript application/json image/svg+xml;\n", "")),
            "gzip_types_css_only": edge(
                ("gzip_types text/css application/javascript application/json image/svg+xml;", "gzip_types text/css;")),
            "no_gzip_vary": edge(("    gzip_vary on;\n", "")),
            "root_instead_of_alias": edge(("alias {static}/;", "root {static};")),
        },
        alternatives={
            # a regex location with a capture, and the plain files in a prefix location
            "regex_capture_alias": '''
EDGE_SITE = r"""
upstream shop {
    server unix:{app};
}
server {
    listen {listen};
    gzip on;
    gzip_min_length 256;
    gzip_types text/plain text/css text/javascript application/javascript application/json;
    gzip_vary on;

    location ~ "^/static/([^/]+\\.[0-9a-fA-F]{8,}\\.\\w+)$" {
        alias {static}/$1;
        add_header Cache-Control "max-age=63072000, public, immutable";
    }
    location /static/ {
        alias {static}/;
        add_header Cache-Control "no-cache";
    }
    location / {
        proxy_pass http://shop;
    }
}
"""
''',
            # Cache-Control chosen by a map on the URI: an empty value sends no header
            "map_on_uri": '''
EDGE_SITE = r"""
map $uri $asset_cache {
    default "";
    "~\\.[0-9a-f]{8,}\\.[a-z0-9]+$" "public, max-age=31536000, immutable";
}
server {
    listen {listen};
    gzip on;
    gzip_types text/css application/json;
    gzip_vary on;
    location / {
        proxy_pass http://unix:{app}:;
    }
    location /static/ {
        alias {static}/;
        add_header Cache-Control $asset_cache;
    }
}
"""
''',
            # expires for the max-age, add_header only for immutable: two Cache-Control lines
            "expires_plus_immutable": '''
EDGE_SITE = """
server {
    listen {listen};
    location /static/ {
        alias {static}/;
        gzip on;
        gzip_types text/css;
        gzip_vary on;
        location ~ "[.][0-9a-f]{8,}[.][a-z0-9]+$" {
            expires 365d;
            add_header Cache-Control immutable;
        }
    }
    location / {
        gzip on;
        gzip_types application/json;
        gzip_vary on;
        proxy_pass http://unix:{app}:;
    }
}
"""
''',
        },
    ),
    "ex12-answer": Exercise(
        # the visible test's one scanner written into the config
        hardcoded=hardened(
            ('''    return "".join(f"{address} 1;\\n" for address in addresses)''', '''    return ""'''),
            ("    include {blocklist};\n", "    198.51.100.74 1;\n")),
        mistakes={
            # $remote_addr is unix: for everyone: no one is limited
            "no_real_ip": hardened((REAL_IP, "")),
            # keyed on the header's raw text: a client-sent X-Forwarded-For hides the scanner
            "map_on_raw_forwarded_header": hardened(
                (REAL_IP, ""),
                ("geo $scanner {", "map $http_x_forwarded_for $scanner {")),
            "headers_without_always": hardened((" always;", ";")),
            # the inheritance trap: the immutable location's own add_header drops the server's
            "location_add_header_drops_server_headers": hardened(
                ('''            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            add_header Referrer-Policy strict-origin-when-cross-origin always;
''', "")),
            "denies_every_dotfile": hardened(("location ~ /\\.(?!well-known/) {", "location ~ /\\. {")),
            # ^~ skips the regex locations: /static/.env is served
            "static_prefix_skips_dotfile_rule": hardened(("location /static/ {", "location ^~ /static/ {")),
            "forbidden_instead_of_429": hardened(("return 429;", "return 403;")),
            "limit_req_without_real_ip": hardened(
                (REAL_IP, ""),
                ("geo $scanner {\n    default 0;\n    include {blocklist};\n}\n",
                 "limit_req_zone $binary_remote_addr zone=edge:1m rate=1r/m;\n"),
                ("    if ($scanner) {\n        return 429;\n    }\n",
                 "    limit_req zone=edge burst=5 nodelay;\n    limit_req_status 429;\n")),
            "gzip_types_duplicates_text_html": hardened(("gzip_types text/css", "gzip_types text/html text/css")),
            "blocklist_without_values": hardened(('f"{address} 1;\\n"', 'f"{address};\\n"')),
            # the 429 only where requests go to the app: a scanner still gets the static files
            "scanner_check_only_in_proxy_location": hardened(
                ("    if ($scanner) {\n        return 429;\n    }\n", ""),
                ("    location / {\n", "    location / {\n        if ($scanner) {\n            return 429;\n        }\n")),
            "no_dotfile_rule": hardened(("    location ~ /\\.(?!well-known/) {\n        return 404;\n    }\n", "")),
            # only the dotfiles the lesson named: /static/.secret served, /.ssh/id_rsa reaches the app
            "dotfile_rule_lists_names": hardened(
                ("location ~ /\\.(?!well-known/) {", 'location ~ "/\\.(env|git|aws|htaccess)" {')),
            # a rate limit on top of the blocklist: an ordinary client in a burst gets 429 too
            "rate_limit_for_everyone": hardened(
                ("geo $scanner {", RATE_LIMIT_ZONE + "geo $scanner {"),
                ("    if ($scanner) {", "    " + RATE_LIMIT.format(indent="    ") + "if ($scanner) {")),
            "rate_limit_on_the_app": hardened(
                ("geo $scanner {", RATE_LIMIT_ZONE + "geo $scanner {"),
                ("        proxy_pass http://unix:{app}:;",
                 "        " + RATE_LIMIT.format(indent="        ") + "proxy_pass http://unix:{app}:;")),
            "fingerprint_regex_any_length_hex": hardened((FINGERPRINT, ANY_LENGTH_HEX)),
            "fingerprint_regex_unanchored": hardened((FINGERPRINT, UNANCHORED)),
        },
        alternatives={
            # map on $remote_addr (after realip), deny (403) for dotfiles, .well-known in its own location
            "map_deny_and_well_known": '''
def blocklist(addresses):
    lines = []
    for address in addresses:
        lines.append("%s blocked;" % address)
    return "\\n".join(lines) + "\\n"


HARDENED_SITE = r"""
map $remote_addr $visitor {
    default ok;
    include {blocklist};
}
upstream shop {
    server unix:{app};
}
server {
    listen {listen};
    real_ip_header X-Forwarded-For;
    set_real_ip_from unix:;
    server_tokens off;
    gzip on;
    gzip_types text/css application/json;
    gzip_vary on;
    add_header Content-Security-Policy "frame-ancestors 'none'" always;
    add_header X-Content-Type-Options "nosniff" always;
    add_header Referrer-Policy "no-referrer" always;

    location ^~ /.well-known/ {
        if ($visitor = blocked) { return 429; }
        proxy_pass http://shop;
    }
    location ~ /\\. {
        deny all;
    }
    location /static/ {
        if ($visitor = blocked) { return 429; }
        alias {static}/;
    }
    location ~ "^/static/(.+\\.[0-9a-f]{8,}\\.[a-z0-9]+)$" {
        if ($visitor = blocked) { return 429; }
        alias {static}/$1;
        add_header Content-Security-Policy "frame-ancestors 'none'" always;
        add_header X-Content-Type-Options "nosniff" always;
        add_header Referrer-Policy "no-referrer" always;
        add_header Cache-Control "public, max-age=31536000, immutable" always;
    }
    location / {
        if ($visitor = blocked) { return 429; }
        proxy_pass http://shop;
    }
}
"""
''',
            # the blocklist file is a whole geo block, included at http level
            "geo_block_in_the_file": '''
def blocklist(addresses):
    entries = "".join("    %s 1;\\n" % address for address in addresses)
    return "geo $listed {\\n    default 0;\\n" + entries + "}\\n"


HARDENED_SITE = r"""
include {blocklist};

server {
    listen {listen};
    set_real_ip_from unix:;
    real_ip_header X-Forwarded-For;
    add_header X-Frame-Options SAMEORIGIN always;
    add_header X-Content-Type-Options nosniff always;
    add_header Referrer-Policy same-origin always;
    gzip on;
    gzip_vary on;
    gzip_types text/css text/javascript application/javascript application/json;

    if ($listed) {
        return 429;
    }
    location ~ "/\\.(?!well-known(/|$))" {
        return 403;
    }
    location /static/ {
        alias {static}/;
    }
    location ~ "^/static/(.+\\.[0-9a-f]{8,}\\.[a-z0-9]+)$" {
        alias {static}/$1;
        expires 1y;
        add_header Cache-Control immutable;
        add_header X-Frame-Options SAMEORIGIN always;
        add_header X-Content-Type-Options nosniff always;
        add_header Referrer-Policy same-origin always;
    }
    location / {
        proxy_pass http://unix:{app}:;
    }
}
"""
''',
        },
    ),
}
