/* sb-desk.c: the state of one booking desk, apart from any window.
 *
 * The desk is the only listener of its SbConnection's messages (the window watches only the
 * connection's state): it keeps the events list and the holds up to date, then tells the window
 * what changed through its own signals, in the order the window must apply them (seat states
 * first, then which holds are ours). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-desk-private.h"
#include "sb-protocol.h"

typedef struct
{
  char *id;
  char *event_id;
  GPtrArray *seats; /* seat ids still under this hold */
  gint64 deadline;  /* monotonic µs: counted from remaining_ms, never from our wall clock */
} Hold;

G_DEFINE_FINAL_TYPE (SbDesk, sb_desk, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CONNECTION,
  PROP_EVENTS,
  PROP_EVENT_ID,
  PROP_SECONDS_LEFT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_EVENTS_LISTED,
  SIGNAL_EVENTS_FAILED,
  SIGNAL_SNAPSHOT,
  SIGNAL_SNAPSHOT_FAILED,
  SIGNAL_SEATS_CHANGED,
  SIGNAL_HOLDS_CHANGED,
  SIGNAL_HOLD_EXPIRED,
  SIGNAL_TICK,
  SIGNAL_SUBSCRIPTION_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
hold_free (Hold *hold)
{
  g_free (hold->id);
  g_free (hold->event_id);
  g_ptr_array_unref (hold->seats);
  g_free (hold);
}

/* Holds */

static Hold *
hold_new (const SbHoldInfo *info)
{
  Hold *hold = g_new0 (Hold, 1);

  hold->id = g_strdup (info->hold);
  hold->event_id = g_strdup (info->event);
  hold->seats = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; info->seats != NULL && info->seats[i] != NULL; i++)
    g_ptr_array_add (hold->seats, g_strdup (info->seats[i]));
  hold->deadline = g_get_monotonic_time () + MAX (0, info->remaining_ms) * 1000;
  return hold;
}

/* TRUE when seat `id` was under the hold and is not any more. */
static gboolean
hold_remove_seat (Hold *hold, const char *id)
{
  guint position;

  if (id == NULL || !g_ptr_array_find_with_equal_func (hold->seats, id, g_str_equal, &position))
    return FALSE;
  g_ptr_array_remove_index (hold->seats, position);
  return TRUE;
}

static gboolean
is_open_event_hold (SbDesk *self, Hold *hold)
{
  return self->event_id != NULL && g_strcmp0 (hold->event_id, self->event_id) == 0;
}

static void
set_seconds_left (SbDesk *self, int seconds)
{
  if (self->seconds_left == seconds)
    return;
  self->seconds_left = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECONDS_LEFT]);
}

/* A hold whose seats the server freed this close to its deadline has expired, rather than been
 * released: the server's expiry and our countdown start from the same remaining_ms, but ours
 * starts when the reply arrives, a little later. */
#define EXPIRY_SLACK_USEC (2 * G_USEC_PER_SEC)

static void
emit_expired (SbDesk *self, const char *event_id, guint n_seats)
{
  if (n_seats > 0)
    g_signal_emit (self, signals[SIGNAL_HOLD_EXPIRED], 0, event_id, n_seats);
}

/* Ends the holds whose time is up, in every event: the server ends them too, but says so only to
 * the open event's subscribers. Counts down to the open event's next deadline. */
