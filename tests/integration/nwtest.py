"""nwtest: the integration-test harness of newswatchd (Python 3 standard
library only).

Everything here is real: an HTTP server on 127.0.0.1 that serves feeds and
misbehaves on purpose (FeedServer), an HTTP server that receives webhooks and
checks their Standard Webhooks signature (WebhookReceiver), a unix datagram
socket that stands in for /dev/log (SyslogSocket), and the real binary, run
from the repository root.  Nothing ever talks to an address other than
127.0.0.1.

A test file defines functions named test_* that take one argument, the
per-test context `t` (a TestContext: a temp directory, servers, the daemon),
and ends with

    if __name__ == "__main__":
        nwtest.main(globals())

Each test prints "ok NAME" or "FAIL NAME: reason" (followed by lines starting
with "#" that show what the daemon said), and the file ends with the line
"N passed, N failed"; the exit status is 1 if any test failed.

The binary is $NEWSWATCHD (default ./newswatchd), relative to the repository
root, which is also the working directory of every run.
"""

import base64
import datetime
import email.utils
import gzip as gzip_module
import hashlib
import hmac
import http.server
import json
import os
import re
import shutil
import signal
import socket
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import zlib
from xml.sax.saxutils import escape as xml_escape

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.join(HERE, "fixtures")
LOOPBACK = "127.0.0.1"


def clean_env():
    """The environment of the daemon: no proxy may divert its requests to
    127.0.0.1 elsewhere."""
    env = dict(os.environ)
    for k in list(env):
        if k.lower() in ("http_proxy", "https_proxy", "all_proxy", "ftp_proxy",
                         "no_proxy"):
            del env[k]
    return env


def binary():
    b = os.environ.get("NEWSWATCHD", "./newswatchd")
    return b if os.path.isabs(b) else os.path.join(REPO_ROOT, b)


def valgrind_on():
    """NEWSWATCH_VALGRIND=1: every run of the daemon goes under valgrind
    (memcheck); an error or a definite/indirect leak fails the test."""
    return os.environ.get("NEWSWATCH_VALGRIND") == "1"


# Under valgrind the daemon runs ~20-50 times slower: waits scale by this.
TIMEOUT_SCALE = float(os.environ.get("NWTEST_TIMEOUT_SCALE") or
                      (10 if valgrind_on() else 1))

# Exit status of a run in which valgrind found an error.
VALGRIND_RC = 99


def valgrind_argv(directory, argv):
    """argv under valgrind when NEWSWATCH_VALGRIND=1 (its report goes to
    DIRECTORY/valgrind.PID.log, not to the daemon's stderr), else argv."""
    if not valgrind_on():
        return list(argv)
    return ["valgrind", "--quiet", "--error-exitcode=%d" % VALGRIND_RC,
            "--leak-check=full", "--errors-for-leak-kinds=definite,indirect",
            "--show-leak-kinds=definite,indirect", "--track-fds=no",
            "--num-callers=30",
            "--suppressions=%s" % os.path.join(REPO_ROOT, "tests",
                                               "valgrind.supp"),
            "--log-file=%s" % os.path.join(directory, "valgrind.%p.log")
            ] + list(argv)


def valgrind_reports(directory):
    """The valgrind logs in directory that report something."""
    out = []
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return out
    for n in names:
        if n.startswith("valgrind.") and n.endswith(".log"):
            p = os.path.join(directory, n)
            try:
                with open(p, errors="replace") as f:
                    text = f.read()
            except OSError:
                continue
            if text.strip():
                out.append((p, text))
    return out


# ---------------------------------------------------------------- asserts

class Fail(Exception):
    """A test failure with a one-line reason."""


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def eq(got, want, what):
    if got != want:
        raise Fail("%s: got %r, want %r" % (what, got, want))


def wait_until(pred, timeout, what, interval=0.05):
    """Polls pred() until it is true; Fail with `what` after timeout."""
    deadline = time.monotonic() + timeout * TIMEOUT_SCALE
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise Fail("timed out after %gs waiting for %s" % (timeout, what))
        time.sleep(interval)


