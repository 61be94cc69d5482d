#!/usr/bin/python3
"""Round trips to MongoDB per request of one seatbook-server, on fakemongo.FakeDatabase: a profile
for BENCHMARKS.md ("MongoDB round trips"), not a test.

One client, one request at a time (each request is its own batch): N holds of 2 seats, N books
of those holds, N books of 2 free seats by seat id, N books by seat id of 4 seats the client
holds (the path that used to write each seat on its own); then a storm (20 clients on 2 servers,
each holding 2 seats and booking them) for batches of several ops. For each it prints the commands
the database received per request, by command and collection, the wall time per request and
how much of it the fake spent executing commands. With --trace, it also prints when each command
of one more booking (4 seats of the client's holds) arrived, after the previous one.

Usage: round-trips.py --server PATH [--requests N] [--trace]"""

import argparse
import asyncio
import collections
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

from fakemongo import FakeDatabase  # noqa: E402
import sbtest  # noqa: E402
from sbtest import EVENT, Client, Server, venue_free_seat_ids  # noqa: E402

SERVER_ARGS = ("--requests-per-second=100000", "--burst=100000")
STORM_CLIENTS = 20


def snapshot(fake):
    with fake.db_lock:
        return collections.Counter(fake.command_counts), fake.busy_s


def report(what, fake, before, n, wall):
    counts, busy = snapshot(fake)
    delta = counts - before[0]
    # Change stream getMores run whatever the requests do: not the requests' round trips.
    delta = collections.Counter({k: v for k, v in delta.items() if k[0] != "getMore"})
    total = sum(delta.values())
    print("%-28s %5.1f round trips/request   %6.1f ms/request (fake busy %4.1f ms)"
          % (what, total / n, 1000 * wall / n, 1000 * (busy - before[1]) / n))
    for (name, coll), count in sorted(delta.items(), key=lambda kv: -kv[1]):
        print("    %5.2f  %s %s" % (count / n, name, coll or ""))


async def trace_booking(fake, client, quad):
    arrivals = []
    original = fake.handle

    def handle(request):
        coll = request.doc.get(request.command_name)
        arrivals.append((time.perf_counter(),
                         "%s %s" % (request.command_name, coll if isinstance(coll, str) else "")))
        return original(request)

    reply = await client.request("hold", event=EVENT, seats=quad, ttl=600)
    assert reply["type"] == "held", reply
    fake.handle = handle  # mockupdb calls the bound method it was given: wrap through it
    started = time.perf_counter()
    reply = await client.request("book", event=EVENT, seats=quad)
    done = time.perf_counter()
    fake.handle = original
    assert reply["type"] == "booked", reply
    print("trace of one booking (ms since the previous step):")
    previous = started
    for at, name in arrivals:
        if not name.startswith("getMore"):
            print("    %6.2f  %s" % (1000 * (at - previous), name))
            previous = at
    print("    %6.2f  reply" % (1000 * (done - previous)))


async def sequential(fake, server, seats, n, trace=False):
    client = await Client.connect(server)
    pairs = [seats[2 * i:2 * i + 2] for i in range(2 * n)]
    quads = [seats[4 * n + 4 * i:4 * n + 4 * i + 4] for i in range(n)]
    holds = []
    before, started = snapshot(fake), time.monotonic()
    for pair in pairs[:n]:
        reply = await client.request("hold", event=EVENT, seats=pair, ttl=600)
        assert reply["type"] == "held", reply
        holds.append(reply["hold"])
    report("hold (2 seats)", fake, before, n, time.monotonic() - started)
    before, started = snapshot(fake), time.monotonic()
    for hold in holds:
        reply = await client.request("book", hold=hold)
        assert reply["type"] == "booked", reply
    report("book a hold (2 seats)", fake, before, n, time.monotonic() - started)
    before, started = snapshot(fake), time.monotonic()
    for pair in pairs[n:]:
        reply = await client.request("book", event=EVENT, seats=pair)
        assert reply["type"] == "booked", reply
    report("book 2 free seats", fake, before, n, time.monotonic() - started)
    for quad in quads:
        reply = await client.request("hold", event=EVENT, seats=quad, ttl=600)
        assert reply["type"] == "held", reply
    before, started = snapshot(fake), time.monotonic()
    for quad in quads:
        reply = await client.request("book", event=EVENT, seats=quad)
        assert reply["type"] == "booked", reply
    report("book 4 own held seats", fake, before, n, time.monotonic() - started)
    if trace:
        await trace_booking(fake, client, seats[8 * n:8 * n + 4])
    await client.close()


async def storm_client(client, pair, booked):
    reply = await client.request("hold", event=EVENT, seats=pair, ttl=600)
    if reply["type"] != "held":
        return
    reply = await client.request("book", hold=reply["hold"])
    if reply["type"] == "booked":
        booked.append(reply)


async def storm(fake, servers, seats):
    clients = [await Client.connect(servers[i % 2]) for i in range(STORM_CLIENTS)]
    booked = []
    before, started = snapshot(fake), time.monotonic()
    await asyncio.gather(*(storm_client(c, seats[2 * i:2 * i + 2], booked)
                           for i, c in enumerate(clients)))
    report("storm: hold + book, per booking", fake, before, len(booked),
           time.monotonic() - started)
    for client in clients:
        await client.close()


async def main(args):
    sbtest.SERVER = args.server
    fake = FakeDatabase()
    seats = venue_free_seat_ids()
    n = args.requests
    with Server() as s1, Server() as s2:
        s1.store = s2.store = fake.uri
        s1.create_event()
        s1.start(*SERVER_ARGS)
        await sequential(fake, s1, seats[:8 * n + 4], n, args.trace)
        s2.start(*SERVER_ARGS)
        await storm(fake, [s1, s2], seats[8 * n + 4:])
        s1.stop()
        s2.stop()
    print("fake database: %r" % fake.stats)
    fake.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--trace", action="store_true")
    asyncio.run(main(parser.parse_args()))
    sys.stdout.flush()
    os._exit(0)
