/* sb-store-rules.c: what an op means, whatever the backend (sb-store-rules.h says why): every
 * step of every op, on the backend's primitives (sb-store-backend-private.h). */
#include "config.h"

#include "sb-store-rules.h"

#include "sb-best-available.h"
#include "sb-store-rules-audit-private.h"
#include "sb-store-rules-block-private.h"
#include "sb-store-rules-cancel-private.h"
#include "sb-store-rules-move-private.h"
#include "sb-store-rules-release-private.h"
#include "sb-store-orphan.h"

/* One op on its way through the rules. */
typedef struct
{
  const SbStoreBackendFuncs *funcs;
  gpointer backend;
  SbOp *op;
  gint64 now_ms;  /* the clock the op runs at: its own now_ms, or the real time when it has none */
  gint64 version; /* the version of the op's event before the op, once read */
  gboolean appended; /* a change of this op is in the log */
} Run;

/* What each step of an op ends in: the op goes on, the op was refused (its error is on the op),
 * or the backend failed (error is set, the batch is abandoned). */
typedef enum
{
  STEP_OK,
  STEP_REFUSED,
  STEP_FAILED,
} Step;

/* Appends a change to the log, and moves the occupancy cache's entry of its event on with it. */
static gboolean
append_change (Run *r, const SbChange *change, const char *json, GError **error)
{
  SbOccupancyCache *cache
      = r->funcs->occupancy_cache != NULL ? r->funcs->occupancy_cache (r->backend) : NULL;

  if (!r->funcs->append_change (r->backend, change, json, error))
    return FALSE;
  r->appended = TRUE;
  if (cache != NULL && sb_occupancy_cache_has_event (cache, change->event_id))
    {
      g_autoptr (GError) local_error = NULL;
      SbVenue *venue = r->funcs->get_venue (r->backend, change->event_id, &local_error);

      /* Without the venue the entry is dropped (apply_change with NULL): only a read is lost. */
      sb_occupancy_cache_apply_change (cache, venue, change);
    }
  return TRUE;
}

/* Refusals */

static Step
refuse (SbOp *op, SbErrorCode code, const char *message)
{
  sb_op_set_error (op, code, "%s", message);
  return STEP_REFUSED;
}

/* Refuses the op because these seats are not available. Takes seats. */
static Step
refuse_seats (SbOp *op, char **seats)
{
  g_autofree char *list = g_strjoinv (", ", seats);

  sb_op_set_error (op, SB_ERROR_SEAT_UNAVAILABLE, "Seats %s are not available", list);
  g_clear_pointer (&op->conflicting_seats, g_strfreev);
  op->conflicting_seats = seats;
  return STEP_REFUSED;
}

/* A seat the storage refused although the op read it as free. Takes seat_id. */
static Step
refuse_seat (SbOp *op, char *seat_id)
{
  char **seats = g_new0 (char *, 2);

  seats[0] = seat_id;
  return refuse_seats (op, seats);
}

/* An earlier attempt of this batch had the storage refuse the seats the op reads as free: refuse
 * them now. Takes seats either way. */
static gboolean
refused_before (Run *r, char **seats)
{
  if (r->funcs->seats_refused_before == NULL || !r->funcs->seats_refused_before (r->backend, r->op))
    {
      g_strfreev (seats);
      return FALSE;
    }
  refuse_seats (r->op, seats);
  return TRUE;
}

/* Checks, in the order every op runs them */

/* The op names an event that exists; reads its version. */
static Step
step_event (Run *r, GError **error)
{
  gboolean found;

  if (r->op->event_id == NULL)
    return refuse (r->op, SB_ERROR_INVALID_REQUEST, "No event given");
  if (!r->funcs->read_event (r->backend, r->op->event_id, &found, &r->version, error))
    return STEP_FAILED;
  if (!found)
    {
      sb_op_set_error (r->op, SB_ERROR_NOT_FOUND, "No event %s", r->op->event_id);
      return STEP_REFUSED;
    }
  return STEP_OK;
}

/* Holds and bookings are sold only within the event's sales window (docs/protocol.md,
 * "sales_closed"); releases, extensions, cancellations and blocks are not sales. */
static Step
step_sales (Run *r, GError **error)
{
  gint64 open_ms = 0, close_ms = 0;
  SbErrorCode code;

  if (r->funcs->read_sales == NULL)
    return STEP_OK;
  if (!r->funcs->read_sales (r->backend, r->op->event_id, &open_ms, &close_ms, error))
    return STEP_FAILED;
  code = sb_event_sales_check (open_ms, close_ms, r->now_ms);
  if (code == SB_ERROR_SALES_NOT_OPEN)
    return refuse (r->op, code, "Sales for this event have not opened yet");
  if (code == SB_ERROR_SALES_CLOSED)
    return refuse (r->op, code, "Sales for this event are closed");
  return STEP_OK;
}

