/* sb-json-writer.h: the project's one JSON string escaper and the small helpers every message
 * writer in protocol/ builds on. Public: the server, the app and the bench may use it. (The reader,
 * sb-json-reader.h, is private to protocol/.)
 *
 * Messages are appended to a GString by hand rather than through a generator: the server's hot
 * paths build one message per request or broadcast, and JsonGenerator costs several times more. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends @s as a JSON string the reader accepts: '"', '\\' and control characters escaped,
 * everything else as UTF-8. Invalid UTF-8 becomes U+FFFD so the output always reads back. */
void sb_json_write_string (GString *out, const char *s);
/* As sb_json_write_string (), but a NULL @s is written as null. */
void sb_json_write_string_or_null (GString *out, const char *s);
/* Appends the NULL-terminated @strv as a JSON array of strings; a NULL @strv is []. */
void sb_json_write_string_array (GString *out, const char *const *strv);

/* Before an item of an array being written: a comma, unless the item is the array's first (the
 * last byte written is its '['). Lets item writers be called in a loop without a `first` flag. */
static inline void
sb_json_write_item_separator (GString *out)
{
  if (out->len > 0 && out->str[out->len - 1] != '[')
    g_string_append_c (out, ',');
}

G_END_DECLS
