#!/usr/bin/python3
"""Issue 11 item 3 with the real binary: a manager cancels part of a booking; the seats turn free
for every subscriber and another desk can book them — the refusal of seats another desk booked,
answered from the live state, no longer refuses them, even for the retry of a request it refused
before; a retried cancel is replayed; a clerk may not cancel; a partial refund over what the
seats cost, seats not in the booking and an unknown booking are refused and change nothing; the
audit trail shows the cancellation with its refund and reason."""

import json

from sbtest import EVENT, VENUE, Client, Server, check, finish, run, venue_free_seat_ids


def prices():
    with open(VENUE) as f:
        venue = json.load(f)
    price = {c["id"]: c["price"] for c in venue["categories"]}
    return {seat["id"]: price[seat["category"]] for section in venue["sections"]
            for row in section["rows"] for seat in row["seats"]}


def error_of(reply, code):
    check(reply["type"] == "error" and reply["code"] == code, "expected %s: %r" % (code, reply))
    return reply


async def main():
    seats = venue_free_seat_ids()[0:3]
    price = prices()
    with Server() as server:
        server.create_event()
        server.start()
        server.add_account("anna", role="clerk")
        server.add_account("ben", role="clerk")
        desk1 = await Client.connect(server, client_id="desk-1", user="anna")
        desk2 = await Client.connect(server, client_id="desk-2", user="ben")
        manager = await Client.connect(server, client_id="office", user="manager")
        clerk = await Client.connect(server, client_id="desk-3", user="clerk")
        await desk2.request("subscribe", event=EVENT)

        booked = await desk1.request("book", id="b-1", event=EVENT, seats=seats)
        check(booked["type"] == "booked", "book: %r" % booked)
        reference = booked["booking"]
        # Booked by another desk: refused at once, from the live state, nothing recorded.
        refused = error_of(await desk2.request("book", id="b-2", event=EVENT, seats=seats[0:1]),
                           "seat_unavailable")
        check("replayed" not in refused, "a refusal from memory is not replayed: %r" % refused)

        # A clerk may not cancel (a manager cancels and refunds any booking).
        denied = error_of(await clerk.request("cancel", event=EVENT, booking=reference,
                                              refund={"kind": "full"}, reason="asked"),
                          "forbidden")
        check(denied.get("required_role") == "manager", "required_role: %r" % denied)
        # More back than the two seats cost; seats not in the booking; an unknown booking.
        paid = price[seats[0]] + price[seats[1]]
        too_much = error_of(await manager.request(
            "cancel", event=EVENT, booking=reference, seats=seats[0:2],
            refund={"kind": "partial", "amount": paid + 1}, reason="goodwill"), "invalid_request")
        check(str(paid) in too_much["message"], "names what the seats cost: %r" % too_much)
        other = venue_free_seat_ids()[5]
        not_in = error_of(await manager.request(
            "cancel", event=EVENT, booking=reference, seats=[seats[0], other],
            refund={"kind": "none"}, reason="x"), "invalid_request")
        check(other in not_in["message"] and seats[0] not in not_in["message"],
              "names the seat not in the booking: %r" % not_in)
        error_of(await manager.request("cancel", event=EVENT, booking="NOSUCHB1",
                                       refund={"kind": "none"}, reason="x"), "not_found")

        # Two of the three seats, with a partial refund.
        cancel = dict(event=EVENT, booking=reference, seats=seats[0:2],
                      refund={"kind": "partial", "amount": 500}, reason="Customer is ill")
        cancelled = await manager.request("cancel", id="c-1", **cancel)
        check(cancelled["type"] == "cancelled" and cancelled["booking"] == reference
              and cancelled["seats"] == seats[0:2] and cancelled["remaining_seats"] == seats[2:3]
              and cancelled["refund"] == {"kind": "partial", "amount": 500}
              and cancelled["state"] == "active" and "replayed" not in cancelled,
              "cancel: %r" % cancelled)
        # Every subscriber sees the seats turn free.
        await desk2.wait_for(lambda m: m.get("type") == "changed" and sorted(
            s["id"] for s in m["seats"] if s["state"] == "free") == sorted(seats[0:2]),
            what="the cancelled seats turning free")
        again = await manager.request("cancel", id="c-1", **cancel)
        check(again.get("replayed") is True
              and {k: v for k, v in again.items() if k != "replayed"} == cancelled,
              "retry: %r" % again)

        # The other desk gets the seats now, with the id refused before (nothing was recorded).
        rebooked = await desk2.request("book", id="b-2", event=EVENT, seats=seats[0:1])
        check(rebooked["type"] == "booked" and rebooked["booking"] != reference,
              "the freed seat booked by another desk: %r" % rebooked)
        # The first desk's retry of its book: its booking lost that seat and another desk has it;
        # the live state refuses it (docs/protocol.md, the exception to idempotency).
        retry = error_of(await desk1.request("book", id="b-1", event=EVENT, seats=seats),
                         "seat_unavailable")
        check(retry.get("seats") == seats[0:1], "names the seat rebooked: %r" % retry)

        # The rest of the booking, with a full refund: the booking is cancelled.
        rest = await manager.request("cancel", event=EVENT, booking=reference,
                                     refund={"kind": "full"}, reason="Whole party ill")
        check(rest["type"] == "cancelled" and rest["seats"] == seats[2:3]
              and rest["remaining_seats"] == [] and rest["state"] == "cancelled"
              and rest["refund"] == {"kind": "full", "amount": price[seats[2]]},
              "cancel the rest: %r" % rest)
        error_of(await manager.request("cancel", event=EVENT, booking=reference,
                                       refund={"kind": "none"}, reason="x"), "invalid_request")

        trail = await manager.request("audit", event=EVENT, booking=reference)
        cancels = [(e["action"], e["account"], e["desk"], e["seats"], e.get("detail"))
                   for e in trail["entries"] if e["action"] == "cancel"]
        check(cancels == [
            ("cancel", "manager", "office", seats[0:2], "refund partial 500; Customer is ill"),
            ("cancel", "manager", "office", seats[2:3],
             "refund full %d; Whole party ill" % price[seats[2]])], "audit: %r" % cancels)
        # The database agrees: only the rebooked seat is booked.
        states = server.db_seat_states()
        check([s for s in seats if s in states] == seats[0:1], "seat states: %r" % states)

        await finish(server, desk1, desk2, manager, clerk)


if __name__ == "__main__":
    run(main)
