#!/usr/bin/python3
"""A screen reader user books a seat: everything goes through AT-SPI actions and accessible names,
as Orca would, with no pointer and no key press. The seat is found along "Seat map" -> "Stalls" ->
"Row C" -> "Row C seat 5", the buttons by their exact names ("Hold", "Book", "Done": one clean name
each, not "Hold Hold"), and the booking reference is read from an accessible label. The events list
then tells the new number of free seats without a refresh."""
import re

import sbgui
from sbgui import Server, wait_for, seat_description

pyatspi = sbgui.pyatspi


def test():
    server = Server().start()
    with sbgui.Session("screen-reader", server) as session:
        app = session.app("A")
        seat_map = app.open_event()
        if seat_map.name != "Seat map":
            raise sbgui.TestFailure("the map is named %r" % seat_map.name)

        events = app.find(name="Events", role="list")
        row = next(c for c in events.children if c.name == sbgui.EVENT_NAME)
        wait_for("the event's free seats in the list",
                 lambda: app.find(root=row, role="label", name="Grand Theatre · 200 of 202 seats free"))

        section = wait_for("section Stalls", lambda: next(
            (c for c in seat_map.children if c.name == "Stalls"), None))
        row_c = next(c for c in section.children if c.name == "Row C")
        seat = next(c for c in row_c.children if c.name == "Row C seat 5")
        if seat.roleName != "push button":
            raise sbgui.TestFailure("a seat should be a push button, is a %r" % seat.roleName)
        action = seat.queryAction()
        actions = [action.getName(i) for i in range(action.nActions)]
        if "click" not in actions:
            raise sbgui.TestFailure("a seat offers no click action: %r" % actions)
        if not seat_description(seat).startswith("Free, Premium"):
            raise sbgui.TestFailure("unexpected seat description %r" % seat_description(seat))

        seat.doActionNamed("click")
        wait_for("the seat to be chosen (pressed)",
                 lambda: seat.getState().contains(pyatspi.STATE_PRESSED))
        chosen = app.find(name="Chosen seats", root=app.panel)
        wait_for("the seat in the chosen list", lambda: app.find(
            root=chosen, role="label", name="Row C seat 5 (Stalls)"))

        # Exact names: a screen reader reads them out.
        app.button("Hold").doActionNamed("click")
        wait_for("the seat held", lambda: seat_description(seat).startswith("Held by you"))
        wait_for("the hold's countdown", lambda: app.find(
            root=app.panel, role="label", predicate=lambda n: n.name.startswith("Expires in ")))

        app.button("Book").doActionNamed("click")
        message = wait_for("the booking message in the panel", lambda: (
            lambda m: m if "Booking reference" in m else None)(app.panel_message()))
        match = re.search(r"Booking reference ([A-Z0-9]+)\.", message)
        if match is None:
            raise sbgui.TestFailure("no booking reference in %r" % message)
        reference = match.group(1)
        window, text = wait_for("the booking dialog", app.dialog_text)
        if "Booking reference" not in text or reference not in text.split("\n"):
            raise sbgui.TestFailure("the dialog does not show reference %s: %r" % (reference, text))
        print("booked, reference", reference)
        if server.seat_states().get("stalls-C-5") != "booked":
            raise sbgui.TestFailure("the server does not have stalls-C-5 booked")
        wait_for("the seat shown booked", lambda: seat_description(seat).startswith("Booked"))

        # The list follows the open event's changes.
        wait_for("the events list to count the booking",
                 lambda: app.find(root=row, role="label", name="Grand Theatre · 199 of 202 seats free"))

        app.button("Done", root=window).doActionNamed("click")
        wait_for("the dialog to close", lambda: app.dialog_text() is None)
        sbgui.screenshot("screen-reader")


if __name__ == "__main__":
    sbgui.run(test)
