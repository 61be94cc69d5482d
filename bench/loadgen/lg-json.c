/* lg-json.c: in-place scanning of server messages, see lg-json.h. */
#include "lg-json.h"

#include <string.h>

static const char *
skip_ws (const char *p, const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

/* p is at the opening quote. Returns the position after the closing quote, or NULL. A plain byte
 * loop: the strings here are short ids, where two memchr () calls per string cost more. */
static const char *
skip_string (const char *p, const char *end, gboolean *escaped)
{
  for (p++; p < end; p++)
    {
      if (*p == '"')
        return p + 1;
      if (*p == '\\')
        {
          if (escaped != NULL)
            *escaped = TRUE;
          p++; /* the escaped character */
        }
    }
  return NULL;
}

/* Returns the position after the value starting at p (after whitespace), or NULL. */
static const char *
skip_value (const char *p, const char *end)
{
  p = skip_ws (p, end);
  if (p >= end)
    return NULL;

  if (*p == '"')
    return skip_string (p, end, NULL);

  if (*p == '{' || *p == '[')
    {
      /* Count nesting, stepping over strings so brackets inside them do not count. */
      guint depth = 0;
      while (p < end)
        {
          switch (*p)
            {
              case '"':
                p = skip_string (p, end, NULL);
                if (p == NULL)
                  return NULL;
                continue;
              case '{':
              case '[':
                depth++;
                break;
              case '}':
              case ']':
                if (--depth == 0)
                  return p + 1;
                break;
              default:
                break;
            }
          p++;
        }
      return NULL;
    }

  /* A number, true, false or null: runs to the next delimiter. */
  while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\r'
         && *p != '\t')
    p++;
  return p;
}

static void
set_slice (LgSlice *slice, const char *start, const char *after)
{
  if (*start == '"')
    {
      slice->p = start + 1;
      slice->len = (gsize) (after - start - 2);
      slice->escaped = memchr (slice->p, '\\', slice->len) != NULL;
    }
  else
    {
      slice->p = start;
      slice->len = (gsize) (after - start);
      slice->escaped = FALSE;
    }
}

static gboolean
key_is (const char *key, gsize key_len, const char *want)
{
  gsize want_len = strlen (want);
  return key_len == want_len && memcmp (key, want, want_len) == 0;
}

/* Walks the members of the object at p, calling `func` for each; `func` returns FALSE to stop
 * early (the rest is then not checked). */
typedef gboolean (*MemberFunc) (
    const char *key, gsize key_len, const char *value, const char *after, gpointer user_data);

static gboolean
scan_members (const char *p, const char *end, MemberFunc func, gpointer user_data)
{
  p = skip_ws (p, end);
  if (p >= end || *p != '{')
    return FALSE;
  p = skip_ws (p + 1, end);
  if (p < end && *p == '}')
    return TRUE;

  while (p < end)
    {
      if (*p != '"')
        return FALSE;
      const char *key = p + 1;
      const char *after_key = skip_string (p, end, NULL);
      if (after_key == NULL)
        return FALSE;
      gsize key_len = (gsize) (after_key - key - 1);
      p = skip_ws (after_key, end);
      if (p >= end || *p != ':')
        return FALSE;
      const char *value = skip_ws (p + 1, end);
      const char *after = skip_value (value, end);
      if (after == NULL)
        return FALSE;
      if (!func (key, key_len, value, after, user_data))
        return TRUE;
      p = skip_ws (after, end);
      if (p >= end)
        return FALSE;
      if (*p == '}')
        return TRUE;
      if (*p != ',')
        return FALSE;
      p = skip_ws (p + 1, end);
    }
  return FALSE;
}

