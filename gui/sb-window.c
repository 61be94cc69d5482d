/* sb-window.c: the main window.
 *
 * Left, the server's events; centre, the seat map of the open event; right, this desk's seats
 * (chosen and held), the total and the Hold / Book / Release buttons. The window keeps the
 * desk's holds (id → seats and deadline) because the server reports them in several places:
 * welcome (all events), snapshot and replay (one event), and the replies to hold, book and
 * release. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-connection.h"
#include "sb-protocol.h"
#include "sb-seat-map.h"
#include "sb-util.h"
#include "sb-window.h"

typedef struct
{
  char *id;
  char *event_id;
  GPtrArray *seats; /* seat ids still under this hold */
  gint64 deadline;  /* monotonic µs: counted from remaining_ms, never from our wall clock */
} Hold;

struct _SbWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkWidget *banner;
  GtkLabel *banner_label;
  GtkLabel *banner_detail;
  GtkWidget *banner_button;
  GtkListBox *events_list;
  GtkStack *main_stack;
  GtkSpinner *spinner;
  AdwStatusPage *empty_page;
  SbSeatMap *seat_map;
  GtkFlowBox *legend;
  GtkListBox *chosen_list;
  GtkWidget *feedback_box;
  GtkLabel *feedback_label;
  GtkLabel *total_label;
  GtkLabel *countdown_label;
  GtkLabel *zoom_label;

  GSettings *settings;
  SbConnection *connection;
  GCancellable *cancellable;
  char *event_id;
  char *event_name;
  char *open_when_listed;
  GHashTable *holds; /* hold id → Hold */
  guint countdown_source;
  guint events_refresh_source;
  guint zoom_label_source;
  guint busy;
};

G_DEFINE_FINAL_TYPE (SbWindow, sb_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_panel (SbWindow *self);
static void update_actions (SbWindow *self);

static void
hold_free (Hold *hold)
{
  g_free (hold->id);
  g_free (hold->event_id);
  g_ptr_array_unref (hold->seats);
  g_free (hold);
}

/* Feedback */

static void
show_message (SbWindow *self, const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  /* The panel keeps the last message too: a toast is easy to miss and gone in seconds. */
  gtk_label_set_label (self->feedback_label, message);
  gtk_widget_set_visible (self->feedback_box, TRUE);
}

static GArray *
indices_of (SbWindow *self, JsonArray *seat_ids)
{
  GArray *indices = g_array_new (FALSE, FALSE, sizeof (guint));
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);

  for (guint i = 0; venue != NULL && seat_ids != NULL && i < json_array_get_length (seat_ids); i++)
    {
      const char *id = json_array_get_string_element (seat_ids, i);
      guint index;

      if (id != NULL && sb_venue_lookup_seat (venue, id, &index))
        g_array_append_val (indices, index);
    }
  return indices;
}

static JsonArray *
array_member (JsonObject *object, const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Names the seats of a reply (ids) for a message and takes them out of the selection: whether
 * held, booked or just taken by someone else, they are no longer there to be chosen.
 * out_n_seats: how many of them this venue has. */
static char *
unselect_reply_seats (SbWindow *self, JsonArray *seat_ids, guint *out_n_seats)
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

/* Tells the user what went wrong, in words; for a conflict, names the seats. */
static void
show_request_error (SbWindow *self, const GError *error, JsonObject *error_reply)
{
  if (error->domain == SB_PROTOCOL_ERROR && error->code == SB_ERROR_SEAT_UNAVAILABLE)
    {
      guint n_seats;
      g_autofree char *names
          = unselect_reply_seats (self, array_member (error_reply, "seats"), &n_seats);

      if (n_seats > 0)
        {
          g_autofree char *message = NULL;

          /* Translators: %s names one or more seats, e.g. "Row C seat 12 (Stalls)" */
          message = g_strdup_printf (
              ngettext ("%s was just taken.", "%s were just taken.", n_seats), names);
          show_message (self, message);
          return;
        }
    }

  if (error->domain == SB_PROTOCOL_ERROR)
    show_message (self, sb_error_code_get_message ((SbErrorCode) error->code));
  else
    show_message (self, error->message);
}

/* Requests */

/* Hold, book and release are counted in self->busy, which keeps their actions disabled until
 * the reply: one more click cannot send the same request twice. */
static void
send_request (SbWindow *self, SbRequest *request, GAsyncReadyCallback callback)
{
  self->busy++;
  update_actions (self);
  sb_connection_send_async (self->connection, request, self->cancellable, callback, self);
}

static void
request_done (SbWindow *self)
{
  g_assert (self->busy > 0);
  self->busy--;
  update_actions (self);
}

typedef enum
{
  FINISH_NONE = 0,
  /* Sent with send_request(). */
  FINISH_COUNTED = 1 << 0,
  /* A release: not_found or hold_expired means the hold had ended anyway (expired, booked
   * elsewhere); nothing to tell. */
  FINISH_QUIET_IF_HOLD_GONE = 1 << 1,
} FinishFlags;

/* The reply to a request of this window, or NULL when there is nothing more to do: the request
 * was cancelled, which happens only when the window is disposed, so `data` is not touched; or
 * it failed, and the user has been told why. */
static JsonObject *
finish_request (GObject *source, GAsyncResult *result, gpointer data, FinishFlags flags)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) error_reply = NULL;
  JsonObject *reply
      = sb_connection_send_finish (SB_CONNECTION (source), result, &error_reply, &error);
  SbWindow *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return NULL;
  self = SB_WINDOW (data);
  if (flags & FINISH_COUNTED)
    request_done (self);
  if (reply == NULL
      && !((flags & FINISH_QUIET_IF_HOLD_GONE)
           && (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_NOT_FOUND)
               || g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_HOLD_EXPIRED))))
    show_request_error (self, error, error_reply);
  return reply;
}

