/* sb-window.c: the main window.
 *
 * Left, the server's events; centre, the seat map of the open event and its legend; right, this
 * desk's seats (chosen and held), the total and the Hold / Book / Release buttons. The window
 * shows an SbDesk, which keeps the events, the holds and their countdown; what the buttons do is
 * in sb-window-actions.c. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-natural-width.h"
#include "sb-protocol.h"
#include "sb-startup-trace.h"
#include "sb-util.h"
#include "sb-window-private.h"

G_DEFINE_FINAL_TYPE (SbWindow, sb_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_panel (SbWindow *self);

/* Feedback */

void
_sb_window_show_message (SbWindow *self, const char *message)
{
  g_autofree char *after_drop = NULL;

  /* A reply that crossed a dropped connection says so, so that nothing seems to happen by
   * itself later. */
  if (self->next_message_after_drop)
    {
      self->next_message_after_drop = FALSE;
      /* Translators: %s is the outcome of a request, e.g. "Holding Row C seat 4 (Stalls)." */
      message = after_drop = g_strdup_printf (_ ("After the connection came back: %s"), message);
    }

  /* In the panel only, where it stays, above the total and the buttons. It used to be a toast
   * as well, which said it twice and, over the window's bottom centre, covered the legend, and
   * in a narrower window the buttons and the countdown. */
  gtk_label_set_label (self->feedback_label, message);
  gtk_widget_set_visible (self->feedback_box, TRUE);
  self->feedback_tells_hold = FALSE;
  /* A refusal's "Hold Anyway" goes with that refusal only. */
  _sb_window_anyway_withdraw (self);
}

/* A seat id as the clerk knows the seat: "Row C seat 7 (Stalls)"; the id for a seat the map
 * does not have. */
static char *
describe_seat_id (SbWindow *self, const char *seat_id)
{
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  guint index;

  if (venue != NULL && sb_venue_lookup_seat (venue, seat_id, &index))
    return sb_seat_map_describe_seat (self->seat_map, index);
  return g_strdup (seat_id);
}

char *
_sb_window_describe_lone_seat (SbWindow *self, const char *seat_id)
{
  g_autofree char *name = describe_seat_id (self, seat_id);

  /* Translators: the orphan rule's refusal; %s names a seat, e.g. "Row C seat 7 (Stalls)" */
  return g_strdup_printf (_ ("This would leave %s on its own."), name);
}

void
_sb_window_show_message_with_warning (SbWindow *self, const char *message, const char *lone_seat)
{
  g_autofree char *name = NULL;
  g_autofree char *warned = NULL;

  if (lone_seat == NULL)
    {
      _sb_window_show_message (self, message);
      return;
    }
  /* Done, but the event's orphan rule warns: said with the outcome, in the same place, so that
   * nothing blocks the sale and the clerk still reads it. */
  name = describe_seat_id (self, lone_seat);
  /* Translators: %1$s is the outcome ("Holding Row C seat 4."), %2$s names the seat that is now
   * alone between taken seats, e.g. "Row C seat 7 (Stalls)" */
  warned = g_strdup_printf (_ ("%1$s Note: this leaves %2$s on its own."), message, name);
  _sb_window_show_message (self, warned);
}

static GArray *
indices_of (SbWindow *self, char **seat_ids)
{
  GArray *indices = g_array_new (FALSE, FALSE, sizeof (guint));
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);

  for (guint i = 0; venue != NULL && seat_ids != NULL && seat_ids[i] != NULL; i++)
    {
      guint index;

      if (sb_venue_lookup_seat (venue, seat_ids[i], &index))
        g_array_append_val (indices, index);
    }
  return indices;
}

/* Whether held, booked or just taken by someone else, the seats of a reply are no longer there
 * to be chosen. */
