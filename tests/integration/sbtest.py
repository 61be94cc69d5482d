"""Shared helpers of Seatbook's integration tests: run the real seatbook-server on a free port with
a temporary SQLite database, and talk to it with real WebSocket clients (python3-websockets 10.4,
asyncio API).

Deadlines in here only stop hangs; nothing asserts on speed."""

import asyncio
import itertools
import json
import os
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

import websockets

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.environ.get("SEATBOOK_SOURCE_ROOT") or os.path.dirname(os.path.dirname(HERE))
SERVER = os.environ.get("SEATBOOK_SERVER") or os.path.join(
    SOURCE_ROOT, "build", "server", "seatbook-server")
VENUE = os.path.join(SOURCE_ROOT, "data", "venues", "theatre.json")
EVENT = "opening-night"

# Generous: ASan builds start and run several times slower.
START_TIMEOUT = 60
REPLY_TIMEOUT = 30


class TestFailure(AssertionError):
    pass


def check(condition, message="check failed"):
    if not condition:
        raise TestFailure(message)


def venue_seat_ids(path=VENUE):
    with open(path) as f:
        venue = json.load(f)
    return [seat["id"] for section in venue["sections"] for row in section["rows"]
            for seat in row["seats"]]


def venue_free_seat_ids(path=VENUE):
    with open(path) as f:
        venue = json.load(f)
    return [seat["id"] for section in venue["sections"] for row in section["rows"]
            for seat in row["seats"] if not seat.get("blocked", False)]


def stacks(pid):
    """Every thread's stack of a hung process (gdb, when installed), for the failure message: a
    hang seen once in CI must say where it was."""
    try:
        result = subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "thread apply all bt"],
                                capture_output=True, text=True, timeout=60)
        return result.stdout[-12000:]
    except (OSError, subprocess.TimeoutExpired) as e:
        return "(no stacks: %s)" % e



def make_self_signed(directory, name="localhost"):
    """A fresh self-signed certificate and key (PEM) for 127.0.0.1 / localhost; returns their
    paths. Debian's openssl command line."""
    cert = os.path.join(directory, name + ".crt")
    key = os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-days", "2", "-subj", "/CN=" + name, "-keyout", key, "-out", cert,
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=START_TIMEOUT)
    return cert, key


