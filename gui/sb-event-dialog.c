/* sb-event-dialog.c: creating an event from the app (sb-event-dialog.h). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-event-dialog.h"
#include "sb-event-form.h"
#include "sb-event-item.h"
#include "sb-protocol.h"
#include "sb-util.h"

struct _SbEventDialog
{
  AdwWindow parent_instance;

  GtkEntry *event_id_entry;
  GtkEntry *name_entry;
  GtkBox *venue_box;
  GtkCheckButton *file_check; /* the chosen venue file; grouped with a radio per store venue */
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
  GFile *venue_file;        /* the chosen file, read again at each Create */
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

/* The id of the store's venue whose radio is active, or NULL (none, or the file's). */
static const char *
chosen_venue_id (SbEventDialog *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->venue_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_CHECK_BUTTON (child) && gtk_check_button_get_active (GTK_CHECK_BUTTON (child)))
      return g_object_get_data (G_OBJECT (child), "venue-id");
  return NULL;
}

static gboolean
file_is_chosen (SbEventDialog *self)
{
  return self->venue_file != NULL && gtk_check_button_get_active (self->file_check);
}

static void
update (SbEventDialog *self)
{
  /* What the protocol requires; everything else the server judges. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button),
                            !self->busy && !is_blank (self->event_id_entry)
                                && !is_blank (self->name_entry)
                                && (file_is_chosen (self) || chosen_venue_id (self) != NULL));
}

/* The venue file's text, read now: a file fixed in an editor after a refusal is sent as it is
 * now. NULL, with the words to show, when it cannot be sent. */
static char *
read_venue_file (GFile *file, char **out_why)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *contents = NULL;
  gsize length = 0;

  /* A venue file is a few kilobytes: read at once. */
  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &error))
    {
      /* Translators: %1$s is a file name, %2$s why it could not be read */
      *out_why = g_strdup_printf (_ ("Cannot read %1$s: %2$s"), name, error->message);
      return NULL;
    }
  /* The text goes inside one frame of the protocol, with the rest of the request. */
  if (length > SB_MAX_FRAME_BYTES - 4096)
    {
      /* Translators: %s is a file name */
      *out_why = g_strdup_printf (
          _ ("%s is too large to send: create the event with “seatbook-server create-event” "
             "and reuse its venue."),
          name);
      return NULL;
    }
  if (!g_utf8_validate_len (contents, length, NULL))
    {
      /* Translators: %s is a file name */
      *out_why = g_strdup_printf (_ ("%s is not a text file (UTF-8)."), name);
      return NULL;
    }
  return g_steal_pointer (&contents);
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
  g_autofree char *venue_text = NULL;
  SbEventForm form = {
    .event_id = text_of (self->event_id_entry),
    .name = text_of (self->name_entry),
    .venue_id = chosen_venue_id (self),
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
  if (file_is_chosen (self))
    {
      g_autofree char *why = NULL;

      venue_text = read_venue_file (self->venue_file, &why);
      if (venue_text == NULL)
        {
          show_error (self, why);
          return;
        }
      form.venue_text = venue_text;
    }
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
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;
  g_autofree char *why = NULL;
  g_autofree char *text = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    goto out;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  /* Read once now to say at once what is wrong with it; sent as it is at Create. */
  text = read_venue_file (file, &why);
  if (text == NULL)
    {
      show_error (self, why);
      goto out;
    }
  name = g_file_get_basename (file);
  g_set_object (&self->venue_file, file);
  /* Translators: %s is the name of the venue file chosen in the New Event dialog */
  label = g_strdup_printf (_ ("Venue file %s"), name);
  gtk_check_button_set_label (self->file_check, label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->file_check),
                               g_file_peek_path (file) != NULL ? g_file_peek_path (file) : name);
  gtk_widget_set_sensitive (GTK_WIDGET (self->file_check), TRUE);
  gtk_check_button_set_active (self->file_check, TRUE);
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
  g_clear_object (&self->venue_file);

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
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, venue_box);
  gtk_widget_class_bind_template_child (widget_class, SbEventDialog, file_check);
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

/* A radio button per venue the listed events were created from (each venue once, in the list's
 * order), before the venue file's; the current event's venue is chosen. */
static void
add_store_venues (SbEventDialog *self, GListModel *events, const char *current_venue_id)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  GtkWidget *file_row = gtk_widget_get_first_child (GTK_WIDGET (self->venue_box));
  GtkCheckButton *first = NULL;
  guint n_items = g_list_model_get_n_items (events);

  /* Two venues of one name are told apart by their ids. */
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (SbEventItem) item = g_list_model_get_item (events, i);
      const char *id = sb_event_item_get_venue_id (item);
      const char *name = sb_event_item_get_venue (item);
      const char *other = g_hash_table_lookup (names, name);

      if (id != NULL)
        g_hash_table_insert (names, (gpointer) name,
                             other == NULL || g_str_equal (other, id) ? (gpointer) id
                                                                      : (gpointer) "");
    }
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (SbEventItem) item = g_list_model_get_item (events, i);
      const char *id = sb_event_item_get_venue_id (item);
      const char *name = sb_event_item_get_venue (item);
      g_autofree char *label = NULL;
      GtkWidget *radio;

      if (id == NULL || !g_hash_table_add (seen, (gpointer) id))
        continue;
      if (*(const char *) g_hash_table_lookup (names, name) == '\0')
        /* Translators: a venue in the New Event dialog when two have the same name: its name and
         * its id, e.g. "Grand Theatre (grand-theatre)" */
        label = g_strdup_printf (_ ("%1$s (%2$s)"), name, id);
      else
        label = g_strdup (name);
      radio = gtk_check_button_new_with_label (label);
      g_object_set_data_full (G_OBJECT (radio), "venue-id", g_strdup (id), g_free);
      gtk_widget_set_tooltip_text (radio, id);
      gtk_check_button_set_group (GTK_CHECK_BUTTON (radio), self->file_check);
      g_signal_connect_swapped (radio, "toggled", G_CALLBACK (update), self);
      gtk_box_insert_child_after (self->venue_box, radio, gtk_widget_get_prev_sibling (file_row));
      if (first == NULL || g_strcmp0 (id, current_venue_id) == 0)
        first = GTK_CHECK_BUTTON (radio);
    }
  if (first != NULL)
    gtk_check_button_set_active (first, TRUE);
}

SbEventDialog *
sb_event_dialog_new (GtkWindow *parent,
                     SbConnection *connection,
                     GListModel *events,
                     const char *current_venue_id)
{
  SbEventDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SB_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (events), NULL);

  self = g_object_new (SB_TYPE_EVENT_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
  self->connection = g_object_ref (connection);
  add_store_venues (self, events, current_venue_id);
  update (self);
  return self;
}
