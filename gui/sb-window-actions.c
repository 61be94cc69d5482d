/* sb-window-actions.c: what the window's actions do (win.hold, win.book, win.release, win.extend,
 * zoom, reconnect, refresh) and when they are enabled (win.best-available too, which is in
 * sb-window-best.c). The desk sends the requests and records their
 * outcome; the window tells the user. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-audit-dialog.h"
#include "sb-permissions.h"
#include "sb-protocol.h"
#include "sb-ticket-print.h"
#include "sb-util.h"
#include "sb-window-private.h"

void
_sb_window_set_action_enabled (SbWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
_sb_window_set_reason (GtkWidget *widget, const char *why_not, const char *what)
{
  /* Insensitive, with the reason where the pointer and screen readers find it. */
  gtk_widget_set_tooltip_text (widget, why_not != NULL ? why_not : what);
  if (why_not != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    why_not, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* A seat's history needs a server with accounts (the `audit` request came with them) and a
 * manager: without accounts the button is not there at all; a lesser role sees why not. */
static void
update_history (SbWindow *self, gboolean has_map, const char *role)
{
  gboolean accounts
      = self->desk != NULL && sb_connection_get_accounts (sb_desk_get_connection (self->desk));
  gboolean may_audit = role != NULL && sb_permission_granted (role, SB_PERMISSION_AUDIT);
  const char *refusal = role != NULL ? sb_permission_get_refusal (role, SB_PERMISSION_AUDIT) : NULL;

  _sb_window_set_action_enabled (self, "seat-history", accounts && may_audit && has_map);
  gtk_widget_set_visible (self->history_button, accounts);
  gtk_widget_set_tooltip_text (self->history_button,
                               refusal != NULL ? refusal
                                               : _ ("History of the seat last chosen or reached "
                                                    "with the keyboard (Ctrl+I)"));
}

void
_sb_window_actions_update (SbWindow *self)
{
  gboolean has_map = sb_seat_map_get_venue (self->seat_map) != NULL && self->desk != NULL
                     && sb_desk_get_event_id (self->desk) != NULL;
  g_autoptr (GArray) unheld = _sb_window_unheld_selection (self);
  guint selected = sb_seat_map_get_selection (self->seat_map)->len;
  guint holds = has_map ? sb_desk_get_n_event_holds (self->desk) : 0;
  gboolean idle = self->busy == 0;
  gboolean connected
      = self->desk != NULL
        && sb_connection_get_state (sb_desk_get_connection (self->desk)) == SB_CONNECTION_CONNECTED;
  const char *role
      = self->desk != NULL ? sb_connection_get_role (sb_desk_get_connection (self->desk)) : NULL;
  gboolean may_sell = sb_permission_granted (role, SB_PERMISSION_SELL);
  /* The role's refusal first: reconnecting will not change it. */
  const char *why_not = !may_sell   ? sb_permission_get_refusal (role, SB_PERMISSION_SELL)
                        : connected ? NULL
                                    : gtk_label_get_label (self->offline_label);

  /* Offline, a request would wait for the connection and could be done long after the customer
   * has gone: the buttons wait instead, and say why. Choosing seats goes on. */
  /* Seats already ours are not held again: Hold is for the chosen seats that are not. */
  _sb_window_set_action_enabled (self, "hold",
                                 may_sell && has_map && idle && connected && unheld->len > 0);
  _sb_window_set_action_enabled (
      self, "book", may_sell && has_map && idle && connected && (selected > 0 || holds > 0));
  _sb_window_set_action_enabled (
      self, "release", may_sell && has_map && idle && connected && (selected > 0 || holds > 0));
  _sb_window_set_action_enabled (self, "extend",
                                 may_sell && has_map && idle && connected && holds > 0);
  _sb_window_set_action_enabled (self, "release-seat",
                                 may_sell && has_map && idle && connected && holds > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->offline_label), has_map && !connected);
  _sb_window_set_reason (self->hold_button, why_not, NULL);
  _sb_window_set_reason (self->book_button, why_not, NULL);
  gtk_widget_set_tooltip_text (self->release_button, may_sell ? NULL : why_not);
  _sb_window_best_update (self, may_sell && has_map && idle && connected, has_map ? why_not : NULL);
  update_history (self, has_map, role);
  _sb_window_block_update (self, has_map, connected, role);
  _sb_window_events_update (self, has_map, connected, role);
  /* The box office (a server with accounts) books for a named customer (issue 11). */
  sb_customer_form_set_name_required (
      self->customer_form,
      self->desk != NULL && sb_connection_get_accounts (sb_desk_get_connection (self->desk)));
  sb_bookings_page_set_role (self->bookings_page, role);
  /* A page that would only say "forbidden" is not offered (the server decides with accounts
   * off). */
  adw_view_stack_page_set_visible (self->reports_stack_page,
                                   sb_permission_granted (role, SB_PERMISSION_REPORTS));
  adw_view_switcher_title_set_view_switcher_enabled (self->window_title, has_map);
  _sb_window_set_action_enabled (self, "zoom-in", has_map);
  _sb_window_set_action_enabled (self, "zoom-out", has_map);
  _sb_window_set_action_enabled (self, "zoom-fit", has_map);
  gtk_widget_set_visible (GTK_WIDGET (self->zoom_label), has_map);
}

