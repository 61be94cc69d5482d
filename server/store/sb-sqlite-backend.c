/* sb-sqlite-backend.c: the primitives the booking rules (sb-store-rules.c) run ops on, on the
 * SQLite schema (sb-store-backend-private.h says what each must do). Each reads or writes the
 * tables inside the batch's transaction that sb_sqlite_store_apply () opened; each op runs in a
 * savepoint, so that a refused op's writes are undone and the rest of the batch stays. */
#include "config.h"

#include "sb-sqlite-audit-private.h"
#include "sb-sqlite-db-private.h"
#include "sb-store.h"

/* Steps a statement that reads at most one row (stmt NULL: it failed to bind, error is set).
 * TRUE when it ran, with *out_row saying whether there is a row to read. */
static gboolean
step_one_row (
    SbSqliteDb *self, sqlite3_stmt *stmt, const char *doing, gboolean *out_row, GError **error)
{
  int rc;

  *out_row = FALSE;
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      sb_sqlite_db_set_error (self, error, doing);
      return FALSE;
    }
  *out_row = TRUE;
  return TRUE;
}

static gboolean
sqlite_begin_op (gpointer backend, GError **error)
{
  return sb_sqlite_db_exec_simple (backend, STMT_SAVEPOINT, error);
}

static gboolean
sqlite_undo_op (gpointer backend, GError **error)
{
  return sb_sqlite_db_exec_simple (backend, STMT_ROLLBACK_TO, error);
}

static gboolean
sqlite_end_op (gpointer backend, GError **error)
{
  return sb_sqlite_db_exec_simple (backend, STMT_RELEASE, error);
}

static gboolean
sqlite_lookup_outcome (gpointer backend,
                       const char *client_id,
                       const char *request_id,
                       gboolean *out_found,
                       char **out_outcome,
                       GError **error)
{
  SbSqliteDb *self = backend;
  g_autoptr (SbStmt) stmt
      = sb_sqlite_db_bound_stmt (self, STMT_REQUEST_GET, error, "ss", client_id, request_id);

  if (!step_one_row (self, stmt, "reading a request", out_found, error))
    return FALSE;
  if (*out_found)
    *out_outcome = g_strdup (sb_sqlite_column_text (stmt, 0));
  return TRUE;
}

static gboolean
sqlite_record_outcome (gpointer backend,
                       const char *client_id,
                       const char *request_id,
                       const char *outcome_json,
                       GError **error)
{
  return sb_sqlite_db_exec (backend, STMT_REQUEST_PUT, error, "sssi", client_id, request_id,
                            outcome_json, sb_now_ms ());
}

static gboolean
sqlite_read_event (gpointer backend,
                   const char *event_id,
                   gboolean *out_found,
                   gint64 *out_version,
                   GError **error)
{
  return sb_sqlite_db_event_version (backend, event_id, out_found, out_version, error);
}

static SbVenue *
sqlite_get_venue (gpointer backend, const char *event_id, GError **error)
{
  return sb_sqlite_db_event_venue (backend, event_id, error);
}

/* The version must still be the one the op read. */
static gboolean
sqlite_append_change (gpointer backend, const SbChange *change, const char *json, GError **error)
{
  SbSqliteDb *self = backend;

  if (!sb_sqlite_db_exec (self, STMT_EVENT_BUMP, error, "si", change->event_id,
                          change->version - 1))
    return FALSE;
  if (sqlite3_changes (self->handle) != 1)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                   "Event %s changed version under an op", change->event_id);
      return FALSE;
    }
  return sb_sqlite_db_exec (self, STMT_CHANGE_PUT, error, "sisi", change->event_id, change->version,
                            json, change->committed_at_ms);
}

static gboolean
sqlite_read_seats (gpointer backend,
                   const char *event_id,
                   const char *const *seat_ids,
                   GPtrArray *out,
                   GError **error)
{
  SbSqliteDb *self = backend;

  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      g_autoptr (SbStmt) stmt
          = sb_sqlite_db_bound_stmt (self, STMT_SEAT_GET, error, "ss", event_id, seat_ids[i]);
      gboolean row;

      if (!step_one_row (self, stmt, "reading a seat state", &row, error))
        return FALSE;
      if (!row)
        g_ptr_array_add (out, NULL); /* free: no row */
      else
        g_ptr_array_add (
            out, sb_seat_change_new (seat_ids[i],
                                     sb_sqlite_seat_state_from_db (sb_sqlite_column_text (stmt, 0)),
                                     sb_sqlite_column_text (stmt, 1)));
    }
  return TRUE;
}

