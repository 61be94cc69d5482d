#!/usr/bin/python3
"""Rough server memory per idle connection, ws:// against wss://: N Python clients say hello and
stay; the server's VmRSS before and after. Usage: ulimit -n 8192; bench/tls-idle-memory.py 1000
(SEATBOOK_SERVER picks the binary, as for the integration tests)."""
import asyncio
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
import sbtest  # noqa: E402
N = int(sys.argv[1])
def rss(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
async def measure(tls):
    with sbtest.Server(tls=tls) as server:
        server.create_event()
        server.start()
        first = await sbtest.Client.connect(server)
        await asyncio.sleep(0.5)
        before = rss(server.proc.pid)
        clients = [first]
        for i in range(N):
            clients.append(await sbtest.Client.connect(server))
        await asyncio.sleep(1)
        after = rss(server.proc.pid)
        print("%s: %d idle connections after hello: server RSS %d -> %d KiB, %.1f KiB per connection"
              % ("wss" if tls else "ws", N, before, after, (after - before) / N))
        for c in clients:
            await c.close()
        server.stop()
async def main():
    await measure(False)
    await measure(True)
asyncio.run(main())