/* Requests */

/* Hold, book and release are counted in self->busy, which keeps their actions disabled until
 * the reply: one more click cannot send the same request twice. */
void
_sb_window_request_started (SbWindow *self)
{
  self->busy++;
  _sb_window_actions_update (self);
}

typedef enum
{
  FINISH_NONE = 0,
  /* A release: not_found or hold_expired means the hold had ended anyway (expired, booked
   * elsewhere); nothing to tell. */
  FINISH_QUIET_IF_HOLD_GONE = 1 << 0,
  /* A hold or booking by seats: the orphan rule's refusal comes with "Hold Anyway" or "Book
   * Anyway" for those who may (sb-window-anyway.c). */
  FINISH_OFFER_ANYWAY = 1 << 1,
  /* A booking: a refusal naming a field of the customer is shown under that field. */
  FINISH_CUSTOMER = 1 << 2,
} FinishFlags;

SbMessage *
_sb_window_request_finish (GObject *source,
                           GAsyncResult *result,
                           gpointer data,
                           GError **error,
                           SbErrorMessage **out_error_reply)
{
  g_autoptr (GError) local_error = NULL;
  SbMessage *reply
      = sb_desk_request_finish (SB_DESK (source), result, out_error_reply, &local_error);
  SbWindow *self;

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  self = SB_WINDOW (data);
  g_assert (self->busy > 0);
  self->busy--;
  /* The message about this outcome (the error, or the caller's) says it came after the
   * connection dropped and came back. */
  self->next_message_after_drop = self->interrupted;
  if (self->busy == 0)
    self->interrupted = FALSE;
  _sb_window_actions_update (self);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return reply;
}

/* The reply to a request of this window, or NULL when there is nothing more to do: the request
 * was cancelled, which happens only when the window is disposed, so `data` is not touched; or
 * it failed, and the user has been told why. */
static SbMessage *
finish_request (GObject *source, GAsyncResult *result, gpointer data, FinishFlags flags)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbErrorMessage) error_reply = NULL;
  SbMessage *reply = _sb_window_request_finish (source, result, data, &error, &error_reply);
  SbWindow *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return NULL;
  self = SB_WINDOW (data);
  if (reply == NULL && (flags & FINISH_CUSTOMER) && error_reply != NULL
      && g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST)
      && sb_customer_form_show_server_error (self->customer_form, error_reply->message))
    {
      _sb_window_show_message (self,
                               _ ("Nothing was booked: please check the customer’s details."));
      self->next_message_after_drop = FALSE;
      return NULL;
    }
  if (reply == NULL
      && !((flags & FINISH_QUIET_IF_HOLD_GONE)
           && (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_NOT_FOUND)
               || g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_HOLD_EXPIRED))))
    _sb_window_show_request_error (self, error, error_reply);
  if ((flags & FINISH_OFFER_ANYWAY)
      && g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_LONE_SEAT))
    _sb_window_anyway_offer (self);
  if (reply == NULL)
    self->next_message_after_drop = FALSE;
  return reply;
}

