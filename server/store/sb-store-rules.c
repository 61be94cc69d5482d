/* sb-store-rules.c: what an op means, independent of the backend (sb-store-rules.h says why). */
#include "config.h"

#include "sb-store-rules.h"

gboolean
sb_store_rules_is_keyed (const SbOp *op)
{
  return op->kind != SB_OP_EXPIRE && op->client_id != NULL && op->request_id != NULL;
}

gint64
sb_store_rules_now_ms (const SbOp *op)
{
  return op->now_ms != 0 ? op->now_ms : g_get_real_time () / 1000;
}

gboolean
sb_store_rules_run (
    const SbStoreOpFuncs *funcs, gpointer backend, SbOp *op, gint64 now_ms, GError **error)
{
  if (op->kind != SB_OP_EXPIRE && op->client_id == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "No client given");
      return TRUE;
    }
  switch (op->kind)
    {
      case SB_OP_HOLD:
        return funcs->hold (backend, op, now_ms, error);
      case SB_OP_EXTEND:
        return funcs->extend (backend, op, now_ms, error);
      case SB_OP_RELEASE:
        return funcs->release (backend, op, now_ms, error);
      case SB_OP_BOOK:
        {
          gboolean by_hold = op->hold_id != NULL;
          gboolean by_seats = op->seat_ids != NULL;

          if (by_hold == by_seats)
            {
              sb_op_set_error (op, SB_ERROR_INVALID_REQUEST,
                               "A booking names either a hold or an event and seats");
              return TRUE;
            }
          return by_hold ? funcs->book_hold (backend, op, now_ms, error)
                         : funcs->book_seats (backend, op, now_ms, error);
        }
      case SB_OP_EXPIRE:
        return funcs->expire (backend, op, now_ms, error);
      default:
        sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Unknown operation %d", op->kind);
        return TRUE;
    }
}

void
sb_store_rules_replay (SbOp *op, const char *outcome_json)
{
  g_autoptr (GError) local_error = NULL;

  if (outcome_json == NULL || !sb_op_outcome_from_json (op, outcome_json, &local_error))
    {
      /* A damaged record must not make the op run a second time. */
      g_warning ("Stored outcome of request %s of client %s is unreadable: %s", op->request_id,
                 op->client_id, local_error != NULL ? local_error->message : "no outcome");
      sb_op_set_error (op, SB_ERROR_INTERNAL, "The outcome of this request cannot be read");
    }
  op->replayed = TRUE;
}

/* Checks */

gboolean
sb_store_rules_require_event (SbOp *op)
{
  if (op->event_id == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "No event given");
      return FALSE;
    }
  return TRUE;
}

gboolean
sb_store_rules_check_event_found (SbOp *op, gboolean found)
{
  if (!found)
    {
      sb_op_set_error (op, SB_ERROR_NOT_FOUND, "No event %s", op->event_id);
      return FALSE;
    }
  return TRUE;
}

gboolean
sb_store_rules_require_seats (SbOp *op)
{
  if (op->seat_ids == NULL || op->seat_ids[0] == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "No seats given");
      return FALSE;
    }
  return TRUE;
}

gboolean
sb_store_rules_check_seats_in_venue (SbOp *op, SbVenue *venue)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GStrvBuilder) unknown = g_strv_builder_new ();
  g_auto (GStrv) unknown_seats = NULL;

  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    {
      if (!g_hash_table_add (seen, op->seat_ids[i]))
        {
          sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Seat %s is named twice", op->seat_ids[i]);
          return FALSE;
        }
      if (!sb_venue_lookup_seat (venue, op->seat_ids[i], NULL))
        g_strv_builder_add (unknown, op->seat_ids[i]);
    }
  unknown_seats = g_strv_builder_end (unknown);
  if (unknown_seats[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", unknown_seats);

      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Event %s has no seats %s", op->event_id,
                       list);
      return FALSE;
    }
  return TRUE;
}

gboolean
sb_store_rules_check_ttl (SbOp *op)
{
  if (op->ttl_ms <= 0)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "The hold's time to live must be positive");
      return FALSE;
    }
  return TRUE;
}

gboolean
sb_store_rules_require_hold (SbOp *op)
{
  if (op->hold_id == NULL)
    {
      sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "No hold given");
      return FALSE;
    }
  return TRUE;
}

