/* sb-live-event.c: one event's live state on the main thread. Everything a request needs (seat
 * ids, holds, versions) is answered here in O(1) or O(seats named); O(seats) work happens only
 * for a snapshot (sb-live-event-replies.c), and its seat list is cached per version. */
#include "sb-live-event-private.h"

#include <string.h>

#include "sb-message.h"
#include "sb-ws-frame.h"

G_DEFINE_FINAL_TYPE (SbLiveEvent, sb_live_event, G_TYPE_OBJECT)

/* Holds */

static gint
compare_expiry (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const LiveHold *ha = a;
  const LiveHold *hb = b;

  if (ha->record->expires_at_ms != hb->record->expires_at_ms)
    return ha->record->expires_at_ms < hb->record->expires_at_ms ? -1 : 1;
  return strcmp (ha->record->hold_id, hb->record->hold_id);
}

static void
live_hold_free (gpointer data)
{
  LiveHold *hold = data;

  sb_hold_record_free (hold->record);
  g_free (hold);
}

/* A hold is listed by the desk that made it and by the account it belongs to. */
static void
index_hold (SbLiveEvent *self, LiveHold *hold)
{
  sb_hold_owners_add (self->owners, hold->record->client_id, hold->record->account, hold);
}

static void
unindex_hold (SbLiveEvent *self, LiveHold *hold)
{
  sb_hold_owners_remove (self->owners, hold->record->client_id, hold->record->account, hold);
}

static void
remove_hold (SbLiveEvent *self, const char *hold_id)
{
  LiveHold *hold = g_hash_table_lookup (self->holds, hold_id);
  if (hold == NULL)
    return;

  g_sequence_remove (hold->expiry);
  unindex_hold (self, hold);
  if (g_hash_table_lookup (self->hold_index, hold_id) == self)
    g_hash_table_remove (self->hold_index, hold_id);
  g_hash_table_remove (self->holds, hold_id);
}

static void
upsert_hold (SbLiveEvent *self, const SbHoldRecord *record)
{
  LiveHold *hold = g_hash_table_lookup (self->holds, record->hold_id);

  if (hold != NULL)
    {
      /* Extended: same identity, new expiry (and the seats as the store has them). */
      g_autofree char *account = g_strdup (hold->record->account);

      g_sequence_remove (hold->expiry);
      unindex_hold (self, hold);
      sb_hold_record_free (hold->record);
      hold->record = sb_hold_record_copy (record);
      /* A change logged before holds had accounts does not say: the hold keeps its own. */
      if (hold->record->account == NULL)
        hold->record->account = g_steal_pointer (&account);
      if (hold->record->event_id == NULL)
        hold->record->event_id = g_strdup (self->id);
      index_hold (self, hold);
      hold->expiry = g_sequence_insert_sorted (self->expiries, hold, compare_expiry, NULL);
      return;
    }

  hold = g_new0 (LiveHold, 1);
  hold->record = sb_hold_record_copy (record);
  /* The change may name the event implicitly; keep it explicit for welcome/snapshot JSON. */
  if (hold->record->event_id == NULL)
    hold->record->event_id = g_strdup (self->id);
  g_hash_table_insert (self->holds, g_strdup (record->hold_id), hold);
  hold->expiry = g_sequence_insert_sorted (self->expiries, hold, compare_expiry, NULL);

  index_hold (self, hold);
  g_hash_table_insert (self->hold_index, g_strdup (record->hold_id), self);
}

/* Expiry: a one-shot ready time at the earliest expiry, never a repeating timer, so an idle
 * event costs the main loop nothing. */

static void
arm_expiry (SbLiveEvent *self)
{
  if (self->expire_in_flight)
    return;

  GSequenceIter *first = g_sequence_get_begin_iter (self->expiries);
  if (g_sequence_iter_is_end (first))
    {
      g_source_set_ready_time (self->expiry_source, -1);
      return;
    }

  LiveHold *hold = g_sequence_get (first);
  gint64 now_ms = sb_now_ms ();
  gint64 due_ms = hold->record->expires_at_ms;

  /* The store judged this hold not expired at last_expire_now_ms; do not spin on it. */
  if (due_ms <= self->last_expire_now_ms)
    due_ms = MAX (due_ms, now_ms + 1000);

  gint64 delay_ms = MAX (0, due_ms - now_ms);
  g_source_set_ready_time (self->expiry_source, g_get_monotonic_time () + delay_ms * 1000);
}

