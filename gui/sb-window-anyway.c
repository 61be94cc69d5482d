/* sb-window-anyway.c: "Hold Anyway" and "Book Anyway" (issue 13 item 3). When the event's orphan
 * rule (enforce) refuses a hold or a booking by seats because it would leave a seat on its own,
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
}

void
_sb_window_anyway_offer (SbWindow *self)
{
  const char *role = sb_connection_get_role (sb_desk_get_connection (self->desk));

  if (self->anyway_seats == NULL || self->anyway_seats[0] == NULL
      || !sb_permission_granted (role, SB_PERMISSION_OVERRIDE_ORPHAN_RULE))
    return;
  gtk_label_set_label (self->anyway_label,
                       self->anyway_book ? _ ("Book _Anyway") : _ ("Hold _Anyway"));
  gtk_widget_set_tooltip_text (self->anyway_button,
                               self->anyway_book
                                   ? _ ("Book these seats although a seat is left on its own")
                                   : _ ("Hold these seats although a seat is left on its own"));
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

  _sb_window_anyway_withdraw (self);
  /* One request at a time, as the Hold and Book buttons (they wait while busy). */
  if (seats == NULL || self->busy > 0 || sb_desk_get_event_id (self->desk) == NULL)
    return;
  if (self->anyway_book)
    _sb_window_book_seats (self, (const char *const *) seats, TRUE);
  else
    _sb_window_hold_seats (self, (const char *const *) seats, TRUE);
}

void
_sb_window_anyway_dispose (SbWindow *self)
{
  g_clear_pointer (&self->anyway_seats, g_strfreev);
}