/* Holds */

static Hold *
hold_from_json (JsonObject *object)
{
  const char *id = json_object_get_string_member_with_default (object, "hold", NULL);
  const char *event_id = json_object_get_string_member_with_default (object, "event", NULL);
  JsonArray *seats = array_member (object, "seats");
  gint64 remaining_ms;
  Hold *hold;

  if (id == NULL || event_id == NULL || seats == NULL)
    return NULL;

  if (json_object_has_member (object, "remaining_ms"))
    remaining_ms = json_object_get_int_member_with_default (object, "remaining_ms", 0);
  else
    remaining_ms = json_object_get_int_member_with_default (object, "expires_at", 0)
                   - json_object_get_int_member_with_default (object, "server_time", 0);

  hold = g_new0 (Hold, 1);
  hold->id = g_strdup (id);
  hold->event_id = g_strdup (event_id);
  hold->seats = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (seats); i++)
    {
      const char *seat = json_array_get_string_element (seats, i);

      if (seat != NULL)
        g_ptr_array_add (hold->seats, g_strdup (seat));
    }
  hold->deadline = g_get_monotonic_time () + MAX (0, remaining_ms) * 1000;
  return hold;
}

/* TRUE when seat `id` was under the hold and is not any more. */
static gboolean
hold_remove_seat (Hold *hold, const char *id)
{
  guint position;

  if (!g_ptr_array_find_with_equal_func (hold->seats, id, g_str_equal, &position))
    return FALSE;
  g_ptr_array_remove_index (hold->seats, position);
  return TRUE;
}

static void
holds_changed (SbWindow *self)
{
  sb_seat_map_set_own_holds (self->seat_map, self->holds);
  update_panel (self);
}

static void
add_hold_json (SbWindow *self, JsonObject *object)
{
  Hold *hold = hold_from_json (object);

  if (hold != NULL)
    g_hash_table_replace (self->holds, hold->id, hold);
}

/* event_id NULL: replace every hold (welcome); else only those of that event. */
static void
replace_holds (SbWindow *self, const char *event_id, JsonArray *holds)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->holds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (event_id == NULL || g_strcmp0 (((Hold *) value)->event_id, event_id) == 0)
      g_hash_table_iter_remove (&iter);

  for (guint i = 0; holds != NULL && i < json_array_get_length (holds); i++)
    {
      JsonNode *node = json_array_get_element (holds, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        add_hold_json (self, json_node_get_object (node));
    }
  holds_changed (self);
}

static guint
count_event_holds (SbWindow *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->holds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (((Hold *) value)->event_id, self->event_id) == 0)
      n++;
  return n;
}

/* Seats under our holds in the open event, as venue indices. */
static GArray *
held_indices (SbWindow *self)
{
  GArray *indices = g_array_new (FALSE, FALSE, sizeof (guint));
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  GHashTableIter iter;
  gpointer value;

  if (venue == NULL)
    return indices;

  g_hash_table_iter_init (&iter, self->holds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Hold *hold = value;

      if (g_strcmp0 (hold->event_id, self->event_id) != 0)
        continue;
      for (guint i = 0; i < hold->seats->len; i++)
        {
          guint index;

          if (sb_venue_lookup_seat (venue, g_ptr_array_index (hold->seats, i), &index))
            g_array_append_val (indices, index);
        }
    }
  return indices;
}