static gboolean
countdown_cb (gpointer data)
{
  SbDesk *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 soonest = G_MAXINT64;
  GHashTableIter iter;
  gpointer value;
  gboolean expired = FALSE;
  guint n_holds = 0;

  g_hash_table_iter_init (&iter, self->holds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Hold *hold = value;

      if (hold->deadline <= now)
        {
          /* The server frees the seats and says so with a `changed`; we stop counting. */
          emit_expired (self, hold->event_id, hold->seats->len);
          g_hash_table_iter_remove (&iter);
          expired = TRUE;
          continue;
        }
      n_holds++;
      if (is_open_event_hold (self, hold))
        soonest = MIN (soonest, hold->deadline);
    }

  if (expired)
    g_signal_emit (self, signals[SIGNAL_HOLDS_CHANGED], 0);

  if (soonest == G_MAXINT64)
    set_seconds_left (self, -1);
  else
    set_seconds_left (self,
                      (int) MIN ((soonest - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, G_MAXINT));
  if (n_holds > 0)
    g_signal_emit (self, signals[SIGNAL_TICK], 0);

  if (n_holds == 0)
    {
      g_clear_handle_id (&self->countdown_source, g_source_remove);
      return G_SOURCE_REMOVE;
    }
  if (self->countdown_source == 0)
    self->countdown_source = g_timeout_add_seconds (1, countdown_cb, self);
  return G_SOURCE_CONTINUE;
}

void
_sb_desk_holds_changed (SbDesk *self)
{
  g_signal_emit (self, signals[SIGNAL_HOLDS_CHANGED], 0);
  countdown_cb (self);
}

void
_sb_desk_add_hold (SbDesk *self, const SbHoldInfo *info)
{
  Hold *hold = hold_new (info);

  g_hash_table_replace (self->holds, hold->id, hold);
}

/* event_id NULL: replace every hold (welcome); else only those of that event. holds: SbHoldInfo. */
static void
replace_holds (SbDesk *self, const char *event_id, GPtrArray *holds)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->holds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (event_id == NULL || g_strcmp0 (((Hold *) value)->event_id, event_id) == 0)
      g_hash_table_iter_remove (&iter);

  for (guint i = 0; holds != NULL && i < holds->len; i++)
    _sb_desk_add_hold (self, g_ptr_array_index (holds, i));
  _sb_desk_holds_changed (self);
}

/* Booked seats leave whichever of our holds had them. */
void
_sb_desk_forget_seats (SbDesk *self, char **seats)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->holds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Hold *hold = value;

      for (guint i = 0; seats != NULL && seats[i] != NULL; i++)
        hold_remove_seat (hold, seats[i]);
      if (hold->seats->len == 0)
        g_hash_table_iter_remove (&iter);
    }
}

/* Events */

static SbEventItem *
event_item_new (const SbEventSummary *summary)
{
  SbEventItem *item
      = sb_event_item_new (summary->id, summary->name, summary->venue, summary->starts_at,
                           summary->version, summary->n_seats, summary->n_free);

  sb_event_item_set_venue_id (item, summary->venue_id);
  return item;
}

/* Puts listed (SbEventItem) into the store. The same events as listed already are updated in
 * place, so that a periodic refresh neither loses keyboard focus nor makes a screen reader
 * announce a new list. */
static void
set_events (SbDesk *self, GPtrArray *listed)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->events));
  gboolean same = n_items == listed->len;

  for (guint i = 0; same && i < n_items; i++)
    {
      g_autoptr (SbEventItem) item = g_list_model_get_item (G_LIST_MODEL (self->events), i);

      same = g_strcmp0 (sb_event_item_get_id (item),
                        sb_event_item_get_id (g_ptr_array_index (listed, i)))
             == 0;
    }

  if (same)
    {
      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr (SbEventItem) item = g_list_model_get_item (G_LIST_MODEL (self->events), i);

          sb_event_item_update (item, g_ptr_array_index (listed, i));
        }
      return;
    }
  g_list_store_splice (self->events, 0, n_items, listed->pdata, listed->len);
}

/* summaries: SbEventSummary, as the server listed them. */
static void
set_event_summaries (SbDesk *self, GPtrArray *summaries)
{
  g_autoptr (GPtrArray) listed = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < summaries->len; i++)
    g_ptr_array_add (listed, event_item_new (g_ptr_array_index (summaries, i)));
  set_events (self, listed);
  g_signal_emit (self, signals[SIGNAL_EVENTS_LISTED], 0);
}

