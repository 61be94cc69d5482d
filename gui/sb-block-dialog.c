/* sb-block-dialog.c: blocking and unblocking seats (sb-block-dialog.h). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-block-dialog.h"
#include "sb-protocol.h"
#include "sb-util.h"

struct _SbBlockDialog
{
  AdwWindow parent_instance;

  AdwWindowTitle *title;
  GtkLabel *seats_heading;
  GtkLabel *explanation_label;
  GtkScrolledWindow *seats_scroll;
  GtkBox *seats_box;
  GtkEntry *reason_entry;
  GtkLabel *error_label;
  GtkButton *confirm_button;
  GtkLabel *confirm_label;

  SbConnection *connection;
  SbSeatMap *seat_map; /* weak */
  GCancellable *cancellable;
  char *event_id;
  char **seat_ids;
  GPtrArray *seat_checks; /* unblock: GtkCheckButton, one per seat_ids[i] */
  gboolean unblock;
  gboolean busy;
  gboolean showing_limit; /* the error label says there are too many seats ticked */
};

G_DEFINE_FINAL_TYPE (SbBlockDialog, sb_block_dialog, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_DONE,
  N_SIGNALS,
};
static guint signals[N_SIGNALS];

/* "Row C seat 7 (Stalls)", or the id where the map does not know the seat. */
static char *
describe_seat (SbBlockDialog *self, const char *seat_id)
{
  SbVenue *venue = self->seat_map != NULL ? sb_seat_map_get_venue (self->seat_map) : NULL;
  guint index;

  if (venue != NULL && sb_venue_lookup_seat (venue, seat_id, &index))
    return sb_seat_map_describe_seat (self->seat_map, index);
  return g_strdup (seat_id);
}

/* Several seats in words, "Row C seat 7 and row C seat 8 (Stalls)", for a message; their ids
 * where the map knows none of them. */
static char *
describe_seats (SbBlockDialog *self, const char *const *seat_ids, guint *out_n_seats)
{
  char *words = self->seat_map != NULL
                    ? sb_seat_map_describe_seat_ids (self->seat_map, seat_ids, out_n_seats)
                    : NULL;

  if (words != NULL)
    return words;
  *out_n_seats = seat_ids != NULL ? g_strv_length ((char **) seat_ids) : 0;
  return seat_ids != NULL ? g_strjoinv (", ", (char **) seat_ids) : g_strdup ("");
}

/* The seats to send: all of them to block, those ticked to unblock. */
static GPtrArray *
chosen_seats (SbBlockDialog *self)
{
  GPtrArray *seats = g_ptr_array_new ();

  for (guint i = 0; self->seat_ids[i] != NULL; i++)
    if (!self->unblock || gtk_check_button_get_active (g_ptr_array_index (self->seat_checks, i)))
      g_ptr_array_add (seats, self->seat_ids[i]);
  return seats;
}

static void
show_error (SbBlockDialog *self, const char *text)
{
  gtk_label_set_label (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
  self->showing_limit = FALSE;
}

static void
update (SbBlockDialog *self)
{
  g_autoptr (GPtrArray) seats = chosen_seats (self);
  g_autofree char *reason
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_entry))));
  gboolean too_many = seats->len > SB_MAX_SEATS_PER_REQUEST;

  /* The server takes 50 seats at a time: said before Unblock is pressed, not after. */
  if (too_many && !gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    {
      g_autofree char *text = g_strdup_printf (
          /* Translators: %u is the most seats one request may name (50) */
          _ ("At most %u seats at a time: untick some and unblock them afterwards."),
          SB_MAX_SEATS_PER_REQUEST);

      show_error (self, text);
      self->showing_limit = TRUE;
    }
  else if (!too_many && self->showing_limit)
    show_error (self, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button),
                            !self->busy && *reason != '\0' && seats->len > 0 && !too_many);
}

