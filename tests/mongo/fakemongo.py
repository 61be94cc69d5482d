"""MongoDB stand-ins for the tests of the MongoDB store, on Debian's python3-mockupdb (docs/hacking.md,
"MongoDB tests", lists the pitfalls this module works around).

FakePrimary: a mockupdb server that plays a one-node replica-set primary and answers every
command through one handler, with hooks for the wire-level scenarios of test-mongo-wire.py.

FakeDatabase: an in-memory database behind the same wire protocol, with just enough of MongoDB's
semantics for SbMongoStore through the real libmongoc code path: equality, $in and range filters,
$set/$inc, unique _id, and transactions with snapshot reads, writes that stay private until
commitTransaction, and write conflicts (WriteConflict 112, labelled TransientTransactionError,
when a transaction writes a document another open transaction has written, or one committed
after its snapshot: what makes two processes' transactions on one event serialize). Change
streams on a collection (aggregate with $changeStream, getMore, killCursors) deliver the inserts
of committed transactions in commit order and resume after a token. killSessions aborts the
sessions' transactions; setParameter transactionLifetimeLimitSeconds sets how long an abandoned
transaction lives (TRANSACTION_LIFETIME_S by default); stall_lsids leaves the commits of these
sessions unanswered (a server that dies in its commit leaves its transaction open);
command_counts counts the commands per (name, collection), for round-trip profiles. It is enough
to run several seatbook-server processes against one "database"; it is not MongoDB: no indexes,
no oplog window, no elections, updates and deletes never appear in a change stream."""

import collections
import datetime
import re
import threading
import time
import traceback
import zoneinfo

from bson import Int64, Regex, Timestamp
from mockupdb import MockupDB

DRIVER_TIMEOUT_S = 120  # stops hangs only; a run takes about a second


