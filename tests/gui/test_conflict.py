#!/usr/bin/python3
"""B has chosen a seat when A holds it; B's map shows it taken at once, and B's attempt to book it
anyway is refused with a message naming the seat."""
import sbgui
from sbgui import App, Server, wait_for, seat_description


def test():
    server = Server().start()
    a = b = None
    try:
        a = App("A", server.url)
        b = App("B", server.url)
        a.open_event()
        b.open_event()
        a_seat = wait_for("A's Row D seat 5", lambda: a.seat("Stalls", "D", "5"))
        b_seat = wait_for("B's Row D seat 5", lambda: b.seat("Stalls", "D", "5"))

        # B chooses first, as a customer at B's desk would.
        b.click(b_seat)
        wait_for("the seat to be chosen in B",
                 lambda: b_seat.getState().contains(sbgui.pyatspi.STATE_PRESSED))

        a.click(a_seat)
        wait_for("the seat to be chosen in A",
                 lambda: a_seat.getState().contains(sbgui.pyatspi.STATE_PRESSED))
        a.click(a.button("Hold"))
        wait_for("A to hold the seat", lambda: seat_description(a_seat).startswith("Held by you"))
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
    except Exception:
        # Before the apps quit, so the picture shows what went wrong.
        sbgui.screenshot("conflict-failure")
        sbgui.dump(b.panel)
        raise
    finally:
        for app in (a, b):
            if app is not None:
                app.quit()
        server.cleanup()


if __name__ == "__main__":
    sbgui.run(test)
