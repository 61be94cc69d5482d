/* sb-renderer.c: the renderer on a machine without a GPU (sb-renderer.h).
 *
 * GTK 4.8 renders with GL wherever it can create a GL context, and without a GPU that context is
 * Mesa's llvmpipe, in software. Measured on such a machine (BENCHMARKS.md, "The app's seat map"
 * and "The app's start-up"), cairo is faster at everything the app does: start-up to the whole
 * arena 733 ms instead of 1,150 ms (creating llvmpipe's context is most of the difference), the
 * arena's first frame 93–127 ms instead of 165–228 ms, a 500-seat change painted in 16–17 ms
 * instead of 19–23 ms. A GPU shows itself as a DRM render node; without one the app asks for
 * cairo. GSK_RENDERER set by the user always wins. */
#include "config.h"

#include "sb-renderer.h"

const char *
sb_renderer_pick (const char *dri_dir)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  g_return_val_if_fail (dri_dir != NULL, NULL);

  dir = g_dir_open (dri_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return NULL;
  return "cairo";
}

void
sb_renderer_choose_default (void)
{
  const char *renderer;

  if (g_getenv ("GSK_RENDERER") != NULL)
    return;
  renderer = sb_renderer_pick ("/dev/dri");
  if (renderer != NULL)
    g_setenv ("GSK_RENDERER", renderer, FALSE);
}