/* The op names seats, distinct and all in the event's venue. */
static Step
step_seat_list (Run *r, GError **error)
{
  SbOp *op = r->op;
  g_autoptr (GHashTable) seen = NULL;
  g_autoptr (GStrvBuilder) unknown = NULL;
  g_auto (GStrv) unknown_seats = NULL;
  SbVenue *venue;

  if (op->seat_ids == NULL || op->seat_ids[0] == NULL)
    return refuse (op, SB_ERROR_INVALID_REQUEST, "No seats given");
  venue = r->funcs->get_venue (r->backend, op->event_id, error);
  if (venue == NULL)
    return STEP_FAILED;

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  unknown = g_strv_builder_new ();
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    {
      if (!g_hash_table_add (seen, op->seat_ids[i]))
        {
          sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Seat %s is named twice", op->seat_ids[i]);
          return STEP_REFUSED;
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
      return STEP_REFUSED;
    }
  return STEP_OK;
}

static Step
step_ttl (Run *r)
{
  if (r->op->ttl_ms <= 0)
    return refuse (r->op, SB_ERROR_INVALID_REQUEST, "The hold's time to live must be positive");
  return STEP_OK;
}

/* The checks shared by extend, release and book by hold: the hold exists, is in the op's event if
 * one was given, belongs to the op's account (its desk with accounts off), is active and has not
 * expired. Fills in op->event_id from the hold when the op had none, and reads the version of the
 * hold's event. */
static Step
step_hold (Run *r, SbStoredHold **out_hold, GError **error)
{
  SbOp *op = r->op;
  g_autoptr (SbStoredHold) hold = NULL;
  gboolean found;

  if (op->hold_id == NULL)
    return refuse (op, SB_ERROR_INVALID_REQUEST, "No hold given");
  if (!r->funcs->read_hold (r->backend, op->hold_id, &hold, error))
    return STEP_FAILED;
  if (hold == NULL)
    {
      sb_op_set_error (op, SB_ERROR_NOT_FOUND, "No hold %s", op->hold_id);
      return STEP_REFUSED;
    }
  if (op->event_id != NULL && g_strcmp0 (op->event_id, hold->event_id) != 0)
    {
      sb_op_set_error (op, SB_ERROR_NOT_FOUND, "No hold %s in event %s", op->hold_id, op->event_id);
      return STEP_REFUSED;
    }
  if (!sb_stored_hold_is_ops (op, hold))
    {
      sb_op_set_error (op, SB_ERROR_FORBIDDEN, "Hold %s belongs to another %s", op->hold_id,
                       op->account != NULL ? "account" : "client");
      return STEP_REFUSED;
    }
  if (op->event_id == NULL)
    op->event_id = g_strdup (hold->event_id);
  if (g_str_equal (hold->status, "expired")
      || (g_str_equal (hold->status, "active") && hold->expires_at_ms <= r->now_ms))
    {
      sb_op_set_error (op, SB_ERROR_HOLD_EXPIRED, "Hold %s has expired", op->hold_id);
      return STEP_REFUSED;
    }
  if (!g_str_equal (hold->status, "active"))
    {
      sb_op_set_error (op, SB_ERROR_NOT_FOUND, "Hold %s has ended (%s)", op->hold_id, hold->status);
      return STEP_REFUSED;
    }

  if (!r->funcs->read_event (r->backend, op->event_id, &found, &r->version, error))
    return STEP_FAILED;
  if (!found)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "Hold %s names a missing event %s",
                   op->hold_id, op->event_id);
      return STEP_FAILED;
    }
  *out_hold = g_steal_pointer (&hold);
  return STEP_OK;
}

/* One entry per seat of the op: NULL when free, else its SbSeatChange. */
static GPtrArray *
read_seats (Run *r, GError **error)
{
  g_autoptr (GPtrArray) states
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_seat_change_free);

  if (!r->funcs->read_seats (r->backend, r->op->event_id, (const char *const *) r->op->seat_ids,
                             states, error))
    return NULL;
  g_assert (states->len == g_strv_length (r->op->seat_ids));
  return g_steal_pointer (&states);
}

/* Refuses the op when conflicts has any seat. TRUE when it did. */
static gboolean
refuse_conflicts (SbOp *op, GStrvBuilder *conflicts)
{
  g_auto (GStrv) seats = g_strv_builder_end (conflicts);

  if (seats[0] == NULL)
    return FALSE;
  refuse_seats (op, g_steal_pointer (&seats));
  return TRUE;
}

