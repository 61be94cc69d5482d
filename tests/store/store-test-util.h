/* store-test-util.h: helpers shared by the store tests and the throughput check. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

/* Row names: A…Z, then R26, R27, … for big venues. */
static inline char *
store_test_row_name (guint row)
{
  return row < 26 ? g_strdup_printf ("%c", 'A' + row) : g_strdup_printf ("R%u", row);
}

/* The id of seat number (from 1) of row (from 0) in store_test_make_venue (). */
static inline char *
store_test_seat_id (guint row, guint number)
{
  g_autofree char *name = store_test_row_name (row);

  return g_strdup_printf ("%s-%u", name, number);
}

/* A venue document with rows "A", "B", … of seats_per_row seats each, seat ids "A-1", "A-2", …;
 * the seats named in blocked (may be NULL) are marked blocked. */
static inline char *
store_test_make_venue (guint n_rows, guint seats_per_row, const char *const *blocked)
{
  GString *json = g_string_new (NULL);

  g_string_append (json, "{\"format\":1,\"id\":\"test-hall\",\"name\":\"Test Hall\","
                         "\"currency\":\"EUR\",\"categories\":[{\"id\":\"std\",\"name\":"
                         "\"Standard\",\"price\":2500,\"colour\":\"#3366cc\"}],"
                         "\"sections\":[{\"id\":\"hall\",\"name\":\"Hall\",\"rows\":[");
  for (guint r = 0; r < n_rows; r++)
    {
      g_autofree char *row = store_test_row_name (r);

      g_string_append_printf (json, "%s{\"id\":\"%s\",\"label\":\"%s\",\"seats\":[",
                              r > 0 ? "," : "", row, row);
      for (guint s = 1; s <= seats_per_row; s++)
        {
          g_autofree char *seat_id = g_strdup_printf ("%s-%u", row, s);

          g_string_append_printf (
              json,
              "%s{\"id\":\"%s\",\"label\":\"%u\",\"x\":%u,\"y\":%u,"
              "\"category\":\"std\"%s}",
              s > 1 ? "," : "", seat_id, s, s, r,
              blocked != NULL && g_strv_contains (blocked, seat_id) ? ",\"blocked\":true" : "");
        }
      g_string_append (json, "]}");
    }
  g_string_append (json, "]}]}");
  return g_string_free (json, FALSE);
}

/* A short random suffix, so test cases can share one database (a MongoDB run). */
static inline char *
store_test_random_suffix (void)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char s[11];

  for (guint i = 0; i < 10; i++)
    s[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  s[10] = '\0';
  return g_strdup (s);
}

/* Where a test case's store lives: SEATBOOK_TEST_STORE_URI when set (tests/mongo runs the store
 * tests against the fake MongoDB, and one database then serves every test case), else a SQLite file
 * at relative_path in a new temporary directory (*out_dir; NULL with an external URI, which the
 * case must not remove). *out_db_path is the SQLite file, or NULL for another store. */
static inline char *
store_test_pick_uri (const char *relative_path, char **out_dir, char **out_db_path)
{
  const char *uri = g_getenv ("SEATBOOK_TEST_STORE_URI");
  g_autoptr (GError) error = NULL;

  *out_dir = NULL;
  *out_db_path = NULL;
  if (uri != NULL && *uri != '\0')
    {
      if (g_str_has_prefix (uri, "sqlite:"))
        *out_db_path = g_strdup (uri + strlen ("sqlite:"));
      return g_strdup (uri);
    }
  *out_dir = g_dir_make_tmp ("sb-store-test-XXXXXX", &error);
  g_assert_no_error (error);
  *out_db_path = g_build_filename (*out_dir, relative_path, NULL);
  return g_strconcat ("sqlite:", *out_db_path, NULL);
}

/* Removes a temporary directory and everything in it (the SQLite file, its -wal and -shm). */
static inline void
store_test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      store_test_remove_tree (child);
    }
  g_rmdir (path);
}
