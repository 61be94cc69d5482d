/* sb-bookings-page.c: the Bookings page (sb-bookings-page.h).
 *
 * One entry, as at a box office's phone: what is typed is read as the one criterion of
 * find_bookings (docs/protocol.md) that it can only be, in this order:
 *   - nothing: every booking of the event;
 *   - a seat id of the venue ("stalls-D-5"): the booking holding that seat;
 *   - text with an "@": an e-mail address;
 *   - digits with spaces and + - ( ) / only: a phone number;
 *   - one word of 8 letters and digits with a digit in it, or of 8 letters a reference can
 *     have: a booking reference (the server's are 8 such characters, compared without case);
 *     8 letters only can also be a name ("mezeddnw", "Bernhard"), so when no booking has that
 *     reference the same text is searched again as a name;
 *   - anything else: a customer's name (the server compares it without case or accents, as a
 *     prefix of any of its words).
 * The search waits for a pause in typing (GtkSearchEntry's search-delay) and a newer search
 * supersedes an older one's reply. The list is found again a moment after the event changes (a
 * booking, a cancellation or a move at any desk), keeping the selected booking selected. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sb-bookings-page.h"
#include "sb-cancel-dialog.h"
#include "sb-move-dialog.h"
#include "sb-permissions.h"
#include "sb-util.h"

#define REFERENCE_LENGTH 8
#define PAGE_SIZE 50
/* After a change of the event, the list is found again once changes pause this long: a storm of
 * bookings asks once. */
#define REFRESH_DELAY_MS 1000
/* The letters of a booking reference (server/store/sb-op.c): no I, L, O or U. */
#define REFERENCE_LETTERS "ABCDEFGHJKMNPQRSTVWXYZ"

struct _SbBookingsPage
{
  GtkWidget parent_instance;

  GtkSearchEntry *search_entry;
  GtkLabel *status_label;
  GtkListBox *results_list;
  GtkButton *more_button;
  GtkWidget *details_box;
  GtkLabel *reference_label;
  GtkLabel *customer_label;
  GtkLabel *contact_label;
  GtkLabel *note_label;
  GtkLabel *seats_label;
  GtkLabel *total_label;
  GtkLabel *state_label;
  GtkLabel *booked_label;
  GtkButton *cancel_button;
  GtkButton *move_button;

  SbConnection *connection;
  SbSeatMap *seat_map; /* weak */
  char *event_id;
  SbEventItem *event; /* or NULL */
  char *role;
  GCancellable *cancellable; /* the search in flight */
  char *next;                /* the reply's cursor for "Show More", or NULL */
  char *query;               /* the text the list was found with */
  GPtrArray *entries;        /* SbBookingEntry, as listed */
  SbBookingEntry *selected;  /* one of entries, or NULL */
  GArray *highlighted;       /* guint seat indices */
  gboolean stale;            /* the list is not for the current event yet */
  gboolean as_name;          /* query is searched as a name after it found no reference */
  char *reselect;            /* the reference to select again when the list is found again */
  guint refresh_source;      /* finds the list again after the event changed */
};

G_DEFINE_FINAL_TYPE (SbBookingsPage, sb_bookings_page, GTK_TYPE_WIDGET)

/* ---- The query ----------------------------------------------------------------------------- */

static gboolean
looks_like_phone (const char *text)
{
  gboolean digit = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digit = TRUE;
      else if (strchr (" +-()/", *p) == NULL)
        return FALSE;
    }
  return digit;
}

typedef enum
{
  NOT_A_REFERENCE,
  REFERENCE,
  REFERENCE_OR_NAME,
} ReferenceLikeness;

static ReferenceLikeness
looks_like_reference (const char *text)
{
  gboolean digit = FALSE, reference_letters = TRUE;

  if (strlen (text) != REFERENCE_LENGTH)
    return NOT_A_REFERENCE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p))
        return NOT_A_REFERENCE;
      digit |= g_ascii_isdigit (*p);
      reference_letters &= g_ascii_isdigit (*p) || strchr (REFERENCE_LETTERS, g_ascii_toupper (*p));
    }
  if (digit)
    return REFERENCE;
  return reference_letters ? REFERENCE_OR_NAME : NOT_A_REFERENCE;
}

