/* sb-window-anyway.c: "Hold Anyway", "Book Anyway" and "Release Anyway" (issue 13 item 3). When
 * the event's orphan rule (enforce) refuses a hold, a booking by seats or the release of a seat
 * of a hold (which keeps the others) because it would leave a seat on its own,
 * a manager may decide to sell anyway: the button beside the refusal in the panel sends the same
 * seats again with `override_orphan_rule` (docs/protocol.md, "The orphan rule"), and the server
 * records the override in the audit trail. A clerk is not offered it: the server would refuse it
 * (forbidden), and the refusal alone says what to do — choose other seats. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-permissions.h"
#include "sb-window-private.h"

void
_sb_window_anyway_remember (SbWindow *self, gboolean book, const char *const *seat_ids)
{
  g_strfreev (self->anyway_seats);
  self->anyway_seats = g_strdupv ((char **) seat_ids);
  self->anyway_book = book;
  g_clear_pointer (&self->anyway_release_hold, g_free);
}

void
_sb_window_anyway_remember_release (SbWindow *self,
                                    const char *hold_id,
                                    const char *const *seat_ids)
{
  _sb_window_anyway_remember (self, FALSE, seat_ids);
  self->anyway_release_hold = g_strdup (hold_id);
}

void
_sb_window_anyway_offer (SbWindow *self)
{
  const char *role = sb_connection_get_role (sb_desk_get_connection (self->desk));

  if (self->anyway_seats == NULL || self->anyway_seats[0] == NULL
      || !sb_permission_granted (role, SB_PERMISSION_OVERRIDE_ORPHAN_RULE))
    return;
  if (self->anyway_release_hold != NULL)
    {
      gtk_label_set_label (self->anyway_label, _ ("Release _Anyway"));
      gtk_widget_set_tooltip_text (self->anyway_button,
                                   _ ("Release this seat although a seat is left on its own"));
    }
  else
    {
      gtk_label_set_label (self->anyway_label,
                           self->anyway_book ? _ ("Book _Anyway") : _ ("Hold _Anyway"));
      gtk_widget_set_tooltip_text (self->anyway_button,
                                   self->anyway_book
                                       ? _ ("Book these seats although a seat is left on its own")
                                       : _ ("Hold these seats although a seat is left on its own"));
    }
  gtk_widget_set_visible (self->anyway_button, TRUE);
}

void
_sb_window_anyway_withdraw (SbWindow *self)
{
  gtk_widget_set_visible (self->anyway_button, FALSE);
}

void
_sb_window_anyway_clicked (SbWindow *self)
{
  g_auto (GStrv) seats = g_steal_pointer (&self->anyway_seats);
  g_autofree char *release_hold = g_steal_pointer (&self->anyway_release_hold);

  _sb_window_anyway_withdraw (self);
  /* One request at a time, as the Hold and Book buttons (they wait while busy). */
  if (seats == NULL || self->busy > 0 || sb_desk_get_event_id (self->desk) == NULL)
    return;
  if (release_hold != NULL)
    _sb_window_release_seats (self, release_hold, (const char *const *) seats, TRUE);
  else if (self->anyway_book)
    _sb_window_book_seats (self, (const char *const *) seats, TRUE);
  else
    _sb_window_hold_seats (self, (const char *const *) seats, TRUE);
}

void
_sb_window_anyway_dispose (SbWindow *self)
{
  g_clear_pointer (&self->anyway_seats, g_strfreev);
  g_clear_pointer (&self->anyway_release_hold, g_free);
}
