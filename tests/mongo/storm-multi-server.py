#!/usr/bin/python3
"""A booking storm against several seatbook-server processes sharing one store.

Starts N servers on the store named by SEATBOOK_TEST_STORE_URI (run it through with-mongodb.py,
which gives it a fresh MongoDB database), creates one event, and lets many clients, spread over
the servers, race to hold and book the same few seats. Then checks what only a shared database
with transactions and change streams can guarantee:
  - no seat was booked twice, across processes;
  - every server converges to the same version and seat states (change stream fan-out);
  - every seat reported booked to a client is booked on every server.

With --fake, the store is fakemongo.FakeDatabase in this process instead (no MongoDB needed: it has
transactions, write conflicts and change streams; see fakemongo.py).

Usage: storm-multi-server.py --server PATH --venue PATH [--servers 2] [--clients 16] [--rounds 8]
                             [--fake]
Exit 77 when SEATBOOK_TEST_STORE_URI is unset (and no --fake). Deadlines only stop hangs."""

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

try:
    from sbtest import Client, venue_free_seat_ids
except ImportError as e:
    print("SKIP: python3-websockets missing for %s: %s" % (sys.executable, e))
    sys.exit(77)

DEADLINE_S = 120


STORM_USER = "storm-clerk"
STORM_PASSWORD = "storm-clerk-test-password"
tokens = []  # the token of the first sign-in, which every later connection signs in with


def add_account(args, uri):
    """The clerk every client signs in as, made with the CLI (an existing one is kept)."""
    result = subprocess.run([args.server, "user", "add", STORM_USER, "--role=clerk",
                             "--password-file=-", "--store=" + uri],
                            input=STORM_PASSWORD + "\n", capture_output=True, text=True,
                            timeout=DEADLINE_S)
    if result.returncode != 0 and "exists already" not in result.stderr:
        raise RuntimeError("user add failed: %s" % result.stderr)


async def connect(url, name):
    """A client of sbtest with this script's settings: no message size limit, websockets' default
    keepalive pings, replies awaited up to DEADLINE_S; signed in once (by password the first
    time, then with that token)."""
    client = await Client.connect(url, name=name, reply_timeout=DEADLINE_S, max_size=None,
                                  ping_interval=20, open_timeout=30)
    if tokens:
        reply = await client.request("sign_in", token=tokens[0])
    else:
        reply = await client.request("sign_in", username=STORM_USER, password=STORM_PASSWORD)
        if reply.get("type") == "signed_in":
            tokens.append(reply["token"])
    if reply.get("type") != "signed_in":
        raise RuntimeError("sign_in failed: %r" % reply)
    return client


def start_servers(args, uri, workdir):
    add_account(args, uri)
    servers = []
    for i in range(args.servers):
        port_file = os.path.join(workdir, "port-%d" % i)
        log = open(os.path.join(workdir, "server-%d.log" % i), "w")
        proc = subprocess.Popen([args.server, "--store=" + uri, "--listen=127.0.0.1", "--port=0",
                                 "--port-file=" + port_file, "--log-level=message"],
                                stdout=log, stderr=subprocess.STDOUT)
        servers.append((proc, port_file, log))
    ports = []
    deadline = time.monotonic() + DEADLINE_S
    for proc, port_file, _ in servers:
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("a server did not start (exit %r)" % proc.poll())
            time.sleep(0.05)
        ports.append(int(open(port_file).read().strip()))
    return servers, ports


async def storm(args, urls, event, seats):
    booked = {}  # seat -> list of (client, booking)
    outcomes = {"held": 0, "booked": 0, "refused": 0}

    async def one_client(n):
        client = await connect(urls[n % len(urls)], "storm %d" % n)
        rng = random.Random(n)
        for _ in range(args.rounds):
            wanted = rng.sample(seats, 2)
            reply = await client.request("hold", event=event, seats=wanted, ttl=60)
            if reply["type"] != "held":
                outcomes["refused"] += 1
                continue
            outcomes["held"] += 1
            reply = await client.request("book", hold=reply["hold"])
            if reply["type"] == "booked":
                outcomes["booked"] += 1
                for seat in reply["seats"]:
                    booked.setdefault(seat, []).append((n, reply["booking"]))
            else:
                outcomes["refused"] += 1
        await client.close()

    await asyncio.gather(*(one_client(n) for n in range(args.clients)))
    return booked, outcomes


