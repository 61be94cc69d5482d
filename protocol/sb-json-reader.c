/* sb-json-reader.c: the strict JSON reader shared by the venue loader and the request parser.
 *
 * json-glib's GScanner-based parser is too slow for the server's hot path (~3 us per request)
 * and too lenient for a wire protocol (it takes comments, single quotes, hex numbers, trailing
 * documents, wraps large integers and cuts strings at "\u0000"). This reader takes exactly RFC
 * 8259. The happy path tracks no positions: line and column are counted only when reporting an
 * error. */
#include "sb-json-reader.h"

#include <string.h>

/* ---- Errors --------------------------------------------------------------------------------- */

static gboolean reader_fail (SbJsonReader *r, const char *at, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

/* Only the first failure counts: later calls on a failed reader fail without overwriting it. */
static gboolean
reader_fail (SbJsonReader *r, const char *at, const char *format, ...)
{
  va_list args;

  if (r->error != NULL)
    return FALSE;
  va_start (args, format);
  r->error = g_strdup_vprintf (format, args);
  va_end (args);
  r->error_at = at;
  return FALSE;
}

static gboolean
fail_expected (SbJsonReader *r, const char *expected)
{
  if (r->p >= r->end)
    return reader_fail (r, r->p, "expected %s but the data ends", expected);
  if ((guchar) *r->p >= 0x20 && (guchar) *r->p < 0x7f)
    return reader_fail (r, r->p, "expected %s but found '%c'", expected, *r->p);
  return reader_fail (r, r->p, "expected %s but found byte 0x%02x", expected, (guchar) *r->p);
}

const char *
sb_json_reader_get_error (const SbJsonReader *r, guint *line, guint *column)
{
  guint l = 1, c = 1;

  g_return_val_if_fail (r != NULL, NULL);

  if (r->error == NULL)
    return NULL;
  /* Columns count bytes, which is what an editor's "go to byte" and the venue tests expect. */
  for (const char *p = r->start; p < r->error_at; p++)
    {
      if (*p == '\n')
        l++, c = 1;
      else
        c++;
    }
  if (line != NULL)
    *line = l;
  if (column != NULL)
    *column = c;
  return r->error;
}

/* ---- Set-up --------------------------------------------------------------------------------- */

void
sb_json_reader_init (SbJsonReader *r, const char *data, gsize length)
{
  g_return_if_fail (r != NULL);
  g_return_if_fail (data != NULL || length == 0);

  r->start = r->p = data;
  /* NULL + 0 is undefined behaviour in C (clang's UBSan reports it). */
  r->end = data != NULL ? data + length : data;
  r->depth = 0;
  r->first_mask = 0;
  r->object_mask = 0;
  r->scratch = r->inline_scratch;
  r->scratch_size = sizeof r->inline_scratch;
  r->error_at = NULL;
  r->error = NULL;
}

void
sb_json_reader_clear (SbJsonReader *r)
{
  g_return_if_fail (r != NULL);

  if (r->scratch != r->inline_scratch)
    g_free (r->scratch);
  r->scratch = r->inline_scratch;
  r->scratch_size = sizeof r->inline_scratch;
  g_clear_pointer (&r->error, g_free);
}

/* Room for @size bytes in the scratch buffer; its old contents are not kept. */
static char *
scratch_reserve (SbJsonReader *r, gsize size)
{
  if (size > r->scratch_size)
    {
      if (r->scratch != r->inline_scratch)
        g_free (r->scratch);
      r->scratch_size = MAX (size, 2 * r->scratch_size);
      r->scratch = g_malloc (r->scratch_size);
    }
  return r->scratch;
}

static inline void
skip_space (SbJsonReader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
}

/* ---- Scalars -------------------------------------------------------------------------------- */

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Errors point at @escape, the backslash that starts the escape. */
static gboolean
read_hex4 (SbJsonReader *r, const char *escape, const char *at, const char *limit, gunichar *out)
{
  gunichar v = 0;

  *out = 0; /* defined on every path, the error paths included */
  if (limit - at < 4)
    return reader_fail (r, escape, "incomplete \\u escape");
  for (int i = 0; i < 4; i++)
    {
      int h = hex_value (at[i]);
      if (h < 0)
        return reader_fail (r, escape, "bad \\u escape");
      v = (v << 4) | (gunichar) h;
    }
  *out = v;
  return TRUE;
}

/* Reads the string at r->p (on the opening quote) into the scratch buffer, NUL-terminated. */
static gboolean
read_string (SbJsonReader *r, const char **out, guint *out_length)
{
  const char *begin = r->p + 1;
  const char *q = begin;
  gboolean escaped = FALSE;
  guchar high = 0;
  char *s, *w;

  /* First find the end and whether there is anything to decode, so the usual string is one
   * memcpy and pure ASCII skips UTF-8 validation. */
  while (q < r->end && *q != '"')
    {
      guchar c = (guchar) *q;

      if (c < 0x20)
        return reader_fail (r, q, "control character in a string");
      high |= c;
      if (c == '\\')
        {
          escaped = TRUE;
          q++;
          if (q >= r->end)
            break;
        }
      q++;
    }
  if (q >= r->end)
    return reader_fail (r, r->p, "unterminated string");
  if ((high & 0x80) && !g_utf8_validate_len (begin, (gsize) (q - begin), NULL))
    return reader_fail (r, r->p, "string is not valid UTF-8");
  /* Lengths are guint in SbJsonValue; nothing near 4 GiB is ever read. */
  if ((gsize) (q - begin) >= G_MAXUINT)
    return reader_fail (r, r->p, "string too long");

  s = scratch_reserve (r, (gsize) (q - begin) + 1);
  if (!escaped)
    {
      memcpy (s, begin, q - begin);
      s[q - begin] = '\0';
      *out = s;
      *out_length = (guint) (q - begin);
      r->p = q + 1;
      return TRUE;
    }

  w = s;
  for (const char *p = begin; p < q; p++)
    {
      const char *escape = p;
      gunichar c;

      if (*p != '\\')
        {
          *w++ = *p;
          continue;
        }
      p++;
      switch (*p)
        {
          case '"':
            *w++ = '"';
            break;
          case '\\':
            *w++ = '\\';
            break;
          case '/':
            *w++ = '/';
            break;
          case 'b':
            *w++ = '\b';
            break;
          case 'f':
            *w++ = '\f';
            break;
          case 'n':
            *w++ = '\n';
            break;
          case 'r':
            *w++ = '\r';
            break;
          case 't':
            *w++ = '\t';
            break;
          case 'u':
            if (!read_hex4 (r, escape, p + 1, q, &c))
              return FALSE;
            p += 4;
            if (c >= 0xd800 && c <= 0xdbff)
              {
                gunichar low;

                /* p is on the last hex digit; the low half needs "\\uXXXX" after it. */
                if (q - p < 7 || p[1] != '\\' || p[2] != 'u'
                    || !read_hex4 (r, p + 1, p + 3, q, &low))
                  return reader_fail (r, escape, "unpaired surrogate in a \\u escape");
                if (low < 0xdc00 || low > 0xdfff)
                  return reader_fail (r, escape, "unpaired surrogate in a \\u escape");
                c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                p += 6;
              }
            else if (c >= 0xdc00 && c <= 0xdfff)
              return reader_fail (r, escape, "unpaired surrogate in a \\u escape");
            /* C strings cannot hold it, and cutting the string there would let two different
             * texts compare equal. */
            if (c == 0)
              return reader_fail (r, escape, "\\u0000 is not allowed in strings");
            /* An escape is never shorter than its UTF-8 encoding, so this fits. */
            w += g_unichar_to_utf8 (c, w);
            break;
          default:
            return reader_fail (r, escape, "bad escape in a string");
        }
    }
  *w = '\0';
  *out = s;
  *out_length = (guint) (w - s);
  r->p = q + 1;
  return TRUE;
}

static gboolean
read_number (SbJsonReader *r, SbJsonValue *v)
{
  const char *begin = r->p, *p = r->p;
  gboolean negative = FALSE, is_int = TRUE, overflow = FALSE;
  guint64 magnitude = 0;

  if (p < r->end && *p == '-')
    negative = TRUE, p++;
  if (p < r->end && *p == '0')
    p++;
  else if (p < r->end && *p >= '1' && *p <= '9')
    /* Accumulated here rather than by strtoll, which needs a terminator the data may not have
     * and reports overflow through errno. */
    while (p < r->end && g_ascii_isdigit (*p))
      {
        guint digit = (guint) (*p - '0');

        if (magnitude > (G_MAXUINT64 - digit) / 10)
          overflow = TRUE;
        else
          magnitude = magnitude * 10 + digit;
        p++;
      }
  else
    return reader_fail (r, begin, "bad number");
  if (p < r->end && *p == '.')
    {
      is_int = FALSE;
      p++;
      if (p >= r->end || !g_ascii_isdigit (*p))
        return reader_fail (r, begin, "bad number");
      while (p < r->end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < r->end && (*p == 'e' || *p == 'E'))
    {
      is_int = FALSE;
      p++;
      if (p < r->end && (*p == '+' || *p == '-'))
        p++;
      if (p >= r->end || !g_ascii_isdigit (*p))
        return reader_fail (r, begin, "bad number");
      while (p < r->end && g_ascii_isdigit (*p))
        p++;
    }
  r->p = p;

  if (is_int && !overflow)
    {
      /* -2^63 is the one magnitude that fits only when negative. */
      if (!negative && magnitude <= (guint64) G_MAXINT64)
        {
          v->type = SB_JSON_INT;
          v->i = (gint64) magnitude;
          return TRUE;
        }
      if (negative && magnitude <= (guint64) G_MAXINT64 + 1)
        {
          v->type = SB_JSON_INT;
          v->i = magnitude == (guint64) G_MAXINT64 + 1 ? G_MININT64 : -(gint64) magnitude;
          return TRUE;
        }
    }

  {
    char *buffer = scratch_reserve (r, (gsize) (p - begin) + 1);

    /* The grammar above is a subset of what strtod takes, so it reads the whole token. */
    memcpy (buffer, begin, p - begin);
    buffer[p - begin] = '\0';
    v->type = SB_JSON_DOUBLE;
    v->int_overflow = is_int;
    v->d = g_ascii_strtod (buffer, NULL);
  }
  return TRUE;
}

static gboolean
read_literal (SbJsonReader *r, const char *word, gsize length)
{
  if ((gsize) (r->end - r->p) < length || memcmp (r->p, word, length) != 0)
    return reader_fail (r, r->p, "unexpected character '%c'", *r->p);
  r->p += length;
  return TRUE;
}

/* ---- Values and containers ------------------------------------------------------------------ */

static gboolean
open_container (SbJsonReader *r, gboolean object)
{
  guint64 bit;

  if (r->depth >= SB_JSON_MAX_DEPTH)
    return reader_fail (r, r->p, "nested too deeply");
  /* One bit per level says whether the next member or item is the first (no ',' before it),
   * another whether the level is an object: 64 levels fit in a guint64 each. */
  bit = G_GUINT64_CONSTANT (1) << r->depth;
  r->first_mask |= bit;
  if (object)
    r->object_mask |= bit;
  else
    r->object_mask &= ~bit;
  r->depth++;
  r->p++;
  return TRUE;
}

gboolean
sb_json_reader_read_value (SbJsonReader *r, SbJsonValue *v)
{
  g_return_val_if_fail (r != NULL, FALSE);
  g_return_val_if_fail (v != NULL, FALSE);

  if (r->error != NULL)
    return FALSE;

  v->int_overflow = FALSE;
  v->n = 0;
  skip_space (r);
  if (r->p >= r->end)
    return reader_fail (r, r->p, "unexpected end of data");
  switch (*r->p)
    {
      case '{':
        v->type = SB_JSON_OBJECT;
        v->members = NULL;
        return open_container (r, TRUE);
      case '[':
        v->type = SB_JSON_ARRAY;
        v->items = NULL;
        return open_container (r, FALSE);
      case '"':
        v->type = SB_JSON_STRING;
        return read_string (r, &v->s, &v->n);
      case 't':
        v->type = SB_JSON_BOOLEAN;
        v->b = TRUE;
        return read_literal (r, "true", 4);
      case 'f':
        v->type = SB_JSON_BOOLEAN;
        v->b = FALSE;
        return read_literal (r, "false", 5);
      case 'n':
        v->type = SB_JSON_NULL;
        v->i = 0;
        return read_literal (r, "null", 4);
      default:
        if (*r->p == '-' || g_ascii_isdigit (*r->p))
          return read_number (r, v);
        return fail_expected (r, "a value");
    }
}

/* Moves past the ',' before the next element, or the closing bracket. */
static gboolean
next_element (SbJsonReader *r, char close, gboolean *has_element)
{
  guint64 bit = G_GUINT64_CONSTANT (1) << (r->depth - 1);
  gboolean first = (r->first_mask & bit) != 0;

  r->first_mask &= ~bit;
  skip_space (r);
  if (r->p < r->end && *r->p == close)
    {
      /* "[1,]" fails below at ']', as the comma promised another element. */
      r->p++;
      r->depth--;
      *has_element = FALSE;
      return TRUE;
    }
  if (!first)
    {
      if (r->p >= r->end || *r->p != ',')
        return fail_expected (r, close == '}' ? "',' or '}'" : "',' or ']'");
      r->p++;
      skip_space (r);
    }
  *has_element = TRUE;
  return TRUE;
}

/* @raw is set to the name as written, from its opening quote to its closing one. */
static gboolean
next_member (SbJsonReader *r,
             gboolean *has_member,
             const char **name,
             gsize *name_length,
             const char **raw,
             gsize *raw_length)
{
  const char *quote;
  guint length;

  /* Every output is defined on every path, the error paths and the end of the object included. */
  *has_member = FALSE;
  *name = NULL;
  if (name_length != NULL)
    *name_length = 0;
  if (raw != NULL)
    {
      *raw = NULL;
      *raw_length = 0;
    }
  if (r->error != NULL)
    return FALSE;
  g_return_val_if_fail (r->depth > 0, FALSE);
  g_return_val_if_fail (r->object_mask & (G_GUINT64_CONSTANT (1) << (r->depth - 1)), FALSE);

  if (!next_element (r, '}', has_member))
    return FALSE;
  if (!*has_member)
    return TRUE;
  if (r->p >= r->end || *r->p != '"')
    return fail_expected (r, "a member name in quotes");
  quote = r->p;
  if (!read_string (r, name, &length))
    return FALSE;
  if (raw != NULL)
    {
      *raw = quote;
      *raw_length = (gsize) (r->p - quote);
    }
  skip_space (r);
  if (r->p >= r->end || *r->p != ':')
    return fail_expected (r, "':'");
  r->p++;
  if (name_length != NULL)
    *name_length = length;
  return TRUE;
}

gboolean
sb_json_reader_next_member (SbJsonReader *r,
                            gboolean *has_member,
                            const char **name,
                            gsize *name_length)
{
  g_return_val_if_fail (r != NULL && has_member != NULL && name != NULL, FALSE);

  return next_member (r, has_member, name, name_length, NULL, NULL);
}

gboolean
sb_json_reader_next_item (SbJsonReader *r, gboolean *has_item)
{
  g_return_val_if_fail (r != NULL && has_item != NULL, FALSE);

  *has_item = FALSE;
  if (r->error != NULL)
    return FALSE;
  g_return_val_if_fail (r->depth > 0, FALSE);
  g_return_val_if_fail (!(r->object_mask & (G_GUINT64_CONSTANT (1) << (r->depth - 1))), FALSE);

  return next_element (r, ']', has_item);
}

gboolean
sb_json_reader_skip_rest (SbJsonReader *r, const SbJsonValue *container)
{
  gboolean more;

  g_return_val_if_fail (container != NULL, FALSE);

  if (container->type == SB_JSON_OBJECT)
    {
      const char *name;

      while (sb_json_reader_next_member (r, &more, &name, NULL) && more)
        if (!sb_json_reader_skip_value (r))
          return FALSE;
    }
  else if (container->type == SB_JSON_ARRAY)
    {
      while (sb_json_reader_next_item (r, &more) && more)
        if (!sb_json_reader_skip_value (r))
          return FALSE;
    }
  return r->error == NULL;
}

gboolean
sb_json_reader_skip_value (SbJsonReader *r)
{
  SbJsonValue v;

  /* Recursion is bounded by SB_JSON_MAX_DEPTH. */
  if (!sb_json_reader_read_value (r, &v))
    return FALSE;
  if (v.type == SB_JSON_OBJECT || v.type == SB_JSON_ARRAY)
    return sb_json_reader_skip_rest (r, &v);
  return TRUE;
}

gboolean
sb_json_reader_at_end (SbJsonReader *r)
{
  g_return_val_if_fail (r != NULL, FALSE);

  skip_space (r);
  return r->p >= r->end;
}

gboolean
sb_json_reader_finish (SbJsonReader *r)
{
  g_return_val_if_fail (r != NULL, FALSE);

  if (r->error != NULL)
    return FALSE;
  g_return_val_if_fail (r->depth == 0, FALSE);
  if (!sb_json_reader_at_end (r))
    return reader_fail (r, r->p, "unexpected data after the document");
  return TRUE;
}

/* ---- Looking past refusals ------------------------------------------------------------------ */

/* Moves past the string at r->p (on its opening quote) checking only what RFC 8259 requires:
 * escapes are well formed, the text is UTF-8 without raw control characters. "\u0000" and
 * unpaired surrogates pass. */
static gboolean
skip_string_loosely (SbJsonReader *r)
{
  const char *begin = r->p + 1;
  const char *q = begin;
  guchar high = 0;

  while (q < r->end && *q != '"')
    {
      guchar c = (guchar) *q;

      if (c < 0x20)
        return FALSE;
      high |= c;
      if (c == '\\')
        {
          if (++q >= r->end)
            return FALSE;
          if (*q == 'u')
            {
              if (r->end - q < 5)
                return FALSE;
              for (int i = 1; i <= 4; i++)
                if (hex_value (q[i]) < 0)
                  return FALSE;
              q += 4;
            }
          else if (strchr ("\"\\/bfnrt", *q) == NULL || *q == '\0')
            return FALSE;
        }
      q++;
    }
  if (q >= r->end)
    return FALSE;
  /* Escapes are ASCII, so the raw text is UTF-8 exactly when the decoded one is. */
  if ((high & 0x80) && !g_utf8_validate_len (begin, (gsize) (q - begin), NULL))
    return FALSE;
  r->p = q + 1;
  return TRUE;
}

/* Reads the string at r->p with the reader's own rules; when they refuse it, skips it loosely
 * and returns TRUE with *out NULL. FALSE when it is not a JSON string at all. */
static gboolean
read_string_or_skip (SbJsonReader *r, char **out, guint *out_length)
{
  const char *quote = r->p;
  const char *s;
  guint length;

  *out = NULL;
  if (read_string (r, &s, &length))
    {
      *out = g_strndup (s, length);
      *out_length = length;
      return TRUE;
    }
  g_clear_pointer (&r->error, g_free);
  r->p = quote;
  return skip_string_loosely (r);
}

char *
sb_json_find_root_string (const char *data, gsize length, const char *name)
{
  enum
  {
    VALUE,        /* a value must come */
    FIRST_ITEM,   /* after '[': a value or ']' */
    FIRST_MEMBER, /* after '{': a name or '}' */
    MEMBER,       /* after ',' in an object: a name */
    AFTER_VALUE,  /* ',', the closing bracket, or the end of the document */
  } state
      = VALUE;
  /* The closing bracket of each open container: a heap stack, as depth is not limited here. */
  g_autoptr (GByteArray) open = g_byte_array_new ();
  g_autofree char *found = NULL;
  gboolean capture = FALSE, seen = FALSE, ok = FALSE;
  SbJsonReader r;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  sb_json_reader_init (&r, data, length);
  for (;;)
    {
      char close;

      skip_space (&r);
      if (state == FIRST_ITEM || state == FIRST_MEMBER)
        {
          close = state == FIRST_ITEM ? ']' : '}';
          if (r.p < r.end && *r.p == close)
            {
              r.p++;
              g_byte_array_set_size (open, open->len - 1);
              state = AFTER_VALUE;
              continue;
            }
          state = state == FIRST_ITEM ? VALUE : MEMBER;
        }

      if (state == AFTER_VALUE)
        {
          if (open->len == 0)
            {
              ok = r.p >= r.end;
              break;
            }
          close = (char) open->data[open->len - 1];
          if (r.p < r.end && *r.p == close)
            {
              r.p++;
              g_byte_array_set_size (open, open->len - 1);
              continue;
            }
          if (r.p >= r.end || *r.p != ',')
            break;
          r.p++;
          state = close == '}' ? MEMBER : VALUE;
          continue;
        }

      if (state == MEMBER)
        {
          g_autofree char *member = NULL;
          guint member_length = 0;

          if (r.p >= r.end || *r.p != '"' || !read_string_or_skip (&r, &member, &member_length))
            break;
          skip_space (&r);
          if (r.p >= r.end || *r.p != ':')
            break;
          r.p++;
          /* Only the first member of that name counts, as in the request parser. */
          capture = open->len == 1 && !seen && g_strcmp0 (member, name) == 0;
          seen = seen || capture;
          state = VALUE;
          continue;
        }

      /* state == VALUE */
      if (r.p >= r.end || (open->len == 0 && *r.p != '{'))
        break;
      if (*r.p == '{' || *r.p == '[')
        {
          guint8 closing = *r.p == '{' ? '}' : ']';

          g_byte_array_append (open, &closing, 1);
          state = *r.p == '{' ? FIRST_MEMBER : FIRST_ITEM;
          r.p++;
        }
      else if (*r.p == '"')
        {
          g_autofree char *value = NULL;
          guint value_length = 0;

          if (!read_string_or_skip (&r, &value, &value_length))
            break;
          if (capture)
            found = g_steal_pointer (&value);
          state = AFTER_VALUE;
        }
      else
        {
          SbJsonValue scalar;

          /* Numbers and literals: the reader's rules are RFC 8259's. */
          if (!sb_json_reader_read_value (&r, &scalar))
            break;
          state = AFTER_VALUE;
        }
      capture = FALSE;
    }
  sb_json_reader_clear (&r);
  return ok ? g_steal_pointer (&found) : NULL;
}

/* ---- Trees ---------------------------------------------------------------------------------- */

#define ARENA_BLOCK_SIZE (64 * 1024)

gpointer
sb_json_arena_alloc (SbJsonArena *arena, gsize size)
{
  gpointer p;

  /* Never NULL, even for 0 bytes: on an empty arena next is NULL, and NULL + 0 is undefined. */
  size = (MAX (size, 1) + 7) & ~(gsize) 7;
  if (size > arena->left)
    {
      gsize block = MAX (size, ARENA_BLOCK_SIZE);

      arena->next = g_malloc (block);
      arena->blocks = g_slist_prepend (arena->blocks, arena->next);
      arena->left = block;
    }
  p = arena->next;
  arena->next += size;
  arena->left -= size;
  return p;
}

void
sb_json_arena_clear (SbJsonArena *arena)
{
  g_slist_free_full (g_steal_pointer (&arena->blocks), g_free);
  arena->next = NULL;
  arena->left = 0;
}

typedef struct
{
  SbJsonReader *reader;
  SbJsonArena *arena;
  GString *compact;
  GArray *items;   /* scratch stack of SbJsonValue, shared by all nesting levels */
  GArray *members; /* scratch stack of SbJsonMember */
} TreeBuilder;

static const char *
arena_strdup (SbJsonArena *arena, const char *s, gsize length)
{
  char *copy = sb_json_arena_alloc (arena, length + 1);

  memcpy (copy, s, length + 1);
  return copy;
}

static gboolean
build_value (TreeBuilder *b, SbJsonValue *v)
{
  SbJsonReader *r = b->reader;
  const char *token;
  gboolean more;
  guint base;

  skip_space (r);
  token = r->p;
  if (!sb_json_reader_read_value (r, v))
    return FALSE;

  switch (v->type)
    {
      case SB_JSON_ARRAY:
        if (b->compact != NULL)
          g_string_append_c (b->compact, '[');
        base = b->items->len;
        while (sb_json_reader_next_item (r, &more) && more)
          {
            SbJsonValue item;

            if (b->compact != NULL && b->items->len > base)
              g_string_append_c (b->compact, ',');
            if (!build_value (b, &item))
              return FALSE;
            g_array_append_val (b->items, item);
          }
        if (r->error != NULL)
          return FALSE;
        if (b->compact != NULL)
          g_string_append_c (b->compact, ']');
        v->n = b->items->len - base;
        /* "[]" keeps items NULL: nothing to allocate or copy. */
        if (v->n > 0)
          {
            v->items = sb_json_arena_alloc (b->arena, v->n * sizeof (SbJsonValue));
            memcpy (v->items, &g_array_index (b->items, SbJsonValue, base),
                    v->n * sizeof (SbJsonValue));
          }
        g_array_set_size (b->items, base);
        return TRUE;

      case SB_JSON_OBJECT:
        if (b->compact != NULL)
          g_string_append_c (b->compact, '{');
        base = b->members->len;
        for (;;)
          {
            const char *name, *raw;
            SbJsonMember member;
            gsize length, raw_length;

            if (!next_member (r, &more, &name, &length, &raw, &raw_length))
              return FALSE;
            if (!more)
              break;
            if (b->compact != NULL)
              {
                if (b->members->len > base)
                  g_string_append_c (b->compact, ',');
                g_string_append_len (b->compact, raw, raw_length);
                g_string_append_c (b->compact, ':');
              }
            /* The name lives in the reader's scratch until the value overwrites it. */
            member.name = arena_strdup (b->arena, name, length);
            if (!build_value (b, &member.value))
              return FALSE;
            g_array_append_val (b->members, member);
          }
        if (b->compact != NULL)
          g_string_append_c (b->compact, '}');
        v->n = b->members->len - base;
        /* "{}" keeps members NULL, as "[]" does. */
        if (v->n > 0)
          {
            v->members = sb_json_arena_alloc (b->arena, v->n * sizeof (SbJsonMember));
            memcpy (v->members, &g_array_index (b->members, SbJsonMember, base),
                    v->n * sizeof (SbJsonMember));
          }
        g_array_set_size (b->members, base);
        return TRUE;

      case SB_JSON_STRING:
        v->s = arena_strdup (b->arena, v->s, v->n);
        G_GNUC_FALLTHROUGH;
      case SB_JSON_NULL:
      case SB_JSON_BOOLEAN:
      case SB_JSON_INT:
      case SB_JSON_DOUBLE:
      default:
        if (b->compact != NULL)
          g_string_append_len (b->compact, token, r->p - token);
        return TRUE;
    }
}

gboolean
sb_json_reader_read_tree (SbJsonReader *r, SbJsonArena *arena, GString *compact, SbJsonValue *value)
{
  TreeBuilder b = { r, arena, compact, NULL, NULL };
  gboolean ok;

  g_return_val_if_fail (r != NULL && arena != NULL && value != NULL, FALSE);

  b.items = g_array_sized_new (FALSE, FALSE, sizeof (SbJsonValue), 256);
  b.members = g_array_sized_new (FALSE, FALSE, sizeof (SbJsonMember), 256);
  ok = build_value (&b, value);
  g_array_unref (b.items);
  g_array_unref (b.members);
  return ok;
}