gboolean
sb_bookings_page_query_may_be_name (const char *text)
{
  g_autofree char *query = g_strstrip (g_strdup (text != NULL ? text : ""));

  return looks_like_reference (query) == REFERENCE_OR_NAME;
}

void
sb_bookings_page_apply_query (const char *text, SbVenue *venue, SbRequest *request)
{
  g_autofree char *query = NULL;

  g_return_if_fail (request != NULL);

  query = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*query == '\0')
    return;
  if (venue != NULL && sb_venue_lookup_seat (venue, query, NULL))
    request->seat_id = g_steal_pointer (&query);
  else if (strchr (query, '@') != NULL)
    request->email = g_steal_pointer (&query);
  else if (looks_like_phone (query))
    request->phone = g_steal_pointer (&query);
  else if (looks_like_reference (query) != NOT_A_REFERENCE)
    request->reference = g_steal_pointer (&query);
  else
    request->name = g_steal_pointer (&query);
}

/* ---- Showing ------------------------------------------------------------------------------- */

static char *
describe_seats (SbBookingsPage *self, char **seats)
{
  guint n = seats != NULL ? g_strv_length (seats) : 0;
  g_autofree char *words = NULL;
  guint n_known = 0;

  if (n == 0)
    return g_strdup (_ ("No seats"));
  if (self->seat_map != NULL)
    words = sb_seat_map_describe_seat_ids (self->seat_map, (const char *const *) seats, &n_known);
  /* A seat the map does not know (another venue version): its id says the most. */
  if (n_known != n)
    return g_strjoinv (", ", seats);
  return g_steal_pointer (&words);
}

static char *
format_total (SbBookingsPage *self, gint64 total)
{
  SbVenue *venue = self->seat_map != NULL ? sb_seat_map_get_venue (self->seat_map) : NULL;

  return sb_format_price (total, venue != NULL ? sb_venue_get_currency (venue) : NULL);
}

static const char *
state_title (const char *state)
{
  if (g_strcmp0 (state, "booked") == 0)
    return _ ("Booked");
  if (g_strcmp0 (state, "cancelled") == 0)
    return _ ("Cancelled");
  /* A newer server's state: its own name is the best we have. */
  return state;
}

static const char *
customer_name (const SbBookingEntry *entry)
{
  return entry->customer.name != NULL ? entry->customer.name : _ ("No customer name");
}

static void
set_optional_label (GtkLabel *label, const char *text)
{
  gtk_label_set_label (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

/* A button for the selected booking that the role may be refused: the reason in its tooltip and
 * its accessible description. */
static void
update_booking_button (SbBookingsPage *self, GtkButton *button, SbPermission permission)
{
  const char *why_not = sb_permission_get_refusal (self->role, permission);
  gboolean active
      = self->selected != NULL && self->selected->seats != NULL && self->selected->seats[0] != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (button), why_not == NULL && active);
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), why_not);
  if (why_not != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    why_not, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
update_cancel_button (SbBookingsPage *self)
{
  update_booking_button (self, self->cancel_button, SB_PERMISSION_CANCEL);
  update_booking_button (self, self->move_button, SB_PERMISSION_SELL);
}

/* Marks the selected booking's seats on the map (or none). */
static void
update_highlight (SbBookingsPage *self)
{
  SbVenue *venue = self->seat_map != NULL ? sb_seat_map_get_venue (self->seat_map) : NULL;

  g_array_set_size (self->highlighted, 0);
  if (self->selected != NULL && venue != NULL && self->selected->seats != NULL)
    for (guint i = 0; self->selected->seats[i] != NULL; i++)
      {
        guint index;

        if (sb_venue_lookup_seat (venue, self->selected->seats[i], &index))
          g_array_append_val (self->highlighted, index);
      }
  if (self->seat_map != NULL)
    sb_seat_map_set_highlighted (self->seat_map, (const guint *) self->highlighted->data,
                                 self->highlighted->len);
}

static void
show_details (SbBookingsPage *self)
{
  const SbBookingEntry *entry = self->selected;
  g_autofree char *seats = NULL, *total = NULL, *booked = NULL, *contact = NULL;
  g_autoptr (GDateTime) when = NULL;

  gtk_widget_set_visible (self->details_box, entry != NULL);
  update_highlight (self);
  update_cancel_button (self);
  if (entry == NULL)
    return;

  seats = describe_seats (self, entry->seats);
  total = format_total (self, entry->total_price);
  when = g_date_time_new_from_unix_local (entry->booked_at / 1000);
  if (when != NULL)
    {
      g_autofree char *date = g_date_time_format (when, "%x %X");
      /* Translators: when and by which account a booking was made */
      booked = g_strdup_printf (_ ("Booked %1$s by %2$s"), date, entry->account);
    }
  if (entry->customer.phone != NULL && entry->customer.email != NULL)
    contact = g_strdup_printf ("%s · %s", entry->customer.phone, entry->customer.email);
  else
    contact
        = g_strdup (entry->customer.phone != NULL ? entry->customer.phone : entry->customer.email);

  gtk_label_set_label (self->reference_label, entry->reference);
  gtk_label_set_label (self->customer_label, customer_name (entry));
  set_optional_label (self->contact_label, contact);
  set_optional_label (self->note_label, entry->customer.note);
  gtk_label_set_label (self->seats_label, seats);
  gtk_label_set_label (self->total_label, total);
  gtk_label_set_label (self->state_label, state_title (entry->state));
  set_optional_label (self->booked_label, booked);
}

static GtkWidget *
create_row (SbBookingsPage *self, const SbBookingEntry *entry)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *seats = describe_seats (self, entry->seats);
  g_autofree char *total = format_total (self, entry->total_price);
  /* Translators: a booking in the list: reference · seats · total · state */
  g_autofree char *subtitle = g_strdup_printf (_ ("%1$s · %2$s · %3$s · %4$s"), entry->reference,
                                               seats, total, state_title (entry->state));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), customer_name (entry));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  return row;
}