def insecure_ssl_context():
    """Trusts any certificate: the tests' servers have fresh self-signed ones."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class Server:
    """One seatbook-server process on 127.0.0.1 and a free port, with its own database.
    tls=True: it serves wss:// and https with a fresh self-signed certificate (self.certificate,
    self.key)."""

    def __init__(self, tmpdir=None, db=None, tls=False):
        self._tmp = None
        if tmpdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="seatbook-it-")
            tmpdir = self._tmp.name
        self.tmpdir = tmpdir
        self.db = db or os.path.join(tmpdir, "seatbook.db")
        self.store = "sqlite:" + self.db
        self.port_file = os.path.join(tmpdir, "port")
        self.log_path = os.path.join(tmpdir, "server.log")
        self.proc = None
        self.port = None
        self._log = None
        self.accounts = set()
        self.tokens = {}  # username → a token of it, reused by the next connections
        self.certificate = self.key = None
        if tls:
            self.certificate, self.key = make_self_signed(tmpdir)

    # Accounts (protocol 2): one per role, named after it, with a password only tests use. They
    # are made with the CLI the first time a client of that role connects; later connections sign
    # in with the token of the first (sign-in happens once per connection, and Argon2id only once
    # per role and server).
    ROLES = ("viewer", "clerk", "manager", "admin")

    @staticmethod
    def password_of(username):
        return "sbtest-%s-password" % username

    def add_account(self, username, role=None, password=None):
        """Creates an account with `seatbook-server user add` (an existing one is kept)."""
        password = password or self.password_of(username)
        result = subprocess.run(
            [SERVER, "user", "add", username, "--role=" + (role or username),
             "--password-file=-", "--store=" + self.store],
            input=password + "\n", capture_output=True, text=True, timeout=START_TIMEOUT)
        if result.returncode != 0 and "exists already" not in result.stderr:
            raise TestFailure("user add %s failed (%d): %s" % (username, result.returncode,
                                                               result.stderr))
        self.accounts.add(username)
        return username, password

    def user_command(self, *args, check_status=True):
        """Runs `seatbook-server user ARGS… --store=…` (in another process than the server)."""
        return self.run_command("user", *args, "--store=" + self.store, check_status=check_status)

    def run_command(self, *args, check_status=True):
        proc = subprocess.Popen([SERVER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        try:
            stdout, stderr = proc.communicate(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            where = stacks(proc.pid)
            proc.kill()
            proc.communicate()
            raise TestFailure("%s did not end within %d s:\n%s" % (" ".join(args), START_TIMEOUT, where))
        result = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
        if check_status and result.returncode != 0:
            raise TestFailure("%s failed (%d): %s" % (" ".join(args), result.returncode, result.stderr))
        return result

    def create_event(self, event_id=EVENT, name="Opening night", venue=VENUE):
        self.run_command("create-event", "--store=" + self.store, "--venue=" + venue,
                         "--id=" + event_id, "--name=" + name,
                         "--starts-at=2030-11-27T19:30:00+01:00")

    def start(self, *args, env=None):
        """env: the server's whole environment (None: the test's own)."""
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self._log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [SERVER, "--listen=127.0.0.1", "--port=0", "--port-file=" + self.port_file,
             "--store=" + self.store, *self.tls_args(), *args],
            stdout=self._log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise TestFailure("server exited with %d at start:\n%s" % (self.proc.returncode, self.log()))
            try:
                with open(self.port_file) as f:
                    text = f.read()
                if text.endswith("\n"):
                    self.port = int(text)
                    break
            except FileNotFoundError:
                pass
            if time.monotonic() > deadline:
                where = stacks(self.proc.pid)
                self.kill()
                raise TestFailure("server did not start:\n%s\n%s" % (self.log(), where))
            time.sleep(0.02)
        return self

    def tls_args(self):
        if self.certificate is None:
            return []
        return ["--tls-certificate=" + self.certificate, "--tls-key=" + self.key]

    @property
    def url(self):
        return "%s://127.0.0.1:%d/ws" % ("wss" if self.certificate else "ws", self.port)

    def http_get(self, path):
        scheme = "https" if self.certificate else "http"
        context = insecure_ssl_context() if self.certificate else None
        with urllib.request.urlopen("%s://127.0.0.1:%d%s" % (scheme, self.port, path),
                                    timeout=REPLY_TIMEOUT, context=context) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()

    def metric(self, name):
        """Value of one sample line of /metrics, e.g. 'seatbook_connections'."""
        _, _, text = self.http_get("/metrics")
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
        return None

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout=START_TIMEOUT):
        """Stops the server and returns its exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                where = stacks(self.proc.pid)
                self.proc.kill()
                self.proc.wait()
                raise TestFailure("server did not stop after %s:\n%s\n%s" % (sig, self.log(), where))
        status = self.proc.returncode
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None
        return status

    def kill(self):
        return self.stop(signal.SIGKILL)

    def check_log_clean(self):
        """Sanitizer reports and criticals mean a bug even when every reply was right."""
        text = self.log()
        for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer",
                       "CRITICAL", "-CRITICAL **"):
            check(marker not in text, "server log has %r:\n%s" % (marker, text[-4000:]))

    def close(self):
        if self.proc is not None:
            self.kill()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is not None and self.proc is not None:
            sys.stderr.write("--- server log ---\n" + self.log()[-8000:] + "\n")
        self.close()

    # The database, read directly.
    def db_seat_states(self, event_id=EVENT):
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True)
        try:
            return {seat: (state, hold) for seat, state, hold in con.execute(
                "SELECT seat_id, state, hold_id FROM seat_states WHERE event_id = ?", (event_id,))}
        finally:
            con.close()

    def db_bookings(self, event_id=EVENT):
        """seat id -> (booking id, client id)"""
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True)
        try:
            return {seat: (booking, client) for seat, booking, client in con.execute(
                "SELECT s.seat_id, b.booking_id, b.client_id FROM booking_seats s"
                " JOIN bookings b USING (booking_id) WHERE s.event_id = ?", (event_id,))}
        finally:
            con.close()

    def db_version(self, event_id=EVENT):
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True)
        try:
            return con.execute("SELECT version FROM events WHERE event_id = ?", (event_id,)).fetchone()[0]
        finally:
            con.close()


