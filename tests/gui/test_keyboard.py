#!/usr/bin/python3
"""A desk books with the keyboard alone: Tab lands on one seat of the map, the arrow keys walk to
the nearest seat in their direction (along a curved row, across the aisle, from the stalls to the
balcony), Space chooses the seat, Ctrl+H holds it, the Book button's mnemonic (Alt+B) books it and
Return closes the booking dialog. Key presses are real X key events (XTest through AT-SPI's
registry) sent to the focused app window; what they did is read from the accessible tree."""
import sbgui
from sbgui import Server, wait_for, seat_description

pyatspi = sbgui.pyatspi


def test():
    server = Server().start()
    with sbgui.Session("keyboard", server) as session:
        app = session.app("A")
        app.open_event()
        app.wait_seat("Stalls", "A", "1")
        app.focus_window()

        # Tab from the window's first focusable widget reaches the map, which takes focus on
        # one seat only (roving focus), the first in reading order.
        focused = None
        for _ in range(12):
            app.press("Tab")
            focused = app.focused_seat(timeout=2)
            if focused is not None:
                break
        if focused is None or focused.name != "Row A seat 1":
            raise sbgui.TestFailure("Tab should land on Row A seat 1 of the map, got %r"
                                    % (focused.name if focused else None))

        # Each step: keys pressed, and the seat that must have the focus afterwards.
        path = [
            (["Right", "Right"], "Stalls", "Row A seat 3"),        # along a curved row
            (["Down", "Down"], "Stalls", "Row C seat 4"),          # the nearest seat behind
            (["Left"], "Stalls", "Row C seat 3"),
            (["Right"] * 4, "Stalls", "Row C seat 7"),             # the last seat before the aisle
            (["Right"], "Stalls", "Row C seat 8"),                 # across the aisle
            (["Down"] * 7, "Stalls", "Row J seat 9"),
            (["Down"], "Balcony", "Row A seat 7"),                 # into the next section
        ]
        for keys, section, name in path:
            for key in keys:
                app.press(key)
            wait_for("focus on %s %s after %s" % (section, name, "+".join(keys)),
                     lambda: (lambda s: s is not None and s.name == name
                              and s.parent.parent.name == section)(app.focused_seat(timeout=0.5)),
                     timeout=10)
        sbgui.screenshot("keyboard-focus")

        seat = app.seat("Balcony", "A", "7")
        if seat.getState().contains(pyatspi.STATE_PRESSED):
            raise sbgui.TestFailure("moving the focus must not choose seats")
        app.press("space")
        wait_for("Space to choose Balcony Row A seat 7",
                 lambda: seat.getState().contains(pyatspi.STATE_PRESSED))
        if app.seat("Stalls", "C", "8").getState().contains(pyatspi.STATE_PRESSED):
            raise sbgui.TestFailure("a seat the focus only passed over was chosen")

        app.combo("<Control>h")
        wait_for("Ctrl+H to hold the seat", lambda: seat_description(seat).startswith("Held by you"))
        wait_for("the server to have the hold",
                 lambda: server.seat_states().get("balcony-A-7") == "held")

        app.combo("<Alt>b")
        window, text = wait_for("the booking dialog", app.dialog_text)
        if "Booking reference" not in text or "Row A seat 7 (Balcony)" not in text:
            raise sbgui.TestFailure("unexpected booking dialog: %r" % text)
        wait_for("the server to have the seat booked",
                 lambda: server.seat_states().get("balcony-A-7") == "booked")
        app.press("Return")
        wait_for("Return to close the dialog", lambda: app.dialog_text() is None)


if __name__ == "__main__":
    sbgui.run(test)