static gboolean
countdown_cb (gpointer data)
{
  SbWindow *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 soonest = G_MAXINT64;
  GHashTableIter iter;
  gpointer value;
  gboolean expired = FALSE;

  g_hash_table_iter_init (&iter, self->holds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Hold *hold = value;

      if (g_strcmp0 (hold->event_id, self->event_id) != 0)
        continue;
      if (hold->deadline <= now)
        {
          /* The server frees the seats and says so with a `changed`; we stop counting. */
          g_hash_table_iter_remove (&iter);
          expired = TRUE;
          continue;
        }
      soonest = MIN (soonest, hold->deadline);
    }

  if (expired)
    {
      show_message (self, _ ("Your hold has expired and the seats were released."));
      holds_changed (self);
    }

  if (soonest == G_MAXINT64)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
      self->countdown_source = 0;
      return G_SOURCE_REMOVE;
    }
  else
    {
      gint64 seconds = (soonest - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
      g_autofree char *text = NULL;

      /* Translators: the time left on a hold, in minutes:seconds */
      text = g_strdup_printf (_ ("Held for %d:%02d"), (int) (seconds / 60), (int) (seconds % 60));
      gtk_label_set_label (self->countdown_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), TRUE);
      return G_SOURCE_CONTINUE;
    }
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

static void
update_panel (SbWindow *self)
{
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  const GArray *selection = sb_seat_map_get_selection (self->seat_map);
  g_autoptr (GArray) held = held_indices (self);
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

              /* A held seat that is also selected is listed once, as held. */
              if (pass == 1 && status == SB_SEAT_STATUS_MINE)
                continue;

              /* Translators: "<category> · <status>", e.g. "Premium · Held for you" */
              subtitle = g_strdup_printf (C_ ("chosen seat", "%s · %s"), category->name,
                                          chosen_status_text (status, pass == 1));
              adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
              adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
              gtk_widget_add_css_class (price_label, "numeric");
              adw_action_row_add_suffix (ADW_ACTION_ROW (row), price_label);
              if (status == SB_SEAT_STATUS_HELD || status == SB_SEAT_STATUS_BOOKED)
                gtk_widget_add_css_class (row, "error");
              else
                total += category->price;
              gtk_list_box_append (self->chosen_list, row);
            }
        }
    }

  total_text = sb_format_price (total, venue != NULL ? sb_venue_get_currency (venue) : NULL);
  gtk_label_set_label (self->total_label, total_text);

  if (count_event_holds (self) > 0 && self->countdown_source == 0)
    self->countdown_source = g_timeout_add_seconds (1, countdown_cb, self);
  if (count_event_holds (self) > 0)
    countdown_cb (self);
  else
    gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);

  update_actions (self);
}

static void
set_action_enabled (SbWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
update_actions (SbWindow *self)
{
  gboolean has_map = sb_seat_map_get_venue (self->seat_map) != NULL && self->event_id != NULL;
  guint selected = sb_seat_map_get_selection (self->seat_map)->len;
  guint holds = count_event_holds (self);
  gboolean idle = self->busy == 0;

  set_action_enabled (self, "hold", has_map && idle && selected > 0);
  set_action_enabled (self, "book", has_map && idle && (selected > 0 || holds > 0));
  set_action_enabled (self, "release", has_map && idle && (selected > 0 || holds > 0));
  set_action_enabled (self, "zoom-in", has_map);
  set_action_enabled (self, "zoom-out", has_map);
  set_action_enabled (self, "zoom-fit", has_map);
  gtk_widget_set_visible (GTK_WIDGET (self->zoom_label), has_map);
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

/* Legend */

static void
draw_swatch (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  const GdkRGBA *colour = data;
  GdkRGBA foreground;
  double size = MIN (width, height);
  double r = size * 0.25;
  double x = (width - size) / 2, y = (height - size) / 2;

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + size - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + size - r, y + size - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + size - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  /* No colour: our own seats, drawn like the seat map draws them, in the text colour. */
  if (colour == NULL)
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &foreground);
      G_GNUC_END_IGNORE_DEPRECATIONS
      colour = &foreground;
    }
  gdk_cairo_set_source_rgba (cr, colour);
  cairo_fill (cr);
}

static void
add_legend_item (SbWindow *self, const GdkRGBA *colour, const char *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 14);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 14);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch,
                                  colour != NULL ? gdk_rgba_copy (colour) : NULL,
                                  colour != NULL ? (GDestroyNotify) gdk_rgba_free : NULL);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), label);
  gtk_flow_box_append (self->legend, box);
}

