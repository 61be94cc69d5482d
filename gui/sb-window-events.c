/* sb-window-events.c: "New Event…" and "Close Sales…" (issue 11 item 6), win.new-event and
 * win.close-sales, for managers and administrators (SB_PERMISSION_EVENTS).
 *
 * Both are in the main menu, beside Unblock Seats…, as buttons of ours that are insensitive with
 * the reason in their tooltip and accessible description (a GMenu item cannot carry a tooltip in
 * GTK 4.8): not a manager, offline, or (Close Sales…) no event open. A new event comes into every
 * desk's list through the server's unasked `events`; this window then selects it, which opens it.
 * Closing sales cannot be undone over the protocol, so it asks first. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-event-dialog.h"
#include "sb-permissions.h"
#include "sb-protocol.h"
#include "sb-window-private.h"

void
_sb_window_events_update (SbWindow *self, gboolean has_map, gboolean connected, const char *role)
{
  const char *refusal = sb_permission_get_refusal (role, SB_PERMISSION_EVENTS);
  const char *offline = connected ? NULL : gtk_label_get_label (self->offline_label);
  const char *new_why = refusal != NULL ? refusal : offline;
  const char *close_why = NULL;

  if (self->new_event_button == NULL) /* before _sb_window_events_init () */
    return;
  _sb_window_set_action_enabled (self, "new-event", new_why == NULL);
  _sb_window_set_reason (
      self->new_event_button, new_why,
      _ ("Create an event in a venue of the server or from a venue file, with its date and sales "
         "window"));

  /* The role's refusal first: reconnecting will not change it. */
  if (refusal != NULL)
    close_why = refusal;
  else if (!has_map)
    close_why = _ ("Open an event to close its sales");
  else if (offline != NULL)
    close_why = offline;
  _sb_window_set_action_enabled (self, "close-sales", close_why == NULL);
  _sb_window_set_reason (self->close_sales_button, close_why,
                         _ ("End the open event's sales now: no more holds or bookings"));

  /* A question about another event (or none) would close the wrong one. */
  if (self->close_sales_dialog != NULL && close_why != NULL)
    gtk_window_destroy (GTK_WINDOW (self->close_sales_dialog));
}

/* Selecting the row opens the event, as a click on it would. */
static gboolean
select_event (SbWindow *self, const char *event_id)
{
  guint position;
  GtkListBoxRow *row;

  if (sb_desk_lookup_event (self->desk, event_id, &position) == NULL)
    return FALSE;
  row = gtk_list_box_get_row_at_index (self->events_list, (int) position);
  if (row == NULL)
    return FALSE;
  if (!gtk_list_box_row_is_selected (row))
    gtk_list_box_select_row (self->events_list, row);
  return TRUE;
}

void
_sb_window_events_listed (SbWindow *self)
{
  if (self->select_when_listed != NULL && select_event (self, self->select_when_listed))
    g_clear_pointer (&self->select_when_listed, g_free);
}

static void
created_cb (SbEventDialog *dialog, const char *event_id, SbWindow *self)
{
  /* Translators: %s is the new event's id */
  g_autofree char *message = g_strdup_printf (_ ("Event “%s” created."), event_id);

  /* The server's unasked `events` usually comes before the reply: else it brings the event. */
  g_free (self->select_when_listed);
  self->select_when_listed = g_strdup (event_id);
  _sb_window_events_listed (self);
  _sb_window_show_message (self, message);
}

static void
new_event_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  SbEventItem *current;

  /* A button of ours in the menu does not close it as the menu's own items do. */
  gtk_menu_button_popdown (self->menu_button);
  if (self->event_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->event_dialog));
      return;
    }
  current = sb_desk_lookup_event (self->desk, sb_desk_get_event_id (self->desk), NULL);
  self->event_dialog = sb_event_dialog_new (
      GTK_WINDOW (self), sb_desk_get_connection (self->desk), sb_desk_get_events (self->desk),
      current != NULL ? sb_event_item_get_venue_id (current) : NULL);
  g_object_add_weak_pointer (G_OBJECT (self->event_dialog), (gpointer *) &self->event_dialog);
  g_signal_connect_object (self->event_dialog, "created", G_CALLBACK (created_cb), self, 0);
  gtk_window_present (GTK_WINDOW (self->event_dialog));
}

