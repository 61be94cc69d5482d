/* test-renderer.c: the app asks for cairo only where there is no GPU render node, and never
 * overrides a renderer the user chose (gui/sb-renderer.c). */
#include "config.h"

#include <glib/gstdio.h>

#include "sb-renderer.h"

static void
touch (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "", 0, &error));
  g_assert_no_error (error);
}

static void
remove_all (const char *dir, const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

static void
test_pick (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sb-dri-XXXXXX", &error);
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);

  g_assert_no_error (error);
  /* No /dev/dri at all (a VM, a container): software GL, so cairo. */
  g_assert_cmpstr (sb_renderer_pick (missing), ==, "cairo");
  /* A DRM device without a render node (a display controller only). */
  g_assert_cmpstr (sb_renderer_pick (dir), ==, "cairo");
  touch (dir, "card0");
  g_assert_cmpstr (sb_renderer_pick (dir), ==, "cairo");
  /* A GPU: GTK chooses. */
  touch (dir, "renderD128");
  g_assert_null (sb_renderer_pick (dir));
  remove_all (dir, (const char *const[]){ "card0", "renderD128", NULL });
}

static void
test_user_choice_wins (void)
{
  g_setenv ("GSK_RENDERER", "gl", TRUE);
  sb_renderer_choose_default ();
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "gl");

  g_unsetenv ("GSK_RENDERER");
  sb_renderer_choose_default ();
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, sb_renderer_pick ("/dev/dri"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/renderer/pick", test_pick);
  g_test_add_func ("/renderer/user-choice-wins", test_user_choice_wins);
  return g_test_run ();
}
