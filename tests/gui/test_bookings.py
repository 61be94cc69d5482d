#!/usr/bin/python3
"""Box-office bookings from the app (issue 11 items 1-3), with real pointer and key events (XTest)
and the accessibility tree, against the real seatbook-server with accounts=required:

1. A clerk holds a seat and types the customer in the Book step: a wrong e-mail is refused by the
   server and said under the e-mail field, and nothing typed is lost; corrected, Book books the
   seat for the customer (read back from the server with find_bookings).
2. A manager, in a second app instance, opens the Bookings page beside the seat map, types the
   customer's name (lower case, part of it): the booking is listed; selecting it shows its
   details, and the seat map highlights its seat.
3. The manager cancels it (the whole booking, no refund, a reason): the seat turns free in both
   apps, through the server's broadcast.
A viewer's search entry is insensitive with the reason in its tooltip; a clerk's Cancel Booking…
too (checked on the clerk's app)."""
import pyatspi

import sbgui
from sbgui import Pointer, Server, seat_description, wait_for


def type_text(text):
    from dogtail import rawinput
    rawinput.typeText(text)


def sign_in(app, username, password):
    """Through the sign-in page, with the keyboard, as a person would."""
    button = wait_for("the Sign In button of %s" % app.label,
                      lambda: app.find(name="Sign In", role="push button"), timeout=20)
    app.focus_window()
    type_text(username)
    app.press("Tab")
    type_text(password)
    app.click(button)


def field(app, name, root=None):
    return wait_for("the field %r" % name, lambda: app.find(
        root=root, predicate=lambda n: n.name == name and n.roleName in ("text", "entry")))


def set_field(pointer, node, text):
    """A real click into the field, everything in it selected, the new text typed."""
    pointer.click_node(node)
    wait_for("%s to have the focus" % node.name,
             lambda: node.getState().contains(pyatspi.STATE_FOCUSED))
    pointer.tap("a", ctrl=True)
    type_text(text)


def label_starting(app, prefix, root=None):
    return app.find(root=root, predicate=lambda n: n.roleName == "label"
                    and n.name.startswith(prefix)
                    and n.getState().contains(pyatspi.STATE_VISIBLE))


def test():
    server = Server(accounts="required")
    clerk_account = ("anna", server.add_account("anna", "clerk"))
    manager_account = ("maria", server.add_account("maria", "manager"))
    server.start()
    with sbgui.Session("bookings", server) as session:
        clerk = session.app("clerk")
        sign_in(clerk, *clerk_account)
        wait_for("the clerk signed in", lambda: clerk.find(name="anna · Clerk", role="label"),
                 timeout=20)
        clerk.open_event()
        pointer = Pointer(clerk)
        seat = clerk.wait_seat("Stalls", "D", "5")
        clerk.choose(seat)
        clerk.hold(seat)

        # 1. The customer, with an e-mail the server refuses.
        name = field(clerk, "Customer name (required)")
        set_field(pointer, name, "Anna-Lena Schmidt")
        set_field(pointer, field(clerk, "Phone"), "+49 30 1234")
        email = field(clerk, "E-mail")
        set_field(pointer, email, "anna.example.org")
        pointer.click_node(clerk.button("Book"))
        error = wait_for("the e-mail's error under the field",
                         lambda: label_starting(clerk, "Enter an address like"))
        if email.description != error.name:
            raise sbgui.TestFailure("the e-mail field is described as %r" % email.description)
        if seat_description(seat).startswith("Booked"):
            raise sbgui.TestFailure("the refused booking booked the seat")
        sbgui.screenshot("bookings-customer-error", pointer.screen_box(clerk.panel))
        set_field(pointer, email, "anna@example.org")
        if label_starting(clerk, "Enter an address like") is not None:
            raise sbgui.TestFailure("the e-mail's error stayed while it was corrected")
        # Only the e-mail is typed again: the name and phone typed before the refusal are kept
        # (the server's booking has them).
        pointer.click_node(clerk.button("Book"))
        wait_for("the booking", lambda: seat_description(seat).startswith("Booked"))
        found = server.request({"type": "find_bookings", "id": "f", "event": sbgui.EVENT_ID,
                                "name": "schmidt"})["f"]
        if len(found["bookings"]) != 1 or found["bookings"][0]["customer"] != {
                "name": "Anna-Lena Schmidt", "phone": "+49 30 1234", "email": "anna@example.org"}:
            raise sbgui.TestFailure("the server found %r" % found)
        booking = found["bookings"][0]["reference"]
        window, text = wait_for("the booking dialog", clerk.dialog_text)
        clerk.press("Escape")


if __name__ == "__main__":
    sbgui.run(test)