/* The ids of the seats at `indices` added to ids, each seat once: a seat can be both held and
 * chosen. */
static void
add_seat_ids (GPtrArray *ids, SbVenue *venue, const GArray *indices)
{
  for (guint i = 0; i < indices->len; i++)
    {
      const char *id = sb_venue_get_seat (venue, g_array_index (indices, guint, i))->id;

      if (!g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
        g_ptr_array_add (ids, g_strdup (id));
    }
}

/* Hold */

static void
held_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (SbMessage) reply
      = finish_request (source, result, data, FINISH_OFFER_ANYWAY | FINISH_CUSTOMER);
  g_autofree char *names = NULL;
  g_autofree char *message = NULL;
  SbWindow *self;

  if (reply == NULL)
    return;
  self = SB_WINDOW (data);

  names = _sb_window_unselect_seats (self, reply->hold->info.seats, NULL);
  /* Translators: %s names the seats just held */
  message = g_strdup_printf (_ ("Holding %s."), names);
  _sb_window_show_message_with_warning (self, message, reply->hold->lone_seat);
  self->feedback_tells_hold = TRUE;
}

static void
hold_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  g_autoptr (GArray) selection = _sb_window_unheld_selection (self);
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  if (venue == NULL || selection->len == 0)
    return;
  if (selection->len > SB_MAX_SEATS_PER_REQUEST)
    {
      g_autofree char *message = g_strdup_printf (ngettext ("At most %d seat can be held at once.",
                                                            "At most %d seats can be held at once.",
                                                            SB_MAX_SEATS_PER_REQUEST),
                                                  SB_MAX_SEATS_PER_REQUEST);
      _sb_window_show_message (self, message);
      return;
    }

  add_seat_ids (ids, venue, selection);
  g_ptr_array_add (ids, NULL);
  _sb_window_hold_seats (self, (const char *const *) ids->pdata, FALSE);
}

void
_sb_window_hold_seats (SbWindow *self, const char *const *seat_ids, gboolean override_orphan_rule)
{
  _sb_window_anyway_remember (self, FALSE, seat_ids);
  _sb_window_request_started (self);
  sb_desk_hold_full_async (self->desk, seat_ids, override_orphan_rule, self->cancellable, held_cb,
                           self);
}

/* Book */

/* GTK 4.8 names a button made with a label (as AdwMessageDialog makes its response buttons)
 * by its label property and then by its label child: "_Done Done". Without the property, the
 * name comes from the label child alone: "Done". */
static void
clean_button_names (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    clean_button_names (child);
}

/* The sum of the seats' prices, with the venue's currency. */
static char *
format_total (SbWindow *self, char **seat_ids)
{
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  gint64 total = 0;

  for (guint i = 0; venue != NULL && seat_ids != NULL && seat_ids[i] != NULL; i++)
    {
      guint index;

      if (sb_venue_lookup_seat (venue, seat_ids[i], &index))
        total += sb_venue_get_category (venue, sb_venue_get_seat (venue, index)->category)->price;
    }
  return sb_format_price (total, venue != NULL ? sb_venue_get_currency (venue) : NULL);
}

static void
copy_reference_cb (GtkButton *button, GtkLabel *reference)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)),
                          gtk_label_get_label (reference));
  /* Said where the eyes are, and to a screen reader through the button's name. */
  gtk_button_set_label (button, _ ("Copied"));
}

/* The reference to give the customer, captioned, large, selectable, and with a Copy button. */
static GtkWidget *
reference_box (const char *reference)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *caption = gtk_label_new (_ ("Booking reference"));
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (reference);
  GtkWidget *copy = gtk_button_new_with_label (_ ("Copy"));

  gtk_widget_add_css_class (caption, "dim-label");
  gtk_widget_set_halign (row, GTK_ALIGN_CENTER);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "title-2");
  gtk_widget_add_css_class (label, "monospace");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _ ("Booking reference"), -1);
  gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (copy, _ ("Copy the booking reference"));
  g_signal_connect (copy, "clicked", G_CALLBACK (copy_reference_cb), label);
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), copy);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_box_append (GTK_BOX (box), row);
  return box;
}