char *
_sb_window_unselect_seats (SbWindow *self, char **seat_ids, guint *out_n_seats)
{
  g_autoptr (GArray) indices = indices_of (self, seat_ids);
  char *names = sb_seat_map_describe_seats (self->seat_map, (guint *) (gpointer) indices->data,
                                            indices->len);

  for (guint i = 0; i < indices->len; i++)
    sb_seat_map_set_selected (self->seat_map, g_array_index (indices, guint, i), FALSE);
  if (out_n_seats != NULL)
    *out_n_seats = indices->len;
  return names;
}

void
_sb_window_show_request_error (SbWindow *self,
                               const GError *error,
                               const SbErrorMessage *error_reply)
{
  if (error->domain == SB_PROTOCOL_ERROR && error->code == SB_ERROR_SEAT_UNAVAILABLE
      && error_reply != NULL)
    {
      guint n_seats;
      g_autofree char *names = _sb_window_unselect_seats (self, error_reply->seats, &n_seats);

      if (n_seats > 0)
        {
          g_autofree char *message = NULL;

          /* Translators: %s names one or more seats, e.g. "Row C seat 12 (Stalls)" */
          message = g_strdup_printf (
              ngettext ("%s was just taken.", "%s were just taken.", n_seats), names);
          _sb_window_show_message (self, message);
          return;
        }
    }

  if (error->domain == SB_PROTOCOL_ERROR && error->code == SB_ERROR_LONE_SEAT && error_reply != NULL
      && error_reply->seats != NULL && error_reply->seats[0] != NULL)
    {
      g_autofree char *message = _sb_window_describe_lone_seat (self, error_reply->seats[0]);

      _sb_window_show_message (self, message);
      return;
    }

  if (error->domain == SB_PROTOCOL_ERROR)
    _sb_window_show_message (self, sb_error_code_get_message ((SbErrorCode) error->code));
  else
    _sb_window_show_message (self, error->message);
}

GArray *
_sb_window_held_indices (SbWindow *self)
{
  GArray *indices = g_array_new (FALSE, FALSE, sizeof (guint));
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  g_autoptr (GPtrArray) seats = NULL;

  if (venue == NULL)
    return indices;

  seats = sb_desk_dup_event_held_seats (self->desk);
  for (guint i = 0; i < seats->len; i++)
    {
      guint index;

      if (sb_venue_lookup_seat (venue, g_ptr_array_index (seats, i), &index))
        g_array_append_val (indices, index);
    }
  return indices;
}

GArray *
_sb_window_unheld_selection (SbWindow *self)
{
  const GArray *selection = sb_seat_map_get_selection (self->seat_map);
  g_autoptr (GArray) held = _sb_window_held_indices (self);
  GArray *unheld = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < selection->len; i++)
    {
      guint index = g_array_index (selection, guint, i);
      gboolean is_held = FALSE;

      for (guint j = 0; j < held->len && !is_held; j++)
        is_held = g_array_index (held, guint, j) == index;
      if (!is_held)
        g_array_append_val (unheld, index);
    }
  return unheld;
}

/* The panel */

static const char *
chosen_status_text (SbSeatStatus status, gboolean selected)
{
  switch (status)
    {
      case SB_SEAT_STATUS_MINE:
        return _ ("Held for you");
      case SB_SEAT_STATUS_FREE:
        return selected ? _ ("Chosen, not held yet") : _ ("Free");
      case SB_SEAT_STATUS_HELD:
        return _ ("Just taken by someone else");
      case SB_SEAT_STATUS_BOOKED:
        return _ ("Just booked by someone else");
      case SB_SEAT_STATUS_BLOCKED:
      default:
        return _ ("Not for sale");
    }
}

/* Beside a seat we hold: give back that seat and keep the others (`release` with `seats`), for
 * the customer who wants three of the four seats Best Available held. The panel lists exactly the
 * seats one holds, with their prices and the total, so it is where the clerk looks when the
 * customer changes their mind; on the map a click on a held seat already means choose or let go.
 */
