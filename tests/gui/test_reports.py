#!/usr/bin/python3
"""An event's report in the app (issue 11 item 7), for a manager, with real pointer and key events
(XTest) and the accessibility tree, against the real seatbook-server with accounts=required:

1. Sales made over the protocol (three seats booked, one of them cancelled with a partial refund,
   one seat held) are on the Reports page beside the seat map: revenue gross, refunded and net,
   each category's sold, held, free and blocked seats, and the bar chart's reading, all equal to
   what `seatbook-server report` reads from the store; the sales per day name the event's time
   zone, the days' (Europe/Berlin).
2. A booking made while the page is shown changes its figures without a click.
3. "Export CSV…" writes, through the file chooser, exactly the table the CLI prints.
A clerk's app has no Reports page."""
import csv
import io
import os
import subprocess
import tempfile

import pyatspi

import sbgui
from sbgui import EVENT_ID, Pointer, Server, sign_in, type_text, wait_for


ZONE = "Europe/Berlin"


def switcher(app, name):
    """A button of the view switcher in the header bar (libadwaita names it by its page)."""
    return app.find(predicate=lambda n: (n.name == name or any(
        c.roleName == "label" and c.name == name for c in n))
        and n.roleName in ("toggle button", "radio button", "push button", "page tab"))


def cli_report(server, fmt="csv"):
    """What `seatbook-server report` prints, its CRLF line ends kept."""
    return subprocess.run([sbgui.SERVER, "report", "--event=" + EVENT_ID, "--format=" + fmt,
                           "--store=" + server.store],
                          capture_output=True, check=True, timeout=30).stdout.decode()


def figures(text):
    """(section, key, figure) -> value of the CLI's CSV."""
    return {(row["section"], row["key"], row["figure"]): row["value"]
            for row in csv.DictReader(io.StringIO(text))}