static gboolean
expiry_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  SbLiveEvent *self = user_data;

  g_source_set_ready_time (source, -1);
  if (self->expire_in_flight)
    return G_SOURCE_CONTINUE;

  GSequenceIter *first = g_sequence_get_begin_iter (self->expiries);
  if (g_sequence_iter_is_end (first))
    return G_SOURCE_CONTINUE;

  LiveHold *hold = g_sequence_get (first);
  gint64 now_ms = sb_now_ms ();
  if (hold->record->expires_at_ms > now_ms)
    {
      /* Woken a little early (ready times are rounded by the main loop). */
      arm_expiry (self);
      return G_SOURCE_CONTINUE;
    }

  SbOp *op = sb_op_new (SB_OP_EXPIRE, self->id, NULL, NULL);
  op->now_ms = now_ms;
  self->expire_in_flight = TRUE;
  self->last_expire_now_ms = now_ms;
  self->hooks.submit (op, self->hooks.user_data);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs expiry_source_funcs = {
  .dispatch = expiry_dispatch,
};

void
sb_live_event_expire_done (SbLiveEvent *self)
{
  g_return_if_fail (SB_IS_LIVE_EVENT (self));

  self->expire_in_flight = FALSE;
  arm_expiry (self);
}

/* Seats and changes */

static void
mark_dirty (SbLiveEvent *self, guint index)
{
  if (!self->seat_dirty[index])
    {
      self->seat_dirty[index] = 1;
      g_array_append_val (self->dirty_seats, index);
    }
}

static void
set_seat (SbLiveEvent *self, guint index, SbSeatState state, const char *hold_id)
{
  SbSeatState old_state = self->seat_state[index];

  if (old_state == SB_SEAT_FREE && state != SB_SEAT_FREE)
    self->n_free--;
  else if (old_state != SB_SEAT_FREE && state == SB_SEAT_FREE)
    self->n_free++;
  self->seat_state[index] = (guint8) state;
  if (state != SB_SEAT_BOOKED)
    g_clear_pointer (&self->seat_booker[index], g_ref_string_release);

  if (g_strcmp0 (self->seat_hold[index], hold_id) != 0 || state != SB_SEAT_HELD)
    {
      g_clear_pointer (&self->seat_hold[index], g_free);
      if (state == SB_SEAT_HELD)
        self->seat_hold[index] = g_strdup (hold_id);
    }
}

static void
apply_one (SbLiveEvent *self, SbChange *change, gint64 committed_at_us)
{
  gboolean tracking = g_hash_table_size (self->subscribers) > 0;

  for (guint i = 0; change->ended_holds != NULL && change->ended_holds[i] != NULL; i++)
    remove_hold (self, change->ended_holds[i]);
  for (guint i = 0; change->holds != NULL && i < change->holds->len; i++)
    upsert_hold (self, g_ptr_array_index (change->holds, i));

  for (guint i = 0; change->seats != NULL && i < change->seats->len; i++)
    {
      SbSeatChange *seat = g_ptr_array_index (change->seats, i);
      guint index;

      if (!sb_venue_lookup_seat (self->venue, seat->seat_id, &index))
        {
          g_warning ("Event %s version %" G_GINT64_FORMAT ": unknown seat %s in a change", self->id,
                     change->version, seat->seat_id);
          continue;
        }
      set_seat (self, index, seat->state, seat->hold_id);
      if (tracking)
        mark_dirty (self, index);
    }

  if (tracking)
    {
      if (!self->dirty)
        {
          self->dirty = TRUE;
          self->dirty_from_version = self->version;
        }
      gint64 commit_us = committed_at_us;
      g_array_append_val (self->dirty_commit_us, commit_us);
    }

  self->version = change->version;

  guint slot = (guint) (change->version % SB_LIVE_EVENT_RING_SIZE);
  g_clear_pointer (&self->ring[slot], sb_change_free);
  self->ring[slot] = change;
  if (self->ring_count < SB_LIVE_EVENT_RING_SIZE)
    self->ring_count++;
}

/* A change stream delivers in order within milliseconds; a gap that outlives this was lost (a
 * change committed before the watch started, or a resume token the oplog no longer has). */
#define GAP_FILL_DELAY_MS 1000

