#!/usr/bin/python3
"""Signing in from the app: a wrong password is refused in words; signing in with "Remember me"
shows the account and role; after a restart the app is signed in without typing (the token came
from the keyring); the password and the token are nowhere in GSettings; a viewer finds Hold and
Book insensitive with the reason in their tooltip.

Runs under `dbus-run-session -- with-keyring` (a private gnome-keyring) with
GSETTINGS_BACKEND=keyfile in a private HOME, so that what the app wrote to GSettings is a file to
search. Against the real seatbook-server with accounts=required: the accounts are made with
`seatbook-server user add`, the sign-ins are counted in its /metrics, the remembered token is read
back from the keyring with secret-tool, and its revocation is checked with a sign-in of our own."""
import asyncio
import glob
import json
import os
import re
import subprocess
import urllib.request

import pyatspi
import websockets

import sbgui
from sbgui import Server, wait_for

PASSWORD = "anna-pw-7Qx!"
VIEWER_PASSWORD = "vera-pw-3Zk!"


def sign_in_page(app):
    return wait_for("the Sign In button of %s" % app.label,
                    lambda: app.find(name="Sign In", role="push button"), timeout=20)


def type_text(app, text):
    from dogtail import rawinput
    rawinput.typeText(text)


def account_label(app, text):
    return app.find(name=text, role="label")


def sign_in(app, username, password, remember):
    button = sign_in_page(app)
    app.focus_window()
    # The page puts the cursor in the username field (or the password, with a username filled).
    type_text(app, username)
    app.press("Tab")
    type_text(app, password)
    if remember:
        switch_on(app)
    app.click(button)


def switch_on(app):
    switch = wait_for("the Remember Me switch",
                      lambda: app.find(predicate=lambda n: n.name == "Remember Me"
                                       and n.roleName in ("switch", "toggle button", "check box")))
    switch.queryAction().doAction(0)
    wait_for("Remember Me on", lambda: switch.getState().contains(pyatspi.STATE_CHECKED)
             or switch.getState().contains(pyatspi.STATE_PRESSED))


def add_account(server, username, password, role):
    subprocess.run([sbgui.SERVER, "user", "add", username, "--role=" + role, "--password-file=-",
                    "--store=" + server.store],
                   input=password + "\n", text=True, check=True, stdout=subprocess.DEVNULL)


def sign_ins(server, result="ok"):
    """seatbook_sign_ins_total{result} from the server's /metrics."""
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % server.port, timeout=10) as reply:
        text = reply.read().decode()
    match = re.search(r'^seatbook_sign_ins_total\{result="%s"\} (\d+)$' % result, text, re.M)
    return int(match.group(1)) if match else 0


def keyring_token(server, username):
    """The token the app keeps in the keyring (schema org.seatbook.Seatbook.Token), or None."""
    result = subprocess.run(["secret-tool", "lookup", "server", server.url, "username", username],
                            capture_output=True, text=True)
    return result.stdout.strip() or None


def token_accepted(server, token):
    """Whether the server still signs in with token."""
    async def attempt():
        async with websockets.connect(server.url) as ws:
            await ws.send(json.dumps({"type": "hello", "id": "h", "client": "test_sign_in",
                                      "client_id": "test-sign-in-probe", "protocol": 2}))
            await ws.send(json.dumps({"type": "sign_in", "id": "s", "token": token}))
            while True:
                reply = json.loads(await asyncio.wait_for(ws.recv(), 20))
                if reply.get("re") == "s":
                    return reply.get("type") == "signed_in"
    return asyncio.run(attempt())


def settings_text():
    files = glob.glob(os.path.join(os.environ["HOME"], ".config", "glib-2.0", "settings", "*"))
    if not files:
        raise sbgui.TestFailure("no GSettings keyfile under %s: is GSETTINGS_BACKEND=keyfile set?"
                                % os.environ["HOME"])
    return "".join(open(f, errors="replace").read() for f in files)


