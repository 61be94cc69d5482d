#!/usr/bin/python3
"""Keeping three of four seats, and Best Available past the orphan rule (issue 13), against the
real server (accounts required), with real clicks and keys (XTest), read back through the
accessibility tree.

A clerk asks Best Available for 4 seats (Ctrl+B, typed), then clicks the "Release <seat>" button
beside the last of them in the panel: the server frees that seat and keeps the other three held
(`release` with `seats`), the map shows three "Held by you", the panel says "Released … You are
still holding 3 seats.", and Book books those three. In an event whose orphan rule is enforce and
whose only row has three seats, Best Available for 2 is refused in words ("… would leave a seat on
its own.") and a clerk is offered nothing more; a manager gets "Hold Anyway" in the dialog, which
holds two seats with the override, says which seat it leaves alone, and the server's audit trail
records the override. Giving back the held seat that strands itself beside the other is refused
in the panel ("This would leave … on its own."); the manager's "Release Anyway" gives it back and
the trail records that override too."""
import json
import os
import re
import tempfile

import pyatspi

import sbgui
from sbgui import Pointer, Server, seat_description, wait_for

ORPHAN_WORDS = "Enough seats are free, but every choice of them would leave a seat on its own."


def tiny_venue():
    """theatre.json cut to its first row's first three seats: every pair leaves one alone."""
    with open(os.path.join(sbgui.VENUES, "theatre.json")) as f:
        venue = json.load(f)
    section = venue["sections"][0]
    row = section["rows"][0]
    row["seats"] = row["seats"][:3]
    row["seats"][-1].pop("gap_after", None)
    section["rows"] = [row]
    venue["sections"] = [section]
    venue["id"] = "tiny"
    path = os.path.join(tempfile.mkdtemp(prefix="seatbook-tiny-"), "tiny.json")
    with open(path, "w") as f:
        json.dump(venue, f)
    return path


def sign_in(app, username, password):
    """Through the sign-in page, with the keyboard, as a person would."""
    from dogtail import rawinput
    button = wait_for("the Sign In button of %s" % app.label,
                      lambda: app.find(name="Sign In", role="push button"), timeout=20)
    app.focus_window()
    rawinput.typeText(username)
    app.press("Tab")
    rawinput.typeText(password)
    app.click(button)
    wait_for("%s signed in" % username, lambda: app.find(
        predicate=lambda n: n.roleName == "label" and n.name.startswith(username + " · ")),
        timeout=20)


def dialog(app):
    return wait_for("the Best Available dialog", lambda: next(
        (w for w in app.node.children if w is not None and w.name == "Best Available"), None))


def dialog_gone(app):
    return all(w is None or w.name != "Best Available" for w in app.node.children)


def field(window, name, role):
    return wait_for("the field %r" % name, lambda: pyatspi.findDescendant(
        window, lambda n: n.name == name and n.roleName == role))


def best_available(app, pointer, count):
    """Ctrl+B, the count typed, Hold Seats clicked; returns the dialog."""
    from dogtail import rawinput
    app.focus_window()
    pointer.tap("b", ctrl=True)
    window = dialog(app)
    spin = field(window, "Seats", "spin button")
    pointer.click_node(spin)
    wait_for("Seats to have the focus", lambda: spin.getState().contains(pyatspi.STATE_FOCUSED))
    pointer.tap("a", ctrl=True)
    rawinput.typeText(str(count))
    pointer.tap("Tab")
    pointer.click_node(field(window, "Hold Seats", "push button"))
    return window


def refusal(window):
    label = pyatspi.findDescendant(
        window, lambda n: n.roleName == "label" and n.description == "Why no seats were held"
        and n.getState().contains(pyatspi.STATE_VISIBLE))
    return label.name if label is not None and label.name else None


def anyway(window):
    button = pyatspi.findDescendant(
        window, lambda n: n.roleName == "push button" and n.name == "Hold Anyway")
    if button is None or not button.getState().contains(pyatspi.STATE_VISIBLE):
        return None
    return button


def held_by_us(app):
    return [(section, seat) for section, seat in app.all_seats()
            if seat_description(seat).startswith("Held by you")]


