#!/usr/bin/python3
"""Issue 11 item 5 with the real binary: a manager blocks free seats (every subscriber sees them
`blocked`), a hold of them is refused at once from the live state; after the unblock they turn
`free` and the same hold request, retried with its id, succeeds; a retried block is replayed; a
clerk may not block; held seats are refused; seats blocked by the venue cannot be unblocked; the
audit trail shows both with their reason. A manager who picked seats on the map holds them first:
`block` takes them from that hold in one version (the hold keeps its other seats, which every copy
of it shows, or ends), and the same account at another desk may not block them."""

import json
import sqlite3

from sbtest import (EVENT, VENUE, Client, Server, check, close_clients, finish, run,
                    venue_free_seat_ids)


def error_of(reply, code):
    check(reply["type"] == "error" and reply["code"] == code, "expected %s: %r" % (code, reply))
    return reply


def venue_blocked_seat():
    with open(VENUE) as f:
        venue = json.load(f)
    return next(seat["id"] for section in venue["sections"] for row in section["rows"]
                for seat in row["seats"] if seat.get("blocked", False))


async def main():
    seats = venue_free_seat_ids()[20:22]
    with Server() as server:
        server.create_event()
        server.start()
        desk = await Client.connect(server, client_id="desk-1", user="clerk")
        manager = await Client.connect(server, client_id="office", user="manager")
        await desk.request("subscribe", event=EVENT)

        error_of(await desk.request("block", event=EVENT, seats=seats, reason="camera"),
                 "forbidden")
        blocked = await manager.request("block", id="k-1", event=EVENT, seats=seats,
                                        reason="camera position")
        check(blocked == {"type": "blocked", "re": "k-1", "event": EVENT, "seats": seats},
              "block: %r" % blocked)
        await desk.wait_for(lambda m: m.get("type") == "changed" and sorted(
            s["id"] for s in m["seats"] if s["state"] == "blocked") == sorted(seats),
            what="the seats turning blocked")
        again = await manager.request("block", id="k-1", event=EVENT, seats=seats,
                                      reason="camera position")
        check(again.get("replayed") is True, "retry: %r" % again)

        refused = error_of(await desk.request("hold", id="h-1", event=EVENT, seats=seats[0:1]),
                           "seat_unavailable")
        check("replayed" not in refused, "refused from the live state: %r" % refused)

        unblocked = await manager.request("unblock", event=EVENT, seats=seats[0:1],
                                          reason="camera moved")
        check(unblocked["type"] == "unblocked" and unblocked["seats"] == seats[0:1],
              "unblock: %r" % unblocked)
        await desk.wait_for(lambda m: m.get("type") == "changed" and any(
            s["id"] == seats[0] and s["state"] == "free" for s in m["seats"]),
            what="the seat turning free")
        held = await desk.request("hold", id="h-1", event=EVENT, seats=seats[0:1], ttl=60)
        check(held["type"] == "held", "the unblocked seat held with the id refused before: %r"
              % held)

        # Held seats cannot be blocked, nor free ones unblocked, nor the venue's own unblocked.
        error_of(await manager.request("block", event=EVENT, seats=seats[0:1], reason="x"),
                 "seat_unavailable")
        error_of(await manager.request("unblock", event=EVENT,
                                       seats=[venue_free_seat_ids()[30]], reason="x"),
                 "invalid_request")
        venue_seat = venue_blocked_seat()
        venue_refusal = error_of(await manager.request("unblock", event=EVENT, seats=[venue_seat],
                                                       reason="x"), "invalid_request")
        check("venue" in venue_refusal["message"], "venue: %r" % venue_refusal)

        trail = await manager.request("audit", event=EVENT, seat=seats[0])
        actions = [(e["action"], e["account"], e.get("detail")) for e in trail["entries"]]
        check(actions[:2] == [("block", "manager", "camera position"),
                              ("unblock", "manager", "camera moved")], "audit: %r" % actions)
        states = server.db_seat_states()
        check(states.get(seats[1], (None,))[0] == "blocked" and states[seats[0]][0] == "held",
              "database: %r" % {s: states.get(s) for s in seats})

        await own_hold(server, desk, manager)
        await finish(server, desk, manager)