/* Writes */

/* Inserts the hold with a fresh id: 80 random bits, so a collision means a broken random
 * generator more than bad luck. */
static gboolean
insert_hold (Run *r, SbStoredHold *hold, GError **error)
{
  for (guint attempt = 0;; attempt++)
    {
      gboolean taken = FALSE;

      g_free (hold->hold_id);
      hold->hold_id = sb_new_hold_id ();
      if (!r->funcs->insert_hold (r->backend, hold, r->now_ms, &taken, error))
        return FALSE;
      if (!taken)
        return TRUE;
      if (attempt >= 5)
        {
          g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                       "No free hold id after %u attempts", attempt + 1);
          return FALSE;
        }
    }
}

/* Inserts the booking with a fresh reference; references are short, so collisions happen (rarely)
 * and another is drawn. */
static gboolean
insert_booking (Run *r, const char *const *seats, char **out_booking_id, GError **error)
{
  SbOp *op = r->op;

  for (guint attempt = 0;; attempt++)
    {
      g_autofree char *booking_id = sb_new_booking_id ();
      gboolean taken = FALSE;

      if (!r->funcs->insert_booking (r->backend, booking_id, op->event_id, op->client_id,
                                     sb_op_recorded_account (op), op->hold_id, seats, op->customer,
                                     r->now_ms, &taken, error))
        return FALSE;
      if (!taken)
        {
          *out_booking_id = g_steal_pointer (&booking_id);
          return TRUE;
        }
      if (attempt >= 20)
        {
          g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                       "No free booking reference after %u attempts", attempt + 1);
          return FALSE;
        }
    }
}

/* A hold ended (release, expire): its seats become free in change and are added to freed. */
static gboolean
free_hold (Run *r,
           const SbStoredHold *hold,
           const char *status,
           SbChange *change,
           GStrvBuilder *freed,
           GError **error)
{
  if (!r->funcs->free_hold_seats (r->backend, r->op->event_id, hold->hold_id, error)
      || !r->funcs->end_hold (r->backend, hold->hold_id, status, error))
    return FALSE;
  for (guint i = 0; hold->seat_ids[i] != NULL; i++)
    {
      g_ptr_array_add (change->seats, sb_seat_change_new (hold->seat_ids[i], SB_SEAT_FREE, NULL));
      g_strv_builder_add (freed, hold->seat_ids[i]);
    }
  return TRUE;
}

static void
set_ended_hold (SbChange *change, const char *hold_id)
{
  change->ended_holds = g_new0 (char *, 2);
  change->ended_holds[0] = g_strdup (hold_id);
}

static SbChange *
new_booked_change (Run *r, const char *const *seats)
{
  SbChange *change = sb_change_new (r->op->event_id, r->version + 1);

  for (guint i = 0; seats[i] != NULL; i++)
    g_ptr_array_add (change->seats, sb_seat_change_new (seats[i], SB_SEAT_BOOKED, NULL));
  return change;
}

/* The orphan rule on the seats the op takes (sb-store-orphan.h): under enforce a lone seat
 * refuses the op, naming it, unless a manager overrides the rule; under warn, or overridden, the
 * op goes on and its reply names it (and an override is in the op's audit entry). */
static Step
step_orphan (Run *r, char **seat_ids, GError **error)
{
  SbOp *op = r->op;
  SbOrphanRule rule;
  gint lone;
  SbVenue *venue = r->funcs->get_venue (r->backend, op->event_id, error);
  g_autofree char *description = NULL;

  if (venue == NULL
      || !sb_store_orphan_check (r->funcs, r->backend, op->event_id, venue,
                                 (const char *const *) seat_ids, &rule, &lone, error))
    return STEP_FAILED;
  if (lone < 0)
    return STEP_OK;
  if (rule == SB_ORPHAN_RULE_ENFORCE && !op->override_orphan_rule)
    {
      description = sb_store_orphan_describe_seat (venue, (guint) lone);
      sb_op_set_error (op, SB_ERROR_LONE_SEAT, "This would leave %s on its own", description);
      g_clear_pointer (&op->conflicting_seats, g_strfreev);
      op->conflicting_seats = g_new0 (char *, 2);
      op->conflicting_seats[0] = g_strdup (sb_venue_get_seat (venue, (guint) lone)->id);
      return STEP_REFUSED;
    }
  g_free (op->result_lone_seat);
  op->result_lone_seat = g_strdup (sb_venue_get_seat (venue, (guint) lone)->id);
  op->result_overrode = rule == SB_ORPHAN_RULE_ENFORCE;
  return STEP_OK;
}

