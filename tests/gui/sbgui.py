"""Shared helpers of the Seatbook GUI tests: a real seatbook-server with a temporary database,
app instances driven over AT-SPI with dogtail, and a plain WebSocket client for the server's view.

Follows docs/hacking.md ("GUI tests"): run under xvfb-run + dbus-run-session with Debian's
/usr/bin/python3, GDK_BACKEND=x11, GSETTINGS_BACKEND=memory (so each app instance has its own
settings, hence its own client id), AT-SPI actions instead of pointer clicks, polling with
deadlines, and searches along "Seat map" -> section -> "Row C" -> seat, never the whole tree."""

import os
import sys

# Set before pyatspi/dogtail connect to the accessibility bus.
for _name in ("AT_SPI_BUS_ADDRESS", "WAYLAND_DISPLAY", "GTK_A11Y"):
    os.environ.pop(_name, None)
os.environ["GDK_BACKEND"] = "x11"
# memory unless a test asks for another (test_sign_in searches a keyfile).
os.environ.setdefault("GSETTINGS_BACKEND", "memory")
os.environ["NO_AT_BRIDGE"] = "0"

import asyncio
import csv
import io
import json
import shutil
import hashlib
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import uuid

from dogtail.config import config

config.checkForA11y = False
config.actionDelay = 0.05
config.defaultDelay = 0.05
config.searchBackoffDuration = 0.1
config.searchCutoffCount = 10
config.childrenLimit = 10000
config.logDebugToFile = False
config.logDebugToStdOut = False

import pyatspi  # noqa: E402
from dogtail import tree  # noqa: E402
from gi.repository import GLib  # noqa: E402

# dogtail installs its own excepthook, which hides tracebacks.
sys.excepthook = sys.__excepthook__

import websockets  # noqa: E402

SERVER = os.environ.get("SEATBOOK_SERVER")
# The app on main does not sign in yet: its tests run the server with accounts=off (a transitional
# setting, docs/operations.md) until the app's sign-in page lands and flips this to "required".
ACCOUNTS = os.environ.get("SEATBOOK_GUI_ACCOUNTS", "off")
APP = os.environ.get("SEATBOOK_APP")
VENUES = os.environ.get("SEATBOOK_VENUES")
ARTIFACTS = os.environ.get("SEATBOOK_ARTIFACTS", os.path.join(tempfile.gettempdir(), "seatbook-gui-artifacts"))
EVENT_ID = "gala"
EVENT_NAME = "Gala Night"


class TestFailure(Exception):
    pass


HERE = os.path.dirname(os.path.abspath(__file__))
LSAN_SUPPRESSIONS = os.path.join(HERE, "lsan.supp")