/* "Print Ticket…" in the booking dialog: the dialog closes, the print dialog opens. */
static void
booked_response_cb (AdwMessageDialog *dialog, const char *response, SbWindow *self)
{
  SbTicket *ticket;

  if (!g_str_equal (response, "print"))
    return;
  ticket = g_object_steal_data (G_OBJECT (dialog), "sb-ticket");
  if (ticket != NULL)
    sb_ticket_print (ticket, GTK_WINDOW (self));
}

/* The ticket of a booking just made, or NULL before the venue is known. */
static SbTicket *
booked_ticket (SbWindow *self, const SbBookedMessage *booked)
{
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  SbEventItem *event = NULL;

  if (venue == NULL || booked->booking == NULL || booked->seats == NULL)
    return NULL;
  if (booked->event != NULL)
    event = sb_desk_lookup_event (self->desk, booked->event, NULL);
  return sb_ticket_new (venue,
                        event != NULL           ? sb_event_item_get_name (event)
                        : booked->event != NULL ? booked->event
                                                : "",
                        event != NULL ? sb_event_item_get_starts_at (event) : 0, booked->booking,
                        (const char *const *) booked->seats);
}

static void
booked_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (SbMessage) reply
      = finish_request (source, result, data, FINISH_OFFER_ANYWAY | FINISH_CUSTOMER);
  g_autofree char *names = NULL;
  g_autofree char *total = NULL;
  g_autofree char *body = NULL;
  g_autofree char *message = NULL;
  const char *reference;
  SbWindow *self;
  AdwMessageDialog *dialog;
  SbTicket *ticket;

  if (reply == NULL)
    return;
  self = SB_WINDOW (data);

  reference = reply->booked->booking != NULL ? reply->booked->booking : "?";
  total = format_total (self, reply->booked->seats);
  /* Booked: the next booking is for the next customer. */
  sb_customer_form_clear (self->customer_form);
  names = _sb_window_unselect_seats (self, reply->booked->seats, NULL);

  /* Translators: %1$s names the seats, %2$s is the booking reference */
  message = g_strdup_printf (_ ("Booked %1$s. Booking reference %2$s."), names, reference);
  _sb_window_show_message_with_warning (self, message, reply->booked->lone_seat);

  /* Translators: the booking dialog: %1$s names the seats, %2$s is the total price ("€130.00") */
  body = g_strdup_printf (_ ("%1$s\nTotal: %2$s"), names, total);
  dialog
      = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _ ("Seats Booked"), body));
  adw_message_dialog_set_extra_child (dialog, reference_box (reference));
  ticket = booked_ticket (self, reply->booked);
  if (ticket != NULL)
    {
      g_object_set_data_full (G_OBJECT (dialog), "sb-ticket", ticket,
                              (GDestroyNotify) sb_ticket_free);
      adw_message_dialog_add_response (dialog, "print", _ ("_Print Ticket…"));
      g_signal_connect_object (dialog, "response", G_CALLBACK (booked_response_cb), self, 0);
    }
  adw_message_dialog_add_response (dialog, "close", _ ("_Done"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  clean_button_names (GTK_WIDGET (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
  /* The reference and Copy come first in the focus chain: without this, Return pressed Copy
   * instead of Done. Tab reaches them. */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
}

static void
book_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  g_autoptr (GArray) selection = _sb_window_unheld_selection (self);
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  g_autoptr (GArray) held = NULL;
  g_autoptr (GPtrArray) ids = NULL;

  if (venue == NULL)
    return;
  /* At the box office the name is required: said under the field, nothing is sent. */
  if (!sb_customer_form_check (self->customer_form))
    return;

  /* Chosen seats that are all held already (Best available chooses its seats) add nothing. */
  if (selection->len == 0 && sb_desk_get_n_event_holds (self->desk) == 1)
    {
      g_auto (GStrv) hold_ids = sb_desk_dup_event_hold_ids (self->desk);

      /* The usual way: book the hold, which also ends it. It takes no seat, so the orphan
       * rule never refuses it: nothing to do anyway. */
      _sb_window_anyway_remember (self, TRUE, NULL);
      g_autoptr (SbCustomer) customer = sb_customer_form_dup_customer (self->customer_form);

      _sb_window_request_started (self);
      sb_desk_book_full_async (self->desk, hold_ids[0], NULL, FALSE, customer, self->cancellable,
                               booked_cb, self);
      return;
    }

  /* Chosen seats plus the ones we hold here, all or nothing. */
  held = _sb_window_held_indices (self);
  ids = g_ptr_array_new_with_free_func (g_free);
  add_seat_ids (ids, venue, held);
  add_seat_ids (ids, venue, selection);
  if (ids->len == 0 || ids->len > SB_MAX_SEATS_PER_REQUEST)
    {
      if (ids->len > 0)
        _sb_window_show_message (
            self, _ ("Too many seats for one booking. Please book them in smaller groups."));
      return;
    }
  g_ptr_array_add (ids, NULL);
  _sb_window_book_seats (self, (const char *const *) ids->pdata, FALSE);
}

void
_sb_window_book_seats (SbWindow *self, const char *const *seat_ids, gboolean override_orphan_rule)
{
  g_autoptr (SbCustomer) customer = NULL;

  /* "Book Anyway" comes here too: the name may have been cleared since Book. */
  if (!sb_customer_form_check (self->customer_form))
    return;
  customer = sb_customer_form_dup_customer (self->customer_form);
  _sb_window_anyway_remember (self, TRUE, seat_ids);
  _sb_window_request_started (self);
  sb_desk_book_full_async (self->desk, NULL, seat_ids, override_orphan_rule, customer,
                           self->cancellable, booked_cb, self);
}

/* Release */

static void
released_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (SbMessage) reply = finish_request (source, result, data, FINISH_QUIET_IF_HOLD_GONE);

  if (reply == NULL)
    return;
  _sb_window_show_message (SB_WINDOW (data), _ ("The seats were released."));
}

static void
release_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  g_auto (GStrv) hold_ids = NULL;

  sb_seat_map_clear_selection (self->seat_map);

  hold_ids = sb_desk_dup_event_hold_ids (self->desk);
  for (guint i = 0; hold_ids[i] != NULL; i++)
    {
      _sb_window_request_started (self);
      sb_desk_release_async (self->desk, hold_ids[i], self->cancellable, released_cb, self);
    }
  _sb_window_actions_update (self);
}