static gboolean
gap_timeout_cb (gpointer user_data)
{
  SbLiveEvent *self = user_data;

  /* Asks again every GAP_FILL_DELAY_MS until the gap closes. */
  if (g_hash_table_size (self->pending) == 0)
    {
      self->gap_timeout_id = 0;
      return G_SOURCE_REMOVE;
    }
  g_debug ("Event %s: versions after %" G_GINT64_FORMAT " are missing; asking the store", self->id,
           self->version);
  self->hooks.gap (self, self->version, self->hooks.user_data);
  return G_SOURCE_CONTINUE;
}

static void
watch_for_gap (SbLiveEvent *self)
{
  if (g_hash_table_size (self->pending) == 0)
    g_clear_handle_id (&self->gap_timeout_id, g_source_remove);
  else if (self->gap_timeout_id == 0 && self->hooks.gap != NULL)
    self->gap_timeout_id = g_timeout_add (GAP_FILL_DELAY_MS, gap_timeout_cb, self);
}

void
sb_live_event_apply_change (SbLiveEvent *self, SbChange *change, gint64 committed_at_us)
{
  g_return_if_fail (SB_IS_LIVE_EVENT (self));
  g_return_if_fail (change != NULL);

  gboolean was_dirty = self->dirty;

  if (change->version <= self->version)
    {
      /* Already applied (e.g. our own change seen again through a watch). */
      sb_change_free (change);
      return;
    }
  if (change->version > self->version + 1)
    {
      /* A gap: hold it until the versions in between arrive. */
      PendingChange *pending = g_new0 (PendingChange, 1);
      pending->change = change;
      pending->committed_at_us = committed_at_us;
      g_hash_table_replace (self->pending, &change->version, pending);
      watch_for_gap (self);
      return;
    }

  apply_one (self, change, committed_at_us);
  for (;;)
    {
      gint64 next = self->version + 1;
      PendingChange *pending = g_hash_table_lookup (self->pending, &next);
      if (pending == NULL)
        break;
      g_hash_table_steal (self->pending, &next);
      apply_one (self, pending->change, pending->committed_at_us);
      g_free (pending);
    }
  watch_for_gap (self);

  arm_expiry (self);
  if (self->dirty && !was_dirty && self->hooks.dirty != NULL)
    self->hooks.dirty (self, self->hooks.user_data);
}

/* Broadcast */

gboolean
sb_live_event_is_dirty (SbLiveEvent *self)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), FALSE);
  return self->dirty || self->out_frame != NULL;
}

static void
clear_dirty (SbLiveEvent *self)
{
  for (guint i = 0; i < self->dirty_seats->len; i++)
    self->seat_dirty[g_array_index (self->dirty_seats, guint, i)] = 0;
  g_array_set_size (self->dirty_seats, 0);
  g_array_set_size (self->dirty_commit_us, 0);
  self->dirty = FALSE;
}

/* Serializes and frames the pending changes once, and takes the present subscribers as the
 * targets of that frame; memory's dirty state starts afresh for the changes that follow. */
static void
start_broadcast (SbLiveEvent *self)
{
  GString *out = g_string_sized_new (128 + 48 * self->dirty_seats->len);
  sb_changed_message_write_begin (out, self->id, self->dirty_from_version, self->version);
  for (guint i = 0; i < self->dirty_seats->len; i++)
    {
      guint index = g_array_index (self->dirty_seats, guint, i);
      sb_seat_update_write (out, sb_venue_get_seat (self->venue, index)->id,
                            self->seat_state[index], self->seat_hold[index]);
    }
  sb_changed_message_write_end (out);
  self->out_frame = sb_ws_frame_encode (SB_WS_OPCODE_TEXT, out->str, out->len);
  g_string_free (out, TRUE);

  /* A copy: sending may close a client that is too slow, which unsubscribes it. */
  self->out_targets = g_ptr_array_new_full (g_hash_table_size (self->subscribers), g_object_unref);
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, self->subscribers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (self->out_targets, g_object_ref (key));
  self->out_next = 0;
  g_array_append_vals (self->out_commit_us, self->dirty_commit_us->data,
                       self->dirty_commit_us->len);
  clear_dirty (self);
}

