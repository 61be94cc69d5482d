#!/usr/bin/python3
"""Issue 10, protocol 2 with the real binary: every role against every request; a wrong password
and an unknown account; lock-out after repeated failures; token expiry and revocation while
connected (by the CLI in another process: passwd, set-role, disable) and by sign_out; a disabled
account; what a protocol 1 client sees; the password and the token nowhere in the log or the
database file; the sign-in metrics. (A lock's end is tested on the throttle's own clock in
tests/server/test-sign-in-throttle.c: the lock lasts 15 minutes.)"""

import asyncio
import os
import subprocess
import time

from sbtest import EVENT, SERVER, Client, Server, check, finish, run, venue_free_seat_ids

ROLE_ORDER = ["viewer", "clerk", "manager", "admin"]
# The least role of each request (docs/protocol.md "Roles").
REQUIRED = {
    "list_events": "viewer", "subscribe": "viewer", "unsubscribe": "viewer", "ping": None,
    "hold": "clerk", "extend": "clerk", "release": "clerk", "book": "clerk",
    "hold_best": "clerk", "audit": "manager",
    "sign_out": None,
}


def is_auth_refusal(reply):
    return reply.get("type") == "error" and (
        reply.get("code") == "unauthenticated"
        or (reply.get("code") == "forbidden" and "required_role" in reply))


async def role_matrix(server, seats):
    for n, role in enumerate(ROLE_ORDER):
        c = await Client.connect(server, user=role)
        check(c.signed_in["role"] == role and c.signed_in["username"] == role,
              "signed_in: %r" % c.signed_in)
        seat = seats[n]
        requests = [
            ("list_events", {}), ("subscribe", {"event": EVENT}), ("unsubscribe", {"event": EVENT}),
            ("ping", {}), ("hold", {"event": EVENT, "seats": [seat]}),
            ("extend", {"hold": "h_none", "ttl": 60}), ("release", {"hold": "h_none"}),
            ("book", {"event": EVENT, "seats": [seats[n + 10]]}),
            ("hold_best", {"event": EVENT, "count": 1, "together": False}), ("audit", {"event": EVENT}),
        ]
        for kind, fields in requests:
            reply = await c.request(kind, **fields)
            needed = REQUIRED[kind]
            allowed = needed is None or ROLE_ORDER.index(role) >= ROLE_ORDER.index(needed)
            if allowed:
                check(not is_auth_refusal(reply), "%s may %s: %r" % (role, kind, reply))
            else:
                check(reply["type"] == "error" and reply["code"] == "forbidden"
                      and reply["required_role"] == needed, "%s may not %s: %r" % (role, kind, reply))
        out = await c.request("sign_out")
        check(out["type"] == "signed_out", "sign_out: %r" % out)
        after = await c.request("list_events")
        check(after["code"] == "unauthenticated" and after["reason"] == "required",
              "after sign_out: %r" % after)
        await c.close()


async def wait_refused(client, reason, timeout=15):
    """Sends list_events until the server refuses it with reason (the revision poll is 1 s)."""
    deadline = time.monotonic() + timeout
    while True:
        reply = await client.request("list_events")
        if reply["type"] == "error":
            check(reply["code"] == "unauthenticated" and reply["reason"] == reason,
                  "expected unauthenticated/%s, got %r" % (reason, reply))
            return reply
        check(time.monotonic() < deadline, "the session never ended (%s)" % reason)
        await asyncio.sleep(0.2)


