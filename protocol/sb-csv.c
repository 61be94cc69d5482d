/* sb-csv.c: CSV fields and records (sb-csv.h). */
#include "config.h"

#include <string.h>

#include "sb-csv.h"

static void
append_quoted (GString *out, const char *prefix, const char *field)
{
  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (out, prefix);
      g_string_append (out, field);
      return;
    }
  g_string_append_c (out, '"');
  g_string_append (out, prefix);
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

void
sb_csv_append_field (GString *out, const char *field)
{
  g_return_if_fail (out != NULL && field != NULL);

  /* The characters OWASP lists as starting a formula: the "'" makes the cell text in Excel,
   * LibreOffice and Google Sheets, and a reader of the file sees why. */
  append_quoted (out, field[0] != '\0' && strchr ("=+-@\t\r", field[0]) != NULL ? "'" : "", field);
}

void
sb_csv_append_figure (GString *out, const char *figure)
{
  g_return_if_fail (out != NULL && figure != NULL);

  append_quoted (out, "", figure);
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