def free_port():
    s = socket.socket()
    s.bind((LOOPBACK, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http_get(url, timeout=5):
    """GET on 127.0.0.1 without any proxy: (status, headers, body) or
    (None, None, error string)."""
    import urllib.request
    import urllib.error
    check(url.startswith("http://%s:" % LOOPBACK), "not a loopback URL")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()
    except (OSError, urllib.error.URLError) as e:
        return None, None, str(e)


def http_date(ts):
    return email.utils.formatdate(ts, usegmt=True)


# ---------------------------------------------------------------- feeds

FIXED_DATE = datetime.datetime(2022, 1, 21, 14, 12, 0,
                               tzinfo=datetime.timezone.utc)


def rfc3339(dt):
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def item(title, link=None, guid=None, summary=None, published=FIXED_DATE,
         author=None, categories=(), content=None):
    """One feed item as a dict; summary/content are HTML (escaped into the
    XML once).  guid defaults to the link."""
    if link is None:
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
        link = "http://news.example.org/%s" % slug
    return {"title": title, "link": link,
            "guid": link if guid is None else guid,
            "summary": summary, "published": published, "author": author,
            "categories": list(categories), "content": content}


def rss2(items, title="Test feed", link="http://news.example.org/",
         description="A test feed"):
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
           ' xmlns:content="http://purl.org/rss/1.0/modules/content/">',
           "<channel>",
           "<title>%s</title>" % xml_escape(title),
           "<link>%s</link>" % xml_escape(link),
           "<description>%s</description>" % xml_escape(description)]
    for it in items:
        out.append("<item>")
        out.append("<title>%s</title>" % xml_escape(it["title"]))
        if it.get("link"):
            out.append("<link>%s</link>" % xml_escape(it["link"]))
        if it.get("guid"):
            out.append('<guid isPermaLink="false">%s</guid>'
                       % xml_escape(it["guid"]))
        if it.get("summary") is not None:
            out.append("<description>%s</description>"
                       % xml_escape(it["summary"]))
        if it.get("content") is not None:
            out.append("<content:encoded>%s</content:encoded>"
                       % xml_escape(it["content"]))
        if it.get("published") is not None:
            out.append("<pubDate>%s</pubDate>"
                       % email.utils.format_datetime(it["published"],
                                                     usegmt=True))
        if it.get("author"):
            out.append("<dc:creator>%s</dc:creator>" % xml_escape(it["author"]))
        for c in it.get("categories", ()):
            out.append("<category>%s</category>" % xml_escape(c))
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out) + "\n"


def atom(items, title="Test Atom feed", link="http://news.example.org/",
         feed_id="urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6"):
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom">',
           "<title>%s</title>" % xml_escape(title),
           '<link href="%s"/>' % xml_escape(link, {'"': "&quot;"}),
           "<id>%s</id>" % xml_escape(feed_id),
           "<updated>%s</updated>" % rfc3339(FIXED_DATE)]
    for it in items:
        out.append("<entry>")
        out.append("<title>%s</title>" % xml_escape(it["title"]))
        if it.get("link"):
            out.append('<link rel="alternate" href="%s"/>'
                       % xml_escape(it["link"], {'"': "&quot;"}))
        out.append("<id>%s</id>" % xml_escape(it.get("guid") or it["link"]))
        if it.get("published") is not None:
            out.append("<published>%s</published>" % rfc3339(it["published"]))
            out.append("<updated>%s</updated>" % rfc3339(it["published"]))
        if it.get("author"):
            out.append("<author><name>%s</name></author>"
                       % xml_escape(it["author"]))
        if it.get("summary") is not None:
            out.append('<summary type="html">%s</summary>'
                       % xml_escape(it["summary"]))
        if it.get("content") is not None:
            out.append('<content type="html">%s</content>'
                       % xml_escape(it["content"]))
        for c in it.get("categories", ()):
            out.append('<category term="%s"/>'
                       % xml_escape(c, {'"': "&quot;"}))
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out) + "\n"


def rss1(items, title="Test RDF feed", link="http://news.example.org/",
         description="An RSS 1.0 test feed"):
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
           ' xmlns="http://purl.org/rss/1.0/"'
           ' xmlns:dc="http://purl.org/dc/elements/1.1/">',
           '<channel rdf:about="%s">' % xml_escape(link),
           "<title>%s</title>" % xml_escape(title),
           "<link>%s</link>" % xml_escape(link),
           "<description>%s</description>" % xml_escape(description),
           "<items><rdf:Seq>"]
    for it in items:
        out.append('<rdf:li rdf:resource="%s"/>' % xml_escape(it["link"]))
    out.append("</rdf:Seq></items></channel>")
    for it in items:
        out.append('<item rdf:about="%s">' % xml_escape(it["link"]))
        out.append("<title>%s</title>" % xml_escape(it["title"]))
        out.append("<link>%s</link>" % xml_escape(it["link"]))
        if it.get("summary") is not None:
            out.append("<description>%s</description>"
                       % xml_escape(it["summary"]))
        if it.get("published") is not None:
            out.append("<dc:date>%s</dc:date>" % rfc3339(it["published"]))
        if it.get("author"):
            out.append("<dc:creator>%s</dc:creator>" % xml_escape(it["author"]))
        out.append("</item>")
    out.append("</rdf:RDF>")
    return "\n".join(out) + "\n"


def seed_item():
    """The seed article as an RSS item: title = its first line,
    description = the rest."""
    with open(os.path.join(FIXTURES, "seed-article.txt"),
              encoding="utf-8") as f:
        text = f.read()
    first, _, rest = text.partition("\n")
    return item(first.strip(), link="http://news.example.org/2022-01-21/latvia",
                summary=rest.strip(), author="Lee Berthiaume")


# ---------------------------------------------------------------- FeedServer
# Behaviours: what the server does for one path.