def holds_of(reply, hold):
    return [h["seats"] for h in reply["holds"] if h["hold"] == hold]


async def own_hold(server, desk, manager):
    picked = venue_free_seat_ids()[40:43]
    held = await manager.request("hold", event=EVENT, seats=picked, ttl=120)
    check(held["type"] == "held", "the manager's hold: %r" % held)
    hold = held["hold"]
    version = server.db_version()

    taken = await manager.request("block", id="k-own", event=EVENT, seats=picked[0:2],
                                  reason="house seats")
    check(taken == {"type": "blocked", "re": "k-own", "event": EVENT, "seats": picked[0:2]},
          "block of the manager's own held seats: %r" % taken)
    changed = await desk.wait_for(lambda m: m.get("type") == "changed" and any(
        s["id"] == picked[0] and s["state"] == "blocked" for s in m["seats"]),
        what="the held seats turning blocked")
    check(changed["from_version"] == version and changed["version"] == version + 1
          and server.db_version() == version + 1
          and sorted((s["id"], s["state"]) for s in changed["seats"])
          == sorted((s, "blocked") for s in picked[0:2]), "one version: %r" % changed)
    states = server.db_seat_states()
    check([states.get(s) for s in picked] == [("blocked", None), ("blocked", None),
                                              ("held", hold)], "database: %r" % states)

    # The hub's copy of the hold keeps the third seat: signed_in at another desk of the account
    # lists it, and that desk may not block it (a desk takes only its own holds' seats).
    other = await Client.connect(server, client_id="office-2", user="manager")
    check(holds_of(other.signed_in, hold) == [picked[2:3]], "signed_in: %r" % other.signed_in)
    refused = error_of(await other.request("block", event=EVENT, seats=picked[2:3], reason="x"),
                       "seat_unavailable")
    check(refused.get("seats") == picked[2:3], "another desk's block: %r" % refused)
    again = await manager.request("block", id="k-own", event=EVENT, seats=picked[0:2],
                                  reason="house seats")
    check(again.get("replayed") is True and again["seats"] == picked[0:2], "retry: %r" % again)

    # The last seat: the hold ends.
    last = await manager.request("block", event=EVENT, seats=picked[2:3], reason="house seats")
    check(last["type"] == "blocked", "the last seat: %r" % last)
    await desk.wait_for(lambda m: m.get("type") == "changed" and any(
        s["id"] == picked[2] and s["state"] == "blocked" for s in m["seats"]),
        what="the last held seat turning blocked")
    third = await Client.connect(server, client_id="office-3", user="manager")
    check(holds_of(third.signed_in, hold) == [], "the hold ended: %r" % third.signed_in)
    gone = await manager.request("book", hold=hold)
    check(gone["type"] == "error" and gone["code"] == "not_found",
          "book of the ended hold: %r" % gone)
    check(all(server.db_seat_states().get(s) == ("blocked", None) for s in picked),
          "database: %r" % server.db_seat_states())
    con = sqlite3.connect("file:%s?mode=ro" % server.db, uri=True)
    try:
        status = con.execute("SELECT status FROM holds WHERE hold_id = ?", (hold,)).fetchone()
    finally:
        con.close()
    check(status == ("released",), "the hold ended as released: %r" % (status,))
    trail = await manager.request("audit", event=EVENT, seat=picked[0])
    actions = [(e["action"], e.get("detail")) for e in trail["entries"]]
    check(actions == [("hold", None), ("block", "house seats")], "audit: %r" % actions)
    await close_clients(other, third)


if __name__ == "__main__":
    run(main)
