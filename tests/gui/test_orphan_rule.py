#!/usr/bin/python3
"""The orphan rule in the app's words (issue 13, items 3 and 4), against the real server: in an
event whose rule is enforce, holding Row A seat 2 alone is refused as "This would leave Row A seat
1 (Stalls) on its own." and nothing is held; in one whose rule is warn, the hold is done and the
panel says which seat it leaves alone."""
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


if __name__ == "__main__":
    sbgui.run(test)
