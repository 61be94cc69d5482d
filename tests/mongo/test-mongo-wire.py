#!/usr/bin/python3
"""Wire-level tests of the MongoDB store: mockupdb plays a one-node replica-set primary, and
mongo-wire-driver runs one real SbMongoStore operation against it through libmongoc. The script
answers every command and then asserts what the driver sent: the transaction protocol (one lsid,
one txnNumber, startTransaction on the first operation only, autocommit false, a majority commit),
the retries of transient errors, duplicate keys turned into seat_unavailable, change stream
resumption, and the refusal of a standalone server.

A mock checks what the driver sends, not database behaviour: isolation and uniqueness are proven
by the store contract tests against a real replica set (see tests/mongo/meson.build).

Usage: test-mongo-wire.py --driver PATH --venue PATH SCENARIO
Debian's /usr/bin/python3 has python3-mockupdb; exits 77 (skip) when it is missing.
See docs/hacking.md ("MongoDB tests") for the pitfalls this script works around."""

import argparse
import datetime
import json
import os
import socket
import subprocess
import sys
import threading
import time
import traceback
import uuid

try:
    from bson import Binary, Int64
    from fakemongo import DRIVER_TIMEOUT_S, FakeDatabase, FakePrimary
except ImportError as e:  # pragma: no cover
    print("SKIP: python3-mockupdb is not available for %s: %s" % (sys.executable, e))
    sys.exit(77)

EVENT = "ev"
NOW_MS = 1764190000000


def event_doc(venue_json, version=4):
    return {"_id": EVENT, "name": "Test event", "venue_json": venue_json,
            "starts_at": Int64(0), "version": Int64(version)}


SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")
driver_stderr = []


def run_driver(args, mock, *extra):
    cmd = [args.driver, mock.uri] + list(extra)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=DRIVER_TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        sys.stdout.write("driver timed out; output so far:\n%s\n%s\n" % (e.stdout, e.stderr))
        raise
    sys.stdout.write("driver %s exited %d\n--- stdout\n%s--- stderr\n%s---\n"
                     % (" ".join(extra), proc.returncode, proc.stdout, proc.stderr))
    driver_stderr.append(proc.stderr)
    return proc


class Checker:
    def __init__(self):
        self.failures = []

    def __call__(self, condition, message):
        if not condition:
            self.failures.append(message)
            print("FAIL: " + message)
        return condition


def outcome_of(proc):
    for line in proc.stdout.splitlines():
        if line.startswith("OUTCOME "):
            return json.loads(line[len("OUTCOME "):])
    return None


def line_value(proc, key):
    for line in proc.stdout.splitlines():
        if line.startswith(key + " "):
            return line[len(key) + 1:]
    return None


def lsid_key(doc):
    lsid = doc.get("lsid")
    return None if lsid is None else str(lsid["id"])


def transactions(mock):
    """Commands that belong to a transaction, grouped by (lsid, txnNumber), in order."""
    groups = {}
    order = []
    for name, doc in mock.commands():
        # The process's record (sb-mongo-registry.c) is a retryable write: a txnNumber, no
        # transaction.
        if "txnNumber" not in doc or doc.get(name) == "store_processes":
            continue
        key = (lsid_key(doc), int(doc["txnNumber"]))
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((name, doc))
    return [(key, groups[key]) for key in order]


def target(name, doc):
    if name in ("find", "insert", "update", "delete"):
        return "%s %s" % (name, doc[name])
    return name


def check_transaction_protocol(check, txn):
    """The rules every transaction must follow, whatever the scenario."""
    (lsid, number), cmds = txn
    check(lsid is not None, "transaction commands carry an lsid")
    first_name, first = cmds[0]
    check(first.get("startTransaction") is True,
          "startTransaction on the first operation (%s)" % target(first_name, first))
    check(first.get("readConcern", {}).get("level") == "snapshot",
          "the first operation asks for readConcern snapshot, got %r" % first.get("readConcern"))
    for name, doc in cmds:
        check(doc.get("autocommit") is False, "autocommit false on %s" % target(name, doc))
        if doc is not first:
            check("startTransaction" not in doc,
                  "startTransaction only on the first operation, also on %s" % target(name, doc))
            check("readConcern" not in doc, "readConcern only on the first operation")
        check(name in ("commitTransaction", "abortTransaction") or "writeConcern" not in doc,
              "no writeConcern on operations inside a transaction (%s)" % target(name, doc))
    for name, doc in cmds:
        if name in ("commitTransaction", "abortTransaction"):
            check(doc.get("writeConcern", {}).get("w") == "majority",
                  "%s with writeConcern majority, got %r" % (name, doc.get("writeConcern")))
            check(doc.get("$db") == "admin", "%s runs on admin" % name)