/* The ops. Each builds the op's change (the event's next version) and fills in its results. */

/* A new hold of seat_ids (read as free), its change and the op's results. */
static Step
write_hold (Run *r, char **seat_ids, GError **error)
{
  SbOp *op = r->op;
  g_autoptr (SbStoredHold) hold = NULL;
  g_autofree char *refused = NULL;
  SbChange *change;

  hold = sb_stored_hold_new (NULL, op->event_id, op->client_id, sb_op_recorded_account (op),
                             "active", g_strdupv (seat_ids), r->now_ms + op->ttl_ms);
  if (!insert_hold (r, hold, error)
      || !r->funcs->hold_seats (r->backend, op->event_id, (const char *const *) seat_ids,
                                hold->hold_id, &refused, error))
    return STEP_FAILED;
  if (refused != NULL)
    return refuse_seat (op, g_steal_pointer (&refused));

  change = sb_change_new (op->event_id, r->version + 1);
  for (guint i = 0; seat_ids[i] != NULL; i++)
    g_ptr_array_add (change->seats, sb_seat_change_new (seat_ids[i], SB_SEAT_HELD, hold->hold_id));
  g_ptr_array_add (change->holds, sb_hold_record_new_owned (
                                      hold->hold_id, op->event_id, op->client_id, hold->account,
                                      (const char *const *) seat_ids, hold->expires_at_ms));
  op->result_hold_id = g_steal_pointer (&hold->hold_id);
  op->result_seat_ids = g_strdupv (seat_ids);
  op->result_expires_at_ms = hold->expires_at_ms;
  op->change = change;
  return STEP_OK;
}

static Step
run_hold (Run *r, GError **error)
{
  SbOp *op = r->op;
  g_autoptr (GPtrArray) states = NULL;
  g_autoptr (GStrvBuilder) conflicts = g_strv_builder_new ();
  Step step;

  if ((step = step_event (r, error)) != STEP_OK || (step = step_sales (r, error)) != STEP_OK
      || (step = step_seat_list (r, error)) != STEP_OK || (step = step_ttl (r)) != STEP_OK)
    return step;

  states = read_seats (r, error);
  if (states == NULL)
    return STEP_FAILED;
  for (guint i = 0; op->seat_ids[i] != NULL; i++)
    if (g_ptr_array_index (states, i) != NULL)
      g_strv_builder_add (conflicts, op->seat_ids[i]);
  if (refuse_conflicts (op, conflicts) || refused_before (r, g_strdupv (op->seat_ids)))
    return STEP_REFUSED;
  if ((step = step_orphan (r, op->seat_ids, error)) != STEP_OK)
    return step;

  return write_hold (r, op->seat_ids, error);
}

/* The seats chosen by hold_best: the best-available search (sb-best-available.c) on the event's
 * whole occupancy, read in this transaction, so that two desks asking at once get disjoint seats.
 */
