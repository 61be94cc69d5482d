#!/usr/bin/python3
"""hold_best (issue 13): the best seats side by side, held in the store's transaction, on the real
server: the answer is a row's adjacent free seats, a retry is replayed, a request no seats fit is
refused with how many could be had, and 50 desks asking at the same moment on a nearly full event
get disjoint seats."""

import asyncio
import json

from sbtest import EVENT, VENUE, Client, Server, check, finish, run


def venue_rows():
    """seat id -> (row key, position, gap_after, category) from the venue document."""
    with open(VENUE) as f:
        venue = json.load(f)
    seats = {}
    for section in venue["sections"]:
        for row in section["rows"]:
            for position, seat in enumerate(row["seats"]):
                seats[seat["id"]] = ((section["id"], row["id"]), position,
                                     seat.get("gap_after", False), seat["category"])
    return seats


def side_by_side(seats, chosen):
    places = sorted(seats[s][:3] for s in chosen)
    for a, b in zip(places, places[1:]):
        if a[0] != b[0] or b[1] != a[1] + 1 or a[2]:
            return False
    return True


async def main():
    seats = venue_rows()
    with Server() as server:
        server.create_event()
        server.start()
        desk = await Client.connect(server)

        held = await desk.request("hold_best", id="best-1", event=EVENT, count=4)
        check(held["type"] == "held", "hold_best: %r" % held)
        check(len(held["seats"]) == 4 and side_by_side(seats, held["seats"]),
              "not side by side: %r" % held["seats"])
        again = await desk.request("hold_best", id="best-1", event=EVENT, count=4)
        check(again["type"] == "held" and again.get("replayed") is True
              and again["seats"] == held["seats"], "retry: %r" % again)

        # The next best four are elsewhere: nothing is held twice.
        second = await desk.request("hold_best", event=EVENT, count=4, together=True)
        check(second["type"] == "held" and not set(second["seats"]) & set(held["seats"]),
              "second: %r" % second)

        cheap = await desk.request("hold_best", event=EVENT, count=3, together=False,
                                   categories=["balcony"])
        check(cheap["type"] == "held" and all(seats[s][3] == "balcony" for s in cheap["seats"]),
              "categories: %r" % cheap)

        too_many = await desk.request("hold_best", event=EVENT, count=50)
        check(too_many["type"] == "error" and too_many["code"] == "not_enough_seats"
              and isinstance(too_many.get("available"), int) and 0 < too_many["available"] < 50,
              "too many: %r" % too_many)
        unknown = await desk.request("hold_best", event=EVENT, count=2, categories=["vip"])
        check(unknown["type"] == "error" and unknown["code"] == "invalid_request", repr(unknown))
        bad = await desk.request("hold_best", event=EVENT, count=51)
        check(bad["type"] == "error" and bad["code"] == "invalid_request", repr(bad))

        # Nearly full: 130 more seats held, best first, two at a time; about 59 stay free.
        for _ in range(65):
            filler = await desk.request("hold_best", event=EVENT, count=2, ttl=600)
            check(filler["type"] == "held", "filling: %r" % filler)

        desks = [await Client.connect(server) for _ in range(50)]
        replies = await asyncio.gather(*(d.request("hold_best", event=EVENT, count=2)
                                         for d in desks))
        taken = set()
        n_held = 0
        for reply in replies:
            if reply["type"] == "held":
                n_held += 1
                check(not taken & set(reply["seats"]), "seats held twice: %r" % reply["seats"])
                check(side_by_side(seats, reply["seats"]), "apart: %r" % reply["seats"])
                taken |= set(reply["seats"])
            else:
                check(reply["type"] == "error" and reply["code"] == "not_enough_seats",
                      "concurrent: %r" % reply)
        check(n_held > 0, "no desk got seats")
        await finish(server, desk, *desks)


run(main)