def committed(mock, ok_numbers):
    """The transactions whose commit was answered ok."""
    return [t for t in transactions(mock) if t[0][1] in ok_numbers]


def setup_store_data(mock, venue_json, version=4):
    mock.find_results["events"] = lambda doc: [event_doc(venue_json, version)]


def run_hold_with_insert_fault(args, mock, fault, on_fault):
    """Runs the driver's hold with the first insert into seat_states answered by
    on_fault (request) (once: fault is the name of that one fault). Returns the driver's process
    and the txnNumbers whose commit was answered ok."""
    mock.faults[fault] = 1
    ok_numbers = set()

    def insert(request, doc):
        if doc["insert"] == "seat_states" and mock.take_fault(fault):
            return on_fault(request)
        return False

    def commit(request, doc):
        ok_numbers.add(int(doc["txnNumber"]))
        return False

    mock.insert_hook = insert
    mock.commit_hook = commit
    return run_driver(args, mock, "hold"), ok_numbers


# --- Scenarios ---

def scenario_open(args, mock, check):
    proc = run_driver(args, mock, "open")
    check(proc.returncode == 0 and "OK" in proc.stdout, "the store opens against a primary")
    made = {doc["create"] for _, doc in mock.commands("create")}
    check(made == {"events", "seat_states", "holds", "bookings", "requests", "changes", "audit"},
          "every collection is created up front (transactions cannot before 4.4): %r" % made)
    created = {doc["createIndexes"]: doc["indexes"] for _, doc in mock.commands("createIndexes")}
    for coll in ("seat_states", "holds", "bookings", "changes", "requests", "audit"):
        check(coll in created, "createIndexes for %s" % coll)
    ttl = [i for i in created.get("requests", []) if "expireAfterSeconds" in i]
    check(len(ttl) == 1 and list(ttl[0]["key"]) == ["created_at"],
          "a TTL index on requests.created_at")


def scenario_hold(args, mock, check):
    setup_store_data(mock, args.venue_json)
    proc = run_driver(args, mock, "hold")
    check(proc.returncode == 0, "hold succeeds")
    outcome = outcome_of(proc)
    check(outcome is not None and "error" not in outcome, "hold outcome is a success: %r" % outcome)
    if outcome:
        check(outcome.get("seats") == ["hall-A-1", "hall-A-2"], "outcome names the seats")
        check(outcome.get("hold", "").startswith("h_"), "outcome has a hold id")
        check(outcome.get("expires_at") == NOW_MS + 60000, "expires_at = now + ttl")
    check(line_value(proc, "VERSION") == "5", "the change is version 5 (event was at 4)")

    txns = transactions(mock)
    check(len(txns) == 1, "exactly one transaction, got %d" % len(txns))
    if not txns:
        return
    check_transaction_protocol(check, txns[0])
    names = [target(n, d) for n, d in txns[0][1]]
    expected = ["find requests", "find events", "find events", "find seat_states",
                "insert holds", "insert seat_states", "update events", "insert audit",
                "insert changes", "insert requests", "commitTransaction"]
    check(names == expected, "commands of the transaction: %r" % names)
    for name, doc in txns[0][1]:
        if target(name, doc) == "insert seat_states":
            ids = [d["_id"] for d in doc["documents"]]
            check(ids == [{"e": EVENT, "s": "hall-A-1"}, {"e": EVENT, "s": "hall-A-2"}],
                  "seat_states _id is {e, s}: %r" % ids)
        if target(name, doc) == "update events":
            u = doc["updates"][0]
            check(u["q"] == {"_id": EVENT, "version": 4} and u["u"] == {"$inc": {"version": 1}},
                  "the version moves by $inc from 4: %r" % u)
        if target(name, doc) == "insert changes":
            entry = doc["documents"][0]
            change = json.loads(entry["change"])
            check(entry["_id"] == {"e": EVENT, "v": 5} and change["version"] == 5,
                  "change log entry {e, v: 5}: %r" % entry["_id"])
        if target(name, doc) == "insert audit":
            entry = doc["documents"][0]
            check(entry["e"] == EVENT and entry["action"] == "hold" and entry["desk"] == "client-1"
                  and entry["seats"] == ["hall-A-1", "hall-A-2"]
                  and entry["hold"] == outcome.get("hold") and entry["booking"] is None,
                  "the audit entry of the hold, in its transaction: %r" % entry)
        if target(name, doc) == "insert requests":
            entry = doc["documents"][0]
            check(entry["_id"] == {"c": "client-1", "r": "req-1"},
                  "idempotency record keyed by {c, r}")
            check(json.loads(entry["outcome"]) == outcome,
                  "the stored outcome is the outcome returned")
            check(isinstance(entry["created_at"], datetime.datetime),
                  "requests.created_at is a BSON date (for the TTL index)")
    lsids = {lsid_key(d) for n, d in mock.commands()
             if "txnNumber" in d and d.get(n) != "store_processes"}
    check(len(lsids) == 1, "one lsid for the whole transaction")