async def main():
    seats = venue_free_seat_ids()
    with Server() as server:
        server.create_event()
        server.start("--log-level=debug")

        # A protocol 1 client gets its welcome, then `unauthenticated` for all but ping.
        old = await Client.connect(server, hello=False)
        welcome = await old.request("hello", client="old", client_id="v1-desk", protocol=1)
        check(welcome["type"] == "welcome" and welcome["holds"] == [], "v1 welcome: %r" % welcome)
        for kind, fields in (("list_events", {}), ("subscribe", {"event": EVENT}),
                             ("hold", {"event": EVENT, "seats": [seats[0]]})):
            reply = await old.request(kind, **fields)
            check(reply["type"] == "error" and reply["code"] == "unauthenticated"
                  and reply["reason"] == "required", "v1 %s: %r" % (kind, reply))
        check((await old.request("ping"))["type"] == "pong", "v1 ping")
        await old.close()

        await role_matrix(server, seats)

        # Wrong password, unknown account: the same answer.
        server.add_account("anna", role="clerk")
        c = await Client.connect(server, sign_in=False)
        for username, password in (("anna", "not-her-password"), ("nobody", "whatever")):
            reply = await c.request("sign_in", username=username, password=password)
            check(reply["code"] == "unauthenticated" and reply["reason"] == "bad_credentials",
                  "%s: %r" % (username, reply))

        # Lock-out: five failures in a row lock the account; even the right password is refused.
        for _ in range(4):
            reply = await c.request("sign_in", username="anna", password="still-wrong")
            check(reply["reason"] == "bad_credentials", "failure: %r" % reply)
        locked = await c.request("sign_in", username="anna", password=server.password_of("anna"))
        check(locked["code"] == "unauthenticated" and locked["reason"] == "locked"
              and locked["retry_after_ms"] > 0, "locked: %r" % locked)
        check(server.metric("seatbook_accounts_locked") == 1, "seatbook_accounts_locked")
        await c.close()

        # Revocation by the CLI in another process, while connected.
        for name, args, reason in (("pat", ("passwd", "pat", "--password-file=-"), "revoked"),
                                   ("ray", ("set-role", "ray", "viewer"), "revoked"),
                                   ("dan", ("disable", "dan"), "disabled")):
            server.add_account(name, role="clerk")
            c = await Client.connect(server, sign_in=False)
            signed = await c.sign_in_as(server, name, server.password_of(name))
            check((await c.request("list_events"))["type"] == "events", "%s before" % name)
            if args[0] == "passwd":
                subprocess.run([SERVER, "user", *args, "--store=" + server.store],
                               input="a-new-password\n", text=True, check=True,
                               capture_output=True)
            else:
                server.user_command(*args)
            await wait_refused(c, reason)
            # The connection is signed out now, and the old token does not come back.
            check((await c.request("list_events"))["reason"] == "required", "signed out")
            again = await c.request("sign_in", token=signed["token"])
            check(again["code"] == "unauthenticated" and again["reason"] == reason,
                  "%s's token after %s: %r" % (name, args[0], again))
            await c.close()
        c = await Client.connect(server, sign_in=False)
        reply = await c.request("sign_in", username="dan", password=server.password_of("dan"))
        check(reply["reason"] == "disabled", "a disabled account signs in: %r" % reply)
        server.user_command("enable", "dan")
        reply = await c.request("sign_in", username="dan", password=server.password_of("dan"))
        check(reply["type"] == "signed_in", "enabled again: %r" % reply)
        await c.close()

        # sign_out on one connection ends that session on the others at their next request.
        a = await Client.connect(server, sign_in=False)
        first = await a.sign_in_as(server, "clerk")
        b = await Client.connect(server, sign_in=False)
        second = await b.request("sign_in", token=first["token"])
        check(second["type"] == "signed_in" and second["token"] == first["token"], "%r" % second)
        check((await a.request("sign_out"))["type"] == "signed_out", "sign_out")
        await wait_refused(b, "revoked")
        server.tokens.pop("clerk", None)

        ok = server.metric('seatbook_sign_ins_total{result="ok"}')
        bad = server.metric('seatbook_sign_ins_total{result="bad_credentials"}')
        check(ok >= 8 and bad >= 6, "sign-in metrics: ok %r, bad %r" % (ok, bad))

        # The password and the token appear nowhere in the log or the database file.
        secrets = [server.password_of(r) for r in ROLE_ORDER] + [first["token"]]
        await finish(server, a, b)
        with open(server.db, "rb") as f:
            data = f.read()
        wal = server.db + "-wal"
        if os.path.exists(wal):
            with open(wal, "rb") as f:
                data += f.read()
        log = server.log()
        for secret in secrets:
            check(secret.encode() not in data, "a secret is in the database file")
            check(secret not in log, "a secret is in the log")
        check("anna" in log, "the log names the account (it is not a secret)")


    # Tokens expire: a session of ~1.8 s ends while connected.
    with Server() as server:
        server.create_event()
        server.start("--session-hours=0.0005")
        c = await Client.connect(server)
        check(c.signed_in["expires_at"] - c.signed_in["server_time"] <= 1800 + 50, "%r" % c.signed_in)
        check((await c.request("list_events"))["type"] == "events", "before expiry")
        await asyncio.sleep(2.2)
        await wait_refused(c, "expired")
        again = await c.request("sign_in", token=c.signed_in["token"])
        check(again["reason"] == "expired", "an expired token: %r" % again)
        await finish(server, c)


if __name__ == "__main__":
    run(main)
