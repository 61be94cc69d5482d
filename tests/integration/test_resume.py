#!/usr/bin/python3
"""(c) A client that was away and subscribes with `since` receives exactly the versions it missed
(from memory, and after a server restart from the store's log) and then continues with `changed`
messages without a gap; its view ends equal to that of a client that stayed connected."""

import asyncio
import copy
import random

from sbtest import (EVENT, Client, Server, check, close_clients, finish, run,
                    venue_free_seat_ids)


async def churn(client, seats, rng, n):
    """n requests that change seats: holds, releases, books."""
    for _ in range(n):
        chosen = rng.sample(seats, rng.choice((1, 2)))
        reply = await client.request("hold", event=EVENT, seats=chosen, ttl=300)
        if reply["type"] == "held" and rng.random() < 0.5:
            action = "book" if rng.random() < 0.2 else "release"
            reply = await client.request(action, hold=reply["hold"])
            check(reply["type"] in ("booked", "released"), "%r" % reply)


async def main():
    rng = random.Random(7)
    seats = venue_free_seat_ids()[:80]
    with Server() as server:
        server.create_event()
        server.start()

        stayer = await Client.connect(server)
        await stayer.request("subscribe", event=EVENT)
        writer = await Client.connect(server)
        await churn(writer, seats, rng, 20)

        away = await Client.connect(server, client_id="away-client")
        await away.request("subscribe", event=EVENT)
        await churn(writer, seats, rng, 10)
        version = server.db_version()
        await away.wait_version(EVENT, version)
        saved = copy.deepcopy(away.views)
        await away.close()

        await churn(writer, seats, rng, 30)
        missed_until = server.db_version()
        check(missed_until > version, "nothing happened while away")

        back = await Client.connect(server, client_id="away-client", views=saved)
        replay = await back.request("subscribe", event=EVENT, since=version)
        check(replay["type"] == "replay", "expected a replay: %r" % replay.get("type"))
        check(replay["from_version"] == version, "replay from %r" % replay["from_version"])
        check([c["version"] for c in replay["changes"]] == list(range(version + 1, replay["version"] + 1)),
              "replay versions are not exactly the missed ones")
        check(replay["version"] >= missed_until, "replay stops short")

        # Changes after the replay arrive as `changed`, continuing at the replay's version.
        await churn(writer, seats, rng, 10)
        final = server.db_version()
        await back.wait_version(EVENT, final)
        await stayer.wait_version(EVENT, final)
        check(back.views[EVENT].seats == stayer.views[EVENT].seats,
              "resumed view differs from the connected client's view")

        # A fresh client replaying the same range gets the same changes.
        fresh = await Client.connect(server)
        replay2 = await fresh.request("subscribe", event=EVENT, since=version)
        check(replay2["changes"][:len(replay["changes"])] == replay["changes"],
              "two replays of the same range differ")

        # `since` equal to the version: an empty replay; ahead of it: a snapshot saying so.
        empty = await fresh.request("subscribe", event=EVENT, since=final)
        check(empty["type"] == "replay" and empty["changes"] == [] and empty["version"] == final,
              "replay at the current version: %r" % empty)
        ahead = await fresh.request("subscribe", event=EVENT, since=final + 1000)
        check(ahead["type"] == "snapshot" and ahead.get("reason") == "since_ahead",
              "since ahead: %r" % {k: v for k, v in ahead.items() if k != "venue"})
        check("reason" not in (await fresh.request("subscribe", event=EVENT)), "reason without since")

        saved = copy.deepcopy(back.views)
        await close_clients(stayer, writer, back, fresh)

        # After a restart memory has no ring: the store's change log answers.
        check(server.stop() == 0, "server exit status")
        server.start()
        writer = await Client.connect(server)
        await churn(writer, seats, rng, 10)
        after_restart = server.db_version()
        back = await Client.connect(server, client_id="away-client", views=saved)
        replay = await back.request("subscribe", event=EVENT, since=final)
        check(replay["type"] == "replay" and replay["from_version"] == final
              and replay["version"] == after_restart,
              "replay after restart: %r" % {k: v for k, v in replay.items() if k != "venue"})
        fresh = await Client.connect(server)
        await fresh.request("subscribe", event=EVENT)
        check(back.views[EVENT].seats == fresh.views[EVENT].seats,
              "view resumed across a restart differs from a snapshot")
        await finish(server, writer, back, fresh)


if __name__ == "__main__":
    run(main)