def _body_bytes(body):
    return body.encode("utf-8") if isinstance(body, str) else body


class Feed:
    """A feed; with validators (ETag, Last-Modified) it answers 304 to a
    matching If-None-Match / If-Modified-Since.  gzip/deflate: the body is
    sent so encoded (whatever the request offered; tests check the offer)."""

    def __init__(self, body, etag=True, last_modified=True, gzip=False,
                 deflate=False, content_type="application/rss+xml; charset=utf-8",
                 headers=None):
        self.body = _body_bytes(body)
        self.etag = ('"%s"' % hashlib.sha1(self.body).hexdigest()[:20]
                     if etag else None)
        self.use_last_modified = last_modified
        self.mtime = None          # set by FeedServer.set()
        self.gzip = gzip
        self.deflate = deflate
        self.content_type = content_type
        self.headers = headers or {}


class NoValidators(Feed):
    def __init__(self, body, **kw):
        super().__init__(body, etag=False, last_modified=False, **kw)


class Redirect:
    """code to location; a location starting with "/" is made absolute on
    this server."""

    def __init__(self, code, location):
        self.code = code
        self.location = location


class Status:
    """An error status, optionally with Retry-After (seconds, or an HTTP
    date when given as a string that is not all digits)."""

    def __init__(self, code, retry_after=None, body=b"", headers=None):
        self.code = code
        self.retry_after = retry_after
        self.body = _body_bytes(body)
        self.headers = headers or {}


class Hang:
    """Accept the request, then never answer (until the server stops)."""


class Drip:
    """The body in `chunks` pieces, `delay` seconds apart (Content-Length
    sent)."""

    def __init__(self, body, chunks=10, delay=0.1):
        self.body = _body_bytes(body)
        self.chunks = chunks
        self.delay = delay


class Reset:
    """Announce the whole body, send `after` bytes, then reset the
    connection (RST)."""

    def __init__(self, body, after=None):
        self.body = _body_bytes(body)
        self.after = len(self.body) // 2 if after is None else after


class Huge:
    """A well-formed-looking RSS body of `size` bytes (Content-Length), or
    endless with chunked transfer encoding (size=None)."""

    def __init__(self, size=None, first_items=()):
        self.size = size
        self.first_items = list(first_items)


class Raw:
    """Exactly these bytes with this Content-Type (e.g. an ill-formed feed)."""

    def __init__(self, body, content_type="application/rss+xml"):
        self.body = _body_bytes(body)
        self.content_type = content_type


class Request:
    def __init__(self, method, path, headers, start):
        self.method = method
        self.path = path
        self.headers = headers      # dict, lower-case names
        self.start = start          # time.monotonic()
        self.end = None
        self.status = None
        self.bytes_sent = 0
        self.error = None           # str when the client went away

    def __repr__(self):
        return "<%s %s -> %s>" % (self.method, self.path, self.status)


class _ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        # A client that went away (a killed daemon) is no news.
        if isinstance(sys.exc_info()[1], (ConnectionError, socket.timeout)):
            return
        super().handle_error(request, client_address)


