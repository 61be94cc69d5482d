#!/usr/bin/python3
"""Issue 11 item 4 with the real binary: a clerk moves a booking to other seats while another
desk books one of those seats at the same moment, round after round. Exactly one of the two wins
each race: the move (the booking keeps its reference, has the new seats, the booker gets
seat_unavailable naming the seat) or the booking (the move gets seat_unavailable naming it and
changes nothing: the old seats stay the booking's). Retries of both requests are replayed with
the same outcome. No seat is ever in two bookings, and what every subscriber saw agrees with the
database. Then: the moved reply's totals and difference from the venue's prices, one `changed`
for both sides, find_bookings by the new seat, the audit entry, and the roles (a viewer may not
move; a clerk may not override the orphan rule); with accounts=off any desk may move."""

import asyncio
import json

from sbtest import EVENT, VENUE, Client, Server, check, finish, run, venue_free_seat_ids

ROUNDS = 16


def prices():
    with open(VENUE) as f:
        venue = json.load(f)
    price = {c["id"]: c["price"] for c in venue["categories"]}
    return {seat["id"]: price[seat["category"]] for section in venue["sections"]
            for row in section["rows"] for seat in row["seats"]}


def error_of(reply, code):
    check(reply["type"] == "error" and reply["code"] == code, "expected %s: %r" % (code, reply))
    return reply


def without_replayed(reply):
    return {k: v for k, v in reply.items() if k != "replayed"}


async def race(anna, ben, reference, old, new, round_number):
    """anna moves booking reference from old to new while ben books new[1]. Returns who won."""
    move_id, book_id = "m-%d" % round_number, "b-%d" % round_number
    move = dict(event=EVENT, booking=reference, **{"from": old, "to": new})
    # Sent back to back on two connections, alternating which goes first.
    if round_number % 2 == 0:
        moving = await anna.send("move", id=move_id, **move)
        booking = await ben.send("book", id=book_id, event=EVENT, seats=new[1:2])
    else:
        booking = await ben.send("book", id=book_id, event=EVENT, seats=new[1:2])
        moving = await anna.send("move", id=move_id, **move)
    moved, booked = await asyncio.wait_for(asyncio.gather(moving, booking), 20)

    check((moved["type"] == "moved") != (booked["type"] == "booked"),
          "exactly one wins: %r / %r" % (moved, booked))
    if moved["type"] == "moved":
        check(moved["booking"] == reference and moved["from"] == old and moved["to"] == new
              and moved["seats"] == sorted(new), "moved: %r" % moved)
        loser = error_of(booked, "seat_unavailable")
        check(loser["seats"] == new[1:2], "the booker is told which seat: %r" % loser)
    else:
        check(booked["seats"] == new[1:2] and booked["booking"] != reference, "booked: %r" % booked)
        loser = error_of(moved, "seat_unavailable")
        check(loser["seats"] == new[1:2] and new[1] in loser["message"],
              "the move names the taken seat: %r" % loser)

    # Retries of both, with their ids: the same outcome, replayed (a store refusal is stored).
    move_again = await anna.request("move", id=move_id, **move)
    check(move_again.get("replayed") is True
          and without_replayed(move_again) == without_replayed(moved),
          "move retry: %r after %r" % (move_again, moved))
    book_again = await ben.request("book", id=book_id, event=EVENT, seats=new[1:2])
    check(without_replayed(book_again) == without_replayed(booked)
          and (booked["type"] == "error" or book_again.get("replayed") is True),
          "book retry: %r after %r" % (book_again, booked))
    return "move" if moved["type"] == "moved" else "book"


