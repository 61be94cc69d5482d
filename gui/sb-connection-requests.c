/* sb-connection-requests.c: SbConnection's pending requests.
 *
 * Every request goes into `pending` until a reply carrying its id arrives; the user's are
 * re-sent with their original ids after a reconnect (the server answers a repeated id with the
 * first outcome, so nothing is done twice), rate_limited and unavailable replies are retried
 * after a pause, and the rest end the request's GTask. The connection's own requests (hello,
 * ping, subscribe, sign_in) have no task and are made afresh on every socket. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "sb-connection-private.h"
#include "sb-protocol.h"

void
_sb_connection_pending_free (Pending *pending)
{
  g_clear_handle_id (&pending->retry_source, g_source_remove);
  g_clear_object (&pending->task);
  g_free (pending->id);
  /* A sign_in's text carries a password or token: not left behind in freed memory. */
  if (pending->type == SB_REQUEST_SIGN_IN)
    memset (pending->text, 0, strlen (pending->text));
  g_free (pending->text);
  g_free (pending->event_id);
  g_free (pending);
}

void
_sb_connection_remove_pending (SbConnection *self, Pending *pending)
{
  g_queue_remove (&self->pending_order, pending);
  g_hash_table_remove (self->pending, pending->id); /* frees it */
}

Pending *
_sb_connection_add_pending (SbConnection *self, SbRequest *request, GTask *task)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->id = g_strdup (request->id);
  pending->text = sb_request_to_json (request);
  pending->type = request->type;
  pending->event_id = g_strdup (request->event_id);
  pending->task = task;
  g_hash_table_insert (self->pending, pending->id, pending);
  g_queue_push_tail (&self->pending_order, pending);
  return pending;
}

static gboolean
resend_cb (gpointer data)
{
  Pending *pending = data;
  SbConnection *self = g_task_get_source_object (pending->task);

  pending->retry_source = 0;
  if (_sb_connection_is_ready (self))
    _sb_connection_send_text (self, pending->text);
  /* Otherwise the reconnect re-sends it. */
  return G_SOURCE_REMOVE;
}

/* Ends pending with reply (taking it). */
void
_sb_connection_complete_pending (SbConnection *self, Pending *pending, SbMessage *reply)
{
  g_autoptr (SbMessage) owned = reply;
  GTask *task = pending->task ? g_object_ref (pending->task) : NULL;

  if (reply->type == SB_MESSAGE_ERROR)
    {
      SbErrorMessage *error_reply = reply->error;
      SbErrorCode code = error_reply->code;
      const char *text
          = error_reply->message != NULL ? error_reply->message : sb_error_code_to_string (code);

      /* These mean "not done, ask again with the same id": do that, invisibly, a few times. */
      if (task != NULL && pending->attempts < MAX_RETRIES
          && (code == SB_ERROR_RATE_LIMITED || code == SB_ERROR_UNAVAILABLE
              || code == SB_ERROR_INTERNAL))
        {
          gint64 wait_ms = error_reply->retry_after_ms;

          if (wait_ms <= 0)
            wait_ms = (gint64) BACKOFF_BASE_MS << pending->attempts;
          pending->attempts++;
          g_clear_handle_id (&pending->retry_source, g_source_remove);
          pending->retry_source
              = g_timeout_add ((guint) MIN (wait_ms, BACKOFF_MAX_MS), resend_cb, pending);
          g_object_unref (task);
          return;
        }

      if (pending->type == SB_REQUEST_SUBSCRIBE && pending->event_id != NULL)
        {
          g_autoptr (GError) error = g_error_new_literal (SB_PROTOCOL_ERROR, code, text);
          g_autofree char *event_id = g_strdup (pending->event_id);

          g_hash_table_remove (self->subscriptions, event_id);
          _sb_connection_remove_pending (self, pending);
          g_signal_emit (self, _sb_connection_signals[SIGNAL_SUBSCRIPTION_FAILED], 0, event_id,
                         error);
          return;
        }

      _sb_connection_remove_pending (self, pending);
      if (task != NULL)
        {
          g_autofree char *message = g_strdup (text); /* text belongs to the error reply */

          /* Before returning: the callback may run at once, and reads it. */
          g_task_set_task_data (task, g_steal_pointer (&reply->error),
                                (GDestroyNotify) sb_error_message_free);
          g_task_return_new_error (task, SB_PROTOCOL_ERROR, code, "%s", message);
          g_object_unref (task);
        }
      return;
    }

  _sb_connection_remove_pending (self, pending);
  if (task != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&owned), (GDestroyNotify) sb_message_free);
      g_object_unref (task);
    }
}

void
_sb_connection_resend_pending (SbConnection *self)
{
  /* Our own requests that had no reply, in their original order and with their original ids. */
  for (GList *l = self->pending_order.head; l != NULL; l = l->next)
    {
      Pending *pending = l->data;

      if (pending->task != NULL)
        _sb_connection_send_text (self, pending->text);
    }
}

void
_sb_connection_drop_own_pending (SbConnection *self)
{
  GList *l = self->pending_order.head;

  while (l != NULL)
    {
      Pending *pending = l->data;

      l = l->next;
      if (pending->task == NULL)
        _sb_connection_remove_pending (self, pending);
      else
        g_clear_handle_id (&pending->retry_source, g_source_remove);
    }
}

void
_sb_connection_fail_pending (SbConnection *self)
{
  while (!g_queue_is_empty (&self->pending_order))
    {
      Pending *pending = g_queue_peek_head (&self->pending_order);
      GTask *task = pending->task ? g_object_ref (pending->task) : NULL;

      _sb_connection_remove_pending (self, pending);
      if (task != NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                   _ ("The connection was closed."));
          g_object_unref (task);
        }
    }
}

/* Public API */

SbRequest *
sb_connection_new_request (SbConnection *self, SbRequestType type)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (SB_IS_CONNECTION (self), NULL);

  id = g_strdup_printf ("%s-%" G_GUINT64_FORMAT, self->id_prefix, ++self->next_id);
  return sb_request_new (type, id);
}

void
sb_connection_send_async (SbConnection *self,
                          SbRequest *request,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (SbRequest) owned = request;
  GTask *task;
  Pending *pending;

  g_return_if_fail (SB_IS_CONNECTION (self));
  g_return_if_fail (request != NULL && request->id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sb_connection_send_async);
  pending = _sb_connection_add_pending (self, owned, task);
  /* Before welcome (and before signed_in, on a server with accounts) the request waits;
   * handle_welcome or handle_signed_in sends it. */
  if (_sb_connection_is_ready (self))
    _sb_connection_send_text (self, pending->text);
}

SbMessage *
sb_connection_send_finish (SbConnection *self,
                           GAsyncResult *result,
                           SbErrorMessage **out_error_reply,
                           GError **error)
{
  SbErrorMessage *error_reply;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  error_reply = g_task_get_task_data (G_TASK (result));
  if (out_error_reply != NULL)
    *out_error_reply = error_reply != NULL ? sb_error_message_copy (error_reply) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}