static void
set_status (SbBookingsPage *self, const char *text)
{
  set_optional_label (self->status_label, text);
}

static void
clear_results (SbBookingsPage *self)
{
  GtkListBoxRow *row;

  self->selected = NULL;
  while ((row = gtk_list_box_get_row_at_index (self->results_list, 0)) != NULL)
    gtk_list_box_remove (self->results_list, GTK_WIDGET (row));
  g_ptr_array_set_size (self->entries, 0);
  g_clear_pointer (&self->next, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->more_button), FALSE);
  show_details (self);
}

/* ---- Searching ----------------------------------------------------------------------------- */

static void search (SbBookingsPage *self, gboolean more);
static void send_search (SbBookingsPage *self, gboolean more);

static void
bookings_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbMessage) reply
      = sb_connection_send_finish (SB_CONNECTION (source), result, NULL, &error);
  SbBookingsPage *self;
  GPtrArray *found;

  /* Cancelled by a newer search or by dispose: data is not to be touched then. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SB_BOOKINGS_PAGE (data);

  if (reply == NULL || reply->type != SB_MESSAGE_BOOKINGS)
    {
      const char *why = reply != NULL ? _ ("The server answered with something else.")
                        : error->domain == SB_PROTOCOL_ERROR
                            ? sb_error_code_get_message ((SbErrorCode) error->code)
                            : error->message;

      if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST))
        why = _ ("Nothing can be found with that: type a reference, a name, a phone number, an "
                 "e-mail address or a seat.");
      set_status (self, why);
      return;
    }

  found = reply->bookings->bookings;
  if (found->len == 0 && self->entries->len == 0 && !self->as_name
      && sb_bookings_page_query_may_be_name (self->query))
    {
      /* No booking has that reference: it was a name. */
      self->as_name = TRUE;
      send_search (self, FALSE);
      return;
    }
  for (guint i = 0; i < found->len; i++)
    {
      SbBookingEntry *entry = sb_booking_entry_copy (g_ptr_array_index (found, i));

      g_ptr_array_add (self->entries, entry);
      gtk_list_box_append (self->results_list, create_row (self, entry));
      if (self->reselect != NULL && g_strcmp0 (entry->reference, self->reselect) == 0)
        {
          g_clear_pointer (&self->reselect, g_free);
          gtk_list_box_select_row (self->results_list,
                                   gtk_list_box_get_row_at_index (self->results_list, (int) i));
        }
    }
  g_clear_pointer (&self->reselect, g_free);
  g_free (self->next);
  self->next = g_strdup (reply->bookings->next);
  gtk_widget_set_visible (GTK_WIDGET (self->more_button), self->next != NULL);
  if (self->entries->len == 0)
    set_status (self, _ ("No bookings found."));
  else
    {
      /* Translators: how many bookings the list shows */
      g_autofree char *count = g_strdup_printf (
          ngettext ("%u booking", "%u bookings", self->entries->len), self->entries->len);
      set_status (self, count);
    }
}