/* What the server refused, in words; seats: those sent. */
static char *
describe_refusal (SbBlockDialog *self,
                  const GError *error,
                  const SbErrorMessage *error_reply,
                  const char *const *seats)
{
  if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_SEAT_UNAVAILABLE) && error_reply != NULL
      && error_reply->seats != NULL && error_reply->seats[0] != NULL)
    {
      guint n_seats;
      g_autofree char *names
          = describe_seats (self, (const char *const *) error_reply->seats, &n_seats);

      return g_strdup_printf (
          self->unblock
              /* Translators: %s names one or more seats, e.g. "Row C seat 7 (Stalls)" */
              ? ngettext ("%s cannot be unblocked now.", "%s cannot be unblocked now.", n_seats)
              /* Translators: %s names one or more seats, e.g. "Row C seat 7 (Stalls)" */
              : ngettext ("%s cannot be blocked: it is no longer free or held by you.",
                          "%s cannot be blocked: they are no longer free or held by you.", n_seats),
          names);
    }
  if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_FORBIDDEN))
    return g_strdup (_ ("Only managers can block and unblock seats."));
  if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST) && error_reply != NULL
      && error_reply->message != NULL)
    {
      g_auto (GStrv) words = g_strsplit_set (error_reply->message, " ,", -1);
      g_autoptr (GStrvBuilder) named = g_strv_builder_new ();
      g_auto (GStrv) named_seats = NULL;

      /* An unblock of seats that are not blocked (any more), or that the venue blocks, is
       * refused naming them by id: named here in words. */
      for (guint i = 0; words[i] != NULL; i++)
        if (words[i][0] != '\0' && g_strv_contains (seats, words[i]))
          g_strv_builder_add (named, words[i]);
      named_seats = g_strv_builder_end (named);
      if (self->unblock && named_seats[0] != NULL)
        {
          guint n_seats;
          g_autofree char *names
              = describe_seats (self, (const char *const *) named_seats, &n_seats);

          return g_strdup_printf (
              /* Translators: %s names one or more seats, e.g. "Row C seat 7 (Stalls)" */
              ngettext ("%s cannot be unblocked: it is not blocked any more, or the venue "
                        "blocks it.",
                        "%s cannot be unblocked: they are not blocked any more, or the venue "
                        "blocks them.",
                        n_seats),
              names);
        }
      if (error_reply->field != NULL)
        /* Translators: %1$s is the request's field the server refused ("reason"), %2$s the
         * server's own words (English) */
        return g_strdup_printf (_ ("The server refused the field “%1$s”: %2$s"), error_reply->field,
                                error_reply->message);
      /* Translators: %s is the server's own words (English), e.g. 'field "reason" must say why' */
      return g_strdup_printf (_ ("The server refused the request: %s"), error_reply->message);
    }
  if (error->domain == SB_PROTOCOL_ERROR)
    return g_strdup (sb_error_code_get_message ((SbErrorCode) error->code));
  return g_strdup (error->message);
}

typedef struct
{
  SbBlockDialog *self; /* not a reference: the cancellable says whether it is gone */
  char **seats;        /* those sent */
} Sent;

static void
sent_free (Sent *sent)
{
  g_strfreev (sent->seats);
  g_free (sent);
}

static void
sent_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Sent *sent = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SbErrorMessage) error_reply = NULL;
  g_autoptr (SbMessage) reply
      = sb_connection_send_finish (SB_CONNECTION (source), result, &error_reply, &error);
  SbBlockDialog *self;
  SbMessageType expected;

  /* The dialog was closed (its cancellable fired in dispose): the reply has no one to tell, and
   * the seats change on the map through the broadcast all the same. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      sent_free (sent);
      return;
    }
  self = sent->self;
  self->busy = FALSE;
  expected = self->unblock ? SB_MESSAGE_UNBLOCKED : SB_MESSAGE_BLOCKED;

  if (reply == NULL || reply->type != expected)
    {
      g_autofree char *why
          = reply != NULL
                ? g_strdup (_ ("The server answered with something else."))
                : describe_refusal (self, error, error_reply, (const char *const *) sent->seats);

      /* The reason and the ticks stay as they were typed, to be corrected and sent again. */
      show_error (self, why);
      update (self);
      sent_free (sent);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_DONE], 0,
                 reply->blocked->seats != NULL ? reply->blocked->seats : sent->seats);
  sent_free (sent);
  gtk_window_close (GTK_WINDOW (self));
}

static void
confirm_clicked_cb (SbBlockDialog *self)
{
  g_autoptr (GPtrArray) seats = chosen_seats (self);
  g_autofree char *reason
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_entry))));
  SbRequest *request;
  Sent *sent;

  if (self->busy || *reason == '\0' || seats->len == 0 || seats->len > SB_MAX_SEATS_PER_REQUEST)
    return;
  g_ptr_array_add (seats, NULL);
  request = sb_connection_new_request (self->connection,
                                       self->unblock ? SB_REQUEST_UNBLOCK : SB_REQUEST_BLOCK);
  request->event_id = g_strdup (self->event_id);
  request->seats = g_strdupv ((char **) seats->pdata);
  request->reason = g_steal_pointer (&reason);
  sent = g_new0 (Sent, 1);
  sent->self = self;
  sent->seats = g_strdupv ((char **) seats->pdata);
  self->busy = TRUE;
  show_error (self, NULL);
  update (self);
  sb_connection_send_async (self->connection, request, self->cancellable, sent_cb, sent);
}