def scenario_replay(args, mock, check):
    stored = {"kind": "hold", "event": EVENT, "hold": "h_first", "seats": ["hall-A-1", "hall-A-2"],
              "expires_at": NOW_MS}
    setup_store_data(mock, args.venue_json)
    mock.find_results["requests"] = lambda doc: [
        {"_id": {"c": "client-1", "r": "req-1"}, "outcome": json.dumps(stored),
         "created_at": datetime.datetime.now(datetime.timezone.utc)}]
    proc = run_driver(args, mock, "hold")
    check(proc.returncode == 0, "replayed hold succeeds")
    # The stored outcome predates outcomes naming their account: it is replayed to any account.
    replayed = outcome_of(proc) or {}
    replayed.pop("account", None)
    check(replayed == stored, "a replay answers the stored outcome")
    check(line_value(proc, "REPLAYED") == "1", "replayed is set")
    check(line_value(proc, "VERSION") is None, "a replay commits no change")
    writes = [target(n, d) for n, d in mock.commands() if n in ("insert", "update", "delete")
              and d.get(n) != "store_processes"]  # the process's own record (sb-mongo-registry.c)
    check(writes == [], "a replay writes nothing: %r" % writes)


def scenario_transient_commit(args, mock, check):
    """A TransientTransactionError on commit reruns the whole transaction; one booking results."""
    setup_store_data(mock, args.venue_json)
    mock.faults["commit"] = 1
    ok_numbers = set()

    def commit(request, doc):
        if mock.take_fault("commit"):
            request.replies({"ok": 0, "code": 112, "codeName": "WriteConflict",
                             "errmsg": "injected write conflict",
                             "errorLabels": ["TransientTransactionError"]})
            return True
        ok_numbers.add(int(doc["txnNumber"]))
        return False

    mock.commit_hook = commit
    proc = run_driver(args, mock, "book")
    check(proc.returncode == 0, "book succeeds after the retry")
    outcome = outcome_of(proc) or {}
    check("error" not in outcome and outcome.get("seats") == ["hall-A-1"],
          "book outcome: %r" % outcome)
    txns = transactions(mock)
    check(len(txns) == 2, "the transaction ran twice, got %d" % len(txns))
    for txn in txns:
        check_transaction_protocol(check, txn)
    if len(txns) == 2:
        check(txns[0][0][0] == txns[1][0][0], "the retry uses the same session")
        check(txns[1][0][1] > txns[0][0][1], "the retry has a new txnNumber")
    commits = mock.commands("commitTransaction")
    check(len(commits) == 2, "two commit attempts, got %d" % len(commits))
    good = committed(mock, ok_numbers)
    check(len(good) == 1, "exactly one transaction committed, got %d" % len(good))
    if good:
        bookings = [d["documents"][0]["_id"] for n, d in good[0][1]
                    if target(n, d) == "insert bookings"]
        check(len(bookings) == 1, "the committed transaction made exactly one booking")
        check(bookings == [outcome.get("booking")],
              "the booking reported is the one committed: %r vs %r"
              % (bookings, outcome.get("booking")))