async def accounts_required():
    free = venue_free_seat_ids()
    price = prices()
    with Server() as server:
        server.create_event()
        server.start()
        server.add_account("anna", role="clerk")
        server.add_account("ben", role="clerk")
        anna = await Client.connect(server, client_id="desk-1", user="anna")
        ben = await Client.connect(server, client_id="desk-2", user="ben")
        viewer = await Client.connect(server, client_id="desk-3", user="viewer")
        manager = await Client.connect(server, client_id="office", user="manager")
        watcher = await Client.connect(server, client_id="watcher", user="viewer")
        await watcher.request("subscribe", event=EVENT)

        wins = {"move": 0, "book": 0}
        references = []
        for i in range(ROUNDS):
            old, new = free[4 * i:4 * i + 2], free[4 * i + 2:4 * i + 4]
            booked = await anna.request("book", event=EVENT, seats=old)
            check(booked["type"] == "booked", "book: %r" % booked)
            references.append(booked["booking"])
            wins[await race(anna, ben, booked["booking"], old, new, i)] += 1
        check(wins["move"] + wins["book"] == ROUNDS, "every race has one winner: %r" % wins)
        # Which side wins depends on timing; both are checked whenever they happen.
        print("races won: %(move)d by the move, %(book)d by the booking" % wins)

        # No seat in two bookings, every booked seat in exactly one, and the subscriber's view
        # (built from every `changed`) equals the database.
        await watcher.wait_version(EVENT, server.db_version())
        states = server.db_seat_states()
        owners = server.db_bookings()
        check(sorted(owners) == sorted(s for s, (state, _) in states.items() if state == "booked"),
              "booking_seats and seat_states agree: %r / %r" % (owners, states))
        view = watcher.views[EVENT].non_free()
        check({s: v[0] for s, v in view.items()} == {s: v[0] for s, v in states.items()},
              "the subscriber's view equals the database")
        for i, reference in enumerate(references):
            old, new = free[4 * i:4 * i + 2], free[4 * i + 2:4 * i + 4]
            mine = sorted(s for s, (b, _) in owners.items() if b == reference)
            check(mine == sorted(new) or mine == sorted(old),
                  "booking %s has %r" % (reference, mine))
            if mine == sorted(old):
                check(owners[new[1]][0] != reference and new[0] not in owners,
                      "a refused move changed nothing: %r" % owners)

        # A move whose prices differ: one `changed` with both sides, the totals from the venue.
        old, new = free[100:102], free[-2:]  # stalls at 4500, balcony at 1800
        booked = await anna.request("book", event=EVENT, seats=old)
        version = server.db_version()
        moved = await anna.request("move", event=EVENT, booking=booked["booking"], to=new)
        before = price[old[0]] + price[old[1]]
        after = price[new[0]] + price[new[1]]
        check(before != after, "the test needs seats of other prices")
        check(moved["type"] == "moved" and moved["total_before"] == before
              and moved["total_after"] == after and moved["difference"] == after - before
              and moved["currency"] == "EUR" and moved["from"] == old,
              "moved with prices: %r" % moved)
        changed = await watcher.wait_for(
            lambda m: m.get("type") == "changed" and m["version"] == version + 1,
            what="the move's change")
        check(changed["from_version"] == version
              and sorted((s["id"], s["state"]) for s in changed["seats"])
              == sorted([(s, "free") for s in old] + [(s, "booked") for s in new]),
              "one change frees the old seats and books the new: %r" % changed)
        found = await anna.request("find_bookings", event=EVENT, seat=new[0])
        check([b["reference"] for b in found["bookings"]] == [booked["booking"]]
              and found["bookings"][0]["seats"] == sorted(new)
              and found["bookings"][0]["total_price"] == after, "find_bookings: %r" % found)
        gone = await anna.request("find_bookings", event=EVENT, seat=old[0])
        check(gone["bookings"] == [], "not found by a seat it gave up: %r" % gone)
        trail = await manager.request("audit", event=EVENT, booking=booked["booking"])
        last = trail["entries"][-1]
        check(last["action"] == "move" and last["account"] == "anna" and last["desk"] == "desk-1"
              and last["seats"] == old + new
              and last["detail"] == "moved %s → %s, %s → %s; total %d → %d" % (
                  old[0], new[0], old[1], new[1], before, after), "audit: %r" % last)

        # Roles: a viewer may not move; a clerk may not override the orphan rule.
        denied = error_of(await viewer.request("move", event=EVENT, booking=booked["booking"],
                                               to=old), "forbidden")
        check(denied.get("required_role") == "clerk", "viewer: %r" % denied)
        denied = error_of(await anna.request("move", event=EVENT, booking=booked["booking"],
                                             to=old, override_orphan_rule=True), "forbidden")
        check(denied.get("required_role") == "manager", "override: %r" % denied)
        # Refusals name the field or seat; an unknown seat is answered before the store.
        unknown = error_of(await anna.request("move", event=EVENT, booking=booked["booking"],
                                              to=["nowhere-1", "nowhere-2"]), "invalid_request")
        check("nowhere-1" in unknown["message"], "unknown seat: %r" % unknown)
        counts = error_of(await anna.request("move", event=EVENT, booking=booked["booking"],
                                             to=old[0:1]), "invalid_request")
        check("2 seats to move" in counts["message"], "counts differ: %r" % counts)
        error_of(await anna.request("move", event=EVENT, booking="NOSUCHB1", to=old), "not_found")
        check(server.db_version() == version + 1, "refusals changed nothing")

        await finish(server, anna, ben, viewer, manager, watcher)


async def accounts_off():
    """Without accounts any desk may move any booking; the trail records it under legacy."""
    free = venue_free_seat_ids()
    with Server() as server:
        server.create_event()
        server.start("--accounts=off")
        desk1 = await Client.connect(server, sign_in=False)
        desk2 = await Client.connect(server, sign_in=False)
        booked = await desk1.request("book", event=EVENT, seats=free[0:1])
        moved = await desk2.request("move", event=EVENT, booking=booked["booking"],
                                    to=free[1:2])
        check(moved["type"] == "moved" and moved["seats"] == free[1:2],
              "accounts=off: %r" % moved)
        log = await desk2.request("audit", event=EVENT, booking=booked["booking"])
        check([(e["action"], e["account"]) for e in log["entries"]]
              == [("book", "legacy"), ("move", "legacy")], "accounts=off, audit: %r" % log)
        await finish(server, desk1, desk2)


async def main():
    await accounts_required()
    await accounts_off()


if __name__ == "__main__":
    run(main)
