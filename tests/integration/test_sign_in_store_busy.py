#!/usr/bin/python3
"""Sign-in and sign-out while the store cannot be written (another process holds SQLite's write
lock, as a long `seatbook-server user …` or a backup would), with the real binary (the security
review of the accounts code, December 2026, findings 4 and 5):
- a right password is answered `unavailable` (try again with the same id), not bad_credentials,
  and it counts neither as a failed sign-in nor towards the lock-out; once the lock is gone the
  same request signs in;
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


async def main():
    with Server() as server:
        server.create_event()
        server.start("--log-level=debug")
        c = await sign_in_while_busy(server)
        await finish(server, c)


if __name__ == "__main__":
    run(main)
