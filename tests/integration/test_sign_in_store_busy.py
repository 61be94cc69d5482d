#!/usr/bin/python3
"""Sign-in and sign-out while the store cannot be written (another process holds SQLite's write
lock, as a long `seatbook-server user …` or a backup would), with the real binary (the security
review of the accounts code, December 2026, findings 4 and 5):
- a right password is answered `unavailable` (try again with the same id), not bad_credentials,
  and it counts neither as a failed sign-in nor towards the lock-out; once the lock is gone the
  same request signs in;
- sign_out is answered only once the revocation is stored: `unavailable` while the store cannot
  be written (the token still works, and the client knows it), `signed_out` after which the
  token is refused.
"""

import asyncio
import sqlite3

from sbtest import Client, Server, check, finish, run


class WriteLock:
    """SQLite's write lock on the server's database, held by this process."""

    def __init__(self, path):
        self.db = sqlite3.connect(path, isolation_level=None, timeout=5)
        self.db.execute("BEGIN IMMEDIATE")

    def release(self):
        self.db.execute("ROLLBACK")
        self.db.close()


async def sign_in_while_busy(server):
    server.add_account("anna", role="clerk")
    c = await Client.connect(server, sign_in=False)
    lock = WriteLock(server.db)
    try:
        # Twice: the client tries again with the same id (each waits out SQLite's 5 s busy
        # timeout).
        for _ in range(2):
            reply = await c.request("sign_in", id="s1", username="anna",
                                    password=server.password_of("anna"))
            check(reply["type"] == "error" and reply["code"] == "unavailable",
                  "a right password while the store is busy: %r" % reply)
    finally:
        lock.release()
    check(server.metric('seatbook_sign_ins_total{result="bad_credentials"}') == 0,
          "a store failure counted as a wrong password")
    check(server.metric('seatbook_sign_ins_total{result="unavailable"}') == 2, "unavailable count")
    reply = await c.request("sign_in", id="s1", username="anna",
                            password=server.password_of("anna"))
    check(reply["type"] == "signed_in", "the same request once the store is back: %r" % reply)
    check(server.metric("seatbook_accounts_locked") == 0, "locked by store failures")
    return c


async def sign_out_while_busy(server, c):
    token = c.signed_in["token"] if c.signed_in else None
    lock = WriteLock(server.db)
    try:
        reply = await c.request("sign_out", id="o1")
        check(reply["type"] == "error" and reply["code"] == "unavailable",
              "sign_out while the store is busy: %r" % reply)
    finally:
        lock.release()
    # Still signed in, and the token still works: the reply said so.
    check((await c.request("list_events"))["type"] == "events", "signed in after unavailable")
    other = await Client.connect(server, sign_in=False)
    again = await other.request("sign_in", token=token)
    check(again["type"] == "signed_in", "the token after an unavailable sign_out: %r" % again)
    reply = await c.request("sign_out", id="o1")
    check(reply["type"] == "signed_out", "sign_out once the store is back: %r" % reply)
    third = await Client.connect(server, sign_in=False)
    refused = await third.request("sign_in", token=token)
    check(refused["type"] == "error" and refused["reason"] == "revoked",
          "the token after signed_out: %r" % refused)
    return other, third


async def main():
    with Server() as server:
        server.create_event()
        server.start("--log-level=debug")
        c = await sign_in_while_busy(server)
        c.signed_in = (await c.request("sign_in", username="anna",
                                       password=server.password_of("anna")))
        others = await sign_out_while_busy(server, c)
        await finish(server, c, *others)


if __name__ == "__main__":
    run(main)