gboolean
sb_store_rules_check_hold (SbOp *op, const SbStoredHold *hold, gint64 now_ms)
{
  if (hold == NULL)
    {
      sb_op_set_error (op, SB_ERROR_NOT_FOUND, "No hold %s", op->hold_id);
      return FALSE;
    }
  if (op->event_id != NULL && g_strcmp0 (op->event_id, hold->event_id) != 0)
    {
      sb_op_set_error (op, SB_ERROR_NOT_FOUND, "No hold %s in event %s", op->hold_id, op->event_id);
      return FALSE;
    }
  if (g_strcmp0 (op->client_id, hold->client_id) != 0)
    {
      sb_op_set_error (op, SB_ERROR_FORBIDDEN, "Hold %s belongs to another client", op->hold_id);
      return FALSE;
    }
  if (op->event_id == NULL)
    op->event_id = g_strdup (hold->event_id);
  if (g_str_equal (hold->status, "expired")
      || (g_str_equal (hold->status, "active") && hold->expires_at_ms <= now_ms))
    {
      sb_op_set_error (op, SB_ERROR_HOLD_EXPIRED, "Hold %s has expired", op->hold_id);
      return FALSE;
    }
  if (!g_str_equal (hold->status, "active"))
    {
      sb_op_set_error (op, SB_ERROR_NOT_FOUND, "Hold %s has ended (%s)", op->hold_id, hold->status);
      return FALSE;
    }
  return TRUE;
}

void
sb_store_rules_refuse_seats (SbOp *op, char **seats)
{
  g_autofree char *list = g_strjoinv (", ", seats);

  sb_op_set_error (op, SB_ERROR_SEAT_UNAVAILABLE, "Seats %s are not available", list);
  g_clear_pointer (&op->conflicting_seats, g_strfreev);
  op->conflicting_seats = seats;
}

gboolean
sb_store_rules_refuse_conflicts (SbOp *op, GStrvBuilder *conflicts)
{
  g_auto (GStrv) seats = g_strv_builder_end (conflicts);

  if (seats[0] == NULL)
    return FALSE;
  sb_store_rules_refuse_seats (op, g_steal_pointer (&seats));
  return TRUE;
}

/* Outcomes */

static void
set_ended_hold (SbChange *change, const char *hold_id)
{
  change->ended_holds = g_new0 (char *, 2);
  change->ended_holds[0] = g_strdup (hold_id);
}

void
sb_store_rules_held (SbOp *op, gint64 version, char *hold_id, gint64 expires_at_ms)
{
  SbChange *change = sb_change_new (op->event_id, version + 1);

  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    g_ptr_array_add (change->seats, sb_seat_change_new (op->seat_ids[i], SB_SEAT_HELD, hold_id));
  g_ptr_array_add (change->holds,
                   sb_hold_record_new (hold_id, op->event_id, op->client_id,
                                       (const char *const *) op->seat_ids, expires_at_ms));

  op->result_hold_id = hold_id;
  op->result_seat_ids = g_strdupv (op->seat_ids);
  op->result_expires_at_ms = expires_at_ms;
  op->change = change;
}

void
sb_store_rules_extended (SbOp *op, gint64 version, char **seats, gint64 expires_at_ms)
{
  SbChange *change = sb_change_new (op->event_id, version + 1);

  g_ptr_array_add (change->holds, sb_hold_record_new (op->hold_id, op->event_id, op->client_id,
                                                      (const char *const *) seats, expires_at_ms));
  op->result_hold_id = g_strdup (op->hold_id);
  op->result_seat_ids = seats;
  op->result_expires_at_ms = expires_at_ms;
  op->change = change;
}

void
sb_store_rules_hold_freed (SbChange *change, const char *const *seats, GStrvBuilder *freed)
{
  for (guint i = 0; seats[i] != NULL; i++)
    {
      g_ptr_array_add (change->seats, sb_seat_change_new (seats[i], SB_SEAT_FREE, NULL));
      g_strv_builder_add (freed, seats[i]);
    }
}