static void
add_release_button (GtkWidget *row, guint index, const char *seat_name)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("list-remove-symbolic");
  /* Translators: the name of the button beside a held seat; %s names the seat */
  g_autofree char *name = g_strdup_printf (_ ("Release %s"), seat_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _ ("Release this seat and keep the others"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.release-seat");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", index);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
}

static void
update_panel (SbWindow *self)
{
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  g_autoptr (GArray) selection = _sb_window_unheld_selection (self);
  g_autoptr (GArray) held = _sb_window_held_indices (self);
  g_autofree char *total_text = NULL;
  GtkListBoxRow *row_to_remove;
  gint64 total = 0;

  /* Row by row: the first child may be the placeholder, which must stay. */
  while ((row_to_remove = gtk_list_box_get_row_at_index (self->chosen_list, 0)) != NULL)
    gtk_list_box_remove (self->chosen_list, GTK_WIDGET (row_to_remove));

  if (venue != NULL)
    {
      for (guint pass = 0; pass < 2; pass++)
        {
          const GArray *list = pass == 0 ? held : selection;

          for (guint i = 0; i < list->len; i++)
            {
              guint index = g_array_index (list, guint, i);
              const SbSeat *seat = sb_venue_get_seat (venue, index);
              const SbCategory *category = sb_venue_get_category (venue, seat->category);
              SbSeatStatus status = sb_seat_map_get_status (self->seat_map, index);
              g_autofree char *title = sb_seat_map_describe_seat (self->seat_map, index);
              g_autofree char *price
                  = sb_format_price (category->price, sb_venue_get_currency (venue));
              g_autofree char *subtitle = NULL;
              GtkWidget *row = adw_action_row_new ();
              GtkWidget *price_label = gtk_label_new (price);

              /* A held seat that is also selected is listed once, as held (our holds are left
               * out of the selection's pass; a seat just seen held under a hold of ours
               * that the desk has not recorded yet, too). */
              if (pass == 1 && status == SB_SEAT_STATUS_MINE)
                continue;

              /* Translators: "<category> · <status>", e.g. "Premium · Held for you" */
              subtitle = g_strdup_printf (C_ ("chosen seat", "%s · %s"), category->name,
                                          chosen_status_text (status, pass == 1));
              adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
              adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
              gtk_widget_add_css_class (price_label, "numeric");
              adw_action_row_add_suffix (ADW_ACTION_ROW (row), price_label);
              if (pass == 0)
                add_release_button (row, index, title);
              if (status == SB_SEAT_STATUS_HELD || status == SB_SEAT_STATUS_BOOKED)
                gtk_widget_add_css_class (row, "error");
              else
                total += category->price;
              gtk_list_box_append (self->chosen_list, row);
            }
        }
    }

  /* Without a venue there is no currency, and a bare "0.00" means nothing. */
  total_text
      = venue != NULL ? sb_format_price (total, sb_venue_get_currency (venue)) : g_strdup ("—");
  gtk_label_set_label (self->total_label, total_text);

  _sb_window_actions_update (self);
}

static gboolean
update_zoom_label (gpointer data)
{
  SbWindow *self = data;
  int percent
      = (int) (sb_seat_map_get_zoom (self->seat_map) / SB_SEAT_MAP_NATURAL_ZOOM * 100 + 0.5);
  g_autofree char *text = NULL;

  /* Translators: the seat map's zoom level, e.g. "150%"; use your language's percent format */
  text = g_strdup_printf (C_ ("zoom level", "%d%%"), percent);
  gtk_label_set_label (self->zoom_label, text);
  self->zoom_label_source = 0;
  return G_SOURCE_REMOVE;
}

/* The map fits itself while being allocated, and a label must not change size then: the header
 * bar would be asked to snapshot without an allocation. So the label follows a moment later. */
static void
zoom_changed_cb (SbWindow *self)
{
  if (self->zoom_label_source == 0)
    self->zoom_label_source = g_idle_add (update_zoom_label, self);
}