/* The frame has reached every target: its changes' broadcast lag can be observed. */
static void
finish_broadcast (SbLiveEvent *self, SbMetrics *metrics, GArray *commit_times)
{
  if (commit_times != NULL)
    g_array_append_vals (commit_times, self->out_commit_us->data, self->out_commit_us->len);
  else if (metrics != NULL)
    {
      gint64 now_us = g_get_monotonic_time ();
      for (guint i = 0; i < self->out_commit_us->len; i++)
        {
          gint64 commit_us = g_array_index (self->out_commit_us, gint64, i);
          if (commit_us > 0)
            sb_metrics_observe_broadcast_lag (metrics,
                                              (double) (now_us - commit_us) / G_USEC_PER_SEC);
        }
    }
  g_array_set_size (self->out_commit_us, 0);
  g_clear_pointer (&self->out_frame, g_bytes_unref);
  g_clear_pointer (&self->out_targets, g_ptr_array_unref);
}

guint
sb_live_event_flush (SbLiveEvent *self, SbMetrics *metrics, GArray *commit_times, guint budget)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), 0);

  guint sent = 0;
  while (budget > 0)
    {
      if (self->out_frame == NULL)
        {
          if (!self->dirty)
            break;
          if (g_hash_table_size (self->subscribers) == 0)
            {
              clear_dirty (self);
              break;
            }
          start_broadcast (self);
        }

      /* Each subscriber gets the frames of an event in version order: a frame is started only
       * once the previous one has reached every target (changes meanwhile are coalesced into the
       * next). A target that unsubscribed meanwhile is skipped: if it subscribed again, its reply
       * was built after a complete flush, so it is not in this frame's list. */
      while (self->out_next < self->out_targets->len && budget > 0)
        {
          SbSubscriber *subscriber = g_ptr_array_index (self->out_targets, self->out_next++);
          if (!g_hash_table_contains (self->subscribers, subscriber))
            continue;
          budget--;
          if (sb_subscriber_send_frame (subscriber, self->out_frame))
            sent++;
        }
      if (self->out_next < self->out_targets->len)
        break;
      finish_broadcast (self, metrics, commit_times);
    }

  if (metrics != NULL)
    sb_metrics_add_messages_sent (metrics, sent);
  return sent;
}

void
sb_live_event_add_subscriber (SbLiveEvent *self, SbSubscriber *subscriber)
{
  g_return_if_fail (SB_IS_LIVE_EVENT (self));
  g_return_if_fail (SB_IS_SUBSCRIBER (subscriber));

  /* The caller flushed before building the reply, so nothing pending predates this subscriber. */
  g_return_if_fail (!self->dirty && self->out_frame == NULL);

  if (!g_hash_table_contains (self->subscribers, subscriber))
    g_hash_table_add (self->subscribers, g_object_ref (subscriber));
}

void
sb_live_event_remove_subscriber (SbLiveEvent *self, SbSubscriber *subscriber)
{
  g_return_if_fail (SB_IS_LIVE_EVENT (self));

  g_hash_table_remove (self->subscribers, subscriber);
}

gboolean
sb_live_event_has_subscriber (SbLiveEvent *self, SbSubscriber *subscriber)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), FALSE);
  return g_hash_table_contains (self->subscribers, subscriber);
}

void
sb_live_event_append_summary (SbLiveEvent *self, GString *out)
{
  g_return_if_fail (SB_IS_LIVE_EVENT (self));

  sb_event_summary_write (out, self->id, self->name, sb_venue_get_name (self->venue),
                          sb_venue_get_id (self->venue), self->starts_at_ms, self->version,
                          self->n_seats, self->n_free, self->time_zone, self->sales_open_ms,
                          self->sales_close_ms);
}

gboolean
sb_live_event_set_sales_close (SbLiveEvent *self, gint64 sales_close_ms)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), FALSE);

  if (self->sales_close_ms == sales_close_ms)
    return FALSE;
  self->sales_close_ms = sales_close_ms;
  return TRUE;
}

/* Accessors */

const char *
sb_live_event_get_id (SbLiveEvent *self)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), NULL);
  return self->id;
}

const char *
sb_live_event_get_name (SbLiveEvent *self)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), NULL);
  return self->name;
}

gint64
sb_live_event_get_starts_at_ms (SbLiveEvent *self)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), 0);
  return self->starts_at_ms;
}

gint64
sb_live_event_get_version (SbLiveEvent *self)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), 0);
  return self->version;
}