static void
build_legend (SbWindow *self, SbVenue *venue)
{
  static const GdkRGBA unused = { 0, 0, 0, 1 };
  static const struct
  {
    SbSeatStatus status;
    const char *text;
  } states[] = {
    { SB_SEAT_STATUS_MINE, N_ ("Held by you") },
    { SB_SEAT_STATUS_HELD, N_ ("Held by someone else") },
    { SB_SEAT_STATUS_BOOKED, N_ ("Booked") },
    { SB_SEAT_STATUS_BLOCKED, N_ ("Not for sale") },
  };
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->legend))) != NULL)
    gtk_flow_box_remove (self->legend, child);

  for (guint c = 0; c < sb_venue_get_n_categories (venue); c++)
    {
      const SbCategory *category = sb_venue_get_category (venue, c);
      g_autofree char *price = sb_format_price (category->price, sb_venue_get_currency (venue));
      /* Translators: a legend entry: category name and price, e.g. "Premium — €65.00" */
      g_autofree char *text = g_strdup_printf (C_ ("legend", "%s — %s"), category->name, price);
      GdkRGBA colour;

      if (!gdk_rgba_parse (&colour, category->colour))
        continue;
      add_legend_item (self, &colour, text);
    }
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      GdkRGBA colour;

      sb_seat_status_get_colour (states[i].status, &unused, &colour);
      add_legend_item (self, states[i].status == SB_SEAT_STATUS_MINE ? NULL : &colour,
                       _ (states[i].text));
    }
}

/* Events */

static void
close_event (SbWindow *self)
{
  if (self->event_id != NULL)
    sb_connection_unsubscribe (self->connection, self->event_id);
  g_clear_pointer (&self->event_id, g_free);
  g_clear_pointer (&self->event_name, g_free);
  sb_seat_map_set_venue (self->seat_map, NULL);
  gtk_stack_set_visible_child_name (self->main_stack, "empty");
  adw_window_title_set_subtitle (self->window_title, NULL);
  update_panel (self);
}

static void
open_event (SbWindow *self, const char *event_id, const char *name)
{
  if (g_strcmp0 (self->event_id, event_id) == 0)
    return;

  close_event (self);
  self->event_id = g_strdup (event_id);
  self->event_name = g_strdup (name);
  adw_window_title_set_subtitle (self->window_title, name);
  g_settings_set_string (self->settings, "last-event", event_id);
  gtk_label_set_label (self->feedback_label, "");
  gtk_widget_set_visible (self->feedback_box, FALSE);
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  sb_connection_subscribe (self->connection, event_id);
}

/* Selecting opens, as in other GNOME sidebars; it is also what AT-SPI's Selection does. */
static void
event_row_selected_cb (SbWindow *self, GtkListBoxRow *row)
{
  if (row == NULL)
    return;
  open_event (self, g_object_get_data (G_OBJECT (row), "event-id"),
              g_object_get_data (G_OBJECT (row), "event-name"));
}

static char *
event_subtitle (JsonObject *event)
{
  const char *venue = json_object_get_string_member_with_default (event, "venue", "");
  gint64 seats = json_object_get_int_member_with_default (event, "seats", 0);
  gint64 free_seats = json_object_get_int_member_with_default (event, "free", 0);
  JsonNode *starts = json_object_get_member (event, "starts_at");
  g_autofree char *availability = NULL;

  /* Translators: how many seats of an event are free */
  availability
      = g_strdup_printf (ngettext ("%d of %d seat free", "%d of %d seats free", (gulong) seats),
                         (int) free_seats, (int) seats);
  if (starts != NULL && JSON_NODE_HOLDS_VALUE (starts))
    {
      g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (json_node_get_int (starts) / 1000);
      g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
      /* Translators: when an event starts, in g_date_time_format() notation.
       * xgettext:no-c-format */
      g_autofree char *when
          = local != NULL ? g_date_time_format (local, C_ ("event start", "%a %e %b, %H:%M"))
                          : NULL;

      if (when != NULL)
        /* Translators: event subtitle: "<date> · <venue> · <availability>" */
        return g_strdup_printf (C_ ("event", "%s · %s · %s"), g_strstrip (when), venue,
                                availability);
    }
  /* Translators: event subtitle: "<venue> · <availability>" */
  return g_strdup_printf (C_ ("event", "%s · %s"), venue, availability);
}

static int
count_event_rows (SbWindow *self)
{
  int n = 0;

  while (gtk_list_box_get_row_at_index (self->events_list, n) != NULL)
    n++;
  return n;
}

/* Shows event (an entry of `events`) in row and keeps it there for later updates. */
static void
set_event_row (SbWindow *self, GtkListBoxRow *row, JsonObject *event)
{
  const char *id = json_object_get_string_member_with_default (event, "id", NULL);
  const char *name = json_object_get_string_member_with_default (event, "name", id);
  g_autofree char *subtitle = event_subtitle (event);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  g_object_set_data_full (G_OBJECT (row), "event-id", g_strdup (id), g_free);
  g_object_set_data_full (G_OBJECT (row), "event-name", g_strdup (name), g_free);
  g_object_set_data_full (G_OBJECT (row), "event", json_object_ref (event),
                          (GDestroyNotify) json_object_unref);
}