static void
seat_refused_cb (SbWindow *self, guint index)
{
  g_autofree char *name = sb_seat_map_describe_seat (self->seat_map, index);
  g_autofree char *message = NULL;

  switch (sb_seat_map_get_status (self->seat_map, index))
    {
      case SB_SEAT_STATUS_MINE:
        message = g_strdup_printf (_ ("You are already holding %s."), name);
        break;
      case SB_SEAT_STATUS_HELD:
        message = g_strdup_printf (_ ("%s is held by someone else."), name);
        break;
      case SB_SEAT_STATUS_BOOKED:
        message = g_strdup_printf (_ ("%s is already booked."), name);
        break;
      case SB_SEAT_STATUS_BLOCKED:
      case SB_SEAT_STATUS_FREE:
      default:
        message = g_strdup_printf (_ ("%s is not for sale."), name);
        break;
    }
  _sb_window_show_message (self, message);
}

/* Events */

static char *
event_subtitle (SbEventItem *event)
{
  gint64 seats = sb_event_item_get_seats (event);
  gint64 starts_at = sb_event_item_get_starts_at (event);
  g_autofree char *availability = NULL;

  g_autofree char *n_free = sb_format_count (sb_event_item_get_free (event));
  g_autofree char *n_seats = sb_format_count (seats);

  /* Translators: how many seats of an event are free: "5,610 of 5,610 seats free" */
  availability = g_strdup_printf (
      ngettext ("%s of %s seat free", "%s of %s seats free", (gulong) seats), n_free, n_seats);
  if (starts_at != 0)
    {
      g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (starts_at / 1000);
      g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
      /* Translators: when an event starts, in g_date_time_format() notation.
       * xgettext:no-c-format */
      g_autofree char *when
          = local != NULL ? g_date_time_format (local, C_ ("event start", "%a %e %b, %H:%M"))
                          : NULL;

      if (when != NULL)
        /* Translators: event subtitle: "<date> · <venue> · <availability>" */
        return g_strdup_printf (C_ ("event", "%s · %s · %s"), g_strstrip (when),
                                sb_event_item_get_venue (event), availability);
    }
  /* Translators: event subtitle: "<venue> · <availability>" */
  return g_strdup_printf (C_ ("event", "%s · %s"), sb_event_item_get_venue (event), availability);
}

static void
event_row_update (SbEventItem *event, GParamSpec *pspec, AdwActionRow *row)
{
  g_autofree char *subtitle = event_subtitle (event);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), sb_event_item_get_name (event));
  adw_action_row_set_subtitle (row, subtitle);
}

static GtkWidget *
create_event_row (gpointer item, gpointer user_data)
{
  GtkWidget *row = adw_action_row_new ();

  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  event_row_update (item, NULL, ADW_ACTION_ROW (row));
  /* A new listing or the open event's live count updates the row in place. */
  g_signal_connect_object (item, "notify", G_CALLBACK (event_row_update), row, 0);
  return row;
}

/* Selecting opens, as in other GNOME sidebars; it is also what AT-SPI's Selection does. */
static void
event_row_selected_cb (SbWindow *self, GtkListBoxRow *row)
{
  g_autoptr (SbEventItem) item = NULL;

  if (row == NULL)
    return;
  item = g_list_model_get_item (sb_desk_get_events (self->desk),
                                (guint) gtk_list_box_row_get_index (row));
  if (item != NULL)
    sb_desk_open_event (self->desk, sb_event_item_get_id (item));
}

/* The open event's free seats as the seat map shows them: the map follows every `changed`
 * message, so the list says what the map says instead of what it said when it was listed. */
