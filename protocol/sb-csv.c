/* sb-csv.c: CSV fields and records (sb-csv.h). */
#include "config.h"

#include <string.h>

#include "sb-csv.h"

void
sb_csv_append_field (GString *out, const char *field)
{
  g_return_if_fail (out != NULL && field != NULL);

  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (out, field);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

void
sb_csv_append_record (GString *out, const char *const *fields, guint n_fields)
{
  g_return_if_fail (out != NULL && (fields != NULL || n_fields == 0));

  for (guint i = 0; i < n_fields; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      sb_csv_append_field (out, fields[i] != NULL ? fields[i] : "");
    }
  g_string_append (out, "\r\n");
}
