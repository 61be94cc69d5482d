#!/usr/bin/python3
"""Runs a test command against the MongoDB replica set named by SEATBOOK_TEST_MONGODB_URI.

Without the variable it reports a skip (exit code 77, shown as SKIP in the meson test log). With
it, the command runs with SEATBOOK_TEST_STORE_URI (and SEATBOOK_TEST_MONGODB_URI) pointing at a
fresh database of that deployment, so runs never see each other's events; the database is dropped
afterwards when Debian's python3-pymongo is there (set SEATBOOK_TEST_KEEP_DB=1 to keep it).

Usage: with-mongodb.py COMMAND [ARGS...]
Example: SEATBOOK_TEST_MONGODB_URI='mongodb://localhost:27017/?replicaSet=rs0' meson test -C build --suite mongo
"""

import os
import subprocess
import sys
import time


def with_database(uri, database):
    for scheme in ("mongodb+srv://", "mongodb://"):
        if uri.startswith(scheme):
            break
    else:
        raise SystemExit("SEATBOOK_TEST_MONGODB_URI must start with mongodb:// (got %r)" % uri)
    rest = uri[len(scheme):]
    rest, sep, query = rest.partition("?")
    hosts = rest.split("/", 1)[0]
    return "%s%s/%s%s%s" % (scheme, hosts, database, sep, query)


def drop_database(uri, database):
    try:
        import pymongo
    except ImportError:
        print("note: python3-pymongo missing; database %s left behind" % database)
        return
    try:
        client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=10000)
        client.drop_database(database)
        client.close()
    except Exception as e:  # cleanup only: never fail the test for it
        print("note: could not drop database %s: %s" % (database, e))


def main():
    uri = os.environ.get("SEATBOOK_TEST_MONGODB_URI", "")
    if not uri:
        print("SKIP: SEATBOOK_TEST_MONGODB_URI is not set; set it to a replica set, e.g. "
              "mongodb://localhost:27017/?replicaSet=rs0 (docs/operations.md), to run %s"
              % " ".join(sys.argv[1:]))
        return 77
    if len(sys.argv) < 2:
        print(__doc__)
        return 2

    database = "seatbook_test_%d_%d" % (os.getpid(), int(time.time() * 1000))
    test_uri = with_database(uri, database)
    env = dict(os.environ, SEATBOOK_TEST_STORE_URI=test_uri, SEATBOOK_TEST_MONGODB_URI=test_uri)
    print("running %s against %s" % (" ".join(sys.argv[1:]), test_uri))
    sys.stdout.flush()
    try:
        status = subprocess.call(sys.argv[1:], env=env)
    finally:
        if not os.environ.get("SEATBOOK_TEST_KEEP_DB"):
            drop_database(test_uri, database)
    return status


if __name__ == "__main__":
    sys.exit(main())
