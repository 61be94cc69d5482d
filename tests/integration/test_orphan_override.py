#!/usr/bin/python3
"""A manager's override of the orphan rule (issue 13 item 3, docs/protocol.md "The orphan rule"):
`override_orphan_rule` on hold, book by seats and hold_best does what enforce would refuse, the
reply names the seat left alone and the audit trail records the override and that seat. A clerk
is refused with forbidden and required_role manager; malformed uses are invalid_request; with
accounts=off every desk may override (recorded under the placeholder account)."""

from sbtest import VENUE, Client, Server, check, finish, run


def forbidden_manager(reply):
    return (reply["type"] == "error" and reply["code"] == "forbidden"
            and reply.get("required_role") == "manager")


def invalid(reply):
    return reply["type"] == "error" and reply["code"] == "invalid_request"


async def accounts_required():
    with Server() as server:
        server.run_command("create-event", "--store=" + server.store, "--venue=" + VENUE,
                           "--id=strict", "--name=strict", "--orphan-rule=enforce")
        server.start()
        clerk = await Client.connect(server, user="clerk")
        manager = await Client.connect(server, user="manager")
        admin = await Client.connect(server, user="admin")

        # Row A of the stalls: seats 1-6, the aisle, 7-12. Holding seat 2 leaves seat 1 alone.
        refused = await manager.request("hold", event="strict", seats=["stalls-A-2"])
        check(refused["type"] == "error" and refused["code"] == "lone_seat"
              and refused["seats"] == ["stalls-A-1"], "no override: %r" % refused)
        reply = await clerk.request("hold", event="strict", seats=["stalls-A-2"],
                                    override_orphan_rule=True)
        check(forbidden_manager(reply), "clerk: %r" % reply)
        reply = await clerk.request("book", event="strict", seats=["stalls-A-5"],
                                    override_orphan_rule=True)
        check(forbidden_manager(reply), "clerk, book: %r" % reply)
        reply = await clerk.request("hold_best", event="strict", count=2,
                                    override_orphan_rule=True)
        check(forbidden_manager(reply), "clerk, hold_best: %r" % reply)
        # false is no override, which a clerk may send.
        reply = await clerk.request("hold", event="strict", seats=["stalls-A-2"],
                                    override_orphan_rule=False)
        check(reply["type"] == "error" and reply["code"] == "lone_seat", "false: %r" % reply)

        held = await manager.request("hold", event="strict", seats=["stalls-A-2"],
                                     override_orphan_rule=True)
        check(held["type"] == "held" and held["seats"] == ["stalls-A-2"]
              and held.get("lone_seat") == "stalls-A-1", "manager: %r" % held)
        booked = await admin.request("book", event="strict", seats=["stalls-A-11"],
                                     override_orphan_rule=True)
        check(booked["type"] == "booked" and booked.get("lone_seat") == "stalls-A-12",
              "admin, book: %r" % booked)

        reply = await manager.request("book", hold=held["hold"], override_orphan_rule=True)
        check(invalid(reply), "book by hold: %r" % reply)
        reply = await manager.request("hold", event="strict", seats=["stalls-B-2"],
                                      override_orphan_rule=1)
        check(invalid(reply), "not a boolean: %r" % reply)
        reply = await manager.request("extend", hold=held["hold"], override_orphan_rule=True)
        check(invalid(reply), "extend: %r" % reply)

        log = await manager.request("audit", event="strict")
        check(log["type"] == "audit_log", "audit: %r" % log)
        entries = [(e["account"], e["action"], e["seats"], e.get("detail"))
                   for e in log["entries"]]
        check(entries == [
            ("manager", "hold", ["stalls-A-2"],
             "orphan rule overridden: leaves stalls-A-1 on its own"),
            ("admin", "book", ["stalls-A-11"],
             "orphan rule overridden: leaves stalls-A-12 on its own")], "entries: %r" % entries)
        await finish(server, clerk, manager, admin)


async def accounts_off():
    with Server() as server:
        server.run_command("create-event", "--store=" + server.store, "--venue=" + VENUE,
                           "--id=strict", "--name=strict", "--orphan-rule=enforce")
        server.start("--accounts=off")
        desk = await Client.connect(server, sign_in=False)
        held = await desk.request("hold", event="strict", seats=["stalls-A-2"],
                                  override_orphan_rule=True)
        check(held["type"] == "held" and held.get("lone_seat") == "stalls-A-1",
              "accounts=off: %r" % held)
        log = await desk.request("audit", event="strict")
        check([(e["account"], e.get("detail")) for e in log["entries"]]
              == [("legacy", "orphan rule overridden: leaves stalls-A-1 on its own")],
              "accounts=off, audit: %r" % log)
        await finish(server, desk)


async def main():
    await accounts_required()
    await accounts_off()


run(main)
