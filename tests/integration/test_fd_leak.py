#!/usr/bin/python3
"""Issue 9 item 1: plain HTTP requests must not leak descriptors. libsoup 3.2.3 left every
keep-alive connection its client closed in CLOSE-WAIT for good: one descriptor per /healthz or
/metrics request. 10,000 sequential requests must leave the count where it was."""

import http.client
import time

from sbtest import Server, check
from wsraw import fd_count

REQUESTS = 10000


def main():
    with Server() as server:
        server.create_event()
        server.start()
        pid = server.proc.pid
        # One request first: whatever is opened once (caches) is not a leak.
        server.http_get("/healthz")
        before = fd_count(pid)
        for i in range(REQUESTS):
            path = "/healthz" if i % 2 == 0 else "/metrics"
            # HTTP/1.1 as curl and load balancers send it: keep-alive unless the server says no.
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            check(response.status == 200, "%s answered %d" % (path, response.status))
            connection.close()
        # The server closes its side right after each response; allow the loop to get there.
        deadline = time.monotonic() + 30
        while fd_count(pid) > before and time.monotonic() < deadline:
            time.sleep(0.1)
        after = fd_count(pid)
        print("descriptors before %d, after %d requests %d" % (before, REQUESTS, after))
        check(after <= before, "%d requests left %d more descriptors" % (REQUESTS, after - before))
        server.check_log_clean()
        check(server.stop() == 0, "server did not stop cleanly")


if __name__ == "__main__":
    main()
