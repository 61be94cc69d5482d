/* sb-move-dialog.c: moving a booking's seats to the seats this desk holds (sb-move-dialog.h). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-move-dialog.h"
#include "sb-ticket-print.h"
#include "sb-util.h"

struct _SbMoveDialog
{
  AdwWindow parent_instance;

  AdwWindowTitle *title;
  GtkBox *seats_box;
  GtkLabel *targets_label;
  GtkLabel *pairing_label;
  GtkLabel *difference_label;
  GtkLabel *error_label;
  GtkLabel *result_label;
  GtkButton *confirm_button;
  GtkButton *close_button;
  GtkButton *print_button;

  SbConnection *connection;
  SbSeatMap *seat_map; /* weak */
  GCancellable *cancellable;
  char *event_id;
  SbEventItem *event; /* or NULL */
  SbBookingEntry *booking;
  char **moved_seats;     /* the booking's seats after the move, for its ticket */
  GPtrArray *seat_checks; /* GtkCheckButton, one per seat of the booking, in its order */
  GArray *targets;        /* guint seat indices this desk holds, in the map's order */
  gboolean busy;
  gboolean moved;
};

G_DEFINE_FINAL_TYPE (SbMoveDialog, sb_move_dialog, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_MOVED,
  N_SIGNALS,
};
static guint signals[N_SIGNALS];

static SbVenue *
venue_of (SbMoveDialog *self)
{
  return self->seat_map != NULL ? sb_seat_map_get_venue (self->seat_map) : NULL;
}

static const char *
currency_of (SbMoveDialog *self)
{
  SbVenue *venue = venue_of (self);

  return venue != NULL ? sb_venue_get_currency (venue) : NULL;
}

/* The booking's seats ticked to move, as seat indices of the map (a seat the map does not know
 * cannot be paired and is left out). */
static GArray *
chosen_seats (SbMoveDialog *self)
{
  SbVenue *venue = venue_of (self);
  GArray *seats = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; venue != NULL && i < self->seat_checks->len; i++)
    {
      guint index;

      if (gtk_check_button_get_active (g_ptr_array_index (self->seat_checks, i))
          && sb_venue_lookup_seat (venue, self->booking->seats[i], &index))
        g_array_append_val (seats, index);
    }
  return seats;
}

static gint64
price_of (SbMoveDialog *self, const GArray *seats)
{
  SbVenue *venue = venue_of (self);
  gint64 total = 0;

  for (guint i = 0; venue != NULL && i < seats->len; i++)
    {
      const SbSeat *seat = sb_venue_get_seat (venue, g_array_index (seats, guint, i));

      total += sb_venue_get_category (venue, seat->category)->price;
    }
  return total;
}

/* "costs €30.00 more", "costs €12.50 less", "costs the same". */
static char *
describe_difference (SbMoveDialog *self, gint64 difference)
{
  g_autofree char *amount
      = sb_format_price (difference < 0 ? -difference : difference, currency_of (self));

  if (difference > 0)
    /* Translators: %s is an amount of money, e.g. "€30.00" */
    return g_strdup_printf (_ ("The booking will cost %s more."), amount);
  if (difference < 0)
    /* Translators: %s is an amount of money, e.g. "€30.00" */
    return g_strdup_printf (_ ("The booking will cost %s less."), amount);
  return g_strdup (_ ("The booking will cost the same."));
}

static void
update (SbMoveDialog *self)
{
  g_autoptr (GArray) from = chosen_seats (self);
  guint n_targets = self->targets->len;
  gboolean ready = n_targets > 0 && from->len == n_targets;

  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button),
                            ready && !self->busy && !self->moved);
  gtk_widget_set_sensitive (GTK_WIDGET (self->seats_box), !self->moved);
  gtk_widget_set_visible (GTK_WIDGET (self->difference_label), ready && !self->moved);
  if (n_targets == 0)
    {
      gtk_label_set_label (self->pairing_label,
                           _ ("Hold the new seats on the seat map first, as many as move, then "
                              "open this again."));
      return;
    }
  if (from->len != n_targets)
    {
      /* Translators: how many seats to tick, which is how many the desk holds */
      g_autofree char *text
          = g_strdup_printf (ngettext ("Choose as many seats to move as you hold: %u.",
                                       "Choose as many seats to move as you hold: %u.", n_targets),
                             n_targets);
      gtk_label_set_label (self->pairing_label, text);
      return;
    }

  {
    g_autoptr (GString) pairs = g_string_new (NULL);
    g_autofree char *difference = NULL;

    for (guint i = 0; i < from->len; i++)
      {
        g_autofree char *old_seat
            = sb_seat_map_describe_seat (self->seat_map, g_array_index (from, guint, i));
        g_autofree char *new_seat
            = sb_seat_map_describe_seat (self->seat_map, g_array_index (self->targets, guint, i));

        if (i > 0)
          g_string_append_c (pairs, '\n');
        /* Translators: one seat's move: the seat it leaves → the seat it gets */
        g_string_append_printf (pairs, _ ("%1$s → %2$s"), old_seat, new_seat);
      }
    gtk_label_set_label (self->pairing_label, pairs->str);
    difference = describe_difference (self, price_of (self, self->targets) - price_of (self, from));
    gtk_label_set_label (self->difference_label, difference);
  }
}

