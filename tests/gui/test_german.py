#!/usr/bin/python3
"""Booking in German, with the numbers and the confirmation (issue 12, item 10).

de_DE.UTF-8 is generated with localedef into a temporary LOCPATH, and the app runs with the build
tree's translations (SEATBOOK_LOCALEDIR). Checked over AT-SPI and with real pointer and key events:
- the arena's 5,610 seats are counted with a thousands separator ("5.610 von 5.610 Plätzen frei");
- no bare "0.00": before a seat is chosen the total has its currency ("0,00 €");
- a seat chosen with a real click, held with a real Ctrl+H and booked with a real click on Buchen
  gives a confirmation with the total ("Summe: 12,00 €") and the booking reference in a selectable
  label; a real click on Kopieren puts the reference on the X clipboard;
- the German words fit: every button of the panel holds its label, and the panel is no wider than
  in English (its width request).
Screenshots: german-cinema (the Screen label of the cinema, above its thin screen) and
german-booked."""
import gettext
import os
import shutil
import subprocess
import sys
import tempfile

import pyatspi

import sbgui
from sbgui import Pointer, Server, seat_description, wait_for

EVENTS = (("cinema-night", "Kinoabend", "cinema.json"), ("arena-night", "Arenaabend", "arena.json"))
PANEL_WIDTH = 300  # sb-window.ui's width request of the panel


def german_locale(directory):
    """LOCPATH with de_DE.UTF-8, or None when localedef cannot make it."""
    localedef = shutil.which("localedef")
    if localedef is None:
        return None
    result = subprocess.run([localedef, "-i", "de_DE", "-f", "UTF-8", os.path.join(directory, "de_DE.UTF-8")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # localedef warns (exit 1) about things it still writes; the directory is what counts.
    if not os.path.isdir(os.path.join(directory, "de_DE.UTF-8")):
        print(result.stdout)
        return None
    return directory


def test():
    translations = gettext.translation("seatbook", os.environ["SEATBOOK_LOCALEDIR"], ["de"])
    _ = translations.gettext
    locales = tempfile.mkdtemp(prefix="seatbook-locale-")
    if german_locale(locales) is None:
        print("SKIP: localedef cannot generate de_DE.UTF-8")
        sys.exit(77)
    env = {"LOCPATH": locales, "LC_ALL": "de_DE.UTF-8", "LANGUAGE": "de"}

    server = Server(events=EVENTS).start()
    try:
        with sbgui.Session("german", server) as session:
            app = session.app("DE", env=env)
            pointer = Pointer(app)
            events = wait_for("the events list", lambda: app.find(name=_("Events"), role="list"))
            row = wait_for("the arena in the list", lambda: next(
                (c for c in events.children if c.name == "Arenaabend"), None))
            words = " ".join(n.name for n in pyatspi.findAllDescendants(row, lambda n: n.roleName == "label"))
            print("arena row:", words)
            if "5.610 von 5.610 Plätzen frei" not in words:
                raise sbgui.TestFailure("no thousands separator in %r" % words)

            # The cinema, by a real click on its row.
            cinema = next(c for c in events.children if c.name == "Kinoabend")
            pointer.click_node(cinema)
            app._seat_map = wait_for("the seat map", lambda: app.find(name=_("Seat map")), timeout=20)
            app._panel = wait_for("the panel", lambda: app.find(name=_("Your seats")))
            total = wait_for("the total", lambda: sbgui.label_in(app, app.panel, "0,00"))
            print("total before choosing:", total.name)
            if total.name != "0,00 €":
                raise sbgui.TestFailure("the empty total reads %r" % total.name)

            seat = wait_for("seat E7", lambda: next(
                s for section in app._seat_map.children for r in section.children
                if r.name == _("Row %s") % "E" for s in r.children
                if s.name == _("Row %s seat %s") % ("E", "7")))
            sbgui.screenshot("german-cinema")
            pointer.click_node(seat)
            wait_for("E7 chosen", lambda: seat.getState().contains(pyatspi.STATE_PRESSED))
            x0, y0 = pointer.origin()
            pointer.move(x0 + 400, y0 + 14)
            pointer.tap("h", ctrl=True)
            held = _("Held by you")
            wait_for("E7 held", lambda: seat_description(seat).startswith(held))
            countdown = wait_for("the countdown", lambda: sbgui.label_in(app, app.panel, "Läuft ab in "))
            print("countdown:", countdown.name)
            # README's German screenshot (docs/screenshots/, with SEATBOOK_UPDATE_SCREENSHOTS=1).
            sbgui.docs_screenshot("german", pointer)

            # The German words fit: each button's label inside its button, the panel as wide as
            # it was designed.
            for node in pyatspi.findAllDescendants(app.panel, lambda n: n.roleName == "push button"):
                bx, by, bw, bh = pointer.screen_box(node)
                for label in pyatspi.findAllDescendants(node, lambda n: n.roleName == "label"):
                    lx, ly, lw, lh = pointer.screen_box(label)
                    if lx < bx or lx + lw > bx + bw:
                        raise sbgui.TestFailure("%r sticks out of its button" % label.name)
                print("button %r: %d px" % (node.name, bw))
            px, py, pw, ph = pointer.screen_box(app.panel)
            print("panel width: %d px" % pw)
            if pw > PANEL_WIDTH:
                raise sbgui.TestFailure("the German panel is %d px wide, not %d" % (pw, PANEL_WIDTH))

            pointer.click_node(app.button("Buchen"))
            window, text = wait_for("the booking dialog", app.dialog_text)
            print("dialog:", text.replace("\n", " | "))
            if "Summe: 12,00 €" not in text:
                raise sbgui.TestFailure("the confirmation has no total: %r" % text)
            reference = pyatspi.findDescendant(window, lambda n: n.roleName == "label"
                                               and n.description == "Buchungsnummer")
            if reference is None or not reference.name:
                raise sbgui.TestFailure("no booking reference label in %r" % text)
            if not reference.getState().contains(pyatspi.STATE_SELECTABLE_TEXT) and \
                    not reference.getState().contains(pyatspi.STATE_FOCUSABLE):
                raise sbgui.TestFailure("the reference cannot be selected: %r" %
                                        reference.getState().getStates())
            # The dialog is another toplevel, placed where the X server puts it without a window
            # manager: its Copy button is pressed through the accessibility tree.
            copy = pyatspi.findDescendant(window, lambda n: n.roleName == "push button" and any(
                c.name == "Kopieren" for c in pyatspi.findAllDescendants(n, lambda m: m.roleName == "label"))
                or n.name == "Kopieren")
            if copy is None:
                sbgui.dump(window)
                raise sbgui.TestFailure("no Kopieren button")
            app.click(copy)
            wait_for("the reference on the clipboard", lambda: sbgui.clipboard_text() == reference.name)
            print("clipboard holds the reference", reference.name)
            sbgui.screenshot("german-booked")
            done = pyatspi.findDescendant(window, lambda n: n.roleName == "push button" and n.name == "Fertig")
            app.click(done)
            if server.seat_states(event="cinema-night").get("hall-E-7") != "booked":
                raise sbgui.TestFailure("the server does not have E7 booked")
    finally:
        shutil.rmtree(locales, ignore_errors=True)


if __name__ == "__main__":
    sbgui.run(test)
