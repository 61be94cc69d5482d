/* sb-window-holds.c: how the window shows that holds end: the countdown of the open event's hold
 * with its Extend button, a warning in the last minute, a message when a hold has expired, and
 * the desk's holds in other events, so that none is forgotten (selecting one opens its event). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-window-private.h"

/* From this many seconds left on, the hold shows the warning. */
#define WARNING_SECONDS 60

static void
update_countdown (SbWindow *self)
{
  int seconds = sb_desk_get_seconds_left (self->desk);
  gboolean warning = seconds >= 0 && seconds <= WARNING_SECONDS;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (self->hold_box, seconds >= 0);
  if (seconds < 0)
    return;

  /* Translators: the time left on a hold, in minutes:seconds */
  text = g_strdup_printf (_ ("Expires in %d:%02d"), seconds / 60, seconds % 60);
  gtk_label_set_label (self->countdown_label, text);
  /* Colour and words: the colour alone says nothing to a screen reader or without colour. */
  if (warning)
    gtk_widget_add_css_class (GTK_WIDGET (self->countdown_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->countdown_label), "warning");
  gtk_widget_set_visible (GTK_WIDGET (self->hold_warning_label), warning);
}

static char *
event_name (SbWindow *self, const char *event_id)
{
  SbEventItem *item = sb_desk_lookup_event (self->desk, event_id, NULL);

  return g_strdup (item != NULL ? sb_event_item_get_name (item) : event_id);
}

static char *
other_hold_subtitle (const SbDeskHoldSummary *summary)
{
  /* Translators: a hold in another event: "<n> seats · expires in <m:ss>" */
  return g_strdup_printf (
      ngettext ("%u seat · expires in %d:%02d", "%u seats · expires in %d:%02d", summary->n_seats),
      summary->n_seats, summary->seconds_left / 60, summary->seconds_left % 60);
}

/* Rows are updated in place while they stand for the same events, so that the once-a-second
 * update neither loses the keyboard focus nor makes a screen reader read a new list. */
static void
update_other_holds (SbWindow *self)
{
  g_autoptr (GPtrArray) summaries = sb_desk_dup_other_event_holds (self->desk);
  gboolean same = TRUE;
  GtkListBoxRow *row;

  for (guint i = 0; same && i <= summaries->len; i++)
    {
      row = gtk_list_box_get_row_at_index (self->other_holds_list, (int) i);
      if (i == summaries->len)
        same = row == NULL;
      else
        same = row != NULL
               && g_strcmp0 (g_object_get_data (G_OBJECT (row), "event-id"),
                             ((SbDeskHoldSummary *) g_ptr_array_index (summaries, i))->event_id)
                      == 0;
    }

  if (!same)
    {
      while ((row = gtk_list_box_get_row_at_index (self->other_holds_list, 0)) != NULL)
        gtk_list_box_remove (self->other_holds_list, GTK_WIDGET (row));
      for (guint i = 0; i < summaries->len; i++)
        {
          const SbDeskHoldSummary *summary = g_ptr_array_index (summaries, i);
          GtkWidget *new_row = adw_action_row_new ();

          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (new_row), TRUE);
          adw_action_row_add_suffix (ADW_ACTION_ROW (new_row),
                                     gtk_image_new_from_icon_name ("go-next-symbolic"));
          g_object_set_data_full (G_OBJECT (new_row), "event-id", g_strdup (summary->event_id),
                                  g_free);
          gtk_list_box_append (self->other_holds_list, new_row);
        }
    }

  for (guint i = 0; i < summaries->len; i++)
    {
      const SbDeskHoldSummary *summary = g_ptr_array_index (summaries, i);
      g_autofree char *title = event_name (self, summary->event_id);
      g_autofree char *subtitle = other_hold_subtitle (summary);

      row = gtk_list_box_get_row_at_index (self->other_holds_list, (int) i);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
  gtk_widget_set_visible (self->other_holds_box, summaries->len > 0);
}

void
_sb_window_other_hold_activated (SbWindow *self, GtkListBoxRow *row)
{
  const char *event_id = g_object_get_data (G_OBJECT (row), "event-id");

  if (event_id != NULL)
    sb_desk_open_event (self->desk, event_id);
}

static void
hold_expired_cb (SbWindow *self, const char *event_id, guint n_seats)
{
  g_autofree char *message = NULL;

  if (g_strcmp0 (event_id, sb_desk_get_event_id (self->desk)) == 0)
    /* Translators: %u is a number of seats */
    message = g_strdup_printf (ngettext ("Your hold on %u seat has expired.",
                                         "Your hold on %u seats has expired.", n_seats),
                               n_seats);
  else
    {
      g_autofree char *name = event_name (self, event_id);

      /* Translators: %u is a number of seats, %s the name of an event */
      message = g_strdup_printf (ngettext ("Your hold on %u seat in %s has expired.",
                                           "Your hold on %u seats in %s has expired.", n_seats),
                                 n_seats, name);
    }
  _sb_window_show_message (self, message);
}

void
_sb_window_holds_init (SbWindow *self)
{
  g_signal_connect_object (self->desk, "notify::seconds-left", G_CALLBACK (update_countdown), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->desk, "hold-expired", G_CALLBACK (hold_expired_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->desk, "holds-changed", G_CALLBACK (update_other_holds), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->desk, "tick", G_CALLBACK (update_other_holds), self,
                           G_CONNECT_SWAPPED);
  /* The rows name events: a new listing may name them better. */
  g_signal_connect_object (self->desk, "events-listed", G_CALLBACK (update_other_holds), self,
                           G_CONNECT_SWAPPED);
  /* Opening another event moves holds between the countdown and the list. */
  g_signal_connect_object (self->desk, "notify::event-id", G_CALLBACK (update_other_holds), self,
                           G_CONNECT_SWAPPED);
  update_countdown (self);
  update_other_holds (self);
}
