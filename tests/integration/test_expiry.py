#!/usr/bin/python3
"""(d) A hold with a ttl of 1 s expires: subscribers see its seats turn free, and the holder can
neither extend nor book it any more. An extended hold does not expire at its first deadline."""

import asyncio
import time

from sbtest import EVENT, Client, Server, check, finish, run, venue_free_seat_ids


async def main():
    seats = venue_free_seat_ids()
    with Server() as server:
        server.create_event()
        server.start()

        watcher = await Client.connect(server)
        await watcher.request("subscribe", event=EVENT)
        holder = await Client.connect(server, client_id="holder")

        short = await holder.request("hold", event=EVENT, seats=[seats[0], seats[1]], ttl=1)
        check(short["type"] == "held" and 0 < short["remaining_ms"] <= 1000, "%r" % short)
        kept = await holder.request("hold", event=EVENT, seats=[seats[2]], ttl=2)
        check(kept["type"] == "held", "%r" % kept)
        extended = await holder.request("extend", hold=kept["hold"], ttl=600)
        check(extended["type"] == "extended" and extended["remaining_ms"] > 500_000, "%r" % extended)

        await watcher.wait_for(lambda m: m["type"] == "changed" and any(
            s["id"] == seats[0] and s["state"] == "held" for s in m["seats"]), what="the hold")
        started = time.monotonic()
        await watcher.wait_for(lambda m: m["type"] == "changed" and any(
            s["id"] == seats[0] and s["state"] == "free" for s in m["seats"]),
            timeout=30, what="the expiry broadcast")
        check(time.monotonic() - started < 30, "")
        view = watcher.views[EVENT]
        check(view.seats[seats[0]][0] == "free" and view.seats[seats[1]][0] == "free",
              "expired seats not free")
        check(view.seats[seats[2]] == ("held", kept["hold"]), "extended hold lost")

        late = await holder.request("extend", hold=short["hold"], ttl=60)
        check(late["type"] == "error" and late["code"] == "hold_expired" and late.get("hold") == short["hold"],
              "extend after expiry: %r" % late)
        late_book = await holder.request("book", hold=short["hold"])
        check(late_book["type"] == "error" and late_book["code"] == "hold_expired", "%r" % late_book)

        # Past the extended hold's first deadline (2 s) it is still there.
        await asyncio.sleep(2.5)
        again = await Client.connect(server, client_id="holder")
        check([h["hold"] for h in again.welcome["holds"]] == [kept["hold"]]
              and again.welcome["holds"][0]["remaining_ms"] > 500_000,
              "welcome.holds: %r" % again.welcome["holds"])
        snapshot = await again.request("subscribe", event=EVENT)
        check([h["hold"] for h in snapshot["holds"]] == [kept["hold"]], "snapshot.holds: %r" % snapshot["holds"])
        booked = await again.request("book", hold=kept["hold"])
        check(booked["type"] == "booked" and booked["seats"] == [seats[2]], "%r" % booked)

        # The expiry is in the database too.
        states = server.db_seat_states()
        check(seats[0] not in states and seats[1] not in states and states[seats[2]][0] == "booked",
              "database: %r" % states)
        await finish(server, watcher, holder, again)


if __name__ == "__main__":
    run(main)