static void
show_error (SbMoveDialog *self, const char *text)
{
  gtk_label_set_label (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

/* The seats an error or a reply names, in words ("Row B seat 7 (Stalls)"), or NULL. */
static char *
describe_seat_ids (SbMoveDialog *self, char **ids)
{
  if (self->seat_map == NULL)
    return NULL;
  return sb_seat_map_describe_seat_ids (self->seat_map, (const char *const *) ids, NULL);
}

static void
show_refusal (SbMoveDialog *self, const GError *error, const SbErrorMessage *error_reply)
{
  g_autofree char *seats = NULL;
  g_autofree char *text = NULL;

  if (error->domain != SB_PROTOCOL_ERROR)
    {
      show_error (self, error->message);
      return;
    }
  switch ((SbErrorCode) error->code)
    {
      case SB_ERROR_SEAT_UNAVAILABLE:
        seats = error_reply != NULL ? describe_seat_ids (self, error_reply->seats) : NULL;
        if (seats != NULL)
          /* Translators: %s names one or more seats */
          text = g_strdup_printf (_ ("Taken or not for sale: %s. Hold other seats."), seats);
        break;
      case SB_ERROR_FORBIDDEN:
        text = g_strdup (_ ("Your account cannot move bookings."));
        break;
      case SB_ERROR_INVALID_REQUEST:
      case SB_ERROR_LONE_SEAT:
      case SB_ERROR_NOT_FOUND:
        /* The server names what it refused: a seat no longer in the booking, the seat that
         * would be left on its own. */
        if (error_reply != NULL && error_reply->message != NULL)
          text = g_strdup (error_reply->message);
        break;
      default:
        break;
    }
  show_error (self, text != NULL ? text : sb_error_code_get_message ((SbErrorCode) error->code));
}

static void
move_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbErrorMessage) error_reply = NULL;
  g_autoptr (SbMessage) reply
      = sb_connection_send_finish (SB_CONNECTION (source), result, &error_reply, &error);
  g_autofree char *seats = NULL, *total = NULL, *difference = NULL, *text = NULL;
  SbMoveDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SB_MOVE_DIALOG (data);
  self->busy = FALSE;

  if (reply == NULL || reply->type != SB_MESSAGE_MOVED)
    {
      if (reply != NULL)
        show_error (self, _ ("The server answered with something else."));
      else
        show_refusal (self, error, error_reply);
      update (self);
      return;
    }

  self->moved = TRUE;
  self->moved_seats = g_strdupv (reply->moved->seats);
  update (self);
  seats = describe_seat_ids (self, reply->moved->seats);
  total = sb_format_price (reply->moved->total_after, reply->moved->currency);
  if (reply->moved->difference == 0)
    difference = g_strdup (_ ("the same as before"));
  else
    {
      g_autofree char *amount
          = sb_format_price (ABS (reply->moved->difference), reply->moved->currency);
      /* Translators: %s is an amount of money, e.g. "€30.00"; to collect from the customer */
      difference = g_strdup_printf (reply->moved->difference > 0 ? _ ("%s more: collect it")
                                                                 /* Translators: to refund */
                                                                 : _ ("%s less: refund it"),
                                    amount);
    }
  /* Translators: 1: reference; 2: its seats now, in words; 3: its total; 4: the difference */
  text = g_strdup_printf (_ ("Moved. Booking %1$s now has %2$s and costs %3$s, %4$s."),
                          reply->moved->booking, seats != NULL ? seats : _ ("its new seats"), total,
                          difference);
  gtk_label_set_label (self->result_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->print_button),
                          venue_of (self) != NULL && self->moved_seats != NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->close_button));
  g_signal_emit (self, signals[SIGNAL_MOVED], 0);
}

static char **
seat_ids (SbMoveDialog *self, const GArray *seats)
{
  SbVenue *venue = venue_of (self);
  char **ids = g_new0 (char *, seats->len + 1);

  for (guint i = 0; i < seats->len; i++)
    ids[i] = g_strdup (sb_venue_get_seat (venue, g_array_index (seats, guint, i))->id);
  return ids;
}

static void
confirm_clicked_cb (SbMoveDialog *self)
{
  g_autoptr (GArray) from = chosen_seats (self);
  SbRequest *request;

  if (self->busy || self->moved || from->len == 0 || from->len != self->targets->len)
    return;
  request = sb_connection_new_request (self->connection, SB_REQUEST_MOVE);
  request->event_id = g_strdup (self->event_id);
  request->booking_id = g_strdup (self->booking->reference);
  request->from = seat_ids (self, from);
  request->to = seat_ids (self, self->targets);
  self->busy = TRUE;
  show_error (self, NULL);
  update (self);
  sb_connection_send_async (self->connection, request, self->cancellable, move_cb, self);
}

/* The booking's ticket with the seats it has now, through the same printing as a new booking's;
 * the dialog stays open (the difference may still be to settle). */