class EventView:
    """A client's picture of one event, built from snapshot/replay and `changed` messages exactly as
    the protocol says, with the continuity checks a client must make."""

    def __init__(self, all_seats):
        self.all_seats = all_seats
        self.version = None
        self.seats = {}

    def load_snapshot(self, msg):
        self.version = msg["version"]
        self.seats = {seat: ("free", None) for seat in self.all_seats}
        for entry in msg["seats"]:
            self.seats[entry["id"]] = (entry["state"], entry.get("hold"))

    def apply_replay(self, msg):
        check(msg["from_version"] == self.version,
              "replay from %s but the view is at %s" % (msg["from_version"], self.version))
        expected = self.version + 1
        for change in msg["changes"]:
            check(change["version"] == expected, "replay skips to version %s" % change["version"])
            for entry in change["seats"]:
                self.seats[entry["id"]] = (entry["state"], entry.get("hold"))
            expected += 1
        check(msg["version"] == expected - 1, "replay's version does not match its changes")
        self.version = msg["version"]

    def apply_changed(self, msg):
        check(msg["from_version"] == self.version,
              "gap: changed from_version %s, view at %s" % (msg["from_version"], self.version))
        check(msg["version"] > msg["from_version"], "changed does not advance the version")
        for entry in msg["seats"]:
            self.seats[entry["id"]] = (entry["state"], entry.get("hold"))
        self.version = msg["version"]

    def non_free(self):
        return {seat: value for seat, value in self.seats.items() if value[0] != "free"}


