#!/usr/bin/python3
"""Moving a booking from the app (issue 11 item 4), with real pointer and key events (XTest) and
the accessibility tree, against the real seatbook-server with accounts=required:

A clerk books Row D seats 5 and 6 (Premium, €65.00 each) for a customer, then holds Row A seats 7
and 8 (Standard, €45.00) on the map while "talking to the customer", finds the booking on the
Bookings page, and opens Move Seats…: the dialog pairs D5 → A7 and D6 → A8 and says the booking
will cost €40.00 less. With one seat unticked it asks for as many seats as are held. Move Seats
moves them in one request: the dialog says what the booking has and costs now and that €40.00 is
to be refunded, the map shows D5 and D6 free and A7 and A8 booked, the hold is gone (and with
it the panel's "Holding …"), and the server's find_bookings has the same reference with the new seats.
The ticket printed before names the old seats: the dialog's "Print Ticket…" prints the booking again
through GTK's print dialog ("Print to File"), and the PDF (pdftotext) names A7 and A8, not D5 or D6."""
import shutil

import pyatspi

import sbgui
from sbgui import Pointer, Server, seat_description, sign_in, wait_for
from test_bookings import found_row, search, show_bookings, switcher
from test_ticket import pdf_text, print_home, print_to_pdf


def label_text(node):
    """A label's text as it is now (its name can lag behind a change of the text here)."""
    try:
        text = node.queryText()
        return text.getText(0, text.characterCount) or node.name
    except NotImplementedError:
        return node.name


def labels(node):
    """The texts of the labels under node."""
    return [text for text in (label_text(n) for n in pyatspi.findAllDescendants(
        node, lambda n: n.roleName == "label")) if text]


