#!/usr/bin/python3
"""Every shortcut that gui/gtk/help-overlay.ui documents does what it says (the zoom ones are in
test_zoom, the arrows in test_keyboard): Ctrl+? shows the shortcuts, Ctrl+, the preferences, F5
refreshes the events list, Return chooses and unchooses the focused seat, Ctrl+H holds, Ctrl+R
releases, Ctrl+Return books, Ctrl+W closes the window (which ends the app) and Ctrl+Q quits.
Ctrl+I (a seat's history, for managers) is in test_audit."""
import time

import sbgui
from sbgui import Server, wait_for, seat_description

pyatspi = sbgui.pyatspi
ARENA = ("arena-night", "Arena Night", "arena.json")


def other_window(app):
    """A window of app other than its main window, or None."""
    for window in app.node.children:
        if window is not None and window.name != app.frame.name:
            return window
    return None


def has_label(root, text):
    return pyatspi.findDescendant(root, lambda n: n.roleName == "label" and n.name == text)


def wait_exit(app, what):
    wait_for(what, lambda: app.process.poll() is not None, timeout=60)
    if app.process.returncode != 0:
        raise sbgui.TestFailure("%s: the app exited with status %d" % (what, app.process.returncode))


def test():
    server = Server(events=[(sbgui.EVENT_ID, sbgui.EVENT_NAME, "theatre.json"), ARENA]).start()
    with sbgui.Session("shortcuts", server) as session:
        a = session.app("A")
        a.open_event()
        seat = a.wait_seat("Stalls", "A", "1")
        a.focus_window()

        a.combo("<Control><Shift>question")
        shortcuts = wait_for("the shortcuts window", lambda: (
            lambda w: w if w is not None and w.name == "Keyboard Shortcuts"
            and has_label(w, "Hold the Chosen Seats") else None)(other_window(a)))
        sbgui.screenshot("shortcuts-window")
        a.press("Escape")
        wait_for("Escape to close the shortcuts window", lambda: other_window(a) is None)
        del shortcuts

        a.combo("<Control>comma")
        wait_for("the preferences window", lambda: (
            lambda w: w if w is not None and w.name == "Preferences" else None)(other_window(a)))
        a.press("Escape")
        wait_for("Escape to close the preferences", lambda: other_window(a) is None)

        # F5: someone else books in the arena, which this desk has not opened.
        events = a.find(name="Events", role="list")
        arena_row = wait_for("the arena in the events list",
                             lambda: next((c for c in events.children if c.name == ARENA[1]), None))
        wait_for("the arena's count", lambda: has_label(arena_row, "City Arena · 5,610 of 5,610 seats free"))
        reply = server.request({"type": "book", "id": "f5", "event": ARENA[0], "seats": ["floor-a-A-1"]})["f5"]
        if reply["type"] != "booked":
            raise sbgui.TestFailure("could not book in the arena: %r" % reply)
        a.press("F5")
        # Well below the 30 s periodic refresh: only F5 can have done it.
        wait_for("F5 to refresh the arena's count",
                 lambda: has_label(arena_row, "City Arena · 5,609 of 5,610 seats free"), timeout=10)

        # Return chooses and unchooses the focused seat.
        for _ in range(12):
            a.press("Tab")
            if a.focused_seat(timeout=2) is not None:
                break
        if not seat.getState().contains(pyatspi.STATE_FOCUSED):
            raise sbgui.TestFailure("Tab did not reach Row A seat 1")
        a.press("Return")
        wait_for("Return to choose the seat", lambda: seat.getState().contains(pyatspi.STATE_PRESSED))
        a.press("Return")
        wait_for("Return to unchoose the seat", lambda: not seat.getState().contains(pyatspi.STATE_PRESSED))
        a.press("Return")
        wait_for("Return to choose the seat again", lambda: seat.getState().contains(pyatspi.STATE_PRESSED))

        a.combo("<Control>h")
        wait_for("Ctrl+H to hold", lambda: seat_description(seat).startswith("Held by you"))
        a.combo("<Control>r")
        wait_for("Ctrl+R to release", lambda: seat_description(seat).startswith("Free"))
        if server.seat_states().get("stalls-A-1") is not None:
            raise sbgui.TestFailure("the server still has stalls-A-1 taken after Ctrl+R")

        a.press("space")
        wait_for("Space to choose the seat", lambda: seat.getState().contains(pyatspi.STATE_PRESSED))
        a.combo("<Control>Return")
        window, text = wait_for("Ctrl+Return to book", a.dialog_text)
        if "Row A seat 1 (Stalls)" not in text:
            raise sbgui.TestFailure("unexpected booking dialog: %r" % text)
        if server.seat_states().get("stalls-A-1") != "booked":
            raise sbgui.TestFailure("the server does not have stalls-A-1 booked")
        a.press("Escape")
        wait_for("Escape to close the dialog", lambda: a.dialog_text() is None)

        a.combo("<Control>w")
        wait_exit(a, "Ctrl+W to close the only window, which ends the app")

        b = session.app("B")
        wait_for("B's events", lambda: b.find(name="Events", role="list"))
        b.focus_window()
        time.sleep(0.2)
        b.combo("<Control>q")
        wait_exit(b, "Ctrl+Q to quit")


if __name__ == "__main__":
    sbgui.run(test)