static void
events_listed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbMessage) reply
      = sb_connection_send_finish (SB_CONNECTION (source), result, NULL, &error);
  SbDesk *self;

  /* Cancelled only by the desk's shutdown: `data` may be going. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SB_DESK (data);
  if (reply != NULL && reply->type != SB_MESSAGE_EVENTS)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 _ ("The server answered with “%s” instead of a list of events."),
                 sb_message_type_to_string (reply->type));
  if (error != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_EVENTS_FAILED], 0, error);
      return;
    }

  set_event_summaries (self, reply->events->events);
}

void
sb_desk_refresh_events (SbDesk *self)
{
  SbRequest *request;

  g_return_if_fail (SB_IS_DESK (self));

  request = sb_connection_new_request (self->connection, SB_REQUEST_LIST_EVENTS);
  sb_connection_send_async (self->connection, request, self->cancellable, events_listed_cb, self);
}

/* Connection signals */

/* Another desk created an event or closed its sales: the list is new without being asked for. */
static void
events_cb (SbConnection *connection, GPtrArray *summaries, SbDesk *self)
{
  set_event_summaries (self, summaries);
}

/* Every hold of this desk, in every event, as the server lists them on connecting. The one place
 * the whole list comes from: `welcome.holds`, or on a server with accounts `signed_in.holds`. */
static void
set_all_holds (SbDesk *self, GPtrArray *holds)
{
  replace_holds (self, NULL, holds);
}

/* On a server with accounts holds belong to the account: they come with signed_in. */
static void
signed_in_cb (SbConnection *connection, SbSignedInMessage *signed_in, SbDesk *self)
{
  set_all_holds (self, signed_in->holds);
  sb_desk_refresh_events (self);
}

static void
welcome_cb (SbConnection *connection, SbWelcomeMessage *welcome, SbDesk *self)
{
  /* Holds belong to our client id and survive reconnects and restarts: the server is the truth. */
  set_all_holds (self, welcome->holds);
  sb_desk_refresh_events (self);
}

static void
snapshot_cb (SbConnection *connection,
             const char *event_id,
             SbSnapshotMessage *snapshot,
             SbDesk *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbVenue) venue = NULL;
  g_autofree char *source_name = NULL;
  gconstpointer data;
  gsize length;

  if (g_strcmp0 (event_id, self->event_id) != 0)
    return;

  source_name = g_strdup_printf ("event %s", event_id);
  data = snapshot->venue != NULL ? g_bytes_get_data (snapshot->venue, &length) : NULL;
  if (data == NULL)
    g_set_error_literal (&error, SB_VENUE_ERROR, SB_VENUE_ERROR_INVALID, _ ("no venue"));
  else
    venue = sb_venue_new_from_data (data, (gssize) length, source_name, &error);
  if (venue == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_SNAPSHOT_FAILED], 0, error);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SNAPSHOT], 0, venue, snapshot->event_name, snapshot->seats);
}

static void
seats_changed_cb (
    SbConnection *connection, const char *event_id, GPtrArray *seats, gint64 version, SbDesk *self)
{
  gboolean holds_touched = FALSE;
  gint64 now = g_get_monotonic_time ();
  guint n_expired = 0;

  if (g_strcmp0 (event_id, self->event_id) != 0)
    return;

  /* A seat of ours that turns free or booked is no longer under that hold (expiry, a booking
   * from another of our windows). */
  for (guint i = 0; i < seats->len; i++)
    {
      const SbSeatUpdate *update = g_ptr_array_index (seats, i);
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->holds);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Hold *hold = value;

          if (g_strcmp0 (hold->event_id, event_id) != 0)
            continue;
          if (update->state == SB_SEAT_HELD && g_strcmp0 (update->hold, hold->id) == 0)
            continue;
          if (hold_remove_seat (hold, update->id))
            {
              holds_touched = TRUE;
              if (update->state == SB_SEAT_FREE && hold->deadline - EXPIRY_SLACK_USEC <= now)
                n_expired++;
              if (hold->seats->len == 0)
                g_hash_table_iter_remove (&iter);
            }
        }
    }

  g_signal_emit (self, signals[SIGNAL_SEATS_CHANGED], 0, seats);
  emit_expired (self, event_id, n_expired);
  if (holds_touched)
    _sb_desk_holds_changed (self);
}

static void
holds_cb (SbConnection *connection, const char *event_id, GPtrArray *holds, SbDesk *self)
{
  replace_holds (self, event_id, holds);
}