static gboolean
msg_member (
    const char *key, gsize key_len, const char *value, const char *after, gpointer user_data)
{
  LgMsg *msg = user_data;
  LgSlice *slice = NULL;

  /* Dispatch on the first character first: most keys are skipped after one comparison. */
  switch (key[0])
    {
      case 't':
        if (key_is (key, key_len, "type"))
          slice = &msg->type;
        break;
      case 'r':
        if (key_is (key, key_len, "re"))
          slice = &msg->re;
        else if (key_is (key, key_len, "retry_after_ms"))
          slice = &msg->retry_after_ms;
        break;
      case 'e':
        if (key_is (key, key_len, "event") && *value == '"')
          slice = &msg->event;
        break;
      case 'c':
        if (key_is (key, key_len, "code"))
          slice = &msg->code;
        break;
      case 'h':
        if (key_is (key, key_len, "hold"))
          slice = &msg->hold;
        break;
      case 'b':
        if (key_is (key, key_len, "booking"))
          slice = &msg->booking;
        break;
      case 's':
        if (key_is (key, key_len, "seats"))
          slice = &msg->seats;
        break;
      case 'f':
        if (key_is (key, key_len, "from_version"))
          msg->from_version = g_ascii_strtoll (value, NULL, 10);
        break;
      case 'v':
        if (key_is (key, key_len, "version"))
          msg->version = g_ascii_strtoll (value, NULL, 10);
        break;
      default:
        break;
    }

  if (slice != NULL)
    {
      if (*value == 'n') /* null, e.g. "re": null */
        return TRUE;
      set_slice (slice, value, after);
      /* Keep the brackets of an array: it is walked later with array_next (). */
      if (*value == '[')
        {
          slice->p = value;
          slice->len = (gsize) (after - value);
        }
    }

  /* A subscriber needs no more of a `changed` than this; its seat list is most of the bytes. */
  return !(msg->version >= 0 && msg->from_version >= 0 && msg->event.p != NULL
           && lg_slice_equal (&msg->type, "changed"));
}

gboolean
lg_msg_scan (const char *text, gsize len, LgMsg *msg)
{
  memset (msg, 0, sizeof *msg);
  msg->from_version = -1;
  msg->version = -1;
  return scan_members (text, text + len, msg_member, msg);
}

/* Walks an array: *cursor starts at the '['; each call stores the next element's span in *elem and
 * returns TRUE, or returns FALSE at the end (or on malformed input). */
static gboolean
array_next (const char **cursor, const char *end, LgSlice *elem)
{
  const char *p = skip_ws (*cursor, end);
  if (p >= end)
    return FALSE;
  if (*p == '[' || *p == ',')
    p = skip_ws (p + 1, end);
  if (p >= end || *p == ']')
    return FALSE;
  const char *after = skip_value (p, end);
  if (after == NULL)
    return FALSE;
  set_slice (elem, p, after);
  if (*p != '"')
    {
      elem->p = p;
      elem->len = (gsize) (after - p);
    }
  *cursor = after;
  return TRUE;
}

char **
lg_json_string_array_dup (const LgSlice *array)
{
  g_autoptr (GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  const char *cursor = array->p;
  LgSlice elem;

  if (array->p == NULL)
    return NULL;
  while (array_next (&cursor, array->p + array->len, &elem))
    g_ptr_array_add (strings, lg_json_slice_dup (&elem));
  g_ptr_array_add (strings, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&strings), FALSE);
}

gboolean
lg_slice_equal (const LgSlice *slice, const char *str)
{
  gsize len = strlen (str);
  return slice->p != NULL && slice->len == len && memcmp (slice->p, str, len) == 0;
}

char *
lg_json_slice_dup (const LgSlice *slice)
{
  if (slice->p == NULL)
    return NULL;
  if (!slice->escaped)
    return g_strndup (slice->p, slice->len);

  /* Rare (ids are plain ASCII in practice), so decode the simple escapes and keep \u as is. */
  GString *out = g_string_sized_new (slice->len);
  for (gsize i = 0; i < slice->len; i++)
    {
      char c = slice->p[i];
      if (c != '\\' || i + 1 == slice->len)
        {
          g_string_append_c (out, c);
          continue;
        }
      c = slice->p[++i];
      switch (c)
        {
          case 'n':
            g_string_append_c (out, '\n');
            break;
          case 't':
            g_string_append_c (out, '\t');
            break;
          case 'r':
            g_string_append_c (out, '\r');
            break;
          case 'b':
            g_string_append_c (out, '\b');
            break;
          case 'f':
            g_string_append_c (out, '\f');
            break;
          case 'u':
            if (i + 4 < slice->len)
              {
                char hex[5]
                    = { slice->p[i + 1], slice->p[i + 2], slice->p[i + 3], slice->p[i + 4], 0 };
                gunichar u = (gunichar) g_ascii_strtoull (hex, NULL, 16);
                g_string_append_unichar (out, u);
                i += 4;
              }
            break;
          default:
            g_string_append_c (out, c);
            break;
        }
    }
  return g_string_free (out, FALSE);
}

gboolean
lg_json_slice_to_int (const LgSlice *slice, gint64 *out)
{
  char buf[32];

  if (slice->p == NULL || slice->len == 0 || slice->len >= sizeof buf)
    return FALSE;
  memcpy (buf, slice->p, slice->len);
  buf[slice->len] = '\0';
  return g_ascii_string_to_signed (buf, 10, G_MININT64, G_MAXINT64, out, NULL);
}