class FeedServer:
    """Threaded HTTP/1.1 server on 127.0.0.1:port (port 0 = any free port)
    serving self.routes (path -> behaviour); every request is recorded."""

    def __init__(self, port=0, keepalive=True):
        self.routes = {}
        self.connections = 0
        self.log = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._mtime = int(time.time()) - 3600
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "nwtest-feeds"

            def setup(self):
                super().setup()
                with owner.lock:
                    owner.connections += 1

            def log_message(self, *a):
                pass

            def do_GET(self):
                if not keepalive:
                    self.close_connection = True
                owner._handle(self)

            def do_HEAD(self):
                owner._handle(self)

        self.httpd = _ThreadingServer((LOOPBACK, port), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    # -- configuration
    def url(self, path):
        return "http://%s:%d%s" % (LOOPBACK, self.port, path)

    def set(self, path, behaviour):
        with self.lock:
            if isinstance(behaviour, Feed):
                self._mtime = max(self._mtime + 1, int(time.time()) - 3600)
                behaviour.mtime = self._mtime
            self.routes[path] = behaviour
        return self.url(path)

    def stop(self):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- what the server saw
    def requests(self, path=None):
        with self.lock:
            return [r for r in self.log if path is None or r.path == path]

    def count(self, path=None):
        return len(self.requests(path))

    def wait_requests(self, path, n, timeout=20):
        return wait_until(lambda: self.count(path) >= n, timeout,
                          "%d request(s) for %s" % (n, path))

    # -- serving
    def _handle(self, h):
        headers = {k.lower(): v for k, v in h.headers.items()}
        path = h.path.split("?", 1)[0]
        rec = Request(h.command, h.path, headers, time.monotonic())
        with self.lock:
            self.log.append(rec)
            b = self.routes.get(path)
        try:
            self._serve(h, rec, b)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError,
                socket.timeout, OSError) as e:
            rec.error = "%s: %s" % (type(e).__name__, e)
            h.close_connection = True
        if rec.end is None:
            rec.end = time.monotonic()

    def _send(self, h, rec, data):
        h.wfile.write(data)
        h.wfile.flush()
        rec.bytes_sent += len(data)

    def _simple(self, h, rec, code, body=b"", ctype="text/plain",
                headers=None):
        rec.status = code
        h.send_response(code)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        if code != 304:
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        rec.end = time.monotonic()
        if body and h.command != "HEAD" and code != 304:
            self._send(h, rec, body)

    def _serve(self, h, rec, b):
        if b is None:
            return self._simple(h, rec, 404, b"not found\n")
        if isinstance(b, Feed):
            return self._serve_feed(h, rec, b)
        if isinstance(b, Redirect):
            loc = b.location
            if loc.startswith("/"):
                loc = self.url(loc)
            return self._simple(h, rec, b.code, b"moved\n",
                                headers={"Location": loc})
        if isinstance(b, Status):
            hd = dict(b.headers)
            if b.retry_after is not None:
                hd["Retry-After"] = str(b.retry_after)
            return self._simple(h, rec, b.code, b.body, headers=hd)
        if isinstance(b, Raw):
            return self._simple(h, rec, 200, b.body, ctype=b.content_type)
        if isinstance(b, Hang):
            rec.status = "hang"
            h.close_connection = True
            self.stopping.wait(300)
            return
        if isinstance(b, Drip):
            rec.status = 200
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.send_header("Content-Length", str(len(b.body)))
            h.end_headers()
            h.wfile.flush()
            n = max(1, b.chunks)
            step = (len(b.body) + n - 1) // n
            pieces = [b.body[i:i + step] for i in range(0, len(b.body), step)]
            for i, p in enumerate(pieces):
                time.sleep(b.delay)
                if i == len(pieces) - 1:
                    # Recorded before the last byte leaves: the client can
                    # start another request only after this instant.
                    rec.end = time.monotonic()
                self._send(h, rec, p)
            return
        if isinstance(b, Reset):
            rec.status = 200
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.send_header("Content-Length", str(len(b.body)))
            h.end_headers()
            self._send(h, rec, b.body[:b.after])
            time.sleep(0.1)
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                    struct.pack("ii", 1, 0))
            h.close_connection = True
            rec.error = "reset by server"
            rec.end = time.monotonic()
            try:
                h.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            h.connection.close()
            return
        if isinstance(b, Huge):
            return self._serve_huge(h, rec, b)
        raise RuntimeError("unknown behaviour %r" % (b,))

    def _serve_feed(self, h, rec, f):
        hd = dict(f.headers)
        if f.etag:
            hd["ETag"] = f.etag
        if f.use_last_modified:
            hd["Last-Modified"] = http_date(f.mtime)
        inm = h.headers.get("If-None-Match")
        ims = h.headers.get("If-Modified-Since")
        if inm is not None and f.etag:
            tags = [x.strip() for x in inm.split(",")]
            if f.etag in tags or "*" in tags or ("W/" + f.etag) in tags:
                return self._simple(h, rec, 304, headers=hd)
        elif ims is not None and f.use_last_modified:
            try:
                t = email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                t = None
            if t is not None and t >= f.mtime:
                return self._simple(h, rec, 304, headers=hd)
        body = f.body
        if f.gzip:
            body = gzip_module.compress(body)
            hd["Content-Encoding"] = "gzip"
        elif f.deflate:
            body = zlib.compress(body)
            hd["Content-Encoding"] = "deflate"
        return self._simple(h, rec, 200, body, ctype=f.content_type,
                            headers=hd)

    def _serve_huge(self, h, rec, b):
        head = rss2(b.first_items).encode()
        head = head[:head.rindex(b"</channel>")]
        filler = (b"<item><title>filler</title><description>" + b"x" * 900 +
                  b"</description></item>\n")
        rec.status = 200
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        if b.size is None:
            h.send_header("Transfer-Encoding", "chunked")
        else:
            h.send_header("Content-Length", str(b.size))
        h.end_headers()
        h.close_connection = True
        if b.size is None:
            chunk = head + filler * 64
            while not self.stopping.is_set():
                data = b"%x\r\n%s\r\n" % (len(chunk), chunk)
                self._send(h, rec, data)
                chunk = filler * 64
            return
        sent = 0
        self._send(h, rec, head)
        sent = len(head)
        block = filler * 64
        while sent < b.size and not self.stopping.is_set():
            part = block[:b.size - sent]
            self._send(h, rec, part)
            sent += len(part)


# ---------------------------------------------------------------- webhooks

def make_secret():
    return "whsec_" + base64.b64encode(os.urandom(24)).decode()