def seat_id(section, seat):
    match = re.fullmatch(r"Row (\S+) seat (\S+)", seat.name)
    return "%s-%s-%s" % (section.lower(), match.group(1), match.group(2))


def release_buttons(app):
    return pyatspi.findAllDescendants(
        app.panel, lambda n: n.roleName == "push button" and n.name.startswith("Release Row "))


def keep_three(server, app):
    pointer = Pointer(app)
    app.open_event("Gala Night")
    app.wait_seat("Stalls", "C", "12")
    best_available(app, pointer, 4)
    wait_for("the dialog to close after the hold", lambda: dialog_gone(app), timeout=20)
    pointer.focus_follows_pointer()
    held = wait_for("4 seats held on the map",
                    lambda: (lambda h: h if len(h) == 4 else None)(held_by_us(app)))
    ids = sorted(seat_id(section, seat) for section, seat in held)
    print("held:", ids)

    buttons = wait_for("a Release button beside each held seat", lambda: (
        lambda b: b if len(b) == 4 else None)(release_buttons(app)))
    names = sorted(b.name for b in buttons)
    print("buttons:", names)
    last = buttons[-1]
    seat_name = last.name[len("Release "):]
    by_name = {"%s (%s)" % (seat.name, section): seat_id(section, seat) for section, seat in held}
    dropped = by_name[seat_name]
    kept = [i for i in ids if i != dropped]
    # Four seats above the customer form fill the panel's list: the last one may be below its
    # fold, so the wheel over the list brings it up first, as a person would scroll to it.
    x, y, width, height = pointer.screen_box(buttons[0])
    pointer.wheel(x + width // 2, y + height // 2, 5)
    pointer.settled_box(last)
    pointer.click_node(last)

    wait_for("the server to free %s and keep the others" % dropped, lambda: (
        lambda s: dropped not in s and all(s.get(i) == "held" for i in kept))(
            server.seat_states("gala")), timeout=20)
    wait_for("3 seats held on the map",
             lambda: len(held_by_us(app)) == 3 or None)
    message = wait_for("the panel's message", lambda: app.panel_message()
                       if app.panel_message().startswith("Released") else None)
    print("panel:", message)
    expected = "Released %s. You are still holding 3 seats." % seat_name
    if message != expected:
        raise sbgui.TestFailure("the panel says %r, not %r" % (message, expected))
    if len(release_buttons(app)) != 3:
        raise sbgui.TestFailure("the panel still lists %r" % [b.name for b in release_buttons(app)])
    sbgui.screenshot("release-seat")

    sbgui.enter_customer_name(app, pointer, "Ada Lovelace")
    pointer.click_node(app.button("Book"))
    wait_for("the server to book the three", lambda: (
        lambda s: all(s.get(i) == "booked" for i in kept) and dropped not in s)(
            server.seat_states("gala")), timeout=20)
    wait_for("the booking dialog", lambda: app.dialog_text())
    pointer.tap("Return")
    wait_for("the booking dialog to close", lambda: len(
        [w for w in app.node.children if w is not None]) == 1)
    pointer.focus_follows_pointer()
    entries = [(e["action"], e["seats"], e["detail"]) for e in server.audit("gala")
               if e["action"] == "release"]
    if entries != [("release", dropped, "the hold keeps " + ", ".join(kept))]:
        raise sbgui.TestFailure("the audit trail has %r" % entries)


def refused_tiny(app):
    """Best Available for 2 in Tiny Night: refused in words; returns the dialog."""
    pointer = Pointer(app)
    app.open_event("Tiny Night")
    app.wait_seat("Stalls", "A", "3")
    window = best_available(app, pointer, 2)
    text = wait_for("the refusal", lambda: refusal(window), timeout=20)
    print("%s: %s" % (app.label, text))
    if text != ORPHAN_WORDS:
        raise sbgui.TestFailure("the dialog says %r" % text)
    return pointer, window


def test():
    server = Server(events=(("gala", "Gala Night", "theatre.json"),
                            ("tiny", "Tiny Night", tiny_venue(), "--orphan-rule=enforce")),
                    accounts="required")
    manager_password = server.add_account("maria", "manager")
    server.start()
    with sbgui.Session("release-seat", server) as session:
        clerk = session.app("clerk")
        sign_in(clerk, *server.credentials["clerk"])
        keep_three(server, clerk)

        # The orphan rule refuses every pair; a clerk is offered nothing more.
        pointer, window = refused_tiny(clerk)
        if anyway(window) is not None:
            raise sbgui.TestFailure("a clerk is offered Hold Anyway")
        pointer.tap("Escape")
        wait_for("Escape to close the dialog", lambda: dialog_gone(clerk))
        clerk.quit()
        session.apps.remove(clerk)

        manager = session.app("manager")
        sign_in(manager, "maria", manager_password)
        pointer, window = refused_tiny(manager)
        button = wait_for("Hold Anyway for a manager", lambda: anyway(window))
        sbgui.screenshot("best-available-anyway")
        pointer.click_node(button)
        wait_for("the dialog to close after the hold", lambda: dialog_gone(manager), timeout=20)
        pointer.focus_follows_pointer()
        message = wait_for("the panel's message", lambda: manager.panel_message()
                           if manager.panel_message().startswith("Holding") else None)
        print("anyway:", message)
        if "Note: this leaves Row A seat" not in message:
            raise sbgui.TestFailure("the panel says %r" % message)
        states = server.seat_states("tiny")
        if sorted(states.values()) != ["held", "held"]:
            raise sbgui.TestFailure("the server has %r" % states)
        lone = next(s for s in ("stalls-A-1", "stalls-A-2", "stalls-A-3") if s not in states)
        entries = [(e["account"], e["action"], e["detail"]) for e in server.audit("tiny")]
        if entries != [("maria", "hold", "best available; orphan rule overridden: leaves %s on "
                        "its own" % lone)]:
            raise sbgui.TestFailure("the audit trail has %r" % entries)
        release_anyway(server, manager, pointer, states, lone)


def number(seat):
    return int(seat.rsplit("-", 1)[1])


def release_anyway(server, app, pointer, states, lone):
    """Of the two held seats, giving back the one farther from the lone seat strands it (the
    other stays held beside it): refused in words; "Release Anyway" gives it back."""
    drop = max(states, key=lambda s: abs(number(s) - number(lone)))
    keep = next(s for s in states if s != drop)
    name = "Row A seat %d" % number(drop)
    button = wait_for("the Release button of %s" % name, lambda: app.find(
        root=app.panel, name="Release " + name, role="push button"))
    pointer.click_node(button)
    # The panel still shows the hold's own warning ("… on its own.") until the refusal replaces it.
    text = wait_for("the lone-seat refusal", lambda: app.panel_message()
                    if app.panel_message().startswith("This would leave") else None)
    print("release refused:", text)
    if text != "This would leave %s on its own." % name:
        raise sbgui.TestFailure("the panel says %r" % text)
    if server.seat_states("tiny").get(drop) != "held":
        raise sbgui.TestFailure("the refused release was done")
    anyway_button = wait_for("Release Anyway", lambda: (lambda b: b if b is not None and b.getState(
        ).contains(pyatspi.STATE_VISIBLE) else None)(app.find(
            root=app.panel, name="Release Anyway", role="push button")))
    sbgui.screenshot("release-seat-anyway")
    pointer.click_node(anyway_button)
    message = wait_for("the release done anyway", lambda: app.panel_message()
                       if app.panel_message().startswith("Released") else None)
    print("release anyway:", message)
    expected = "Released %s. You are still holding 1 seat. Note: this leaves %s on its own." % (
        name, name)
    if message != expected:
        raise sbgui.TestFailure("the panel says %r, not %r" % (message, expected))
    if server.seat_states("tiny") != {keep: "held"}:
        raise sbgui.TestFailure("the server has %r" % server.seat_states("tiny"))
    entries = [(e["account"], e["action"], e["seats"], e["detail"])
               for e in server.audit("tiny") if e["action"] == "release"]
    if entries != [("maria", "release", drop, "the hold keeps %s; orphan rule overridden: leaves "
                    "%s on its own" % (keep, drop))]:
        raise sbgui.TestFailure("the audit trail has %r" % entries)


if __name__ == "__main__":
    sbgui.run(test)
