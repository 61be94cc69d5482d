/* sb-json-writer.c: the one JSON string escaper of the project (see sb-json-writer.h). */
#include "sb-json-writer.h"

void
sb_json_write_string (GString *out, const char *s)
{
  static const char hex[] = "0123456789abcdef";
  g_autofree char *valid = NULL;
  const char *run;

  g_return_if_fail (out != NULL && s != NULL);

  /* The reader refuses invalid UTF-8, so a serializer that passed it through would write what no
   * peer of ours reads back. */
  if (!g_utf8_validate (s, -1, NULL))
    s = valid = g_utf8_make_valid (s, -1);

  g_string_append_c (out, '"');
  run = s;
  for (const char *p = s;; p++)
    {
      guchar c = (guchar) *p;
      char short_escape;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      /* Runs of plain bytes are copied at once. */
      g_string_append_len (out, run, p - run);
      run = p + 1;
      if (c == '\0')
        break;
      switch (c)
        {
          case '"':
            short_escape = '"';
            break;
          case '\\':
            short_escape = '\\';
            break;
          case '\b':
            short_escape = 'b';
            break;
          case '\f':
            short_escape = 'f';
            break;
          case '\n':
            short_escape = 'n';
            break;
          case '\r':
            short_escape = 'r';
            break;
          case '\t':
            short_escape = 't';
            break;
          default:
            short_escape = 0;
        }
      if (short_escape != 0)
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, short_escape);
        }
      else
        {
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 0xf]);
        }
    }
  g_string_append_c (out, '"');
}

void
sb_json_write_string_or_null (GString *out, const char *s)
{
  if (s == NULL)
    g_string_append (out, "null");
  else
    sb_json_write_string (out, s);
}

void
sb_json_write_string_array (GString *out, const char *const *strv)
{
  g_string_append_c (out, '[');
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      sb_json_write_string (out, strv[i]);
    }
  g_string_append_c (out, ']');
}
