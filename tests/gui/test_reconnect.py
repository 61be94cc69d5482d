#!/usr/bin/python3
"""The server is killed and restarted: both apps say they are disconnected, reconnect by
themselves, get their holds back and agree with the server (issue 12, item 5). A hold sent just
before the drop is confirmed after the reconnect and says so; while disconnected, Hold and Book are
insensitive and say why, and nothing asked offline is done later."""
import signal

import sbgui
from sbgui import Pointer, Server, wait_for, seat_description

STATE_WORDS = {"free": "Free", "held": "Held", "booked": "Booked", "blocked": "Not for sale"}


def sensitive(node):
    return node.getState().contains(sbgui.pyatspi.STATE_SENSITIVE)


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

        # B's hold goes out just before the drop: the server is frozen (SIGSTOP), so the request
        # is sent but never answered, and then killed. B's Hold is a real click.
        pointer = Pointer(b)
        b_seat = b.seat("Balcony", "B", "4")
        pointer.click_node(b_seat)
        wait_for("B to choose B4", lambda: b_seat.getState().contains(sbgui.pyatspi.STATE_PRESSED))
        server.process.send_signal(signal.SIGSTOP)
        pointer.click_node(b.button("Hold"))
        wait_for("B's Hold to be busy", lambda: not sensitive(b.button("Hold")))
        server.kill()
        for app in (a, b):
            text = wait_for("%s to say it is disconnected" % app.label,
                            lambda: (lambda t: t if t and "Disconnected" in t else None)(app.status_banner()))
            print("%s shows: %s" % (app.label, text))
        message = wait_for("B to say its hold is unanswered", lambda: (lambda m: m if
                           "connection dropped before the server answered" in m else None)(b.panel_message()))
        print("B says:", message)

        # Offline, Hold and Book wait and say why; choosing goes on. A real Ctrl+H does nothing.
        b_other = b.wait_seat("Balcony", "B", "5")  # AT-SPI may time out on a loaded machine
        pointer.click_node(b_other)
        wait_for("B to choose B5", lambda: b_other.getState().contains(sbgui.pyatspi.STATE_PRESSED))
        for app in (a, b):
            for name in ("Hold", "Book"):
                button = app.button(name)
                if sensitive(button):
                    raise sbgui.TestFailure("%s's %s is sensitive while disconnected" % (app.label, name))
                if "Not connected" not in button.description:
                    raise sbgui.TestFailure("%s's %s does not say why: %r" % (app.label, name, button.description))
            wait_for("%s to say why in the panel" % app.label,
                     lambda: sbgui.label_in(app, app.panel, "Not connected"))
        pointer.tap("h", ctrl=True)
        sbgui.screenshot("reconnect-disconnected")

        server.start()
        for app in (a, b):
            wait_for("%s to reconnect" % app.label, lambda: app.status_banner() is None, timeout=60)

        # The hold sent before the drop is confirmed, and the message says when.
        wait_for("B's interrupted hold to be done", lambda: seat_description(b_seat).startswith("Held by you"),
                 timeout=20)
        message = wait_for("B to confirm it after the reconnect", lambda: (lambda m: m if
                           m.startswith("After the connection came back: Holding") else None)(b.panel_message()))
        print("B says:", message)
        # What was chosen offline was not sent by the key press, then or now.
        if not b_other.getState().contains(sbgui.pyatspi.STATE_PRESSED) or \
                not seat_description(b_other).startswith("Free") or "balcony-B-5" in server.seat_states():
            raise sbgui.TestFailure("B5, chosen offline, changed: %r" % seat_description(b_other))
        wait_for("A to have its hold back", lambda: seat_description(a_seat).startswith("Held by you"))
        # A change made by someone else after the restart reaches both apps.
        server.request({"type": "book", "id": "b1", "event": sbgui.EVENT_ID, "seats": ["stalls-F-6"]})
        for app in (a, b):
            wait_for("%s to agree with the server" % app.label, lambda: agrees_with_server(app, server),
                     timeout=20, interval=0.5)
        sbgui.screenshot("reconnect-resumed")


if __name__ == "__main__":
    sbgui.run(test)
