/* sb-window-fold.c: the side panels of a narrow window.
 *
 * Below the widths given in sb-window.ui, the events list and then the panel of your seats fold
 * away (AdwFlap) and the map keeps the window. A folded side comes back over the map with its
 * header-bar toggle or its key (F9 your seats, Shift+F9 the events): the stateful actions
 * win.show-panel and win.show-events, enabled while their side is folded, whose state is whether
 * it shows. Shown by the keyboard, a side also takes the keyboard focus, so that Tab reaches Hold
 * and Book at once; Escape or a click on the map hides it again (AdwFlap's modal flap). */
#include "config.h"

#include "sb-window-private.h"

static const char *
action_name_of (SbWindow *self, AdwFlap *flap)
{
  return flap == self->panel_flap ? "show-panel" : "show-events";
}

static AdwFlap *
flap_of (SbWindow *self, GSimpleAction *action)
{
  return g_str_equal (g_action_get_name (G_ACTION (action)), "show-panel") ? self->panel_flap
                                                                           : self->events_flap;
}

static void
show_change_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  SbWindow *self = SB_WINDOW (user_data);
  AdwFlap *flap = flap_of (self, action);
  gboolean show = g_variant_get_boolean (state);

  /* Unfolded, a side always shows; only a folded one comes and goes. */
  if (!adw_flap_get_folded (flap))
    return;
  /* The flap's child cannot take the focus before it starts sliding in (reveal_progress_cb). */
  self->focus_flap = show ? flap : NULL;
  adw_flap_set_reveal_flap (flap, show);
}

static void
reveal_progress_cb (AdwFlap *flap, GParamSpec *pspec, SbWindow *self)
{
  if (self->focus_flap == flap && adw_flap_get_reveal_progress (flap) > 0)
    {
      self->focus_flap = NULL;
      gtk_widget_child_focus (adw_flap_get_flap (flap), GTK_DIR_TAB_FORWARD);
    }
}

static void
sync_action (SbWindow *self, AdwFlap *flap)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), action_name_of (self, flap));
  gboolean folded = adw_flap_get_folded (flap);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), folded);
  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (folded && adw_flap_get_reveal_flap (flap)));
}

static gboolean
update_toggles (gpointer data)
{
  SbWindow *self = data;

  gtk_widget_set_visible (self->events_toggle, adw_flap_get_folded (self->events_flap));
  gtk_widget_set_visible (self->panel_toggle, adw_flap_get_folded (self->panel_flap));
  self->fold_toggles_source = 0;
  return G_SOURCE_REMOVE;
}

static void
flap_changed_cb (AdwFlap *flap, GParamSpec *pspec, SbWindow *self)
{
  sync_action (self, flap);
  /* A flap folds while it is being allocated, and the header bar must not change size then (it
   * would be asked to snapshot without an allocation): the toggles follow a moment later. */
  if (self->fold_toggles_source == 0)
    self->fold_toggles_source = g_idle_add (update_toggles, self);
}

/* Folded, the events list is a way to the map: choosing an event takes it away again. */
static void
event_chosen_cb (SbWindow *self, GtkListBoxRow *row)
{
  if (row != NULL && adw_flap_get_folded (self->events_flap))
    adw_flap_set_reveal_flap (self->events_flap, FALSE);
}

static const GActionEntry fold_actions[] = {
  { "show-panel", NULL, NULL, "false", show_change_state },
  { "show-events", NULL, NULL, "false", show_change_state },
};

void
_sb_window_fold_init (SbWindow *self)
{
  AdwFlap *flaps[] = { self->events_flap, self->panel_flap };

  g_action_map_add_action_entries (G_ACTION_MAP (self), fold_actions, G_N_ELEMENTS (fold_actions),
                                   self);
  for (guint i = 0; i < G_N_ELEMENTS (flaps); i++)
    {
      g_signal_connect_object (flaps[i], "notify::folded", G_CALLBACK (flap_changed_cb), self, 0);
      g_signal_connect_object (flaps[i], "notify::reveal-flap", G_CALLBACK (flap_changed_cb), self,
                               0);
      g_signal_connect_object (flaps[i], "notify::reveal-progress", G_CALLBACK (reveal_progress_cb),
                               self, 0);
      sync_action (self, flaps[i]);
    }
  g_signal_connect_object (self->events_list, "row-activated", G_CALLBACK (event_chosen_cb), self,
                           G_CONNECT_SWAPPED);
  update_toggles (self);
}
