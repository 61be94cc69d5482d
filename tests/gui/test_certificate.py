#!/usr/bin/python3
"""Issue 10: a wss:// server with a self-signed certificate. The app refuses it and asks, showing
its SHA-256 fingerprint; trusted, it connects. The server then comes back with another
certificate: the app refuses it with a warning and asks again; trusted, it connects again."""
import sbgui  # first: it sets up the environment dogtail needs
from sbgui import Server, wait_for

import pyatspi  # noqa: E402
from dogtail.tree import ActionNotSupported  # noqa: E402
from gi.repository import GLib  # noqa: E402


def certificate_dialog(app, heading):
    window, text = wait_for("the dialog %r" % heading,
                            lambda: (lambda d: d if d and heading in d[1] else None)(app.dialog_text()))
    return window, text


def trust(app, window, label):
    # AdwMessageDialog (libadwaita 1.2) lays its responses out twice (side by side, stacked; one
    # of them shown) and names each button "LABEL LABEL" over AT-SPI: click them all.
    buttons = wait_for("button %r" % label, lambda: pyatspi.findAllDescendants(
        window, lambda n: n.roleName == "push button" and n.name in (label, label + " " + label)))
    for button in buttons:
        try:
            app.click(button)
        except (GLib.Error, ActionNotSupported):
            break  # the dialog went with the first click

    wait_for("the dialog to close", lambda: app.dialog_text() is None)


def test():
    server = Server(tls=True)
    first = server.new_certificate()
    server.start()
    with sbgui.Session("certificate", server) as session:
        app = session.app("A")

        # Unknown: refused until a person trusts it.
        window, text = certificate_dialog(app, "Unknown Server Certificate")
        print("dialog:", text.replace("\n", " | "))
        if first not in text:
            raise sbgui.TestFailure("the dialog does not show the fingerprint %s: %r" % (first, text))
        banner = wait_for("the banner to say why", app.status_banner)
        if "not trusted" not in banner:
            raise sbgui.TestFailure("banner: %r" % banner)
        if app.find(name="Events", role="list") is not None and \
                any(c.name == sbgui.EVENT_NAME for c in app.find(name="Events", role="list").children):
            raise sbgui.TestFailure("events listed before the certificate was trusted")
        sbgui.screenshot("certificate-unknown")
        trust(app, window, "Trust Certificate")
        app.open_event()
        wait_for("the banner to go", lambda: app.status_banner() is None)

        # Changed: the server restarts on the same port with another certificate.
        server.stop()
        second = server.new_certificate()
        server.start()
        window, text = certificate_dialog(app, "Server Certificate Changed")
        print("dialog:", text.replace("\n", " | "))
        if second not in text or first in text:
            raise sbgui.TestFailure("the dialog does not show the new fingerprint: %r" % text)
        banner = wait_for("the banner to warn", app.status_banner)
        if "changed" not in banner:
            raise sbgui.TestFailure("banner: %r" % banner)
        sbgui.screenshot("certificate-changed")
        trust(app, window, "Trust New Certificate")
        wait_for("the banner to go after trusting the new one", lambda: app.status_banner() is None,
                 timeout=20)


if __name__ == "__main__":
    sbgui.run(test)
