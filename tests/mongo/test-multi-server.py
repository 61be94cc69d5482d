#!/usr/bin/python3
"""Two seatbook-server processes on one MongoDB fan changes out to each other, without a MongoDB
server: fakemongo.FakeDatabase (in this process, behind mockupdb) plays the replica set, with
transactions, write conflicts and change streams, and both servers talk to it through the real
libmongoc code path of SbMongoStore.

  1. A client of server 1 sees a booking made through server 2, in `changed` messages whose
     versions follow on (from_version continuity), and the reverse.
  2. A change committed while server 1's change stream is interrupted (the connection of its
     getMore dropped: libmongoc resumes by itself; or a non-resumable error: the store reopens
     the stream after its last token) still reaches server 1's subscriber, once, without a gap.
  3. A server that starts while another commits (after it loaded the event, before its change
     stream opened) still shows that commit to its clients.
  4. An event created through server 1 is listed by server 2's clients and can be held there; a
     close of its sales through server 1 reaches server 2's list and refuses server 2's booking.
  5. A storm: clients split across both servers race for a few seats. No seat is acknowledged
     to two clients, every acknowledged booking is in the database, every subscriber's view and
     both servers' snapshots equal the database, and the change log is a legal history.

The servers are the ones of this build (SEATBOOK_SERVER), so an ASan build tests the ASan binary.
Deadlines only stop hangs. Usage: test-multi-server.py (exits 77 when mockupdb or websockets is
missing for this interpreter)."""

import asyncio
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

try:
    from fakemongo import FakeDatabase
    from sbtest import (EVENT, REPLY_TIMEOUT, VENUE, Client, Server, TestFailure, check,
                        venue_free_seat_ids)
except ImportError as e:  # pragma: no cover
    print("SKIP: python3-mockupdb or python3-websockets is missing for %s: %s"
          % (sys.executable, e))
    sys.exit(77)

STORM_CLIENTS = 20
STORM_ATTEMPTS = 15  # per client: 300 in all
STORM_SEATS = 10
SERVER_ARGS = ("--requests-per-second=100000", "--burst=100000")
DEADLINE_S = 150  # the whole test; it takes a few seconds


async def wait_until(predicate, what, timeout=REPLY_TIMEOUT):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TestFailure("%s: not within %s s" % (what, timeout))
        await asyncio.sleep(0.01)


async def subscribed(server):
    client = await Client.connect(server)
    reply = await client.request("subscribe", event=EVENT)
    check(reply["type"] == "snapshot", "subscribe: %r" % reply)
    return client


async def book(client, seat):
    held = await client.request("hold", event=EVENT, seats=[seat], ttl=120)
    check(held["type"] == "held", "hold %s: %r" % (seat, held))
    booked = await client.request("book", hold=held["hold"])
    check(booked["type"] == "booked" and booked["seats"] == [seat], "book %s: %r" % (seat, booked))
    return booked


async def sees_booked(watcher, first, seat, what):
    """The watcher's view (snapshot + `changed`, checked for gaps as they arrive) shows seat
    booked, through a `changed` message (after the first ones) that says so."""
    await wait_until(lambda: watcher.error is not None
                     or watcher.views[EVENT].seats[seat][0] == "booked", what)
    watcher.check_clean()
    check(any(entry["id"] == seat and entry["state"] == "booked"
              for msg in watcher.changed[first:] for entry in msg["seats"]),
          "%s: no `changed` message booked %s" % (what, seat))


def db_version(fake):
    events = [e for e in fake.collection("events") if e["_id"] == EVENT]
    check(len(events) == 1, "the event is in the database")
    return int(events[0]["version"])


def db_seat_states(fake):
    return {d["_id"]["s"]: (d["state"], d.get("hold")) for d in fake.collection("seat_states")
            if d["_id"]["e"] == EVENT}


async def same_view(a, b, what):
    """Both clients' views reach the same version and then agree seat by seat."""
    await wait_until(lambda: a.error is not None or b.error is not None
                     or a.views[EVENT].version == b.views[EVENT].version, what + " (version)")
    a.check_clean()
    b.check_clean()
    check(a.views[EVENT].seats == b.views[EVENT].seats, what + ": the views differ")