/* Sends the search for self->query (as a name once it found no reference); more: its next page. */
static void
send_search (SbBookingsPage *self, gboolean more)
{
  SbRequest *request;
  SbVenue *venue;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  venue = self->seat_map != NULL ? sb_seat_map_get_venue (self->seat_map) : NULL;
  request = sb_connection_new_request (self->connection, SB_REQUEST_FIND_BOOKINGS);
  request->event_id = g_strdup (self->event_id);
  request->limit = PAGE_SIZE;
  if (more)
    request->after = g_strdup (self->next);
  if (self->as_name)
    request->name = g_strstrip (g_strdup (self->query));
  else
    sb_bookings_page_apply_query (self->query, venue, request);
  self->stale = FALSE;
  sb_connection_send_async (self->connection, request, self->cancellable, bookings_cb, self);
}

/* more: the next page of the same search, added to the list. */
static void
search (SbBookingsPage *self, gboolean more)
{
  if (self->connection == NULL || self->event_id == NULL
      || !sb_permission_granted (self->role, SB_PERMISSION_FIND_BOOKINGS))
    return;
  if (more && self->next == NULL)
    return;

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (!more)
    {
      g_free (self->query);
      self->query = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
      self->as_name = FALSE;
      clear_results (self);
      set_status (self, _ ("Searching…"));
    }
  send_search (self, more);
}

static void
search_changed_cb (SbBookingsPage *self)
{
  g_clear_pointer (&self->reselect, g_free);
  search (self, FALSE);
}

/* The list again, as it now is, with the booking that was selected still selected. */
static void
refresh (SbBookingsPage *self)
{
  g_free (self->reselect);
  self->reselect = self->selected != NULL ? g_strdup (self->selected->reference) : NULL;
  search (self, FALSE);
}

static gboolean
refresh_timeout_cb (gpointer data)
{
  SbBookingsPage *self = data;

  self->refresh_source = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
more_clicked_cb (SbBookingsPage *self)
{
  search (self, TRUE);
}

static void
row_selected_cb (SbBookingsPage *self, GtkListBoxRow *row)
{
  int index = row != NULL ? gtk_list_box_row_get_index (row) : -1;

  self->selected = index >= 0 && (guint) index < self->entries->len
                       ? g_ptr_array_index (self->entries, index)
                       : NULL;
  show_details (self);
}

/* The page is shown: a list found for another event (or none yet) is found again. */
static void
page_mapped_cb (SbBookingsPage *self)
{
  if (self->stale)
    refresh (self);
}

static void
cancelled_cb (SbBookingsPage *self)
{
  /* The booking has changed (fewer or other seats, or cancelled): the list is found again. */
  refresh (self);
}

static void
cancel_clicked_cb (SbBookingsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  SbCancelDialog *dialog;

  if (self->selected == NULL || self->connection == NULL)
    return;
  dialog = sb_cancel_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->connection,
                                 self->event_id, self->selected, self->seat_map);
  g_signal_connect_object (dialog, "cancelled", G_CALLBACK (cancelled_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
move_clicked_cb (SbBookingsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  SbMoveDialog *dialog;

  if (self->selected == NULL || self->connection == NULL || self->seat_map == NULL)
    return;
  dialog = sb_move_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->connection,
                               self->event_id, self->event, self->selected, self->seat_map);
  /* The booking has other seats now: the list is found again, the booking kept selected. */
  g_signal_connect_object (dialog, "moved", G_CALLBACK (cancelled_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Public -------------------------------------------------------------------------------- */

void
sb_bookings_page_set_event (SbBookingsPage *self,
                            SbConnection *connection,
                            const char *event_id,
                            SbSeatMap *seat_map)
{
  g_return_if_fail (SB_IS_BOOKINGS_PAGE (self));
  g_return_if_fail (connection == NULL || SB_IS_CONNECTION (connection));
  g_return_if_fail (seat_map == NULL || SB_IS_SEAT_MAP (seat_map));

  if (self->connection == connection && g_strcmp0 (self->event_id, event_id) == 0
      && self->seat_map == seat_map)
    return;
  g_set_object (&self->connection, connection);
  g_free (self->event_id);
  self->event_id = g_strdup (event_id);
  g_set_weak_pointer (&self->seat_map, seat_map);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_pointer (&self->reselect, g_free);
  clear_results (self);
  set_status (self, NULL);
  self->stale = event_id != NULL;
  if (self->stale && gtk_widget_get_mapped (GTK_WIDGET (self)))
    search (self, FALSE);
}

void
sb_bookings_page_set_event_item (SbBookingsPage *self, SbEventItem *event)
{
  g_return_if_fail (SB_IS_BOOKINGS_PAGE (self));
  g_return_if_fail (event == NULL || SB_IS_EVENT_ITEM (event));

  g_set_object (&self->event, event);
}

void
sb_bookings_page_event_changed (SbBookingsPage *self)
{
  g_return_if_fail (SB_IS_BOOKINGS_PAGE (self));

  if (self->event_id == NULL)
    return;
  self->stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && self->refresh_source == 0)
    self->refresh_source = g_timeout_add (REFRESH_DELAY_MS, refresh_timeout_cb, self);
}

void
sb_bookings_page_set_role (SbBookingsPage *self, const char *role)
{
  const char *why_not;

  g_return_if_fail (SB_IS_BOOKINGS_PAGE (self));

  g_free (self->role);
  self->role = g_strdup (role);
  why_not = sb_permission_get_refusal (role, SB_PERMISSION_FIND_BOOKINGS);
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), why_not == NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->search_entry), why_not);
  if (why_not != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, why_not, -1);
      clear_results (self);
      set_status (self, why_not);
    }
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->search_entry),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  update_cancel_button (self);
}

