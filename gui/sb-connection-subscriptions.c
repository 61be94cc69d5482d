/* sb-connection-subscriptions.c: SbConnection's subscriptions.
 *
 * An event stays subscribed across reconnects: after each welcome (and sign-in) the connection
 * subscribes again with the last version it has seen, so the server replays just what was
 * missed rather than sending a whole snapshot; a gap in the `changed` versions asks for exactly
 * what is missing. */
#include "config.h"

#include "sb-connection-private.h"

void
_sb_connection_subscription_free (Subscription *subscription)
{
  g_free (subscription->event_id);
  g_free (subscription);
}

void
_sb_connection_send_subscribe (SbConnection *self, Subscription *subscription)
{
  g_autoptr (SbRequest) request = sb_connection_new_request (self, SB_REQUEST_SUBSCRIBE);
  Pending *pending;

  request->event_id = g_strdup (subscription->event_id);
  /* With the version we have, the server replays just what we missed. */
  request->since = subscription->version;
  subscription->resyncing = TRUE;
  pending = _sb_connection_add_pending (self, request, NULL);
  _sb_connection_send_text (self, pending->text);
}

static Subscription *
subscription_for (SbConnection *self, const char *event_id)
{
  return event_id != NULL ? g_hash_table_lookup (self->subscriptions, event_id) : NULL;
}

static void
emit_holds (SbConnection *self, Subscription *subscription, GPtrArray *holds)
{
  if (holds != NULL)
    g_signal_emit (self, _sb_connection_signals[SIGNAL_HOLDS], 0, subscription->event_id, holds);
}

void
_sb_connection_handle_snapshot (SbConnection *self, SbSnapshotMessage *snapshot)
{
  Subscription *subscription = subscription_for (self, snapshot->event_id);

  if (subscription == NULL)
    return;

  subscription->version = snapshot->version;
  subscription->resyncing = FALSE;
  g_signal_emit (self, _sb_connection_signals[SIGNAL_SNAPSHOT], 0, subscription->event_id,
                 snapshot);
  emit_holds (self, subscription, snapshot->holds);
}

void
_sb_connection_handle_replay (SbConnection *self, SbReplayMessage *replay)
{
  Subscription *subscription = subscription_for (self, replay->event);

  if (subscription == NULL)
    return;

  for (guint i = 0; replay->changes != NULL && i < replay->changes->len; i++)
    {
      SbVersionChange *change = g_ptr_array_index (replay->changes, i);

      if (change->version <= subscription->version || change->seats == NULL)
        continue;
      subscription->version = change->version;
      g_signal_emit (self, _sb_connection_signals[SIGNAL_SEATS_CHANGED], 0, subscription->event_id,
                     change->seats, change->version);
    }
  subscription->version = replay->version;
  subscription->resyncing = FALSE;
  emit_holds (self, subscription, replay->holds);
}

void
_sb_connection_handle_changed (SbConnection *self, SbChangedMessage *changed)
{
  Subscription *subscription = subscription_for (self, changed->event);

  /* While a subscribe is in flight its reply covers everything up to its version. */
  if (subscription == NULL || subscription->resyncing || subscription->version < 0)
    return;

  if (changed->version <= subscription->version || changed->seats == NULL)
    return;
  if (changed->from_version != subscription->version)
    {
      /* We missed a version: ask for exactly what is missing. */
      g_debug (
          "Gap in event %s: have %" G_GINT64_FORMAT ", got %" G_GINT64_FORMAT "→%" G_GINT64_FORMAT,
          subscription->event_id, subscription->version, changed->from_version, changed->version);
      _sb_connection_send_subscribe (self, subscription);
      return;
    }

  subscription->version = changed->version;
  g_signal_emit (self, _sb_connection_signals[SIGNAL_SEATS_CHANGED], 0, subscription->event_id,
                 changed->seats, changed->version);
}

void
_sb_connection_resubscribe_all (SbConnection *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->subscriptions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    _sb_connection_send_subscribe (self, value);
}

void
_sb_connection_mark_resyncing (SbConnection *self, gboolean forget_versions)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->subscriptions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Subscription *subscription = value;

      subscription->resyncing = TRUE;
      if (forget_versions)
        subscription->version = -1;
    }
}

/* Public API */

void
sb_connection_subscribe (SbConnection *self, const char *event_id)
{
  Subscription *subscription;

  g_return_if_fail (SB_IS_CONNECTION (self));
  g_return_if_fail (event_id != NULL);

  subscription = g_hash_table_lookup (self->subscriptions, event_id);
  if (subscription == NULL)
    {
      subscription = g_new0 (Subscription, 1);
      subscription->event_id = g_strdup (event_id);
      subscription->version = -1;
      g_hash_table_insert (self->subscriptions, subscription->event_id, subscription);
    }
  else
    /* Asked again (the user reopened the event): a fresh snapshot redraws everything. */
    subscription->version = -1;

  if (_sb_connection_is_ready (self))
    _sb_connection_send_subscribe (self, subscription);
  else
    subscription->resyncing = TRUE;
}

void
sb_connection_unsubscribe (SbConnection *self, const char *event_id)
{
  g_autoptr (SbRequest) request = NULL;
  Pending *pending;

  g_return_if_fail (SB_IS_CONNECTION (self));
  g_return_if_fail (event_id != NULL);

  if (!g_hash_table_remove (self->subscriptions, event_id))
    return;
  if (!_sb_connection_is_ready (self))
    return;

  request = sb_connection_new_request (self, SB_REQUEST_UNSUBSCRIBE);
  request->event_id = g_strdup (event_id);
  pending = _sb_connection_add_pending (self, request, NULL);
  _sb_connection_send_text (self, pending->text);
}
