#!/usr/bin/python3
"""The orphan rule per event (issue 13): set at create-event, stored with the event. enforce
refuses a hold or a booking that leaves one free seat on its own, naming it; warn accepts it and
names it in the reply; off says nothing. hold_best avoids a lone seat when another choice exists,
and under enforce takes none that leaves one."""

from sbtest import VENUE, Client, Server, check, finish, run


async def main():
    with Server() as server:
        for event, rule in (("strict", "enforce"), ("gentle", "warn"), ("free", "off")):
            server.run_command("create-event", "--store=" + server.store, "--venue=" + VENUE,
                               "--id=" + event, "--name=" + event, "--orphan-rule=" + rule)
        bad = server.run_command("create-event", "--store=" + server.store, "--venue=" + VENUE,
                                 "--id=x", "--name=x", "--orphan-rule=sometimes",
                                 check_status=False)
        check(bad.returncode != 0 and "orphan-rule" in bad.stderr, "bad rule: %r" % bad.stderr)
        server.start()
        desk = await Client.connect(server)

        # Row A of the stalls: seats 1-6, the aisle, 7-12. Holding seat 2 leaves seat 1 alone.
        refused = await desk.request("hold", event="strict", seats=["stalls-A-2"])
        check(refused["type"] == "error" and refused["code"] == "lone_seat"
              and refused["seats"] == ["stalls-A-1"] and "stalls-A-1" in refused["message"],
              "enforce: %r" % refused)
        refused = await desk.request("book", event="strict", seats=["stalls-A-5"])
        check(refused["type"] == "error" and refused["code"] == "lone_seat"
              and refused["seats"] == ["stalls-A-6"], "enforce, book: %r" % refused)
        fine = await desk.request("hold", event="strict", seats=["stalls-A-1", "stalls-A-2"])
        check(fine["type"] == "held" and "lone_seat" not in fine, "enforce, no lone seat: %r" % fine)
        # Seat 4 between the held 1-2 and a free 5-6: leaves 3 alone.
        refused = await desk.request("hold", event="strict", seats=["stalls-A-4"])
        check(refused["type"] == "error" and refused["seats"] == ["stalls-A-3"], repr(refused))

        warned = await desk.request("hold", event="gentle", seats=["stalls-A-2"])
        check(warned["type"] == "held" and warned.get("lone_seat") == "stalls-A-1",
              "warn: %r" % warned)
        booked = await desk.request("book", event="gentle", seats=["stalls-A-11"])
        check(booked["type"] == "booked" and booked.get("lone_seat") == "stalls-A-12",
              "warn, book: %r" % booked)
        quiet = await desk.request("hold", event="free", seats=["stalls-A-2"])
        check(quiet["type"] == "held" and "lone_seat" not in quiet, "off: %r" % quiet)

        # hold_best under enforce in row A's left block (1-2 held): 3 seats fill 3-5? no, that
        # leaves 6 alone; whatever it picks, it leaves no lone seat anywhere it touched.
        best = await desk.request("hold_best", event="strict", count=3)
        check(best["type"] == "held" and "lone_seat" not in best, "best: %r" % best)
        await finish(server, desk)


run(main)