/* The open event's free seats as the seat map shows them: the map follows every `changed`
 * message, so the list says what the map says instead of what it said when it was listed. */
static void
update_open_event_row (SbWindow *self)
{
  guint n_seats = sb_seat_map_get_n_seats (self->seat_map);
  gint64 free_seats = 0;

  if (self->event_id == NULL || sb_seat_map_get_venue (self->seat_map) == NULL)
    return;

  for (guint i = 0; i < n_seats; i++)
    if (sb_seat_map_get_status (self->seat_map, i) == SB_SEAT_STATUS_FREE)
      free_seats++;

  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->events_list, i);
      JsonObject *event;
      g_autofree char *subtitle = NULL;

      if (row == NULL)
        return;
      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "event-id"), self->event_id) != 0)
        continue;
      event = g_object_get_data (G_OBJECT (row), "event");
      if (event == NULL
          || json_object_get_int_member_with_default (event, "free", -1) == free_seats)
        return;
      json_object_set_int_member (event, "free", free_seats);
      subtitle = event_subtitle (event);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      return;
    }
}

static void
events_listed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (JsonObject) reply = finish_request (source, result, data, FINISH_NONE);
  SbWindow *self;
  JsonArray *events;
  GtkListBoxRow *old_row;

  if (reply == NULL)
    return;
  self = SB_WINDOW (data);

  events = array_member (reply, "events");

  /* The same events as listed already: update the rows in place, so that a periodic refresh
   * neither loses keyboard focus nor makes a screen reader announce a new list. */
  if (events != NULL && (guint) count_event_rows (self) == json_array_get_length (events))
    {
      gboolean same = TRUE;

      for (guint i = 0; same && i < json_array_get_length (events); i++)
        {
          JsonObject *event = json_array_get_object_element (events, i);
          GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->events_list, (int) i);

          same = event != NULL
                 && g_strcmp0 (json_object_get_string_member_with_default (event, "id", NULL),
                               g_object_get_data (G_OBJECT (row), "event-id"))
                        == 0;
        }
      if (same)
        {
          for (guint i = 0; i < json_array_get_length (events); i++)
            set_event_row (self, gtk_list_box_get_row_at_index (self->events_list, (int) i),
                           json_array_get_object_element (events, i));
          update_open_event_row (self);
          g_clear_pointer (&self->open_when_listed, g_free);
          return;
        }
    }

  while ((old_row = gtk_list_box_get_row_at_index (self->events_list, 0)) != NULL)
    gtk_list_box_remove (self->events_list, GTK_WIDGET (old_row));

  for (guint i = 0; events != NULL && i < json_array_get_length (events); i++)
    {
      JsonNode *node = json_array_get_element (events, i);
      JsonObject *event;
      const char *id;
      GtkWidget *row;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      event = json_node_get_object (node);
      id = json_object_get_string_member_with_default (event, "id", NULL);
      if (id == NULL)
        continue;

      row = adw_action_row_new ();
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      set_event_row (self, GTK_LIST_BOX_ROW (row), event);
      gtk_list_box_append (self->events_list, row);

      /* Selecting the open event again does nothing; selecting the one asked for opens it. */
      if (g_strcmp0 (id, self->event_id) == 0
          || (self->event_id == NULL && g_strcmp0 (id, self->open_when_listed) == 0))
        gtk_list_box_select_row (self->events_list, GTK_LIST_BOX_ROW (row));
    }
  update_open_event_row (self);

  if (self->event_id == NULL)
    adw_status_page_set_description (self->empty_page,
                                     events == NULL || json_array_get_length (events) == 0
                                         ? _ ("This server has no events yet.")
                                         : _ ("Choose an event on the left to see its seats."));
  g_clear_pointer (&self->open_when_listed, g_free);
}

static void
refresh_events (SbWindow *self)
{
  SbRequest *request = sb_connection_new_request (self->connection, SB_REQUEST_LIST_EVENTS);

  sb_connection_send_async (self->connection, request, self->cancellable, events_listed_cb, self);
}

/* Connection signals */