async def snapshot(url, event):
    client = await connect(url, "storm checker")
    reply = await client.request("subscribe", event=event)
    await client.close()
    assert reply["type"] == "snapshot", reply
    return reply["version"], {s["id"]: s["state"] for s in reply["seats"]}


async def converge(urls, event):
    """Polls every server until all report the same version (a change committed through one
    server reaches the others through the change stream), or the deadline."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        states = [await snapshot(url, event) for url in urls]
        if all(s == states[0] for s in states) or time.monotonic() > deadline:
            return states
        await asyncio.sleep(0.1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--venue", required=True)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--fake", action="store_true",
                        help="run against fakemongo.FakeDatabase instead of a MongoDB server")
    args = parser.parse_args()
    fake = None
    if args.fake:
        try:
            from fakemongo import FakeDatabase
        except ImportError as e:
            print("SKIP: python3-mockupdb missing for %s: %s" % (sys.executable, e))
            return 77
        fake = FakeDatabase()
        uri = fake.uri
    else:
        uri = os.environ.get("SEATBOOK_TEST_STORE_URI")
    if not uri:
        print("SKIP: SEATBOOK_TEST_STORE_URI is not set (run through with-mongodb.py)")
        return 77
    try:
        return storm_servers(args, uri, fake)
    finally:
        if fake is not None:
            fake.stop()


def storm_servers(args, uri, fake):
    event = "storm-%s" % uuid.uuid4().hex[:8]
    seats = venue_free_seat_ids(args.venue)[:12]  # few seats, many clients: contention

    subprocess.run([args.server, "create-event", "--store=" + uri, "--venue=" + args.venue,
                    "--id=" + event, "--name=Storm"], check=True, timeout=DEADLINE_S)

    failures = []
    with tempfile.TemporaryDirectory(prefix="sb-storm-") as workdir:
        servers, ports = start_servers(args, uri, workdir)
        try:
            urls = ["ws://127.0.0.1:%d/ws" % p for p in ports]
            booked, outcomes = asyncio.run(storm(args, urls, event, seats))
            print("outcomes: %r" % outcomes)
            for seat, owners in sorted(booked.items()):
                if len(owners) != 1:
                    failures.append("seat %s booked %d times: %r" % (seat, len(owners), owners))
            states = asyncio.run(converge(urls, event))
            versions = [v for v, _ in states]
            print("versions per server: %r" % versions)
            if any(s != states[0] for s in states):
                failures.append("servers disagree: %r" % versions)
            for seat in booked:
                for i, (_, seat_states) in enumerate(states):
                    if seat_states.get(seat) != "booked":
                        failures.append("server %d does not show %s booked" % (i, seat))
            if outcomes["booked"] == 0:
                failures.append("nothing was booked at all")
        finally:
            for proc, _, log in servers:
                proc.terminate()
            for proc, _, log in servers:
                try:
                    status = proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    status = "killed"
                log.close()
                if status not in (0, "killed"):
                    failures.append("a server exited with %r" % status)
            if failures:
                for name in sorted(os.listdir(workdir)):
                    if name.endswith(".log"):
                        print("--- %s\n%s" % (name, open(os.path.join(workdir, name)).read()))

    if fake is not None:
        print("fake database: %r" % fake.stats)
        failures += ["fake database handler raised:\n" + e for e in fake.handler_errors]
    for failure in failures:
        print("FAIL: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    # Skip the interpreter's shutdown: mockupdb's atexit hook joins its threads slowly.
    os._exit(status)