static gboolean
sqlite_read_taken_seats (
    gpointer backend, const char *event_id, SbVenue *venue, guint8 *taken, GError **error)
{
  SbSqliteDb *self = backend;
  g_autoptr (SbStmt) stmt = sb_sqlite_db_bound_stmt (self, STMT_SEATS_TAKEN, error, "s", event_id);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint index;

      /* A row for a seat the venue does not have is no seat anyone can ask for. */
      if (sb_venue_lookup_seat (venue, sb_sqlite_column_text (stmt, 0), &index))
        taken[index] = 1;
    }
  if (rc != SQLITE_DONE)
    {
      sb_sqlite_db_set_error (self, error, "reading the seats of an event");
      return FALSE;
    }
  return TRUE;
}

/* Events never change their rule: read once per event. */
static gboolean
sqlite_read_orphan_rule (gpointer backend,
                         const char *event_id,
                         SbOrphanRule *out_rule,
                         GError **error)
{
  SbSqliteDb *self = backend;
  gpointer cached = g_hash_table_lookup (self->orphan_rules, event_id);
  g_autoptr (SbStmt) stmt = NULL;
  gboolean row;

  *out_rule = SB_ORPHAN_RULE_OFF;
  if (cached != NULL)
    {
      *out_rule = (SbOrphanRule) (GPOINTER_TO_INT (cached) - 1);
      return TRUE;
    }
  stmt = sb_sqlite_db_bound_stmt (self, STMT_EVENT_RULE, error, "s", event_id);
  if (!step_one_row (self, stmt, "reading an event's orphan rule", &row, error))
    return FALSE;
  if (!row)
    return TRUE;
  /* The schema's CHECK allows only the three names. */
  if (!sb_orphan_rule_from_string (sb_sqlite_column_text (stmt, 0), out_rule))
    *out_rule = SB_ORPHAN_RULE_OFF;
  g_hash_table_insert (self->orphan_rules, g_strdup (event_id), GINT_TO_POINTER (*out_rule + 1));
  return TRUE;
}

/* Not cached: close_sales moves the close. */
static gboolean
sqlite_read_sales (gpointer backend,
                   const char *event_id,
                   gint64 *out_open_ms,
                   gint64 *out_close_ms,
                   GError **error)
{
  SbSqliteDb *self = backend;
  g_autoptr (SbStmt) stmt = sb_sqlite_db_bound_stmt (self, STMT_EVENT_SALES, error, "s", event_id);
  gboolean row;

  *out_open_ms = *out_close_ms = 0;
  if (!step_one_row (self, stmt, "reading an event's sales window", &row, error))
    return FALSE;
  if (row)
    {
      *out_open_ms = sqlite3_column_int64 (stmt, 0);
      *out_close_ms = sqlite3_column_int64 (stmt, 1);
    }
  return TRUE;
}

static gboolean
sqlite_read_hold (gpointer backend, const char *hold_id, SbStoredHold **out_hold, GError **error)
{
  SbSqliteDb *self = backend;
  g_autoptr (SbStmt) stmt = sb_sqlite_db_bound_stmt (self, STMT_HOLD_GET, error, "s", hold_id);
  char **seats;
  gboolean row;

  *out_hold = NULL;
  if (!step_one_row (self, stmt, "reading a hold", &row, error))
    return FALSE;
  if (!row)
    return TRUE;
  seats = sb_sqlite_db_seats_of_hold (self, hold_id, error);
  if (seats == NULL)
    return FALSE;
  *out_hold
      = sb_stored_hold_new (hold_id, sb_sqlite_column_text (stmt, 0),
                            sb_sqlite_column_text (stmt, 1), sb_sqlite_column_text (stmt, 4),
                            sb_sqlite_column_text (stmt, 3), seats, sqlite3_column_int64 (stmt, 2));
  return TRUE;
}