class Client:
    """A WebSocket client with request/reply matching. Every message the server sends is recorded;
    `changed` messages are applied to the views of subscribed events."""

    _ids = itertools.count(1)

    def __init__(self, ws, client_id, views=None, reply_timeout=REPLY_TIMEOUT):
        self.ws = ws
        self.reply_timeout = reply_timeout
        self.error = None
        self.client_id = client_id
        self.waiters = {}
        self.replies = {}
        self.messages = []
        self.changed = []
        self.views = dict(views or {})
        self.all_seats = None
        self.closed_code = None
        self.reader = asyncio.get_event_loop().create_task(self._read())
        self.welcome = None

    @classmethod
    async def connect(cls, server, client_id=None, hello=True, views=None, name="sbtest",
                      reply_timeout=REPLY_TIMEOUT, sign_in=True, user="clerk", **kwargs):
        """server: a Server, or the ws:// URL of one. views: EventViews carried over from an
        earlier connection (to resume with since). name: the `client` of hello. reply_timeout:
        how long request() waits for a reply. sign_in: after hello, sign in once as user (an
        account named after its role, see Server.ROLES) when server is a Server."""
        kwargs.setdefault("max_size", 2 ** 24)
        kwargs.setdefault("ping_interval", None)
        kwargs.setdefault("open_timeout", REPLY_TIMEOUT)
        url = server if isinstance(server, str) else server.url
        if url.startswith("wss:"):
            kwargs.setdefault("ssl", insecure_ssl_context())
        ws = await websockets.connect(url, **kwargs)
        client = cls(ws, client_id or str(uuid.uuid4()), views, reply_timeout)
        client.signed_in = None
        if hello:
            client.welcome = await client.request("hello", client=name, client_id=client.client_id,
                                                  protocol=2)
            check(client.welcome["type"] == "welcome", "hello failed: %r" % client.welcome)
            if sign_in and isinstance(server, Server):
                await client.sign_in_as(server, user)
                # A desk's holds come with signed_in now; tests that resume read them here.
                client.welcome = dict(client.welcome, holds=client.signed_in["holds"])
        return client

    async def sign_in_as(self, server, username="clerk", password=None):
        """Signs in once: with the server's cached token of username when there is one, else with
        the password (creating the account named after its role the first time)."""
        token = server.tokens.get(username) if password is None else None
        if token is not None:
            reply = await self.request("sign_in", token=token)
            if reply["type"] == "signed_in":
                self.signed_in = reply
                return reply
            server.tokens.pop(username, None)
        if username not in server.accounts and password is None:
            server.add_account(username)
        reply = await self.request("sign_in", username=username,
                                   password=password or server.password_of(username))
        check(reply["type"] == "signed_in", "sign_in as %s failed: %r" % (username, reply))
        server.tokens[username] = reply["token"]
        self.signed_in = reply
        return reply

    def next_id(self):
        return "r%d" % next(self._ids)

    async def _read(self):
        try:
            async for text in self.ws:
                check(isinstance(text, str), "server sent a binary frame")
                msg = json.loads(text)
                self.messages.append(msg)
                if msg["type"] == "changed":
                    self.changed.append(msg)
                    view = self.views.get(msg["event"])
                    if view is not None:
                        view.apply_changed(msg)
                    continue
                re = msg.get("re")
                if msg["type"] == "snapshot":
                    view = EventView(self.all_seats or venue_seat_ids())
                    view.load_snapshot(msg)
                    self.views[msg["event"]["id"]] = view
                elif msg["type"] == "replay" and msg["event"] in self.views:
                    self.views[msg["event"]].apply_replay(msg)
                waiter = self.waiters.pop(re, None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(msg)
                else:
                    self.replies.setdefault(re, []).append(msg)
        except websockets.ConnectionClosed:
            pass
        except Exception as e:  # a failed check on what the server sent
            self.error = e
            await self.ws.close()
        finally:
            self.closed_code = self.ws.close_code
            for waiter in self.waiters.values():
                if not waiter.done():
                    waiter.set_exception(self.error or TestFailure(
                        "connection closed (%s) before the reply" % self.ws.close_code))

    async def send(self, type, id=None, **fields):
        """Sends a request without waiting; returns a future of its reply."""
        rid = id if id is not None else self.next_id()
        future = asyncio.get_event_loop().create_future()
        self.waiters[rid] = future
        await self.ws.send(json.dumps(dict(type=type, id=rid, **fields)))
        return future

    async def request(self, type, id=None, **fields):
        future = await self.send(type, id=id, **fields)
        return await asyncio.wait_for(future, self.reply_timeout)

    async def send_raw(self, data):
        await self.ws.send(data)

    async def wait_for(self, predicate, timeout=REPLY_TIMEOUT, what="message"):
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for msg in self.messages[seen:]:
                if predicate(msg):
                    return msg
            seen = len(self.messages)
            if self.reader.done():
                raise TestFailure("connection closed (%s) while waiting for %s" % (self.closed_code, what))
            if time.monotonic() > deadline:
                raise TestFailure("no %s within %s s" % (what, timeout))
            await asyncio.sleep(0.01)

    async def anonymous_reply(self, re=None, timeout=REPLY_TIMEOUT):
        """The next reply to a frame sent with send_raw (re None, or an id it had)."""
        deadline = time.monotonic() + timeout
        while not self.replies.get(re):
            if self.reader.done():
                raise TestFailure("connection closed while waiting for a reply")
            if time.monotonic() > deadline:
                raise TestFailure("no reply within %s s" % timeout)
            await asyncio.sleep(0.01)
        reply = self.replies[re].pop(0)
        if not self.replies[re]:
            del self.replies[re]
        return reply

    async def wait_version(self, event, version, timeout=REPLY_TIMEOUT):
        deadline = time.monotonic() + timeout
        while self.views[event].version < version:
            if self.reader.done():
                raise TestFailure("connection closed while waiting for version %d" % version)
            if time.monotonic() > deadline:
                raise TestFailure("view of %s stuck at %s, expected %s" % (event, self.views[event].version, version))
            await asyncio.sleep(0.01)

    async def wait_closed(self, timeout=REPLY_TIMEOUT):
        await asyncio.wait_for(asyncio.shield(self.reader), timeout)
        return self.ws.close_code

    def check_clean(self):
        """No failed check while reading, and no reply that nobody asked for (or a second one)."""
        if self.error is not None:
            raise self.error
        check(not self.replies, "unexpected or duplicate replies: %r" % list(self.replies.items())[:5])

    async def close(self):
        await self.ws.close()
        try:
            await asyncio.wait_for(self.reader, REPLY_TIMEOUT)
        except asyncio.TimeoutError:
            pass


async def close_clients(*clients):
    """Each client in turn: no failed check and no unexpected reply, then closed."""
    for client in clients:
        client.check_clean()
        await client.close()


async def finish(server, *clients):
    """The end of a test: the clients clean and closed, then a clean exit and a clean log."""
    await close_clients(*clients)
    check(server.stop() == 0, "server exit status")
    server.check_log_clean()


def run(coroutine_function):
    """Runs an async test main with an overall deadline; exits non-zero on failure."""
    try:
        asyncio.run(asyncio.wait_for(coroutine_function(), 300))
    except Exception:
        import traceback
        traceback.print_exc()
        sys.exit(1)
    print("ok")
