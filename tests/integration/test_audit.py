#!/usr/bin/python3
"""Issue 10 item 5 with the real binary: the audit trail of a hold → extend → book sequence made
from two desks of one account, of a release, of an expiry (the hold's account, no desk), read by
a manager with `audit` (filters by seat, booking, since, limit) and refused to a clerk; the same
trail from `seatbook-server audit` in text and CSV, beside the running server; and the sign-ins,
ok and failed (without the password), under the event "" that only the command line lists."""

import asyncio
import csv
import io
import subprocess
import time

from sbtest import EVENT, SERVER, Client, Server, check, finish, run, venue_free_seat_ids


async def audit(client, **fields):
    reply = await client.request("audit", event=EVENT, **fields)
    check(reply["type"] == "audit_log" and reply["event"] == EVENT, "audit: %r" % reply)
    return reply["entries"]


def summary(entries):
    return [(e["action"], e["account"], e["desk"], e["seats"], e.get("hold"), e.get("booking"))
            for e in entries]


async def main():
    seats = venue_free_seat_ids()
    with Server() as server:
        server.create_event()
        server.start()
        server.add_account("anna", role="clerk")
        started_ms = int(time.time() * 1000)

        desk1 = await Client.connect(server, client_id="desk-1", user="anna")
        desk2 = await Client.connect(server, client_id="desk-2", user="anna")
        manager = await Client.connect(server, client_id="office", user="manager")
        clerk = await Client.connect(server, client_id="desk-3", user="clerk")

        held = await desk1.request("hold", event=EVENT, seats=seats[0:2], ttl=120)
        check(held["type"] == "held", "hold: %r" % held)
        extended = await desk2.request("extend", hold=held["hold"], ttl=300)
        check(extended["type"] == "extended", "extend: %r" % extended)
        booked = await desk2.request("book", hold=held["hold"])
        check(booked["type"] == "booked", "book: %r" % booked)
        other = await clerk.request("hold", event=EVENT, seats=seats[4:5], ttl=120)
        released = await clerk.request("release", hold=other["hold"])
        check(released["type"] == "released", "release: %r" % released)
        short = await desk1.request("hold", event=EVENT, seats=seats[6:7], ttl=1)
        check(short["type"] == "held", "short hold: %r" % short)
        # A refused request leaves nothing in the trail.
        refused = await clerk.request("hold", event=EVENT, seats=seats[0:1], ttl=60)
        check(refused["type"] == "error", "a booked seat held again: %r" % refused)

        # The expiry comes from the server itself, within a few seconds.
        deadline = time.monotonic() + 30
        while True:
            entries = await audit(manager)
            if any(e["action"] == "expire" for e in entries):
                break
            check(time.monotonic() < deadline, "no expire entry: %r" % entries)
            await asyncio.sleep(0.3)

        expected = [
            ("hold", "anna", "desk-1", seats[0:2], held["hold"], None),
            ("extend", "anna", "desk-2", seats[0:2], held["hold"], None),
            ("book", "anna", "desk-2", seats[0:2], held["hold"], booked["booking"]),
            ("hold", "clerk", "desk-3", seats[4:5], other["hold"], None),
            ("release", "clerk", "desk-3", seats[4:5], other["hold"], None),
            ("hold", "anna", "desk-1", seats[6:7], short["hold"], None),
            ("expire", "anna", "", seats[6:7], short["hold"], None),
        ]
        check(summary(entries) == expected, "the trail:\n%r\nexpected\n%r" % (summary(entries),
                                                                              expected))
        check(all(started_ms - 1000 <= e["at"] <= int(time.time() * 1000) for e in entries),
              "entry times: %r" % [e["at"] for e in entries])
        check([e["at"] for e in entries] == sorted(e["at"] for e in entries), "oldest first")

        # Filters: a seat's history, a booking's, since, the newest `limit`.
        by_seat = await audit(manager, seat=seats[1])
        check([e["action"] for e in by_seat] == ["hold", "extend", "book"], "seat: %r" % by_seat)
        by_booking = await audit(manager, booking=booked["booking"])
        check(summary(by_booking) == expected[2:3], "booking: %r" % by_booking)
        newest = await audit(manager, limit=2)
        check(summary(newest) == expected[-2:], "limit: %r" % newest)
        since = await audit(manager, since=entries[3]["at"])
        check(summary(since)[-4:] == expected[-4:] and len(since) <= 7, "since: %r" % since)

        # A clerk may not read it; an unknown event is not found.
        reply = await clerk.request("audit", event=EVENT)
        check(reply["type"] == "error" and reply["code"] == "forbidden"
              and reply["required_role"] == "manager", "clerk audit: %r" % reply)
        reply = await manager.request("audit", event="no-such-event")
        check(reply["type"] == "error" and reply["code"] == "not_found", "unknown: %r" % reply)

        # The command line, beside the running server.
        text = server.run_command("audit", "--event=" + EVENT, "--store=" + server.store).stdout
        lines = [line.split("\t") for line in text.splitlines()]
        check([(l[3], l[1], l[2]) for l in lines] == [(e[0], e[1], e[2]) for e in expected],
              "audit text:\n%s" % text)
        check(lines[2][4] == " ".join(seats[0:2]) and lines[2][6] == booked["booking"]
              and lines[0][0].endswith("Z"), "audit text fields: %r" % lines[2])
        raw = subprocess.run([SERVER, "audit", "--event=" + EVENT, "--format=csv",
                              "--seat=" + seats[6], "--store=" + server.store],
                             capture_output=True, timeout=30, check=True).stdout
        out = raw.decode()
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
        check(raw.startswith(b"at,account,desk,action,seats,hold,booking,detail\r\n")
              and raw.endswith(b"\r\n"), "CSV header and line ends (RFC 4180): %r" % raw[:80])
        check([(r["action"], r["account"], r["desk"], r["hold"]) for r in rows]
              == [("hold", "anna", "desk-1", short["hold"]), ("expire", "anna", "", short["hold"])],
              "audit CSV:\n%s" % out)
        later = server.run_command("audit", "--event=" + EVENT, "--since=%d" % (int(time.time() * 1000) + 60000),
                                   "--store=" + server.store).stdout
        check(later == "", "nothing after the future: %r" % later)
        bad = subprocess.run([SERVER, "audit", "--store=" + server.store], capture_output=True,
                             text=True, timeout=30)
        check(bad.returncode == 2 and "--event" in bad.stderr, "audit without --event: %r" % bad)

        # Sign-ins, ok and failed, are recorded under the event "" (the command line lists them).
        stranger = await Client.connect(server, client_id="desk-7", sign_in=False)
        wrong = await stranger.request("sign_in", username="anna", password="not-her-password")
        check(wrong["type"] == "error" and wrong["reason"] == "bad_credentials", "%r" % wrong)
        text = server.run_command("audit", "--event=", "--store=" + server.store).stdout
        lines = [line.split("\t") for line in text.splitlines()]
        signed = [(l[1], l[2], l[3]) for l in lines]
        check(("anna", "desk-1", "sign_in") in signed and ("anna", "desk-2", "sign_in") in signed
              and ("manager", "office", "sign_in") in signed, "sign-ins:\n%s" % text)
        failed = [l for l in lines if l[3] == "sign_in_failed"]
        check(len(failed) == 1 and failed[0][1:3] == ["anna", "desk-7"]
              and "bad_credentials" in failed[0][7] and "127.0.0.1" in failed[0][7],
              "the failed sign-in: %r" % failed)
        check("not-her-password" not in text and "sbtest-" not in text,
              "a password in the trail:\n%s" % text)
        # Not over the protocol: the event "" is no event.
        reply = await manager.request("audit", event="")
        check(reply["type"] == "error", "audit of the event \"\": %r" % reply)

        await finish(server, desk1, desk2, manager, clerk, stranger)


if __name__ == "__main__":
    run(main)
