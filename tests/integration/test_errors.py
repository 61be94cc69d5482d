#!/usr/bin/python3
"""(f) Each kind of bad input gets its error reply (or close code), the offending connection stays
usable where the protocol says so, and a bystander connected meanwhile goes on unaffected."""

import asyncio
import json

from sbtest import EVENT, Client, Server, check, finish, run, venue_free_seat_ids

RATE = 20
BURST = 40


def error_of(reply, code, re):
    check(reply["type"] == "error" and reply["code"] == code and reply["re"] == re
          and isinstance(reply.get("message"), str),
          "expected %s for %r, got %r" % (code, re, reply))
    return reply


async def bystander(client, seat, stop, counts):
    """Holds and releases one seat over and over; every request must succeed."""
    while not stop.is_set():
        held = await client.request("hold", event=EVENT, seats=[seat], ttl=60)
        check(held["type"] == "held", "bystander hold: %r" % held)
        released = await client.request("release", hold=held["hold"])
        check(released["type"] == "released", "bystander release: %r" % released)
        counts[0] += 1
        await asyncio.sleep(0.1)  # within its rate limit


async def main():
    seats = venue_free_seat_ids()
    with Server() as server:
        server.create_event()
        server.start("--requests-per-second=%d" % RATE, "--burst=%d" % BURST)

        watcher = await Client.connect(server)
        await watcher.request("subscribe", event=EVENT)
        calm = await Client.connect(server)
        stop, counts = asyncio.Event(), [0]
        calm_task = asyncio.ensure_future(bystander(calm, seats[-1], stop, counts))

        # Request before hello, then hello, then hello again.
        c = await Client.connect(server, hello=False)
        error_of(await c.request("ping", id="early"), "invalid_request", "early")
        error_of(await c.request("list_events", id="early2"), "invalid_request", "early2")
        welcome = await c.request("hello", id="h", client="errors", client_id="errors-client", protocol=1)
        check(welcome["type"] == "welcome" and welcome["limits"]["requests_per_second"] == RATE, "%r" % welcome)
        error_of(await c.request("hello", id="h2", client="errors", client_id="x", protocol=1),
                 "invalid_request", "h2")
        await c.sign_in_as(server)

        # Malformed JSON: no readable id, so "re" is null.
        for bad in ("{this is not json", json.dumps(["not", "an", "object"]), '{"id": "no type"}'):
            await c.send_raw(bad)
            re = "no type" if "no type" in bad else None
            error_of(await c.anonymous_reply(re), "invalid_request", re)

        # Unknown type, wrong field types, unknown field, missing field, bad values.
        error_of(await c.request("dance", id="t1"), "invalid_request", "t1")
        error_of(await c.request("hold", id="t2", event=EVENT, seats=seats[0]), "invalid_request", "t2")
        error_of(await c.request("hold", id="t3", event=EVENT, seats=[seats[0]], ttl="60"), "invalid_request", "t3")
        error_of(await c.request("ping", id="t4", colour="red"), "invalid_request", "t4")
        error_of(await c.request("hold", id="t5", event=EVENT), "invalid_request", "t5")
        error_of(await c.request("hold", id="t6", event=EVENT, seats=[seats[0]], ttl=0), "invalid_request", "t6")
        error_of(await c.request("hold", id="t7", event=EVENT, seats=[seats[0]], ttl=7201), "invalid_request", "t7")
        error_of(await c.request("hold", id="t8", event=EVENT, seats=[seats[0], seats[0]]), "invalid_request", "t8")
        error_of(await c.request("book", id="t9", hold="h_x", event=EVENT, seats=[seats[0]]), "invalid_request", "t9")
        error_of(await c.request("subscribe", id="t10", event=EVENT, since=-1), "invalid_request", "t10")

        # Unknown event, unknown seat (named), too many seats, unknown hold.
        error_of(await c.request("hold", id="e1", event="no-such-event", seats=[seats[0]]), "not_found", "e1")
        error_of(await c.request("subscribe", id="e2", event="no-such-event"), "not_found", "e2")
        unknown = error_of(await c.request("hold", id="e3", event=EVENT, seats=[seats[0], "nowhere-Z-99"]),
                           "invalid_request", "e3")
        check("nowhere-Z-99" in unknown["message"], "the unknown seat is not named: %r" % unknown)
        error_of(await c.request("hold", id="e4", event=EVENT, seats=seats[:51]), "invalid_request", "e4")
        error_of(await c.request("book", id="e5", event=EVENT, seats=seats[:51]), "invalid_request", "e5")
        error_of(await c.request("extend", id="e6", hold="h_doesnotexist"), "not_found", "e6")
        error_of(await c.request("release", id="e7", hold="h_doesnotexist"), "not_found", "e7")

        # Another account's hold: forbidden, and nothing changes.
        server.add_account("owner", role="clerk")
        owner = await Client.connect(server, client_id="owner", user="owner")
        held = await owner.request("hold", event=EVENT, seats=[seats[3]], ttl=60)
        check(held["type"] == "held", "%r" % held)
        error_of(await c.request("extend", id="f1", hold=held["hold"], ttl=60), "forbidden", "f1")
        error_of(await c.request("release", id="f2", hold=held["hold"]), "forbidden", "f2")
        error_of(await c.request("book", id="f3", hold=held["hold"]), "forbidden", "f3")
        taken = error_of(await c.request("book", id="f4", event=EVENT, seats=[seats[3], seats[4]]),
                         "seat_unavailable", "f4")
        check(taken["seats"] == [seats[3]], "seat_unavailable names %r" % taken["seats"])
        check((await owner.request("book", hold=held["hold"]))["type"] == "booked", "owner could not book")

        # The connection is still usable after all of that.
        check((await c.request("ping", id="alive"))["type"] == "pong", "connection unusable")

        # Rate limit: a burst well over the allowance; the excess is refused with retry_after_ms
        # and nothing is done for it.
        await asyncio.sleep(BURST / RATE + 0.5)  # a full bucket
        futures = [await c.send("hold", id="rl%d" % i, event=EVENT, seats=[seats[10 + i]], ttl=60)
                   for i in range(BURST * 2)]
        replies = [await asyncio.wait_for(f, 30) for f in futures]
        limited = [r for r in replies if r["type"] == "error" and r["code"] == "rate_limited"]
        done = [r for r in replies if r["type"] == "held"]
        check(limited and len(done) + len(limited) == len(replies), "rate limit: %r" % replies[-3:])
        check(len(done) <= BURST + 5, "%d requests passed a burst of %d" % (len(done), BURST))
        check(all(r["retry_after_ms"] > 0 for r in limited), "retry_after_ms missing")
        states = server.db_seat_states()
        for r in limited:
            i = int(r["re"][2:])
            check(seats[10 + i] not in states, "a rate-limited hold was done")
        await asyncio.sleep(max(r["retry_after_ms"] for r in limited) / 1000 + 0.2)
        check((await c.request("ping", id="after"))["type"] == "pong", "still limited after retry_after_ms")

        # Oversized frame: closed with 1009.
        big = await Client.connect(server)
        await big.send_raw(json.dumps({"type": "ping", "id": "x" * 70000}))
        check(await big.wait_closed() == 1009, "oversized frame: close code %r" % big.closed_code)

        # Binary frame: closed with 4002.
        binary = await Client.connect(server)
        await binary.send_raw(b'{"type": "ping", "id": "b"}')
        check(await binary.wait_closed() == 4002, "binary frame: close code %r" % binary.closed_code)

        # The bystander went on all along, and its connection and the watcher's are fine.
        stop.set()
        await calm_task
        check(counts[0] >= 3, "the bystander made no progress")
        check((await calm.request("ping"))["type"] == "pong", "bystander broken")
        final = server.db_version()
        await watcher.wait_version(EVENT, final)
        check(watcher.views[EVENT].non_free() == server.db_seat_states(), "watcher view differs")
        await finish(server, watcher, calm, c, owner)


if __name__ == "__main__":
    run(main)
