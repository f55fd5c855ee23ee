"""Catalogue of 04-web-servers/01-http-by-hand.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

# Copies the visible test's two requests byte for byte.
HARDCODED1 = r'''
def request_bytes(method, target, host, headers=None, body=""):
    if method == "POST":
        return b"POST /echo HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 5\r\n\r\nhello"
    return b"GET /echo?page=2 HTTP/1.1\r\nHost: shop.test\r\nAccept: application/json\r\n\r\n"
'''

# Copies the visible test's two product bodies (small scale) and splits at the second status line.
HARDCODED2 = r'''
P1 = b'{"id":1,"name":"Deluxe Shovel","category":"garden","price_cents":3299}'
P2 = b'{"id":2,"name":"Premium Bench","category":"garden","price_cents":3399}'

def parse_response(raw, method="GET"):
    second = raw.find(b"HTTP/1.1 200", 1)
    if second > 0:
        return 200, {"content-type": ["application/json"]}, P1, raw[second:]
    return 200, {"content-type": ["application/json"]}, P2, b""
'''

EXERCISES = {
    "ex1-answer": Exercise(
        hardcoded=HARDCODED1,
        mistakes={
            # lines end with a bare \n, as in a text file (both apps accept it; the rule is CR LF)
            "lf_line_endings": r'''
def request_bytes(method, target, host, headers=None, body=""):
    payload = body.encode("utf-8")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if payload:
        lines.append(f"Content-Length: {len(payload)}")
    return ("\n".join(lines) + "\n\n").encode("utf-8") + payload
''',
            # the empty line that ends the headers is missing: the server waits for more headers
            "no_empty_line": r'''
def request_bytes(method, target, host, headers=None, body=""):
    payload = body.encode("utf-8")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if payload:
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8") + payload
''',
            # Content-Length counts letters, not bytes: "café ☕" is 6 letters, 9 bytes
            "length_in_characters": r'''
def request_bytes(method, target, host, headers=None, body=""):
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("utf-8")
''',
            # no Content-Length: the server cannot know a body follows
            "no_content_length": r'''
def request_bytes(method, target, host, headers=None, body=""):
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body.encode("utf-8")
''',
            # HTTP/1.1 needs Host; this works on http.server, uvicorn refuses it
            "no_host_header": r'''
def request_bytes(method, target, host, headers=None, body=""):
    payload = body.encode("utf-8")
    lines = [f"{method} {target} HTTP/1.1"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if payload:
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + payload
''',
            # the version of the request line says HTTP/1.0
            "http_1_0": r'''
def request_bytes(method, target, host, headers=None, body=""):
    payload = body.encode("utf-8")
    lines = [f"{method} {target} HTTP/1.0", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if payload:
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + payload
''',
            # only the first extra header is sent
            "first_header_only": r'''
def request_bytes(method, target, host, headers=None, body=""):
    payload = body.encode("utf-8")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
        break
    if payload:
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + payload
''',
            # the method is always GET
            "always_get": r'''
def request_bytes(method, target, host, headers=None, body=""):
    payload = body.encode("utf-8")
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if payload:
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + payload
''',
            # the Host the visible test uses, typed in instead of host
            "host_hardcoded": r'''
def request_bytes(method, target, host, headers=None, body=""):
    text = f"{method} {target} HTTP/1.1\r\nHost: shop.test\r\n"
    for name, value in (headers or {}).items():
        text += f"{name}: {value}\r\n"
    data = body.encode("utf-8")
    if data:
        text += f"Content-Length: {len(data)}\r\n"
    return text.encode("latin-1") + b"\r\n" + data
''',
            # extra headers sorted by name, not in the dict's order
            "headers_sorted": r'''
def request_bytes(method, target, host, headers=None, body=""):
    text = f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n"
    for name in sorted(headers or {}):
        text += f"{name}: {headers[name]}\r\n"
    data = body.encode("utf-8")
    if data:
        text += f"Content-Length: {len(data)}\r\n"
    return text.encode() + b"\r\n" + data
''',
            # the text encoded as latin-1: letters outside it are lost, the length is in letters
            "body_encoded_latin1": r'''
def request_bytes(method, target, host, headers=None, body=""):
    text = f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n"
    for name, value in (headers or {}).items():
        text += f"{name}: {value}\r\n"
    if body:
        text += f"Content-Length: {len(body)}\r\n"
    return (text + "\r\n" + body).encode("latin-1", "replace")
''',
            # the method in lower case: methods are case-sensitive
            "method_lower_case": r'''
def request_bytes(method, target, host, headers=None, body=""):
    text = f"{method.lower()} {target} HTTP/1.1\r\nHost: {host}\r\n"
    for name, value in (headers or {}).items():
        text += f"{name}: {value}\r\n"
    data = body.encode("utf-8")
    if data:
        text += f"Content-Length: {len(data)}\r\n"
    return text.encode() + b"\r\n" + data
''',
            # header values lower-cased ("headers are case-insensitive" holds for names only)
            "values_lower_case": r'''
def request_bytes(method, target, host, headers=None, body=""):
    text = f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n"
    for name, value in (headers or {}).items():
        text += f"{name}: {str(value).lower()}\r\n"
    data = body.encode("utf-8")
    if data:
        text += f"Content-Length: {len(data)}\r\n"
    return text.encode() + b"\r\n" + data
''',
        },
        alternatives={
            # bytes built piece by piece; Content-Length before the extra headers, Host last
            "bytes_pieces_host_last": r'''
def request_bytes(method, target, host, headers=None, body=""):
    data = body.encode()
    out = bytearray(f"{method} {target} HTTP/1.1\r\n".encode())
    if data:
        out += b"Content-Length: " + str(len(data)).encode() + b"\r\n"
    for name in headers or {}:
        out += f"{name}: {headers[name]}\r\n".encode()
    out += f"Host: {host}\r\n\r\n".encode()
    return bytes(out + data)
''',
            # always a Content-Length, 0 for an empty body; one f-string
            "content_length_always": r'''
def request_bytes(method, target, host, headers=None, body=""):
    encoded = bytes(body, "utf-8")
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    head = f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n{extra}Content-Length: {len(encoded)}\r\n\r\n"
    return head.encode("ascii") + encoded
''',
            # http.client writes the request into a socket we read back
            "http_client_socketpair": r'''
import http.client
import socket as _socket

def request_bytes(method, target, host, headers=None, body=""):
    ours, theirs = _socket.socketpair()
    connection = http.client.HTTPConnection(host)
    connection.sock = ours
    connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    payload = body.encode("utf-8")
    if payload:
        connection.putheader("Content-Length", str(len(payload)))
    connection.endheaders(payload or None)
    ours.close()
    data = b""
    while chunk := theirs.recv(65536):
        data += chunk
    theirs.close()
    return data
''',
            # Host and Content-Length merged into one dict of fields; bytes joined
            "dict_merge_bytes_join": r'''
def request_bytes(method, target, host, headers=None, body=""):
    payload = body.encode("utf-8")
    fields = {"Host": host, **(headers or {})}
    if payload:
        fields["Content-Length"] = str(len(payload))
    head = [f"{method} {target} HTTP/1.1".encode("ascii")]
    head += [f"{k}: {v}".encode("latin-1") for k, v in fields.items()]
    return b"\r\n".join(head) + b"\r\n\r\n" + payload
''',
        },
    ),
    "ex2-answer": Exercise(
        hardcoded=HARDCODED2,
        mistakes={
            # split at every empty line: a body containing \r\n\r\n is cut short
            "split_at_every_empty_line": r'''
def parse_response(raw, method="GET"):
    parts = raw.split(b"\r\n\r\n")
    lines = parts[0].decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, value = line.split(":", 1)
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    body_and_rest = parts[1] if len(parts) > 1 else b""
    if method == "HEAD" or status in (204, 304) or status < 200:
        return status, headers, b"", raw[len(parts[0]) + 4:]
    if "content-length" in headers:
        n = int(headers["content-length"][0])
        return status, headers, body_and_rest[:n], raw[len(parts[0]) + 4 + n:]
    return status, headers, body_and_rest, b""
''',
            # header names kept as sent, Content-Length looked up with one spelling
            "case_sensitive_names": r'''
def parse_response(raw, method="GET"):
    head, _, after = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ")[1])
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip(), []).append(value.strip())
    if method == "HEAD" or status in (204, 304) or status < 200:
        return status, headers, b"", after
    if "Content-Length" in headers:
        n = int(headers["Content-Length"][0])
        return status, headers, after[:n], after[n:]
    return status, headers, after, b""
''',
            # a repeated header overwrites the earlier one
            "last_value_wins": r'''
def parse_response(raw, method="GET"):
    head, _, after = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ")[1])
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = [value.strip()]
    if method == "HEAD" or status in (204, 304) or status < 200:
        return status, headers, b"", after
    if "content-length" in headers:
        n = int(headers["content-length"][0])
        return status, headers, after[:n], after[n:]
    return status, headers, after, b""
''',
            # every colon splits: "Date: Fri, 27 Nov 2026 14:42:37 GMT" breaks
            "split_at_every_colon": r'''
def parse_response(raw, method="GET"):
    head, _, after = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ")[1])
    headers = {}
    for line in lines:
        parts = line.split(":")
        headers.setdefault(parts[0].strip().lower(), []).append(parts[1].strip())
    if method == "HEAD" or status in (204, 304) or status < 200:
        return status, headers, b"", after
    if "content-length" in headers:
        n = int(headers["content-length"][0])
        return status, headers, after[:n], after[n:]
    return status, headers, after, b""
''',
            # values keep the spaces around them
            "values_not_stripped": r'''
def parse_response(raw, method="GET"):
    head, _, after = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ")[1])
    headers = {}
    for line in lines:
        name, _, value = line.partition(": ")
        headers.setdefault(name.lower(), []).append(value)
    if method == "HEAD" or status in (204, 304) or status < 200:
        return status, headers, b"", after
    if "content-length" in headers:
        n = int(headers["content-length"][0])
        return status, headers, after[:n], after[n:]
    return status, headers, after, b""
''',
            # the body is everything after the headers: the next response ends up in it
            "ignores_content_length": r'''
def parse_response(raw, method="GET"):
    head, _, after = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ")[1])
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    if method == "HEAD" or status in (204, 304) or status < 200:
        return status, headers, b"", after
    return status, headers, after, b""
''',
            # a response to HEAD read as if it had Content-Length bytes of body
            "body_after_head": r'''
def parse_response(raw, method="GET"):
    head, _, after = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ")[1])
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    if status in (204, 304) or status < 200:
        return status, headers, b"", after
    if "content-length" in headers:
        n = int(headers["content-length"][0])
        return status, headers, after[:n], after[n:]
    return status, headers, after, b""
''',
            # decoded first, then sliced by letters: a UTF-8 body is cut in the wrong place
            "sliced_as_text": r'''
def parse_response(raw, method="GET"):
    text = raw.decode("utf-8", errors="replace")
    head, _, after = text.partition("\r\n\r\n")
    status_line, *lines = head.split("\r\n")
    status = int(status_line.split(" ")[1])
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    if method == "HEAD" or status in (204, 304) or status < 200:
        return status, headers, b"", after.encode()
    if "content-length" in headers:
        n = int(headers["content-length"][0])
        return status, headers, after[:n].encode(), after[n:].encode()
    return status, headers, after.encode(), b""
''',
            # a 304 read as if it had Content-Length bytes of body
            "body_after_304": r'''
def parse_response(raw, method="GET"):
    head, _, after = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ")[1])
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    if method == "HEAD":
        return status, headers, b"", after
    if "content-length" in headers:
        n = int(headers["content-length"][0])
        return status, headers, after[:n], after[n:]
    return status, headers, after, b""
''',
            # the status stays text
            "status_as_text": r'''
def parse_response(raw, method="GET"):
    head, _, after = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    status = status_line.split(" ")[1]
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    if method == "HEAD" or status in ("204", "304") or status.startswith("1"):
        return status, headers, b"", after
    if "content-length" in headers:
        n = int(headers["content-length"][0])
        return status, headers, after[:n], after[n:]
    return status, headers, after, b""
''',
            # the status line unpacked into three parts: "HTTP/1.1 418" has two
            "reason_phrase_required": r'''
def parse_response(raw, method="GET"):
    head, _, after = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    version, code, reason = lines[0].split(" ", 2)
    status = int(code)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return status, headers, b"", after
    if "content-length" in headers:
        n = int(headers["content-length"][0])
        return status, headers, after[:n], after[n:]
    return status, headers, after, b""
''',
            # no Content-Length read as an empty body, not a body to the end
            "no_length_means_no_body": r'''
def parse_response(raw, method="GET"):
    head, _, after = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return status, headers, b"", after
    n = int(headers.get("content-length", ["0"])[0])
    return status, headers, after[:n], after[n:]
''',
            # the whole header block lower-cased: the values too
            "values_lower_case": r'''
def parse_response(raw, method="GET"):
    head, _, after = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").lower().split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip(), []).append(value.strip())
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return status, headers, b"", after
    if "content-length" in headers:
        n = int(headers["content-length"][0])
        return status, headers, after[:n], after[n:]
    return status, headers, after, b""
''',
            # only HEAD and 304 have no body: a 100 Continue or a 204 swallows the next response
            "forgets_1xx_and_204": r'''
def parse_response(raw, method="GET"):
    head, _, after = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    if method == "HEAD" or status == 204 or status == 304:
        return status, headers, b"", after
    if "content-length" in headers:
        n = int(headers["content-length"][0])
        return status, headers, after[:n], after[n:]
    return status, headers, after, b""
''',
        },
        alternatives={
            # positions instead of partition; a regex for the status line
            "find_and_regex": r'''
import re

def parse_response(raw, method="GET"):
    end = raw.index(b"\r\n\r\n")
    lines = raw[:end].decode("latin-1").split("\r\n")
    status = int(re.match(r"HTTP/\d\.\d (\d{3})", lines[0]).group(1))
    headers = {}
    for line in lines[1:]:
        colon = line.index(":")
        headers.setdefault(line[:colon].lower().strip(), []).append(line[colon + 1:].strip(" \t"))
    start = end + 4
    no_body = method.upper() == "HEAD" or status // 100 == 1 or status in (204, 304)
    if no_body:
        length = 0
    elif "content-length" in headers:
        length = int(headers["content-length"][-1])
    else:
        length = len(raw) - start
    return status, headers, raw[start:start + length], raw[start + length:]
''',
            # http.client reads the response from a file that is never closed
            "http_client_response": r'''
import http.client
import io

class _KeptOpen(io.BytesIO):
    def close(self):
        pass

class _FakeSocket:
    def __init__(self, data):
        self.file = _KeptOpen(data)
    def makefile(self, mode):
        return self.file

def parse_response(raw, method="GET"):
    sock = _FakeSocket(raw)
    response = http.client.HTTPResponse(sock, method=method)
    response.begin()
    body = response.read()
    headers = {}
    for name, value in response.getheaders():
        headers.setdefault(name.lower(), []).append(value.strip())
    return response.status, headers, body, sock.file.read()
''',
            # email's parser for the headers (HTTP headers are MIME headers)
            "email_parser": r'''
from email.parser import BytesHeaderParser

def parse_response(raw, method="GET"):
    head, _, after = raw.partition(b"\r\n\r\n")
    status_line, _, header_block = head.partition(b"\r\n")
    status = int(status_line.split()[1])
    message = BytesHeaderParser().parsebytes(header_block + b"\r\n\r\n")
    headers = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), []).append(str(value).strip())
    if method == "HEAD" or status < 200 or status in (204, 304):
        return status, headers, b"", after
    length = headers.get("content-length")
    if length is None:
        return status, headers, after, b""
    n = int(length[0])
    return status, headers, after[:n], after[n:]
''',
            # a file-like BytesIO read line by line, then by length
            "bytesio_readline": r'''
import io, re

def parse_response(raw, method="GET"):
    stream = io.BytesIO(raw)
    status = int(re.match(rb"HTTP/\d\.\d (\d{3})", stream.readline()).group(1))
    headers = {}
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, value = line.decode("latin-1").rstrip("\r\n").split(":", 1)
        headers.setdefault(name.lower().strip(), []).append(value.strip())
    if method.upper() == "HEAD" or status // 100 == 1 or status in {204, 304}:
        body = b""
    elif "content-length" in headers:
        body = stream.read(int(headers["content-length"][-1]))
    else:
        body = stream.read()
    return status, headers, body, stream.read()
''',
            # the whole stream decoded as latin-1 (one byte, one letter), sliced, encoded back
            "latin1_round_trip": r'''
def parse_response(raw, method="GET"):
    text = raw.decode("latin-1")           # one byte per character: lengths stay byte lengths
    end = text.index("\r\n\r\n")
    status_line, *header_lines = text[:end].split("\r\n")
    status = int(status_line.split()[1])
    headers = {}
    for line in header_lines:
        colon = line.index(":")
        headers.setdefault(line[:colon].strip().lower(), []).append(line[colon + 1:].strip())
    start = end + 4
    no_body = method == "HEAD" or status < 200 or status in (204, 304)
    if no_body:
        stop = start
    elif headers.get("content-length"):
        stop = start + int(headers["content-length"][0])
    else:
        stop = len(text)
    return status, headers, text[start:stop].encode("latin-1"), text[stop:].encode("latin-1")
''',
        },
    ),
}