static void
update_banner (SbWindow *self)
{
  SbConnectionState state = sb_connection_get_state (self->connection);
  const char *detail = sb_connection_get_last_error (self->connection);
  g_autofree char *text = NULL;

  switch (state)
    {
      case SB_CONNECTION_CONNECTED:
        gtk_widget_set_visible (self->banner, FALSE);
        return;
      case SB_CONNECTION_CONNECTING:
        text = g_strdup_printf (_ ("Connecting to %s…"), sb_connection_get_url (self->connection));
        gtk_widget_set_visible (self->banner_button, FALSE);
        break;
      case SB_CONNECTION_DISCONNECTED:
      default:
        {
          guint seconds = sb_connection_get_retry_seconds (self->connection);

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

static void
welcome_cb (SbConnection *connection, JsonObject *welcome, SbWindow *self)
{
  /* Holds belong to our client id and survive reconnects and restarts: the server is the truth. */
  replace_holds (self, NULL, array_member (welcome, "holds"));
  refresh_events (self);
}

static void
snapshot_cb (SbConnection *connection, const char *event_id, JsonObject *snapshot, SbWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbVenue) venue = NULL;
  g_autofree char *source_name = NULL;
  JsonNode *venue_node;
  JsonNode *event_node;
  JsonArray *seats;
  SbVenue *previous;

  if (g_strcmp0 (event_id, self->event_id) != 0)
    return;

  venue_node = json_object_get_member (snapshot, "venue");
  source_name = g_strdup_printf ("event %s", event_id);
  venue = venue_node != NULL ? sb_venue_new_from_json_node (venue_node, source_name, &error) : NULL;
  if (venue == NULL)
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The seat map of this event cannot be shown: %s"),
                             error != NULL ? error->message : _ ("no venue"));

      g_warning ("%s", message);
      adw_status_page_set_description (self->empty_page, message);
      gtk_stack_set_visible_child_name (self->main_stack, "empty");
      return;
    }

  event_node = json_object_get_member (snapshot, "event");
  if (event_node != NULL && JSON_NODE_HOLDS_OBJECT (event_node))
    {
      const char *name = json_object_get_string_member_with_default (
          json_node_get_object (event_node), "name", NULL);
      if (name != NULL)
        adw_window_title_set_subtitle (self->window_title, name);
    }

  previous = sb_seat_map_get_venue (self->seat_map);
  sb_seat_map_set_venue (self->seat_map, venue);
  if (previous != sb_seat_map_get_venue (self->seat_map)
      || gtk_widget_get_first_child (GTK_WIDGET (self->legend)) == NULL)
    build_legend (self, venue);

  sb_seat_map_reset_states (self->seat_map);
  seats = array_member (snapshot, "seats");
  if (seats != NULL)
    sb_seat_map_apply_seats (self->seat_map, seats);
  gtk_stack_set_visible_child_name (self->main_stack, "map");
  update_panel (self);
  update_open_event_row (self);
}

static void
seats_changed_cb (SbConnection *connection,
                  const char *event_id,
                  JsonArray *seats,
                  gint64 version,
                  SbWindow *self)
{
  gboolean holds_touched = FALSE;

  if (g_strcmp0 (event_id, self->event_id) != 0)
    return;

  /* A seat of ours that turns free or booked is no longer under that hold (expiry, a booking
   * from another of our windows). */
  for (guint i = 0; i < json_array_get_length (seats); i++)
    {
      JsonObject *entry = json_array_get_object_element (seats, i);
      const char *id
          = entry ? json_object_get_string_member_with_default (entry, "id", NULL) : NULL;
      const char *state
          = entry ? json_object_get_string_member_with_default (entry, "state", NULL) : NULL;
      const char *hold_id
          = entry ? json_object_get_string_member_with_default (entry, "hold", NULL) : NULL;
      GHashTableIter iter;
      gpointer value;

      if (id == NULL)
        continue;
      g_hash_table_iter_init (&iter, self->holds);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Hold *hold = value;

          if (g_strcmp0 (hold->event_id, event_id) != 0)
            continue;
          if (g_strcmp0 (state, "held") == 0 && g_strcmp0 (hold_id, hold->id) == 0)
            continue;
          if (hold_remove_seat (hold, id))
            {
              holds_touched = TRUE;
              if (hold->seats->len == 0)
                g_hash_table_iter_remove (&iter);
            }
        }
    }

  sb_seat_map_apply_seats (self->seat_map, seats);
  if (holds_touched)
    holds_changed (self);
  update_open_event_row (self);
}

static void
holds_cb (SbConnection *connection, const char *event_id, JsonArray *holds, SbWindow *self)
{
  replace_holds (self, event_id, holds);
}

static void
subscription_failed_cb (SbConnection *connection,
                        const char *event_id,
                        GError *error,
                        SbWindow *self)
{
  if (g_strcmp0 (event_id, self->event_id) != 0)
    return;

  close_event (self);
  show_request_error (self, error, NULL);
}

/* Hold, book, release */