static void
add_seats (SbBlockDialog *self)
{
  int natural = 0;

  for (guint i = 0; self->seat_ids[i] != NULL; i++)
    {
      g_autofree char *name = describe_seat (self, self->seat_ids[i]);
      GtkWidget *widget;

      if (self->unblock)
        {
          widget = gtk_check_button_new_with_label (name);
          g_signal_connect_swapped (widget, "toggled", G_CALLBACK (update), self);
          g_ptr_array_add (self->seat_checks, widget);
        }
      else
        {
          widget = gtk_label_new (name);
          gtk_label_set_xalign (GTK_LABEL (widget), 0);
          gtk_label_set_wrap (GTK_LABEL (widget), TRUE);
        }
      gtk_box_append (self->seats_box, widget);
    }
  /* The window's first size would show a scrolled window's minimum, a line or two: a few seats
   * are shown whole, more scroll. */
  gtk_widget_measure (GTK_WIDGET (self->seats_box), GTK_ORIENTATION_VERTICAL, -1, NULL, &natural,
                      NULL, NULL);
  gtk_scrolled_window_set_min_content_height (
      self->seats_scroll,
      MIN (natural, gtk_scrolled_window_get_max_content_height (self->seats_scroll)));
}

static void
sb_block_dialog_dispose (GObject *object)
{
  SbBlockDialog *self = SB_BLOCK_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->connection);
  g_clear_weak_pointer (&self->seat_map);

  G_OBJECT_CLASS (sb_block_dialog_parent_class)->dispose (object);
}

static void
sb_block_dialog_finalize (GObject *object)
{
  SbBlockDialog *self = SB_BLOCK_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_free (self->event_id);
  g_strfreev (self->seat_ids);
  g_ptr_array_unref (self->seat_checks);

  G_OBJECT_CLASS (sb_block_dialog_parent_class)->finalize (object);
}

static void
sb_block_dialog_class_init (SbBlockDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_block_dialog_dispose;
  object_class->finalize = sb_block_dialog_finalize;

  signals[SIGNAL_DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRV);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/seatbook/Seatbook/sb-block-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SbBlockDialog, title);
  gtk_widget_class_bind_template_child (widget_class, SbBlockDialog, seats_heading);
  gtk_widget_class_bind_template_child (widget_class, SbBlockDialog, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, SbBlockDialog, seats_scroll);
  gtk_widget_class_bind_template_child (widget_class, SbBlockDialog, seats_box);
  gtk_widget_class_bind_template_child (widget_class, SbBlockDialog, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, SbBlockDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, SbBlockDialog, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, SbBlockDialog, confirm_label);
  gtk_widget_class_bind_template_callback (widget_class, update);
  gtk_widget_class_bind_template_callback (widget_class, confirm_clicked_cb);
}

static void
sb_block_dialog_init (SbBlockDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->seat_checks = g_ptr_array_new ();
}

SbBlockDialog *
sb_block_dialog_new (GtkWindow *parent,
                     SbConnection *connection,
                     const char *event_id,
                     SbSeatMap *seat_map,
                     gboolean unblock,
                     const char *const *seat_ids)
{
  SbBlockDialog *self;
  const char *title;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SB_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (event_id != NULL, NULL);
  g_return_val_if_fail (seat_map == NULL || SB_IS_SEAT_MAP (seat_map), NULL);
  g_return_val_if_fail (seat_ids != NULL && seat_ids[0] != NULL, NULL);

  self = g_object_new (SB_TYPE_BLOCK_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
  self->connection = g_object_ref (connection);
  g_set_weak_pointer (&self->seat_map, seat_map);
  self->event_id = g_strdup (event_id);
  self->seat_ids = g_strdupv ((char **) seat_ids);
  self->unblock = unblock;

  title = unblock ? _ ("Unblock Seats") : _ ("Block Seats");
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->title, title);
  if (unblock)
    {
      gtk_label_set_label (self->seats_heading, _ ("Seats to Unblock"));
      gtk_label_set_label (
          self->explanation_label,
          _ ("Seats that a block took out of sale: the ones ticked go back on sale. "
             "Seats the venue itself blocks are not listed."));
      gtk_label_set_text_with_mnemonic (self->confirm_label, _ ("_Unblock"));
      gtk_widget_add_css_class (GTK_WIDGET (self->confirm_button), "suggested-action");
    }
  else
    {
      gtk_label_set_label (self->seats_heading, _ ("Seats to Block"));
      gtk_label_set_label (self->explanation_label,
                           _ ("The seats you hold are taken out of sale until they are "
                              "unblocked."));
      gtk_label_set_text_with_mnemonic (self->confirm_label, _ ("_Block"));
      gtk_widget_add_css_class (GTK_WIDGET (self->confirm_button), "destructive-action");
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->seats_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_label_get_label (self->seats_heading), -1);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->confirm_button));
  add_seats (self);
  update (self);
  return self;
}

const char *
sb_block_dialog_get_event_id (SbBlockDialog *self)
{
  g_return_val_if_fail (SB_IS_BLOCK_DIALOG (self), NULL);

  return self->event_id;
}

gboolean
sb_block_dialog_get_unblock (SbBlockDialog *self)
{
  g_return_val_if_fail (SB_IS_BLOCK_DIALOG (self), FALSE);

  return self->unblock;
}