static void
subscription_failed_cb (SbConnection *connection, const char *event_id, GError *error, SbDesk *self)
{
  if (g_strcmp0 (event_id, self->event_id) != 0)
    return;
  g_signal_emit (self, signals[SIGNAL_SUBSCRIPTION_FAILED], 0, error);
}

/* The open event */

const char *
sb_desk_get_event_id (SbDesk *self)
{
  g_return_val_if_fail (SB_IS_DESK (self), NULL);

  return self->event_id;
}

static void
set_event_id (SbDesk *self, const char *event_id)
{
  if (self->event_id != NULL)
    sb_connection_unsubscribe (self->connection, self->event_id);
  g_free (self->event_id);
  self->event_id = g_strdup (event_id);
  if (event_id != NULL)
    sb_connection_subscribe (self->connection, event_id);
  /* Another event's holds count down now. */
  countdown_cb (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENT_ID]);
}

void
sb_desk_open_event (SbDesk *self, const char *event_id)
{
  g_return_if_fail (SB_IS_DESK (self));
  g_return_if_fail (event_id != NULL);

  if (g_strcmp0 (self->event_id, event_id) == 0)
    return;
  set_event_id (self, event_id);
}

void
sb_desk_close_event (SbDesk *self)
{
  g_return_if_fail (SB_IS_DESK (self));

  if (self->event_id == NULL)
    return;
  set_event_id (self, NULL);
}

/* Holds, public */

GHashTable *
sb_desk_get_holds (SbDesk *self)
{
  g_return_val_if_fail (SB_IS_DESK (self), NULL);

  return self->holds;
}

guint
sb_desk_get_n_event_holds (SbDesk *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (SB_IS_DESK (self), 0);

  g_hash_table_iter_init (&iter, self->holds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (is_open_event_hold (self, value))
      n++;
  return n;
}

char **
sb_desk_dup_event_hold_ids (SbDesk *self)
{
  GPtrArray *ids;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SB_IS_DESK (self), NULL);

  ids = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->holds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (is_open_event_hold (self, value))
      g_ptr_array_add (ids, g_strdup (((Hold *) value)->id));
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

GPtrArray *
sb_desk_dup_event_held_seats (SbDesk *self)
{
  GPtrArray *seats;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SB_IS_DESK (self), NULL);

  seats = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, self->holds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Hold *hold = value;

      if (!is_open_event_hold (self, hold))
        continue;
      for (guint i = 0; i < hold->seats->len; i++)
        g_ptr_array_add (seats, g_strdup (g_ptr_array_index (hold->seats, i)));
    }
  return seats;
}

char *
sb_desk_dup_seat_hold_id (SbDesk *self, const char *seat_id)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SB_IS_DESK (self), NULL);
  g_return_val_if_fail (seat_id != NULL, NULL);

  g_hash_table_iter_init (&iter, self->holds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Hold *hold = value;

      if (is_open_event_hold (self, hold)
          && g_ptr_array_find_with_equal_func (hold->seats, seat_id, g_str_equal, NULL))
        return g_strdup (hold->id);
    }
  return NULL;
}

static void
hold_summary_free (SbDeskHoldSummary *summary)
{
  g_free (summary->event_id);
  g_free (summary);
}

static int
compare_summaries (gconstpointer a, gconstpointer b)
{
  const SbDeskHoldSummary *x = *(SbDeskHoldSummary *const *) a;
  const SbDeskHoldSummary *y = *(SbDeskHoldSummary *const *) b;

  return x->seconds_left != y->seconds_left ? (x->seconds_left < y->seconds_left ? -1 : 1)
                                            : g_strcmp0 (x->event_id, y->event_id);
}

