#!/usr/bin/python3
"""A connection whose session ends stops seeing the events at once (the security review of the
accounts code, December 2026, finding 3), with the real binary: after sign_out, after `user
disable` in another process, and when the session's lifetime is over, every subscription ends
with an unasked `unsubscribed` ("re": null) and no `changed` follows; a connection that only pings
is told the reason once, then pings as a signed-out connection."""

import asyncio

from sbtest import EVENT, Client, Server, check, finish, run


def unasked_unsubscribed(msg):
    return msg["type"] == "unsubscribed" and msg["re"] is None and msg["event"] == EVENT


def take_unasked(*clients):
    """The unasked messages were checked: they are not left for check_clean."""
    for client in clients:
        for msg in client.replies.pop(None, []):
            check(unasked_unsubscribed(msg), "unexpected unasked message: %r" % msg)


async def no_changed_after(client, mark, clerk, seconds=1.5):
    """A clerk holds and releases a seat; client (whose session ended) sees no `changed`."""
    held = await clerk.request("hold_best", event=EVENT, count=1, together=False)
    check(held["type"] == "held", "hold_best: %r" % held)
    released = await clerk.request("release", hold=held["hold"])
    check(released["type"] == "released", "release: %r" % released)
    await asyncio.sleep(seconds)
    late = [m for m in client.messages[mark:] if m["type"] == "changed"]
    check(not late, "a connection whose session ended still sees the event: %r" % late[:2])


async def main():
    with Server() as server:
        server.create_event()
        server.start("--log-level=debug")
        clerk = await Client.connect(server, user="clerk")
        check((await clerk.request("subscribe", event=EVENT))["type"] == "snapshot", "clerk")

        # sign_out
        server.add_account("vera", role="viewer")
        v = await Client.connect(server, sign_in=False)
        await v.sign_in_as(server, "vera", server.password_of("vera"))
        check((await v.request("subscribe", event=EVENT))["type"] == "snapshot", "subscribe")
        out = await v.request("sign_out")
        check(out["type"] == "signed_out", "sign_out: %r" % out)
        check(any(unasked_unsubscribed(m) for m in v.messages), "no unsubscribed at sign_out")
        await no_changed_after(v, len(v.messages), clerk)

        # disabled by the CLI in another process, while the connection only listens
        w = await Client.connect(server, sign_in=False)
        await w.sign_in_as(server, "vera", server.password_of("vera"))
        check((await w.request("subscribe", event=EVENT))["type"] == "snapshot", "subscribe")
        server.user_command("disable", "vera")
        await w.wait_for(unasked_unsubscribed, timeout=15, what="unsubscribed after disable")
        await no_changed_after(w, len(w.messages), clerk)
        ping = await w.request("ping")
        check(ping["type"] == "error" and ping["code"] == "unauthenticated"
              and ping["reason"] == "disabled", "the first ping after disable: %r" % ping)
        check((await w.request("ping"))["type"] == "pong", "a signed-out connection pings")
        take_unasked(v, w)
        await finish(server, clerk, v, w)

    # The lifetime ends (1.8 s) while the connection only listens.
    with Server() as server:
        server.create_event()
        server.start("--session-hours=0.0005")
        clerk = await Client.connect(server, user="clerk")
        c = await Client.connect(server, user="viewer")
        check((await c.request("subscribe", event=EVENT))["type"] == "snapshot", "subscribe")
        await c.wait_for(unasked_unsubscribed, timeout=15, what="unsubscribed at expiry")
        # The clerk's session ended too: it signs in again (a new session) to make changes.
        await clerk.request("ping")
        clerk.signed_in = None
        server.tokens.clear()
        await clerk.sign_in_as(server, "clerk", server.password_of("clerk"))
        await no_changed_after(c, len(c.messages), clerk, seconds=0.5)
        take_unasked(clerk, c)
        await finish(server, clerk, c)


if __name__ == "__main__":
    run(main)
