#!/usr/bin/python3
"""Issue 9 items 5 and 7, against the real server:
- U+0000 is valid UTF-8 (RFC 6455 allows it): a text frame holding a raw NUL reaches the JSON
  layer, is answered invalid_request, and the connection stays open; a close reason holding NUL
  is a valid close frame (answered with the same code, not 1002).
- A handshake for another WebSocket version is answered 426 with Sec-WebSocket-Version: 13
  (RFC 6455 section 4.4)."""

import json

from sbtest import Server, check
from wsraw import close_code, connect, read_http_head, recv_frame, send_frame, tcp, upgrade_request, wait_eof

HELLO = b'{"type":"hello","id":"h","client":"bytes test","client_id":"bytes-test","protocol":1}'


def next_text(sock):
    while True:
        opcode, payload = recv_frame(sock)
        if opcode == 0x1:
            return json.loads(payload)
        check(opcode in (0x9, 0xA), "unexpected opcode %d" % opcode)


def main():
    with Server() as server:
        server.create_event()
        server.start()

        sock = connect(server.port)
        send_frame(sock, 0x1, HELLO)
        check(next_text(sock)["type"] == "welcome", "hello")
        # A raw NUL after the object, and one inside a string.
        send_frame(sock, 0x1, b'{"type":"ping","id":"n1"}\x00')
        reply = next_text(sock)
        check(reply["type"] == "error" and reply["code"] == "invalid_request", "NUL: %r" % reply)
        send_frame(sock, 0x1, b'{"type":"ping","id":"n\x002"}')
        reply = next_text(sock)
        check(reply["type"] == "error" and reply["code"] == "invalid_request", "NUL: %r" % reply)
        send_frame(sock, 0x1, b'{"type":"ping","id":"after"}')
        reply = next_text(sock)
        check(reply["type"] == "pong" and reply["re"] == "after", "still open: %r" % reply)

        # A close reason with NUL in it.
        send_frame(sock, 0x8, b"\x03\xe8bye\x00now")
        frames = wait_eof(sock)
        check(frames and frames[-1][0] == 0x8 and close_code(frames[-1][1]) == 1000,
              "close with NUL in its reason: %r" % frames)

        # Version 8.
        sock = tcp(server.port)
        sock.sendall(upgrade_request(server.port, version="8"))
        status, headers = read_http_head(sock)
        check(400 <= status < 500, "version 8 answered %d" % status)
        check(headers.get("sec-websocket-version") == "13",
              "version 8: no Sec-WebSocket-Version: 13 in %r" % headers)
        sock.close()

        server.check_log_clean()
        check(server.stop() == 0, "server did not stop cleanly")


if __name__ == "__main__":
    main()