GPtrArray *
sb_desk_dup_other_event_holds (SbDesk *self)
{
  GPtrArray *summaries;
  GHashTableIter iter;
  gpointer value;
  gint64 now = g_get_monotonic_time ();

  g_return_val_if_fail (SB_IS_DESK (self), NULL);

  summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) hold_summary_free);
  g_hash_table_iter_init (&iter, self->holds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Hold *hold = value;
      SbDeskHoldSummary *summary = NULL;
      int seconds
          = (int) CLAMP ((hold->deadline - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 0, G_MAXINT);

      if (is_open_event_hold (self, hold) || hold->seats->len == 0)
        continue;
      for (guint i = 0; i < summaries->len && summary == NULL; i++)
        if (g_strcmp0 (((SbDeskHoldSummary *) g_ptr_array_index (summaries, i))->event_id,
                       hold->event_id)
            == 0)
          summary = g_ptr_array_index (summaries, i);
      if (summary == NULL)
        {
          summary = g_new0 (SbDeskHoldSummary, 1);
          summary->event_id = g_strdup (hold->event_id);
          summary->seconds_left = G_MAXINT;
          g_ptr_array_add (summaries, summary);
        }
      summary->n_seats += hold->seats->len;
      summary->seconds_left = MIN (summary->seconds_left, seconds);
    }
  /* The one that ends first comes first: it needs the desk's attention first. */
  g_ptr_array_sort (summaries, compare_summaries);
  return summaries;
}

void
sb_desk_set_hold_seconds (SbDesk *self, guint seconds)
{
  g_return_if_fail (SB_IS_DESK (self));
  g_return_if_fail (seconds == 0
                    || (seconds >= SB_MIN_HOLD_TTL_SECONDS && seconds <= SB_MAX_HOLD_TTL_SECONDS));

  self->hold_seconds = seconds;
}

int
sb_desk_get_seconds_left (SbDesk *self)
{
  g_return_val_if_fail (SB_IS_DESK (self), -1);

  return self->seconds_left;
}

/* The rest of the public API */

SbConnection *
sb_desk_get_connection (SbDesk *self)
{
  g_return_val_if_fail (SB_IS_DESK (self), NULL);

  return self->connection;
}

void
sb_desk_start (SbDesk *self)
{
  g_return_if_fail (SB_IS_DESK (self));

  sb_connection_start (self->connection);
}

void
sb_desk_shutdown (SbDesk *self)
{
  g_return_if_fail (SB_IS_DESK (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  sb_connection_shutdown (self->connection);
}

void
sb_desk_set_server_url (SbDesk *self, const char *url)
{
  g_return_if_fail (SB_IS_DESK (self));
  g_return_if_fail (url != NULL);

  /* Another server has other events. */
  sb_desk_close_event (self);
  sb_connection_set_url (self->connection, url);
}

GListModel *
sb_desk_get_events (SbDesk *self)
{
  g_return_val_if_fail (SB_IS_DESK (self), NULL);

  return G_LIST_MODEL (self->events);
}

SbEventItem *
sb_desk_lookup_event (SbDesk *self, const char *event_id, guint *out_position)
{
  guint n_items;

  g_return_val_if_fail (SB_IS_DESK (self), NULL);

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->events));
  for (guint i = 0; event_id != NULL && i < n_items; i++)
    {
      g_autoptr (SbEventItem) item = g_list_model_get_item (G_LIST_MODEL (self->events), i);

      if (g_strcmp0 (sb_event_item_get_id (item), event_id) == 0)
        {
          if (out_position != NULL)
            *out_position = i;
          /* The store keeps its own reference. */
          return item;
        }
    }
  return NULL;
}

/* GObject */

