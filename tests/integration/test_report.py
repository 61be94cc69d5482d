#!/usr/bin/python3
"""Issue 11 item 7 with the real binary: after bookings at two desks, a hold, a block, a partial
cancellation with a partial refund and a whole one with a full refund, a manager's `report` gives,
per category, the seats sold, held, free and blocked as the database holds them (adding up to the
venue's seats), the revenue (gross: every seat ever sold; refunded: what the cancellations
recorded; net) and the sales per day (UTC) and per account; clerks and viewers are refused with
required_role, an admin is not, an unknown event is not_found; `seatbook-server report` prints
the same figures as CSV (its columns) and text; with accounts off anyone may ask. An event
created with a time zone counts its days in that zone and says so (`time_zone`), in the reply
and the CLI's table."""

import csv
import datetime
import io
import json
import sqlite3
import subprocess
import zoneinfo

from sbtest import EVENT, SERVER, VENUE, Client, Server, check, finish, run, venue_free_seat_ids


def load_venue():
    with open(VENUE) as f:
        venue = json.load(f)
    seats = [seat for section in venue["sections"] for row in section["rows"]
             for seat in row["seats"]]
    return venue, {s["id"]: s["category"] for s in seats}


def error_of(reply, code):
    check(reply["type"] == "error" and reply["code"] == code, "expected %s: %r" % (code, reply))
    return reply


def store_figures(server, venue, category_of):
    """What the database holds: per category, seats per state; the refunds recorded."""
    states = server.db_seat_states()
    counts = {c["id"]: {"sold": 0, "held": 0, "free": 0, "blocked": 0} for c in venue["categories"]}
    names = {"booked": "sold", "held": "held", "blocked": "blocked"}
    for seat, category in category_of.items():
        state = states.get(seat, ("free", None))[0]
        counts[category][names.get(state, "free")] += 1
    con = sqlite3.connect("file:%s?mode=ro" % server.db, uri=True)
    try:
        refunded = con.execute("SELECT coalesce(sum(refund_amount), 0) FROM cancellations"
                               " WHERE event_id = ?", (EVENT,)).fetchone()[0]
    finally:
        con.close()
    return counts, refunded


