/* sb-preferences-dialog.h: the server address and the style. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SB_TYPE_PREFERENCES_DIALOG (sb_preferences_dialog_get_type ())
G_DECLARE_FINAL_TYPE (
    SbPreferencesDialog, sb_preferences_dialog, SB, PREFERENCES_DIALOG, AdwPreferencesWindow)

SbPreferencesDialog *sb_preferences_dialog_new (GSettings *settings);

G_END_DECLS