SbVenue *
sb_live_event_get_venue (SbLiveEvent *self)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), NULL);
  return self->venue;
}

const char *
sb_live_event_get_time_zone (SbLiveEvent *self)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), NULL);
  return self->time_zone;
}

guint
sb_live_event_get_n_free (SbLiveEvent *self)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), 0);
  return self->n_free;
}

guint
sb_live_event_get_n_subscribers (SbLiveEvent *self)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), 0);
  return g_hash_table_size (self->subscribers);
}

const SbHoldRecord *
sb_live_event_lookup_hold (SbLiveEvent *self, const char *hold_id)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), NULL);

  LiveHold *hold = g_hash_table_lookup (self->holds, hold_id);
  return hold != NULL ? hold->record : NULL;
}

/* Life cycle */

static void
pending_change_free (gpointer data)
{
  PendingChange *pending = data;

  sb_change_free (pending->change);
  g_free (pending);
}

static void
sb_live_event_dispose (GObject *object)
{
  SbLiveEvent *self = SB_LIVE_EVENT (object);

  g_clear_handle_id (&self->gap_timeout_id, g_source_remove);
  g_clear_pointer (&self->out_frame, g_bytes_unref);
  g_clear_pointer (&self->out_targets, g_ptr_array_unref);
  if (self->expiry_source != NULL)
    {
      g_source_destroy (self->expiry_source);
      g_clear_pointer (&self->expiry_source, g_source_unref);
    }

  if (self->hold_index != NULL)
    {
      GHashTableIter iter;
      gpointer key;
      g_hash_table_iter_init (&iter, self->holds);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (g_hash_table_lookup (self->hold_index, key) == self)
          g_hash_table_remove (self->hold_index, key);
      g_clear_pointer (&self->hold_index, g_hash_table_unref);
    }

  if (self->subscribers != NULL)
    {
      /* Steal first, unref after: a client let go here unsubscribes itself from this table. */
      g_autoptr (GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
      GHashTableIter iter;
      gpointer key;
      g_hash_table_iter_init (&iter, self->subscribers);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          g_ptr_array_add (clients, key);
          g_hash_table_iter_steal (&iter);
        }
    }

  G_OBJECT_CLASS (sb_live_event_parent_class)->dispose (object);
}

static void
sb_live_event_finalize (GObject *object)
{
  SbLiveEvent *self = SB_LIVE_EVENT (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->time_zone);
  g_clear_object (&self->venue);
  g_free (self->seat_state);
  for (guint i = 0; self->seat_hold != NULL && i < self->n_seats; i++)
    g_free (self->seat_hold[i]);
  g_free (self->seat_hold);
  for (guint i = 0; self->seat_booker != NULL && i < self->n_seats; i++)
    g_clear_pointer (&self->seat_booker[i], g_ref_string_release);
  g_free (self->seat_booker);
  g_clear_pointer (&self->owners, sb_hold_owners_free);
  g_clear_pointer (&self->expiries, g_sequence_free);
  g_clear_pointer (&self->holds, g_hash_table_unref);
  if (self->ring != NULL)
    for (guint i = 0; i < SB_LIVE_EVENT_RING_SIZE; i++)
      g_clear_pointer (&self->ring[i], sb_change_free);
  g_free (self->ring);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->subscribers, g_hash_table_unref);
  g_clear_pointer (&self->dirty_seats, g_array_unref);
  g_clear_pointer (&self->dirty_commit_us, g_array_unref);
  g_clear_pointer (&self->out_commit_us, g_array_unref);
  g_free (self->seat_dirty);
  g_clear_pointer (&self->seats_json, g_bytes_unref);
  g_clear_pointer (&self->venue_json, g_bytes_unref);

  G_OBJECT_CLASS (sb_live_event_parent_class)->finalize (object);
}

static void
sb_live_event_class_init (SbLiveEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_live_event_dispose;
  object_class->finalize = sb_live_event_finalize;
}

static void
sb_live_event_init (SbLiveEvent *self)
{
  self->holds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, live_hold_free);
  self->owners = sb_hold_owners_new ();
  self->expiries = g_sequence_new (NULL);
  self->ring = g_new0 (SbChange *, SB_LIVE_EVENT_RING_SIZE);
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, pending_change_free);
  self->subscribers = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->dirty_seats = g_array_new (FALSE, FALSE, sizeof (guint));
  self->dirty_commit_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->out_commit_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->seats_json_version = -1;
}