def scenario_book_customer(args, mock, check):
    """Issue 11: a booking's customer and its folded search keys are fields of the booking
    document, inserted in the booking's transaction; the audit entry names the customer and the
    stored outcome carries it (a retry answers with it)."""
    setup_store_data(mock, args.venue_json)
    proc = run_driver(args, mock, "book-customer")
    check(proc.returncode == 0, "book succeeds")
    outcome = outcome_of(proc) or {}
    customer = {"name": "Zoë Müller-Lüdenscheidt", "phone": "+49 (30) 123-456",
                "email": "Zoe@Example.ORG", "note": "Aisle"}
    check(outcome.get("customer") == customer, "the outcome carries the customer: %r" % outcome)
    txns = transactions(mock)
    check(len(txns) == 1, "exactly one transaction, got %d" % len(txns))
    if not txns:
        return
    check_transaction_protocol(check, txns[0])
    inserts = {target(n, d): d["documents"][0] for n, d in txns[0][1]
               if target(n, d).startswith("insert ")}
    booking = inserts.get("insert bookings", {})
    check(booking.get("customer") == customer, "customer on the booking: %r" % booking)
    check(booking.get("name_keys") == ["zoe muller ludenscheidt", "muller ludenscheidt",
                                       "ludenscheidt"]
          and booking.get("phone_key") == "4930123456"
          and booking.get("email_key") == "zoe@example.org", "search keys: %r" % booking)
    audit = inserts.get("insert audit", {})
    check(audit.get("detail") == "for " + customer["name"], "audit detail: %r" % audit)
    stored = json.loads(inserts.get("insert requests", {}).get("outcome", "{}"))
    check(stored.get("customer") == customer, "stored outcome: %r" % stored)


def scenario_duplicate_key(args, mock, check):
    """Another process took a seat after our snapshot: the insert fails with 11000 and the op
    reports seat_unavailable (recorded for idempotency), with nothing else written."""
    fired = threading.Event()
    setup_store_data(mock, args.venue_json)
    mock.find_results["seat_states"] = lambda doc: (
        [{"_id": {"e": EVENT, "s": "hall-A-1"}, "state": "held", "hold": "h_other",
          "booking": None}] if fired.is_set() else [])

    def duplicate_key(request):
        fired.set()
        request.replies({"n": 0, "writeErrors": [{
            "index": 0, "code": 11000, "codeName": "DuplicateKey",
            "errmsg": "E11000 duplicate key error collection: seatbook.seat_states index: "
                      "_id_ dup key: { _id: { e: \"ev\", s: \"hall-A-1\" } }"}]})
        return True

    proc, ok_numbers = run_hold_with_insert_fault(args, mock, "dup", duplicate_key)
    check(proc.returncode == 0, "the store call succeeds (the op is refused, not the batch)")
    outcome = outcome_of(proc) or {}
    check(outcome.get("error") == "seat_unavailable", "outcome is seat_unavailable: %r" % outcome)
    check(outcome.get("conflicting_seats") == ["hall-A-1"], "the taken seat is named")
    check(line_value(proc, "VERSION") is None, "a refused op commits no change")
    check(len(mock.commands("abortTransaction")) >= 1, "the failed transaction was aborted")
    good = committed(mock, ok_numbers)
    check(len(good) == 1, "one transaction committed, got %d" % len(good))
    for txn in transactions(mock):
        check_transaction_protocol(check, txn)
    if good:
        writes = [target(n, d) for n, d in good[0][1] if n in ("insert", "update", "delete")]
        check(writes == ["insert requests"],
              "the committed transaction only records the outcome: %r" % writes)
        stored = [json.loads(d["documents"][0]["outcome"]) for n, d in good[0][1]
                  if target(n, d) == "insert requests"]
        check(stored == [outcome], "the refusal is what a retry of the request will get")


