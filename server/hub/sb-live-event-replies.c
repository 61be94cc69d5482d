/* sb-live-event-replies.c: what a live event tells a subscriber about itself: the snapshot (its
 * seat list cached per version, the venue shared), a replay from the ring or the store's older
 * changes, and a desk's or an account's holds (sb-live-event.h). */
#include "sb-live-event-private.h"

#include "sb-message.h"

static GBytes *
seats_json (SbLiveEvent *self)
{
  if (self->seats_json != NULL && self->seats_json_version == self->version)
    return self->seats_json;

  GString *out = g_string_sized_new (64 + 40 * (self->n_seats - self->n_free));
  g_string_append_c (out, '[');
  for (guint i = 0; i < self->n_seats; i++)
    {
      if (self->seat_state[i] != SB_SEAT_FREE)
        sb_seat_update_write (out, sb_venue_get_seat (self->venue, i)->id, self->seat_state[i],
                              self->seat_hold[i]);
    }
  g_string_append_c (out, ']');

  g_clear_pointer (&self->seats_json, g_bytes_unref);
  self->seats_json = g_string_free_to_bytes (out);
  self->seats_json_version = self->version;
  return self->seats_json;
}

static void
append_holds_of (GHashTable *set, GString *out, gint64 now_ms)
{
  if (set == NULL)
    return;

  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const SbHoldRecord *hold = ((LiveHold *) key)->record;
      sb_hold_info_write (out, hold->hold_id, hold->event_id, (const char *const *) hold->seat_ids,
                          hold->expires_at_ms, now_ms);
    }
}

void
sb_live_event_append_client_holds (SbLiveEvent *self,
                                   GString *out,
                                   const char *client_id,
                                   gint64 now_ms)
{
  g_return_if_fail (SB_IS_LIVE_EVENT (self));

  append_holds_of (sb_hold_owners_of_desk (self->owners, client_id), out, now_ms);
}

void
sb_live_event_append_account_holds (SbLiveEvent *self,
                                    GString *out,
                                    const char *account,
                                    gint64 now_ms)
{
  g_return_if_fail (SB_IS_LIVE_EVENT (self));

  append_holds_of (sb_hold_owners_of_account (self->owners, account), out, now_ms);
}

/* The holds a subscriber is told about: its account's when signed in, else its desk's. */
static void
append_own_holds (
    SbLiveEvent *self, GString *out, const char *client_id, const char *account, gint64 now_ms)
{
  if (account != NULL)
    append_holds_of (sb_hold_owners_of_account (self->owners, account), out, now_ms);
  else
    append_holds_of (sb_hold_owners_of_desk (self->owners, client_id), out, now_ms);
}

GPtrArray *
sb_live_event_build_snapshot (SbLiveEvent *self,
                              const char *re,
                              const char *client_id,
                              const char *account,
                              const char *reason)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), NULL);

  static const char seats_member[] = SB_SNAPSHOT_SEATS_MEMBER;
  GPtrArray *parts = g_ptr_array_new_full (5, (GDestroyNotify) g_bytes_unref);
  gint64 now_ms = sb_now_ms ();
  GString *out = g_string_sized_new (256);

  sb_snapshot_message_write_head (out, re, self->id, self->name, self->starts_at_ms, self->version,
                                  now_ms);
  g_ptr_array_add (parts, g_string_free_to_bytes (out));
  /* The venue (409 KB for the arena) and the seat list are shared, not copied per subscriber. */
  g_ptr_array_add (parts, g_bytes_ref (self->venue_json));
  g_ptr_array_add (parts, g_bytes_new_static (seats_member, sizeof seats_member - 1));
  g_ptr_array_add (parts, g_bytes_ref (seats_json (self)));

  out = g_string_sized_new (64);
  sb_snapshot_message_write_holds_begin (out);
  append_own_holds (self, out, client_id, account, now_ms);
  sb_snapshot_message_write_end (out, reason);
  g_ptr_array_add (parts, g_string_free_to_bytes (out));
  return parts;
}

gboolean
sb_live_event_can_replay (SbLiveEvent *self, gint64 since)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), FALSE);

  return since >= 0 && since <= self->version && since >= self->version - (gint64) self->ring_count;
}

static const SbChange *
find_change (SbLiveEvent *self, gint64 version, GPtrArray *older_changes)
{
  if (version > self->version - (gint64) self->ring_count)
    return self->ring[version % SB_LIVE_EVENT_RING_SIZE];

  if (older_changes == NULL || older_changes->len == 0)
    return NULL;

  /* The store returns consecutive versions; index directly, then check. */
  const SbChange *first = g_ptr_array_index (older_changes, 0);
  gint64 offset = version - first->version;
  if (offset < 0 || offset >= (gint64) older_changes->len)
    return NULL;
  const SbChange *change = g_ptr_array_index (older_changes, offset);
  return change->version == version ? change : NULL;
}

char *
sb_live_event_build_replay (SbLiveEvent *self,
                            const char *re,
                            gint64 since,
                            GPtrArray *older_changes,
                            const char *client_id,
                            const char *account)
{
  g_return_val_if_fail (SB_IS_LIVE_EVENT (self), NULL);

  if (since < 0 || since > self->version)
    return NULL;

  gint64 now_ms = sb_now_ms ();
  GString *out = g_string_sized_new (256);

  sb_replay_message_write_begin (out, re, self->id, since, self->version, now_ms);
  for (gint64 v = since + 1; v <= self->version; v++)
    {
      const SbChange *change = find_change (self, v, older_changes);
      if (change == NULL)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      sb_version_change_write_begin (out, v);
      for (guint i = 0; change->seats != NULL && i < change->seats->len; i++)
        {
          const SbSeatChange *seat = g_ptr_array_index (change->seats, i);
          sb_seat_update_write (out, seat->seat_id, seat->state, seat->hold_id);
        }
      sb_version_change_write_end (out);
    }
  sb_replay_message_write_holds_begin (out);
  append_own_holds (self, out, client_id, account, now_ms);
  sb_replay_message_write_end (out);
  return g_string_free (out, FALSE);
}
