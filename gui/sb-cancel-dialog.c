/* sb-cancel-dialog.c: cancelling a booking or some of its seats (sb-cancel-dialog.h). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-cancel-dialog.h"
#include "sb-util.h"

struct _SbCancelDialog
{
  AdwWindow parent_instance;

  AdwWindowTitle *title;
  GtkCheckButton *whole_check;
  GtkCheckButton *some_check;
  GtkBox *seats_box;
  GtkCheckButton *refund_full;
  GtkCheckButton *refund_partial;
  GtkCheckButton *refund_none;
  GtkSpinButton *amount_spin;
  GtkEntry *reason_entry;
  GtkLabel *error_label;
  GtkButton *confirm_button;

  SbConnection *connection;
  SbSeatMap *seat_map; /* weak */
  GCancellable *cancellable;
  char *event_id;
  SbBookingEntry *booking;
  GPtrArray *seat_checks; /* GtkCheckButton, one per seat of the booking, in its order */
  guint minor_units;      /* of the venue's currency: 100 for the euro */
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (SbCancelDialog, sb_cancel_dialog, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_CANCELLED,
  N_SIGNALS,
};
static guint signals[N_SIGNALS];

static SbVenue *
venue_of (SbCancelDialog *self)
{
  return self->seat_map != NULL ? sb_seat_map_get_venue (self->seat_map) : NULL;
}

/* The seats to cancel: NULL for the whole booking, else those ticked (maybe none). */
static GPtrArray *
chosen_seats (SbCancelDialog *self)
{
  GPtrArray *seats;

  if (gtk_check_button_get_active (self->whole_check))
    return NULL;
  seats = g_ptr_array_new ();
  for (guint i = 0; i < self->seat_checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->seat_checks, i)))
      g_ptr_array_add (seats, self->booking->seats[i]);
  return seats;
}

/* What the seats to cancel cost: the most a refund may be. */
static gint64
cost (SbCancelDialog *self)
{
  g_autoptr (GPtrArray) seats = chosen_seats (self);
  SbVenue *venue = venue_of (self);
  gint64 total = 0;

  if (seats == NULL || venue == NULL)
    return self->booking->total_price;
  for (guint i = 0; i < seats->len; i++)
    {
      guint index;

      if (sb_venue_lookup_seat (venue, g_ptr_array_index (seats, i), &index))
        total += sb_venue_get_category (venue, sb_venue_get_seat (venue, index)->category)->price;
    }
  return total;
}

static void
update (SbCancelDialog *self)
{
  g_autoptr (GPtrArray) seats = chosen_seats (self);
  SbVenue *venue = venue_of (self);
  gint64 most = cost (self);
  g_autofree char *price
      = sb_format_price (most, venue != NULL ? sb_venue_get_currency (venue) : NULL);
  /* Translators: the full refund, with what it comes to ("€90.00") */
  g_autofree char *full = g_strdup_printf (_ ("Full refund (%s)"), price);
  gboolean partial = gtk_check_button_get_active (self->refund_partial);
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (self->reason_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (reason));

  gtk_check_button_set_label (self->refund_full, full);
  gtk_widget_set_sensitive (GTK_WIDGET (self->seats_box), seats != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->amount_spin), partial);
  gtk_spin_button_set_range (self->amount_spin, MIN (1.0, (double) most / self->minor_units),
                             MAX (1.0, (double) most / self->minor_units));
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button),
                            !self->busy && *stripped != '\0' && (seats == NULL || seats->len > 0)
                                && (!partial || most > 0));
}

static void
show_error (SbCancelDialog *self, const char *text)
{
  gtk_label_set_label (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static void
cancel_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbErrorMessage) error_reply = NULL;
  g_autoptr (SbMessage) reply
      = sb_connection_send_finish (SB_CONNECTION (source), result, &error_reply, &error);
  SbCancelDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SB_CANCEL_DIALOG (data);
  self->busy = FALSE;
  update (self);

  if (reply == NULL || reply->type != SB_MESSAGE_CANCELLED)
    {
      const char *why = reply != NULL ? _ ("The server answered with something else.")
                        : error->domain == SB_PROTOCOL_ERROR
                            ? sb_error_code_get_message ((SbErrorCode) error->code)
                            : error->message;

      if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_FORBIDDEN))
        why = _ ("Only managers can cancel bookings.");
      else if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST)
               && error_reply != NULL && error_reply->message != NULL)
        /* The server names what it refused (a seat already cancelled, an amount too high). */
        why = error_reply->message;
      show_error (self, why);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_CANCELLED], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static void
