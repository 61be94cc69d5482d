/* sb-audit-dialog.c: a seat's or a booking's history, newest first, as the server's audit trail
 * records it. An entry that names a booking opens that booking's history. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-audit-dialog.h"
#include "sb-protocol.h"
#include "sb-util.h"

struct _SbAuditDialog
{
  AdwWindow parent_instance;

  AdwWindowTitle *title;
  GtkStack *stack;
  AdwStatusPage *status_page;
  GtkListBox *list;

  SbConnection *connection;
  SbSeatMap *seat_map; /* weak: names seats while the map shows the event */
  GCancellable *cancellable;
  char *event_id;
  char *seat_id;
  char *booking_id;
};

G_DEFINE_FINAL_TYPE (SbAuditDialog, sb_audit_dialog, ADW_TYPE_WINDOW)

const char *
sb_audit_action_get_title (const char *action)
{
  static const struct
  {
    const char *action;
    const char *title;
  } titles[] = {
    { "hold", N_ ("Held") },
    { "extend", N_ ("Hold extended") },
    { "release", N_ ("Released") },
    { "book", N_ ("Booked") },
    { "expire", N_ ("Hold expired") },
    { "sign_in", N_ ("Signed in") },
    { "sign_in_failed", N_ ("Sign-in failed") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_strcmp0 (action, titles[i].action) == 0)
      return _ (titles[i].title);
  /* A newer server's action: its own name is the best we have. */
  return action;
}

/* The seats of an entry by the names the map gives them, or their ids. */
static char *
describe_seats (SbAuditDialog *self, char **seats)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  SbVenue *venue = self->seat_map != NULL ? sb_seat_map_get_venue (self->seat_map) : NULL;

  for (guint i = 0; seats != NULL && seats[i] != NULL; i++)
    {
      guint index;

      if (venue != NULL && sb_venue_lookup_seat (venue, seats[i], &index))
        g_ptr_array_add (names, sb_seat_map_describe_seat (self->seat_map, index));
      else
        g_ptr_array_add (names, g_strdup (seats[i]));
    }
  return sb_join_list ((const char *const *) names->pdata, names->len);
}

static char *
format_time (gint64 at_ms)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (at_ms / 1000);
  g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  /* Translators: when an audit entry happened, in g_date_time_format() notation.
   * xgettext:no-c-format */
  return local != NULL ? g_date_time_format (local, C_ ("audit time", "%a %-d %b, %H:%M:%S"))
                       : g_strdup ("?");
}

static void open_booking_cb (GtkButton *button, SbAuditDialog *self);