def scenario_dropped_connection(args, mock, check):
    """The connection drops in the middle of a transaction: the driver labels it transient,
    aborts and reruns the transaction."""
    setup_store_data(mock, args.venue_json)
    proc, ok_numbers = run_hold_with_insert_fault(args, mock, "hangup",
                                                  lambda request: request.hangup())
    check(proc.returncode == 0, "hold succeeds after the dropped connection")
    outcome = outcome_of(proc) or {}
    check("error" not in outcome and outcome.get("hold", "").startswith("h_"),
          "hold outcome: %r" % outcome)
    check(line_value(proc, "VERSION") == "5", "one new version")
    txns = transactions(mock)
    check(len(txns) >= 2, "the transaction was rerun, got %d" % len(txns))
    for txn in txns:
        check_transaction_protocol(check, txn)
    check(len(ok_numbers) == 1, "exactly one commit, got %d" % len(ok_numbers))
    good = committed(mock, ok_numbers)
    if good:
        holds = [d["documents"][0]["_id"] for n, d in good[0][1] if target(n, d) == "insert holds"]
        check(holds == [outcome.get("hold")], "the hold reported is the one committed")


def change_event(token, version, venue_seat="hall-A-1"):
    change = {"event": EVENT, "version": version, "committed_at": NOW_MS + version,
              "seats": [{"id": venue_seat, "state": "booked"}], "holds": [], "ended_holds": []}
    return {"_id": {"_data": token}, "operationType": "insert",
            "ns": {"db": "seatbook", "coll": "changes"},
            "documentKey": {"_id": {"e": EVENT, "v": Int64(version)}},
            "fullDocument": {"_id": {"e": EVENT, "v": Int64(version)},
                             "change": json.dumps(change),
                             "committed_at": datetime.datetime.now(datetime.timezone.utc)}}


def scenario_change_stream_resume(args, mock, check, fault="hangup"):
    """A change stream delivers changes in order and, after a dropped connection (the driver
    resumes by itself) or an error the driver gives up on (the store reopens the stream), resumes
    with resumeAfter the last token."""
    state = {"aggregates": 0, "getmores": 0}
    lock = threading.Lock()
    ns = "seatbook.changes"

    def aggregate(request, doc):
        with lock:
            state["aggregates"] += 1
            n = state["aggregates"]
        if n == 1:
            batch, token = [], "t0"
        else:
            batch, token = [change_event("t2", 2), change_event("t3", 3)], "t3"
        return request.replies({"cursor": {"id": Int64(42), "ns": ns, "firstBatch": batch,
                                           "postBatchResumeToken": {"_data": token}}})

    def getmore(request, doc):
        with lock:
            state["getmores"] += 1
            n = state["getmores"]
            resumed = state["aggregates"] > 1
        if n == 1:
            return request.replies({"cursor": {"id": Int64(42), "ns": ns,
                                               "nextBatch": [change_event("t1", 1)],
                                               "postBatchResumeToken": {"_data": "t1"}}})
        if not resumed and mock.take_fault("fault"):
            if fault == "hangup":
                return request.hangup()
            # Not labelled ResumableChangeStreamError: libmongoc gives up and the store reopens.
            return request.replies({"ok": 0, "code": 2, "codeName": "BadValue",
                                    "errmsg": "injected non-resumable error"})
        # An idle stream: the server would wait maxAwaitTimeMS; wait a little, not spin.
        time.sleep(0.05)
        token = "t3" if resumed else "t1"
        return request.replies({"cursor": {"id": Int64(42), "ns": ns, "nextBatch": [],
                                           "postBatchResumeToken": {"_data": token}}})

    mock.faults["fault"] = 1
    mock.aggregate_hook = aggregate
    mock.getmore_hook = getmore
    proc = run_driver(args, mock, "watch", "3")
    check(proc.returncode == 0, "the watcher got its three changes")
    changes = [line for line in proc.stdout.splitlines() if line.startswith("CHANGE ")]
    check(changes == ["CHANGE ev 1", "CHANGE ev 2", "CHANGE ev 3"],
          "changes delivered once each, in version order: %r" % changes)
    aggs = mock.commands("aggregate")
    check(len(aggs) >= 2, "the stream was reopened after the drop, %d aggregates" % len(aggs))
    if aggs:
        stage = aggs[0][1]["pipeline"][0]
        check("$changeStream" in stage, "the pipeline starts with $changeStream")
        check(aggs[0][1]["aggregate"] == "changes", "the stream watches the changes collection")
        check("resumeAfter" not in stage["$changeStream"], "the first stream starts now")
    if len(aggs) >= 2:
        cs = aggs[1][1]["pipeline"][0]["$changeStream"]
        token = cs.get("resumeAfter") or cs.get("startAfter")
        check(token == {"_data": "t1"}, "resumed after the last token t1, got %r" % cs)


