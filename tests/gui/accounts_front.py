"""A protocol-version-2 front for the GUI tests while seatbook-server has no audit trail yet.

It sits between the app and a real seatbook-server: it answers hello with the server's own welcome
marked "protocol": 2, answers sign_in and sign_out itself (accounts given to it, tokens it makes),
refuses everything else with `unauthenticated` (reason `required`) until a sign-in, and passes
everything else through unchanged. It keeps an audit trail of what it passed through (hold,
extend, release and book, as their replies confirm them; sign-ins) and answers `audit` from it
for managers, as docs/protocol.md (version 2) describes. Each app connection gets its own server connection, so
subscriptions, holds and bookings are the real server's, which runs with accounts=off behind it.
test_sign_in uses the real server's accounts; only test_audit still needs this, until the server
answers `audit` (docs/protocol.md, version 2)."""
import asyncio
import json
import secrets
import threading
import time

import websockets


class AccountsFront:
    def __init__(self, server_url, accounts):
        """accounts: username -> (password, role)."""
        self.server_url = server_url
        self.accounts = dict(accounts)
        self.tokens = {}  # token -> username
        self.sign_ins = []  # (username or "token", result), in order
        self.audit = []  # audit_log entries plus "event", oldest first
        self.audits = []  # the audit requests answered, as received
        self.port = None
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self._thread.start()
        ready.wait(10)

    @property
    def url(self):
        return "ws://127.0.0.1:%d/ws" % self.port

    def _run(self, ready):
        asyncio.set_event_loop(self._loop)

        async def start():
            server = await websockets.serve(self._client, "127.0.0.1", 0, max_size=None)
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
        self._loop.run_until_complete(start())
        self._loop.run_forever()

    def revoke_all(self):
        self.tokens.clear()

    async def _client(self, app, *path):
        async with websockets.connect(self.server_url, max_size=None) as upstream:
            state = {"account": None, "desk": "", "asked": {}}

            async def down():
                async for text in upstream:
                    message = json.loads(text)
                    if message.get("type") == "welcome":
                        message["protocol"] = 2
                        message["holds"] = []
                        text = json.dumps(message)
                    asked = state["asked"].pop(message.get("re"), None)
                    if asked is not None:
                        self._record(asked, message)
                    await app.send(text)

            pump = asyncio.ensure_future(down())
            try:
                async for text in app:
                    request = json.loads(text)
                    kind = request.get("type")
                    if kind == "hello":
                        state["desk"] = request.get("client_id", "")
                        await upstream.send(text)
                    elif kind == "ping":
                        await upstream.send(text)
                    elif kind == "sign_in":
                        await app.send(json.dumps(self._sign_in(request, state)))
                    elif kind == "sign_out":
                        self.tokens.pop(state.get("token"), None)
                        state["account"] = None
                        await app.send(json.dumps({"type": "signed_out", "re": request["id"]}))
                    elif state["account"] is None or state.get("token") not in self.tokens:
                        reason = "required" if state["account"] is None else "revoked"
                        state["account"] = None
                        await app.send(json.dumps({"type": "error", "re": request.get("id"),
                                                   "code": "unauthenticated", "reason": reason,
                                                   "message": "Sign in first."}))
                    elif kind in ("hold", "extend", "release", "book") and \
                            self.accounts[state["account"]][1] == "viewer":
                        await app.send(json.dumps({"type": "error", "re": request.get("id"),
                                                   "code": "forbidden", "required_role": "clerk",
                                                   "message": "A viewer may not do this."}))
                    elif kind == "audit":
                        await app.send(json.dumps(self._audit(request, state)))
                    else:
                        if kind in ("hold", "extend", "release", "book"):
                            state["asked"][request.get("id")] = (kind, state["account"], state["desk"],
                                                                 request)
                        await upstream.send(text)
            except websockets.ConnectionClosed:
                pass
            finally:
                pump.cancel()

    def _record(self, asked, reply):
        """An audit entry for a request the server confirmed."""
        kind, account, desk, request = asked
        if reply.get("type") not in ("held", "extended", "released", "booked"):
            return
        entry = {"event": reply.get("event", request.get("event", "")),
                 "at": int(time.time() * 1000), "account": account, "desk": desk,
                 "action": kind, "seats": reply.get("seats", request.get("seats", []))}
        hold = reply.get("hold", request.get("hold"))
        if hold:
            entry["hold"] = hold
        if reply.get("booking"):
            entry["booking"] = reply["booking"]
        self.audit.append(entry)

    def _audit(self, request, state):
        self.audits.append(request)
        role = self.accounts[state["account"]][1]
        if role not in ("manager", "admin"):
            return {"type": "error", "re": request.get("id"), "code": "forbidden",
                    "required_role": "manager", "message": "Only managers may read the audit trail."}
        entries = [e for e in self.audit if e["event"] == request.get("event")
                   and ("seat" not in request or request["seat"] in e["seats"])
                   and ("booking" not in request or e.get("booking") == request["booking"]
                        or (e.get("hold") and any(b.get("hold") == e["hold"]
                                                  and b.get("booking") == request["booking"]
                                                  for b in self.audit)))
                   and e["at"] >= request.get("since", 0)]
        entries = entries[-request.get("limit", 200):]
        return {"type": "audit_log", "re": request.get("id"), "event": request.get("event"),
                "entries": [{k: v for k, v in e.items() if k != "event"} for e in entries]}

    def _sign_in(self, request, state):
        def refuse(reason):
            self.sign_ins.append((request.get("username", "token"), reason))
            return {"type": "error", "re": request["id"], "code": "unauthenticated",
                    "reason": reason, "message": "Sign-in refused."}

        if "token" in request:
            username = self.tokens.get(request["token"])
            if username is None:
                return refuse("expired")
            token = request["token"]
        else:
            username = request.get("username")
            account = self.accounts.get(username)
            if account is None or account[0] != request.get("password"):
                return refuse("bad_credentials")
            token = "sbt_" + secrets.token_urlsafe(32)
            self.tokens[token] = username
        state["account"] = username
        state["token"] = token
        self.sign_ins.append((username if "token" not in request else "token", "ok"))
        now = int(asyncio.get_event_loop().time() * 1000)
        return {"type": "signed_in", "re": request["id"], "username": username,
                "role": self.accounts[username][1], "token": token,
                "expires_at": now + 12 * 3600 * 1000, "server_time": now, "holds": []}