static gboolean
sqlite_find_expired_holds (
    gpointer backend, const char *event_id, gint64 now_ms, GPtrArray *out_holds, GError **error)
{
  SbSqliteDb *self = backend;
  guint first = out_holds->len;

  {
    g_autoptr (SbStmt) stmt
        = sb_sqlite_db_bound_stmt (self, STMT_HOLDS_EXPIRED, error, "si", event_id, now_ms);
    int rc;

    if (stmt == NULL)
      return FALSE;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_ptr_array_add (out_holds, sb_stored_hold_new (sb_sqlite_column_text (stmt, 0), event_id,
                                                      sb_sqlite_column_text (stmt, 1),
                                                      sb_sqlite_column_text (stmt, 3), "active",
                                                      NULL, sqlite3_column_int64 (stmt, 2)));
    if (rc != SQLITE_DONE)
      {
        sb_sqlite_db_set_error (self, error, "finding expired holds");
        return FALSE;
      }
  }
  /* The seats once the scan is over: one statement at a time. */
  for (guint i = first; i < out_holds->len; i++)
    {
      SbStoredHold *hold = g_ptr_array_index (out_holds, i);

      g_strfreev (hold->seat_ids);
      hold->seat_ids = sb_sqlite_db_seats_of_hold (self, hold->hold_id, error);
      if (hold->seat_ids == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Steps an INSERT (stmt NULL: it failed to bind, error is set). A primary key that exists already
 * is not an error: the id was taken (a generated id collided, or a retried batch ran twice), which
 * the rules answer. */
static gboolean
insert_unless_taken (
    SbSqliteDb *self, sqlite3_stmt *stmt, const char *doing, gboolean *out_taken, GError **error)
{
  int rc;

  *out_taken = FALSE;
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    {
      *out_taken = TRUE;
      return TRUE;
    }
  sb_sqlite_db_set_error (self, error, doing);
  return FALSE;
}

static gboolean
sqlite_insert_hold (
    gpointer backend, const SbStoredHold *hold, gint64 now_ms, gboolean *out_taken, GError **error)
{
  SbSqliteDb *self = backend;
  g_autoptr (SbStmt) stmt = sb_sqlite_db_bound_stmt (self, STMT_HOLD_PUT, error, "sssiis",
                                                     hold->hold_id, hold->event_id, hold->client_id,
                                                     hold->expires_at_ms, now_ms, hold->account);

  return insert_unless_taken (self, stmt, "creating a hold", out_taken, error);
}

static gboolean
sqlite_extend_hold (gpointer backend, const char *hold_id, gint64 expires_at_ms, GError **error)
{
  return sb_sqlite_db_exec (backend, STMT_HOLD_EXTEND, error, "si", hold_id, expires_at_ms);
}

static gboolean
sqlite_end_hold (gpointer backend, const char *hold_id, const char *status, GError **error)
{
  return sb_sqlite_db_exec (backend, STMT_HOLD_END, error, "ssi", hold_id, status, sb_now_ms ());
}

static gboolean
sqlite_insert_booking (gpointer backend,
                       const char *booking_id,
                       const char *event_id,
                       const char *client_id,
                       const char *account,
                       const char *hold_id,
                       G_GNUC_UNUSED const char *const *seat_ids,
                       const SbCustomer *customer,
                       gint64 now_ms,
                       gboolean *out_taken,
                       GError **error)
{
  SbSqliteDb *self = backend;
  g_autoptr (SbStmt) stmt
      = sb_sqlite_db_bound_stmt (self, STMT_BOOKING_PUT, error, "ssssis", booking_id, event_id,
                                 client_id, hold_id, now_ms, account);
  g_autofree char *phone_key = NULL;
  g_autofree char *email_key = NULL;
  g_auto (GStrv) name_keys = NULL;

  if (!insert_unless_taken (self, stmt, "creating a booking", out_taken, error))
    return FALSE;
  if (*out_taken || customer == NULL)
    return TRUE;

  phone_key = sb_customer_phone_key (customer->phone);
  email_key = sb_customer_email_key (customer->email);
  if (!sb_sqlite_db_exec (self, STMT_BOOKING_CUSTOMER_PUT, error, "ssssssss", booking_id, event_id,
                          customer->name, customer->phone, customer->email, customer->note,
                          phone_key, email_key))
    return FALSE;
  name_keys = sb_customer_name_keys (customer->name);
  for (guint i = 0; name_keys[i] != NULL; i++)
    if (!sb_sqlite_db_exec (self, STMT_BOOKING_NAME_KEY_PUT, error, "sss", event_id, name_keys[i],
                            booking_id))
      return FALSE;
  return TRUE;
}

/* A failed write to seat_states or booking_seats where the rules said the seat was free: the
 * schema caught what the code missed. The op is refused with the seat rather than the batch
 * failed. */
static gboolean
seat_write_failed (SbSqliteDb *self,
                   const char *event_id,
                   int rc,
                   const char *seat_id,
                   char **out_refused_seat,
                   GError **error)
{
  if (rc == SQLITE_OK)
    return FALSE; /* write_seat () could not prepare the statement: error is set */
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_warning ("Store refused a write to seat %s of event %s: %s", seat_id, event_id,
                 sqlite3_errmsg (self->handle));
      *out_refused_seat = g_strdup (seat_id);
      return TRUE;
    }
  sb_sqlite_db_set_error (self, error, "writing a seat state");
  return FALSE;
}

/* Runs a seat write (statement id with event_id, seat_id and a third text parameter): SQLITE_DONE
 * when it wrote, SQLITE_OK (which no step returns) when the statement failed to prepare. */
static int
write_seat (SbSqliteDb *self,
            SbSqliteStmtId id,
            const char *event_id,
            const char *seat_id,
            const char *value,
            GError **error)
{
  g_autoptr (SbStmt) stmt
      = sb_sqlite_db_bound_stmt (self, id, error, "sss", event_id, seat_id, value);

  if (stmt == NULL)
    return SQLITE_OK;
  return sqlite3_step (stmt);
}

static gboolean
sqlite_hold_seats (gpointer backend,
                   const char *event_id,
                   const char *const *seat_ids,
                   const char *hold_id,
                   char **out_refused_seat,
                   GError **error)
{
  SbSqliteDb *self = backend;

  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      int rc = write_seat (self, STMT_SEAT_HOLD, event_id, seat_ids[i], hold_id, error);

      if (rc != SQLITE_DONE)
        return seat_write_failed (self, event_id, rc, seat_ids[i], out_refused_seat, error);
    }
  return TRUE;
}

static gboolean
sqlite_free_hold_seats (gpointer backend,
                        G_GNUC_UNUSED const char *event_id,
                        const char *hold_id,
                        GError **error)
{
  return sb_sqlite_db_exec (backend, STMT_SEATS_FREE_HOLD, error, "s", hold_id);
}

/* A hold's seats are its seat_states rows: the rows go, and the hold keeps the others. */
static gboolean
sqlite_free_held_seats (gpointer backend,
                        const char *event_id,
                        const char *hold_id,
                        const char *const *seat_ids,
                        GError **error)
{
  SbSqliteDb *self = backend;

  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      if (!sb_sqlite_db_exec (self, STMT_SEAT_FREE_HELD, error, "sss", event_id, seat_ids[i],
                              hold_id))
        return FALSE;
      if (sqlite3_changes (self->handle) != 1)
        {
          g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                       "Seat %s of event %s is not held by %s", seat_ids[i], event_id, hold_id);
          return FALSE;
        }
    }
  return TRUE;
}

