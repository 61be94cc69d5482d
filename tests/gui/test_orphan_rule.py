#!/usr/bin/python3
"""The orphan rule in the app's words (issue 13, items 3 and 4), against the real server: in an
event whose rule is enforce, holding Row A seat 2 alone is refused as "This would leave Row A seat
1 (Stalls) on its own." and nothing is held; in one whose rule is warn, the hold is done and the
panel says which seat it leaves alone.

Then, signed in (accounts=required): a clerk's refusal offers nothing more; a manager's comes with
"Hold Anyway", which holds the seat with the override, says which seat it leaves alone, and the
server's audit trail records the override under the manager's name."""
import pyatspi

import sbgui
from sbgui import Server, wait_for

EVENTS = (("strict", "Strict Night", "theatre.json", "--orphan-rule=enforce"),
          ("lenient", "Lenient Night", "theatre.json", "--orphan-rule=warn"))


def test():
    server = Server(events=EVENTS).start()
    with sbgui.Session("orphan-rule", server) as session:
        a = session.app("A")
        # The orphan rule, enforced: Row A seat 2 alone would strand seat 1.
        a.open_event("Strict Night")
        a2 = a.wait_seat("Stalls", "A", "2")
        a.choose(a2)
        a.click(a.button("Hold"))
        text = wait_for("the lone-seat refusal",
                        lambda: a.panel_message() if "on its own" in a.panel_message() else None)
        print("enforce:", text)
        if text != "This would leave Row A seat 1 (Stalls) on its own.":
            raise sbgui.TestFailure("the panel says %r" % text)
        if "stalls-A-2" in server.seat_states("strict"):
            raise sbgui.TestFailure("the refused hold was made")

        # Warned: done, and said.
        a.open_event("Lenient Night")
        a2 = a.wait_seat("Stalls", "A", "2")
        a.choose(a2)
        a.hold(a2)
        text = wait_for("the lone-seat warning",
                        lambda: a.panel_message() if "on its own" in a.panel_message() else None)
        print("warn:", text)
        if text != "Holding Row A seat 2 (Stalls). Note: this leaves Row A seat 1 (Stalls) on " \
                   "its own.":
            raise sbgui.TestFailure("the panel says %r" % text)
        sbgui.screenshot("orphan-rule-warned")

    test_override()


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


def anyway_button(app):
    """The panel's "Hold Anyway" button while it shows, else None."""
    button = app.find(root=app.panel, name="Hold Anyway", role="push button")
    if button is None or not button.getState().contains(pyatspi.STATE_VISIBLE):
        return None
    return button


def refuse_a2(app):
    """Opens the strict event, holds Row A seat 2 and waits for the orphan rule's refusal."""
    app.open_event("Strict Night")
    a2 = app.wait_seat("Stalls", "A", "2")
    app.choose(a2)
    app.click(app.button("Hold"))
    text = wait_for("the lone-seat refusal", lambda: app.panel_message()
                    if "on its own" in app.panel_message() else None)
    if text != "This would leave Row A seat 1 (Stalls) on its own.":
        raise sbgui.TestFailure("%s: the panel says %r" % (app.label, text))
    return a2


def test_override():
    server = Server(events=EVENTS[:1], accounts="required")
    manager_password = server.add_account("maria", "manager")
    server.start()
    with sbgui.Session("orphan-override", server) as session:
        # A clerk: refused, and nothing more is offered.
        clerk = session.app("clerk")
        sign_in(clerk, *server.credentials["clerk"])
        refuse_a2(clerk)
        if anyway_button(clerk) is not None:
            raise sbgui.TestFailure("a clerk is offered Hold Anyway")
        clerk.quit()
        session.apps.remove(clerk)

        # A manager: refused, then holds anyway.
        manager = session.app("manager")
        sign_in(manager, "maria", manager_password)
        a2 = refuse_a2(manager)
        button = wait_for("Hold Anyway for a manager", lambda: anyway_button(manager))
        sbgui.screenshot("orphan-rule-anyway")
        manager.click(button)
        text = wait_for("the hold done anyway", lambda: manager.panel_message()
                        if manager.panel_message().startswith("Holding") else None)
        print("anyway:", text)
        if text != "Holding Row A seat 2 (Stalls). Note: this leaves Row A seat 1 (Stalls) on " \
                   "its own.":
            raise sbgui.TestFailure("the panel says %r" % text)
        wait_for("A2 held on the manager's map",
                 lambda: sbgui.seat_description(a2).startswith("Held"))
        if anyway_button(manager) is not None:
            raise sbgui.TestFailure("Hold Anyway still shows after the hold")
        states = server.seat_states("strict")
        if states.get("stalls-A-2") != "held":
            raise sbgui.TestFailure("the server has %r" % states)
        entries = [(e["account"], e["action"], e["seats"], e["detail"])
                   for e in server.audit("strict")]
        if entries != [("maria", "hold", "stalls-A-2",
                        "orphan rule overridden: leaves stalls-A-1 on its own")]:
            raise sbgui.TestFailure("the audit trail has %r" % entries)


if __name__ == "__main__":
    sbgui.run(test)