static Step
run_hold_best (Run *r, GError **error)
{
  SbOp *op = r->op;
  g_autofree guint8 *taken = NULL;
  g_autofree guint *categories = NULL;
  g_auto (GStrv) seat_ids = NULL;
  SbBestQuery query = { 0 };
  SbBestResult result;
  SbOrphanRule rule = SB_ORPHAN_RULE_OFF;
  SbOccupancyCache *cache;
  SbVenue *venue;
  guint n_seats;
  Step step;

  if ((step = step_event (r, error)) != STEP_OK || (step = step_sales (r, error)) != STEP_OK
      || (step = step_ttl (r)) != STEP_OK)
    return step;
  if (op->best.count < 1 || op->best.count > SB_BEST_MAX_COUNT)
    return refuse (op, SB_ERROR_INVALID_REQUEST, "The count must be from 1 to 50");
  venue = r->funcs->get_venue (r->backend, op->event_id, error);
  if (venue == NULL)
    return STEP_FAILED;

  query.count = op->best.count;
  query.max_price = op->best.max_price;
  query.together = !op->best.apart;
  if (r->funcs->read_orphan_rule != NULL
      && !r->funcs->read_orphan_rule (r->backend, op->event_id, &rule, error))
    return STEP_FAILED;
  /* A lone seat is avoided whenever a choice without one exists; enforce allows no other, unless
   * a manager overrides it. */
  query.allow_lone_seat = rule != SB_ORPHAN_RULE_ENFORCE || op->override_orphan_rule;
  if (op->best.categories != NULL)
    {
      query.n_categories = g_strv_length (op->best.categories);
      categories = g_new (guint, query.n_categories);
      for (guint i = 0; i < query.n_categories; i++)
        {
          guint c;

          for (c = 0; c < sb_venue_get_n_categories (venue); c++)
            if (g_str_equal (sb_venue_get_category (venue, c)->id, op->best.categories[i]))
              break;
          if (c == sb_venue_get_n_categories (venue))
            {
              sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Event %s has no category %s",
                               op->event_id, op->best.categories[i]);
              return STEP_REFUSED;
            }
          categories[i] = c;
        }
      query.categories = categories;
    }

  n_seats = sb_venue_get_n_seats (venue);
  taken = g_new0 (guint8, n_seats);
  cache = r->funcs->occupancy_cache != NULL ? r->funcs->occupancy_cache (r->backend) : NULL;
  /* The version just read in this transaction says whether the cached occupancy is this one. */
  if (cache == NULL || !sb_occupancy_cache_lookup (cache, op->event_id, r->version, taken, n_seats))
    {
      if (!r->funcs->read_taken_seats (r->backend, op->event_id, venue, taken, error))
        return STEP_FAILED;
      if (cache != NULL)
        sb_occupancy_cache_store (cache, op->event_id, r->version, taken, n_seats);
    }
  if (!sb_best_available_find (venue, taken, &query, &result))
    {
      sb_op_set_error (op, SB_ERROR_NOT_ENOUGH_SEATS,
                       "No %u seats%s fit the request; %u could be had", query.count,
                       query.together ? " side by side" : "", result.available);
      op->result_available = result.available;
      return STEP_REFUSED;
    }

  seat_ids = g_new0 (char *, result.n_seats + 1);
  for (guint i = 0; i < result.n_seats; i++)
    seat_ids[i] = g_strdup (sb_venue_get_seat (venue, result.seats[i])->id);
  if (refused_before (r, g_strdupv (seat_ids)))
    return STEP_REFUSED;
  if (result.lone_seat >= 0 && rule != SB_ORPHAN_RULE_OFF)
    {
      op->result_lone_seat = g_strdup (sb_venue_get_seat (venue, (guint) result.lone_seat)->id);
      op->result_overrode = rule == SB_ORPHAN_RULE_ENFORCE;
    }
  return write_hold (r, seat_ids, error);
}

static Step
run_extend (Run *r, GError **error)
{
  SbOp *op = r->op;
  g_autoptr (SbStoredHold) hold = NULL;
  gint64 expires_at_ms = r->now_ms + op->ttl_ms;
  Step step;

  if ((step = step_hold (r, &hold, error)) != STEP_OK || (step = step_ttl (r)) != STEP_OK)
    return step;
  if (!r->funcs->extend_hold (r->backend, op->hold_id, expires_at_ms, error))
    return STEP_FAILED;

  op->change = sb_change_new (op->event_id, r->version + 1);
  g_ptr_array_add (op->change->holds, sb_hold_record_new_owned (
                                          op->hold_id, op->event_id, hold->client_id, hold->account,
                                          (const char *const *) hold->seat_ids, expires_at_ms));
  op->result_hold_id = g_strdup (op->hold_id);
  op->result_seat_ids = g_steal_pointer (&hold->seat_ids);
  op->result_expires_at_ms = expires_at_ms;
  return STEP_OK;
}

static Step
run_release (Run *r, GError **error)
{
  SbOp *op = r->op;
  g_autoptr (SbStoredHold) hold = NULL;
  g_autoptr (SbChange) change = NULL;
  g_autoptr (GStrvBuilder) freed = g_strv_builder_new ();
  Step step;

  if ((step = step_hold (r, &hold, error)) != STEP_OK)
    return step;
  /* Some of its seats (sb-store-rules-release.c). */
  if (op->seat_ids != NULL)
    return sb_store_rules_release_seats (r->funcs, r->backend, op, hold, r->version, error)
               ? STEP_OK
               : STEP_FAILED;

  change = sb_change_new (op->event_id, r->version + 1);
  if (!free_hold (r, hold, "released", change, freed, error))
    return STEP_FAILED;

  set_ended_hold (change, op->hold_id);
  op->result_hold_id = g_strdup (op->hold_id);
  op->result_seat_ids = g_strv_builder_end (freed);
  op->change = g_steal_pointer (&change);
  return STEP_OK;
}

