/* sb-window-block.c: "Block Seats…" and "Unblock Seats…" (issue 11 item 5), win.block-seats and
 * win.unblock-seats, for managers and administrators (SB_PERMISSION_BLOCK).
 *
 * Block Seats… is in the panel beside Book and Release: a manager holds the seats (a click on
 * the map, Hold), then takes them out of sale; the server takes them from the hold in the same
 * transaction. A clerk or viewer never may, so the button is not shown to them: the panel is
 * their sales desk and stays as it was. Unblock Seats… is an event action, in the main menu; a
 * GMenu item cannot carry a tooltip in GTK 4.8, so the menu holds a button of ours there
 * (gtk_popover_menu_add_child ()) that is insensitive with the reason in its tooltip and
 * accessible description: nothing to unblock, or not a manager. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-block-dialog.h"
#include "sb-permissions.h"
#include "sb-protocol.h"
#include "sb-window-private.h"

/* The seat ids of the open event that a block took out of sale: blocked, but not by the venue
 * document (those change only with the venue, and unblock refuses them). NULL-terminated. */
static char **
dup_unblockable_seats (SbWindow *self)
{
  SbVenue *venue = sb_seat_map_get_venue (self->seat_map);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; venue != NULL && i < sb_venue_get_n_seats (venue); i++)
    if (sb_seat_map_get_status (self->seat_map, i) == SB_SEAT_STATUS_BLOCKED
        && !sb_venue_get_seat (venue, i)->blocked)
      g_strv_builder_add (builder, sb_venue_get_seat (venue, i)->id);
  return g_strv_builder_end (builder);
}

void
_sb_window_block_update (SbWindow *self, gboolean has_map, gboolean connected, const char *role)
{
  gboolean may_block = sb_permission_granted (role, SB_PERMISSION_BLOCK);
  const char *refusal = sb_permission_get_refusal (role, SB_PERMISSION_BLOCK);
  const char *offline = connected ? NULL : gtk_label_get_label (self->offline_label);
  g_autoptr (GPtrArray) held = has_map ? sb_desk_dup_event_held_seats (self->desk) : NULL;
  g_auto (GStrv) blocked = has_map ? dup_unblockable_seats (self) : NULL;
  guint n_held = held != NULL ? held->len : 0;
  const char *block_why = NULL;
  const char *unblock_why = NULL;

  if (self->unblock_button == NULL) /* before _sb_window_block_init () */
    return;
  /* The role's refusal first: reconnecting will not change it. */
  if (refusal != NULL)
    block_why = refusal;
  else if (has_map && offline != NULL)
    block_why = offline;
  else if (n_held == 0)
    block_why = _ ("Hold the seats to block first: click them on the map, then Hold");
  else if (n_held > SB_MAX_SEATS_PER_REQUEST)
    block_why = _ ("At most 50 seats can be blocked at a time: release some first");
  _sb_window_set_action_enabled (self, "block-seats", has_map && block_why == NULL);
  gtk_widget_set_visible (self->block_button, may_block);
  _sb_window_set_reason (self->block_button, block_why,
                         _ ("Take the seats you hold out of sale (house seats, a broken seat)"));

  if (refusal != NULL)
    unblock_why = refusal;
  else if (!has_map)
    unblock_why = _ ("Open an event to unblock its seats");
  else if (offline != NULL)
    unblock_why = offline;
  else if (blocked[0] == NULL)
    unblock_why = _ ("No seat of this event is blocked by a block (seats the venue blocks "
                     "cannot be unblocked)");
  _sb_window_set_action_enabled (self, "unblock-seats", unblock_why == NULL);
  _sb_window_set_reason (self->unblock_button, unblock_why,
                         _ ("Put seats that were blocked back on sale"));

  /* A dialog of another event (or of none) would send its seats to the wrong place. */
  if (self->block_dialog != NULL
      && g_strcmp0 (sb_block_dialog_get_event_id (self->block_dialog),
                    has_map ? sb_desk_get_event_id (self->desk) : NULL)
             != 0)
    gtk_window_destroy (GTK_WINDOW (self->block_dialog));
}

static void
done_cb (SbBlockDialog *dialog, char **seats, SbWindow *self)
{
  g_autofree char *names = _sb_window_unselect_seats (self, seats, NULL);
  g_autofree char *message = NULL;

  if (sb_block_dialog_get_unblock (dialog))
    /* Translators: %s names the seats just unblocked */
    message = g_strdup_printf (_ ("Unblocked %s: for sale again."), names);
  else
    /* Translators: %s names the seats just blocked */
    message = g_strdup_printf (_ ("Blocked %s: not for sale until unblocked."), names);
  _sb_window_show_message (self, message);
}

static void
open_dialog (SbWindow *self, gboolean unblock, const char *const *seat_ids)
{
  const char *event_id = sb_desk_get_event_id (self->desk);

  if (event_id == NULL || seat_ids == NULL || seat_ids[0] == NULL)
    return;
  if (self->block_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->block_dialog));
  self->block_dialog = sb_block_dialog_new (GTK_WINDOW (self), sb_desk_get_connection (self->desk),
                                            event_id, self->seat_map, unblock, seat_ids);
  g_object_add_weak_pointer (G_OBJECT (self->block_dialog), (gpointer *) &self->block_dialog);
  g_signal_connect_object (self->block_dialog, "done", G_CALLBACK (done_cb), self, 0);
  gtk_window_present (GTK_WINDOW (self->block_dialog));
}

static void
block_seats_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  g_autoptr (GPtrArray) held = sb_desk_dup_event_held_seats (self->desk);

  g_ptr_array_add (held, NULL);
  open_dialog (self, FALSE, (const char *const *) held->pdata);
}

static void
unblock_seats_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  g_auto (GStrv) blocked = dup_unblockable_seats (self);

  /* A button of ours in the menu does not close it as the menu's own items do. */
  gtk_menu_button_popdown (self->menu_button);
  open_dialog (self, TRUE, (const char *const *) blocked);
}

static const GActionEntry block_actions[] = {
  { "block-seats", block_seats_action },
  { "unblock-seats", unblock_seats_action },
};

void
_sb_window_block_init (SbWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), block_actions, G_N_ELEMENTS (block_actions),
                                   self);
  self->unblock_button
      = _sb_window_add_menu_button (self, _ ("_Unblock Seats…"), "win.unblock-seats", "unblock");
}

void
_sb_window_block_dispose (SbWindow *self)
{
  if (self->block_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->block_dialog),
                                    (gpointer *) &self->block_dialog);
      gtk_window_destroy (GTK_WINDOW (self->block_dialog));
      self->block_dialog = NULL;
    }
}
