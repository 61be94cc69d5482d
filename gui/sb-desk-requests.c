/* sb-desk-requests.c: hold, best available, extend, book and release in the open event. Each reply
 * is recorded in the desk's holds before the caller hears of it, whether or not the caller is still
 * there. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-desk-private.h"

static SbMessageType
reply_type (SbRequestType type)
{
  switch (type)
    {
      case SB_REQUEST_HOLD:
      case SB_REQUEST_HOLD_BEST:
        return SB_MESSAGE_HELD;
      case SB_REQUEST_EXTEND:
        return SB_MESSAGE_EXTENDED;
      case SB_REQUEST_BOOK:
        return SB_MESSAGE_BOOKED;
      case SB_REQUEST_RELEASE:
      default:
        return SB_MESSAGE_RELEASED;
    }
}

static void
request_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SbErrorMessage) error_reply = NULL;
  g_autoptr (SbMessage) reply
      = sb_connection_send_finish (SB_CONNECTION (source), result, &error_reply, &error);
  SbDesk *self = g_task_get_source_object (task);
  SbRequestType type = GPOINTER_TO_INT (g_task_get_task_data (task));

  if (reply != NULL && reply->type != reply_type (type))
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 _ ("The server answered with “%s” instead of “%s”."),
                 sb_message_type_to_string (reply->type),
                 sb_message_type_to_string (reply_type (type)));
  if (error != NULL)
    {
      /* Before returning: the callback may run at once, and reads it. */
      if (error_reply != NULL)
        g_object_set_data_full (G_OBJECT (task), "error-reply", g_steal_pointer (&error_reply),
                                (GDestroyNotify) sb_error_message_free);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Recorded whether or not the caller is still there to hear of it: the holds are the desk's. */
  switch (reply->type)
    {
      case SB_MESSAGE_HELD:
      case SB_MESSAGE_EXTENDED:
        /* An extension replaces the hold with its new deadline. */
        _sb_desk_add_hold (self, &reply->hold->info);
        break;
      case SB_MESSAGE_BOOKED:
        _sb_desk_forget_seats (self, reply->booked->seats);
        break;
      case SB_MESSAGE_RELEASED:
        /* Some of its seats: the hold keeps the others (and ends when it has none). */
        if (reply->released->remaining_seats != NULL)
          _sb_desk_forget_seats (self, reply->released->seats);
        else if (reply->released->hold != NULL)
          g_hash_table_remove (self->holds, reply->released->hold);
        break;
      default:
        g_assert_not_reached ();
    }
  _sb_desk_holds_changed (self);
  g_task_return_pointer (task, g_steal_pointer (&reply), (GDestroyNotify) sb_message_free);
}

static void
send_request (SbDesk *self,
              SbRequest *request,
              GCancellable *cancellable,
              GAsyncReadyCallback callback,
              gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, send_request);
  g_task_set_task_data (task, GINT_TO_POINTER (request->type), NULL);
  sb_connection_send_async (self->connection, request, cancellable, request_done_cb, task);
}

void
sb_desk_hold_async (SbDesk *self,
                    const char *const *seat_ids,
                    GCancellable *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer user_data)
{
  sb_desk_hold_full_async (self, seat_ids, FALSE, cancellable, callback, user_data);
}

void
sb_desk_hold_full_async (SbDesk *self,
                         const char *const *seat_ids,
                         gboolean override_orphan_rule,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  SbRequest *request;

  g_return_if_fail (SB_IS_DESK (self));
  g_return_if_fail (self->event_id != NULL);
  g_return_if_fail (seat_ids != NULL && seat_ids[0] != NULL);

  request = sb_connection_new_request (self->connection, SB_REQUEST_HOLD);
  request->event_id = g_strdup (self->event_id);
  request->seats = g_strdupv ((char **) seat_ids);
  request->ttl_seconds = self->hold_seconds;
  request->override_orphan_rule = override_orphan_rule;
  send_request (self, request, cancellable, callback, user_data);
}

void
sb_desk_hold_best_async (SbDesk *self,
                         guint count,
                         const char *category_id,
                         gint64 max_price,
                         gboolean together,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  sb_desk_hold_best_full_async (self, count, category_id, max_price, together, FALSE, cancellable,
                                callback, user_data);
}

