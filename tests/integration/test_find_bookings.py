#!/usr/bin/python3
"""Issue 11 items 1 and 2 with the real binary: a booking made with a customer echoes it in
`booked` (and again, identically, when retried), the audit entry names the customer; a clerk finds
the booking by accent-folded name (and a word's prefix), by phone (whatever the punctuation), by
email (any case), by reference (any case) and by seat, with its seats, account, desk, customer,
time, total price and state; pages through 120 bookings with `limit` and `after` in booking time
order; a viewer is refused; bad fields name themselves; `seatbook-server bookings` prints the same
in text and CSV."""

import asyncio
import csv
import io
import json
import subprocess

from sbtest import EVENT, SERVER, VENUE, Client, Server, check, finish, run, venue_free_seat_ids


def seat_prices():
    with open(VENUE) as f:
        venue = json.load(f)
    price = {c["id"]: c["price"] for c in venue["categories"]}
    return {seat["id"]: price[seat["category"]] for section in venue["sections"]
            for row in section["rows"] for seat in row["seats"]}


async def find(client, **fields):
    reply = await client.request("find_bookings", event=EVENT, **fields)
    check(reply["type"] == "bookings" and reply["event"] == EVENT, "find %r: %r" % (fields, reply))
    return reply


async def main():
    seats = venue_free_seat_ids()
    prices = seat_prices()
    check(len(seats) >= 130, "the venue has %d free seats" % len(seats))
    with Server() as server:
        server.create_event()
        server.start()
        server.add_account("anna", role="clerk")
        desk = await Client.connect(server, client_id="desk-1", user="anna")
        clerk = await Client.connect(server, client_id="desk-2", user="clerk")
        viewer = await Client.connect(server, client_id="desk-3", user="viewer")

        customer = {"name": "Zoë Müller-Lüdenscheidt", "phone": "+49 (30) 123-456",
                    "email": "Zoe.Mueller@Example.ORG", "note": "Wheelchair space\nAisle seat"}
        held = await desk.request("hold", event=EVENT, seats=seats[0:2], ttl=300)
        check(held["type"] == "held", "hold: %r" % held)
        booked = await desk.request("book", id="book-zoe", hold=held["hold"], customer=customer)
        check(booked["type"] == "booked" and booked["customer"] == customer, "book: %r" % booked)
        reference = booked["booking"]
        # A retry answers as the first time, whatever it carries now.
        again = await desk.request("book", id="book-zoe", hold=held["hold"],
                                   customer={"name": "Somebody Else"})
        check(again.get("replayed") is True and again["booking"] == reference
              and again["customer"] == customer, "replayed book: %r" % again)
        # By seats, a name in another script; and one without a customer (old clients).
        li = await desk.request("book", event=EVENT, seats=seats[2:3], customer={"name": "李小龍"})
        check(li["type"] == "booked" and li["customer"] == {"name": "李小龍"}, "%r" % li)
        plain = await desk.request("book", event=EVENT, seats=seats[3:4])
        check(plain["type"] == "booked" and "customer" not in plain, "plain: %r" % plain)

        # Refused customers name the field, and book nothing.
        for bad, field in [({"name": ""}, "customer.name"), ({"email": "zoe"}, "customer.email"),
                           ({"phone": "call me"}, "customer.phone"),
                           ({"name": "Zoë\u0007"}, "customer.name"), ({"age": 3}, "age")]:
            reply = await desk.request("book", event=EVENT, seats=seats[4:5], customer=bad)
            check(reply["type"] == "error" and reply["code"] == "invalid_request"
                  and field in reply["message"], "customer %r: %r" % (bad, reply))

        # Every search finds the booking, with everything about it.
        entry = {"reference": reference, "seats": sorted(seats[0:2]), "account": "anna",
                 "desk": "desk-1", "customer": customer,
                 "total_price": prices[seats[0]] + prices[seats[1]], "state": "booked"}
        for fields in [{"name": "muller"}, {"name": "MÜLL"}, {"name": "ludensch"},
                       {"name": "zoe muller"}, {"name": "Zoë Müller-Lüdenscheidt"},
                       {"phone": "4930123456"}, {"phone": "+49 30 12 34 56"},
                       {"email": "zoe.mueller@example.org"}, {"reference": reference.lower()},
                       {"reference": reference}, {"seat": seats[1]}]:
            reply = await find(clerk, **fields)
            found = reply["bookings"]
            check(len(found) == 1 and reply["next"] is None, "find %r: %r" % (fields, reply))
            got = dict(found[0])
            booked_at = got.pop("booked_at")
            check(got == entry and booked_at > 1700000000000, "find %r: %r" % (fields, found[0]))
        for fields in [{"name": "üller"}, {"name": "zoe x"}, {"phone": "49301234567"},
                       {"email": "zoe@example.org"}, {"reference": "ZZZZZZZZ"},
                       {"seat": seats[9]}]:
            reply = await find(clerk, **fields)
            check(reply["bookings"] == [], "find %r found %r" % (fields, reply))
        found = (await find(clerk, name="李"))["bookings"]
        check([b["reference"] for b in found] == [li["booking"]], "李: %r" % found)
        found = (await find(clerk, seat=seats[3]))["bookings"]
        check(len(found) == 1 and found[0]["customer"] is None, "no customer: %r" % found)

        # The audit entry of the booking names the customer, by name only.
        manager = await Client.connect(server, client_id="office", user="manager")
        trail = (await manager.request("audit", event=EVENT, booking=reference))["entries"]
        check(len(trail) == 1 and customer["name"] in trail[0]["detail"]
              and customer["phone"] not in trail[0]["detail"], "audit: %r" % trail)

        # 120 more bookings from three desks, then every page of 50, in booking time order.
        desks = [desk, clerk, await Client.connect(server, client_id="desk-4", user="anna")]

        async def book_many(client, chunk):
            for i, seat in chunk:
                reply = await client.request("book", event=EVENT, seats=[seat],
                                             customer={"name": "Guest %03d" % i})
                check(reply["type"] == "booked", "book %s: %r" % (seat, reply))
                await asyncio.sleep(0.03)  # within 50 requests per second

        many = list(enumerate(seats[10:130]))
        await asyncio.gather(*(book_many(d, many[k::3]) for k, d in enumerate(desks)))
        pages, after = [], None
        while True:
            fields = {"limit": 50} if after is None else {"limit": 50, "after": after}
            reply = await find(clerk, **fields)
            pages.append(reply["bookings"])
            after = reply["next"]
            if after is None:
                break
            check(after == reply["bookings"][-1]["reference"], "next: %r" % reply["next"])
        listed = [b for page in pages for b in page]
        check([len(p) for p in pages] == [50, 50, 23], "pages: %r" % [len(p) for p in pages])
        check(len({b["reference"] for b in listed}) == 123, "a booking twice or missing")
        check([b["booked_at"] for b in listed] == sorted(b["booked_at"] for b in listed),
              "not in booking time order")
        check(listed[0]["reference"] == reference, "the first booking first: %r" % listed[0])
        guests = (await find(clerk, name="guest", limit=100))
        check(len(guests["bookings"]) == 100 and guests["next"] is not None, "guests: %r" % guests)
        rest = await find(clerk, name="guest", limit=100, after=guests["next"])
        check(len(rest["bookings"]) == 20 and rest["next"] is None, "guests, page 2: %r" % rest)
        one = await find(clerk, name="guest 007")
        check([b["seats"] for b in one["bookings"]] == [[seats[17]]], "guest 007: %r" % one)

        # Refusals: a viewer, an unknown event, a cursor of no booking, bad fields.
        reply = await viewer.request("find_bookings", event=EVENT)
        check(reply["type"] == "error" and reply["code"] == "forbidden"
              and reply["required_role"] == "clerk", "viewer: %r" % reply)
        reply = await clerk.request("find_bookings", event="no-such-event")
        check(reply["type"] == "error" and reply["code"] == "not_found", "unknown: %r" % reply)
        reply = await clerk.request("find_bookings", event=EVENT, after="ZZZZZZZZ")
        check(reply["type"] == "error" and reply["code"] == "invalid_request"
              and "after" in reply["message"], "bad cursor: %r" % reply)
        for fields, field in [({"limit": 101}, "limit"), ({"email": "x"}, "email"),
                              ({"name": "a", "phone": "1"}, "at most one")]:
            reply = await clerk.request("find_bookings", event=EVENT, **fields)
            check(reply["type"] == "error" and reply["code"] == "invalid_request"
                  and field in reply["message"], "%r: %r" % (fields, reply))

        # The command line, beside the running server.
        text = server.run_command("bookings", "--event=" + EVENT, "--name=MULLER",
                                  "--store=" + server.store).stdout
        lines = [line.split("\t") for line in text.splitlines()]
        check(len(lines) == 1 and lines[0][0] == reference and lines[0][4] == " ".join(sorted(seats[0:2]))
              and lines[0][5] == str(entry["total_price"]) and lines[0][7] == customer["name"]
              and lines[0][10] == "Wheelchair space Aisle seat", "bookings text: %r" % lines)
        raw = subprocess.run([SERVER, "bookings", "--event=" + EVENT, "--format=csv",
                              "--store=" + server.store],
                             capture_output=True, timeout=30, check=True).stdout
        rows = list(csv.DictReader(io.StringIO(raw.decode(), newline="")))
        check(raw.startswith(b"reference,booked_at,account,desk,seats,total_price,state,name,")
              and len(rows) == 123 and rows[0]["note"] == customer["note"]
              # A text cell starting with "+" would be a formula: guarded with "'" (OWASP).
              and rows[0]["phone"] == "'" + customer["phone"]
              and rows[0]["total_price"] == str(entry["total_price"])
              and [r["reference"] for r in rows] == [b["reference"] for b in listed],
              "bookings CSV: %r" % raw[:300])
        bad = subprocess.run([SERVER, "bookings", "--event=" + EVENT, "--name=a", "--seat=b",
                              "--store=" + server.store], capture_output=True, text=True, timeout=30)
        check(bad.returncode == 2 and "at most one" in bad.stderr, "two criteria: %r" % bad)

        await finish(server, *desks, viewer, manager)


if __name__ == "__main__":
    run(main)