def euros(minor):
    return "€{:,}.{:02d}".format(minor // 100, minor % 100)


def row_text(app, title):
    """The texts of the row whose title is title (its title label, then its subtitle), found
    from the title's label up to its list item."""
    label = app.find(predicate=lambda n: n.roleName == "label" and n.name == title
                     and n.getState().contains(pyatspi.STATE_VISIBLE))
    row = label
    while row is not None and row.roleName not in ("list item", "row"):
        row = row.parent
    if row is None:
        return None
    return [n.name for n in pyatspi.findAllDescendants(
        row, lambda n: n.roleName == "label" and n.name)] + [row.name, row.description]


def expect_row(app, title, subtitle):
    wait_for("the row %r to say %r" % (title, subtitle),
             lambda: subtitle in (row_text(app, title) or []), timeout=20)


def check_page(app, report):
    """The page's figures are the store's."""
    expect_row(app, "Gross", euros(int(report[("revenue", "", "gross")])))
    expect_row(app, "Refunded", euros(int(report[("revenue", "", "refunded")])))
    expect_row(app, "Net", euros(int(report[("revenue", "", "net")])))
    for category, name in (("standard", "Standard"), ("premium", "Premium")):
        counts = [int(report[("category", category, figure)])
                  for figure in ("sold", "held", "free", "blocked")]
        price = euros(int(report[("category", category, "price")]))
        expect_row(app, name, "{:,} sold · {:,} held · {:,} free · {:,} blocked · {} each".format(
            *counts, price))
    chart = wait_for("the seats chart", lambda: app.find(name="Seats per category"))
    standard = [int(report[("category", "standard", f)]) for f in ("sold", "held", "free",
                                                                     "blocked")]
    reading = "Standard: {:,} sold, {:,} held, {:,} free and {:,} blocked ({:,}).".format(
        *standard, sum(standard))
    wait_for("the chart to read %r" % reading, lambda: reading in chart.description)
    caption = "(days in %s)" % report[("event", "", "time_zone")]
    wait_for("the sales per day to say %r" % caption, lambda: app.find(
        predicate=lambda n: n.roleName == "label" and caption in (n.name or "")))


def test():
    server = Server(accounts="required", events=(
        (EVENT_ID, sbgui.EVENT_NAME, "theatre.json", "--time-zone=" + ZONE),))
    manager_account = ("maria", server.add_account("maria", "manager"))
    server.start()
    seats = ["stalls-A-1", "stalls-A-2", "stalls-A-3"]
    replies = server.request(
        {"type": "book", "id": "b1", "event": EVENT_ID, "seats": seats,
         "customer": {"name": "Ada Lovelace"}},
        {"type": "hold", "id": "h1", "event": EVENT_ID, "seats": ["stalls-A-6"]})
    if replies["b1"]["type"] != "booked" or replies["h1"]["type"] != "held":
        raise sbgui.TestFailure("the sales were refused: %r" % replies)
    booking = replies["b1"]["booking"]
    replies = server.request(
        {"type": "cancel", "id": "c1", "event": EVENT_ID, "booking": booking,
         "seats": ["stalls-A-3"], "refund": {"kind": "partial", "amount": 2000},
         "reason": "Customer is ill"}, role="admin")
    if replies["c1"]["type"] != "cancelled":
        raise sbgui.TestFailure("the cancellation was refused: %r" % replies)

    with sbgui.Session("reports", server) as session:
        manager = session.app("manager")
        sign_in(manager, *manager_account)
        wait_for("the manager signed in",
                 lambda: manager.find(name="maria · Manager", role="label"), timeout=20)
        manager.open_event()
        pointer = Pointer(manager)
        pointer.click_node(wait_for("the Reports switcher", lambda: switcher(manager, "Reports")))

        # 1. The store's figures, as the CLI reads them.
        report = figures(cli_report(server))
        if report[("revenue", "", "refunded")] != "2000" or \
                report[("category", "standard", "sold")] != "2" or \
                report[("event", "", "time_zone")] != ZONE:
            raise sbgui.TestFailure("the store's report is not what was sold: %r" % report)
        check_page(manager, report)
        sbgui.docs_screenshot("reports", pointer)

        # 2. A sale while the page is shown: its figures follow.
        replies = server.request({"type": "book", "id": "b2", "event": EVENT_ID,
                                  "seats": ["stalls-B-1"]})
        if replies["b2"]["type"] != "booked":
            raise sbgui.TestFailure("the second sale was refused: %r" % replies)
        report = figures(cli_report(server))
        check_page(manager, report)

        # 3. Export CSV…: the file chooser, a name typed, Return.
        directory = tempfile.mkdtemp(prefix="sb-report-")
        target = os.path.join(directory, "gala-report.csv")
        pointer.click_node(wait_for("Export CSV…", lambda: manager.find(
            role="push button", predicate=lambda n: "Export CSV…" in n.name.replace("_", ""))))
        chooser = wait_for("the Export Report dialog", lambda: next(
            (w for w in manager.node.children if w is not None and w.name == "Export Report"),
            None), timeout=20)
        sbgui.screenshot("reports-export")
        manager.combo("<Control>a")
        type_text(target)
        manager.press("Return")
        wait_for("the exported file", lambda: os.path.exists(target) and
                 os.path.getsize(target) > 0, timeout=20)
        with open(target, newline="") as exported:
            text = exported.read()
        expected = cli_report(server)
        if text != expected:
            raise sbgui.TestFailure("the export differs from the CLI's table:\n%s\n---\n%s"
                                    % (text, expected))
        wait_for("the dialog to close", lambda: chooser not in manager.node.children)

        # A clerk has no Reports page.
        clerk = session.app("clerk")
        sign_in(clerk, *server.credentials["clerk"])
        wait_for("the clerk signed in", lambda: clerk.find(name="clerk · Clerk", role="label"),
                 timeout=20)
        clerk.open_event()
        wait_for("the clerk's Seat Map switcher", lambda: switcher(clerk, "Seat Map"))
        offered = switcher(clerk, "Reports")
        if offered is not None and offered.getState().contains(pyatspi.STATE_VISIBLE):
            raise sbgui.TestFailure("a clerk is offered the Reports page")


if __name__ == "__main__":
    sbgui.run(test)