async def fan_out(fake, s1, s2, seats):
    a = await subscribed(s1)
    b = await subscribed(s2)
    check(a.views[EVENT].version == b.views[EVENT].version, "both servers start at one version")

    # B books through server 2; A, on server 1, sees it.
    version = a.views[EVENT].version
    first = len(a.changed)
    await book(b, seats[0])
    await sees_booked(a, first, seats[0], "server 1 relays a booking made through server 2")
    check(a.views[EVENT].version > version, "the version moved on")
    await same_view(a, b, "after B's booking")

    # And the reverse.
    first = len(b.changed)
    await book(a, seats[1])
    await sees_booked(b, first, seats[1], "server 2 relays a booking made through server 1")
    await same_view(a, b, "after A's booking")
    check(db_version(fake) == a.views[EVENT].version, "the views are at the database's version")
    return a, b


async def interrupted(fake, booker, watcher, seat, fault):
    """Commits a booking through booker's server while every change stream lags, then breaks
    the streams (fault "hangup" or "error"): the watcher's server must resume after its last
    token and relay the booking."""
    fake.set_stream_hold(True)
    version = watcher.views[EVENT].version
    first = len(watcher.changed)
    await book(booker, seat)
    # The booker's server applied its own change; the watcher's stream delivers nothing yet.
    await wait_until(lambda: booker.views[EVENT].seats[seat][0] == "booked",
                     "the booker's own server shows the booking")
    await asyncio.sleep(0.3)
    check(watcher.views[EVENT].version == version,
          "the watcher's server learnt of the booking while its stream was held")
    with fake.db_lock:
        positions = {cid: c["pos"] for cid, c in fake.cursors.items()}
        log_start = len(fake.stream_log)
    check(len(positions) == 2, "one change stream per server, got %d" % len(positions))
    fake.interrupt_streams(fault)
    fake.set_stream_hold(False)

    await sees_booked(watcher, first, seat,
                      "a booking committed during a %s reaches the other server" % fault)
    await same_view(booker, watcher, "after the %s" % fault)

    # Each interrupted stream failed once and was reopened after the token it had, not "now".
    await wait_until(lambda: sum(1 for kind, _ in fake.stream_log[log_start:]
                                 if kind == "aggregate") >= len(positions),
                     "both streams reopened after the %s" % fault)
    with fake.db_lock:
        log = fake.stream_log[log_start:]
    failed = [info["cursor"] for kind, info in log if kind == fault]
    check(sorted(failed) == sorted(positions), "the %s hit each stream once: %r" % (fault, log))
    reopened = [info for kind, info in log if kind == "aggregate"]
    for info in reopened:
        check("resumeAfter" in info["spec"] or "startAfter" in info["spec"],
              "the stream was reopened with a resume token after the %s: %r" % (fault, info))
    check(sorted(info["pos"] for info in reopened[:len(positions)]) == sorted(positions.values()),
          "reopened at the tokens the streams had (%r), got %r" % (positions, reopened))


async def late_start(fake, booker, seat):
    """Starts a third server and commits a booking through booker's server after the new one
    loaded its events but before its change stream is open: neither saw the booking, yet a
    client of the new server must see it."""
    late = Server()
    late.store = fake.uri
    fake.hold_stream_opens()
    try:
        start = asyncio.ensure_future(asyncio.to_thread(late.start, *SERVER_ARGS))
        await wait_until(lambda: fake.held_opens > 0 or start.done(),
                         "the new server opens its change stream")
        check(not start.done(), "the new server started without opening a change stream")
        await book(booker, seat)
    finally:
        fake.release_stream_opens()
    try:
        await start
        watcher = await subscribed(late)
        await wait_until(lambda: watcher.error is not None
                         or watcher.views[EVENT].seats[seat][0] == "booked",
                         "a booking committed while a server started reaches its clients")
        watcher.check_clean()
        check(watcher.views[EVENT].version == db_version(fake),
              "the new server is at the database's version")
        await watcher.close()
        check(late.stop() == 0, "the new server did not exit cleanly:\n%s" % late.log()[-4000:])
        late.check_log_clean()
    except BaseException:
        sys.stderr.write("--- new server's log ---\n" + late.log()[-8000:] + "\n")
        raise
    finally:
        late.close()