class FakePrimary:
    """A mockupdb server with one handler for every request (pitfall 4: match on
    request.command_name, never on mockupdb's value-comparing matchers)."""

    def __init__(self, venue_json, replica_set=True):
        self.venue_json = venue_json
        self.replica_set = replica_set
        self.lock = threading.Lock()
        self.log = []  # (command name, request document), in arrival order
        self.handler_errors = []
        self.faults = {}  # name -> remaining count (pitfall 8: every fault is bounded)
        self.existing_collections = {"events"}  # "create" of these answers NamespaceExists
        self.server = MockupDB(request_timeout=DRIVER_TIMEOUT_S)
        self.server.autoresponds(self._handle)
        self.port = self.server.run()
        self.address = "localhost:%d" % self.port
        # Pitfall 3: bounded timeouts everywhere so that an unanswered command cannot hang a run.
        self.uri = ("mongodb://%s/seatbook?serverSelectionTimeoutMS=10000&connectTimeoutMS=5000"
                    "&socketTimeoutMS=30000" % self.address)
        # Scenario hooks: collection -> function () -> documents for find.
        self.find_results = {}
        self.insert_hook = None
        self.commit_hook = None
        self.aggregate_hook = None
        self.getmore_hook = None

    def stop(self):
        # Pitfall 9: stop() blocks about a second; nobody needs to wait for it.
        threading.Thread(target=self.server.stop, daemon=True).start()

    def take_fault(self, name):
        with self.lock:
            left = self.faults.get(name, 0)
            if left > 0:
                self.faults[name] = left - 1
                return True
            return False

    def commands(self, name=None):
        with self.lock:
            return [(n, d) for n, d in self.log if name is None or n == name]

    # Pitfall 5: an exception in a handler kills the connection's thread but leaves the socket
    # open, and the client hangs; record it and answer with an error instead.
    def _handle(self, request):
        try:
            return self.handle(request)
        except Exception:
            self._handler_failed(request)
            return True

    def _handler_failed(self, request):
        """Called in an except block: records the exception and answers the request with an
        error so that the client does not wait for a reply that never comes."""
        self.handler_errors.append(traceback.format_exc())
        try:
            request.replies({"ok": 0, "code": 8, "errmsg": "test handler failed"})
        except Exception:
            pass

    def hello(self):
        reply = {
            "ismaster": True,
            "isWritablePrimary": True,
            "secondary": False,
            "minWireVersion": 0,
            "maxWireVersion": 13,
            "maxBsonObjectSize": 16 * 1024 * 1024,
            "maxMessageSizeBytes": 48000000,
            "maxWriteBatchSize": 100000,
            "logicalSessionTimeoutMinutes": 30,
            "localTime": datetime.datetime.now(datetime.timezone.utc),
            "connectionId": 1,
        }
        # Pitfall 1: setName, hosts, primary and me exactly equal to the URI's host:port.
        # Pitfall 2: no topologyVersion (streaming monitoring breaks mockupdb 1.8.0).
        if self.replica_set:
            reply.update({"setName": "rs0", "setVersion": 1, "hosts": [self.address],
                          "primary": self.address, "me": self.address})
        return reply

    def handle(self, request):
        name = request.command_name
        lname = (name or "").lower()
        if lname in ("ismaster", "hello"):
            return request.replies(self.hello())
        doc = request.doc
        with self.lock:
            self.log.append((name, doc))
        if name in ("endSessions", "abortTransaction", "createIndexes", "killSessions"):
            return request.replies({"ok": 1})
        if name == "create":
            if doc["create"] in self.existing_collections:
                return request.replies({"ok": 0, "code": 48, "codeName": "NamespaceExists",
                                        "errmsg": "Collection already exists"})
            self.existing_collections.add(doc["create"])
            return request.replies({"ok": 1})
        if name == "killCursors":
            return request.replies({"cursorsKilled": list(doc.get("cursors", []))})
        if name == "find":
            coll = doc["find"]
            hook = self.find_results.get(coll)
            docs = hook(doc) if hook else []
            return request.replies({"cursor": {"id": Int64(0), "ns": "seatbook." + coll,
                                               "firstBatch": docs}})
        if name == "insert":
            if self.insert_hook:
                handled = self.insert_hook(request, doc)
                if handled:
                    return True
            return request.replies({"n": len(doc.get("documents", []))})
        if name == "update":
            return request.replies({"n": 1, "nModified": 1})
        if name == "delete":
            return request.replies({"n": 1})
        if name == "commitTransaction":
            if self.commit_hook and self.commit_hook(request, doc):
                return True
            return request.replies({"ok": 1})
        if name == "aggregate" and self.aggregate_hook:
            return self.aggregate_hook(request, doc)
        if name == "getMore" and self.getmore_hook:
            return self.getmore_hook(request, doc)
        return request.replies({"ok": 0, "code": 59, "errmsg": "no such command: %s" % name})


# --- A fake database ---

