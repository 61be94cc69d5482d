#!/usr/bin/python3
"""Issue 11 item 5 with the real binary: a manager blocks free seats (every subscriber sees them
`blocked`), a hold of them is refused at once from the live state; after the unblock they turn
`free` and the same hold request, retried with its id, succeeds; a retried block is replayed; a
clerk may not block; held seats are refused; seats blocked by the venue cannot be unblocked; the
audit trail shows both with their reason."""

import json

from sbtest import EVENT, VENUE, Client, Server, check, finish, run, venue_free_seat_ids


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

        await finish(server, desk, manager)


if __name__ == "__main__":
    run(main)