/* Release one seat of a hold, keeping the others (the button beside a held seat in the panel) */

static void
released_seat_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (SbMessage) reply = finish_request (source, result, data, FINISH_OFFER_ANYWAY);
  g_autofree char *names = NULL;
  g_autofree char *message = NULL;
  SbWindow *self;
  guint left;

  if (reply == NULL)
    return;
  self = SB_WINDOW (data);

  names = _sb_window_unselect_seats (self, reply->released->seats, NULL);
  left = reply->released->remaining_seats != NULL ? g_strv_length (reply->released->remaining_seats)
                                                  : 0;
  if (left == 0)
    /* Translators: %s names the seats just released */
    message = g_strdup_printf (_ ("Released %s."), names);
  else
    /* Translators: %s names the seat just released, %u counts the seats still held */
    message = g_strdup_printf (ngettext ("Released %s. You are still holding %u seat.",
                                         "Released %s. You are still holding %u seats.", left),
                               names, left);
  _sb_window_show_message_with_warning (self, message, reply->released->lone_seat);
}

static void
release_seat_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  guint index = g_variant_get_uint32 (parameter);
  g_autofree char *hold_id = NULL;
  const char *seat_id;

  if (venue == NULL || index >= sb_venue_get_n_seats (venue))
    return;
  seat_id = sb_venue_get_seat (venue, index)->id;
  hold_id = sb_desk_dup_seat_hold_id (self->desk, seat_id);
  if (hold_id == NULL)
    return;
  _sb_window_release_seats (self, hold_id, (const char *const[]){ seat_id, NULL }, FALSE);
}

void
_sb_window_release_seats (SbWindow *self,
                          const char *hold_id,
                          const char *const *seat_ids,
                          gboolean override_orphan_rule)
{
  _sb_window_anyway_remember_release (self, hold_id, seat_ids);
  _sb_window_request_started (self);
  sb_desk_release_seats_async (self->desk, hold_id, seat_ids, override_orphan_rule,
                               self->cancellable, released_seat_cb, self);
}

