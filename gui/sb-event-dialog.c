/* sb-event-dialog.c: creating an event from the app (sb-event-dialog.h). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-event-dialog.h"
#include "sb-event-form.h"
#include "sb-protocol.h"
#include "sb-util.h"

struct _SbEventDialog
{
  AdwWindow parent_instance;

  GtkEntry *event_id_entry;
  GtkEntry *name_entry;
  GtkLabel *venue_file_label;
  GtkWidget *venue_button;
  GtkEntry *starts_date_entry;
  GtkEntry *starts_time_entry;
  GtkEntry *zone_entry;
  GtkEntry *open_date_entry;
  GtkEntry *open_time_entry;
  GtkEntry *close_date_entry;
  GtkEntry *close_time_entry;
  GtkLabel *error_label;
  GtkButton *create_button;

  SbConnection *connection;
  GCancellable *cancellable;
  GtkNativeDialog *chooser; /* while choosing the venue file */
  char *venue_text;         /* the chosen file's text, or NULL */
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (SbEventDialog, sb_event_dialog, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_CREATED,
  N_SIGNALS,
};
static guint signals[N_SIGNALS];

static const char *
text_of (GtkEntry *entry)
{
  return gtk_editable_get_text (GTK_EDITABLE (entry));
}

static gboolean
is_blank (GtkEntry *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (text_of (entry)));

  return *text == '\0';
}

static void
show_error (SbEventDialog *self, const char *text)
{
  gtk_label_set_label (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static void
update (SbEventDialog *self)
{
  /* What the protocol requires; everything else the server judges. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button),
                            !self->busy && !is_blank (self->event_id_entry)
                                && !is_blank (self->name_entry) && self->venue_text != NULL);
}

/* The widget that holds a field of create_event, to put the focus on when it is refused. */
static GtkWidget *
widget_of_field (SbEventDialog *self, const char *field)
{
  if (field == NULL)
    return NULL;
  if (g_str_equal (field, "event"))
    return GTK_WIDGET (self->event_id_entry);
  if (g_str_equal (field, "name"))
    return GTK_WIDGET (self->name_entry);
  if (g_str_equal (field, "venue") || g_str_equal (field, "venue_text"))
    return self->venue_button;
  if (g_str_equal (field, "time_zone"))
    return GTK_WIDGET (self->zone_entry);
  if (g_str_equal (field, "starts_at"))
    return GTK_WIDGET (self->starts_date_entry);
  if (g_str_equal (field, "sales_open"))
    return GTK_WIDGET (self->open_date_entry);
  if (g_str_equal (field, "sales_close"))
    return GTK_WIDGET (self->close_date_entry);
  return NULL;
}

/* What the server refused, in words naming the field. */
static char *
describe_refusal (SbEventDialog *self,
                  const GError *error,
                  const SbErrorMessage *error_reply,
                  char **out_field)
{
  const char *message = error_reply != NULL ? error_reply->message : NULL;
  g_autofree char *field
      = error_reply != NULL ? sb_event_form_field_at_fault (error_reply->field, message) : NULL;
  const char *words = sb_event_form_describe_field (field);

  *out_field = g_strdup (field);
  if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_EXISTS))
    /* Translators: %s is the event id typed into the New Event dialog */
    return g_strdup_printf (_ ("An event with the ID “%s” exists already: choose another ID."),
                            text_of (self->event_id_entry));
  if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_FORBIDDEN))
    return g_strdup (_ ("Only managers can create events and close sales."));
  if (g_strcmp0 (field, "venue_text") == 0 && message != NULL)
    /* Translators: %s is the venue loader's message (English), starting with the place in the
     * file: "venue_text:3:5: …" (line 3, column 5) or the path of the member at fault */
    return g_strdup_printf (_ ("The venue file was refused: %s"), message);
  if (words != NULL && message != NULL)
    /* Translators: %1$s is a field of the New Event dialog ("Sales close"), %2$s the server's own
     * words (English) */
    return g_strdup_printf (_ ("The server refused “%1$s”: %2$s"), words, message);
  if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST) && message != NULL)
    /* Translators: %s is the server's own words (English), e.g. 'field "reason" must say why' */
    return g_strdup_printf (_ ("The server refused the request: %s"), message);
  if (error->domain == SB_PROTOCOL_ERROR)
    return g_strdup (sb_error_code_get_message ((SbErrorCode) error->code));
  return g_strdup (error->message);
}