/* Adds the ids of the seats at `indices` to ids, each seat once: a seat can be both held and
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

static void
held_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (JsonObject) reply = finish_request (source, result, data, FINISH_COUNTED);
  g_autofree char *names = NULL;
  g_autofree char *message = NULL;
  SbWindow *self;

  if (reply == NULL)
    return;
  self = SB_WINDOW (data);

  add_hold_json (self, reply);
  names = unselect_reply_seats (self, array_member (reply, "seats"), NULL);
  /* Translators: %s names the seats just held */
  message = g_strdup_printf (_ ("Holding %s."), names);
  show_message (self, message);
  holds_changed (self);
}

static void
hold_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  const GArray *selection = sb_seat_map_get_selection (self->seat_map);
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  SbRequest *request;

  if (venue == NULL || selection->len == 0)
    return;
  if (selection->len > SB_MAX_SEATS_PER_REQUEST)
    {
      g_autofree char *message = g_strdup_printf (ngettext ("At most %d seat can be held at once.",
                                                            "At most %d seats can be held at once.",
                                                            SB_MAX_SEATS_PER_REQUEST),
                                                  SB_MAX_SEATS_PER_REQUEST);
      show_message (self, message);
      return;
    }

  add_seat_ids (ids, venue, selection);
  g_ptr_array_add (ids, NULL);

  request = sb_connection_new_request (self->connection, SB_REQUEST_HOLD);
  request->event_id = g_strdup (self->event_id);
  request->seats = (char **) g_ptr_array_steal (ids, NULL);
  send_request (self, request, held_cb);
}

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

static void
booked_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (JsonObject) reply = finish_request (source, result, data, FINISH_COUNTED);
  g_autofree char *names = NULL;
  g_autofree char *body = NULL;
  g_autofree char *message = NULL;
  const char *reference;
  SbWindow *self;
  AdwMessageDialog *dialog;
  GHashTableIter iter;
  gpointer value;

  if (reply == NULL)
    return;
  self = SB_WINDOW (data);

  reference = json_object_get_string_member_with_default (reply, "booking", "?");
  names = unselect_reply_seats (self, array_member (reply, "seats"), NULL);

  /* Booked seats leave whichever of our holds had them. */
  g_hash_table_iter_init (&iter, self->holds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Hold *hold = value;
      JsonArray *seats = array_member (reply, "seats");

      for (guint i = 0; seats != NULL && i < json_array_get_length (seats); i++)
        hold_remove_seat (hold, json_array_get_string_element (seats, i));
      if (hold->seats->len == 0)
        g_hash_table_iter_remove (&iter);
    }
  holds_changed (self);

  /* Translators: %1$s names the seats, %2$s is the booking reference */
  message = g_strdup_printf (_ ("Booked %1$s. Booking reference %2$s."), names, reference);
  show_message (self, message);

  /* Translators: %1$s is the booking reference to give the customer, %2$s names the seats */
  body = g_strdup_printf (_ ("Booking reference: %1$s\n%2$s"), reference, names);
  dialog
      = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _ ("Seats Booked"), body));
  adw_message_dialog_add_response (dialog, "close", _ ("_Done"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  clean_button_names (GTK_WIDGET (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
book_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  const GArray *selection = sb_seat_map_get_selection (self->seat_map);
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  SbRequest *request;

  if (venue == NULL)
    return;

  request = sb_connection_new_request (self->connection, SB_REQUEST_BOOK);
  if (selection->len == 0 && count_event_holds (self) == 1)
    {
      GHashTableIter iter;
      gpointer value;

      /* The usual way: book the hold, which also ends it. */
      g_hash_table_iter_init (&iter, self->holds);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (g_strcmp0 (((Hold *) value)->event_id, self->event_id) == 0)
          request->hold_id = g_strdup (((Hold *) value)->id);
    }
  else
    {
      /* Chosen seats plus the ones we hold here, all or nothing. */
      g_autoptr (GArray) held = held_indices (self);
      g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

      add_seat_ids (ids, venue, held);
      add_seat_ids (ids, venue, selection);
      if (ids->len == 0 || ids->len > SB_MAX_SEATS_PER_REQUEST)
        {
          sb_request_free (request);
          if (ids->len > 0)
            show_message (
                self, _ ("Too many seats for one booking. Please book them in smaller groups."));
          return;
        }
      g_ptr_array_add (ids, NULL);
      request->event_id = g_strdup (self->event_id);
      request->seats = (char **) g_ptr_array_steal (ids, NULL);
    }

  send_request (self, request, booked_cb);
}

static void
released_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (JsonObject) reply
      = finish_request (source, result, data, FINISH_COUNTED | FINISH_QUIET_IF_HOLD_GONE);
  SbWindow *self;
  const char *hold_id;

  if (reply == NULL)
    return;
  self = SB_WINDOW (data);

  hold_id = json_object_get_string_member_with_default (reply, "hold", NULL);
  if (hold_id != NULL)
    g_hash_table_remove (self->holds, hold_id);
  holds_changed (self);
  show_message (self, _ ("The seats were released."));
}

static void
release_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  GHashTableIter iter;
  gpointer value;

  sb_seat_map_clear_selection (self->seat_map);

  g_hash_table_iter_init (&iter, self->holds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Hold *hold = value;
      SbRequest *request;

      if (g_strcmp0 (hold->event_id, self->event_id) != 0)
        continue;
      request = sb_connection_new_request (self->connection, SB_REQUEST_RELEASE);
      request->hold_id = g_strdup (hold->id);
      send_request (self, request, released_cb);
    }
  update_actions (self);
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
  show_message (self, message);
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
  sb_connection_reconnect_now (SB_WINDOW (user_data)->connection);
}

static void
refresh_events_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);

  if (sb_connection_get_state (self->connection) == SB_CONNECTION_CONNECTED)
    refresh_events (self);
}