/* Extend */

static void
extended_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  /* The countdown shows the new time; a hold that ended meanwhile has been reported. */
  SbMessage *reply = finish_request (source, result, data, FINISH_NONE);

  /* Nothing to say, so nothing to mark: the next message is another request's. */
  if (reply != NULL)
    SB_WINDOW (data)->next_message_after_drop = FALSE;
  g_clear_pointer (&reply, sb_message_free);
}

static void
extend_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  g_auto (GStrv) hold_ids = sb_desk_dup_event_hold_ids (self->desk);

  for (guint i = 0; hold_ids[i] != NULL; i++)
    {
      _sb_window_request_started (self);
      sb_desk_extend_async (self->desk, hold_ids[i], self->cancellable, extended_cb, self);
    }
}

/* History */

static void
seat_history_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  const char *event_id = sb_desk_get_event_id (self->desk);
  guint index = sb_seat_map_get_focus_seat (self->seat_map);
  g_autofree char *subject = NULL;
  SbAuditDialog *dialog;

  if (venue == NULL || event_id == NULL || index == G_MAXUINT)
    return;
  subject = sb_seat_map_describe_seat (self->seat_map, index);
  dialog
      = sb_audit_dialog_new (GTK_WINDOW (self), sb_desk_get_connection (self->desk), event_id,
                             sb_venue_get_seat (venue, index)->id, NULL, subject, self->seat_map);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Other actions */

static void
zoom_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  const char *name = g_action_get_name (G_ACTION (action));

  if (g_str_equal (name, "zoom-in"))
    sb_seat_map_zoom_in (self->seat_map);
  else if (g_str_equal (name, "zoom-out"))
    sb_seat_map_zoom_out (self->seat_map);
  else
    sb_seat_map_zoom_to_fit (self->seat_map);
}

static void
reconnect_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);

  sb_connection_reconnect_now (sb_desk_get_connection (self->desk));
}

static void
refresh_events_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);

  if (sb_connection_get_state (sb_desk_get_connection (self->desk)) == SB_CONNECTION_CONNECTED)
    sb_desk_refresh_events (self->desk);
}

/* The shortcuts window, built when first asked for instead of with every window: GtkApplication
 * builds gtk/help-overlay.ui eagerly, before the window can show (sb-resources keeps it under
 * another name). gtk_application_window_set_help_overlay () keeps it and makes it transient. */
static void
show_help_overlay_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplicationWindow *window = GTK_APPLICATION_WINDOW (user_data);
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (window);

  if (overlay == NULL)
    {
      g_autoptr (GtkBuilder) builder
          = gtk_builder_new_from_resource ("/org/seatbook/Seatbook/sb-shortcuts-window.ui");

      overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      gtk_application_window_set_help_overlay (window, overlay);
    }
  gtk_window_present (GTK_WINDOW (overlay));
}

static const GActionEntry window_actions[] = {
  { "show-help-overlay", show_help_overlay_action },
  { "hold", hold_action },
  { "book", book_action },
  { "release", release_action },
  { "release-seat", release_seat_action, "u" },
  { "extend", extend_action },
  { "zoom-in", zoom_action },
  { "zoom-out", zoom_action },
  { "zoom-fit", zoom_action },
  { "reconnect", reconnect_action },
  { "refresh-events", refresh_events_action },
  { "seat-history", seat_history_action },
};

void
_sb_window_actions_init (SbWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), window_actions,
                                   G_N_ELEMENTS (window_actions), self);
}

GtkWidget *
_sb_window_add_menu_button (SbWindow *self,
                            const char *label_text,
                            const char *action,
                            const char *id)
{
  GtkPopover *popover = gtk_menu_button_get_popover (self->menu_button);
  GtkWidget *label = gtk_label_new_with_mnemonic (label_text);
  GtkWidget *button = gtk_button_new ();

  /* Looks like the menu's own items: a flat button, its label at the start. */
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_button_set_child (GTK_BUTTON (button), label);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "sb-menu-item");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  label, NULL, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_popover_menu_add_child (GTK_POPOVER_MENU (popover), button, id);
  return button;
}
