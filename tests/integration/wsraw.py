"""A WebSocket client made of raw bytes, for tests that must send what a well-behaved library
never would: half a handshake, half a frame, no pong, a NUL. Blocking sockets; every read has a
deadline that only stops hangs."""

import base64
import os
import socket
import struct
import time

DEADLINE = 30


class Closed(Exception):
    """The server closed the TCP connection."""


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def tcp(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def read_http_head(sock):
    """The status line and headers of a response (lower-cased names), as (status, headers)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise Closed("closed during the HTTP response: %r" % data)
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


def upgrade_request(port, version="13"):
    key = base64.b64encode(os.urandom(16)).decode()
    return ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: %s\r\n\r\n" % (port, key, version)).encode()


def connect(port):
    """A socket right after a successful upgrade."""
    sock = tcp(port)
    sock.sendall(upgrade_request(port))
    status, _ = read_http_head(sock)
    if status != 101:
        raise AssertionError("upgrade answered %d" % status)
    return sock


def frame(opcode, payload, fin=True, mask=b"\x01\x02\x03\x04", declared=None):
    """A client frame; declared overrides the payload length written in the header (to send the
    header and only part of the payload)."""
    length = len(payload) if declared is None else declared
    head = bytes([(0x80 if fin else 0) | opcode])
    if length < 126:
        head += bytes([0x80 | length])
    elif length < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", length)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", length)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


def send_frame(sock, opcode, payload, **kwargs):
    sock.sendall(frame(opcode, payload, **kwargs))


def _recv_exact(sock, n, deadline):
    data = b""
    while len(data) < n:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(n - len(data))
        except socket.timeout:
            raise AssertionError("no frame before the deadline")
        except ConnectionResetError:
            raise Closed("connection reset")
        if not chunk:
            raise Closed("closed")
        data += chunk
    return data


def recv_frame(sock, timeout=DEADLINE):
    """(opcode, payload) of the next server frame; raises Closed at the end of the stream."""
    deadline = time.monotonic() + timeout
    b0, b1 = _recv_exact(sock, 2, deadline)
    length = b1 & 0x7F
    if length == 126:
        length = struct.unpack("!H", _recv_exact(sock, 2, deadline))[0]
    elif length == 127:
        length = struct.unpack("!Q", _recv_exact(sock, 8, deadline))[0]
    return b0 & 0x0F, _recv_exact(sock, length, deadline)


def close_code(payload):
    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None


def wait_eof(sock, timeout=DEADLINE):
    """Reads (and drops) frames until the server closes the connection; returns them."""
    frames = []
    deadline = time.monotonic() + timeout
    while True:
        try:
            frames.append(recv_frame(sock, max(0.01, deadline - time.monotonic())))
        except Closed:
            return frames