async def events_across(s1, s2, watchers, seat):
    """Server 2 learns of an event created through server 1 without a restart (no seat of it has
    changed yet, so no change stream tells it), and of the close of its sales. The watchers, one
    client on each server, get each new list too."""
    manager = await Client.connect(s1, user="manager")
    desk = await Client.connect(s2)
    with open(VENUE, encoding="utf-8") as f:
        venue_text = f.read()
    created = await manager.request("create_event", event="late-show", name="Late show",
                                    venue_text=venue_text)
    check(created["type"] == "event_created", "create_event: %r" % created)
    await desk.wait_for(lambda m: m.get("type") == "events" and m.get("re") is None
                        and any(e["id"] == "late-show" for e in m["events"]),
                        what="server 2 sends its clients the list with the event of server 1")
    listed = await desk.request("list_events")
    check(any(e["id"] == "late-show" for e in listed["events"]), "server 2 lists it: %r" % listed)
    held = await desk.request("hold", event="late-show", seats=[seat], ttl=120)
    check(held["type"] == "held", "a hold through server 2: %r" % held)

    closed = await manager.request("close_sales", event="late-show")
    check(closed["type"] == "sales_closed", "close_sales: %r" % closed)
    await desk.wait_for(lambda m: m.get("type") == "events" and m.get("re") is None and any(
        e["id"] == "late-show" and e["sales_close"] == closed["sales_close"]
        for e in m["events"]), what="server 2's list says the sales closed")
    refused = await desk.request("book", hold=held["hold"])
    check(refused.get("code") == "sales_closed", "booking after the close: %r" % refused)
    released = await desk.request("release", hold=held["hold"])
    check(released["type"] == "released", "release: %r" % released)
    for watcher in watchers:
        await watcher.wait_for(lambda m: m.get("type") == "events" and m.get("re") is None and any(
            e["id"] == "late-show" and e["sales_close"] is not None for e in m["events"]),
            what="a watcher's list says the sales closed")
        watcher.replies.pop(None)
    await manager.close()
    await desk.close()


async def storm_worker(client, seats, rng, outcomes):
    for _ in range(STORM_ATTEMPTS):
        chosen = rng.sample(seats, rng.choice((1, 1, 2)))
        if rng.random() < 0.05:
            reply = await client.request("book", event=EVENT, seats=chosen)
            outcomes.append((client.client_id, "book", chosen, reply))
            check(reply["type"] == "booked" or reply.get("code") == "seat_unavailable",
                  "unexpected book reply %r" % reply)
            continue
        reply = await client.request("hold", event=EVENT, seats=chosen, ttl=120)
        outcomes.append((client.client_id, "hold", chosen, reply))
        if reply["type"] != "held":
            check(reply.get("code") == "seat_unavailable", "unexpected hold reply %r" % reply)
            continue
        kind = "book" if rng.random() < 0.1 else "release"
        reply2 = await client.request(kind, hold=reply["hold"])
        outcomes.append((client.client_id, kind, reply["seats"], reply2))
        check(reply2["type"] == ("booked" if kind == "book" else "released"),
              "%s of one's own hold failed: %r" % (kind, reply2))


