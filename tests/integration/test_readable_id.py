#!/usr/bin/python3
"""A frame that is JSON with a readable string id gets its error with that id, even when the
server refuses JSON that RFC 8259 allows: "\\u0000" in any string (seats, event, type, client,
client_id, a member name), an unpaired surrogate, nesting deeper than the reader takes. The
connection stays usable, and frames that are not JSON still get "re": null (issue 9, item 6)."""

import json

from sbtest import EVENT, Client, Server, check, finish, run, venue_free_seat_ids


def refused(reply, re):
    check(reply["type"] == "error" and reply["code"] == "invalid_request" and reply["re"] == re
          and isinstance(reply.get("message"), str),
          "expected invalid_request for %r, got %r" % (re, reply))


async def main():
    seat = venue_free_seat_ids()[0]
    with Server() as server:
        server.create_event()
        server.start()

        # hello itself, before any other request: client and client_id (json.dumps writes the NUL
        # as \u0000, as a browser's JSON.stringify does).
        fresh = await Client.connect(server, hello=False)
        refused(await fresh.request("hello", id="nl-client", client="desk\x00 1", client_id="a",
                                    protocol=1), "nl-client")
        refused(await fresh.request("hello", id="nl-client-id", client="desk", client_id="\x00",
                                    protocol=1), "nl-client-id")
        welcome = await fresh.request("hello", id="h", client="desk", client_id="readable-id",
                                      protocol=1)
        check(welcome["type"] == "welcome", "hello after the refusals: %r" % welcome)

        c = await Client.connect(server)
        # The report: a NUL inside a seat id.
        refused(await c.request("hold", id="nl-1", event=EVENT, seats=["A-1\x00x"]), "nl-1")
        refused(await c.request("hold", id="nl-2", event="e\x00", seats=[seat]), "nl-2")
        refused(await c.request("subscribe", id="nl-3", event="\x00"), "nl-3")
        for re, frame in (
                ("nl-4", {"type": "hold\x00", "id": "nl-4"}),
                ("nl-5", {"type": "ping", "x\x00": 1, "id": "nl-5"}),
                ("nl-6", {"type": "ping", "x": [{"y": ["\x00"]}], "id": "nl-6"})):
            await c.send_raw(json.dumps(frame))
            refused(await c.anonymous_reply(re), re)
        # An unpaired surrogate, written by hand (json.dumps would pair or refuse it).
        await c.send_raw('{"type": "release", "id": "nl-7", "hold": "\\udc00"}')
        refused(await c.anonymous_reply("nl-7"), "nl-7")
        # Deeper than the reader's 64 levels, and closed again: still JSON.
        deep = "[" * 100 + "0" + "]" * 100
        await c.send_raw('{"type": "ping", "x": %s, "id": "nl-8"}' % deep)
        refused(await c.anonymous_reply("nl-8"), "nl-8")

        # No readable id: the id holds the NUL itself, or the frame is not JSON at all.
        await c.send_raw(json.dumps({"type": "ping", "id": "a\x00b"}))
        refused(await c.anonymous_reply(None), None)
        await c.send_raw('{"type": "ping", "id": "not-json", "x": "\\u0000",}')
        refused(await c.anonymous_reply(None), None)

        # Nothing was held (blocked seats are in the table from the start), and the connection
        # is fine.
        held = {s: v for s, v in server.db_seat_states().items() if v[0] != "blocked"}
        check(held == {}, "a refused hold changed seats: %r" % held)
        check((await c.request("ping", id="alive"))["type"] == "pong", "connection unusable")
        await finish(server, fresh, c)


if __name__ == "__main__":
    run(main)