def test():
    if os.environ.get("GSETTINGS_BACKEND") != "keyfile":
        raise sbgui.TestFailure("this test needs GSETTINGS_BACKEND=keyfile")
    server = Server(accounts="required")
    add_account(server, "anna", PASSWORD, "clerk")
    add_account(server, "vera", VIEWER_PASSWORD, "viewer")
    server.start()
    with sbgui.Session("sign-in", server) as session:
        a = sbgui.App("A", server.url)
        session.apps.append(a)
        sign_in_page(a)
        sbgui.screenshot("sign-in-page")

        # A wrong password: refused, in words, and the page stays.
        sign_in(a, "anna", "not-the-password", remember=False)
        wait_for("the refusal", lambda: a.find(name="Wrong username or password.", role="label"))
        sbgui.screenshot("sign-in-refused")

        # The right one, remembered.
        button = sign_in_page(a)
        a.focus_window()
        # The cursor is in the password field now (the username is filled in).
        type_text(a, PASSWORD)
        try:
            switch_on(a)
        except sbgui.TestFailure:
            sbgui.dump(a.frame)
            raise
        a.click(button)
        wait_for("A's account in the header", lambda: account_label(a, "anna · Clerk"), timeout=20)
        a.open_event()
        sbgui.screenshot("signed-in-clerk")
        if sign_ins(server, "bad_credentials") < 1 or sign_ins(server) < 1:
            raise sbgui.TestFailure("the server did not count the refused and the accepted sign-in")
        token = wait_for("the token in the keyring", lambda: keyring_token(server, "anna"))
        a.quit()
        session.apps.remove(a)

        # Restart: signed in with the remembered token, nobody typing.
        before = sign_ins(server)
        b = sbgui.App("B", server.url)
        session.apps.append(b)
        wait_for("B's account in the header without typing",
                 lambda: account_label(b, "anna · Clerk"), timeout=20)
        if sign_ins(server) <= before:
            raise sbgui.TestFailure("the restart did not sign in on the server")
        b.open_event()
        sbgui.screenshot("signed-in-after-restart")

        # GSettings holds neither the password nor the token.
        text = settings_text()
        for secret, what in ((PASSWORD, "password"), (token, "token"), ("not-the-password", "wrong password")):
            if secret in text:
                raise sbgui.TestFailure("the %s is in GSettings" % what)
        if "anna" not in text:
            raise sbgui.TestFailure("the keyfile searched is not the app's: no username in it")

        # Sign out: back to the page, and the next start asks again.
        b.focus_window()
        b.press("F10")  # the primary menu
        item = wait_for("the Sign Out item",
                        lambda: pyatspi.findDescendant(b.node, lambda n: n.name == "Sign Out"))
        item.queryAction().doAction(0) if item.queryAction().nActions else b.press("Return")
        sign_in_page(b)
        wait_for("the token revoked", lambda: not token_accepted(server, token))
        if keyring_token(server, "anna") is not None:
            raise sbgui.TestFailure("the token stayed in the keyring after signing out")

        # A viewer: Hold and Book insensitive, the reason in the tooltip.
        sign_in_page(b)
        b.focus_window()
        # The page offers the last username with the cursor in the password: go back and replace it.
        b.combo("<Shift>Tab")
        b.combo("<Control>a")
        sign_in(b, "vera", VIEWER_PASSWORD, remember=False)
        wait_for("B's viewer account", lambda: account_label(b, "vera · Viewer"), timeout=20)
        b.open_event()
        seat = b.wait_seat("Stalls", "D", "5")
        b.choose(seat)
        for name in ("Hold", "Book"):
            button = b.button(name)
            if button.getState().contains(pyatspi.STATE_SENSITIVE):
                raise sbgui.TestFailure("%s is sensitive for a viewer" % name)
            if "clerk" not in (button.description or ""):
                raise sbgui.TestFailure("%s has no reason in its tooltip: %r" % (name, button.description))
        sbgui.screenshot("viewer")


if __name__ == "__main__":
    sbgui.run(test)
