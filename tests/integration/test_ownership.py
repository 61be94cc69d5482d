#!/usr/bin/python3
"""Issue 10, item 2 with the real binary: holds belong to the account, not to the desk. The same
account extends, books and releases from another desk; another account is refused `forbidden`
(without required_role) from any desk, and so is its request that reuses, at the same desk, the
id of the first account's request (no replay of her reply); signed_in lists the account's holds in
every event, whichever desk made them; the database records the account and the desk of every
hold and booking. With accounts=off a hold stays its desk's and is recorded under the placeholder
`legacy`."""

import sqlite3

from sbtest import EVENT, Client, Server, check, finish, run, venue_free_seat_ids

OTHER_EVENT = "second-night"


def db_rows(server, sql, *args):
    con = sqlite3.connect("file:%s?mode=ro" % server.db, uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def forbidden(reply):
    return (reply["type"] == "error" and reply["code"] == "forbidden"
            and "required_role" not in reply)


async def accounts_required(seats):
    with Server() as server:
        server.create_event()
        server.create_event(OTHER_EVENT, name="Second night")
        server.start()
        server.add_account("anna", role="clerk")
        server.add_account("ben", role="clerk")

        desk1 = await Client.connect(server, client_id="desk-1", user="anna")
        held = await desk1.request("hold", event=EVENT, seats=seats[0:2], ttl=120)
        check(held["type"] == "held", "hold: %r" % held)
        other = await desk1.request("hold", event=OTHER_EVENT, seats=seats[5:6], ttl=120)
        check(other["type"] == "held", "hold in the other event: %r" % other)

        # Anna at another desk: her holds in both events come with signed_in.
        desk2 = await Client.connect(server, client_id="desk-2", user="anna")
        listed = sorted((h["event"], h["hold"]) for h in desk2.signed_in["holds"])
        check(listed == sorted([(EVENT, held["hold"]), (OTHER_EVENT, other["hold"])]),
              "signed_in.holds at another desk: %r" % desk2.signed_in["holds"])

        # Ben, at anna's first desk and at his own: forbidden, without required_role.
        ben_here = await Client.connect(server, client_id="desk-1", user="ben")
        ben_own = await Client.connect(server, client_id="desk-3", user="ben")
        check(ben_here.signed_in["holds"] == [] and ben_own.signed_in["holds"] == [],
              "ben sees anna's holds: %r" % ben_here.signed_in)
        for ben in (ben_here, ben_own):
            for kind, fields in (("extend", {"ttl": 60}), ("release", {}), ("book", {})):
                reply = await ben.request(kind, hold=held["hold"], **fields)
                check(forbidden(reply), "ben %s: %r" % (kind, reply))

        # Idempotency is per desk: ben at anna's first desk reusing the id of her hold gets
        # neither her stored reply (not replayed) nor a hold; with a fresh id he is served.
        reused = await desk1.request("hold", id="shared-id", event=EVENT, seats=seats[8:9],
                                     ttl=120)
        check(reused["type"] == "held", "anna's hold with id shared-id: %r" % reused)
        reply = await ben_here.request("hold", id="shared-id", event=EVENT, seats=seats[9:10],
                                       ttl=120)
        check(forbidden(reply) and "replayed" not in reply and "hold" not in reply,
              "ben reusing anna's request id at her desk: %r" % reply)
        retry = await desk1.request("hold", id="shared-id", event=EVENT, seats=seats[8:9],
                                    ttl=120)
        check(retry["type"] == "held" and retry.get("replayed") is True
              and retry["hold"] == reused["hold"], "anna's retry replays: %r" % retry)
        fresh = await ben_here.request("hold", event=EVENT, seats=seats[9:10], ttl=120)
        check(fresh["type"] == "held", "ben with a fresh id: %r" % fresh)
        for mine, client in ((reused, desk1), (fresh, ben_here)):
            released = await client.request("release", hold=mine["hold"])
            check(released["type"] == "released", "release: %r" % released)

        # Anna from the second desk extends and books; the other hold she releases from there.
        extended = await desk2.request("extend", hold=held["hold"], ttl=300)
        check(extended["type"] == "extended", "extend from another desk: %r" % extended)
        booked = await desk2.request("book", hold=held["hold"])
        check(booked["type"] == "booked", "book from another desk: %r" % booked)
        released = await desk2.request("release", hold=other["hold"])
        check(released["type"] == "released", "release from another desk: %r" % released)

        # What the database recorded: the hold's desk is where it was made, the booking's where
        # it was booked; both are anna's.
        holds = db_rows(server, "SELECT client_id, account FROM holds WHERE hold_id = ?",
                        held["hold"])
        check(holds == [("desk-1", "anna")], "holds row: %r" % holds)
        bookings = db_rows(server, "SELECT client_id, account FROM bookings WHERE booking_id = ?",
                           booked["booking"])
        check(bookings == [("desk-2", "anna")], "bookings row: %r" % bookings)

        # A booking by seats records the account too.
        direct = await ben_own.request("book", event=EVENT, seats=seats[3:4])
        check(direct["type"] == "booked", "book by seats: %r" % direct)
        rows = db_rows(server, "SELECT client_id, account FROM bookings WHERE booking_id = ?",
                       direct["booking"])
        check(rows == [("desk-3", "ben")], "bookings row: %r" % rows)

        # Anna signs in again after a restart: her remaining hold is still hers.
        kept = await desk1.request("hold", event=EVENT, seats=seats[7:8], ttl=300)
        check(kept["type"] == "held", "hold: %r" % kept)
        await finish(server, desk1, desk2, ben_here, ben_own)
        server.tokens.clear()
        server.start()
        back = await Client.connect(server, client_id="desk-9", user="anna")
        check([h["hold"] for h in back.signed_in["holds"]] == [kept["hold"]],
              "after a restart: %r" % back.signed_in["holds"])
        ben = await Client.connect(server, client_id="desk-1", user="ben")
        reply = await ben.request("release", hold=kept["hold"])
        check(forbidden(reply), "ben after a restart: %r" % reply)
        await finish(server, back, ben)


async def accounts_off(seats):
    with Server() as server:
        server.create_event()
        server.start("--accounts=off")
        desk1 = await Client.connect(server, client_id="desk-1", sign_in=False)
        desk2 = await Client.connect(server, client_id="desk-2", sign_in=False)
        held = await desk1.request("hold", event=EVENT, seats=seats[0:1], ttl=120)
        check(held["type"] == "held", "hold: %r" % held)
        reply = await desk2.request("release", hold=held["hold"])
        check(reply["type"] == "error" and reply["code"] == "forbidden",
              "another desk with accounts=off: %r" % reply)
        booked = await desk1.request("book", hold=held["hold"])
        check(booked["type"] == "booked", "book: %r" % booked)
        rows = db_rows(server, "SELECT client_id, account FROM bookings WHERE booking_id = ?",
                       booked["booking"])
        check(rows == [("desk-1", "legacy")], "bookings row with accounts=off: %r" % rows)
        await finish(server, desk1, desk2)


async def main():
    seats = venue_free_seat_ids()
    await accounts_required(seats)
    await accounts_off(seats)


if __name__ == "__main__":
    run(main)