/* The other events change too, but only the open one is subscribed: while the window shows,
 * their counts are asked for again now and then. */
#define EVENTS_REFRESH_SECONDS 30

static gboolean
events_refresh_cb (gpointer data)
{
  SbWindow *self = data;

  if (sb_connection_get_state (self->connection) == SB_CONNECTION_CONNECTED)
    refresh_events (self);
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
  if (self->connection != NULL
      && sb_connection_get_state (self->connection) == SB_CONNECTION_CONNECTED)
    refresh_events (self);
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

  /* Another server has other events. */
  close_event (self);
  sb_connection_set_url (self->connection, url);
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
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  g_clear_handle_id (&self->events_refresh_source, g_source_remove);
  g_clear_handle_id (&self->zoom_label_source, g_source_remove);
  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      sb_connection_shutdown (self->connection);
      g_clear_object (&self->connection);
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
  g_hash_table_unref (self->holds);
  g_free (self->event_id);
  g_free (self->event_name);
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

  gtk_widget_class_set_template_from_resource (widget_class, "/org/seatbook/Seatbook/sb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, window_title);
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
  gtk_widget_class_bind_template_child (widget_class, SbWindow, total_label);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, SbWindow, zoom_label);
  gtk_widget_class_bind_template_callback (widget_class, event_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, update_panel);
  gtk_widget_class_bind_template_callback (widget_class, seat_refused_cb);
}

static const GActionEntry window_actions[] = {
  { "hold", hold_action },           { "book", book_action },
  { "release", release_action },     { "zoom-in", zoom_action },
  { "zoom-out", zoom_action },       { "zoom-fit", zoom_action },
  { "reconnect", reconnect_action }, { "refresh-events", refresh_events_action },
};

static void
sb_window_init (SbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), window_actions,
                                   G_N_ELEMENTS (window_actions), self);

  self->cancellable = g_cancellable_new ();
  self->holds = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) hold_free);
  g_signal_connect_swapped (self->seat_map, "notify::zoom", G_CALLBACK (zoom_changed_cb), self);
  update_zoom_label (self);
}

SbWindow *
sb_window_new (SbApplication *application, const char *event_id)
{
  SbWindow *self;
  g_autofree char *url = NULL;

  g_return_val_if_fail (SB_IS_APPLICATION (application), NULL);

  self = g_object_new (SB_TYPE_WINDOW, "application", application, NULL);
  self->settings = g_object_ref (sb_application_get_settings (application));
  self->open_when_listed = event_id != NULL ? g_strdup (event_id)
                                            : g_settings_get_string (self->settings, "last-event");

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  url = g_settings_get_string (self->settings, "server-url");
  self->connection = sb_connection_new (url, sb_application_get_client_id (application));
  g_signal_connect_swapped (self->connection, "notify::state", G_CALLBACK (update_banner), self);
  g_signal_connect_swapped (self->connection, "notify::retry-seconds", G_CALLBACK (update_banner),
                            self);
  g_signal_connect_swapped (self->connection, "notify::last-error", G_CALLBACK (update_banner),
                            self);
  g_signal_connect (self->connection, "welcome", G_CALLBACK (welcome_cb), self);
  g_signal_connect (self->connection, "snapshot", G_CALLBACK (snapshot_cb), self);
  g_signal_connect (self->connection, "seats-changed", G_CALLBACK (seats_changed_cb), self);
  g_signal_connect (self->connection, "holds", G_CALLBACK (holds_cb), self);
  g_signal_connect (self->connection, "subscription-failed", G_CALLBACK (subscription_failed_cb),
                    self);
  g_signal_connect (self->settings, "changed::server-url", G_CALLBACK (server_url_changed_cb),
                    self);

  update_panel (self);
  sb_connection_start (self->connection);
  update_banner (self);
  return self;
}