async def main():
    venue, category_of = load_venue()
    price = {c["id"]: c["price"] for c in venue["categories"]}
    cost = {seat: price[category] for seat, category in category_of.items()}
    free = venue_free_seat_ids()
    # Seats of two categories, so that the figures are per category.
    first_category = category_of[free[0]]
    other = [s for s in free if category_of[s] != first_category]
    check(len(other) >= 3, "the venue has two categories of free seats")
    anna_seats = [free[0], free[1], other[0]]
    ben_seats = [other[1], other[2]]
    held_seat, blocked_seat = free[2], free[3]

    with Server() as server:
        server.create_event()
        server.start()
        server.add_account("anna", role="clerk")
        server.add_account("ben", role="clerk")
        anna = await Client.connect(server, client_id="desk-1", user="anna")
        ben = await Client.connect(server, client_id="desk-2", user="ben")
        manager = await Client.connect(server, client_id="office", user="manager")
        admin = await Client.connect(server, client_id="office-2", user="admin")
        clerk = await Client.connect(server, client_id="desk-3", user="clerk")
        viewer = await Client.connect(server, client_id="desk-4", user="viewer")

        booked = await anna.request("book", event=EVENT, seats=anna_seats)
        check(booked["type"] == "booked", "book: %r" % booked)
        booked_ben = await ben.request("book", event=EVENT, seats=ben_seats)
        check(booked_ben["type"] == "booked", "book: %r" % booked_ben)
        held = await anna.request("hold", event=EVENT, seats=[held_seat], ttl=300)
        check(held["type"] == "held", "hold: %r" % held)
        blocked = await manager.request("block", event=EVENT, seats=[blocked_seat], reason="Camera")
        check(blocked["type"] == "blocked", "block: %r" % blocked)
        part = await manager.request("cancel", event=EVENT, booking=booked["booking"],
                                     seats=[free[1]], refund={"kind": "partial", "amount": 700},
                                     reason="Customer is ill")
        check(part["type"] == "cancelled" and part["refund"]["amount"] == 700, "cancel: %r" % part)
        whole = await manager.request("cancel", event=EVENT, booking=booked_ben["booking"],
                                      refund={"kind": "full"}, reason="Show moved")
        check(whole["type"] == "cancelled" and whole["state"] == "cancelled", "cancel: %r" % whole)

        # Clerks and viewers may not; an unknown event is not found.
        for client in (clerk, anna, viewer):
            denied = error_of(await client.request("report", event=EVENT), "forbidden")
            check(denied.get("required_role") == "manager", "required_role: %r" % denied)
        error_of(await manager.request("report", event="no-such-event"), "not_found")
        error_of(await manager.request("report"), "invalid_request")

        report = await manager.request("report", id="r-1", event=EVENT)
        check(report["type"] == "report" and report["re"] == "r-1" and report["event"] == EVENT
              and report["currency"] == venue["currency"] and report["time_zone"] == "UTC",
              "report: %r" % report)
        by_admin = await admin.request("report", event=EVENT)
        check(by_admin["type"] == "report" and by_admin["categories"] == report["categories"],
              "admin's report: %r" % by_admin)

        # Counted in /metrics like every request: the manager's and the admin's.
        check(server.metric('seatbook_requests_total{type="report",outcome="ok"}') == 2,
              "metrics: %r" % server.metric('seatbook_requests_total{type="report",outcome="ok"}'))

        # Every count is the database's, and the four add up to the venue's seats.
        counts, refunded = store_figures(server, venue, category_of)
        check(report["seats"] == len(category_of), "seats: %r" % report["seats"])
        check([c["category"] for c in report["categories"]] == [c["id"] for c in venue["categories"]],
              "categories: %r" % report["categories"])
        for c in report["categories"]:
            check({k: c[k] for k in ("sold", "held", "free", "blocked")} == counts[c["category"]]
                  and c["price"] == price[c["category"]], "category %r: %r" % (c, counts))
        check(sum(c["sold"] + c["held"] + c["free"] + c["blocked"] for c in report["categories"])
              == len(category_of), "the counts add up")
        check(sum(c["sold"] for c in report["categories"]) == 2
              and sum(c["held"] for c in report["categories"]) == 1, "sold and held")

        # Money: every seat ever sold, what the cancellations recorded, the difference.
        gross = sum(cost[s] for s in anna_seats + ben_seats)
        check(refunded == 700 + cost[ben_seats[0]] + cost[ben_seats[1]], "refunds: %r" % refunded)
        check(report["revenue"] == {"gross": gross, "refunded": refunded, "net": gross - refunded},
              "revenue: %r" % report["revenue"])
        today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        check(report["days"] == [{"day": today, "seats": 5, "gross": gross}], "days: %r" % report)
        check(report["accounts"] == [
            {"account": "anna", "seats": 3, "gross": sum(cost[s] for s in anna_seats)},
            {"account": "ben", "seats": 2, "gross": sum(cost[s] for s in ben_seats)}],
            "accounts: %r" % report["accounts"])

        # The command line, beside the running server: the same figures.
        raw = subprocess.run([SERVER, "report", "--event=" + EVENT, "--format=csv",
                              "--store=" + server.store],
                             capture_output=True, timeout=30, check=True).stdout.decode()
        check(raw.startswith("section,key,figure,value\r\n"), "CSV header: %r" % raw[:80])
        rows = list(csv.DictReader(io.StringIO(raw, newline="")))
        cells = {(r["section"], r["key"], r["figure"]): r["value"] for r in rows}
        check(len(cells) == len(rows), "one line per figure")
        expected = {("event", "", "id"): EVENT, ("event", "", "currency"): venue["currency"],
                    ("event", "", "seats"): str(report["seats"]),
                    ("event", "", "time_zone"): "UTC"}
        for c in report["categories"]:
            for figure in ("price", "sold", "held", "free", "blocked"):
                expected[("category", c["category"], figure)] = str(c[figure])
        for figure, value in report["revenue"].items():
            expected[("revenue", "", figure)] = str(value)
        for section, key in (("days", "day"), ("accounts", "account")):
            for entry in report[section]:
                for figure in ("seats", "gross"):
                    expected[(key, entry[key], figure)] = str(entry[figure])
        check(cells == expected, "CSV figures:\n%r\n%r" % (cells, expected))
        text = server.run_command("report", "--event=" + EVENT, "--store=" + server.store).stdout
        lines = [tuple(line.split("\t")) for line in text.splitlines()]
        check({line[0:3]: line[3] for line in lines} == expected and len(lines) == len(rows),
              "text: %r" % lines[:5])
        bad = subprocess.run([SERVER, "report", "--store=" + server.store], capture_output=True,
                             text=True, timeout=30)
        check(bad.returncode == 2 and "--event" in bad.stderr, "no event: %r" % bad)
        missing = subprocess.run([SERVER, "report", "--event=nope", "--store=" + server.store],
                                 capture_output=True, text=True, timeout=30)
        check(missing.returncode != 0 and "nope" in missing.stderr, "unknown event: %r" % missing)

        await finish(server, anna, ben, manager, admin, clerk, viewer)

    # With accounts off, anyone may ask. An event with a time zone (UTC+14: its day is UTC's next
    # from 10:00 UTC on) counts its days there, as the reply and the CLI say.
    zone = "Pacific/Kiritimati"
    with Server() as server:
        server.create_event()
        server.run_command("create-event", "--store=" + server.store, "--venue=" + VENUE,
                           "--id=far-east", "--name=Far east", "--time-zone=" + zone,
                           "--starts-at=2030-11-27T19:30:00")
        server.start("--accounts=off")
        desk = await Client.connect(server, sign_in=False)
        report = await desk.request("report", event=EVENT)
        check(report["type"] == "report" and report["revenue"]["gross"] == 0
              and report["days"] == [] and report["accounts"] == [], "accounts off: %r" % report)
        before = datetime.datetime.now(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%d")
        booked = await desk.request("book", event="far-east", seats=[free[0]])
        check(booked["type"] == "booked", "book in far-east: %r" % booked)
        report = await desk.request("report", event="far-east")
        after = datetime.datetime.now(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%d")
        check(report["type"] == "report" and report["time_zone"] == zone
              and len(report["days"]) == 1 and report["days"][0]["day"] in (before, after)
              and report["days"][0]["seats"] == 1, "far-east: %r" % report)
        raw = server.run_command("report", "--event=far-east", "--format=csv",
                                 "--store=" + server.store).stdout
        cells = {(r["section"], r["key"], r["figure"]): r["value"]
                 for r in csv.DictReader(io.StringIO(raw, newline=""))}
        check(cells[("event", "", "time_zone")] == zone
              and cells[("day", report["days"][0]["day"], "seats")] == "1",
              "far-east CSV: %r" % cells)
        await finish(server, desk)


if __name__ == "__main__":
    run(main)