/* booking_seats remembers each booked seat once, ever. */
static gboolean
insert_booking_seats (SbSqliteDb *self,
                      const char *event_id,
                      const char *const *seat_ids,
                      const char *booking_id,
                      char **out_refused_seat,
                      GError **error)
{
  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      int rc = write_seat (self, STMT_BOOKING_SEAT_PUT, event_id, seat_ids[i], booking_id, error);

      if (rc != SQLITE_DONE)
        return seat_write_failed (self, event_id, rc, seat_ids[i], out_refused_seat, error);
    }
  return TRUE;
}

static gboolean
sqlite_book_hold_seats (gpointer backend,
                        const char *event_id,
                        const char *hold_id,
                        const char *const *seat_ids,
                        const char *booking_id,
                        char **out_refused_seat,
                        GError **error)
{
  SbSqliteDb *self = backend;

  return sb_sqlite_db_exec (self, STMT_SEATS_BOOK_HOLD, error, "ss", hold_id, booking_id)
         && insert_booking_seats (self, event_id, seat_ids, booking_id, out_refused_seat, error);
}

static gboolean
sqlite_book_seats (gpointer backend,
                   const char *event_id,
                   const char *const *seat_ids,
                   const char *const *held_by,
                   const char *booking_id,
                   char **out_refused_seat,
                   GError **error)
{
  SbSqliteDb *self = backend;

  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      SbSqliteStmtId id = held_by[i] != NULL ? STMT_SEAT_BOOK_HELD : STMT_SEAT_BOOK_FREE;
      int rc = write_seat (self, id, event_id, seat_ids[i], booking_id, error);

      if (rc != SQLITE_DONE)
        return seat_write_failed (self, event_id, rc, seat_ids[i], out_refused_seat, error);
      /* The seat was read as held by the client's own hold: it must still be. */
      if (held_by[i] != NULL && sqlite3_changes (self->handle) != 1)
        return seat_write_failed (self, event_id, SQLITE_CONSTRAINT, seat_ids[i], out_refused_seat,
                                  error);
      if (!insert_booking_seats (self, event_id, (const char *const[]){ seat_ids[i], NULL },
                                 booking_id, out_refused_seat, error))
        return FALSE;
      if (*out_refused_seat != NULL)
        return TRUE;
    }
  return TRUE;
}