static Step
run_book_hold (Run *r, GError **error)
{
  SbOp *op = r->op;
  g_autoptr (SbStoredHold) hold = NULL;
  g_autofree char *booking_id = NULL;
  g_autofree char *refused = NULL;
  const char *const *seats;
  Step step;

  if ((step = step_hold (r, &hold, error)) != STEP_OK || (step = step_sales (r, error)) != STEP_OK)
    return step;

  seats = (const char *const *) hold->seat_ids;
  if (!insert_booking (r, seats, &booking_id, error)
      || !r->funcs->book_hold_seats (r->backend, op->event_id, op->hold_id, seats, booking_id,
                                     &refused, error))
    return STEP_FAILED;
  if (refused != NULL)
    return refuse_seat (op, g_steal_pointer (&refused));
  if (!r->funcs->end_hold (r->backend, op->hold_id, "booked", error))
    return STEP_FAILED;

  op->change = new_booked_change (r, seats);
  set_ended_hold (op->change, op->hold_id);
  op->result_hold_id = g_strdup (op->hold_id);
  op->result_booking_id = g_steal_pointer (&booking_id);
  op->result_seat_ids = g_steal_pointer (&hold->seat_ids);
  op->result_customer = sb_customer_copy (op->customer);
  return STEP_OK;
}

/* The hold of holds with this id, or NULL. */
static SbStoredHold *
find_read_hold (GPtrArray *holds, const char *hold_id)
{
  for (guint i = 0; i < holds->len; i++)
    {
      SbStoredHold *hold = g_ptr_array_index (holds, i);

      if (g_str_equal (hold->hold_id, hold_id))
        return hold;
    }
  return NULL;
}

/* The seats of hold that are not in seats. */
static char **
seats_left (const SbStoredHold *hold, const char *const *seats)
{
  g_autoptr (GStrvBuilder) left = g_strv_builder_new ();

  for (guint i = 0; hold->seat_ids[i] != NULL; i++)
    if (!g_strv_contains (seats, hold->seat_ids[i]))
      g_strv_builder_add (left, hold->seat_ids[i]);
  return g_strv_builder_end (left);
}

static Step
run_book_seats (Run *r, GError **error)
{
  SbOp *op = r->op;
  const char *const *seats = (const char *const *) op->seat_ids;
  g_autoptr (GPtrArray) states = NULL;
  /* SbStoredHold: the holds of the seats, in the order of the op's seats */
  g_autoptr (GPtrArray) holds
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_stored_hold_free);
  g_autofree const char **held_by = NULL;
  g_autoptr (GStrvBuilder) conflicts = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) free_seats = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) ended = g_strv_builder_new ();
  g_auto (GStrv) newly_taken = NULL;
  g_autofree char *booking_id = NULL;
  g_autofree char *refused = NULL;
  SbChange *change;
  Step step;

  if ((step = step_event (r, error)) != STEP_OK || (step = step_sales (r, error)) != STEP_OK
      || (step = step_seat_list (r, error)) != STEP_OK)
    return step;

  states = read_seats (r, error);
  if (states == NULL)
    return STEP_FAILED;
  held_by = g_new0 (const char *, states->len + 1);
  for (guint i = 0; seats[i] != NULL; i++)
    {
      const SbSeatChange *state = g_ptr_array_index (states, i);
      SbStoredHold *hold;

      if (state == NULL)
        {
          g_strv_builder_add (free_seats, seats[i]);
          continue;
        }
      /* Held by one of the op's own holds that is still running, made at this desk: the op may
       * book it. Another desk of the same account books such seats by hold (a desk's direct
       * booking does not take the seats another desk is working with). */
      if (state->state == SB_SEAT_HELD && state->hold_id != NULL)
        {
          hold = find_read_hold (holds, state->hold_id);
          if (hold == NULL)
            {
              if (!r->funcs->read_hold (r->backend, state->hold_id, &hold, error))
                return STEP_FAILED;
              if (hold != NULL)
                g_ptr_array_add (holds, hold);
            }
          if (hold != NULL && sb_stored_hold_is_ops (op, hold)
              && g_strcmp0 (hold->client_id, op->client_id) == 0 && hold->expires_at_ms > r->now_ms)
            {
              held_by[i] = hold->hold_id;
              continue;
            }
        }
      g_strv_builder_add (conflicts, seats[i]);
    }
  if (refuse_conflicts (op, conflicts))
    return STEP_REFUSED;
  /* Only the seats that were free change from free to taken; held ones were taken already. */
  newly_taken = g_strv_builder_end (free_seats);
  if (refused_before (r, g_strdupv (newly_taken)))
    return STEP_REFUSED;
  if ((step = step_orphan (r, newly_taken, error)) != STEP_OK)
    return step;

  if (!insert_booking (r, seats, &booking_id, error)
      || !r->funcs->book_seats (r->backend, op->event_id, seats, held_by, booking_id, &refused,
                                error))
    return STEP_FAILED;
  if (refused != NULL)
    return refuse_seat (op, g_steal_pointer (&refused));

  /* Holds that gave up seats (all this client's, or the op was refused): ended when nothing is
   * left, otherwise announced with their new seat list so that every copy of them stays right. */
  change = new_booked_change (r, seats);
  op->change = change;
  for (guint j = 0; j < holds->len; j++)
    {
      const SbStoredHold *hold = g_ptr_array_index (holds, j);
      g_auto (GStrv) left = seats_left (hold, seats);

      if (left[0] == NULL)
        {
          if (!r->funcs->end_hold (r->backend, hold->hold_id, "booked", error))
            return STEP_FAILED;
          g_strv_builder_add (ended, hold->hold_id);
          continue;
        }
      if (r->funcs->set_hold_seats != NULL
          && !r->funcs->set_hold_seats (r->backend, hold->hold_id, (const char *const *) left,
                                        error))
        return STEP_FAILED;
      g_ptr_array_add (change->holds,
                       sb_hold_record_new_owned (hold->hold_id, op->event_id, hold->client_id,
                                                 hold->account, (const char *const *) left,
                                                 hold->expires_at_ms));
    }

  change->ended_holds = g_strv_builder_end (ended);
  if (change->ended_holds[0] == NULL)
    g_clear_pointer (&change->ended_holds, g_strfreev);
  op->result_booking_id = g_steal_pointer (&booking_id);
  op->result_seat_ids = g_strdupv (op->seat_ids);
  op->result_customer = sb_customer_copy (op->customer);
  return STEP_OK;
}