static void
update_open_event_free (SbWindow *self)
{
  SbEventItem *item = sb_desk_lookup_event (self->desk, sb_desk_get_event_id (self->desk), NULL);
  guint n_seats = sb_seat_map_get_n_seats (self->seat_map);
  gint64 free_seats = 0;

  if (item == NULL || sb_seat_map_get_venue (self->seat_map) == NULL)
    return;

  for (guint i = 0; i < n_seats; i++)
    if (sb_seat_map_get_status (self->seat_map, i) == SB_SEAT_STATUS_FREE)
      free_seats++;
  sb_event_item_set_free (item, free_seats);
}

static void
events_listed_cb (SbWindow *self)
{
  const char *wanted = sb_desk_get_event_id (self->desk);
  guint position;

  if (wanted == NULL)
    wanted = self->open_when_listed;
  /* Selecting the open event again does nothing; selecting the one asked for opens it. */
  if (sb_desk_lookup_event (self->desk, wanted, &position) != NULL)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->events_list, (int) position);

      if (row != NULL && !gtk_list_box_row_is_selected (row))
        gtk_list_box_select_row (self->events_list, row);
    }
  update_open_event_free (self);

  if (sb_desk_get_event_id (self->desk) == NULL)
    adw_status_page_set_description (self->empty_page,
                                     g_list_model_get_n_items (sb_desk_get_events (self->desk)) == 0
                                         ? _ ("This server has no events yet.")
                                         : _ ("Choose an event on the left to see its seats."));
  g_clear_pointer (&self->open_when_listed, g_free);
  _sb_window_events_listed (self);
}

static void
events_failed_cb (SbWindow *self, GError *error)
{
  _sb_window_show_request_error (self, error, NULL);
}

/* The desk opened or closed an event: the map starts over. */
static void
event_changed_cb (SbWindow *self)
{
  const char *event_id = sb_desk_get_event_id (self->desk);
  SbEventItem *item = sb_desk_lookup_event (self->desk, event_id, NULL);

  sb_seat_map_set_venue (self->seat_map, NULL);
  sb_bookings_page_set_event (self->bookings_page, NULL, NULL, NULL);
  sb_reports_page_set_event (self->reports_page, NULL, NULL, NULL);
  adw_view_switcher_title_set_subtitle (self->window_title,
                                        item != NULL ? sb_event_item_get_name (item) : NULL);
  if (event_id == NULL)
    gtk_stack_set_visible_child_name (self->main_stack, "empty");
  else
    {
      g_settings_set_string (self->settings, "last-event", event_id);
      gtk_label_set_label (self->feedback_label, "");
      gtk_widget_set_visible (self->feedback_box, FALSE);
      _sb_window_anyway_withdraw (self);
      gtk_stack_set_visible_child_name (self->main_stack, "loading");
    }
  update_panel (self);
}

/* Desk signals */

static void
update_banner (SbWindow *self)
{
  SbConnection *connection = sb_desk_get_connection (self->desk);
  const char *detail = sb_connection_get_last_error (connection);
  g_autofree char *text = NULL;

  _sb_window_actions_update (self);
  if (sb_connection_get_state (connection) != SB_CONNECTION_CONNECTED && self->busy > 0
      && !self->interrupted)
    {
      self->interrupted = TRUE;
      _sb_window_show_message (self, _ ("The connection dropped before the server answered. Once "
                                        "it is back, the answer will show here."));
    }

  switch (sb_connection_get_state (connection))
    {
      case SB_CONNECTION_CONNECTED:
        gtk_widget_set_visible (self->banner, FALSE);
        return;
      case SB_CONNECTION_CONNECTING:
        text = g_strdup_printf (_ ("Connecting to %s…"), sb_connection_get_url (connection));
        gtk_widget_set_visible (self->banner_button, FALSE);
        break;
      case SB_CONNECTION_DISCONNECTED:
      default:
        {
          guint seconds = sb_connection_get_retry_seconds (connection);

          text = g_strdup_printf (ngettext ("Disconnected — reconnecting in %u s…",
                                            "Disconnected — reconnecting in %u s…", seconds),
                                  MAX (seconds, 1));
          gtk_widget_set_visible (self->banner_button, TRUE);
        }
        break;
    }

  gtk_label_set_label (self->banner_label, text);
  gtk_label_set_label (self->banner_detail, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->banner_detail), detail != NULL);
  gtk_widget_set_visible (self->banner, TRUE);
}