static void
print_clicked_cb (SbMoveDialog *self)
{
  SbVenue *venue = venue_of (self);
  SbTicket *ticket;

  if (!self->moved || self->moved_seats == NULL || venue == NULL)
    return;
  ticket = sb_ticket_new (
      venue, self->event != NULL ? sb_event_item_get_name (self->event) : self->event_id,
      self->event != NULL ? sb_event_item_get_starts_at (self->event) : 0, self->booking->reference,
      (const char *const *) self->moved_seats);
  sb_ticket_print (ticket, GTK_WINDOW (self));
}

static void
add_seat_checks (SbMoveDialog *self)
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
      /* Every seat moves unless the clerk says otherwise; one the map does not know cannot. */
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), name != NULL);
      gtk_widget_set_sensitive (check, name != NULL);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (update), self);
      gtk_box_append (self->seats_box, check);
      g_ptr_array_add (self->seat_checks, check);
    }
}

/* Where the booking goes: the seats this desk holds on the map. */
static void
find_targets (SbMoveDialog *self)
{
  guint n_seats = self->seat_map != NULL ? sb_seat_map_get_n_seats (self->seat_map) : 0;

  for (guint i = 0; i < n_seats; i++)
    if (sb_seat_map_get_status (self->seat_map, i) == SB_SEAT_STATUS_MINE)
      g_array_append_val (self->targets, i);
  if (self->targets->len == 0)
    gtk_label_set_label (self->targets_label, _ ("None: this desk holds no seats."));
  else
    {
      g_autofree char *names = sb_seat_map_describe_seats (
          self->seat_map, (const guint *) self->targets->data, self->targets->len);
      gtk_label_set_label (self->targets_label, names);
    }
}

static void
sb_move_dialog_dispose (GObject *object)
{
  SbMoveDialog *self = SB_MOVE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->connection);
  g_clear_weak_pointer (&self->seat_map);

  G_OBJECT_CLASS (sb_move_dialog_parent_class)->dispose (object);
}

static void
sb_move_dialog_finalize (GObject *object)
{
  SbMoveDialog *self = SB_MOVE_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->event);
  g_free (self->event_id);
  g_strfreev (self->moved_seats);
  sb_booking_entry_free (self->booking);
  g_ptr_array_unref (self->seat_checks);
  g_array_unref (self->targets);

  G_OBJECT_CLASS (sb_move_dialog_parent_class)->finalize (object);
}

static void
sb_move_dialog_class_init (SbMoveDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_move_dialog_dispose;
  object_class->finalize = sb_move_dialog_finalize;

  signals[SIGNAL_MOVED] = g_signal_new ("moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/seatbook/Seatbook/sb-move-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SbMoveDialog, title);
  gtk_widget_class_bind_template_child (widget_class, SbMoveDialog, seats_box);
  gtk_widget_class_bind_template_child (widget_class, SbMoveDialog, targets_label);
  gtk_widget_class_bind_template_child (widget_class, SbMoveDialog, pairing_label);
  gtk_widget_class_bind_template_child (widget_class, SbMoveDialog, difference_label);
  gtk_widget_class_bind_template_child (widget_class, SbMoveDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, SbMoveDialog, result_label);
  gtk_widget_class_bind_template_child (widget_class, SbMoveDialog, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, SbMoveDialog, close_button);
  gtk_widget_class_bind_template_child (widget_class, SbMoveDialog, print_button);
  gtk_widget_class_bind_template_callback (widget_class, confirm_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, print_clicked_cb);
}

static void
sb_move_dialog_init (SbMoveDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->seat_checks = g_ptr_array_new ();
  self->targets = g_array_new (FALSE, FALSE, sizeof (guint));
}

SbMoveDialog *
sb_move_dialog_new (GtkWindow *parent,
                    SbConnection *connection,
                    const char *event_id,
                    SbEventItem *event,
                    const SbBookingEntry *booking,
                    SbSeatMap *seat_map)
{
  SbMoveDialog *self;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SB_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (event_id != NULL, NULL);
  g_return_val_if_fail (event == NULL || SB_IS_EVENT_ITEM (event), NULL);
  g_return_val_if_fail (booking != NULL && booking->reference != NULL, NULL);
  g_return_val_if_fail (SB_IS_SEAT_MAP (seat_map), NULL);

  self = g_object_new (SB_TYPE_MOVE_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
  self->connection = g_object_ref (connection);
  g_set_weak_pointer (&self->seat_map, seat_map);
  self->event_id = g_strdup (event_id);
  /* An item of another event (the list and the map can differ for a moment) would date the
   * ticket wrongly: the event's id then names it, as on a new booking's ticket. */
  if (event != NULL && g_strcmp0 (sb_event_item_get_id (event), event_id) == 0)
    self->event = g_object_ref (event);
  self->booking = sb_booking_entry_copy (booking);

  /* Translators: the move dialog's subtitle; %s is the booking reference */
  subtitle = g_strdup_printf (_ ("Booking %s"), booking->reference);
  adw_window_title_set_subtitle (self->title, subtitle);
  add_seat_checks (self);
  find_targets (self);
  update (self);
  return self;
}