def test():
    for tool in ("pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            raise sbgui.TestFailure("%s is missing: tools/install-deps test installs it" % tool)
    home, documents, config = print_home("sb-move-home-")
    server = Server(accounts="required")
    clerk_account = ("anna", server.add_account("anna", "clerk"))
    server.start()
    with sbgui.Session("move-booking", server) as session:
        clerk = session.app("clerk", env={"HOME": home, "XDG_CONFIG_HOME": config})
        sign_in(clerk, *clerk_account)
        wait_for("the clerk signed in", lambda: clerk.find(name="anna · Clerk", role="label"),
                 timeout=20)
        clerk.open_event()
        pointer = Pointer(clerk)

        # The booking: D5 and D6 for Greta Kranz.
        old = [clerk.wait_seat("Stalls", "D", n) for n in ("5", "6")]
        for seat in old:
            clerk.choose(seat)
        clerk.hold(old[0])
        sbgui.enter_customer_name(clerk, pointer, "Greta Kranz")
        pointer.click_node(clerk.button("Book"))
        for seat in old:
            wait_for("%s booked" % seat.name, lambda: seat_description(seat).startswith("Booked"))
        wait_for("the booking dialog", clerk.dialog_text)
        clerk.press("Escape")
        wait_for("the booking dialog to close", lambda: clerk.dialog_text() is None)
        found = server.request({"type": "find_bookings", "id": "f", "event": sbgui.EVENT_ID,
                                "name": "kranz"})["f"]["bookings"]
        if len(found) != 1 or found[0]["seats"] != ["stalls-D-5", "stalls-D-6"]:
            raise sbgui.TestFailure("the server has %r" % found)
        reference = found[0]["reference"]

        # The new seats, held on the map: A7 and A8.
        new = [clerk.wait_seat("Stalls", "A", n) for n in ("7", "8")]
        for seat in new:
            clerk.choose(seat)
        clerk.hold(new[0])
        wait_for("A8 held", lambda: seat_description(new[1]).startswith("Held by you"))

        # The booking on the Bookings page, and Move Seats…, with real clicks.
        show_bookings(clerk, pointer)
        search(clerk, pointer, reference)
        pointer.click_node(found_row(clerk, "Greta Kranz"))
        move = wait_for("a sensitive Move Seats…", lambda: clerk.find(
            name="Move Seats…", role="push button",
            predicate=lambda n: n.getState().contains(pyatspi.STATE_SENSITIVE)
            and n.getState().contains(pyatspi.STATE_VISIBLE)))
        pointer.click_node(move)
        dialog = wait_for("the Move Seats dialog", lambda: next(
            (w for w in clerk.node.children if w is not None and w.name == "Move Seats"), None))
        try:
            text = wait_for("the pairing", lambda: next(
                (text for text in ["\n".join(labels(dialog))]
                 if "Row D seat 5 (Stalls) → Row A seat 7 (Stalls)" in text), None))
        except sbgui.TestFailure:
            print("the dialog's labels: %r" % labels(dialog))
            raise
        for expected in ("Row D seat 6 (Stalls) → Row A seat 8 (Stalls)",
                         "The booking will cost €40.00 less."):
            if expected not in text:
                raise sbgui.TestFailure("the dialog says %r, not %r" % (text, expected))
        confirm = clerk.find(root=dialog, name="Move Seats", role="push button")
        if confirm is None or not confirm.getState().contains(pyatspi.STATE_SENSITIVE):
            raise sbgui.TestFailure("Move Seats is not there or not sensitive")

        # One seat unticked: as many seats as are held must move.
        d6 = clerk.find(root=dialog, name="Row D seat 6 (Stalls)", role="check box")
        pointer.click_node(d6)
        wait_for("the dialog to ask for two seats", lambda: any(
            "Choose as many seats to move as you hold: 2." == name for name in labels(dialog)))
        if confirm.getState().contains(pyatspi.STATE_SENSITIVE):
            raise sbgui.TestFailure("Move Seats is sensitive with one seat for two")
        pointer.click_node(d6)
        wait_for("Move Seats sensitive again",
                 lambda: confirm.getState().contains(pyatspi.STATE_SENSITIVE))
        sbgui.screenshot("move-dialog", pointer.screen_box(dialog))

        pointer.click_node(confirm)
        result = wait_for("the move's result", lambda: next(
            (name for name in labels(dialog) if name.startswith("Moved.")), None), timeout=20)
        if reference not in result or "€90.00" not in result or "€40.00 less: refund it" \
                not in result or "Row A seat 7" not in result:
            raise sbgui.TestFailure("the dialog says %r" % result)
        sbgui.screenshot("move-dialog-done", pointer.screen_box(dialog))

        # The ticket again, with the seats the booking has now.
        text = pdf_text(print_to_pdf(clerk, dialog, documents))
        for expected in (reference, "Stalls · Row A · Seat 7", "Stalls · Row A · Seat 8"):
            if expected not in text:
                raise sbgui.TestFailure("%r is not on the ticket printed after the move:\n%s"
                                        % (expected, text))
        for gone in ("Row D · Seat 5", "Row D · Seat 6"):
            if gone in text:
                raise sbgui.TestFailure("the ticket printed after the move still has %r:\n%s"
                                        % (gone, text))
        clerk.press("Escape")
        wait_for("the dialog to close", lambda: not any(
            w is not None and w.name == "Move Seats" for w in clerk.node.children))

        # The map, through the server's broadcast: the old seats free, the new ones booked.
        pointer.click_node(wait_for("the Seat Map switcher", lambda: switcher(clerk, "Seat Map")))
        for seat in old:
            wait_for("%s free" % seat.name, lambda: seat_description(seat).startswith("Free"))
        for seat in new:
            wait_for("%s booked" % seat.name,
                     lambda: seat_description(seat).startswith("Booked"))
        wait_for("the hold gone from the panel", lambda: not clerk.panel_message().startswith(
            "Holding"))
        sbgui.screenshot("move-map")
        found = server.request({"type": "find_bookings", "id": "f", "event": sbgui.EVENT_ID,
                                "reference": reference})["f"]["bookings"]
        if len(found) != 1 or found[0]["seats"] != ["stalls-A-7", "stalls-A-8"]:
            raise sbgui.TestFailure("after the move the server has %r" % found)
        states = server.seat_states()
        if states.get("stalls-A-7") != "booked" or "stalls-D-5" in states:
            raise sbgui.TestFailure("the server's seats are %r" % states)
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sbgui.run(test)
