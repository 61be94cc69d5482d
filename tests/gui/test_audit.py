#!/usr/bin/python3
"""A seat's and a booking's history (the audit page), for a manager, with real pointer and key
events (XTest): a clerk holds and books a seat from the app; the clerk's History button is there
but insensitive, with the reason in its tooltip; a manager clicks the booked seat with the mouse,
presses Ctrl+I and reads who held and booked it; from there opens the booking's history; Escape
closes; an arrow key moves to the next seat and Ctrl+I shows that nothing was recorded there.

Against the real seatbook-server with accounts=required: the accounts are made with
`seatbook-server user add`, the audit trail is the server's own (read back with
`seatbook-server audit`)."""
import pyatspi

import sbgui
from sbgui import Pointer, Server, sign_in, type_text, wait_for


def history_window(app, subject):
    """The history window of subject (AT-SPI names it by its title)."""
    title = "History of %s" % subject
    return wait_for("the window %r" % title, lambda: next(
        (w for w in app.node.children if w is not None and w.name.startswith(title)), None),
        timeout=20)


def entries(window):
    """The titles of the history's rows, newest first, once it has them."""
    listbox = wait_for("the history entries", lambda: pyatspi.findDescendant(
        window, lambda n: n.name == "History entries" and n.roleName in ("list", "list box")))
    return wait_for("rows in the history", lambda: [
        row_title(row) for row in listbox.children] or None)


def row_title(row):
    """A row's name is its title; failing that, its first label."""
    if row.name:
        return row.name
    label = pyatspi.findDescendant(row, lambda n: n.roleName == "label" and n.name)
    return label.name if label is not None else ""


def status_text(window):
    labels = pyatspi.findAllDescendants(window, lambda n: n.roleName == "label" and n.name)
    return " ".join(label.name for label in labels)


def test():
    server = Server(accounts="required")
    clerk_account = ("anna", server.add_account("anna", "clerk"))
    manager_account = ("maria", server.add_account("maria", "manager"))
    server.start()
    with sbgui.Session("audit", server) as session:
        # The clerk holds Row D seat 5, then books the hold.
        clerk = sbgui.App("clerk", server.url)
        session.apps.append(clerk)
        sign_in(clerk, *clerk_account)
        wait_for("the clerk signed in", lambda: clerk.find(name="anna · Clerk", role="label"),
                 timeout=20)
        clerk.open_event()
        seat = clerk.wait_seat("Stalls", "D", "5")
        clerk.choose(seat)
        clerk.hold(seat)
        # At the box office a booking names its customer (issue 11).
        name = wait_for("the customer's name", lambda: clerk.find(
            name="Customer name (required)", predicate=lambda n: n.roleName in ("text", "entry")))
        Pointer(clerk).click_node(name)
        wait_for("the name to have the focus",
                 lambda: name.getState().contains(pyatspi.STATE_FOCUSED))
        type_text("Anna Schmidt")
        clerk.click(clerk.button("Book"))
        wait_for("the booking", lambda: sbgui.seat_description(seat).startswith("Booked"))
        booking = wait_for("the booking in the server's audit trail", lambda: next(
            (e["booking"] for e in server.audit() if e["action"] == "book"
             and e["account"] == "anna"), None))

        # A clerk may not read the history: the button says why.
        history = clerk.find(name="Seat History", role="push button")
        if history is None:
            raise sbgui.TestFailure("no Seat History button on a server with accounts")
        if history.getState().contains(pyatspi.STATE_SENSITIVE):
            raise sbgui.TestFailure("Seat History is sensitive for a clerk")
        if "manager" not in (history.description or ""):
            raise sbgui.TestFailure("no reason in the clerk's Seat History tooltip: %r"
                                    % history.description)
        clerk.quit()
        session.apps.remove(clerk)

        # The manager clicks the booked seat with the mouse and asks for its history.
        manager = sbgui.App("manager", server.url)
        session.apps.append(manager)
        sign_in(manager, *manager_account)
        wait_for("the manager signed in",
                 lambda: manager.find(name="maria · Manager", role="label"), timeout=20)
        manager.open_event()
        seat = manager.wait_seat("Stalls", "D", "5")
        wait_for("D5 booked on the manager's map",
                 lambda: sbgui.seat_description(seat).startswith("Booked"))
        history = manager.find(name="Seat History", role="push button")
        wait_for("Seat History sensitive for a manager",
                 lambda: history.getState().contains(pyatspi.STATE_SENSITIVE))
        pointer = Pointer(manager)
        x, y, w, h = pointer.screen_box(seat)
        pointer.click(x + w // 2, y + h // 2)
        wait_for("D5 focused by the click", lambda: seat.getState().contains(pyatspi.STATE_FOCUSED))
        pointer.key_down("Control_L")
        pointer.key_down("i")
        pointer.key_up("i")
        pointer.key_up("Control_L")
        window = history_window(manager, "Row D seat 5")
        rows = entries(window)
        sbgui.screenshot("audit-seat")
        if rows[:2] != ["Booked by anna", "Held by anna"]:
            raise sbgui.TestFailure("the seat's history, newest first, is %r" % rows)

        # From the booked entry to the booking's history.
        button = wait_for("the booking's button", lambda: pyatspi.findDescendant(
            window, lambda n: n.name == "History of Booking %s" % booking))
        button.doActionNamed("click")
        booking_window = history_window(manager, "Booking %s" % booking)
        rows = entries(booking_window)
        sbgui.screenshot("audit-booking")
        if "Booked by anna" not in rows:
            raise sbgui.TestFailure("the booking's history is %r" % rows)

        # Escape closes each window (keys go to the X window under the pointer).
        for title in ("History of Booking %s" % booking, "History of Row D seat 5 (Stalls)"):
            pointer.move(*window_centre(pointer, title))
            pointer.key_down("Escape")
            pointer.key_up("Escape")
            wait_for("%r closed" % title, lambda: all(
                w is None or w.name != title for w in manager.node.children))

        # From there the keyboard alone: Right to seat 6, Ctrl+I: nothing recorded there.
        pointer.focus_follows_pointer()
        manager.focus_window()
        pointer.click(x + w // 2, y + h // 2)
        wait_for("D5 focused again", lambda: seat.getState().contains(pyatspi.STATE_FOCUSED))
        pointer.key_down("Right")
        pointer.key_up("Right")
        neighbour = manager.wait_seat("Stalls", "D", "6")
        wait_for("D6 focused", lambda: neighbour.getState().contains(pyatspi.STATE_FOCUSED))
        pointer.key_down("Control_L")
        pointer.key_down("i")
        pointer.key_up("i")
        pointer.key_up("Control_L")
        window = history_window(manager, "Row D seat 6")
        wait_for("nothing recorded for D6", lambda: "Nothing Recorded" in status_text(window))
        sbgui.screenshot("audit-empty")


def window_centre(pointer, title):
    """The screen centre of the app's X window called title: each of GTK's windows is an X window
    of its own (no window manager places them)."""
    def find():
        for window in pointer.display.screen().root.query_tree().children:
            try:
                name = window.get_wm_name()
                attrs = window.get_attributes()
            except Exception:
                continue
            if name == title and attrs.map_state == pointer.X.IsViewable:
                return window
        return None
    window = wait_for("the X window %r" % title, find)
    at = window.translate_coords(pointer.display.screen().root, 0, 0)
    geometry = window.get_geometry()
    return (-at.x + geometry.width // 2, -at.y + geometry.height // 2)


if __name__ == "__main__":
    sbgui.run(test)
