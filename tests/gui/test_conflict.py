#!/usr/bin/python3
"""B has chosen a seat when A holds it; B's map shows it taken at once, and B's attempt to book it
anyway is refused with a message naming the seat."""
import sbgui
from sbgui import Server, wait_for, seat_description


def test():
    server = Server().start()
    with sbgui.Session("conflict", server) as session:
        a, b = session.desks("A", "B")
        session.on_failure(lambda: sbgui.dump(b.panel))
        a_seat = a.wait_seat("Stalls", "D", "5")
        b_seat = b.wait_seat("Stalls", "D", "5")

        # B chooses first, as a customer at B's desk would.
        b.choose(b_seat)

        a.choose(a_seat)
        a.hold(a_seat)
        wait_for("B's map to show the seat taken",
                 lambda: seat_description(b_seat).startswith("Held by someone else"))

        b.click(b.button("Book"))
        message = wait_for("B's conflict message",
                           lambda: (lambda m: m if "was just taken" in m else None)(b.panel_message()))
        print("B says:", message)
        if "Row D seat 5" not in message:
            raise sbgui.TestFailure("the conflict message does not name the seat: %r" % message)
        wait_for("B to drop the seat from its choice",
                 lambda: not b_seat.getState().contains(sbgui.pyatspi.STATE_PRESSED))
        sbgui.screenshot("conflict")

        states = server.seat_states()
        if states.get("stalls-D-5") != "held":
            raise sbgui.TestFailure("the server should still have A's hold on stalls-D-5: %r" % states)


if __name__ == "__main__":
    sbgui.run(test)
