/* sb-window-best.c: "Best available…" (win.best-available): the clerk says how many seats and
 * what kind, the server chooses and holds them (`hold_best`), and the window shows the hold on
 * the map, chosen and in view, for the clerk to book, add to or release with the usual buttons.
 * A refusal is said in the dialog, where the request can be changed and sent again; when the
 * orphan rule is what refused it, a manager may "Hold Anyway" there (override_orphan_rule). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-best-available-dialog.h"
#include "sb-permissions.h"
#include "sb-util.h"
#include "sb-window-private.h"

/* The seats of the hold, chosen (and only they) and brought into view: chosen seats are what
 * Book and Release act on, and the clerk sees at once what the server picked. */
static void
show_held_seats (SbWindow *self, char **seat_ids)
{
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  g_autoptr (GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));

  sb_seat_map_clear_selection (self->seat_map);
  for (guint i = 0; venue != NULL && seat_ids != NULL && seat_ids[i] != NULL; i++)
    {
      guint index;

      if (!sb_venue_lookup_seat (venue, seat_ids[i], &index))
        continue;
      g_array_append_val (indices, index);
      sb_seat_map_set_selected (self->seat_map, index, TRUE);
    }
  sb_seat_map_reveal_seats (self->seat_map, (const guint *) (gpointer) indices->data, indices->len);
}

/* Whether the free seats would do, so that the orphan rule is what refused them: under enforce
 * hold_best answers not_enough_seats when every choice leaves a seat alone (docs/protocol.md).
 * Side by side, `available` is the longest run of free seats that fit; apart, it counts only the
 * seats that leave none alone, so the map's free seats that fit the form are counted instead. */
static gboolean
enough_free_seats (SbWindow *self, SbBestAvailableDialog *dialog, const SbErrorMessage *error_reply)
{
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  guint count = sb_best_available_dialog_get_count (dialog);
  const char *category_id = sb_best_available_dialog_get_category (dialog);
  gint64 max_price = sb_best_available_dialog_get_max_price (dialog);
  guint n = 0;

  if (error_reply == NULL || venue == NULL)
    return FALSE;
  if (sb_best_available_dialog_get_together (dialog))
    return error_reply->available >= count;
  for (guint i = 0; i < sb_venue_get_n_seats (venue) && n < count; i++)
    {
      const SbSeat *seat = sb_venue_get_seat (venue, i);
      const SbCategory *category = sb_venue_get_category (venue, seat->category);

      if (sb_seat_map_get_status (self->seat_map, i) == SB_SEAT_STATUS_FREE && !seat->blocked
          && (category_id == NULL || g_str_equal (category->id, category_id))
          && (max_price < 0 || category->price <= max_price))
        n++;
    }
  return n >= count;
}

/* What the server said no to, in words for the clerk; the dialog words the shortfall, which
 * depends on what was asked. */
static char *
describe_refusal (SbWindow *self,
                  SbBestAvailableDialog *dialog,
                  const GError *error,
                  const SbErrorMessage *error_reply)
{
  if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_NOT_ENOUGH_SEATS)
      && enough_free_seats (self, dialog, error_reply))
    return g_strdup (_ ("Enough seats are free, but every choice of them would leave a seat on "
                        "its own."));
  if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_NOT_ENOUGH_SEATS))
    return sb_best_available_dialog_describe_shortfall (
        dialog, error_reply != NULL ? error_reply->available : 0);
  if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_LONE_SEAT) && error_reply != NULL
      && error_reply->seats != NULL && error_reply->seats[0] != NULL)
    return _sb_window_describe_lone_seat (self, error_reply->seats[0]);
  if (error->domain == SB_PROTOCOL_ERROR)
    return g_strdup (sb_error_code_get_message ((SbErrorCode) error->code));
  return g_strdup (error->message);
}

