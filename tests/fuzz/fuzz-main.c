/* fuzz-main.c: a main () for the fuzz targets when they are not linked with libFuzzer (gcc
 * builds, and the replay tests of every build), as OSS-Fuzz projects and fwupd do: it feeds each
 * file named on the command line, or found in a directory named there, to
 * LLVMFuzzerTestOneInput () once. A crash aborts under the sanitizers like it would in libFuzzer.
 *
 * Names starting with '.' are skipped (.gitkeep holds an empty crashes/ folder in git). Fails when
 * no input was found, so a replay test that lost its corpus cannot pass. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz-target.h"

static guint n_inputs;

static void
run_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, &error))
    {
      g_printerr ("%s\n", error->message);
      exit (EXIT_FAILURE);
    }
  /* A copy of exactly the file's size, so ASan sees a read past its end as libFuzzer would. */
  {
    g_autofree guint8 *copy = g_memdup2 (data, length);

    LLVMFuzzerTestOneInput (copy, length);
  }
  n_inputs++;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void
run_directory (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (path, 0, &error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      exit (EXIT_FAILURE);
    }
  /* Sorted, so that a failure is reproduced in the same order every time. */
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *child = g_ptr_array_index (names, i);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        run_directory (child);
      else
        run_file (child);
    }
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      g_printerr ("Usage: %s FILE|DIRECTORY…\n"
                  "Runs each input once through the fuzz target.\n",
                  argv[0]);
      return EXIT_FAILURE;
    }
  LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    {
      guint before = n_inputs;

      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        run_directory (argv[i]);
      else
        run_file (argv[i]);
      g_print ("%s: %u inputs\n", argv[i], n_inputs - before);
    }
  if (n_inputs == 0)
    {
      g_printerr ("No input found\n");
      return EXIT_FAILURE;
    }
  g_print ("%u inputs ran without a finding\n", n_inputs);
  return EXIT_SUCCESS;
}