def scenario_restart(args, mock, check):
    """At start the store ends the sessions of this host's dead server processes (killSessions),
    drops their records, and records its own session: the one its transactions then use."""
    setup_store_data(mock, args.venue_json)
    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid that no longer runs
    host = socket.gethostname()
    now = datetime.datetime.now(datetime.timezone.utc)
    dead_uuid = uuid.uuid4()
    dead_lsid = {"id": Binary(dead_uuid.bytes, 4)}
    alive_lsid = {"id": Binary(uuid.uuid4().bytes, 4)}
    mock.find_results["store_processes"] = lambda doc: [
        {"_id": "dead", "host": host, "pid": dead.pid, "lsid": dead_lsid, "started_at": now},
        {"_id": "alive", "host": host, "pid": os.getpid(), "lsid": alive_lsid,
         "started_at": now}]
    proc = run_driver(args, mock, "hold")
    check(proc.returncode == 0, "the store opens and holds")
    finds = [d for _, d in mock.commands("find") if d["find"] == "store_processes"]
    check(len(finds) == 1 and finds[0]["filter"] == {"host": host},
          "the records of this host are read: %r" % finds)
    kills = [[str(lsid["id"]) for lsid in d["killSessions"]]
             for _, d in mock.commands("killSessions")]
    check(kills == [[str(dead_uuid)]], "killSessions of the dead process's session only: %r" % kills)
    deletes = [d["deletes"] for _, d in mock.commands("delete") if d["delete"] == "store_processes"]
    check(len(deletes) >= 1 and deletes[0][0]["q"] == {"_id": {"$in": ["dead"]}},
          "the dead process's record is dropped: %r" % deletes)
    inserts = [d["documents"][0] for _, d in mock.commands("insert")
               if d["insert"] == "store_processes"]
    check(len(inserts) == 1, "the process records itself once: %r" % inserts)
    txns = transactions(mock)
    if inserts and txns:
        record = inserts[0]
        check(record["host"] == host and record["pid"] not in (dead.pid, os.getpid()),
              "the record names this host and the driver's pid: %r" % record)
        check(str(record["lsid"]["id"]) == txns[0][0][0],
              "the recorded session is the one of the transactions")
    kill_at = [i for i, (n, _) in enumerate(mock.commands()) if n == "killSessions"]
    first_txn = [i for i, (n, d) in enumerate(mock.commands()) if d.get("startTransaction")]
    check(kill_at and first_txn and kill_at[0] < first_txn[0],
          "the sessions are ended before the store serves")


