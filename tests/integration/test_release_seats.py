#!/usr/bin/python3
"""Issue 13 with the real binary: a clerk keeps three of four held seats. `release` with `seats`
gives back only those: the reply names them and the seats the hold keeps, every subscriber sees
them turn free in one version, the account's other desk gets the hold with the seats it kept,
booking the hold books those; a retry is replayed; a seat the hold does not have, another
account's hold and override_orphan_rule without seats are refused and change nothing. Under
enforce a release that strands a seat is refused naming it; a manager may override (the reply
names the seat, the audit trail says so), a clerk may not."""

from sbtest import EVENT, VENUE, Client, Server, check, close_clients, finish, run

A = ["stalls-A-%d" % n for n in range(1, 7)]
B = ["stalls-B-%d" % n for n in range(1, 7)]


def error_of(reply, code):
    check(reply["type"] == "error" and reply["code"] == code, "expected %s: %r" % (code, reply))
    return reply


async def keep_three(server):
    anna = await Client.connect(server, client_id="desk-1", user="anna")
    ben = await Client.connect(server, client_id="desk-2", user="ben")
    await ben.request("subscribe", event=EVENT)

    held = await anna.request("hold", event=EVENT, seats=A[0:4])
    check(held["type"] == "held", "hold: %r" % held)
    hold = held["hold"]
    version = server.db_version()

    released = await anna.request("release", id="part", hold=hold, seats=[A[3]])
    check(released["type"] == "released" and released["hold"] == hold
          and released["seats"] == [A[3]] and released["remaining_seats"] == A[0:3]
          and "lone_seat" not in released, "release: %r" % released)
    changed = await ben.wait_for(lambda m: m.get("type") == "changed"
                                 and m["from_version"] == version, what="changed")
    check(changed["version"] == version + 1
          and changed["seats"] == [{"id": A[3], "state": "free"}], "changed: %r" % changed)
    check(server.db_version() == version + 1, "one version")

    again = await anna.request("release", id="part", hold=hold, seats=[A[3]])
    check(again.get("replayed") is True and again["remaining_seats"] == A[0:3],
          "retry: %r" % again)

    # Refusals change nothing.
    refused = error_of(await anna.request("release", hold=hold, seats=[A[0], A[5]]),
                       "invalid_request")
    check(A[5] in refused["message"], "names the seat: %r" % refused)
    error_of(await ben.request("release", hold=hold, seats=[A[0]]), "forbidden")
    error_of(await anna.request("release", hold=hold, override_orphan_rule=True),
             "invalid_request")
    error_of(await anna.request("release", hold=hold, seats=[A[0], A[0]]), "invalid_request")
    check(server.db_version() == version + 1, "refusals changed nothing")

    # The account at another desk: the hold with the seats it kept.
    other = await Client.connect(server, client_id="desk-3", user="anna")
    snapshot = await other.request("subscribe", event=EVENT)
    holds = [h for h in snapshot["holds"] if h["hold"] == hold]
    check(len(holds) == 1 and holds[0]["seats"] == A[0:3], "snapshot holds: %r" % snapshot)

    booked = await other.request("book", hold=hold)
    check(booked["type"] == "booked" and booked["seats"] == A[0:3], "book: %r" % booked)
    taken = await ben.request("hold", event=EVENT, seats=[A[3]])
    check(taken["type"] == "held", "the seat given back: %r" % taken)
    await close_clients(anna, ben, other)


async def orphan_rule(server):
    anna = await Client.connect(server, client_id="desk-1", user="anna")
    manager = await Client.connect(server, client_id="office", user="manager")

    held = await anna.request("hold", event="strict", seats=A[0:3])
    check(held["type"] == "held", "hold: %r" % held)
    # A-2 between, both still held: alone.
    refused = error_of(await anna.request("release", hold=held["hold"], seats=[A[1]]),
                       "lone_seat")
    check(refused["seats"] == [A[1]], "names the seat: %r" % refused)
    denied = error_of(await anna.request("release", hold=held["hold"], seats=[A[1]],
                                         override_orphan_rule=True), "forbidden")
    check(denied.get("required_role") == "manager", "clerk's override: %r" % denied)
    pair = await anna.request("release", hold=held["hold"], seats=[A[0], A[1]])
    check(pair["type"] == "released" and pair["remaining_seats"] == [A[2]], "pair: %r" % pair)

    mine = await manager.request("hold", event="strict", seats=B[0:3])
    overridden = await manager.request("release", hold=mine["hold"], seats=[B[1]],
                                       override_orphan_rule=True)
    check(overridden["type"] == "released" and overridden.get("lone_seat") == B[1]
          and overridden["remaining_seats"] == [B[0], B[2]], "override: %r" % overridden)

    log = await manager.request("audit", event="strict")
    entries = [(e["account"], e["action"], e["seats"], e.get("detail")) for e in log["entries"]
               if e["action"] == "release"]
    check(entries == [
        ("anna", "release", [A[0], A[1]], "the hold keeps " + A[2]),
        ("manager", "release", [B[1]],
         "the hold keeps %s, %s; orphan rule overridden: leaves %s on its own"
         % (B[0], B[2], B[1]))], "audit: %r" % entries)
    await close_clients(anna, manager)


async def main():
    with Server() as server:
        server.create_event()
        server.run_command("create-event", "--store=" + server.store, "--venue=" + VENUE,
                           "--id=strict", "--name=strict", "--orphan-rule=enforce")
        server.start()
        server.add_account("anna", role="clerk")
        server.add_account("ben", role="clerk")
        await keep_three(server)
        await orphan_rule(server)
        await finish(server)


run(main)
