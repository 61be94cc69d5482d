#!/usr/bin/python3
"""Server CPU per hold_best request on the 5,610-seat arena (issue 13, BENCHMARKS.md): the real
seatbook-server with a SQLite store in a temporary directory, one client sending requests one after
another; the server's CPU (user + system, all threads, from /proc/PID/stat) over the requests,
divided by their number.

  empty        hold_best count 2 (together), N requests on an empty event
  nearly-full  the event filled to FILL taken seats first with plain holds, then hold_best count 2
               until fewer than M seats would remain
  hold         for comparison: plain holds of 2 named free seats, N requests on an empty event

Usage: bench/hold-best/bench-hold-best.py [BUILD_DIR] (default: build). Environment: N (500),
FILL (5200). Nothing here is a test."""

import asyncio
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
os.environ.setdefault("SEATBOOK_SERVER", os.path.join(ROOT, BUILD, "server", "seatbook-server"))

import sbtest  # noqa: E402
from sbtest import Client, Server, check  # noqa: E402

ARENA = os.path.join(ROOT, "data", "venues", "arena.json")
N = int(os.environ.get("N", "500"))
FILL = int(os.environ.get("FILL", "5200"))
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def free_seats():
    with open(ARENA) as f:
        venue = json.load(f)
    return [seat["id"] for section in venue["sections"] for row in section["rows"]
            for seat in row["seats"] if not seat.get("blocked", False)]


async def measure(label, server, client, requests):
    before = cpu_seconds(server.proc.pid)
    n_held = 0
    for kind, fields in requests:
        reply = await client.request(kind, **fields)
        if reply["type"] == "held":
            n_held += 1
    used = cpu_seconds(server.proc.pid) - before
    print("%-12s %5d requests (%d held): server CPU %.2f s, %.0f µs per request"
          % (label, len(requests), n_held, used, used * 1e6 / len(requests)))


async def scenario(name):
    with Server() as server:
        server.create_event(event_id="arena", name="Arena", venue=ARENA)
        server.start("--requests-per-second=100000", "--burst=100000")
        sbtest.venue_seat_ids.__defaults__ = (ARENA,)
        client = await Client.connect(server)
        seats = free_seats()
        if name == "hold":
            requests = [("hold", {"event": "arena", "seats": seats[2 * i:2 * i + 2]})
                        for i in range(N)]
        elif name == "empty":
            requests = [("hold_best", {"event": "arena", "count": 2}) for _ in range(N)]
        else:
            for i in range(0, FILL, 50):
                reply = await client.request("hold", event="arena", seats=seats[i:i + 50],
                                             ttl=7200)
                check(reply["type"] == "held", repr(reply))
            left = len(seats) - FILL
            requests = [("hold_best", {"event": "arena", "count": 2, "ttl": 7200})
                        for _ in range(min(N, left // 2 - 5))]
            print("nearly full: %d of %d seats taken before, %d free" % (FILL, len(seats), left))
        await measure(name, server, client, requests)
        await client.close()
        server.stop()


async def main():
    for name in ("hold", "empty", "nearly-full"):
        await scenario(name)


asyncio.run(main())
