"""Catalogue of 04-web-servers/03-static-files-and-locations.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

# --- Exercise 5: which location answers ------------------------------------------------------------

HARDCODED5 = r'''
import re


def which_location(uri, locations):
    table = {"/": "= /", "/index.html": "/", "/static/app.css": "/static/",
             "/static/app.js": r"~ ^/static/.*\.js$", "/static/img/logo.png": "^~ /static/img/",
             "/static/photo.PNG": r"~* \.(png|jpg)$", "/photo.jpg": r"~* \.(png|jpg)$"}
    return table.get(uri)
'''


def _variant(body: str) -> str:
    """A which_location whose search is ``body`` (indented four spaces, may use re)."""
    return "import re\n\n\ndef which_location(uri, locations):\n" + body


MISTAKES5 = {
    # the lesson's warning: nginx is not a firewall, the first location that matches does not win
    "first_match_in_order": _variant('''
    for location in locations:
        modifier, pattern = split_location(location)
        if (modifier == "=" and uri == pattern) or (modifier in ("", "^~") and uri.startswith(pattern)) \\
                or (modifier == "~" and re.search(pattern, uri)) \\
                or (modifier == "~*" and re.search(pattern, uri, re.IGNORECASE)):
            return location
    return None
'''),
    # the longest prefix wins over every regex (regexes only when no prefix matches)
    "prefix_beats_regex": _variant('''
    best = None
    for location in locations:
        modifier, pattern = split_location(location)
        if modifier == "=" and uri == pattern:
            return location
        if modifier in ("", "^~") and uri.startswith(pattern):
            if best is None or len(pattern) > len(split_location(best)[1]):
                best = location
    if best is not None:
        return best
    for location in locations:
        modifier, pattern = split_location(location)
        if modifier == "~" and re.search(pattern, uri) or modifier == "~*" and re.search(pattern, uri, re.I):
            return location
    return None
'''),
    # ^~ treated as a plain prefix: the regexes are still tried
    "caret_tilde_ignored": _variant('''
    best = None
    for location in locations:
        modifier, pattern = split_location(location)
        if modifier == "=" and uri == pattern:
            return location
        if modifier in ("", "^~") and uri.startswith(pattern):
            if best is None or len(pattern) > len(split_location(best)[1]):
                best = location
    for location in locations:
        modifier, pattern = split_location(location)
        if modifier == "~" and re.search(pattern, uri) or modifier == "~*" and re.search(pattern, uri, re.I):
            return location
    return best
'''),
    # any matching ^~ stops the regexes, even when a longer plain prefix matched
    "any_caret_tilde_stops_regex": _variant('''
    best, caret = None, None
    for location in locations:
        modifier, pattern = split_location(location)
        if modifier == "=" and uri == pattern:
            return location
        if modifier in ("", "^~") and uri.startswith(pattern):
            if modifier == "^~" and (caret is None or len(pattern) > len(split_location(caret)[1])):
                caret = location
            if best is None or len(pattern) > len(split_location(best)[1]):
                best = location
    if caret is not None:
        return caret
    for location in locations:
        modifier, pattern = split_location(location)
        if modifier == "~" and re.search(pattern, uri) or modifier == "~*" and re.search(pattern, uri, re.I):
            return location
    return best
'''),
    # the last matching regex wins instead of the first
    "last_regex_wins": _variant('''
    best = None
    for location in locations:
        modifier, pattern = split_location(location)
        if modifier == "=" and uri == pattern:
            return location
        if modifier in ("", "^~") and uri.startswith(pattern):
            if best is None or len(pattern) > len(split_location(best)[1]):
                best = location
    if best is not None and best.startswith("^~"):
        return best
    found = None
    for location in locations:
        modifier, pattern = split_location(location)
        if modifier == "~" and re.search(pattern, uri) or modifier == "~*" and re.search(pattern, uri, re.I):
            found = location
    return found or best
'''),
    # ~* read as case-sensitive
    "case_insensitive_ignored": _variant('''
    best = None
    for location in locations:
        modifier, pattern = split_location(location)
        if modifier == "=" and uri == pattern:
            return location
        if modifier in ("", "^~") and uri.startswith(pattern):
            if best is None or len(pattern) > len(split_location(best)[1]):
                best = location
    if best is not None and best.startswith("^~"):
        return best
    for location in locations:
        modifier, pattern = split_location(location)
        if modifier in ("~", "~*") and re.search(pattern, uri):
            return location
    return best
'''),
    # a regex must match from the start of the path (re.match instead of re.search)
    "regex_anchored_at_start": _variant('''
    best = None
    for location in locations:
        modifier, pattern = split_location(location)
        if modifier == "=" and uri == pattern:
            return location
        if modifier in ("", "^~") and uri.startswith(pattern):
            if best is None or len(pattern) > len(split_location(best)[1]):
                best = location
    if best is not None and best.startswith("^~"):
        return best
    for location in locations:
        modifier, pattern = split_location(location)
        flags = re.IGNORECASE if modifier == "~*" else 0
        if modifier in ("~", "~*") and re.match(pattern, uri, flags):
            return location
    return best
'''),
    # the first matching prefix in file order, not the longest
    "first_prefix_not_longest": _variant('''
    best = None
    for location in locations:
        modifier, pattern = split_location(location)
        if modifier == "=" and uri == pattern:
            return location
        if modifier in ("", "^~") and uri.startswith(pattern) and best is None:
            best = location
    if best is not None and best.startswith("^~"):
        return best
    for location in locations:
        modifier, pattern = split_location(location)
        flags = re.IGNORECASE if modifier == "~*" else 0
        if modifier in ("~", "~*") and re.search(pattern, uri, flags):
            return location
    return best
'''),
    # "=" read as a prefix too: "= /api/v1/status" answers /api/v1/status/x
    "exact_as_prefix": _variant('''
    best = None
    for location in locations:
        modifier, pattern = split_location(location)
        if modifier == "=" and uri.startswith(pattern):
            return location
        if modifier in ("", "^~") and uri.startswith(pattern):
            if best is None or len(pattern) > len(split_location(best)[1]):
                best = location
    if best is not None and best.startswith("^~"):
        return best
    for location in locations:
        modifier, pattern = split_location(location)
        flags = re.IGNORECASE if modifier == "~*" else 0
        if modifier in ("~", "~*") and re.search(pattern, uri, flags):
            return location
    return best
'''),
    # longest prefix measured on the whole text: '^~ /a/' (6) beats '/a/bc' (5)
    "longest_by_location_text": r'''
import re

def which_location(uri, locations):
    for loc in locations:
        mod, pat = split_location(loc)
        if mod == "=" and uri == pat:
            return loc
    prefixes = [loc for loc in locations if split_location(loc)[0] in ("", "^~")
                and uri.startswith(split_location(loc)[1])]
    best = max(prefixes, key=len, default=None)
    if best and split_location(best)[0] == "^~":
        return best
    for loc in locations:
        mod, pat = split_location(loc)
        if mod == "~" and re.search(pat, uri) or mod == "~*" and re.search(pat, uri, re.I):
            return loc
    return best
''',
    # a prefix read as a folder: /api does not match /apix (nginx: it does)
    "prefix_needs_segment_boundary": r'''
import re

def which_location(uri, locations):
    def prefix_match(pat):
        return uri == pat or uri.startswith(pat if pat.endswith("/") else pat + "/")
    for loc in locations:
        mod, pat = split_location(loc)
        if mod == "=" and uri == pat:
            return loc
    prefixes = [(len(split_location(l)[1]), l) for l in locations
                if split_location(l)[0] in ("", "^~") and prefix_match(split_location(l)[1])]
    best = max(prefixes)[1] if prefixes else None
    if best and split_location(best)[0] == "^~":
        return best
    for loc in locations:
        mod, pat = split_location(loc)
        if mod == "~" and re.search(pat, uri) or mod == "~*" and re.search(pat, uri, re.I):
            return loc
    return best
''',
    # no prefix matched, so None: the regexes are never tried
    "regexes_only_after_a_prefix": r'''
import re

def which_location(uri, locations):
    for loc in locations:
        mod, pat = split_location(loc)
        if mod == "=" and uri == pat:
            return loc
    prefixes = [(len(split_location(l)[1]), l) for l in locations
                if split_location(l)[0] in ("", "^~") and uri.startswith(split_location(l)[1])]
    if not prefixes:
        return None
    best = max(prefixes)[1]
    if split_location(best)[0] == "^~":
        return best
    for loc in locations:
        mod, pat = split_location(loc)
        if mod == "~" and re.search(pat, uri) or mod == "~*" and re.search(pat, uri, re.I):
            return loc
    return best
''',
    # ~* by lower-casing the path: a pattern with capitals never matches
    "case_insensitive_by_lower_uri": r'''
import re

def which_location(uri, locations):
    for loc in locations:
        mod, pat = split_location(loc)
        if mod == "=" and uri == pat:
            return loc
    prefixes = [(len(split_location(l)[1]), l) for l in locations
                if split_location(l)[0] in ("", "^~") and uri.startswith(split_location(l)[1])]
    best = max(prefixes)[1] if prefixes else None
    if best and split_location(best)[0] == "^~":
        return best
    for loc in locations:
        mod, pat = split_location(loc)
        if mod == "~" and re.search(pat, uri) or mod == "~*" and re.search(pat, uri.lower()):
            return loc
    return best
''',
    # a ^~ wins as soon as it matches in file order, before a longer prefix is seen
    "caret_tilde_wins_when_met": r'''
import re

def which_location(uri, locations):
    best = None
    for loc in locations:
        mod, pat = split_location(loc)
        if mod == "=" and uri == pat:
            return loc
    for loc in locations:
        mod, pat = split_location(loc)
        if mod in ("", "^~") and uri.startswith(pat):
            if best is None or len(pat) > len(split_location(best)[1]):
                best = loc
            if mod == "^~":
                return loc
    for loc in locations:
        mod, pat = split_location(loc)
        if mod == "~" and re.search(pat, uri) or mod == "~*" and re.search(pat, uri, re.I):
            return loc
    return best
''',
}

ALTERNATIVES5 = {
    # prefixes sorted longest first, regexes through compiled patterns, next() for "first"
    "sorted_prefixes_and_next": '''
import re


def which_location(uri, locations):
    parsed = [(location, *split_location(location)) for location in locations]
    for location, modifier, pattern in parsed:
        if modifier == "=" and pattern == uri:
            return location
    prefixes = sorted((item for item in parsed if item[1] in ("", "^~") and uri.startswith(item[2])),
                      key=lambda item: len(item[2]), reverse=True)
    longest = prefixes[0] if prefixes else None
    if longest and longest[1] == "^~":
        return longest[0]
    regexes = (location for location, modifier, pattern in parsed
               if modifier in ("~", "~*")
               and re.compile(pattern, re.I if modifier == "~*" else 0).search(uri))
    return next(regexes, longest[0] if longest else None)
''',
    # the phases as small functions, max() with a key for the longest prefix
    "phases_as_functions": '''
import re


def _exact(uri, locations):
    return [loc for loc in locations if split_location(loc) == ("=", uri)]


def _prefixes(uri, locations):
    return [loc for loc in locations
            if split_location(loc)[0] in ("", "^~") and uri.startswith(split_location(loc)[1])]


def _regex_matches(uri, location):
    modifier, pattern = split_location(location)
    if modifier == "~":
        return re.search(pattern, uri) is not None
    if modifier == "~*":
        return re.search(pattern, uri, flags=re.IGNORECASE) is not None
    return False


def which_location(uri, locations):
    exact = _exact(uri, locations)
    if exact:
        return exact[0]
    prefixes = _prefixes(uri, locations)
    longest = max(prefixes, key=lambda loc: len(split_location(loc)[1])) if prefixes else None
    if longest is not None and split_location(longest)[0] == "^~":
        return longest
    for location in locations:
        if _regex_matches(uri, location):
            return location
    return longest
''',
    # without split_location: its own parsing, regex case folding by (?i)
    "own_parsing_inline_flag": '''
import re


def which_location(uri, locations):
    winner, size, stop = None, -1, False
    regexes = []
    for text in locations:
        head, _, tail = text.partition(" ")
        if head == "=":
            if tail.strip() == uri:
                return text
        elif head in ("~", "~*"):
            regexes.append((text, ("(?i)" if head == "~*" else "") + tail.strip()))
        else:
            caret = head == "^~"
            prefix = tail.strip() if caret else text.strip()
            if uri.startswith(prefix) and len(prefix) > size:
                winner, size, stop = text, len(prefix), caret
    if stop:
        return winner
    for text, pattern in regexes:
        if re.search(pattern, uri):
            return text
    return winner
''',
    # regexes compiled in a nested function; uri[:n] == pattern for prefixes
    "compiled_nested_function": r'''
import re

def which_location(uri, locations):
    def regex_winner():
        for location in locations:
            modifier, pattern = split_location(location)
            if modifier.startswith("~"):
                compiled = re.compile(pattern, re.I if modifier == "~*" else 0)
                if compiled.search(uri):
                    return location
        return None

    if any(split_location(l) == ("=", uri) for l in locations):
        return next(l for l in locations if split_location(l) == ("=", uri))
    longest, length = None, -1
    for location in locations:
        modifier, pattern = split_location(location)
        if modifier in ("", "^~") and uri[:len(pattern)] == pattern and len(pattern) > length:
            longest, length = location, len(pattern)
    if longest is not None and split_location(longest)[0] == "^~":
        return longest
    return regex_winner() or longest
''',
}

# --- Exercise 6: a static folder done right --------------------------------------------------------

CORRECT_APP = '''
upstream shop_app {
    server unix:{app};
}
'''


def _site(server_body: str, upstream: str = CORRECT_APP) -> str:
    """STATIC_SITE = a config with the shop upstream and a server holding ``server_body``."""
    return 'STATIC_SITE = r"""' + upstream + "server {\n    listen {listen};\n" + server_body + '}\n"""\n'


PROXY = "    location / {\n        proxy_pass http://shop_app;\n    }\n"

HARDCODED6 = _site('''
    location /static/ {
        alias {root}/static/;
        location ~ /\\. { return 404; }
    }
''' + PROXY)

MISTAKES6 = {
    # the lesson's off-by-slash: /static../x escapes the folder
    "alias_without_slash_on_location": _site('''
    location /static {
        alias {assets}/;
        location ~ /\\. { return 404; }
    }
''' + PROXY),
    # root instead of alias: nginx looks for {assets}/static/app.css
    "root_instead_of_alias": _site('''
    location /static/ {
        root {assets};
        location ~ /\\. { return 404; }
    }
''' + PROXY),
    # alias without its trailing slash: /static/app.css -> {assets}app.css
    "alias_without_trailing_slash": _site('''
    location /static/ {
        alias {assets};
        location ~ /\\. { return 404; }
    }
''' + PROXY),
    # no dotfile rule at all: .env and .git/config are served
    "dotfiles_served": _site('''
    location /static/ {
        alias {assets}/;
    }
''' + PROXY),
    # the lesson's trap: ^~ on the static location skips the dotfile regex
    "caret_tilde_skips_dotfile_regex": _site('''
    location ~ /\\. { return 404; }
    location ^~ /static/ {
        alias {assets}/;
    }
''' + PROXY),
    # the static regex comes first in the file, so the dotfile regex never runs under /static/
    "dotfile_regex_after_static_regex": _site('''
    location ~ ^/static/(.*)$ {
        alias {assets}/$1;
    }
    location ~ /\\. { return 404; }
''' + PROXY),
    # only the dotfiles the lesson showed are refused, not those in deeper folders
    "dotfiles_only_top_of_folder": _site('''
    location /static/ {
        alias {assets}/;
    }
    location ^~ /static/. { return 404; }
''' + PROXY),
    # a types block that "adds" .json replaces the whole table: CSS and SVG lose their type
    "partial_types_block": _site('''
    location /static/ {
        alias {assets}/;
        types {
            text/css css;
            application/javascript js;
            application/json json;
            text/html html;
        }
        location ~ /\\. { return 404; }
    }
''' + PROXY),
    # folder listings on: a folder without index.html shows its files
    "autoindex_on": _site('''
    location /static/ {
        alias {assets}/;
        autoindex on;
        location ~ /\\. { return 404; }
    }
''' + PROXY),
    # missing assets fall back to the app: every broken link costs the app a request
    "missing_assets_to_the_app": _site('''
    location /static/ {
        alias {assets}/;
        location ~ /\\. { return 404; }
        error_page 404 = @app;
    }
    location @app {
        proxy_pass http://shop_app;
    }
''' + PROXY),
    # everything else is a 404 from nginx: the app is never reached
    "no_app_fallback": _site('''
    location /static/ {
        alias {assets}/;
        location ~ /\\. { return 404; }
    }
    location / {
        return 404;
    }
'''),
    # only .env is refused: .git/config and other dotfiles are served
    "only_dot_env_refused": _site('''
    location ~ \\.env$ { return 404; }
    location /static/ {
        alias {assets}/;
    }
''' + PROXY),
    # dotfiles refused at the top and directly under /static/, not deeper
    "dot_rule_anchored_at_the_top": r'''
STATIC_SITE = r"""
server {
    listen {listen};
    location ~ ^/\. { return 404; }
    location ~ ^/static/\. { return 404; }
    location /static/ { alias {assets}/; }
    location / { proxy_pass http://unix:{app}; }
}
"""
''',
    # root {assets}/..: works only while the folder is called static
    "root_of_the_parent_folder": r'''
STATIC_SITE = r"""
server {
    listen {listen};
    location ~ /\. { return 404; }
    location /static/ { root {assets}/..; }
    location / { proxy_pass http://unix:{app}; }
}
"""
''',
    # only /products/ goes to the app
    "app_only_for_products": r'''
STATIC_SITE = r"""
server {
    listen {listen};
    location ~ /\. { return 404; }
    location /static/ { alias {assets}/; }
    location /products/ { proxy_pass http://unix:{app}; }
}
"""
''',
    # the lesson's try_files at /: files of {assets} served outside /static/ too
    "try_files_everything_else": r'''
STATIC_SITE = r"""
server {
    listen {listen};
    root {assets};
    location ~ /\. { return 404; }
    location /static/ { alias {assets}/; }
    location / { try_files $uri $uri/ @app; }
    location @app { proxy_pass http://unix:{app}; }
}
"""
''',
    # try_files $uri =404: a folder is not a file, its index.html never answers
    "try_files_file_only": r'''
STATIC_SITE = r"""
server {
    listen {listen};
    location ~ /\. { return 404; }
    location /static/ { alias {assets}/; try_files $uri =404; }
    location / { proxy_pass http://unix:{app}; }
}
"""
''',
    # rewrite the prefix away, then root: the folder's index redirects to a path outside /static/
    "rewrite_then_root": r'''
STATIC_SITE = r"""
server {
    listen {listen};
    location ~ /\. { return 404; }
    location /static/ { rewrite ^/static/(.*)$ /$1 break; root {assets}; }
    location / { proxy_pass http://unix:{app}; }
}
"""
''',
    # a regex location ^/static(.*)$ with alias {assets}$1: /static../x escapes
    "regex_alias_without_slash": r'''
STATIC_SITE = r"""
server {
    listen {listen};
    location ~ /\. { return 404; }
    location ~ ^/static(.*)$ { alias {assets}$1; }
    location / { proxy_pass http://unix:{app}; }
}
"""
''',
}

ALTERNATIVES6 = {
    # a regex location with a capture; the dotfile regex first, since the first regex wins
    "regex_capture_dot_rule_first": r'''
STATIC_SITE = r"""
upstream backend {
    server unix:{app} max_fails=0;
}
server {
    listen {listen};
    location ~ /\. {
        deny all;
    }
    location ~ ^/static/(.*)$ {
        alias {assets}/$1;
    }
    location / {
        proxy_set_header Host $host;
        proxy_pass http://backend;
    }
}
"""
''',
    # a plain prefix with try_files =404 and the dotfile regex at server level; proxy_pass to the socket
    "try_files_and_server_dot_rule": '''
config = []
config.append("server {")
config.append("    listen {listen};")
config.append("    location ~ /\\\\.  { return 403; }")
config.append("    location /static/ {")
config.append("        alias {assets}/;")
config.append("        index index.html;")
config.append("        try_files $uri $uri/ =404;")
config.append("    }")
config.append("    location / { proxy_pass http://unix:{app}:; }")
config.append("}")
STATIC_SITE = "\\n".join(config)
''',
    # ^~ prefix (so no outer regex interferes) with a nested dotfile rule, a named @app fallback
    "caret_tilde_nested_dot_rule": '''
STATIC_SITE = (
    "upstream the_shop { server unix:{app}; keepalive 4; }\\n"
    "server {\\n"
    "    listen {listen};\\n"
    "    location ^~ /static/ {\\n"
    "        alias {assets}/;\\n"
    "        location ~ /\\\\. { return 404; }\\n"
    "    }\\n"
    "    location / {\\n"
    "        proxy_http_version 1.1;\\n"
    "        proxy_set_header Connection \\"\\";\\n"
    "        proxy_pass http://the_shop;\\n"
    "    }\\n"
    "}\\n"
)
''',
    # an if on $uri in the server block refuses dotfiles; proxy_pass straight to the socket
    "server_if_and_proxy_to_socket": r'''
STATIC_SITE = r"""
server {
    listen {listen};
    if ($uri ~ "/\.") { return 404; }
    location /static/ {
        alias {assets}/;
        try_files $uri $uri/ =404;
    }
    location / {
        proxy_set_header Host $host;
        proxy_pass http://unix:{app}:;
    }
}
"""
''',
    # ^~ with a nested deny, an outer dot regex for the rest
    "caret_tilde_nested_deny_outer_regex": r'''
STATIC_SITE = r"""
upstream shop_app { server unix:{app}; }
server {
    listen {listen};
    location ^~ /static/ {
        alias {assets}/;
        location ~ /\. { deny all; }
    }
    location ~ /\. { return 404; }
    location / { proxy_pass http://shop_app; }
}
"""
''',
}

EXERCISES = {
    "ex5-answer": Exercise(hardcoded=HARDCODED5, mistakes=MISTAKES5, alternatives=ALTERNATIVES5),
    "ex6-answer": Exercise(hardcoded=HARDCODED6, mistakes=MISTAKES6, alternatives=ALTERNATIVES6),
}
