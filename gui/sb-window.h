/* sb-window.h: the main window: events, the seat map and the desk's seats. */
#pragma once

#include <adwaita.h>

#include "sb-desk.h"

G_BEGIN_DECLS

#define SB_TYPE_WINDOW (sb_window_get_type ())
G_DECLARE_FINAL_TYPE (SbWindow, sb_window, SB, WINDOW, AdwApplicationWindow)

/* Shows desk, which the window starts and, when it closes, shuts down. settings: the app's
 * (window size, last event, server address). event_id: an event to open once the server has
 * listed it, or NULL. */
SbWindow *sb_window_new (GtkApplication *application,
                         GSettings *settings,
                         SbDesk *desk,
                         const char *event_id);

G_END_DECLS