static gboolean
sqlite_append_audit (gpointer backend, const SbAuditRecord *entry, GError **error)
{
  g_autofree char *seats = sb_sqlite_audit_encode_seats ((const char *const *) entry->seat_ids);

  return sb_sqlite_db_exec (backend, STMT_AUDIT_PUT, error, "sisssssss", entry->event_id,
                            entry->at_ms, entry->account, entry->desk, entry->action, seats,
                            entry->hold_id, entry->booking_id, entry->detail);
}

static SbOccupancyCache *
sqlite_occupancy_cache (gpointer backend)
{
  return ((SbSqliteDb *) backend)->occupancy;
}

static gboolean
sqlite_read_booking (gpointer backend,
                     const char *booking_id,
                     SbStoredBooking **out_booking,
                     GError **error)
{
  SbSqliteDb *self = backend;
  g_autoptr (SbStmt) stmt
      = sb_sqlite_db_bound_stmt (self, STMT_BOOKING_GET, error, "s", booking_id);
  g_autoptr (SbStmt) seats_stmt = NULL;
  g_autoptr (GStrvBuilder) seats = g_strv_builder_new ();
  gboolean row;
  int rc;

  *out_booking = NULL;
  if (!step_one_row (self, stmt, "reading a booking", &row, error))
    return FALSE;
  if (!row)
    return TRUE;
  /* The event's part of booking_seats' primary key: no index on booking_id needed. */
  seats_stmt = sb_sqlite_db_bound_stmt (self, STMT_SEATS_OF_BOOKING, error, "ss",
                                        sb_sqlite_column_text (stmt, 0), booking_id);
  if (seats_stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (seats_stmt)) == SQLITE_ROW)
    g_strv_builder_add (seats, sb_sqlite_column_text (seats_stmt, 0));
  if (rc != SQLITE_DONE)
    {
      sb_sqlite_db_set_error (self, error, "reading the seats of a booking");
      return FALSE;
    }
  *out_booking = sb_stored_booking_new (
      booking_id, sb_sqlite_column_text (stmt, 0), sb_sqlite_column_text (stmt, 1),
      sb_sqlite_column_text (stmt, 2), sb_sqlite_column_text (stmt, 3), g_strv_builder_end (seats));
  return TRUE;
}

/* Each seat's state row and its booking_seats row go; a seat whose row does not say booked by
 * this booking means the storage and the rules disagree, and the batch fails. */
static gboolean
sqlite_cancel_booking_seats (gpointer backend, const SbCancellation *c, GError **error)
{
  SbSqliteDb *self = backend;
  g_autofree char *seats = sb_sqlite_audit_encode_seats (c->seat_ids);

  for (guint i = 0; c->seat_ids[i] != NULL; i++)
    {
      if (!sb_sqlite_db_exec (self, STMT_SEAT_UNBOOK, error, "sss", c->event_id, c->seat_ids[i],
                              c->booking_id))
        return FALSE;
      if (sqlite3_changes (self->handle) != 1)
        {
          g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                       "Seat %s of event %s is not booked by %s", c->seat_ids[i], c->event_id,
                       c->booking_id);
          return FALSE;
        }
      if (!sb_sqlite_db_exec (self, STMT_BOOKING_SEAT_DROP, error, "sss", c->event_id,
                              c->seat_ids[i], c->booking_id))
        return FALSE;
    }
  if (c->seats_left[0] == NULL
      && !sb_sqlite_db_exec (self, STMT_BOOKING_CANCELLED, error, "s", c->booking_id))
    return FALSE;
  return sb_sqlite_db_exec (self, STMT_CANCELLATION_PUT, error, "ssssisssi", c->booking_id,
                            c->event_id, seats, sb_refund_kind_to_string (c->refund.kind),
                            c->refund.amount, c->reason, c->account, c->desk, c->at_ms);
}