/* Back on the map from the Bookings page: the selected booking's seats are brought into view. */
static void
view_changed_cb (SbWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "map") == 0)
    sb_bookings_page_reveal_on_map (self->bookings_page);
}

static void
snapshot_cb (SbDesk *desk, SbVenue *venue, const char *event_name, GPtrArray *seats, SbWindow *self)
{
  if (event_name != NULL)
    adw_view_switcher_title_set_subtitle (self->window_title, event_name);

  sb_seat_map_set_venue (self->seat_map, venue);
  sb_legend_set_venue (self->legend, sb_seat_map_get_venue (self->seat_map));
  sb_bookings_page_set_event (self->bookings_page, sb_desk_get_connection (self->desk),
                              sb_desk_get_event_id (self->desk), self->seat_map);
  sb_bookings_page_set_event_item (
      self->bookings_page,
      sb_desk_lookup_event (self->desk, sb_desk_get_event_id (self->desk), NULL));
  sb_reports_page_set_event (self->reports_page, sb_desk_get_connection (self->desk),
                             sb_desk_get_event_id (self->desk), venue);
  sb_seat_map_reset_states (self->seat_map);
  if (seats != NULL)
    sb_seat_map_apply_seats (self->seat_map, seats);
  gtk_stack_set_visible_child_name (self->main_stack, "map");
  update_panel (self);
  update_open_event_free (self);
  sb_startup_trace_map_shown (GTK_WIDGET (self->seat_map),
                              sb_seat_map_get_n_seats (self->seat_map));
}

static void
snapshot_failed_cb (SbWindow *self, GError *error)
{
  g_autofree char *message
      = g_strdup_printf (_ ("The seat map of this event cannot be shown: %s"), error->message);

  g_warning ("%s", message);
  adw_status_page_set_description (self->empty_page, message);
  gtk_stack_set_visible_child_name (self->main_stack, "empty");
}

/* Whether seats (SbSeatUpdate) book a seat or free a booked one (a booking, a cancellation, a
 * move), as the map shows them before they apply; holds come and go far more often and change no
 * booking. */
static gboolean
changes_bookings (SbWindow *self, GPtrArray *seats)
{
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);

  for (guint i = 0; i < seats->len; i++)
    {
      const SbSeatUpdate *update = g_ptr_array_index (seats, i);
      guint index;

      if (update->state == SB_SEAT_BOOKED)
        return TRUE;
      if (venue != NULL && sb_venue_lookup_seat (venue, update->id, &index)
          && sb_seat_map_get_status (self->seat_map, index) == SB_SEAT_STATUS_BOOKED)
        return TRUE;
    }
  return FALSE;
}

static void
seats_changed_cb (SbWindow *self, GPtrArray *seats)
{
  gboolean bookings = changes_bookings (self, seats);

  sb_seat_map_apply_seats (self->seat_map, seats);
  update_open_event_free (self);
  sb_reports_page_event_changed (self->reports_page);
  if (bookings)
    sb_bookings_page_event_changed (self->bookings_page);
}

static void
holds_changed_cb (SbWindow *self)
{
  sb_seat_map_set_own_holds (self->seat_map, sb_desk_get_holds (self->desk));
  /* The hold the message named ended without a word from this window (a booking moved onto its
   * seats, another window of this desk booked it): "Holding …" would be wrong. */
  if (self->feedback_tells_hold && sb_desk_get_n_event_holds (self->desk) == 0)
    {
      gtk_widget_set_visible (self->feedback_box, FALSE);
      self->feedback_tells_hold = FALSE;
    }
  update_panel (self);
}