static void
sb_desk_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SbDesk *self = SB_DESK (object);

  switch (prop_id)
    {
      case PROP_CONNECTION:
        g_value_set_object (value, self->connection);
        break;
      case PROP_EVENTS:
        g_value_set_object (value, self->events);
        break;
      case PROP_EVENT_ID:
        g_value_set_string (value, self->event_id);
        break;
      case PROP_SECONDS_LEFT:
        g_value_set_int (value, self->seconds_left);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_desk_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  SbDesk *self = SB_DESK (object);

  switch (prop_id)
    {
      case PROP_CONNECTION:
        self->connection = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_desk_constructed (GObject *object)
{
  SbDesk *self = SB_DESK (object);

  G_OBJECT_CLASS (sb_desk_parent_class)->constructed (object);

  g_assert (self->connection != NULL);
  g_signal_connect (self->connection, "welcome", G_CALLBACK (welcome_cb), self);
  g_signal_connect (self->connection, "signed-in", G_CALLBACK (signed_in_cb), self);
  g_signal_connect (self->connection, "snapshot", G_CALLBACK (snapshot_cb), self);
  g_signal_connect (self->connection, "seats-changed", G_CALLBACK (seats_changed_cb), self);
  g_signal_connect (self->connection, "holds", G_CALLBACK (holds_cb), self);
  g_signal_connect (self->connection, "events", G_CALLBACK (events_cb), self);
  g_signal_connect (self->connection, "subscription-failed", G_CALLBACK (subscription_failed_cb),
                    self);
}

static void
sb_desk_dispose (GObject *object)
{
  SbDesk *self = SB_DESK (object);

  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      sb_desk_shutdown (self);
      g_clear_object (&self->connection);
    }
  g_clear_handle_id (&self->countdown_source, g_source_remove);

  G_OBJECT_CLASS (sb_desk_parent_class)->dispose (object);
}

static void
sb_desk_finalize (GObject *object)
{
  SbDesk *self = SB_DESK (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->events);
  g_hash_table_unref (self->holds);
  g_free (self->event_id);

  G_OBJECT_CLASS (sb_desk_parent_class)->finalize (object);
}

static void
sb_desk_class_init (SbDeskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sb_desk_get_property;
  object_class->set_property = sb_desk_set_property;
  object_class->constructed = sb_desk_constructed;
  object_class->dispose = sb_desk_dispose;
  object_class->finalize = sb_desk_finalize;

  properties[PROP_CONNECTION]
      = g_param_spec_object ("connection", NULL, NULL, SB_TYPE_CONNECTION,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EVENTS] = g_param_spec_object ("events", NULL, NULL, G_TYPE_LIST_MODEL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_EVENT_ID]
      = g_param_spec_string ("event-id", NULL, NULL, NULL,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECONDS_LEFT]
      = g_param_spec_int ("seconds-left", NULL, NULL, -1, G_MAXINT, -1,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* events-listed (): the events model holds a new listing. */
  signals[SIGNAL_EVENTS_LISTED]
      = g_signal_new ("events-listed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 0);
  /* events-failed (GError): listing the events failed. */
  signals[SIGNAL_EVENTS_FAILED]
      = g_signal_new ("events-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* snapshot (SbVenue, event name or NULL, GPtrArray of SbSeatUpdate): the open event from
   * scratch; every seat not named is free. */
  signals[SIGNAL_SNAPSHOT] = g_signal_new (
      "snapshot", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
      SB_TYPE_VENUE, G_TYPE_STRING, G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* snapshot-failed (GError): the open event's venue cannot be shown. */
  signals[SIGNAL_SNAPSHOT_FAILED]
      = g_signal_new ("snapshot-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* seats-changed (GPtrArray of SbSeatUpdate): states of the open event's seats, in order. */
  signals[SIGNAL_SEATS_CHANGED]
      = g_signal_new ("seats-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* holds-changed (): which holds are ours, or their seats, changed. */
  signals[SIGNAL_HOLDS_CHANGED]
      = g_signal_new ("holds-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 0);
  /* hold-expired (event id, number of seats): a hold ran out of time, in the open event or
   * another; holds-changed follows. */
  signals[SIGNAL_HOLD_EXPIRED]
      = g_signal_new ("hold-expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
  /* tick (): a second passed while the desk holds seats somewhere; the times left changed. */
  signals[SIGNAL_TICK] = g_signal_new ("tick", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* subscription-failed (GError): the open event cannot be followed (e.g. it does not exist). */
  signals[SIGNAL_SUBSCRIPTION_FAILED]
      = g_signal_new ("subscription-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
sb_desk_init (SbDesk *self)
{
  self->cancellable = g_cancellable_new ();
  self->events = g_list_store_new (SB_TYPE_EVENT_ITEM);
  self->holds = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) hold_free);
  self->seconds_left = -1;
}

SbDesk *
sb_desk_new (const char *server_url, const char *client_id)
{
  g_autoptr (SbConnection) connection = NULL;

  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (client_id != NULL && *client_id != '\0', NULL);

  connection = sb_connection_new (server_url, client_id);
  return g_object_new (SB_TYPE_DESK, "connection", connection, NULL);
}