def scenario_conflict_deadline(args, mock, check):
    """A write that conflicts every time (another transaction that never ends): the store reruns
    the transaction after growing pauses, not at once, and gives up at its deadline with an
    error (the op's requests get `unavailable`), committing nothing."""
    setup_store_data(mock, args.venue_json)
    starts = []

    def insert(request, doc):
        if doc["insert"] == "seat_states":
            starts.append(time.monotonic())
            request.replies({"ok": 0, "code": 112, "codeName": "WriteConflict",
                             "errmsg": "injected write conflict",
                             "errorLabels": ["TransientTransactionError"]})
            return True
        return False

    mock.insert_hook = insert
    proc = run_driver(args, mock, "hold")
    # The deadline stops it before a rerun ("gave up after") or before a command of one.
    check(proc.returncode != 0 and ("gave up after" in proc.stdout
                                    or "ran out of time" in proc.stdout),
          "the store gives up at its deadline: %r" % proc.stdout)
    check(mock.commands("commitTransaction") == [], "nothing was committed")
    # Without a pause a rerun follows within a round trip: thousands in the deadline. With the
    # backoff (2 ms doubling to 100 ms, jittered) there are a few dozen, and the later pauses are
    # longer than the first ones.
    check(10 <= len(starts) <= 300, "attempts: %d" % len(starts))
    if len(starts) >= 10:
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        check(sum(gaps[-5:]) / 5 > sum(gaps[:3]) / 3,
              "the pauses grow: first %r, last %r" % (gaps[:3], gaps[-5:]))
    for txn in transactions(mock):
        check_transaction_protocol(check, txn)


def scenario_standalone(args, mock, check):
    mock.replica_set = False
    proc = run_driver(args, mock, "open")
    check(proc.returncode != 0, "a standalone server is refused")
    line = line_value(proc, "ERROR") or ""
    check(line.startswith("3 "), "the error is SB_STORE_ERROR_UNSUPPORTED (3): %r" % line)
    for part in ("MongoDB at %s is a standalone server" % mock.address, "transactions",
                 "mongod --replSet rs0", "rs.initiate()", "docs/operations.md"):
        check(part in line, "the message says %r" % part)
    check(mock.commands("createIndexes") == [] and mock.commands("create") == [],
          "nothing is written to a standalone server")



def run_contract(args):
    """Runs the store contract suite against the fake database."""
    fake = FakeDatabase()
    env = dict(os.environ, SEATBOOK_TEST_STORE_URI=fake.uri)
    try:
        status = subprocess.call([args.contract], env=env, timeout=600)
    except subprocess.TimeoutExpired:
        status = 124
    for error in fake.handler_errors:
        print("fake database handler raised:\n" + error)
        status = status or 1
    fake.stop()
    sys.stdout.flush()
    os._exit(status)



SCENARIOS = {
    "open": scenario_open,
    "hold": scenario_hold,
    "replay": scenario_replay,
    "transient-commit": scenario_transient_commit,
    "book-customer": scenario_book_customer,
    "duplicate-key": scenario_duplicate_key,
    "dropped-connection": scenario_dropped_connection,
    "change-stream-resume": scenario_change_stream_resume,
    "change-stream-reopen": lambda args, mock, check: scenario_change_stream_resume(
        args, mock, check, fault="error"),
    "standalone": scenario_standalone,
    "restart": scenario_restart,
    "conflict-deadline": scenario_conflict_deadline,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--driver")
    parser.add_argument("--venue")
    parser.add_argument("--contract", help="run this store contract suite against a fake database")
    parser.add_argument("scenario", nargs="?", choices=sorted(SCENARIOS))
    args = parser.parse_args()
    if args.contract:
        run_contract(args)
    if not (args.driver and args.venue and args.scenario):
        parser.error("--driver, --venue and a scenario are required")
    with open(args.venue) as f:
        args.venue_json = json.dumps(json.load(f), separators=(",", ":"))

    check = Checker()
    mock = FakePrimary(args.venue_json)
    try:
        SCENARIOS[args.scenario](args, mock, check)
    except Exception:
        check(False, "scenario raised:\n" + traceback.format_exc())
    for error in mock.handler_errors:
        check(False, "mock handler raised:\n" + error)
    for stderr in driver_stderr:
        check(not any(m in stderr for m in SANITIZER_MARKERS), "the driver ran clean (sanitizers)")
    if check.failures:
        print("--- commands received:")
        for name, doc in mock.commands():
            print("  %s %s" % (name, {k: v for k, v in doc.items() if k not in ("documents",)}))
    mock.stop()
    print("%s: %s" % (args.scenario, "FAILED" if check.failures else "ok"))
    sys.stdout.flush()
    # Skip the interpreter's shutdown: mockupdb's atexit hook joins its threads slowly.
    os._exit(1 if check.failures else 0)


if __name__ == "__main__":
    main()