static void
subscription_failed_cb (SbWindow *self, GError *error)
{
  sb_desk_close_event (self->desk);
  _sb_window_show_request_error (self, error, NULL);
}

/* The other events change too, but only the open one is subscribed: while the window shows,
 * their counts are asked for again now and then. */
#define EVENTS_REFRESH_SECONDS 30

static gboolean
events_refresh_cb (gpointer data)
{
  SbWindow *self = data;

  if (sb_connection_get_state (sb_desk_get_connection (self->desk)) == SB_CONNECTION_CONNECTED)
    sb_desk_refresh_events (self->desk);
  return G_SOURCE_CONTINUE;
}

static void
sb_window_map (GtkWidget *widget)
{
  SbWindow *self = SB_WINDOW (widget);

  GTK_WIDGET_CLASS (sb_window_parent_class)->map (widget);

  if (self->events_refresh_source == 0)
    self->events_refresh_source
        = g_timeout_add_seconds (EVENTS_REFRESH_SECONDS, events_refresh_cb, self);
  /* Back from being hidden: the counts are old. */
  if (self->desk != NULL)
    events_refresh_cb (self);
}

static void
sb_window_unmap (GtkWidget *widget)
{
  SbWindow *self = SB_WINDOW (widget);

  g_clear_handle_id (&self->events_refresh_source, g_source_remove);

  GTK_WIDGET_CLASS (sb_window_parent_class)->unmap (widget);
}

static void
server_url_changed_cb (GSettings *settings, const char *key, SbWindow *self)
{
  g_autofree char *url = g_settings_get_string (settings, "server-url");

  sb_desk_set_server_url (self->desk, url);
}

static void
hold_seconds_changed_cb (GSettings *settings, const char *key, SbWindow *self)
{
  sb_desk_set_hold_seconds (self->desk, (guint) g_settings_get_int (settings, "hold-seconds"));
}

/* GObject */

static gboolean
sb_window_close_request (GtkWindow *window)
{
  SbWindow *self = SB_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (sb_window_parent_class)->close_request (window);
}

static void
sb_window_dispose (GObject *object)
{
  SbWindow *self = SB_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->events_refresh_source, g_source_remove);
  g_clear_handle_id (&self->zoom_label_source, g_source_remove);
  _sb_window_best_dispose (self);
  _sb_window_anyway_dispose (self);
  _sb_window_block_dispose (self);
  _sb_window_events_dispose (self);
  g_clear_handle_id (&self->fold_toggles_source, g_source_remove);
  _sb_window_account_dispose (self);
  if (self->desk != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->desk, self);
      g_signal_handlers_disconnect_by_data (sb_desk_get_connection (self->desk), self);
      /* Ends the requests in flight, which hold the desk. */
      sb_desk_shutdown (self->desk);
      g_clear_object (&self->desk);
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_WINDOW);

  G_OBJECT_CLASS (sb_window_parent_class)->dispose (object);
}

static void
sb_window_finalize (GObject *object)
{
  SbWindow *self = SB_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_free (self->open_when_listed);

  G_OBJECT_CLASS (sb_window_parent_class)->finalize (object);
}