def app_is_sanitized():
    """Whether the app under test was built with AddressSanitizer: gcc links libasan.so, clang
    links its runtime in statically; both name __asan_init."""
    try:
        with open(APP, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


def app_environment():
    """The environment an app instance runs in. In a sanitizer build, the app must report every
    leak of ours and nothing that GTK, fontconfig or GLib keep for the life of the process:
    lsan.supp names only those libraries and functions."""
    env = dict(os.environ)
    # Both sanitizer builds, gcc's (libasan.so) and clang's (static runtime): an earlier check
    # meant to spare the clang build looked for "libasan.so" in the binary, which clang's runtime
    # also contains, so CI has only ever run the clang GUI tests with the settings below.
    if not app_is_sanitized():
        return env
    # Whole stacks (fast_unwind_on_malloc=0): GTK's libraries have no frame pointers, and only a
    # whole stack tells GTK's own allocations from ours. The slow unwinder deadlocks in Mesa's
    # llvmpipe (its JIT registers unwind tables while holding libgcc's lock and then mallocs), so
    # a sanitized app renders with the cairo renderer and GDK does not even probe for GL.
    env["GSK_RENDERER"] = "cairo"
    env["GDK_DEBUG"] = "gl-disable"
    asan = env.get("ASAN_OPTIONS", "")
    for option in ("detect_leaks=1", "abort_on_error=1", "fast_unwind_on_malloc=0"):
        if option.split("=")[0] + "=" not in asan:
            asan = option if not asan else asan + ":" + option
    env["ASAN_OPTIONS"] = asan
    lsan = env.get("LSAN_OPTIONS", "")
    if "suppressions=" not in lsan:
        lsan = "suppressions=%s:print_suppressions=0%s" % (LSAN_SUPPRESSIONS, ":" + lsan if lsan else "")
    env["LSAN_OPTIONS"] = lsan
    ubsan = env.get("UBSAN_OPTIONS", "")
    if "halt_on_error=" not in ubsan:
        ubsan = "halt_on_error=1:print_stacktrace=1" + (":" + ubsan if ubsan else "")
    env["UBSAN_OPTIONS"] = ubsan
    return env


# Apps that did not end cleanly (a sanitizer report, a crash); run() fails the test for them.
exit_problems = []


def wait_for(what, predicate, timeout=15.0, interval=0.1):
    """Polls predicate until it returns a true value (returned); fails after timeout seconds.
    The deadline only stops a hang; nothing is asserted about speed."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as error:  # AT-SPI nodes come and go while the UI changes
            last_error = error
        if time.monotonic() > deadline:
            raise TestFailure("timed out after %.1f s waiting for %s%s" % (
                timeout, what, " (last error: %r)" % last_error if last_error else ""))
        time.sleep(interval)


def screenshot(name, box=None):
    """The screen, or the part of it in box (x, y, width, height), as ARTIFACTS/NAME.png."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, name + ".png")
    crop = []
    if box is not None:
        x, y, w, h = box
        crop = ["-crop", "%dx%d+%d+%d" % (w, h, x, y), "+repage"]
    subprocess.run(["import", "-window", "root"] + crop + [path], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print("screenshot:", path)
    return path


# The screenshots README.md and docs/ show are refreshed from the tests only when asked, so that a
# test run (CI's) never changes the source tree.
def docs_screenshot(name, pointer):
    """A screenshot of pointer's app window alone, as the artifact NAME; with
    SEATBOOK_UPDATE_SCREENSHOTS=1 also as docs/screenshots/NAME.png."""
    path = screenshot(name, pointer.screen_box(pointer.app.frame))
    if os.environ.get("SEATBOOK_UPDATE_SCREENSHOTS") == "1":
        source = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__)))), "docs", "screenshots")
        os.makedirs(source, exist_ok=True)
        shutil.copyfile(path, os.path.join(source, name + ".png"))
        print("docs screenshot:", os.path.join(source, name + ".png"))
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """seatbook-server on a temporary SQLite database holding the events given as
    (id, name, venue file) triples; by default one event from theatre.json."""

    def __init__(self, events=((EVENT_ID, EVENT_NAME, "theatre.json"),), tls=False,
                 accounts=None):
        """events: (id, name, venue file[, create-event option...]). tls: serve wss:// with a fresh self-signed certificate (new_certificate () for
        another). accounts: the server's `accounts` setting, "required" or "off" (ACCOUNTS by
        default)."""
        if not SERVER or not os.path.exists(SERVER):
            raise TestFailure("SEATBOOK_SERVER is not set to the built seatbook-server")
        self.dir = tempfile.mkdtemp(prefix="seatbook-gui-")
        self.tls = tls
        self.accounts = accounts or ACCOUNTS
        self.generation = 0
        if tls:
            self.new_certificate()
        self.store = "sqlite:" + os.path.join(self.dir, "seatbook.db")
        self.port = None
        self.process = None
        # An event may carry more create-event options after its venue ("--orphan-rule=warn").
        for event_id, name, venue, *options in events:
            subprocess.run([SERVER, "create-event", "--store=" + self.store,
                            "--venue=" + os.path.join(VENUES, venue),
                            "--id=" + event_id, "--name=" + name] + list(options),
                           check=True, stdout=subprocess.DEVNULL)
        # Staff accounts made with the CLI, for the app's sign-in page: self.credentials maps a
        # role ("admin", "clerk") to (username, password).
        self.credentials = {}
        for role in ("admin", "clerk"):
            self.credentials[role] = (role, self.add_account(role, role))

    def add_account(self, username, role, password=None):
        """Makes an account with `seatbook-server user add`; returns its password."""
        password = password or "gui-%s-%s" % (username, uuid.uuid4().hex[:12])
        subprocess.run([SERVER, "user", "add", username, "--role=" + role, "--password-file=-",
                        "--store=" + self.store],
                       input=password + "\n", text=True, check=True, stdout=subprocess.DEVNULL)
        return password

    def audit(self, event=EVENT_ID):
        """The event's audit trail as `seatbook-server audit --format=csv` lists it: one dict per
        entry (at, account, desk, action, seats, hold, booking, detail), oldest first."""
        proc = subprocess.run([SERVER, "audit", "--event=" + event, "--format=csv",
                               "--store=" + self.store],
                              capture_output=True, text=True, check=True, timeout=30)
        return list(csv.DictReader(io.StringIO(proc.stdout)))

    def start(self):
        port_file = os.path.join(self.dir, "port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        # The first start takes any free port; a restart must come back on the same one, since
        # that is the address the apps keep retrying.
        port = self.port if self.port is not None else 0
        self.log = open(os.path.join(self.dir, "server.log"), "a")
        tls_args = ["--tls-certificate", self.certificate, "--tls-key", self.key] if self.tls else []
        self.process = subprocess.Popen([SERVER, "--listen", "127.0.0.1", "--port", str(port),
                                         "--port-file", port_file, "--store", self.store,
                                         "--accounts", self.accounts] + tls_args,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        text = wait_for("the server's port file", lambda: open(port_file).read().strip()
                        if os.path.exists(port_file) else None, timeout=20)
        self.port = int(text)
        return self

    @property
    def url(self):
        return "%s://127.0.0.1:%d/ws" % ("wss" if self.tls else "ws", self.port)

    def new_certificate(self):
        """A fresh self-signed certificate and key (Debian's openssl), used from the next start;
        returns its SHA-256 fingerprint as the app shows it (AB:CD:...)."""
        self.generation += 1
        self.certificate = os.path.join(self.dir, "server-%d.crt" % self.generation)
        self.key = os.path.join(self.dir, "server-%d.key" % self.generation)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-keyout", self.key, "-out", self.certificate],
                       check=True, capture_output=True, timeout=30)
        with open(self.certificate) as f:
            der = ssl.PEM_cert_to_DER_cert(f.read())
        return ":".join("%02X" % b for b in hashlib.sha256(der).digest())

    def _ssl(self):
        if not self.tls:
            return None
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context

    def kill(self):
        """Kills without a goodbye, as a crash or a cut cable would."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None
            self.log.close()

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
            self.log.close()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    # The server's own view, through the protocol.

    async def _session(self, requests, role):
        async with websockets.connect(self.url, max_size=None, ssl=self._ssl()) as ws:
            await ws.send(json.dumps({"type": "hello", "id": "h", "client": "seatbook gui test",
                                      "client_id": self.client_id, "protocol": 2}))
            if self.accounts == "required":
                username, password = self.credentials[role]
                await ws.send(json.dumps({"type": "sign_in", "id": "s", "username": username,
                                          "password": password}))
                # The sign-in is answered before anything after it may be sent.
                while json.loads(await asyncio.wait_for(ws.recv(), 20)).get("re") != "s":
                    pass
            replies = {}
            pending = set()
            for request in requests:
                await ws.send(json.dumps(request))
                pending.add(request["id"])
            while pending:
                message = json.loads(await asyncio.wait_for(ws.recv(), 20))
                if message.get("re") in pending:
                    replies[message["re"]] = message
                    pending.discard(message["re"])
            return replies

    client_id = str(uuid.uuid4())

    def request(self, *requests, role="clerk"):
        """Sends requests from one connection, signed in (with accounts) as the "clerk" or
        "admin" account; returns the replies by request id."""
        return asyncio.run(self._session(list(requests), role))

    def seat_states(self, event=EVENT_ID):
        """seat id -> state of every seat that is not free."""
        reply = self.request({"type": "subscribe", "id": "s", "event": event})["s"]
        if reply["type"] != "snapshot":
            raise TestFailure("expected a snapshot, got %r" % reply)
        return {seat["id"]: seat["state"] for seat in reply["seats"]}


class App:
    """One seatbook instance (its own process and settings, so its own client id)."""

    def __init__(self, label, server_url, *args, env=None):
        """env: variables to set on top of app_environment (), e.g. a colour scheme or a locale."""
        if not APP or not os.path.exists(APP):
            raise TestFailure("SEATBOOK_APP is not set to the built seatbook")
        self.label = label
        environment = app_environment()
        environment.update(env or {})
        self.process = subprocess.Popen([APP, "--new-instance", "--server", server_url] + list(args),
                                        stdout=sys.stdout, stderr=sys.stderr, env=environment)
        # A sanitized app unwinds whole stacks on every malloc (app_environment ()): on a loaded
        # machine it took 30 s to reach the bus. The deadline only stops a hang.
        self.node = wait_for("app %s on the accessibility bus" % label, self._find_app,
                             timeout=120 if app_is_sanitized() else 30)
        self.frame = wait_for("the main window of %s" % label,
                              lambda: next(c for c in self.node.children if c.roleName == "frame"))
        self._seat_map = None
        self._panel = None

    def _find_app(self):
        for app in tree.root.applications():
            try:
                if app.get_process_id() == self.process.pid:
                    return app
            except Exception:
                continue
        return None

    def quit(self):
        """Asks the app to quit (SIGTERM closes its windows) and records an unclean end: a
        sanitizer report makes the app exit non-zero. Generous deadline: under ASan, the leak
        check at exit takes seconds."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                exit_problems.append("app %s did not quit on SIGTERM" % self.label)
                return
        self.check_exit()

    def check_exit(self):
        code = self.process.returncode
        if code not in (0, None):
            exit_problems.append("app %s exited with status %d (see its output above)" % (self.label, code))

    def find(self, name=None, role=None, root=None, predicate=None):
        """Depth-first from root (the window by default)."""
        root = root if root is not None else self.frame

        def match(node):
            if name is not None and node.name != name:
                return False
            if role is not None and node.roleName != role:
                return False
            return predicate(node) if predicate else True
        return pyatspi.findDescendant(root, match)

    def open_event(self, name=EVENT_NAME):
        events = wait_for("the events list", lambda: self.find(name="Events", role="list"))
        row = wait_for("event %r in the list" % name,
                       lambda: next((c for c in events.children if c.name == name), None))
        try:
            events.querySelection().selectChild(row.getIndexInParent())
        except GLib.GError as error:
            # The app builds the map before it answers: a sanitizer build, leaving a map of
            # another event, can take longer than AT-SPI waits for the reply. The request was
            # delivered; what comes next is answered once it is done.
            if "Did not receive a reply" not in str(error):
                raise
        self._seat_map = wait_for("the seat map of %s" % self.label,
                                  lambda: self.find(name="Seat map"), timeout=20)
        return self._seat_map

    def seat(self, section, row, number):
        """Along the path Seat map -> section -> row -> seat."""
        section_node = next(c for c in self._seat_map.children if c.name == section)
        row_node = next(c for c in section_node.children if c.name == "Row %s" % row)
        return next(c for c in row_node.children if c.name == "Row %s seat %s" % (row, number))

    def all_seats(self):
        """(section name, seat node) for every seat, walking the groups."""
        for section in self._seat_map.children:
            for row in section.children:
                for seat in row.children:
                    yield section.name, seat

    @property
    def panel(self):
        if self._panel is None:
            self._panel = self.find(name="Your seats")
        return self._panel

    def button(self, name, root=None):
        """A push button by its exact accessible name: a screen reader reads that name, so
        "Hold Hold" or "_Hold" would be a bug."""
        return wait_for("button %r" % name, lambda: self.find(
            name=name, role="push button", root=root if root is not None else self.panel))

    def click(self, node):
        node.doActionNamed("click")

    def wait_seat(self, section, row, number):
        """The seat once the map shows it."""
        return wait_for("%s's Row %s seat %s" % (self.label, row, number),
                        lambda: self.seat(section, row, number))

    def choose(self, seat):
        """Clicks a seat and waits until it shows chosen (pressed)."""
        self.click(seat)
        wait_for("%s to choose %s" % (self.label, seat.name),
                 lambda: seat.getState().contains(pyatspi.STATE_PRESSED))

    def hold(self, seat):
        """Clicks Hold and waits until seat, one of the chosen, shows held by us."""
        self.click(self.button("Hold"))
        wait_for("%s to hold %s" % (self.label, seat.name),
                 lambda: seat_description(seat).startswith("Held by you"))

    # Keyboard. Without a window manager, X sends keys to the window under the pointer
    # (focus follows the pointer root), and the window is at the screen's top left.

    def focus_window(self):
        from dogtail import rawinput
        rawinput.absoluteMotion(400, 14)
        wait_for("the window to be active",
                 lambda: self.frame.getState().contains(pyatspi.STATE_ACTIVE))

    def press(self, key):
        from dogtail import rawinput
        rawinput.pressKey(key)

    def combo(self, keys):
        from dogtail import rawinput
        rawinput.keyCombo(keys)

    def focused_seat(self, timeout=5.0):
        """The seat that has the keyboard focus, or None when none has it before timeout."""
        def find():
            for section in self._seat_map.children:
                for row in section.children:
                    for seat in row.children:
                        if seat.getState().contains(pyatspi.STATE_FOCUSED):
                            return seat
            return None
        try:
            return wait_for("a focused seat", find, timeout=timeout)
        except TestFailure:
            return None

    def panel_message(self):
        """The last feedback message shown in the panel, or ''."""
        box = self.find(root=self.panel, name="Messages")
        if box is None or not box.getState().contains(pyatspi.STATE_VISIBLE):
            return ""
        return " ".join(c.name for c in box.children if c.roleName == "label")

    def status_banner(self):
        """The connection banner's text while it shows, else None."""
        banner = self.find(name="Connection status")
        if banner is None or not banner.getState().contains(pyatspi.STATE_VISIBLE):
            return None
        labels = pyatspi.findAllDescendants(banner, lambda n: n.roleName == "label")
        return " ".join(label.name for label in labels if label.name)

    def dialog_text(self):
        """Text of an open message dialog of this app, or None."""
        for window in self.node.children:
            if window is None or window.roleName not in ("dialog", "frame", "alert") or \
                    window.name == self.frame.name:
                continue
            labels = pyatspi.findAllDescendants(window, lambda n: n.roleName == "label")
            text = "\n".join(label.name for label in labels if label.name)
            if text:
                return window, text
        return None


def type_text(text):
    """Real key events (XTest) for each character."""
    from dogtail import rawinput
    rawinput.typeText(text)


def sign_in(app, username, password):
    """Through the sign-in page, with the keyboard, as a person would."""
    button = wait_for("the Sign In button of %s" % app.label,
                      lambda: app.find(name="Sign In", role="push button"), timeout=20)
    app.focus_window()
    type_text(username)
    app.press("Tab")
    type_text(password)
    app.click(button)


def enter_customer_name(app, pointer, name):
    """At the box office (a server with accounts) Book needs the customer's name: a real click
    into the field, then the name typed."""
    from dogtail import rawinput
    field = wait_for("the customer's name field", lambda: app.find(
        name="Customer name (required)", predicate=lambda n: n.roleName in ("text", "entry")))
    pointer.click_node(field)
    wait_for("the name field to have the focus",
             lambda: field.getState().contains(pyatspi.STATE_FOCUSED))
    rawinput.typeText(name)


def seat_description(node):
    return node.description or ""


class Session:
    """One test's server and app instances, as a `with` block. Left by an exception, it takes the
    screenshot NAME-failure first, while the apps still show what went wrong; however it is left,
    every app then quits (which records an unclean exit) and the server goes with its files."""

    def __init__(self, name, server):
        self.name = name
        self.server = server
        self.apps = []
        self._failure_hooks = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        try:
            if exc_type is not None and issubclass(exc_type, Exception):
                screenshot(self.name + "-failure")
                for hook in self._failure_hooks:
                    hook()
        finally:
            for app in self.apps:
                app.quit()
            self.server.cleanup()
        return False

    def app(self, label, *args, env=None):
        """A new app instance on the session's server; it quits when the session ends."""
        app = App(label, self.server.url, *args, env=env)
        self.apps.append(app)
        return app

    def desks(self, *labels):
        """An app instance per label, each then showing the event: all of them are on the bus
        before any opens it."""
        apps = [self.app(label) for label in labels]
        for app in apps:
            app.open_event()
        return apps

    def on_failure(self, hook):
        """hook() runs after the failure screenshot, before the apps quit: for more diagnostics."""
        self._failure_hooks.append(hook)


def run(test):
    """Runs test(); an exception makes the process exit non-zero, which fails the meson test."""
    test()
    if exit_problems:
        raise TestFailure("; ".join(exit_problems))
    print("PASS", os.path.splitext(os.path.basename(sys.argv[0]))[0])


def dump(node, depth=0):
    """Prints an accessibility subtree, to see what a failing test saw."""
    try:
        print("  " * depth, node.roleName, repr(node.name), node.getState().getStates())
        for child in node.children:
            dump(child, depth + 1)
    except Exception as error:
        print("  " * depth, "?", error)


class Pointer:
    """Real pointer and key events through the X server's XTest extension (python3-xlib), as a
    mouse would send them: unlike AT-SPI actions they go through GTK's picking and gestures.

    GTK 4 reports widget extents relative to its window only, so screen() adds where the window
    sits: without a window manager the X window is where GTK put it, and its frame (the AT-SPI
    frame's extents) is centred in it, inside the invisible resize borders."""

    def __init__(self, app):
        from Xlib import X, display
        from Xlib.ext import xtest
        self.X = X
        self.xtest = xtest
        self.display = display.Display()
        self.app = app
        self._origin = None

    def _window(self):
        root = self.display.screen().root
        pid_atom = self.display.intern_atom("_NET_WM_PID")
        for window in root.query_tree().children:
            prop = window.get_full_property(pid_atom, self.X.AnyPropertyType)
            attrs = window.get_attributes()
            if prop and prop.value[0] == self.app.process.pid and attrs.map_state == self.X.IsViewable:
                return window
        return None

    def origin(self):
        """Screen position of the window's (0, 0) as AT-SPI reports extents."""
        if self._origin is None:
            window = wait_for("the app's X window", self._window)
            root = self.display.screen().root
            at = window.translate_coords(root, 0, 0)
            geometry = window.get_geometry()
            frame = self.app.frame.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
            self._origin = (-at.x + (geometry.width - frame.width) // 2,
                            -at.y + (geometry.height - frame.height) // 2)
        return self._origin

    def screen_box(self, node):
        """(x, y, width, height) of node on the screen. AT-SPI gives up on a reply after less than
        a second, which a busy app on a loaded machine can miss: the call is retried."""
        e = wait_for("the extents of %s" % node.name,
                     lambda: node.queryComponent().getExtents(pyatspi.WINDOW_COORDS), timeout=30)
        ox, oy = self.origin()
        return (e.x + ox, e.y + oy, e.width, e.height)

    def settled_box(self, node, interval=0.1):
        """node's screen box once the layout stopped moving: the same box twice in a row (wheel
        notches are coalesced and laid out at the next frame)."""
        last = [None]

        def same():
            box = self.screen_box(node)
            result = box == last[0]
            last[0] = box
            return result
        wait_for("the map to settle", same, interval=interval)
        return last[0]

    def move(self, x, y):
        self.xtest.fake_input(self.display, self.X.MotionNotify, x=int(x), y=int(y))
        self.display.sync()

    def click(self, x, y, button=1):
        self.move(x, y)
        self.xtest.fake_input(self.display, self.X.ButtonPress, button)
        self.xtest.fake_input(self.display, self.X.ButtonRelease, button)
        self.display.sync()

    def focus_follows_pointer(self):
        """Gives the keyboard back to the window under the pointer. A GTK window that is mapped
        takes the X input focus itself when no window manager runs; when it goes, the focus
        reverts to nobody, where a window manager would hand it to the window below."""
        self.display.set_input_focus(self.X.PointerRoot, self.X.RevertToPointerRoot,
                                     self.X.CurrentTime)
        self.display.sync()

    def _keycode(self, keysym_name):
        from Xlib import XK
        return self.display.keysym_to_keycode(XK.string_to_keysym(keysym_name))

    def key_down(self, name):
        self.xtest.fake_input(self.display, self.X.KeyPress, self._keycode(name))
        self.display.sync()

    def key_up(self, name):
        self.xtest.fake_input(self.display, self.X.KeyRelease, self._keycode(name))
        self.display.sync()

    def resize(self, width, height):
        """Resizes the app's window to width x height as a window manager would (a configure of
        its X window, which is larger than the frame by the invisible resize borders) and waits
        until the frame has that size and the layout stopped moving. Fails when the window keeps
        another size: it cannot be made that small."""
        window = wait_for("the app's X window", self._window)
        geometry = window.get_geometry()
        frame = self.app.frame.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        window.configure(width=width + geometry.width - frame.width,
                         height=height + geometry.height - frame.height)
        self.display.sync()
        self._origin = None

        def size():
            e = self.app.frame.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
            return (e.width, e.height)
        try:
            wait_for("the window at %dx%d" % (width, height), lambda: size() == (width, height),
                     timeout=10)
        except TestFailure:
            raise TestFailure("the window stays at %dx%d when made %dx%d" % (
                size() + (width, height)))

    def click_node(self, node):
        """A real click at the centre of node (a button, a row, a seat)."""
        x, y, w, h = self.screen_box(node)
        self.click(x + w // 2, y + h // 2)

    def tap(self, name, ctrl=False, shift=False):
        """Presses and releases a key (an X keysym name), with Control held if ctrl and Shift
        if shift."""
        modifiers = (["Control_L"] if ctrl else []) + (["Shift_L"] if shift else [])
        for modifier in modifiers:
            self.key_down(modifier)
        self.key_down(name)
        self.key_up(name)
        for modifier in reversed(modifiers):
            self.key_up(modifier)

    def wheel(self, x, y, notches, ctrl=False, horizontal=False):
        """notches > 0 scrolls down (or right), < 0 up (or left); with ctrl, zooms."""
        if horizontal:
            button = 7 if notches > 0 else 6
        else:
            button = 5 if notches > 0 else 4
        if ctrl:
            self.key_down("Control_L")
        for _ in range(abs(notches)):
            self.click(x, y, button)
        if ctrl:
            self.key_up("Control_L")


def pixels(path, box):
    """[(r, g, b)] of the pixels of a screenshot inside box (x, y, width, height), row by row,
    read with ImageMagick (already needed for the screenshots)."""
    x, y, w, h = box
    ppm = subprocess.run(["convert", path, "-crop", "%dx%d+%d+%d" % (w, h, x, y), "+repage",
                          "-depth", "8", "ppm:-"], check=True, stdout=subprocess.PIPE).stdout
    # P6 header: magic, width, height, maxval, each followed by exactly one whitespace byte (the
    # pixels may begin with bytes that look like whitespace).
    fields, at = [], 0
    while len(fields) < 4:
        while ppm[at:at + 1].isspace():
            at += 1
        end = at
        while not ppm[end:end + 1].isspace():
            end += 1
        fields.append(ppm[at:end])
        at = end
    width, height, data = int(fields[1]), int(fields[2]), ppm[at + 1:]
    return [tuple(data[i:i + 3]) for i in range(0, width * height * 3, 3)]


def clipboard_text(timeout=5.0):
    """The X CLIPBOARD's text, asked for as any paste would (python3-xlib)."""
    from Xlib import X, Xatom, display
    d = display.Display()
    window = d.screen().root.create_window(0, 0, 1, 1, 0, X.CopyFromParent)
    clipboard, utf8, target = (d.intern_atom(n) for n in ("CLIPBOARD", "UTF8_STRING", "SB_PASTE"))
    window.convert_selection(clipboard, utf8, target, X.CurrentTime)
    d.flush()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            while d.pending_events():
                event = d.next_event()
                if event.type == X.SelectionNotify:
                    if event.property == X.NONE:
                        return None
                    prop = window.get_full_property(target, X.AnyPropertyType)
                    value = prop.value if prop else b""
                    return value.decode() if isinstance(value, bytes) else str(value)
            time.sleep(0.05)
        return None
    finally:
        window.destroy()
        d.close()


def label_in(app, root, prefix):
    """A label under root whose text starts with prefix, or None."""
    return app.find(root=root, role="label", predicate=lambda n: n.name.startswith(prefix))


def zoom_label(app):
    return wait_for("the zoom level label", lambda: app.find(
        role="label", predicate=lambda n: n.description == "Zoom level"))
