#!/usr/bin/python3
"""A holds and books a seat; B, another desk, sees the hold and then the booking without doing
anything, within 2 s of A getting its booking reference."""
import time

import sbgui
from sbgui import Server, wait_for, seat_description


def test():
    server = Server().start()
    with sbgui.Session("live-booking", server) as session:
        a, b = session.desks("A", "B")

        a_seat = a.wait_seat("Stalls", "C", "12")
        b_seat = b.wait_seat("Stalls", "C", "12")
        wait_for("the seat free on both", lambda: seat_description(a_seat).startswith("Free")
                 and seat_description(b_seat).startswith("Free"))

        a.choose(a_seat)
        a.hold(a_seat)
        wait_for("B to show the seat held",
                 lambda: seat_description(b_seat).startswith("Held by someone else"))
        wait_for("A's countdown", lambda: a.find(root=a.panel, role="label",
                                                 predicate=lambda n: n.name.startswith("Expires in ")))

        a.click(a.button("Book"))
        window, text = wait_for("A's booking dialog", a.dialog_text)
        booked_at = time.monotonic()
        if "Booking reference" not in text or "Row C seat 12" not in text:
            raise sbgui.TestFailure("unexpected booking dialog: %r" % text)
        print("A's dialog:", text.replace("\n", " | "))

        wait_for("B to show the seat booked within 2 s of A's booking",
                 lambda: seat_description(b_seat).startswith("Booked"), timeout=2.0)
        print("B saw the booking %.2f s after A's dialog" % (time.monotonic() - booked_at))
        if server.seat_states().get("stalls-C-12") != "booked":
            raise sbgui.TestFailure("the server does not have stalls-C-12 booked")
        sbgui.screenshot("live-booking")

        done = sbgui.pyatspi.findDescendant(window, lambda n: n.roleName == "push button"
                                            and n.name == "Done")
        a.click(done)


if __name__ == "__main__":
    sbgui.run(test)