async def storm(fake, servers, watchers, seats):
    rng = random.Random(20251127)
    clients = [await subscribed(servers[n % 2]) for n in range(STORM_CLIENTS)]
    outcomes = []
    await asyncio.gather(*(storm_worker(c, seats, random.Random(rng.random()), outcomes)
                           for c in clients))

    # No seat acknowledged to two clients; every acknowledged booking is in the database.
    booked_by = {}
    for client_id, kind, chosen, reply in outcomes:
        if reply["type"] != "booked":
            continue
        check(sorted(reply["seats"]) == sorted(chosen), "booked other seats: %r" % reply)
        for seat in reply["seats"]:
            check(seat not in booked_by, "seat %s acknowledged to two clients: %r and %r"
                  % (seat, booked_by.get(seat), (client_id, reply["booking"])))
            booked_by[seat] = (client_id, reply["booking"])
    check(booked_by, "nobody booked anything in the storm")
    db_bookings = {seat: (b["c"], b["_id"]) for b in fake.collection("bookings")
                   if b["e"] == EVENT for seat in b["seats"] if seat in seats}
    check(db_bookings == booked_by, "database bookings differ from acknowledged ones:\n%r\n%r"
          % (db_bookings, booked_by))

    # Every subscriber on either server converges on the database, without a gap on the way.
    version = db_version(fake)
    db_states = db_seat_states(fake)
    for client in clients + watchers:
        await client.wait_version(EVENT, version)
        client.check_clean()
        check(client.views[EVENT].version == version, "a view went past the database's version")
        check(client.views[EVENT].non_free() == db_states,
              "a client's view differs from the database:\n%r\n%r"
              % (client.views[EVENT].non_free(), db_states))
    for client in clients:
        await client.close()

    # Fresh snapshots of both servers are equal (and equal to the database).
    snapshots = []
    for server in servers:
        fresh = await subscribed(server)
        snapshots.append((fresh.views[EVENT].version, fresh.views[EVENT].non_free()))
        await fresh.close()
    check(snapshots[0] == snapshots[1], "the servers' snapshots differ:\n%r\n%r" % tuple(snapshots))
    check(snapshots[0] == (version, db_states), "the snapshots differ from the database")

    # The change log, replayed from version 0, is a legal history leading to the database state.
    checker = await Client.connect(servers[1])
    replay = await checker.request("subscribe", event=EVENT, since=0)
    await checker.close()
    check(replay["type"] == "replay" and replay["version"] == version
          and [c["version"] for c in replay["changes"]] == list(range(1, version + 1)),
          "the replay from 0 does not hold every version once, in order")
    state = {}
    legal = {("free", "held"), ("held", "free"), ("held", "booked"), ("free", "booked")}
    for change in replay["changes"]:
        for entry in change["seats"]:
            before = state.get(entry["id"], ("free", None))
            after = (entry["state"], entry.get("hold"))
            check((before[0], after[0]) in legal, "illegal transition of %s at version %d: %r -> %r"
                  % (entry["id"], change["version"], before, after))
            state[entry["id"]] = after
    check({s: v for s, v in state.items() if v[0] != "free"}
          == {s: v for s, v in db_states.items() if v[0] != "blocked"},
          "the change log does not lead to the database state")
    print("storm: %d requests, %d seats booked, version %d"
          % (len(outcomes), len(booked_by), version))


async def main(fake):
    seats = venue_free_seat_ids()
    storm_seats, spare = seats[:STORM_SEATS], seats[STORM_SEATS:]
    with Server() as s1, Server() as s2:
        s1.store = s2.store = fake.uri
        s1.create_event()
        s1.start(*SERVER_ARGS)
        s2.start(*SERVER_ARGS)

        a, b = await fan_out(fake, s1, s2, spare[0:2])
        await interrupted(fake, b, a, spare[2], "hangup")
        await interrupted(fake, a, b, spare[3], "error")
        await late_start(fake, a, spare[4])
        await events_across(s1, s2, [a, b], spare[5])
        await storm(fake, [s1, s2], [a, b], storm_seats)

        for client in (a, b):
            await client.close()
        for n, server in enumerate((s1, s2), 1):
            check(server.stop() == 0,
                  "server %d did not exit cleanly:\n%s" % (n, server.log()[-4000:]))
            server.check_log_clean()
    print("fake database: %r" % fake.stats)


def run():
    fake = FakeDatabase()
    status = 0
    try:
        asyncio.run(asyncio.wait_for(main(fake), DEADLINE_S))
    except Exception:
        import traceback
        traceback.print_exc()
        status = 1
    for error in fake.handler_errors:
        print("fake database handler raised:\n" + error)
        status = 1
    fake.stop()
    print("FAILED" if status else "ok")
    sys.stdout.flush()
    # Skip the interpreter's shutdown: mockupdb's atexit hook joins its threads slowly.
    os._exit(status)


if __name__ == "__main__":
    run()