static void
sales_closed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbErrorMessage) error_reply = NULL;
  g_autoptr (SbMessage) reply
      = sb_connection_send_finish (SB_CONNECTION (source), result, &error_reply, &error);
  SbWindow *self;
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;
  g_autofree char *when = NULL;
  g_autofree char *message = NULL;
  SbEventItem *item;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the window is gone */
  self = SB_WINDOW (data);
  if (reply == NULL)
    {
      if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_FORBIDDEN))
        _sb_window_show_message (self, _ ("Only managers can create events and close sales."));
      else
        _sb_window_show_request_error (self, error, error_reply);
      return;
    }
  if (reply->type != SB_MESSAGE_SALES_CLOSED)
    {
      _sb_window_show_message (self, _ ("The server answered with something else."));
      return;
    }
  item = sb_desk_lookup_event (self->desk, reply->sales_closed->event, NULL);
  utc = g_date_time_new_from_unix_utc (reply->sales_closed->sales_close / 1000);
  local = utc != NULL ? g_date_time_to_local (utc) : NULL;
  when = local != NULL ? g_date_time_format (local, "%x %X") : g_strdup ("");
  message = g_strdup_printf (
      /* Translators: %1$s is the event's name, %2$s the date and time its sales closed */
      _ ("Sales for %1$s closed at %2$s: its seats can no longer be held or booked."),
      item != NULL ? sb_event_item_get_name (item) : reply->sales_closed->event, when);
  _sb_window_show_message (self, message);
}

static void
close_sales_response_cb (AdwMessageDialog *dialog, const char *response, gpointer data)
{
  SbWindow *self = SB_WINDOW (data);
  const char *event_id = g_object_get_data (G_OBJECT (dialog), "event-id");
  SbRequest *request;

  if (g_strcmp0 (response, "close") != 0 || event_id == NULL)
    return;
  request = sb_connection_new_request (sb_desk_get_connection (self->desk), SB_REQUEST_CLOSE_SALES);
  request->event_id = g_strdup (event_id);
  sb_connection_send_async (sb_desk_get_connection (self->desk), request, self->cancellable,
                            sales_closed_cb, self);
}

static void
close_sales_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  const char *event_id = sb_desk_get_event_id (self->desk);
  SbEventItem *item = sb_desk_lookup_event (self->desk, event_id, NULL);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  gtk_menu_button_popdown (self->menu_button);
  if (event_id == NULL || self->close_sales_dialog != NULL)
    return;
  body = g_strdup_printf (
      /* Translators: %s is the event's name */
      _ ("No more seats of %s can be held or booked, at any desk. Holds not booked yet can no "
         "longer be booked. Sales cannot be reopened."),
      item != NULL ? sb_event_item_get_name (item) : event_id);
  dialog
      = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _ ("Close Sales?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "close", _ ("C_lose Sales"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "close", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "event-id", g_strdup (event_id), g_free);
  self->close_sales_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->close_sales_dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_sales_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry events_actions[] = {
  { "new-event", new_event_action },
  { "close-sales", close_sales_action },
};

void
_sb_window_events_init (SbWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), events_actions,
                                   G_N_ELEMENTS (events_actions), self);
  self->new_event_button
      = _sb_window_add_menu_button (self, _ ("_New Event…"), "win.new-event", "new-event");
  self->close_sales_button
      = _sb_window_add_menu_button (self, _ ("_Close Sales…"), "win.close-sales", "close-sales");
}

void
_sb_window_events_dispose (SbWindow *self)
{
  if (self->event_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->event_dialog),
                                    (gpointer *) &self->event_dialog);
      gtk_window_destroy (GTK_WINDOW (self->event_dialog));
      self->event_dialog = NULL;
    }
  if (self->close_sales_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->close_sales_dialog),
                                    (gpointer *) &self->close_sales_dialog);
      gtk_window_destroy (GTK_WINDOW (self->close_sales_dialog));
      self->close_sales_dialog = NULL;
    }
  g_clear_pointer (&self->select_when_listed, g_free);
}