confirm_clicked_cb (SbCancelDialog *self)
{
  g_autoptr (GPtrArray) seats = chosen_seats (self);
  g_autofree char *reason
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_entry))));
  SbRequest *request;

  if (self->busy || *reason == '\0')
    return;
  request = sb_connection_new_request (self->connection, SB_REQUEST_CANCEL);
  request->event_id = g_strdup (self->event_id);
  request->booking_id = g_strdup (self->booking->reference);
  if (seats != NULL)
    {
      g_ptr_array_add (seats, NULL);
      request->seats = g_strdupv ((char **) seats->pdata);
    }
  if (gtk_check_button_get_active (self->refund_full))
    request->refund_kind = SB_REFUND_FULL;
  else if (gtk_check_button_get_active (self->refund_partial))
    {
      request->refund_kind = SB_REFUND_PARTIAL;
      request->refund_amount
          = (gint64) (gtk_spin_button_get_value (self->amount_spin) * self->minor_units + 0.5);
    }
  else
    request->refund_kind = SB_REFUND_NONE;
  request->reason = g_steal_pointer (&reason);
  self->busy = TRUE;
  show_error (self, NULL);
  update (self);
  sb_connection_send_async (self->connection, request, self->cancellable, cancel_cb, self);
}

static void
add_seat_checks (SbCancelDialog *self)
{
  SbVenue *venue = venue_of (self);

  for (guint i = 0; self->booking->seats != NULL && self->booking->seats[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      guint index;
      GtkWidget *check;

      if (venue != NULL && sb_venue_lookup_seat (venue, self->booking->seats[i], &index))
        name = sb_seat_map_describe_seat (self->seat_map, index);
      check = gtk_check_button_new_with_label (name != NULL ? name : self->booking->seats[i]);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (update), self);
      gtk_box_append (self->seats_box, check);
      g_ptr_array_add (self->seat_checks, check);
    }
}

static void
sb_cancel_dialog_dispose (GObject *object)
{
  SbCancelDialog *self = SB_CANCEL_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->connection);
  g_clear_weak_pointer (&self->seat_map);

  G_OBJECT_CLASS (sb_cancel_dialog_parent_class)->dispose (object);
}

static void
sb_cancel_dialog_finalize (GObject *object)
{
  SbCancelDialog *self = SB_CANCEL_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_free (self->event_id);
  sb_booking_entry_free (self->booking);
  g_ptr_array_unref (self->seat_checks);

  G_OBJECT_CLASS (sb_cancel_dialog_parent_class)->finalize (object);
}

static void
sb_cancel_dialog_class_init (SbCancelDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_cancel_dialog_dispose;
  object_class->finalize = sb_cancel_dialog_finalize;

  signals[SIGNAL_CANCELLED] = g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/seatbook/Seatbook/sb-cancel-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SbCancelDialog, title);
  gtk_widget_class_bind_template_child (widget_class, SbCancelDialog, whole_check);
  gtk_widget_class_bind_template_child (widget_class, SbCancelDialog, some_check);
  gtk_widget_class_bind_template_child (widget_class, SbCancelDialog, seats_box);
  gtk_widget_class_bind_template_child (widget_class, SbCancelDialog, refund_full);
  gtk_widget_class_bind_template_child (widget_class, SbCancelDialog, refund_partial);
  gtk_widget_class_bind_template_child (widget_class, SbCancelDialog, refund_none);
  gtk_widget_class_bind_template_child (widget_class, SbCancelDialog, amount_spin);
  gtk_widget_class_bind_template_child (widget_class, SbCancelDialog, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, SbCancelDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, SbCancelDialog, confirm_button);
  gtk_widget_class_bind_template_callback (widget_class, update);
  gtk_widget_class_bind_template_callback (widget_class, confirm_clicked_cb);
}

static void
sb_cancel_dialog_init (SbCancelDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->seat_checks = g_ptr_array_new ();
  self->minor_units = 100;
}

SbCancelDialog *
sb_cancel_dialog_new (GtkWindow *parent,
                      SbConnection *connection,
                      const char *event_id,
                      const SbBookingEntry *booking,
                      SbSeatMap *seat_map)
{
  SbCancelDialog *self;
  SbVenue *venue;
  /* Translators: the cancel dialog's subtitle; %s is the booking reference */
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SB_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (event_id != NULL, NULL);
  g_return_val_if_fail (booking != NULL && booking->reference != NULL, NULL);
  g_return_val_if_fail (seat_map == NULL || SB_IS_SEAT_MAP (seat_map), NULL);

  self = g_object_new (SB_TYPE_CANCEL_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
  self->connection = g_object_ref (connection);
  g_set_weak_pointer (&self->seat_map, seat_map);
  self->event_id = g_strdup (event_id);
  self->booking = sb_booking_entry_copy (booking);
  venue = venue_of (self);
  if (venue != NULL)
    self->minor_units = MAX (1u, sb_currency_get_minor_units (sb_venue_get_currency (venue)));
  gtk_spin_button_set_digits (self->amount_spin, self->minor_units >= 100  ? 2
                                                 : self->minor_units >= 10 ? 1
                                                                           : 0);
  gtk_spin_button_set_increments (self->amount_spin, 1.0, 10.0);

  subtitle = g_strdup_printf (_ ("Booking %s"), booking->reference);
  adw_window_title_set_subtitle (self->title, subtitle);
  add_seat_checks (self);
  update (self);
  return self;
}