/* The freed seats go as a cancellation's do (state row and booking_seats row), then the taken
 * seats are booked by the booking as a booking by seats books them. No table of its own: the
 * audit entry, in the same transaction, is the record of the move. */
static gboolean
sqlite_move_booking_seats (gpointer backend,
                           const SbMove *m,
                           char **out_refused_seat,
                           GError **error)
{
  SbSqliteDb *self = backend;

  for (guint i = 0; m->freed[i] != NULL; i++)
    {
      if (!sb_sqlite_db_exec (self, STMT_SEAT_UNBOOK, error, "sss", m->event_id, m->freed[i],
                              m->booking_id))
        return FALSE;
      if (sqlite3_changes (self->handle) != 1)
        {
          g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                       "Seat %s of event %s is not booked by %s", m->freed[i], m->event_id,
                       m->booking_id);
          return FALSE;
        }
      if (!sb_sqlite_db_exec (self, STMT_BOOKING_SEAT_DROP, error, "sss", m->event_id, m->freed[i],
                              m->booking_id))
        return FALSE;
    }
  return sqlite_book_seats (backend, m->event_id, m->taken, m->held_by, m->booking_id,
                            out_refused_seat, error);
}

static gboolean
sqlite_block_seats (gpointer backend,
                    const char *event_id,
                    const char *const *seat_ids,
                    GError **error)
{
  for (guint i = 0; seat_ids[i] != NULL; i++)
    if (!sb_sqlite_db_exec (backend, STMT_SEAT_BLOCK, error, "ss", event_id, seat_ids[i]))
      return FALSE;
  return TRUE;
}

static gboolean
sqlite_unblock_seats (gpointer backend,
                      const char *event_id,
                      const char *const *seat_ids,
                      GError **error)
{
  SbSqliteDb *self = backend;

  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      if (!sb_sqlite_db_exec (self, STMT_SEAT_UNBLOCK, error, "ss", event_id, seat_ids[i]))
        return FALSE;
      if (sqlite3_changes (self->handle) != 1)
        {
          g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                       "Seat %s of event %s is not blocked", seat_ids[i], event_id);
          return FALSE;
        }
    }
  return TRUE;
}

const SbStoreBackendFuncs sb_sqlite_backend_funcs = {
  .begin_op = sqlite_begin_op,
  .undo_op = sqlite_undo_op,
  .end_op = sqlite_end_op,
  .lookup_outcome = sqlite_lookup_outcome,
  .record_outcome = sqlite_record_outcome,
  .read_event = sqlite_read_event,
  .get_venue = sqlite_get_venue,
  .append_change = sqlite_append_change,
  .read_seats = sqlite_read_seats,
  .read_taken_seats = sqlite_read_taken_seats,
  .read_orphan_rule = sqlite_read_orphan_rule,
  .read_sales = sqlite_read_sales,
  .read_hold = sqlite_read_hold,
  .find_expired_holds = sqlite_find_expired_holds,
  .insert_hold = sqlite_insert_hold,
  .extend_hold = sqlite_extend_hold,
  .end_hold = sqlite_end_hold,
  .insert_booking = sqlite_insert_booking,
  .hold_seats = sqlite_hold_seats,
  .free_hold_seats = sqlite_free_hold_seats,
  .free_held_seats = sqlite_free_held_seats,
  .book_hold_seats = sqlite_book_hold_seats,
  .book_seats = sqlite_book_seats,
  .append_audit = sqlite_append_audit,
  .occupancy_cache = sqlite_occupancy_cache,
  .read_booking = sqlite_read_booking,
  .cancel_booking_seats = sqlite_cancel_booking_seats,
  .block_seats = sqlite_block_seats,
  .unblock_seats = sqlite_unblock_seats,
  .move_booking_seats = sqlite_move_booking_seats,
};
