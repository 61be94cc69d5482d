/* sb-renderer.h: which GSK renderer the app asks GTK for when the user has not chosen one. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "cairo" when dri_dir (normally "/dev/dri") has no GPU render node (renderD*), else NULL: let
 * GTK choose. */
const char *sb_renderer_pick (const char *dri_dir);

/* Sets GSK_RENDERER to sb_renderer_pick ("/dev/dri") unless the environment already names a
 * renderer. Call before GTK is initialised. */
void sb_renderer_choose_default (void);

G_END_DECLS
