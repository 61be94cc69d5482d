/* store-test-util.h: helpers shared by the store tests and the throughput check. */
#pragma once

#include <glib.h>

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