static void
sb_window_class_init (SbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = sb_window_dispose;
  object_class->finalize = sb_window_finalize;
  window_class->close_request = sb_window_close_request;
  widget_class->map = sb_window_map;
  widget_class->unmap = sb_window_unmap;

  g_type_ensure (SB_TYPE_SEAT_MAP);
  g_type_ensure (SB_TYPE_LEGEND);
  g_type_ensure (SB_TYPE_CUSTOMER_FORM);
  g_type_ensure (SB_TYPE_BOOKINGS_PAGE);
  g_type_ensure (SB_TYPE_REPORTS_PAGE);
  g_type_ensure (SB_TYPE_SIGN_IN_PAGE);
  g_type_ensure (SB_TYPE_NATURAL_WIDTH);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/seatbook/Seatbook/sb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SbWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, bookings_page);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, reports_stack_page);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, reports_page);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, banner_detail);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, banner_button);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, events_list);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, seat_map);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, legend);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, chosen_list);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, feedback_box);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, feedback_label);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, anyway_button);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, anyway_label);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, total_label);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, offline_label);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, hold_button);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, book_button);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, customer_form);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, hold_box);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, hold_warning_label);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, other_holds_box);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, other_holds_list);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, session_stack);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, account_label);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, release_button);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, history_button);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, best_button);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, events_flap);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, panel_flap);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, events_toggle);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, panel_toggle);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, block_button);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, menu_button);
  gtk_widget_class_bind_template_callback (widget_class, _sb_window_sign_in_submitted);
  gtk_widget_class_bind_template_callback (widget_class, _sb_window_anyway_clicked);
  gtk_widget_class_bind_template_callback (widget_class, event_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, view_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, update_panel);
  gtk_widget_class_bind_template_callback (widget_class, seat_refused_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "other_hold_activated_cb",
                                                G_CALLBACK (_sb_window_other_hold_activated));
}

static void
sb_window_init (SbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  _sb_window_actions_init (self);
  _sb_window_best_init (self);
  _sb_window_fold_init (self);
  _sb_window_block_init (self);
  _sb_window_events_init (self);

  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->seat_map, "notify::zoom", G_CALLBACK (zoom_changed_cb), self);
  update_zoom_label (self);
}

SbWindow *
sb_window_new (GtkApplication *application, GSettings *settings, SbDesk *desk, const char *event_id)
{
  SbWindow *self;
  SbConnection *connection;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (SB_IS_DESK (desk), NULL);

  self = g_object_new (SB_TYPE_WINDOW, "application", application, NULL);
  self->settings = g_object_ref (settings);
  self->desk = g_object_ref (desk);
  self->open_when_listed = event_id != NULL ? g_strdup (event_id)
                                            : g_settings_get_string (self->settings, "last-event");

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  gtk_list_box_bind_model (self->events_list, sb_desk_get_events (desk), create_event_row, NULL,
                           NULL);

  connection = sb_desk_get_connection (desk);
  g_signal_connect_swapped (connection, "notify::state", G_CALLBACK (update_banner), self);
  g_signal_connect_swapped (connection, "notify::retry-seconds", G_CALLBACK (update_banner), self);
  g_signal_connect_swapped (connection, "notify::last-error", G_CALLBACK (update_banner), self);
  g_signal_connect_swapped (desk, "notify::event-id", G_CALLBACK (event_changed_cb), self);
  g_signal_connect_swapped (desk, "events-listed", G_CALLBACK (events_listed_cb), self);
  g_signal_connect_swapped (desk, "events-failed", G_CALLBACK (events_failed_cb), self);
  g_signal_connect (desk, "snapshot", G_CALLBACK (snapshot_cb), self);
  g_signal_connect_swapped (desk, "snapshot-failed", G_CALLBACK (snapshot_failed_cb), self);
  g_signal_connect_swapped (desk, "seats-changed", G_CALLBACK (seats_changed_cb), self);
  g_signal_connect_swapped (desk, "holds-changed", G_CALLBACK (holds_changed_cb), self);
  g_signal_connect_swapped (desk, "subscription-failed", G_CALLBACK (subscription_failed_cb), self);
  g_signal_connect (self->settings, "changed::server-url", G_CALLBACK (server_url_changed_cb),
                    self);

  g_signal_connect (self->settings, "changed::hold-seconds", G_CALLBACK (hold_seconds_changed_cb),
                    self);
  hold_seconds_changed_cb (self->settings, "hold-seconds", self);
  _sb_window_holds_init (self);

  update_panel (self);
  update_banner (self);
  _sb_window_account_start (self); /* starts the desk */
  return self;
}