def verify_signature(secret, headers, body):
    """Standard Webhooks check; returns None when valid, else a reason."""
    if not secret.startswith("whsec_"):
        return "bad test secret"
    key = base64.b64decode(secret[len("whsec_"):])
    mid = headers.get("webhook-id")
    ts = headers.get("webhook-timestamp")
    sig = headers.get("webhook-signature")
    if mid is None or ts is None or sig is None:
        return "missing webhook-id/-timestamp/-signature header"
    msg = mid.encode() + b"." + ts.encode() + b"." + body
    want = base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()
    for part in sig.split():
        version, _, value = part.partition(",")
        if version == "v1" and hmac.compare_digest(value, want):
            return None
    return "signature %r does not match v1,%s" % (sig, want)


class Post:
    def __init__(self, path, headers, body, t, status):
        self.path = path
        self.headers = headers      # dict, lower-case names
        self.body = body
        self.time = t               # time.time()
        self.status = status        # what the receiver answered
        self.sig_error = None       # None: valid, or no secret configured

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def id(self):
        return self.headers.get("webhook-id")

    def __repr__(self):
        return "<POST %s id=%s -> %s>" % (self.path, self.id, self.status)


class WebhookReceiver:
    """Threaded HTTP server on 127.0.0.1 recording every POST.  respond()
    sets what it answers; verify() checks signatures with `secret`."""

    def __init__(self, secret=None, port=0):
        self.secret = secret
        self.posts = []
        self.lock = threading.Lock()
        self.status = 200
        self.retry_after = None
        self.fail_left = 0
        self.fail_status = 503
        self.delay = 0.0
        self.fail_ratio = 0.0
        self.rng = None
        self.down = False
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "nwtest-webhook"

            def log_message(self, *a):
                pass

            def do_POST(self):
                owner._handle(self)

            def do_GET(self):
                self.send_response(405)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = _ThreadingServer((LOOPBACK, port), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def url(self, path="/hook"):
        return "http://%s:%d%s" % (LOOPBACK, self.port, path)

    def respond(self, status=200, retry_after=None, fail_times=0,
                fail_status=503, delay=0.0, fail_ratio=0.0, seed=None):
        """status: the answer; fail_times: answer fail_status (with
        retry_after) this many times first, then status; fail_ratio: then
        answer fail_status to that fraction of requests, at random (a
        random.Random(seed) draws them)."""
        import random
        with self.lock:
            self.status = status
            self.retry_after = retry_after
            self.fail_left = fail_times
            self.fail_status = fail_status
            self.delay = delay
            self.fail_ratio = fail_ratio
            self.rng = random.Random(seed) if fail_ratio else None

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handle(self, h):
        n = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(n) if n else b""
        if h.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self._read_chunked(h)
        headers = {k.lower(): v for k, v in h.headers.items()}
        with self.lock:
            if self.fail_left > 0:
                self.fail_left -= 1
                code = self.fail_status
            elif self.rng is not None and self.rng.random() < self.fail_ratio:
                code = self.fail_status
            else:
                code = self.status
            retry_after = self.retry_after
            delay = self.delay
        if delay:
            time.sleep(delay)
        p = Post(h.path, headers, body, time.time(), code)
        if self.secret:
            p.sig_error = verify_signature(self.secret, headers, body)
        with self.lock:
            self.posts.append(p)
        try:
            h.send_response(code)
            if retry_after is not None and code >= 300:
                h.send_header("Retry-After", str(retry_after))
            h.send_header("Content-Type", "text/plain")
            h.send_header("Content-Length", "3")
            h.end_headers()
            h.wfile.write(b"ok\n")
            h.wfile.flush()
        except OSError:
            h.close_connection = True

    @staticmethod
    def _read_chunked(h):
        out = b""
        while True:
            size = int(h.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                h.rfile.readline()
                return out
            out += h.rfile.read(size)
            h.rfile.readline()

    def all(self, path=None):
        with self.lock:
            return [p for p in self.posts if path is None or p.path == path]

    def accepted(self, path=None):
        return [p for p in self.all(path) if 200 <= p.status < 300]

    def wait_posts(self, n, timeout=20, path=None, accepted=False):
        f = self.accepted if accepted else self.all
        wait_until(lambda: len(f(path)) >= n, timeout,
                   "%d webhook POST(s)%s" % (n, " accepted" if accepted else ""))
        return f(path)


def check_alert_json(a, where="alert"):
    """The contract's shape of an alert object."""
    check(isinstance(a, dict), "%s is not a JSON object: %r" % (where, a))
    for k in ("type", "id", "watchlist", "matched", "feed", "item",
              "detected_at"):
        check(k in a, "%s lacks key %r: %r" % (where, k, a))
    eq(a["type"], "newswatch.alert", where + ".type")
    check(isinstance(a["id"], str) and a["id"], where + ".id is not a string")
    check(isinstance(a["watchlist"], str), where + ".watchlist not a string")
    check(isinstance(a["matched"], list) and
          all(isinstance(w, str) for w in a["matched"]) and a["matched"],
          "%s.matched is not a non-empty list of strings: %r"
          % (where, a["matched"]))
    check(isinstance(a["feed"], dict), where + ".feed is not an object")
    for k in ("name", "url"):
        check(k in a["feed"], "%s.feed lacks %r: %r" % (where, k, a["feed"]))
    check(isinstance(a["item"], dict), where + ".item is not an object")
    for k in ("id", "title", "link", "published", "author", "summary"):
        check(k in a["item"], "%s.item lacks %r: %r" % (where, k, a["item"]))
    s = a["item"]["summary"]
    check(s is None or (isinstance(s, str) and len(s) <= 1000),
          "%s.item.summary longer than 1000 characters (%d)"
          % (where, len(s or "")))
    check(isinstance(a["detected_at"], str) and
          re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z",
                       a["detected_at"]),
          "%s.detected_at is not RFC 3339 UTC: %r" % (where, a["detected_at"]))
    p = a["item"]["published"]
    check(p is None or re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", p),
        "%s.item.published is not RFC 3339 UTC or null: %r" % (where, p))


def parse_alert_lines(text, what="stdout"):
    """Every non-empty line must be one JSON alert."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            a = json.loads(line)
        except ValueError as e:
            raise Fail("%s line %d is not JSON (%s): %r" % (what, n, e, line))
        check_alert_json(a, "%s line %d" % (what, n))
        out.append(a)
    return out


def norm_ws(s):
    return " ".join((s or "").split())


# ---------------------------------------------------------------- syslog

SYSLOG_WRAPPER = r'''#!/bin/sh
# Runs "$@" with a private /dev whose "log" is the test's syslog socket.
# Meant to be run as: unshare -m --propagation private sh THIS DEVDIR SOCK CMD...
set -e
devdir=$1; sock=$2; shift 2
for n in null zero urandom random full tty; do
	[ -e "/dev/$n" ] || continue
	: > "$devdir/$n"
	mount --bind "/dev/$n" "$devdir/$n"
done
: > "$devdir/log"
mount --bind "$sock" "$devdir/log"
ln -sfn /proc/self/fd "$devdir/fd"
ln -sfn /proc/self/fd/0 "$devdir/stdin"
ln -sfn /proc/self/fd/1 "$devdir/stdout"
ln -sfn /proc/self/fd/2 "$devdir/stderr"
mount --rbind "$devdir" /dev
exec "$@"
'''

SYSLOG_RE = re.compile(
    r"^<(\d+)>(?:\w{3} [ \d]\d \d\d:\d\d:\d\d )?([^\s\[:]+)(?:\[(\d+)\])?: ?(.*)$",
    re.S)


class SyslogLine:
    def __init__(self, raw):
        self.raw = raw
        m = SYSLOG_RE.match(raw)
        if m:
            self.pri = int(m.group(1))
            self.ident = m.group(2)
            self.pid = int(m.group(3)) if m.group(3) else None
            self.msg = m.group(4).rstrip("\n")
        else:
            self.pri, self.ident, self.pid, self.msg = None, None, None, raw

    @property
    def facility(self):
        return None if self.pri is None else self.pri >> 3

    @property
    def severity(self):
        return None if self.pri is None else self.pri & 7

    def __repr__(self):
        return repr(self.raw)


class SyslogSocket:
    """A unix datagram socket at DIR/log collecting syslog lines; wrap()
    makes an argv that runs a command with this socket as /dev/log."""

    def __init__(self, directory):
        self.dir = directory
        self.path = os.path.join(directory, "syslog.sock")
        self.devdir = os.path.join(directory, "dev")
        os.makedirs(self.devdir, exist_ok=True)
        self.script = os.path.join(directory, "syslog-wrapper.sh")
        with open(self.script, "w") as f:
            f.write(SYSLOG_WRAPPER)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        os.chmod(self.path, 0o666)
        self.sock.settimeout(0.1)
        self.lines = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while not self.stopping.is_set():
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.lines.append(SyslogLine(data.decode("utf-8", "replace")))

    def stop(self):
        self.stopping.set()
        self.thread.join(2)
        self.sock.close()

    def all(self):
        with self.lock:
            return list(self.lines)

    def wrap(self, argv):
        return ["unshare", "-m", "--propagation", "private", "sh",
                self.script, self.devdir, self.path] + list(argv)

    def check_wrapper(self):
        """Fail clearly if the private-/dev trick is not permitted here."""
        if shutil.which("unshare") is None:
            raise Fail("syslog tests need unshare(1) (util-linux): not found")
        try:
            r = subprocess.run(self.wrap(["sh", "-c", "test -S /dev/log"]),
                               capture_output=True, text=True, timeout=20)
        except subprocess.TimeoutExpired:
            raise Fail("syslog wrapper (unshare -m) timed out")
        if r.returncode != 0:
            raise Fail("cannot give the daemon a private /dev/log: "
                       "`unshare -m` + bind mounts not permitted here "
                       "(need root / CAP_SYS_ADMIN): exit %d: %s"
                       % (r.returncode, r.stderr.strip()[-300:]))


# ---------------------------------------------------------------- daemon

class Daemon:
    """newswatchd in run mode (Popen); stdout/stderr go to files."""

    def __init__(self, t, argv):
        self.t = t
        self.argv = argv
        t._ndaemon += 1
        base = os.path.join(t.dir, "daemon%d" % t._ndaemon)
        self.out_path = base + ".stdout"
        self.err_path = base + ".stderr"
        self._out = open(self.out_path, "wb")
        self._err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(argv, cwd=REPO_ROOT, env=clean_env(),
                                     stdin=subprocess.DEVNULL,
                                     stdout=self._out, stderr=self._err)
        self.pid = self.proc.pid
        self.rc = None
        t._daemons.append(self)

    def stdout(self):
        with open(self.out_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stderr(self):
        with open(self.err_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def alive(self):
        return self.proc.poll() is None

    def signal(self, sig):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def check_alive(self, what=""):
        rc = self.proc.poll()
        if rc is not None:
            raise Fail("daemon exited (status %s)%s" % (rc, what))

    def stop(self, timeout=5):
        """SIGTERM; it must exit 0 within timeout seconds."""
        rc = self.proc.poll()
        if rc is not None:
            self._close()
            raise Fail("daemon had already exited with status %s before "
                       "SIGTERM" % rc)
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout * TIMEOUT_SCALE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self._close()
            raise Fail("daemon did not exit within %gs of SIGTERM" % timeout)
        self._close()
        self.rc = rc
        if rc != 0:
            raise Fail("daemon exited with status %s after SIGTERM, want 0"
                       % rc)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.rc = self.proc.wait()
        self._close()

    def _close(self):
        for f in (self._out, self._err):
            if not f.closed:
                f.close()


class Result:
    def __init__(self, argv, rc, out, err):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err

    def __iter__(self):
        return iter((self.rc, self.out, self.err))


class TestContext:
    """Per-test state: a temp dir, servers and daemons to clean up, and a
    record of every run for the failure report."""

    def __init__(self, name):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="nwtest-%s-" % name)
        self.state = os.path.join(self.dir, "state")
        os.makedirs(self.state)
        self._cleanup = []
        self._daemons = []
        self._ndaemon = 0
        self._nconf = 0
        self.runs = []

    # -- servers
    def feed_server(self):
        s = FeedServer()
        self._cleanup.append(s.stop)
        return s

    def webhook(self, secret=None, port=0):
        r = WebhookReceiver(secret, port=port)
        self._cleanup.append(r.stop)
        return r

    def syslog(self):
        s = SyslogSocket(self.dir)
        self._cleanup.append(s.stop)
        s.check_wrapper()
        return s

    # -- files
    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(_body_bytes(text))
        return p

    def config(self, feeds=None, watchlists=None, webhooks=None, daemon=None,
               extra="", name=None):
        """Writes an INI config; returns its path.

        feeds: {name: url or {"url":…, "interval":…}}
        watchlists: {name: {"match": str or [str], "exclude": …,
                            "feeds": "a b", "notify": "stdout ops"}}
        webhooks: {name: {"url":…, "format":…, "secret":…}}
        daemon: [daemon] keys over the defaults (state = this test's dir,
                timeout = 10s); a value of None drops the key."""
        d = {"state": self.state, "timeout": "10s", "interval": "15m"}
        d.update(daemon or {})
        lines = ["# written by nwtest for %s" % self.name, "[daemon]"]
        for k, v in d.items():
            if v is not None:
                lines.append("%s = %s" % (k, v))
        for fname, f in (feeds or {}).items():
            if isinstance(f, str):
                f = {"url": f}
            lines.append("")
            lines.append('[feed "%s"]' % fname)
            for k, v in f.items():
                lines.append("%s = %s" % (k, v))
        for wname, w in (watchlists or {}).items():
            lines.append("")
            lines.append('[watchlist "%s"]' % wname)
            for k, v in w.items():
                for one in ([v] if isinstance(v, str) else v):
                    lines.append("%s = %s" % (k, one))
        for hname, h in (webhooks or {}).items():
            lines.append("")
            lines.append('[webhook "%s"]' % hname)
            for k, v in h.items():
                lines.append("%s = %s" % (k, v))
        if extra:
            lines.append(extra)
        text = "\n".join(lines) + "\n"
        if name is None:
            self._nconf += 1
            name = "newswatch%d.conf" % self._nconf
        return self.write(name, text)

    # -- running the binary
    def run(self, args, timeout=60, syslog=None, input=None):
        b = binary()
        if not os.path.exists(b):
            raise Fail("binary %s does not exist (build it with make, or set "
                       "NEWSWATCHD)" % b)
        argv = valgrind_argv(self.dir, [b] + list(args))
        if syslog is not None:
            argv = syslog.wrap(argv)
        timeout = timeout * TIMEOUT_SCALE
        try:
            p = subprocess.run(argv, cwd=REPO_ROOT, env=clean_env(),
                               capture_output=True,
                               timeout=timeout, input=input)
        except subprocess.TimeoutExpired as e:
            res = Result(argv, None, (e.stdout or b"").decode("utf-8", "replace"),
                         (e.stderr or b"").decode("utf-8", "replace"))
            self.runs.append(res)
            raise Fail("%s did not finish within %ds"
                       % (" ".join(args), timeout))
        res = Result(argv, p.returncode, p.stdout.decode("utf-8", "replace"),
                     p.stderr.decode("utf-8", "replace"))
        self.runs.append(res)
        if p.returncode < 0:
            raise Fail("%s died of signal %d" % (" ".join(args), -p.returncode))
        if valgrind_on() and p.returncode == VALGRIND_RC:
            raise Fail("valgrind found errors in %s (see %s/valgrind.*.log)"
                       % (" ".join(args), self.dir))
        return res

    def run_once(self, cfg, dry_run=False, timeout=60, syslog=None, args=()):
        a = ["--once", "-c", cfg] + (["--dry-run"] if dry_run else []) + list(args)
        return self.run(a, timeout=timeout, syslog=syslog)

    def start_daemon(self, cfg, syslog=None, args=()):
        b = binary()
        if not os.path.exists(b):
            raise Fail("binary %s does not exist" % b)
        argv = valgrind_argv(self.dir, [b, "-c", cfg] + list(args))
        if syslog is not None:
            argv = syslog.wrap(argv)
        return Daemon(self, argv)

    # -- end
    def report(self):
        """Lines that show what the daemon said, for a failure."""
        out = []
        for r in self.runs[-4:]:
            out.append("run: %s -> %s" % (" ".join(r.argv[-6:]), r.rc))
            for label, text in (("stdout", r.out), ("stderr", r.err)):
                lines = text.splitlines()
                if len(lines) > 25:
                    lines = ["…(%d lines)" % (len(lines) - 25)] + lines[-25:]
                for ln in lines:
                    out.append("  %s| %s" % (label, ln[:300]))
        for d in self._daemons:
            out.append("daemon pid %d (status %s)" % (d.pid, d.proc.poll()))
            try:
                lines = d.stderr().splitlines()
            except OSError:
                lines = []
            if len(lines) > 30:
                lines = ["…(%d lines)" % (len(lines) - 30)] + lines[-30:]
            for ln in lines:
                out.append("  stderr| %s" % ln[:300])
        return out

    def close(self, keep=False):
        for d in self._daemons:
            try:
                d.kill()
            except Exception:
                pass
        for f in reversed(self._cleanup):
            try:
                f()
            except Exception:
                pass
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------- runner

def print_valgrind(reports):
    for path, text in reports:
        print("#   %s:" % os.path.basename(path))
        for ln in text.splitlines()[:200]:
            print("#     " + ln)


def save_valgrind_logs(test, reports):
    """Copies reports to $NWTEST_VALGRIND_LOGS (when set), for a summary."""
    dest = os.environ.get("NWTEST_VALGRIND_LOGS")
    if not dest:
        return
    os.makedirs(dest, exist_ok=True)
    for path, text in reports:
        name = "%s-%s-%s" % (os.path.basename(sys.argv[0]).rsplit(".", 1)[0],
                             test, os.path.basename(path))
        with open(os.path.join(dest, name), "w") as f:
            f.write(text)


def main(namespace):
    tests = [(n, f) for n, f in namespace.items()
             if n.startswith("test_") and callable(f)]
    tests.sort(key=lambda nf: nf[1].__code__.co_firstlineno)
    wanted = sys.argv[1:]
    if wanted:
        tests = [(n, f) for n, f in tests
                 if any(w in n for w in wanted)]
    keep = os.environ.get("NWTEST_KEEP") == "1"
    passed = failed = 0
    for name, f in tests:
        t = TestContext(name)
        started = time.monotonic()
        try:
            f(t)
        except Fail as e:
            failed += 1
            print("FAIL %s: %s" % (name, e), flush=True)
            for ln in t.report():
                print("#   " + ln)
            if valgrind_on():
                vg = valgrind_reports(t.dir)
                print_valgrind(vg)
                save_valgrind_logs(name, vg)
        except Exception as e:
            failed += 1
            print("FAIL %s: test error %s: %s" % (name, type(e).__name__, e),
                  flush=True)
            for ln in traceback.format_exc().splitlines():
                print("#   " + ln)
            for ln in t.report():
                print("#   " + ln)
        else:
            vg = valgrind_reports(t.dir) if valgrind_on() else []
            if vg:
                failed += 1
                print("FAIL %s: valgrind reported errors" % name, flush=True)
                print_valgrind(vg)
                save_valgrind_logs(name, vg)
            else:
                passed += 1
                print("ok %s" % name, flush=True)
        finally:
            t.close(keep=keep)
        if os.environ.get("NWTEST_TIMES") == "1":
            print("#   %s took %.1fs" % (name, time.monotonic() - started))
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed), flush=True)
    sys.exit(1 if failed else 0)