/* Expiry: one change, hence one version, per hold that ended, in the order find_expired_holds
 * gives (by expiry, then id), as for every other way a hold ends: holds that expire at the same
 * instant do not share a version. All but the last change are appended here and kept in
 * op->earlier_changes; the last is op->change, appended as every op's change is. */
static Step
run_expire (Run *r, GError **error)
{
  SbOp *op = r->op;
  g_autoptr (GPtrArray) holds
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_stored_hold_free);
  g_autoptr (GStrvBuilder) freed = g_strv_builder_new ();
  g_autoptr (GPtrArray) earlier = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_change_free);
  g_autoptr (SbChange) change = NULL;
  Step step;

  if ((step = step_event (r, error)) != STEP_OK)
    return step;
  if (!r->funcs->find_expired_holds (r->backend, op->event_id, r->now_ms, holds, error))
    return STEP_FAILED;
  if (holds->len == 0)
    return STEP_OK; /* nothing expired: no change, no version */

  for (guint i = 0; i < holds->len; i++)
    {
      const SbStoredHold *hold = g_ptr_array_index (holds, i);

      if (change != NULL)
        {
          g_autofree char *json = NULL;

          change->committed_at_ms = sb_now_ms ();
          json = sb_change_to_json (change);
          if (!append_change (r, change, json, error))
            return STEP_FAILED;
          g_ptr_array_add (earlier, g_steal_pointer (&change));
        }
      change = sb_change_new (op->event_id, r->version + 1 + i);
      if (!free_hold (r, hold, "expired", change, freed, error)
          || !sb_store_rules_audit_expired (r->funcs, r->backend, op->event_id, hold, r->now_ms,
                                            error))
        return STEP_FAILED;
      set_ended_hold (change, hold->hold_id);
    }
  op->result_seat_ids = g_strv_builder_end (freed);
  if (earlier->len > 0)
    op->earlier_changes = g_steal_pointer (&earlier);
  op->change = g_steal_pointer (&change);
  return STEP_OK;
}

/* Refuses what no kind of op accepts (no client, an unknown kind, a booking naming both or neither
 * a hold and seats), then runs the op's kind. */
static Step
run_op (Run *r, GError **error)
{
  SbOp *op = r->op;

  if (op->kind != SB_OP_EXPIRE && op->client_id == NULL)
    return refuse (op, SB_ERROR_INVALID_REQUEST, "No client given");
  switch (op->kind)
    {
      case SB_OP_HOLD:
        return run_hold (r, error);
      case SB_OP_EXTEND:
        return run_extend (r, error);
      case SB_OP_RELEASE:
        return run_release (r, error);
      case SB_OP_BOOK:
        if ((op->hold_id != NULL) == (op->seat_ids != NULL))
          return refuse (op, SB_ERROR_INVALID_REQUEST,
                         "A booking names either a hold or an event and seats");
        return op->hold_id != NULL ? run_book_hold (r, error) : run_book_seats (r, error);
      case SB_OP_EXPIRE:
        return run_expire (r, error);
      case SB_OP_HOLD_BEST:
        return run_hold_best (r, error);
      case SB_OP_BLOCK:
      case SB_OP_UNBLOCK:
        return sb_store_rules_block (r->funcs, r->backend, op, r->now_ms, error) ? STEP_OK
                                                                                 : STEP_FAILED;
      case SB_OP_CANCEL:
        return sb_store_rules_cancel (r->funcs, r->backend, op, r->now_ms, error) ? STEP_OK
                                                                                  : STEP_FAILED;
      case SB_OP_MOVE:
        return sb_store_rules_move (r->funcs, r->backend, op, r->now_ms, error) ? STEP_OK
                                                                                : STEP_FAILED;
      default:
        sb_op_set_error (op, SB_ERROR_INVALID_REQUEST, "Unknown operation %d", op->kind);
        return STEP_REFUSED;
    }
}