def _canon(value):
    """A comparable, hashable form of a BSON value (documents compare field by field)."""
    if isinstance(value, dict):
        return tuple((k, _canon(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_canon(v) for v in value)
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return value


def _get_path(doc, path):
    for part in path.split("."):
        if not isinstance(doc, dict) or part not in doc:
            return None
        doc = doc[part]
    return doc


def _is_operator_doc(cond):
    return isinstance(cond, dict) and cond and all(k.startswith("$") for k in cond)


def _regex_matches(value, cond):
    """A BSON regular expression (find_bookings' anchored name prefix): on a string, or on any
    element of an array, as MongoDB matches it."""
    flags = cond.flags if isinstance(cond.flags, int) else (re.IGNORECASE if "i" in cond.flags else 0)
    pattern = re.compile(cond.pattern, flags & re.IGNORECASE)
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and pattern.search(v) for v in values)


def _matches(doc, query):
    for key, cond in query.items():
        if key == "$or":
            if not any(_matches(doc, q) for q in cond):
                return False
            continue
        value = _get_path(doc, key)
        if isinstance(cond, Regex):
            if not _regex_matches(value, cond):
                return False
        elif _is_operator_doc(cond):
            for op, arg in cond.items():
                if op == "$in":
                    ok = _canon(value) in [_canon(a) for a in arg]
                elif op == "$ne":
                    ok = _canon(value) != _canon(arg)
                elif value is None:
                    ok = False
                elif op == "$gt":
                    ok = _canon(value) > _canon(arg)
                elif op == "$gte":
                    ok = _canon(value) >= _canon(arg)
                elif op == "$lt":
                    ok = _canon(value) < _canon(arg)
                elif op == "$lte":
                    ok = _canon(value) <= _canon(arg)
                else:
                    raise ValueError("fake database: unsupported operator %s" % op)
                if not ok:
                    return False
        elif isinstance(value, list) and not isinstance(cond, list):
            # As MongoDB: an array field equal to a value matches when an element is that value.
            if _canon(cond) not in [_canon(v) for v in value]:
                return False
        elif _canon(value) != _canon(cond):
            return False
    return True


def _time_zone(name):
    """$dateToString's timezone: an Olson name, found in the zone database as MongoDB finds it
    (with the offset in force at each date, daylight saving included). MongoDB also takes UTC
    offsets ("+04:45") and expressions: the fake does not."""
    if not isinstance(name, str) or name.startswith("$") or name[:1] in ("+", "-"):
        raise ValueError("fake database: unsupported timezone %r" % (name,))
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        # What MongoDB answers for a name it does not know.
        raise CommandError(40485, "Location40485",
                           "unrecognized time zone identifier: \"%s\"" % name) from None


def _date_to_string(doc, spec):
    if (not isinstance(spec, dict) or set(spec) - {"format", "date", "timezone"}
            or spec.get("format") != "%Y-%m-%d"):
        raise ValueError("fake database: unsupported $dateToString %r" % (spec,))
    value = _expr(doc, spec["date"])
    if not isinstance(value, datetime.datetime):
        return None
    if value.tzinfo is None:  # BSON dates are UTC; bson decodes them naive
        value = value.replace(tzinfo=datetime.timezone.utc)
    if "timezone" in spec:
        value = value.astimezone(_time_zone(spec["timezone"]))
    return value.strftime("%Y-%m-%d")


def _expr(doc, expr):
    """An aggregation expression: a "$path", a literal, {$dateToString: {format, date,
    timezone?}}, or a document of expressions."""
    if isinstance(expr, str) and expr.startswith("$"):
        return _get_path(doc, expr[1:])
    if isinstance(expr, dict) and list(expr) == ["$dateToString"]:
        return _date_to_string(doc, expr["$dateToString"])
    if isinstance(expr, dict):
        if any(k.startswith("$") for k in expr):
            raise ValueError("fake database: unsupported expression %r" % (expr,))
        return {k: _expr(doc, v) for k, v in expr.items()}
    return expr


def _set_path(doc, path, value):
    head, _, rest = path.partition(".")
    copy = dict(doc)
    copy[head] = _set_path(doc[head], rest, value) if rest else value
    return copy


def _run_pipeline(docs, pipeline):
    for stage in pipeline:
        (op, arg), = stage.items()
        if op == "$match":
            docs = [d for d in docs if _matches(d, arg)]
        elif op == "$unwind":
            path = arg[1:]
            docs = [_set_path(d, path, v) for d in docs
                    for v in (_get_path(d, path) if isinstance(_get_path(d, path), list) else [])]
        elif op == "$group":
            groups = {}
            for d in docs:
                key = _expr(d, arg["_id"])
                group = groups.setdefault(_canon(key), {"_id": key})
                for field, acc in arg.items():
                    if field == "_id":
                        continue
                    (acc_op, acc_arg), = acc.items()
                    if acc_op != "$sum":
                        raise ValueError("fake database: unsupported accumulator %s" % acc_op)
                    value = _expr(d, acc_arg)
                    group[field] = group.get(field, 0) + (value if isinstance(value, int) else 0)
            docs = [dict(g, **{f: Int64(v) for f, v in g.items() if f != "_id"})
                    for g in groups.values()]
        elif op == "$facet":
            docs = [{name: _run_pipeline(docs, sub) for name, sub in arg.items()}]
        else:
            raise ValueError("fake database: unsupported stage %s" % op)
    return docs


def _sort_key(spec):
    def key(doc):
        out = []
        for field, direction in spec.items():
            value = _get_path(doc, field)
            rank = (value is not None, _canon(value) if value is not None else 0)
            out.append(rank if direction > 0 else _Reverse(rank))
        return out
    return key


class _Reverse:
    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        return other.value < self.value

    def __eq__(self, other):
        return other.value == self.value


class CommandError(Exception):
    """A command that fails as a whole (ok: 0), as MongoDB answers it."""

    def __init__(self, code, code_name, message, labels=()):
        super().__init__(message)
        self.reply = {"ok": 0, "code": code, "codeName": code_name, "errmsg": message}
        if labels:
            self.reply["errorLabels"] = list(labels)


class _Transaction:
    def __init__(self, snapshot):
        self.snapshot = snapshot  # commit sequence number its reads see
        self.started = time.monotonic()
        self.writes = {}  # (collection, key) -> document, or None when deleted
        self.inserts = []  # (collection, document) in the order of the inserts
        self.collections = set()


# A transaction the client forgot (a server process killed mid-transaction) would otherwise make
# every later writer of its documents conflict forever; MongoDB aborts it after
# transactionLifetimeLimitSeconds (60 s by default).
TRANSACTION_LIFETIME_S = 20

# An idle change stream getMore waits this long when the request names no maxTimeMS.
DEFAULT_AWAIT_MS = 200
MAX_AWAIT_MS = 5000


class FakeDatabase(FakePrimary):
    """Just enough of MongoDB's semantics to run SbMongoStore through the real libmongoc code path,
    from one process or several at once (see the module's docstring).

    Commands are serialized (mockupdb handles one request at a time across its connections), so
    each command is atomic; transactions interleave command by command as on a real server.

    Tests may set, under db_lock:
      stream_hold = True: change stream getMores deliver nothing new (as if the stream lagged);
      cursor["fault"] = "hangup" | "error" for a cursor of self.cursors: its next getMore drops
        the connection (the driver resumes by itself) or answers a non-resumable error (the
        driver gives up, the store reopens the stream); each fault fires once;
    and hold_stream_opens() / release_stream_opens(): change streams opened meanwhile start
    only at the release (commits made before it are not theirs)."""

    def __init__(self, venue_json=None):
        super().__init__(venue_json)
        self.db_lock = threading.Condition(threading.RLock())
        # collection -> key -> [(commit sequence number, document or None when deleted)]
        self.versions = {}
        self.seq = 0  # commit sequence number
        self.txns = {}  # (lsid, txnNumber) -> _Transaction, open ones
        self.committed_txns = set()  # (lsid, txnNumber), to answer a retried commit
        # Committed inserts, in commit order: (collection, document, clusterTime). The change
        # stream resume token of entry i is i + 1: "resume after i".
        self.change_log = []
        self.cursors = {}  # cursor id -> {"coll", "db", "pos", "match", "fault"}
        self.next_cursor_id = 1000
        self.stream_hold = False
        self.open_gate = None  # threading.Event while stream opens are held
        self.held_opens = 0
        self.stream_log = []  # ("aggregate" | "getMore" | "hangup" | "error", details)
        self.stats = {"commits": 0, "aborts": 0, "write_conflicts": 0, "duplicate_keys": 0,
                      "killed_sessions": 0, "expired": 0}
        self.lifetime_s = TRANSACTION_LIFETIME_S
        self.stall_lsids = set()  # under db_lock: str (lsid id) whose commits are left unanswered
        self.stalled_commits = []  # (lsid, txnNumber) of the commits left unanswered
        self.command_counts = collections.Counter()  # (name, collection) -> commands received
        self.busy_s = 0.0  # time spent executing commands (for profiles)

    # --- Storage ---

    def _history(self, coll):
        return self.versions.setdefault(coll, {})

    @staticmethod
    def _visible(history, snapshot):
        if snapshot is None:
            return history[-1][1]
        for seq, doc in reversed(history):
            if seq <= snapshot:
                return doc
        return None

    def _view(self, coll, txn):
        """key -> document as the transaction (or a plain read, txn None) sees the collection."""
        snapshot = None if txn is None else txn.snapshot
        view = {}
        for key, history in self._history(coll).items():
            doc = self._visible(history, snapshot)
            if doc is not None:
                view[key] = doc
        if txn is not None and coll in txn.collections:
            for (c, key), doc in txn.writes.items():
                if c != coll:
                    continue
                if doc is None:
                    view.pop(key, None)
                else:
                    view[key] = doc
        return view

    def _get(self, coll, key, txn):
        if txn is not None and (coll, key) in txn.writes:
            return txn.writes[(coll, key)]
        history = self._history(coll).get(key)
        if not history:
            return None
        return self._visible(history, None if txn is None else txn.snapshot)

    def _candidates(self, coll, query, txn):
        """(key, document) pairs that match query; an _id equality is a direct lookup."""
        if "_id" in query and not _is_operator_doc(query["_id"]):
            key = _canon(query["_id"])
            doc = self._get(coll, key, txn)
            return [(key, doc)] if doc is not None and _matches(doc, query) else []
        return [(k, d) for k, d in self._view(coll, txn).items() if _matches(d, query)]

    def collection(self, coll):
        """The committed documents of a collection (for tests)."""
        with self.db_lock:
            return list(self._view(coll, None).values())

    def _commit_writes(self, writes, inserts):
        self.seq += 1
        for (coll, key), doc in writes.items():
            self._history(coll).setdefault(key, []).append((self.seq, doc))
        for n, (coll, doc) in enumerate(inserts):
            self.change_log.append((coll, doc, Timestamp(1700000000 + self.seq, n + 1)))
        if inserts:
            self.db_lock.notify_all()

    def _last_commit(self, coll, key):
        history = self._history(coll).get(key)
        return history[-1][0] if history else 0

    # --- Transactions ---

    @staticmethod
    def _txn_key(doc):
        return (str(doc["lsid"]["id"]), int(doc["txnNumber"]))

    def _txn(self, doc):
        # A txnNumber without autocommit: false is a retryable write, not a transaction.
        if "txnNumber" not in doc or doc.get("autocommit") is not False:
            return None
        key = self._txn_key(doc)
        if doc.get("startTransaction"):
            # A new transaction on a session ends the session's earlier one.
            for old in [k for k in self.txns if k[0] == key[0]]:
                self._abort(old)
            self.txns[key] = _Transaction(self.seq)
        txn = self.txns.get(key)
        if txn is None:
            raise CommandError(251, "NoSuchTransaction",
                               "Transaction %d has been aborted" % key[1],
                               ["TransientTransactionError"])
        return txn

    def _abort(self, key):
        if self.txns.pop(key, None) is not None:
            self.stats["aborts"] += 1

    def _write(self, txn_key, txn, coll, key, doc, insert=False):
        """Writes one document (None deletes it), in a transaction or on its own."""
        if txn is None:
            self._commit_writes({(coll, key): doc}, [(coll, doc)] if insert else [])
            return
        now = time.monotonic()
        for other_key, other in list(self.txns.items()):
            if other is txn:
                continue
            if now - other.started > self.lifetime_s:
                self.stats["expired"] += 1
                self._abort(other_key)
            elif (coll, key) in other.writes:
                self._conflict(txn_key, coll, key, "another transaction writes it")
        if self._last_commit(coll, key) > txn.snapshot:
            self._conflict(txn_key, coll, key, "written since the transaction's snapshot")
        txn.writes[(coll, key)] = doc
        txn.collections.add(coll)
        if insert:
            txn.inserts.append((coll, doc))

    def _conflict(self, txn_key, coll, key, why):
        # MongoDB aborts the transaction and labels the error so that the driver reruns it.
        self.stats["write_conflicts"] += 1
        self._abort(txn_key)
        raise CommandError(112, "WriteConflict",
                           "WriteConflict error: this operation conflicted with another "
                           "operation (%s.%r: %s). Please retry your operation or multi-document "
                           "transaction." % (coll, key, why),
                           ["TransientTransactionError"])

    # --- Commands ---

    def handle(self, request):
        name = request.command_name
        lname = (name or "").lower()
        if lname in ("ismaster", "hello", "createindexes", "create"):
            return super().handle(request)
        doc = request.doc
        with self.db_lock:
            coll = doc.get(name) if isinstance(doc.get(name), str) else None
            self.command_counts[(name, coll)] += 1
            if name == "commitTransaction" and str(doc["lsid"]["id"]) in self.stall_lsids:
                # Never answered: the transaction stays open until killSessions or its lifetime.
                self.stalled_commits.append(self._txn_key(doc))
                return True
        if name == "getMore":
            return self.get_more(request, doc)
        if name == "aggregate" and self.open_gate is not None:
            # Waits on a thread of its own (see get_more); the stream starts at the release.
            threading.Thread(target=self._held_open, args=(request, doc, self.open_gate),
                             daemon=True).start()
            return True
        with self.db_lock:
            started = time.perf_counter()
            try:
                reply = self.execute(name, doc)
            except CommandError as e:
                reply = e.reply
            self.busy_s += time.perf_counter() - started
        return request.replies(reply)

    def execute(self, name, doc):
        if name == "killSessions":
            # The server aborts the sessions' open transactions (what a restarted seatbook-server
            # asks for its predecessor's session).
            killed = {str(s["id"]) for s in doc.get("killSessions", [])}
            for key in [k for k in self.txns if k[0] in killed]:
                self.stats["killed_sessions"] += 1
                self._abort(key)
            return {"ok": 1}
        if name == "setParameter" and "transactionLifetimeLimitSeconds" in doc:
            was = self.lifetime_s
            self.lifetime_s = float(doc["transactionLifetimeLimitSeconds"])
            return {"ok": 1, "was": was}
        if name == "endSessions":
            # The server aborts the sessions' open transactions.
            ended = {str(s["id"]) for s in doc.get("endSessions", [])}
            for key in [k for k in self.txns if k[0] in ended]:
                self._abort(key)
            return {"ok": 1}
        if name == "killCursors":
            killed = [c for c in doc.get("cursors", []) if self.cursors.pop(int(c), None)]
            missing = [c for c in doc.get("cursors", []) if c not in killed]
            return {"cursorsKilled": killed, "cursorsNotFound": missing, "cursorsAlive": [],
                    "cursorsUnknown": []}
        if name == "aggregate":
            pipeline = doc.get("pipeline", [])
            if pipeline and "$changeStream" not in pipeline[0]:
                return self.aggregate(doc)
            return self.open_change_stream(doc)
        if name in ("commitTransaction", "abortTransaction"):
            key = self._txn_key(doc)
            txn = self.txns.pop(key, None)
            if name == "abortTransaction":
                if txn is not None:
                    self.stats["aborts"] += 1
                return {"ok": 1}
            if txn is None:
                if key in self.committed_txns:
                    return {"ok": 1}  # a retried commit of a committed transaction
                raise CommandError(251, "NoSuchTransaction",
                                   "Transaction %d has been aborted" % key[1],
                                   ["TransientTransactionError"])
            self._commit_writes(txn.writes, txn.inserts)
            self.committed_txns.add(key)
            self.stats["commits"] += 1
            return {"ok": 1}

        txn = self._txn(doc)
        txn_key = self._txn_key(doc) if txn is not None else None
        if name == "find":
            coll = doc["find"]
            docs = [d for _, d in self._candidates(coll, doc.get("filter", {}), txn)]
            if doc.get("sort"):
                docs.sort(key=_sort_key(doc["sort"]))
            if doc.get("projection"):
                keep = set(doc["projection"]) | {"_id"}
                docs = [{k: v for k, v in d.items() if k in keep} for d in docs]
            if doc.get("limit"):
                docs = docs[:abs(int(doc["limit"]))]
            return {"cursor": {"id": Int64(0), "ns": "%s.%s" % (doc.get("$db", "seatbook"), coll),
                               "firstBatch": docs}}
        if name == "insert":
            coll = doc["insert"]
            n = 0
            for i, d in enumerate(doc.get("documents", [])):
                key = _canon(d["_id"])
                if txn is not None and self._last_commit(coll, key) > txn.snapshot:
                    # Inserted by a transaction that committed after this one's snapshot.
                    self._conflict(txn_key, coll, key, "inserted since the snapshot")
                if self._get(coll, key, txn) is not None:
                    self.stats["duplicate_keys"] += 1
                    if txn is not None:
                        self._abort(txn_key)  # an error inside a transaction ends it
                    return {"n": n, "writeErrors": [{
                        "index": i, "code": 11000, "codeName": "DuplicateKey",
                        "errmsg": "E11000 duplicate key error collection: seatbook.%s index: "
                                  "_id_ dup key: %r" % (coll, d["_id"])}]}
                self._write(txn_key, txn, coll, key, d, insert=True)
                n += 1
            return {"n": n}
        if name == "update":
            coll = doc["update"]
            n = modified = 0
            for u in doc["updates"]:
                for key, d in self._candidates(coll, u["q"], txn):
                    new = dict(d)
                    if any(k.startswith("$") for k in u["u"]):
                        for field, value in u["u"].get("$set", {}).items():
                            new[field] = value
                        for field, value in u["u"].get("$inc", {}).items():
                            new[field] = Int64(new.get(field, 0) + value)
                        for field, value in u["u"].get("$push", {}).items():
                            new[field] = list(new.get(field, [])) + [value]
                        unknown = set(u["u"]) - {"$set", "$inc", "$push"}
                        if unknown:
                            raise ValueError("fake database: unsupported update %s" % unknown)
                    else:
                        new = dict(u["u"], _id=d["_id"])
                    self._write(txn_key, txn, coll, key, new)
                    n += 1
                    modified += 1
                    if not u.get("multi"):
                        break
            return {"n": n, "nModified": modified}
        if name == "delete":
            coll = doc["delete"]
            n = 0
            for dl in doc["deletes"]:
                for key, d in self._candidates(coll, dl["q"], txn):
                    self._write(txn_key, txn, coll, key, None)
                    n += 1
                    if dl.get("limit") == 1:
                        break
            return {"n": n}
        return {"ok": 0, "code": 59, "errmsg": "fake database: no command %s" % name}

    # --- Aggregation (the report's sales, sb-mongo-report.c) ---

    def aggregate(self, doc):
        """The stages the store sends, outside transactions: $match, $unwind (a path), $group
        (_id of field paths, $dateToString with an Olson timezone, and null; $sum of 1 or a path)
        and $facet."""
        coll = doc["aggregate"]
        docs = [d for _, d in self._candidates(coll, {}, None)]
        out = _run_pipeline(docs, doc["pipeline"])
        return {"cursor": {"id": Int64(0), "ns": "%s.%s" % (doc.get("$db", "seatbook"), coll),
                           "firstBatch": out}}

    # --- Change streams ---

    @staticmethod
    def _token(pos):
        return {"_data": "%016X" % pos}

    def _position_of(self, token):
        try:
            pos = int(token["_data"], 16)
        except (KeyError, TypeError, ValueError):
            pos = -1
        if not 0 <= pos <= len(self.change_log):
            raise CommandError(260, "InvalidResumeToken", "cannot resume from %r" % (token,))
        return pos

    def open_change_stream(self, doc):
        pipeline = doc.get("pipeline", [])
        if not pipeline or "$changeStream" not in pipeline[0]:
            raise CommandError(59, "CommandNotFound",
                               "fake database: aggregate supports $changeStream only")
        spec = pipeline[0]["$changeStream"]
        match = []
        for stage in pipeline[1:]:
            if list(stage) != ["$match"]:
                raise CommandError(59, "CommandNotFound",
                                   "fake database: unsupported stage %r" % (stage,))
            match.append(stage["$match"])
        token = spec.get("resumeAfter") or spec.get("startAfter")
        if token is not None:
            pos = self._position_of(token)
        elif spec.get("startAtOperationTime") is not None:
            at = spec["startAtOperationTime"]
            pos = next((i for i, entry in enumerate(self.change_log) if entry[2] >= at),
                       len(self.change_log))
        else:
            pos = len(self.change_log)
        self.next_cursor_id += 1
        cursor_id = self.next_cursor_id
        db = doc.get("$db", "seatbook")
        self.cursors[cursor_id] = {"coll": doc["aggregate"], "db": db, "pos": pos,
                                   "match": match, "fault": None,
                                   "full_document": spec.get("fullDocument", "default")}
        self.stream_log.append(("aggregate", {"cursor": cursor_id, "spec": spec, "pos": pos}))
        # Like a real server: the first batch of a change stream is empty; getMore delivers.
        return {"cursor": {"id": Int64(cursor_id), "ns": "%s.%s" % (db, doc["aggregate"]),
                           "firstBatch": [], "postBatchResumeToken": self._token(pos)},
                "operationTime": Timestamp(1700000000 + self.seq, 0)}

    def _next_events(self, cursor, limit):
        """The change events after the cursor's position; moves it."""
        events = []
        while cursor["pos"] < len(self.change_log) and len(events) < limit:
            coll, doc, cluster_time = self.change_log[cursor["pos"]]
            cursor["pos"] += 1
            if coll != cursor["coll"]:
                continue
            event = {"_id": self._token(cursor["pos"]), "operationType": "insert",
                     "clusterTime": cluster_time,
                     "wallTime": datetime.datetime.now(datetime.timezone.utc),
                     "ns": {"db": cursor["db"], "coll": coll},
                     "documentKey": {"_id": doc["_id"]},
                     "fullDocument": doc}
            if all(_matches(event, m) for m in cursor["match"]):
                events.append(event)
        return events

    def get_more(self, request, doc):
        """Answers at once when there is something to say, else waits for a commit (up to the
        request's maxTimeMS) on a thread of its own: mockupdb serializes its handlers, and a
        handler that waited would hold up every other connection."""
        with self.db_lock:
            cursor_id = int(doc["getMore"])
            cursor = self.cursors.get(cursor_id)
            if cursor is None:
                return request.replies({"ok": 0, "code": 43, "codeName": "CursorNotFound",
                                        "errmsg": "cursor id %d not found" % cursor_id})
            if self._answer_get_more(request, doc, cursor_id, cursor, waited=False):
                return True
        wait_ms = min(int(doc.get("maxTimeMS") or DEFAULT_AWAIT_MS), MAX_AWAIT_MS)
        deadline = time.monotonic() + wait_ms / 1000.0
        threading.Thread(target=self._park_get_more,
                         args=(request, doc, cursor_id, cursor, deadline), daemon=True).start()
        return True

    def _park_get_more(self, request, doc, cursor_id, cursor, deadline):
        try:
            with self.db_lock:
                while not self._answer_get_more(request, doc, cursor_id, cursor,
                                                waited=time.monotonic() >= deadline):
                    self.db_lock.wait(max(0.0, min(0.05, deadline - time.monotonic())))
        except OSError:
            pass  # the client is gone (a server the test killed): nobody to answer
        except Exception:
            self._handler_failed(request)

    def _answer_get_more(self, request, doc, cursor_id, cursor, waited):
        """Answers the getMore and returns True, or returns False to wait. Under db_lock."""
        fault = cursor["fault"]
        if fault is not None:
            cursor["fault"] = None
            self.cursors.pop(cursor_id, None)
            self.stream_log.append((fault, {"cursor": cursor_id, "pos": cursor["pos"]}))
            if fault == "hangup":
                return request.hangup()
            # Not labelled ResumableChangeStreamError: libmongoc gives up on the stream.
            return request.replies({"ok": 0, "code": 2, "codeName": "BadValue",
                                    "errmsg": "injected non-resumable change stream error"})
        events = [] if self.stream_hold else self._next_events(
            cursor, int(doc.get("batchSize") or 100000))
        if not events and not waited:
            return False
        self.stream_log.append(("getMore", {"cursor": cursor_id, "events": len(events),
                                            "pos": cursor["pos"]}))
        return request.replies({"cursor": {"id": Int64(cursor_id),
                                           "ns": "%s.%s" % (cursor["db"], cursor["coll"]),
                                           "nextBatch": events,
                                           "postBatchResumeToken": self._token(cursor["pos"])}})

    def _held_open(self, request, doc, gate):
        try:
            with self.db_lock:
                self.held_opens += 1
            gate.wait(DRIVER_TIMEOUT_S)
            with self.db_lock:
                try:
                    reply = self.execute("aggregate", doc)
                except CommandError as e:
                    reply = e.reply
            request.replies(reply)
        except Exception:
            self.handler_errors.append(traceback.format_exc())

    def hold_stream_opens(self):
        with self.db_lock:
            self.open_gate = threading.Event()
            self.held_opens = 0

    def release_stream_opens(self):
        with self.db_lock:
            gate, self.open_gate = self.open_gate, None
        gate.set()

    def set_stream_hold(self, hold):
        with self.db_lock:
            self.stream_hold = hold
            self.db_lock.notify_all()

    def interrupt_streams(self, fault):
        """Makes the next getMore of every open change stream fail once (fault "hangup" or
        "error"); returns the ids of the cursors concerned."""
        with self.db_lock:
            for cursor in self.cursors.values():
                cursor["fault"] = fault
            self.db_lock.notify_all()
            return list(self.cursors)