static void
best_held_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbErrorMessage) error_reply = NULL;
  g_autoptr (SbMessage) reply
      = _sb_window_request_finish (source, result, data, &error, &error_reply);
  g_autofree char *names = NULL;
  g_autofree char *message = NULL;
  SbWindow *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SB_WINDOW (data);

  if (reply == NULL)
    {
      /* In the dialog while it is open, so the clerk can ask for less; else in the panel. */
      if (self->best_dialog != NULL)
        {
          g_autofree char *text = describe_refusal (self, self->best_dialog, error, error_reply);
          const char *role = sb_connection_get_role (sb_desk_get_connection (self->desk));
          /* The orphan rule's refusal: a manager may hold anyway (sb-window-anyway.c does the
           * same on the map); a clerk is not offered what the server would refuse. */
          gboolean orphan_rule
              = (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_NOT_ENOUGH_SEATS)
                 && enough_free_seats (self, self->best_dialog, error_reply))
                || g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_LONE_SEAT);

          sb_best_available_dialog_set_busy (self->best_dialog, FALSE);
          sb_best_available_dialog_show_refusal (self->best_dialog, text);
          sb_best_available_dialog_offer_anyway (
              self->best_dialog,
              orphan_rule && !self->best_overriding
                  && sb_permission_granted (role, SB_PERMISSION_OVERRIDE_ORPHAN_RULE));
          self->next_message_after_drop = FALSE;
        }
      else
        _sb_window_show_request_error (self, error, error_reply);
      return;
    }

  if (self->best_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->best_dialog));
  show_held_seats (self, reply->hold->info.seats);
  names = sb_seat_map_describe_seats (
      self->seat_map, (const guint *) (gpointer) sb_seat_map_get_selection (self->seat_map)->data,
      sb_seat_map_get_selection (self->seat_map)->len);
  /* Translators: %s names the seats the server chose and held */
  message = g_strdup_printf (_ ("Holding %s: the best seats available. Book them, or change them "
                                "and book."),
                             names);
  _sb_window_show_message_with_warning (self, message, reply->hold->lone_seat);
  self->feedback_tells_hold = TRUE;
}

static void
send_best (SbBestAvailableDialog *dialog, SbWindow *self, gboolean override_orphan_rule)
{
  /* The dialog waits for its own answer (set_busy), so a double click sends once; a hold or
   * booking of the panel in flight meanwhile is another request and does not stop this one. */
  if (sb_desk_get_event_id (self->desk) == NULL)
    return;

  sb_best_available_dialog_offer_anyway (dialog, FALSE);
  sb_best_available_dialog_set_busy (dialog, TRUE);
  self->best_overriding = override_orphan_rule;
  _sb_window_request_started (self);
  sb_desk_hold_best_full_async (self->desk, sb_best_available_dialog_get_count (dialog),
                                sb_best_available_dialog_get_category (dialog),
                                sb_best_available_dialog_get_max_price (dialog),
                                sb_best_available_dialog_get_together (dialog),
                                override_orphan_rule, self->cancellable, best_held_cb, self);
}

static void
find_cb (SbBestAvailableDialog *dialog, SbWindow *self)
{
  send_best (dialog, self, FALSE);
}

/* "Hold Anyway": the same request, with the orphan rule overridden (a manager's). */
static void
hold_anyway_cb (SbBestAvailableDialog *dialog, SbWindow *self)
{
  send_best (dialog, self, TRUE);
}

static void
best_available_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);

  if (venue == NULL)
    return;
  if (self->best_dialog == NULL)
    {
      self->best_dialog = sb_best_available_dialog_new (GTK_WINDOW (self), venue);
      g_object_add_weak_pointer (G_OBJECT (self->best_dialog), (gpointer *) &self->best_dialog);
      g_signal_connect_object (self->best_dialog, "find", G_CALLBACK (find_cb), self, 0);
      g_signal_connect_object (self->best_dialog, "hold-anyway", G_CALLBACK (hold_anyway_cb), self,
                               0);
    }
  gtk_window_present (GTK_WINDOW (self->best_dialog));
}

static const GActionEntry best_actions[] = {
  { "best-available", best_available_action },
};

void
_sb_window_best_init (SbWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), best_actions, G_N_ELEMENTS (best_actions),
                                   self);
}

void
_sb_window_best_update (SbWindow *self, gboolean enabled, const char *why_not)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "best-available");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
  _sb_window_set_reason (self->best_button, why_not,
                         _ ("Let the server choose the best free seats and hold them (Ctrl+B)"));
  /* An event that closed takes its form with it: the venue would be another. */
  if (self->best_dialog != NULL && sb_seat_map_get_venue (self->seat_map) == NULL)
    gtk_window_destroy (GTK_WINDOW (self->best_dialog));
}

void
_sb_window_best_dispose (SbWindow *self)
{
  if (self->best_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->best_dialog), (gpointer *) &self->best_dialog);
      gtk_window_destroy (GTK_WINDOW (self->best_dialog));
      self->best_dialog = NULL;
    }
}