SbLiveEvent *
sb_live_event_new (const SbEventRecord *record,
                   const SbEventState *state,
                   GHashTable *hold_index,
                   const SbLiveEventHooks *hooks,
                   GError **error)
{
  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (state != NULL, NULL);
  g_return_val_if_fail (hold_index != NULL, NULL);
  g_return_val_if_fail (hooks != NULL && hooks->submit != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autofree char *source_name = g_strdup_printf ("event %s", record->event_id);
  g_autoptr (SbVenue) venue = sb_venue_new_from_data (record->venue_json, -1, source_name, error);
  if (venue == NULL)
    return NULL;

  g_autoptr (SbLiveEvent) self = g_object_new (SB_TYPE_LIVE_EVENT, NULL);
  self->id = g_strdup (record->event_id);
  self->name = g_strdup (record->name);
  self->starts_at_ms = record->starts_at_ms;
  self->venue = g_steal_pointer (&venue);
  self->time_zone = g_strdup (record->time_zone);
  self->sales_open_ms = record->sales_open_ms;
  self->sales_close_ms = record->sales_close_ms;
  self->version = state->version;
  self->hold_index = g_hash_table_ref (hold_index);
  self->hooks = *hooks;

  self->n_seats = sb_venue_get_n_seats (self->venue);
  const char *venue_json = sb_venue_get_json_text (self->venue);
  self->venue_json = g_bytes_new_with_free_func (venue_json, strlen (venue_json), g_object_unref,
                                                 g_object_ref (self->venue));
  self->seat_state = g_new0 (guint8, self->n_seats);
  self->seat_hold = g_new0 (char *, self->n_seats);
  self->seat_booker = g_new0 (char *, self->n_seats);
  self->seat_dirty = g_new0 (guint8, self->n_seats);
  self->n_free = self->n_seats;
  for (guint i = 0; i < self->n_seats; i++)
    if (sb_venue_get_seat (self->venue, i)->blocked)
      set_seat (self, i, SB_SEAT_BLOCKED, NULL);

  for (guint i = 0; state->holds != NULL && i < state->holds->len; i++)
    upsert_hold (self, g_ptr_array_index (state->holds, i));
  for (guint i = 0; state->seats != NULL && i < state->seats->len; i++)
    {
      SbSeatChange *seat = g_ptr_array_index (state->seats, i);
      guint index;

      if (!sb_venue_lookup_seat (self->venue, seat->seat_id, &index))
        {
          g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                       "Event %s: the stored state names seat %s, which its venue lacks",
                       record->event_id, seat->seat_id);
          return NULL;
        }
      set_seat (self, index, seat->state, seat->hold_id);
    }

  self->expiry_source = g_source_new (&expiry_source_funcs, sizeof (GSource));
  g_source_set_callback (self->expiry_source, NULL, self, NULL);
  g_source_set_static_name (self->expiry_source, "SbLiveEvent expiry");
  g_source_attach (self->expiry_source, g_main_context_get_thread_default ());
  arm_expiry (self);

  return g_steal_pointer (&self);
}

SbSeatState
sb_live_event_get_seat_state (SbLiveEvent *self, guint index)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), SB_SEAT_FREE);
  g_return_val_if_fail (index < self->n_seats, SB_SEAT_FREE);

  return (SbSeatState) self->seat_state[index];
}

const char *
sb_live_event_get_seat_booker (SbLiveEvent *self, guint index)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), NULL);
  g_return_val_if_fail (index < self->n_seats, NULL);

  return self->seat_booker[index];
}

void
sb_live_event_note_booker (SbLiveEvent *self, const char *const *seat_ids, const char *client_id)
{
  g_return_if_fail (SB_IS_LIVE_EVENT (self));

  if (seat_ids == NULL || client_id == NULL)
    return;
  for (guint i = 0; seat_ids[i] != NULL; i++)
    {
      guint index;

      /* Only a seat memory already has as booked: a change still waiting behind a version gap
       * leaves the booker unknown, which only costs the fast path. */
      if (!sb_venue_lookup_seat (self->venue, seat_ids[i], &index)
          || self->seat_state[index] != SB_SEAT_BOOKED || self->seat_booker[index] != NULL)
        continue;
      self->seat_booker[index] = g_ref_string_new_intern (client_id);
    }
}
