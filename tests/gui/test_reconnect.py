#!/usr/bin/python3
"""The server is killed and restarted: both apps say they are disconnected, reconnect by
themselves, get their holds back, send what was asked meanwhile, and agree with the server."""
import sbgui
from sbgui import Server, wait_for, seat_description

STATE_WORDS = {"free": "Free", "held": "Held", "booked": "Booked", "blocked": "Not for sale"}


def app_states(app):
    """seat id -> state as the app shows it, for every seat."""
    states = {}
    for section, seat in app.all_seats():
        # "Row C seat 12" in section "Stalls" is stalls-C-12 in theatre.json.
        words = seat.name.split()
        seat_id = "%s-%s-%s" % (section.lower(), words[1], words[3])
        description = seat_description(seat)
        if description.startswith("Held"):
            states[seat_id] = "held"
        elif description.startswith("Booked"):
            states[seat_id] = "booked"
        elif description.startswith("Not for sale"):
            states[seat_id] = "blocked"
        else:
            states[seat_id] = "free"
    return states


def agrees_with_server(app, server):
    ours = {k: v for k, v in app_states(app).items() if v != "free"}
    theirs = server.seat_states()
    if ours != theirs:
        print("%s differs: app %r, server %r" % (app.label, ours, theirs))
        return False
    return True


def test():
    server = Server().start()
    with sbgui.Session("reconnect", server) as session:
        a, b = session.desks("A", "B")

        a_seat = a.wait_seat("Stalls", "E", "3")
        a.choose(a_seat)
        a.hold(a_seat)

        server.kill()
        for app in (a, b):
            text = wait_for("%s to say it is disconnected" % app.label,
                            lambda: (lambda t: t if t and "Disconnected" in t else None)(app.status_banner()))
            print("%s shows: %s" % (app.label, text))
        sbgui.screenshot("reconnect-disconnected")

        # While the server is away, B asks to hold a seat: the request must go out after the
        # reconnect, with the same id.
        b_seat = b.wait_seat("Balcony", "B", "4")  # AT-SPI may time out on a loaded machine
        b.choose(b_seat)
        b.click(b.button("Hold"))

        server.start()
        for app in (a, b):
            wait_for("%s to reconnect" % app.label, lambda: app.status_banner() is None, timeout=60)

        wait_for("B's queued hold to be done", lambda: seat_description(b_seat).startswith("Held by you"),
                 timeout=20)
        wait_for("A to have its hold back", lambda: seat_description(a_seat).startswith("Held by you"))
        # A change made by someone else after the restart reaches both apps.
        server.request({"type": "book", "id": "b1", "event": sbgui.EVENT_ID, "seats": ["stalls-F-6"]})
        for app in (a, b):
            wait_for("%s to agree with the server" % app.label, lambda: agrees_with_server(app, server),
                     timeout=20, interval=0.5)
        sbgui.screenshot("reconnect-resumed")


if __name__ == "__main__":
    sbgui.run(test)
