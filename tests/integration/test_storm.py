#!/usr/bin/python3
"""(a) Storm: many clients race for the same few seats with holds, releases, books by hold and
direct books. Afterwards: each seat has at most one booking, every success was acknowledged once
and to one client only, every client's view (snapshot + `changed`, checked for gaps) equals the
database, and the full change log replayed from version 0 is a legal history that contains every
acknowledged success."""

import asyncio
import random

from sbtest import EVENT, Client, Server, check, run, venue_free_seat_ids

N_CLIENTS = 60
ATTEMPTS_PER_CLIENT = 200
N_TARGET_SEATS = 60


async def worker(client, seats, rng, outcomes):
    for attempt in range(ATTEMPTS_PER_CLIENT):
        chosen = rng.sample(seats, rng.choice((1, 1, 2)))
        # Mostly holds and releases (many versions, constant contention); the race to book
        # directly heats up in the last quarter.
        direct_book_rate = 0.01 if attempt < ATTEMPTS_PER_CLIENT * 3 // 4 else 0.3
        if rng.random() >= direct_book_rate:
            reply = await client.request("hold", event=EVENT, seats=chosen, ttl=120)
            outcomes.append((client.client_id, "hold", chosen, reply))
            if reply["type"] != "held":
                check(reply["type"] == "error" and reply["code"] == "seat_unavailable",
                      "unexpected hold reply %r" % reply)
                continue
            if rng.random() < 0.005:
                reply2 = await client.request("book", hold=reply["hold"])
                outcomes.append((client.client_id, "book", reply["seats"], reply2))
                check(reply2["type"] == "booked", "booking one's own hold failed: %r" % reply2)
            else:
                reply2 = await client.request("release", hold=reply["hold"])
                outcomes.append((client.client_id, "release", reply["seats"], reply2))
                check(reply2["type"] == "released", "releasing one's own hold failed: %r" % reply2)
        else:
            reply = await client.request("book", event=EVENT, seats=chosen)
            outcomes.append((client.client_id, "book", chosen, reply))
            check(reply["type"] == "booked" or reply.get("code") == "seat_unavailable",
                  "unexpected book reply %r" % reply)


async def main():
    rng = random.Random(20251126)
    with Server() as server:
        server.create_event()
        server.start("--requests-per-second=100000", "--burst=100000")
        seats = venue_free_seat_ids()[:N_TARGET_SEATS]

        clients = [await Client.connect(server) for _ in range(N_CLIENTS)]
        for client in clients:
            reply = await client.request("subscribe", event=EVENT)
            check(reply["type"] == "snapshot", "subscribe: %r" % reply)

        outcomes = []
        await asyncio.gather(*(worker(c, seats, random.Random(rng.random()), outcomes)
                               for c in clients))
        check(len(outcomes) >= N_CLIENTS * ATTEMPTS_PER_CLIENT, "too few requests ran")

        # Successes: no two clients were told they got the same seat.
        booked_by = {}
        bookings = {}
        for client_id, kind, chosen, reply in outcomes:
            if reply["type"] == "booked":
                check(sorted(reply["seats"]) == sorted(chosen), "booked other seats: %r" % reply)
                check(reply["booking"] not in bookings, "booking id reused: %r" % reply)
                bookings[reply["booking"]] = (client_id, reply["seats"])
                for seat in reply["seats"]:
                    check(seat not in booked_by, "seat %s booked twice: %r and %r" %
                          (seat, booked_by.get(seat), reply))
                    booked_by[seat] = (reply["booking"], client_id)
        check(bookings, "nobody booked anything")

        # The database agrees with what was acknowledged, and nothing more.
        version = server.db_version()
        db_bookings = server.db_bookings()
        check(db_bookings == booked_by, "database bookings differ from acknowledged ones:\n%r\n%r"
              % (db_bookings, booked_by))
        db_states = server.db_seat_states()

        # Every client's view, built from its snapshot and `changed` messages, equals the database.
        for client in clients:
            await client.wait_version(EVENT, version)
            view = client.views[EVENT].non_free()
            check(view == db_states, "a client's view differs from the database:\n%r\n%r"
                  % (view, db_states))
            client.check_clean()

        # The whole history from version 0 (older than the server's in-memory ring when the
        # storm ran long enough, then the store's log answers).
        checker = await Client.connect(server)
        replay = await checker.request("subscribe", event=EVENT, since=0)
        check(replay["type"] == "replay", "no replay from 0: %r" % {k: v for k, v in replay.items() if k != "venue"})
        check(replay["version"] == version and len(replay["changes"]) == version,
              "replay does not cover every version")
        state = {}
        hold_changes = {}
        for change in replay["changes"]:
            for entry in change["seats"]:
                before = state.get(entry["id"], ("free", None))
                after = (entry["state"], entry.get("hold"))
                legal = {("free", "held"), ("held", "free"), ("held", "booked"), ("free", "booked")}
                check((before[0], after[0]) in legal,
                      "illegal transition of %s at version %d: %r -> %r" % (entry["id"], change["version"], before, after))
                state[entry["id"]] = after
                if after[0] == "held":
                    hold_changes.setdefault(after[1], set()).add(entry["id"])
        for client_id, kind, chosen, reply in outcomes:
            if reply["type"] == "held":
                check(hold_changes.get(reply["hold"]) == set(reply["seats"]),
                      "acknowledged hold %s is not in the log as such" % reply["hold"])
        check({s: v for s, v in state.items() if v[0] != "free"} ==
              {s: v for s, v in db_states.items() if v[0] != "blocked"},
              "the log does not lead to the database state")
        await checker.close()

        for client in clients:
            await client.close()
        check(server.stop() == 0, "server did not exit cleanly")
        server.check_log_clean()
        print("%d requests, %d bookings, version %d" % (len(outcomes), len(bookings), version))


if __name__ == "__main__":
    run(main)