static GtkWidget *
create_entry_row (SbAuditDialog *self, const SbAuditEntry *entry)
{
  GtkWidget *row = adw_action_row_new ();
  const char *account = entry->account != NULL && *entry->account != '\0' ? entry->account : NULL;
  g_autofree char *title = NULL;
  g_autofree char *when = format_time (entry->at);
  g_autofree char *seats = describe_seats (self, entry->seats);
  g_autoptr (GString) subtitle = g_string_new (when);

  if (account != NULL)
    /* Translators: an audit entry: "<what happened> by <account>", e.g. "Booked by anna" */
    title = g_strdup_printf (C_ ("audit", "%s by %s"), sb_audit_action_get_title (entry->action),
                             account);
  else
    title = g_strdup (sb_audit_action_get_title (entry->action));

  if (*seats != '\0')
    g_string_append_printf (subtitle, " · %s", seats);
  if (entry->desk != NULL && *entry->desk != '\0')
    /* Translators: the desk (app instance) an audit entry came from; %s is its short id */
    g_string_append_printf (subtitle, C_ ("audit", " · desk %.8s"), entry->desk);
  if (entry->booking != NULL)
    /* Translators: %s is a booking reference */
    g_string_append_printf (subtitle, C_ ("audit", " · booking %s"), entry->booking);
  if (entry->detail != NULL && *entry->detail != '\0')
    g_string_append_printf (subtitle, " · %s", entry->detail);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);

  /* From a seat's history to its booking's: the other seats booked with it, a release after. */
  if (entry->booking != NULL && self->booking_id == NULL)
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("go-next-symbolic");
      /* Translators: a button's name; %s is a booking reference */
      g_autofree char *name = g_strdup_printf (_ ("History of Booking %s"), entry->booking);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                      -1);
      g_object_set_data_full (G_OBJECT (button), "booking", g_strdup (entry->booking), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (open_booking_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

static void
show_status (SbAuditDialog *self, const char *icon_name, const char *title, const char *description)
{
  adw_status_page_set_icon_name (self->status_page, icon_name);
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_stack_set_visible_child_name (self->stack, "status");
}

static void
audit_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbMessage) reply
      = sb_connection_send_finish (SB_CONNECTION (source), result, NULL, &error);
  SbAuditDialog *self;
  GPtrArray *entries;

  /* Cancelled only when the dialog goes: data is not to be touched then. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SB_AUDIT_DIALOG (data);

  if (reply == NULL)
    {
      const char *why = error->domain == SB_PROTOCOL_ERROR
                            ? sb_error_code_get_message ((SbErrorCode) error->code)
                            : error->message;

      if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_FORBIDDEN))
        why = _ ("Only managers can see a seat's or booking's history.");
      show_status (self, "dialog-warning-symbolic", _ ("No History"), why);
      return;
    }
  if (reply->type != SB_MESSAGE_AUDIT_LOG)
    {
      show_status (self, "dialog-warning-symbolic", _ ("No History"),
                   _ ("The server answered with something else than a history."));
      return;
    }

  entries = reply->audit_log->entries;
  if (entries == NULL || entries->len == 0)
    {
      show_status (self, "document-open-recent-symbolic", _ ("Nothing Recorded"),
                   self->booking_id != NULL ? _ ("Nothing was recorded about this booking.")
                                            : _ ("Nothing was recorded about this seat yet."));
      return;
    }
  /* The server sends the oldest first; people look for what happened last. */
  for (guint i = entries->len; i > 0; i--)
    gtk_list_box_append (self->list, create_entry_row (self, g_ptr_array_index (entries, i - 1)));
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
request_history (SbAuditDialog *self)
{
  SbRequest *request = sb_connection_new_request (self->connection, SB_REQUEST_AUDIT);

  request->event_id = g_strdup (self->event_id);
  request->seat_id = g_strdup (self->seat_id);
  request->booking_id = g_strdup (self->booking_id);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  /* The dialog outlives the request: dispose cancels it. */
  sb_connection_send_async (self->connection, request, self->cancellable, audit_cb, self);
}

static void
open_booking_cb (GtkButton *button, SbAuditDialog *self)
{
  const char *booking = g_object_get_data (G_OBJECT (button), "booking");
  /* Translators: the subject of a booking's history; %s is the booking reference */
  g_autofree char *subject = g_strdup_printf (_ ("Booking %s"), booking);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  SbAuditDialog *dialog
      = sb_audit_dialog_new (parent != NULL ? parent : GTK_WINDOW (self), self->connection,
                             self->event_id, NULL, booking, subject, self->seat_map);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sb_audit_dialog_dispose (GObject *object)
{
  SbAuditDialog *self = SB_AUDIT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->connection);
  g_clear_weak_pointer (&self->seat_map);

  G_OBJECT_CLASS (sb_audit_dialog_parent_class)->dispose (object);
}

static void
sb_audit_dialog_finalize (GObject *object)
{
  SbAuditDialog *self = SB_AUDIT_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_free (self->event_id);
  g_free (self->seat_id);
  g_free (self->booking_id);

  G_OBJECT_CLASS (sb_audit_dialog_parent_class)->finalize (object);
}

static void
sb_audit_dialog_class_init (SbAuditDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_audit_dialog_dispose;
  object_class->finalize = sb_audit_dialog_finalize;

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/seatbook/Seatbook/sb-audit-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SbAuditDialog, title);
  gtk_widget_class_bind_template_child (widget_class, SbAuditDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, SbAuditDialog, status_page);
  gtk_widget_class_bind_template_child (widget_class, SbAuditDialog, list);
}

static void
sb_audit_dialog_init (SbAuditDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

SbAuditDialog *
sb_audit_dialog_new (GtkWindow *parent,
                     SbConnection *connection,
                     const char *event_id,
                     const char *seat_id,
                     const char *booking_id,
                     const char *subject,
                     SbSeatMap *seat_map)
{
  SbAuditDialog *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SB_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (event_id != NULL, NULL);
  g_return_val_if_fail ((seat_id == NULL) != (booking_id == NULL), NULL);
  g_return_val_if_fail (subject != NULL, NULL);
  g_return_val_if_fail (seat_map == NULL || SB_IS_SEAT_MAP (seat_map), NULL);

  self = g_object_new (SB_TYPE_AUDIT_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
  self->connection = g_object_ref (connection);
  g_set_weak_pointer (&self->seat_map, seat_map);
  self->event_id = g_strdup (event_id);
  self->seat_id = g_strdup (seat_id);
  self->booking_id = g_strdup (booking_id);

  /* Translators: the history window's title; %s names a seat or a booking */
  title = g_strdup_printf (_ ("History of %s"), subject);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_subtitle (self->title, subject);
  request_history (self);
  return self;
}
