#!/usr/bin/python3
"""(e) The server is killed with SIGKILL in the middle of a load and restarted on the same
database: every booking that was acknowledged is there, acknowledged requests replay with the same
outcome, and requests that were in flight are done at most once when retried."""

import asyncio
import signal

from sbtest import EVENT, Client, Server, check, run, venue_free_seat_ids

N_CLIENTS = 16


async def booker(client, my_seats, sent, acked, stop):
    """Books its own seats one by one (so every book should succeed), until the server dies."""
    try:
        for n, seat in enumerate(my_seats):
            if stop.is_set():
                return
            rid = "b%d" % n
            sent[(client.client_id, rid)] = seat
            reply = await client.request("book", id=rid, event=EVENT, seats=[seat])
            check(reply["type"] == "booked", "book: %r" % reply)
            acked[(client.client_id, rid)] = reply
    except (AssertionError, Exception) as e:
        if not stop.is_set() and not client.reader.done():
            raise e


async def main():
    seats = venue_free_seat_ids()
    per_client = len(seats) // N_CLIENTS
    with Server() as server:
        server.create_event()
        server.start()

        holder = await Client.connect(server, client_id="crash-holder")
        hold = await holder.request("hold", event=EVENT, seats=[seats[-1]], ttl=3600)
        check(hold["type"] == "held", "%r" % hold)

        clients = [await Client.connect(server, client_id="crash-%d" % i) for i in range(N_CLIENTS)]
        sent, acked, stop = {}, {}, asyncio.Event()
        tasks = [asyncio.ensure_future(booker(c, seats[i * per_client:(i + 1) * per_client - (1 if i == N_CLIENTS - 1 else 0)],
                                              sent, acked, stop))
                 for i, c in enumerate(clients)]
        while len(acked) < 40:
            await asyncio.sleep(0.001)
            check(not any(t.done() and t.exception() for t in tasks), "a booker failed")
        server.kill()  # SIGKILL mid-load: every booker has a request in flight
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        print("%d sent, %d acknowledged before the kill" % (len(sent), len(acked)))

        # Every acknowledged booking survived.
        db = server.db_bookings()
        for (client_id, rid), reply in acked.items():
            seat = reply["seats"][0]
            check(db.get(seat) == (reply["booking"], client_id),
                  "acknowledged booking %s of %s lost: %r" % (reply["booking"], seat, db.get(seat)))

        server.start()
        again = await Client.connect(server, client_id="crash-holder")
        check([h["hold"] for h in again.welcome["holds"]] == [hold["hold"]],
              "hold lost in the crash: %r" % again.welcome["holds"])

        # Retries: acknowledged ones replay; in-flight ones are done now or replay what was done.
        retried = {}
        for i in range(N_CLIENTS):
            client = await Client.connect(server, client_id="crash-%d" % i)
            for (client_id, rid), seat in sent.items():
                if client_id != client.client_id:
                    continue
                reply = await client.request("book", id=rid, event=EVENT, seats=[seat])
                check(reply["type"] == "booked" and reply["seats"] == [seat], "retry: %r" % reply)
                if (client_id, rid) in acked:
                    check(reply.get("replayed") is True and reply["booking"] == acked[(client_id, rid)]["booking"],
                          "acknowledged request did not replay: %r" % reply)
                retried[seat] = (reply["booking"], client_id)
            client.check_clean()
            await client.close()
        db = server.db_bookings()
        check(db == retried, "database differs from the retried outcomes")
        check(server.stop() == 0, "server exit status")
        server.check_log_clean()


if __name__ == "__main__":
    run(main)
