#!/usr/bin/python3
"""The server takes non-ASCII arguments in a UTF-8 locale (issue 12, item 11): it calls
setlocale (), without which GOption converted them from ASCII and
`create-event --name="Café Müller"` failed with "Invalid byte sequence in conversion input".
The name then reaches list-events and a client's list of events unchanged. In the C locale
(ASCII), the same command is refused with a usage error rather than storing mangled bytes."""

import os
import subprocess

from sbtest import SERVER, START_TIMEOUT, VENUE, Client, Server, check, finish, run

NAME = "Café Müller — Kontakthof"


def command(server, locale, *args):
    env = dict(os.environ, LC_ALL=locale)
    env.pop("LANGUAGE", None)
    return subprocess.run([SERVER, *args, "--store=" + server.store], capture_output=True,
                          text=True, timeout=START_TIMEOUT, env=env)


async def main():
    with Server() as server:
        created = command(server, "C.UTF-8", "create-event", "--venue=" + VENUE, "--id=cafe",
                          "--name=" + NAME)
        check(created.returncode == 0, "create-event in C.UTF-8: %d %s" % (created.returncode,
                                                                          created.stderr))
        listed = command(server, "C.UTF-8", "list-events")
        check(listed.returncode == 0 and NAME in listed.stdout, "list-events: %r" % listed.stdout)

        ascii_only = command(server, "C", "create-event", "--venue=" + VENUE, "--id=cafe2",
                             "--name=" + NAME)
        check(ascii_only.returncode == 2 and "cafe2" not in command(server, "C.UTF-8", "list-events").stdout,
              "create-event in the C locale: %d %r" % (ascii_only.returncode, ascii_only.stderr))

        server.start()
        c = await Client.connect(server)
        events = await c.request("list_events")
        names = [e["name"] for e in events["events"]]
        check(names == [NAME], "list_events: %r" % names)
        await finish(server, c)


if __name__ == "__main__":
    run(main)