/* Gives the op the stored outcome of its earlier run (outcome_json may be NULL when the record has
 * none): a damaged record refuses the op rather than let it run a second time. The key is the
 * desk's, and another account signed in at that desk may reuse an id: it is refused, neither
 * replayed (the outcome — hold, seats, booking — is the other account's) nor run (the id is
 * taken). An outcome stored before outcomes named their account is replayed as before. */
static void
replay (SbOp *op, const char *outcome_json)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *owner = NULL;

  if (outcome_json != NULL && sb_op_outcome_read_account (outcome_json, &owner, NULL)
      && owner != NULL && !g_str_equal (owner, sb_op_recorded_account (op)))
    {
      sb_op_set_error (op, SB_ERROR_FORBIDDEN,
                       "Request %s of this desk was made by another account; send this request "
                       "with a new id",
                       op->request_id);
      return;
    }

  if (outcome_json == NULL || !sb_op_outcome_from_json (op, outcome_json, &local_error))
    {
      g_warning ("Stored outcome of request %s of client %s is unreadable: %s", op->request_id,
                 op->client_id, local_error != NULL ? local_error->message : "no outcome");
      sb_op_set_error (op, SB_ERROR_INTERNAL, "The outcome of this request cannot be read");
    }
  op->replayed = TRUE;
}

gboolean
sb_store_rules_apply_op (const SbStoreBackendFuncs *funcs,
                         gpointer backend,
                         SbOp *op,
                         GError **error)
{
  Run r = { funcs, backend, op, 0, 0, FALSE };
  /* The idempotency key: expire is the server's own op, run again on purpose. */
  gboolean keyed = op->kind != SB_OP_EXPIRE && op->client_id != NULL && op->request_id != NULL;

  r.now_ms = op->now_ms != 0 ? op->now_ms : sb_now_ms ();

  if (keyed)
    {
      g_autofree char *outcome = NULL;
      gboolean found = FALSE;

      if (!funcs->lookup_outcome (backend, op->client_id, op->request_id, &found, &outcome, error))
        return FALSE;
      if (found)
        {
          replay (op, outcome);
          return TRUE;
        }
    }

  if (funcs->begin_op != NULL && !funcs->begin_op (backend, error))
    return FALSE;

  if (run_op (&r, error) == STEP_FAILED)
    return FALSE; /* the backend undoes the whole batch */

  if (op->error != SB_ERROR_NONE)
    {
      /* A refused op leaves nothing behind. */
      g_clear_pointer (&op->change, sb_change_free);
      if (funcs->undo_op != NULL && !funcs->undo_op (backend, error))
        return FALSE;
      if (funcs->occupancy_cache != NULL)
        {
          SbOccupancyCache *cache = funcs->occupancy_cache (backend);

          /* Undone with the op: whatever the cache moved on with it may not stand. */
          if (r.appended)
            sb_occupancy_cache_discard_batch (cache);
          /* The storage refused a seat the search took as free: read the event afresh next time.
           */
          if (op->kind == SB_OP_HOLD_BEST && op->error == SB_ERROR_SEAT_UNAVAILABLE)
            sb_occupancy_cache_forget (cache, op->event_id);
        }
    }
  else if (op->change != NULL)
    {
      g_autofree char *json = NULL;

      op->change->committed_at_ms = sb_now_ms ();
      json = sb_change_to_json (op->change);
      if (!append_change (&r, op->change, json, error))
        return FALSE;
      /* Expire wrote one entry per hold it ended; every other op that changed something writes
       * its own, in the same transaction. */
      if (op->kind != SB_OP_EXPIRE
          && !sb_store_rules_audit_op (funcs, backend, op, sb_op_recorded_account (op), r.now_ms,
                                       error))
        return FALSE;
    }

  if (keyed)
    {
      g_autofree char *outcome = sb_op_outcome_to_json (op);

      if (!funcs->record_outcome (backend, op->client_id, op->request_id, outcome, error))
        return FALSE;
    }

  return funcs->end_op == NULL || funcs->end_op (backend, error);
}
