#!/usr/bin/python3
"""Issue 11 item 6 with the real binary: events' sales window and time zone (create-event's flags,
list_events), `create_event` over the protocol (a broken venue text is refused with the loader's
line and column; a good one is served at once: a second client gets the new list and subscribes),
holds outside the window refused, `close_sales` (then a booking is refused, a release is not;
idempotent; audited once), and the role check."""

import json

from sbtest import EVENT, VENUE, Client, Server, check, finish, run, venue_free_seat_ids

# 2020-01-01T00:00:00 in Europe/Berlin (CET, +01:00).
CLOSED_2020_MS = 1577833200000


def error_of(reply, code):
    check(reply["type"] == "error" and reply["code"] == code, "expected %s: %r" % (code, reply))
    return reply


def unasked_events(client):
    """The last unasked `events` (the list after a change) the client got, taken."""
    unasked = [m for m in client.replies.pop(None, []) if m["type"] == "events"]
    check(unasked, "no unasked events list")
    return {e["id"]: e for e in unasked[-1]["events"]}


async def main():
    seats = venue_free_seat_ids()[0:2]
    with open(VENUE) as f:
        text = f.read()
    venue_id = json.loads(text)["id"]
    lines = text.split("\n")
    lines[9] = " @" + lines[9][1:]  # line 10, column 2: not JSON
    broken = "\n".join(lines)

    with Server() as server:
        server.create_event()
        server.run_command("create-event", "--store=" + server.store, "--venue=" + VENUE,
                           "--id=past", "--name=Past", "--time-zone=Europe/Berlin",
                           "--sales-close=2020-01-01T00:00:00")
        bad = server.run_command("create-event", "--store=" + server.store, "--venue=" + VENUE,
                                 "--id=bad", "--name=Bad", "--time-zone=Mars/Base",
                                 check_status=False)
        check(bad.returncode == 2 and "time-zone" in bad.stderr, "bad zone: %r" % (bad,))
        server.start()
        manager = await Client.connect(server, client_id="office", user="manager")
        desk = await Client.connect(server, client_id="desk-1", user="clerk")

        listed = {e["id"]: e for e in (await desk.request("list_events"))["events"]}
        check(listed["past"]["time_zone"] == "Europe/Berlin"
              and listed["past"]["sales_close"] == CLOSED_2020_MS
              and listed["past"]["sales_open"] is None, "past: %r" % listed["past"])
        check(listed[EVENT]["sales_close"] is None and listed[EVENT]["time_zone"] is None,
              "plain: %r" % listed[EVENT])
        error_of(await desk.request("hold", event="past", seats=seats), "sales_closed")

        forbidden = error_of(await desk.request("create_event", event="gala", name="Gala",
                                                venue=venue_id), "forbidden")
        check(forbidden.get("required_role") == "manager", "role: %r" % forbidden)

        refused = error_of(await manager.request("create_event", event="gala", name="Gala",
                                                 venue_text=broken), "invalid_request")
        check(refused.get("field") == "venue_text" and refused.get("line") == 10
              and refused.get("column") == 2 and "venue_text:10:2:" in refused["message"],
              "broken venue: %r" % refused)
        bad_price = json.loads(text)
        bad_price["categories"][0]["price"] = -5
        invalid = error_of(await manager.request("create_event", event="gala", name="Gala",
                                                 venue_text=json.dumps(bad_price)),
                           "invalid_request")
        check(invalid.get("field") == "venue_text" and "line" not in invalid
              and invalid["message"].startswith("venue_text: categories[0]")
              and "price" in invalid["message"], "invalid venue: %r" % invalid)
        error_of(await manager.request("create_event", event="gala", name="Gala",
                                       venue="no-such-venue"), "not_found")
        error_of(await manager.request("create_event", event="gala", name="Gala",
                                       venue_text=text, time_zone="Mars/Base"),
                 "invalid_request")

        created = await manager.request(
            "create_event", event="gala", name="Gala", venue_text=text,
            time_zone="Europe/Berlin", starts_at="2030-12-31T20:00:00",
            sales_open="2020-01-01T00:00:00", orphan_rule="warn")
        check(created["type"] == "event_created" and created["events"][0]["id"] == "gala"
              and created["events"][0]["starts_at"] == 1924974000000
              and created["events"][0]["sales_open"] == CLOSED_2020_MS, "created: %r" % created)
        await desk.wait_for(lambda m: m.get("type") == "events" and m.get("re") is None
                            and any(e["id"] == "gala" for e in m["events"]),
                            what="the new list of events")
        unasked_events(manager)
        check("gala" in unasked_events(desk), "the desk's list")
        error_of(await manager.request("create_event", event="gala", name="Gala",
                                       venue=venue_id), "exists")
        by_id = await manager.request("create_event", event="gala-2", name="Gala 2",
                                      venue=venue_id, sales_open="2099-01-01T00:00:00Z")
        check(by_id["type"] == "event_created", "by venue id: %r" % by_id)
        error_of(await desk.request("hold", event="gala-2", seats=seats), "sales_not_open")

        snapshot = await desk.request("subscribe", event="gala")
        check(snapshot["type"] == "snapshot" and snapshot["event"]["id"] == "gala",
              "subscribe: %r" % snapshot)
        held = await desk.request("hold", event="gala", seats=seats, ttl=60)
        check(held["type"] == "held", "hold in the window: %r" % held)
        other = await desk.request("hold", event="gala", seats=venue_free_seat_ids()[5:6],
                                   ttl=60)
        check(other["type"] == "held", "second hold: %r" % other)

        closed = await manager.request("close_sales", event="gala")
        check(closed["type"] == "sales_closed" and closed["event"] == "gala", "close: %r" % closed)
        await desk.wait_for(lambda m: m.get("type") == "events" and m.get("re") is None and any(
            e["id"] == "gala" and e["sales_close"] == closed["sales_close"] for e in m["events"]),
            what="the list with sales closed")
        again = await manager.request("close_sales", event="gala")
        check(again["sales_close"] == closed["sales_close"], "idempotent: %r" % again)
        error_of(await manager.request("close_sales", event="nope"), "not_found")
        error_of(await desk.request("close_sales", event="gala"), "forbidden")

        error_of(await desk.request("book", hold=held["hold"]), "sales_closed")
        error_of(await desk.request("book", event="gala", seats=venue_free_seat_ids()[8:9]),
                 "sales_closed")
        error_of(await desk.request("hold_best", event="gala", count=2), "sales_closed")
        released = await desk.request("release", hold=other["hold"])
        check(released["type"] == "released", "release after the close: %r" % released)

        trail = await manager.request("audit", event="gala")
        closes = [e for e in trail["entries"] if e["action"] == "close_sales"]
        check(len(closes) == 1 and closes[0]["account"] == "manager", "audit: %r" % closes)

        unasked_events(manager)
        unasked_events(desk)

        # An event created on the command line while the server runs is served without a
        # restart: listed to every client, unasked, and open for holds.
        server.run_command("create-event", "--store=" + server.store, "--venue=" + VENUE,
                           "--id=matinee", "--name=Matinee")
        await desk.wait_for(lambda m: m.get("type") == "events" and m.get("re") is None
                            and any(e["id"] == "matinee" for e in m["events"]),
                            what="the list with the event made on the command line")
        held = await desk.request("hold", event="matinee", seats=seats, ttl=60)
        check(held["type"] == "held", "a hold in the event made on the command line: %r" % held)
        await manager.wait_for(lambda m: m.get("type") == "events" and m.get("re") is None
                               and any(e["id"] == "matinee" for e in m["events"]),
                               what="the manager's list")
        unasked_events(manager)
        unasked_events(desk)
        await finish(server, desk, manager)


if __name__ == "__main__":
    run(main)
