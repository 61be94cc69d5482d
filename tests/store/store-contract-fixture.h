/* store-contract-fixture.h: what the three parts of the store contract suite share
 * (test-store-contract.c, -log.c, -sqlite.c: one program, which tests/mongo also runs against the
 * fake MongoDB): a store with one event of seats A-1…A-6, B-1…B-6 (B-6 blocked), two desks, and
 * ops to run on it. */
#pragma once

#include <glib.h>

#include "sb-store.h"
#include "store-test-util.h"

#define TTL_MS (600 * 1000)
#define SEATS(...) ((const char *const[]){ __VA_ARGS__, NULL })

typedef struct
{
  char *dir; /* temporary directory for the SQLite file; NULL with an external URI */
  char *uri;
  char *db_path; /* the SQLite file, or NULL */
  SbStore *store;
  char *suffix;
  char *event_id;
  char *alice;
  char *bob;
  gint64 now; /* the fake clock ops run at */
  guint next_request;
} Fixture;

/* The fixture event's blocked seats. */
extern const char *const blocked_seats[];

#define STORE_CONTRACT_ADD(path, func)                                                             \
  g_test_add ("/store/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

SbStore *open_store (const char *uri);
void fixture_set_up (Fixture *f, gconstpointer data);
void fixture_tear_down (Fixture *f, gconstpointer data);
/* Closes the store and opens it again from its URI. */
void reopen (Fixture *f);
char *next_request_id (Fixture *f);

/* Op builders; request ids are fresh. */
SbOp *op_hold (Fixture *f, const char *client, const char *const *seats, gint64 ttl_ms);
SbOp *op_on_hold (Fixture *f, SbOpKind kind, const char *client, const char *hold_id);
SbOp *op_book_seats (Fixture *f, const char *client, const char *const *seats);
SbOp *op_expire (Fixture *f);
/* Runs one op as a batch of one and returns it (for chaining). */
SbOp *run (Fixture *f, SbOp *op);
/* The same on another store (another server's on the same database). */
SbOp *run_on (SbStore *store, SbOp *op);
void assert_ok (SbOp *op);
void assert_refused (SbOp *op, SbErrorCode code);
gint64 event_version (Fixture *f);
/* The state of one seat per load_event: FREE when it has no entry. */
SbSeatState seat_state (Fixture *f, const char *seat_id, char **out_hold_id);
void assert_strv_set (char **actual, const char *const *expected);
const SbSeatChange *change_seat (SbChange *change, const char *seat_id);

/* The parts in other files. */
void store_contract_add_log_tests (void);
void store_contract_add_sqlite_tests (void);
