/* sb-best-available-dialog.h: asks what the customer wants ("four seats together, the best you
 * have under €50") for the server to choose and hold (`hold_best`, docs/protocol.md). The window
 * sends the request when "find" is emitted and tells the dialog the outcome. */
#pragma once

#include <adwaita.h>

#include "sb-venue.h"

G_BEGIN_DECLS

#define SB_TYPE_BEST_AVAILABLE_DIALOG (sb_best_available_dialog_get_type ())
G_DECLARE_FINAL_TYPE (
    SbBestAvailableDialog, sb_best_available_dialog, SB, BEST_AVAILABLE_DIALOG, AdwWindow)

/* The venue gives the categories to choose from and the currency of the price. */
SbBestAvailableDialog *sb_best_available_dialog_new (GtkWindow *parent, SbVenue *venue);

guint sb_best_available_dialog_get_count (SbBestAvailableDialog *self);
/* The category chosen, or NULL for any. */
const char *sb_best_available_dialog_get_category (SbBestAvailableDialog *self);
/* The highest price of a seat in minor units, or -1 for any price. */
gint64 sb_best_available_dialog_get_max_price (SbBestAvailableDialog *self);
gboolean sb_best_available_dialog_get_together (SbBestAvailableDialog *self);

/* While the server looks: the form waits and cannot be sent again. */
void sb_best_available_dialog_set_busy (SbBestAvailableDialog *self, gboolean busy);
/* Why the request was refused, under the form, where the clerk can change it and try again. */
void sb_best_available_dialog_show_refusal (SbBestAvailableDialog *self, const char *text);
/* Shows or hides "Hold Anyway" beside the refusal: the orphan rule refused the form's seats and
 * the account may override it (emits "hold-anyway" when clicked; a changed form hides it). */
void sb_best_available_dialog_offer_anyway (SbBestAvailableDialog *self, gboolean offer);
/* The refusal not_enough_seats in words, for the request the form now describes: "Only 3 seats
 * together are available in Standard under €50.00." available: how many the server could find. */
char *sb_best_available_dialog_describe_shortfall (SbBestAvailableDialog *self, gint64 available);

G_END_DECLS