static void
sent_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbErrorMessage) error_reply = NULL;
  g_autoptr (SbMessage) reply
      = sb_connection_send_finish (SB_CONNECTION (source), result, &error_reply, &error);
  SbEventDialog *self = data;
  const SbEventSummary *summary;

  /* The dialog was closed (its cancellable fired in dispose): the list shows the event all the
   * same, through the server's unasked `events`. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  if (reply == NULL || reply->type != SB_MESSAGE_EVENT_CREATED || reply->events->events->len == 0)
    {
      g_autofree char *field = NULL;
      g_autofree char *why = reply != NULL
                                 ? g_strdup (_ ("The server answered with something else."))
                                 : describe_refusal (self, error, error_reply, &field);
      GtkWidget *at_fault = widget_of_field (self, field);

      /* Everything typed stays, to be corrected and sent again. */
      show_error (self, why);
      update (self);
      if (at_fault != NULL)
        gtk_widget_grab_focus (at_fault);
      return;
    }
  summary = g_ptr_array_index (reply->events->events, 0);
  g_signal_emit (self, signals[SIGNAL_CREATED], 0, summary->id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
create_clicked_cb (SbEventDialog *self)
{
  SbEventForm form = {
    .event_id = text_of (self->event_id_entry),
    .name = text_of (self->name_entry),
    .venue_text = self->venue_text,
    .time_zone = text_of (self->zone_entry),
    .date = text_of (self->starts_date_entry),
    .time = text_of (self->starts_time_entry),
    .sales_open_date = text_of (self->open_date_entry),
    .sales_open_time = text_of (self->open_time_entry),
    .sales_close_date = text_of (self->close_date_entry),
    .sales_close_time = text_of (self->close_time_entry),
  };
  SbRequest *request;

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->create_button)))
    return;
  request = sb_connection_new_request (self->connection, SB_REQUEST_CREATE_EVENT);
  sb_event_form_fill_request (&form, request);
  self->busy = TRUE;
  show_error (self, NULL);
  update (self);
  sb_connection_send_async (self->connection, request, self->cancellable, sent_cb, self);
}

static void
venue_chosen_cb (GtkNativeDialog *chooser, int response, gpointer data)
{
  SbEventDialog *self = data;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  gsize length = 0;

  if (response != GTK_RESPONSE_ACCEPT)
    goto out;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  name = g_file_get_basename (file);
  /* A venue file is a few kilobytes: read at once. */
  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &error))
    {
      /* Translators: %1$s is a file name, %2$s why it could not be read */
      g_autofree char *text = g_strdup_printf (_ ("Cannot read %1$s: %2$s"), name, error->message);

      show_error (self, text);
      goto out;
    }
  /* The text goes inside one frame of the protocol, with the rest of the request. */
  if (length > SB_MAX_FRAME_BYTES - 4096)
    {
      /* Translators: %s is a file name */
      g_autofree char *text = g_strdup_printf (
          _ ("%s is too large to send: create the event with “seatbook-server create-event” "
             "and reuse its venue."),
          name);

      show_error (self, text);
      goto out;
    }
  if (!g_utf8_validate_len (contents, length, NULL))
    {
      /* Translators: %s is a file name */
      g_autofree char *text = g_strdup_printf (_ ("%s is not a text file (UTF-8)."), name);

      show_error (self, text);
      goto out;
    }
  g_free (self->venue_text);
  self->venue_text = g_steal_pointer (&contents);
  gtk_label_set_label (self->venue_file_label, name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->venue_file_label),
                               g_file_peek_path (file) != NULL ? g_file_peek_path (file) : name);
  show_error (self, NULL);

out:
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
  update (self);
}

static void
choose_venue_cb (SbEventDialog *self)
{
  g_autoptr (GtkFileFilter) json = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = GTK_NATIVE_DIALOG (
      gtk_file_chooser_native_new (_ ("Choose Venue File"), GTK_WINDOW (self),
                                   GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Open"), _ ("_Cancel")));
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  gtk_file_filter_set_name (json, _ ("Venue files (JSON)"));
  gtk_file_filter_add_suffix (json, "json");
  gtk_file_filter_set_name (all, _ ("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), json);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  g_signal_connect (self->chooser, "response", G_CALLBACK (venue_chosen_cb), self);
  gtk_native_dialog_show (self->chooser);
}

static void
sb_event_dialog_dispose (GObject *object)
{
  SbEventDialog *self = SB_EVENT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->connection);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);

  G_OBJECT_CLASS (sb_event_dialog_parent_class)->dispose (object);
}

static void
sb_event_dialog_finalize (GObject *object)
{
  SbEventDialog *self = SB_EVENT_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_free (self->venue_text);

  G_OBJECT_CLASS (sb_event_dialog_parent_class)->finalize (object);
}

static void
sb_event_dialog_class_init (SbEventDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_event_dialog_dispose;
  object_class->finalize = sb_event_dialog_finalize;

  signals[SIGNAL_CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/seatbook/Seatbook/sb-event-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, event_id_entry);
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, venue_file_label);
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, venue_button);
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, starts_date_entry);
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, starts_time_entry);
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, zone_entry);
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, open_date_entry);
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, open_time_entry);
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, close_date_entry);
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, close_time_entry);
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, create_button);
  gtk_widget_class_bind_template_callback (widget_class, update);
  gtk_widget_class_bind_template_callback (widget_class, create_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_venue_cb);
}

static void
sb_event_dialog_init (SbEventDialog *self)
{
  g_autofree char *zone = sb_event_form_default_time_zone ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_editable_set_text (GTK_EDITABLE (self->zone_entry), zone);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->create_button));
  update (self);
}

SbEventDialog *
sb_event_dialog_new (GtkWindow *parent, SbConnection *connection)
{
  SbEventDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SB_IS_CONNECTION (connection), NULL);

  self = g_object_new (SB_TYPE_EVENT_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
  self->connection = g_object_ref (connection);
  return self;
}