void
sb_desk_hold_best_full_async (SbDesk *self,
                              guint count,
                              const char *category_id,
                              gint64 max_price,
                              gboolean together,
                              gboolean override_orphan_rule,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  SbRequest *request;

  g_return_if_fail (SB_IS_DESK (self));
  g_return_if_fail (self->event_id != NULL);
  g_return_if_fail (count >= 1 && count <= SB_MAX_SEATS_PER_REQUEST);

  request = sb_connection_new_request (self->connection, SB_REQUEST_HOLD_BEST);
  request->event_id = g_strdup (self->event_id);
  request->count = (gint) count;
  if (category_id != NULL)
    request->categories = g_strdupv ((char *[]){ (char *) category_id, NULL });
  request->max_price = max_price >= 0 ? max_price : -1;
  request->apart = !together;
  request->ttl_seconds = self->hold_seconds;
  request->override_orphan_rule = override_orphan_rule;
  send_request (self, request, cancellable, callback, user_data);
}

void
sb_desk_extend_async (SbDesk *self,
                      const char *hold_id,
                      GCancellable *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer user_data)
{
  SbRequest *request;

  g_return_if_fail (SB_IS_DESK (self));
  g_return_if_fail (hold_id != NULL);

  request = sb_connection_new_request (self->connection, SB_REQUEST_EXTEND);
  request->hold_id = g_strdup (hold_id);
  request->ttl_seconds = self->hold_seconds;
  send_request (self, request, cancellable, callback, user_data);
}

void
sb_desk_book_async (SbDesk *self,
                    const char *hold_id,
                    const char *const *seat_ids,
                    GCancellable *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer user_data)
{
  sb_desk_book_full_async (self, hold_id, seat_ids, FALSE, NULL, cancellable, callback, user_data);
}

void
sb_desk_book_full_async (SbDesk *self,
                         const char *hold_id,
                         const char *const *seat_ids,
                         gboolean override_orphan_rule,
                         const SbCustomer *customer,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  SbRequest *request;

  g_return_if_fail (SB_IS_DESK (self));
  g_return_if_fail ((hold_id != NULL) != (seat_ids != NULL && seat_ids[0] != NULL));
  g_return_if_fail (hold_id != NULL || self->event_id != NULL);

  request = sb_connection_new_request (self->connection, SB_REQUEST_BOOK);
  if (hold_id != NULL)
    request->hold_id = g_strdup (hold_id);
  else
    {
      request->event_id = g_strdup (self->event_id);
      request->seats = g_strdupv ((char **) seat_ids);
      /* A booking by hold takes no seat: the rule judged the hold. */
      request->override_orphan_rule = override_orphan_rule;
    }
  if (customer != NULL)
    request->customer = sb_customer_copy (customer);
  send_request (self, request, cancellable, callback, user_data);
}

void
sb_desk_release_async (SbDesk *self,
                       const char *hold_id,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer user_data)
{
  SbRequest *request;

  g_return_if_fail (SB_IS_DESK (self));
  g_return_if_fail (hold_id != NULL);

  request = sb_connection_new_request (self->connection, SB_REQUEST_RELEASE);
  request->hold_id = g_strdup (hold_id);
  send_request (self, request, cancellable, callback, user_data);
}

void
sb_desk_release_seats_async (SbDesk *self,
                             const char *hold_id,
                             const char *const *seat_ids,
                             gboolean override_orphan_rule,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  SbRequest *request;

  g_return_if_fail (SB_IS_DESK (self));
  g_return_if_fail (hold_id != NULL);
  g_return_if_fail (seat_ids != NULL && seat_ids[0] != NULL);

  request = sb_connection_new_request (self->connection, SB_REQUEST_RELEASE);
  request->hold_id = g_strdup (hold_id);
  request->seats = g_strdupv ((char **) seat_ids);
  request->override_orphan_rule = override_orphan_rule;
  send_request (self, request, cancellable, callback, user_data);
}

SbMessage *
sb_desk_request_finish (SbDesk *self,
                        GAsyncResult *result,
                        SbErrorMessage **out_error_reply,
                        GError **error)
{
  SbErrorMessage *error_reply;

  g_return_val_if_fail (SB_IS_DESK (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  error_reply = g_object_get_data (G_OBJECT (result), "error-reply");
  if (out_error_reply != NULL)
    *out_error_reply = error_reply != NULL ? sb_error_message_copy (error_reply) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}
