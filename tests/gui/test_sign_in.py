#!/usr/bin/python3
"""Signing in from the app: a wrong password is refused in words; signing in with "Remember me"
shows the account and role; after a restart the app is signed in without typing (the token came
from the keyring); the password and the token are nowhere in GSettings; a viewer finds Hold and
Book insensitive with the reason in their tooltip.

Runs under `dbus-run-session -- with-keyring` (a private gnome-keyring) with
GSETTINGS_BACKEND=keyfile in a private HOME, so that what the app wrote to GSettings is a file to
search. The server side of accounts is AccountsFront (accounts_front.py) in front of the real
seatbook-server until seatbook-server enforces sign-in itself."""
import glob
import os

import pyatspi

import sbgui
from accounts_front import AccountsFront
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


def settings_text():
    files = glob.glob(os.path.join(os.environ["HOME"], ".config", "glib-2.0", "settings", "*"))
    if not files:
        raise sbgui.TestFailure("no GSettings keyfile under %s: is GSETTINGS_BACKEND=keyfile set?"
                                % os.environ["HOME"])
    return "".join(open(f, errors="replace").read() for f in files)


def test():
    if os.environ.get("GSETTINGS_BACKEND") != "keyfile":
        raise sbgui.TestFailure("this test needs GSETTINGS_BACKEND=keyfile")
    server = Server().start()
    front = AccountsFront(server.url, {"anna": (PASSWORD, "clerk"),
                                       "vera": (VIEWER_PASSWORD, "viewer")})
    with sbgui.Session("sign-in", server) as session:
        a = sbgui.App("A", front.url)
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
        if ("anna", "ok") not in front.sign_ins:
            raise sbgui.TestFailure("no password sign-in reached the server: %r" % front.sign_ins)
        token = next(t for t, user in front.tokens.items() if user == "anna")
        a.quit()
        session.apps.remove(a)

        # Restart: signed in with the remembered token, nobody typing.
        before = len(front.sign_ins)
        b = sbgui.App("B", front.url)
        session.apps.append(b)
        wait_for("B's account in the header without typing",
                 lambda: account_label(b, "anna · Clerk"), timeout=20)
        if ("token", "ok") not in front.sign_ins[before:]:
            raise sbgui.TestFailure("the restart did not sign in with the token: %r"
                                    % front.sign_ins[before:])
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
        wait_for("the token revoked", lambda: token not in front.tokens)

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