void
sb_bookings_page_reveal_on_map (SbBookingsPage *self)
{
  g_return_if_fail (SB_IS_BOOKINGS_PAGE (self));

  if (self->seat_map != NULL && self->highlighted->len > 0)
    sb_seat_map_reveal_seats (self->seat_map, (const guint *) self->highlighted->data,
                              self->highlighted->len);
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
sb_bookings_page_dispose (GObject *object)
{
  SbBookingsPage *self = SB_BOOKINGS_PAGE (object);
  GtkWidget *child;

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->connection);
  g_clear_object (&self->event);
  g_clear_weak_pointer (&self->seat_map);
  /* Disposing the list unselects its row: the details it would show are being disposed too. */
  if (self->results_list != NULL)
    g_signal_handlers_disconnect_by_func (self->results_list, row_selected_cb, self);
  gtk_widget_dispose_template (GTK_WIDGET (object), SB_TYPE_BOOKINGS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sb_bookings_page_parent_class)->dispose (object);
}

static void
sb_bookings_page_finalize (GObject *object)
{
  SbBookingsPage *self = SB_BOOKINGS_PAGE (object);

  g_free (self->event_id);
  g_free (self->role);
  g_free (self->next);
  g_free (self->query);
  g_free (self->reselect);
  g_ptr_array_unref (self->entries);
  g_array_unref (self->highlighted);

  G_OBJECT_CLASS (sb_bookings_page_parent_class)->finalize (object);
}

static void
sb_bookings_page_class_init (SbBookingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_bookings_page_dispose;
  object_class->finalize = sb_bookings_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/seatbook/Seatbook/sb-bookings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, results_list);
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, more_button);
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, details_box);
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, reference_label);
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, customer_label);
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, contact_label);
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, note_label);
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, seats_label);
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, total_label);
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, booked_label);
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SbBookingsPage, move_button);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, more_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, move_clicked_cb);
}

static void
sb_bookings_page_init (SbBookingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_booking_entry_free);
  self->highlighted = g_array_new (FALSE, FALSE, sizeof (guint));
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self, "map", G_CALLBACK (page_mapped_cb), NULL);
  show_details (self);
}

GtkWidget *
sb_bookings_page_new (void)
{
  return g_object_new (SB_TYPE_BOOKINGS_PAGE, NULL);
}