void
sb_store_rules_released (SbOp *op, SbChange *change, GStrvBuilder *freed)
{
  set_ended_hold (change, op->hold_id);
  op->result_hold_id = g_strdup (op->hold_id);
  op->result_seat_ids = g_strv_builder_end (freed);
  op->change = change;
}

SbChange *
sb_store_rules_new_booked_change (SbOp *op, gint64 version, const char *const *seats)
{
  SbChange *change = sb_change_new (op->event_id, version + 1);

  for (guint i = 0; seats[i] != NULL; i++)
    g_ptr_array_add (change->seats, sb_seat_change_new (seats[i], SB_SEAT_BOOKED, NULL));
  return change;
}

void
sb_store_rules_booked_hold (SbOp *op, gint64 version, char **seats, char *booking_id)
{
  SbChange *change = sb_store_rules_new_booked_change (op, version, (const char *const *) seats);

  set_ended_hold (change, op->hold_id);
  op->result_hold_id = g_strdup (op->hold_id);
  op->result_booking_id = booking_id;
  op->result_seat_ids = seats;
  op->change = change;
}

void
sb_store_rules_booked_seats (SbOp *op, SbChange *change, GStrvBuilder *ended, char *booking_id)
{
  change->ended_holds = g_strv_builder_end (ended);
  if (change->ended_holds[0] == NULL)
    g_clear_pointer (&change->ended_holds, g_strfreev);

  op->result_booking_id = booking_id;
  op->result_seat_ids = g_strdupv (op->seat_ids);
  op->change = change;
}

void
sb_store_rules_expired (SbOp *op, SbChange *change, char **ended, GStrvBuilder *freed)
{
  change->ended_holds = ended;
  op->result_seat_ids = g_strv_builder_end (freed);
  op->change = change;
}

/* The change log */

void
sb_store_rules_set_event_not_found (GError **error, const char *event_id)
{
  g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No event “%s”", event_id);
}

gboolean
sb_store_rules_check_since (
    const char *event_id, gboolean found, gint64 version, gint64 since_version, GError **error)
{
  if (!found)
    {
      sb_store_rules_set_event_not_found (error, event_id);
      return FALSE;
    }
  if (since_version > version)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_AHEAD,
                   "Event %s is at version %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT, event_id,
                   version, since_version);
      return FALSE;
    }
  if (since_version < 0)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_TOO_OLD, "No version %" G_GINT64_FORMAT,
                   since_version);
      return FALSE;
    }
  return TRUE;
}

gboolean
sb_store_rules_add_logged_change (GPtrArray *changes,
                                  const char *event_id,
                                  gint64 since_version,
                                  gint64 row_version,
                                  const char *json,
                                  GError **error)
{
  gint64 expected = since_version + 1 + (gint64) changes->len;
  SbChange *change;

  /* The first version missing means the log was pruned past since_version. */
  if (row_version != expected)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_TOO_OLD,
                   "The change log of event %s no longer has version %" G_GINT64_FORMAT, event_id,
                   expected);
      return FALSE;
    }
  if (json == NULL)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                   "Change %" G_GINT64_FORMAT " of event %s has no content", expected, event_id);
      return FALSE;
    }
  change = sb_change_from_json (json, error);
  if (change == NULL)
    {
      g_prefix_error (error, "Change %" G_GINT64_FORMAT " of event %s: ", expected, event_id);
      return FALSE;
    }
  g_ptr_array_add (changes, change);
  return TRUE;
}

gboolean
sb_store_rules_check_log_complete (
    GPtrArray *changes, const char *event_id, gint64 since_version, gint64 version, GError **error)
{
  if (since_version + (gint64) changes->len != version)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_TOO_OLD,
                   "The change log of event %s does not reach version %" G_GINT64_FORMAT, event_id,
                   version);
      return FALSE;
    }
  return TRUE;
}

/* Events */

SbVenue *
sb_store_rules_parse_venue (const char *event_id, const char *json, gssize length, GError **error)
{
  g_autofree char *source = g_strdup_printf ("event %s", event_id);

  return sb_venue_new_from_data (json, length, source, error);
}

SbEventState *
sb_store_rules_new_event_state (gint64 version)
{
  SbEventState *state = g_new0 (SbEventState, 1);

  state->version = version;
  state->seats = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_seat_change_free);
  state->holds = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_hold_record_free);
  return state;
}
