/* test-json-reader.c: the strict JSON reader behind the venue loader and the request parser. */
#include <math.h>
#include <string.h>

#include "sb-json-reader.h"
#include "sb-json-writer.h"

/* Reads @text (exactly strlen bytes, copied so ASan sees reads past the end) as one tree. On
 * success returns the compact text; on failure returns NULL and sets *out_error to
 * "LINE:COLUMN: problem". */
static char *
read_document (const char *text, SbJsonArena *arena, SbJsonValue *root, char **out_error)
{
  gsize length = strlen (text);
  g_autofree char *copy = g_memdup2 (text, length);
  g_autoptr (GString) compact = g_string_new (NULL);
  SbJsonReader reader;
  char *result = NULL;

  *out_error = NULL;
  sb_json_reader_init (&reader, copy, length);
  if (sb_json_reader_read_tree (&reader, arena, compact, root) && sb_json_reader_finish (&reader))
    result = g_strdup (compact->str);
  else
    {
      guint line, column;
      const char *problem = sb_json_reader_get_error (&reader, &line, &column);

      g_assert_nonnull (problem);
      *out_error = g_strdup_printf ("%u:%u: %s", line, column, problem);
    }
  sb_json_reader_clear (&reader);
  return result;
}

static void
assert_ok (const char *text, const char *compact)
{
  SbJsonArena arena = { 0 };
  SbJsonValue root;
  g_autofree char *error = NULL;
  g_autofree char *result = read_document (text, &arena, &root, &error);

  if (result == NULL)
    g_error ("%s: %s", text, error);
  g_assert_cmpstr (result, ==, compact);
  sb_json_arena_clear (&arena);
}

static void
assert_fails (const char *text, const char *message)
{
  SbJsonArena arena = { 0 };
  SbJsonValue root;
  g_autofree char *error = NULL;
  g_autofree char *result = read_document (text, &arena, &root, &error);

  if (result != NULL)
    g_error ("%s was accepted as %s", text, result);
  g_assert_cmpstr (error, ==, message);
  sb_json_arena_clear (&arena);
}

static void
test_tree (void)
{
  static const char text[]
      = "  {\"name\" : \"Grand\\u0020Theatre\",\n \"seats\": [1, -2.50, 1E3, true, false, null],\n"
        "  \"nested\": {\"a\": [], \"b\": {}}, \"\": \"\"}  \n";
  SbJsonArena arena = { 0 };
  SbJsonValue root;
  const SbJsonValue *seats, *nested;
  g_autofree char *error = NULL;
  g_autofree char *compact = read_document (text, &arena, &root, &error);

  g_assert_null (error);
  /* Whitespace goes, tokens keep their spelling (escapes, "-2.50", "1E3"). */
  g_assert_cmpstr (compact, ==,
                   "{\"name\":\"Grand\\u0020Theatre\",\"seats\":[1,-2.50,1E3,true,false,null],"
                   "\"nested\":{\"a\":[],\"b\":{}},\"\":\"\"}");
  g_assert_cmpint (root.type, ==, SB_JSON_OBJECT);
  g_assert_cmpuint (root.n, ==, 4);
  g_assert_cmpstr (root.members[0].name, ==, "name");
  g_assert_cmpint (root.members[0].value.type, ==, SB_JSON_STRING);
  g_assert_cmpstr (root.members[0].value.s, ==, "Grand Theatre");
  g_assert_cmpuint (root.members[0].value.n, ==, strlen ("Grand Theatre"));

  seats = &root.members[1].value;
  g_assert_cmpint (seats->type, ==, SB_JSON_ARRAY);
  g_assert_cmpuint (seats->n, ==, 6);
  g_assert_cmpint (seats->items[0].type, ==, SB_JSON_INT);
  g_assert_cmpint (seats->items[0].i, ==, 1);
  g_assert_cmpint (seats->items[1].type, ==, SB_JSON_DOUBLE);
  g_assert_cmpfloat (seats->items[1].d, ==, -2.5);
  g_assert_false (seats->items[1].int_overflow);
  /* An exponent makes a double even when the value is whole. */
  g_assert_cmpint (seats->items[2].type, ==, SB_JSON_DOUBLE);
  g_assert_cmpfloat (seats->items[2].d, ==, 1000.0);
  g_assert_cmpint (seats->items[3].type, ==, SB_JSON_BOOLEAN);
  g_assert_true (seats->items[3].b);
  g_assert_false (seats->items[4].b);
  g_assert_cmpint (seats->items[5].type, ==, SB_JSON_NULL);

  nested = &root.members[2].value;
  g_assert_cmpint (nested->members[0].value.type, ==, SB_JSON_ARRAY);
  g_assert_cmpuint (nested->members[0].value.n, ==, 0);
  g_assert_cmpint (nested->members[1].value.type, ==, SB_JSON_OBJECT);
  g_assert_cmpuint (nested->members[1].value.n, ==, 0);
  g_assert_cmpstr (root.members[3].name, ==, "");
  g_assert_cmpstr (root.members[3].value.s, ==, "");

  sb_json_arena_clear (&arena);

  /* Scalars are documents too. */
  assert_ok ("\"x\"", "\"x\"");
  assert_ok (" 0 ", "0");
  assert_ok ("null", "null");
}

/* The pull API: one pass, skipping what the caller does not want. */
static void
test_pull (void)
{
  static const char text[] = "{\"skip\": {\"a\": [1, {\"b\": [[], \"]}\"]}]}, \"keep\": [\"x\", 7],"
                             " \"last\": \"\\u00e9\"}";
  SbJsonReader reader;
  SbJsonValue value;
  const char *name;
  gsize name_length;
  gboolean more;

  sb_json_reader_init (&reader, text, strlen (text));
  g_assert_true (sb_json_reader_read_value (&reader, &value));
  g_assert_cmpint (value.type, ==, SB_JSON_OBJECT);

  g_assert_true (sb_json_reader_next_member (&reader, &more, &name, &name_length));
  g_assert_true (more);
  g_assert_cmpstr (name, ==, "skip");
  g_assert_cmpuint (name_length, ==, 4);
  g_assert_true (sb_json_reader_skip_value (&reader));

  g_assert_true (sb_json_reader_next_member (&reader, &more, &name, NULL));
  g_assert_true (more);
  g_assert_cmpstr (name, ==, "keep");
  g_assert_true (sb_json_reader_read_value (&reader, &value));
  g_assert_cmpint (value.type, ==, SB_JSON_ARRAY);
  g_assert_true (sb_json_reader_next_item (&reader, &more));
  g_assert_true (more);
  g_assert_true (sb_json_reader_read_value (&reader, &value));
  g_assert_cmpstr (value.s, ==, "x");
  /* The rest of the array is dropped, not read. */
  g_assert_true (sb_json_reader_skip_rest (&reader, &(SbJsonValue){ .type = SB_JSON_ARRAY }));

  g_assert_true (sb_json_reader_next_member (&reader, &more, &name, NULL));
  g_assert_true (more);
  g_assert_cmpstr (name, ==, "last");
  g_assert_true (sb_json_reader_read_value (&reader, &value));
  g_assert_cmpstr (value.s, ==, "\xc3\xa9");
  g_assert_cmpuint (value.n, ==, 2);

  g_assert_true (sb_json_reader_next_member (&reader, &more, &name, NULL));
  g_assert_false (more);
  g_assert_true (sb_json_reader_finish (&reader));
  g_assert_null (sb_json_reader_get_error (&reader, NULL, NULL));
  sb_json_reader_clear (&reader);

  /* A failed reader stays failed, with its first error. */
  sb_json_reader_init (&reader, "[1 2]", 5);
  g_assert_true (sb_json_reader_read_value (&reader, &value));
  g_assert_true (sb_json_reader_next_item (&reader, &more));
  g_assert_true (sb_json_reader_read_value (&reader, &value));
  g_assert_false (sb_json_reader_next_item (&reader, &more));
  g_assert_false (more);
  g_assert_false (sb_json_reader_read_value (&reader, &value));
  g_assert_false (sb_json_reader_finish (&reader));
  g_assert_cmpstr (sb_json_reader_get_error (&reader, NULL, NULL), ==,
                   "expected ',' or ']' but found '2'");
  sb_json_reader_clear (&reader);
}

static void
test_numbers (void)
{
  static const struct
  {
    const char *text;
    SbJsonType type;
    gint64 i;
    gboolean overflow;
  } cases[] = {
    { "0", SB_JSON_INT, 0, FALSE },
    { "-0", SB_JSON_INT, 0, FALSE },
    { "9223372036854775807", SB_JSON_INT, G_MAXINT64, FALSE },
    { "-9223372036854775808", SB_JSON_INT, G_MININT64, FALSE },
    { "9223372036854775808", SB_JSON_DOUBLE, 0, TRUE },
    { "-9223372036854775809", SB_JSON_DOUBLE, 0, TRUE },
    { "18446744073709551616", SB_JSON_DOUBLE, 0, TRUE },
    { "123456789012345678901234567890123456789012345678901234567890123456789", SB_JSON_DOUBLE, 0,
      TRUE },
    { "1e3", SB_JSON_DOUBLE, 0, FALSE },
    { "1.0", SB_JSON_DOUBLE, 0, FALSE },
    { "-0.0", SB_JSON_DOUBLE, 0, FALSE },
    { "1E+2", SB_JSON_DOUBLE, 0, FALSE },
    { "1e-2", SB_JSON_DOUBLE, 0, FALSE },
    { "1e999", SB_JSON_DOUBLE, 0, FALSE },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      SbJsonArena arena = { 0 };
      SbJsonValue root;
      g_autofree char *error = NULL;
      g_autofree char *compact = read_document (cases[c].text, &arena, &root, &error);

      g_assert_null (error);
      g_assert_cmpstr (compact, ==, cases[c].text);
      g_assert_cmpint (root.type, ==, cases[c].type);
      if (root.type == SB_JSON_INT)
        g_assert_cmpint (root.i, ==, cases[c].i);
      g_assert_cmpint (root.int_overflow, ==, cases[c].overflow);
      sb_json_arena_clear (&arena);
    }
  {
    SbJsonArena arena = { 0 };
    SbJsonValue root;
    g_autofree char *error = NULL;
    g_autofree char *compact
        = read_document ("[1e999, 9223372036854775808, 0.5]", &arena, &root, &error);

    g_assert_null (error);
    g_assert_cmpstr (compact, ==, "[1e999,9223372036854775808,0.5]");
    g_assert_true (isinf (root.items[0].d));
    g_assert_cmpfloat (root.items[1].d, ==, 9223372036854775808.0);
    g_assert_cmpfloat (root.items[2].d, ==, 0.5);
    sb_json_arena_clear (&arena);
  }

  assert_fails ("01", "1:2: unexpected data after the document");
  assert_fails ("[01]", "1:3: expected ',' or ']' but found '1'");
  assert_fails ("+1", "1:1: expected a value but found '+'");
  assert_fails (".5", "1:1: expected a value but found '.'");
  assert_fails ("1.", "1:1: bad number");
  assert_fails ("1.e3", "1:1: bad number");
  assert_fails ("1e", "1:1: bad number");
  assert_fails ("1e+", "1:1: bad number");
  assert_fails ("-", "1:1: bad number");
  assert_fails ("-a", "1:1: bad number");
  assert_fails ("0x10", "1:2: unexpected data after the document");
  assert_fails ("[0x10]", "1:3: expected ',' or ']' but found 'x'");
  assert_fails ("NaN", "1:1: expected a value but found 'N'");
  assert_fails ("Infinity", "1:1: expected a value but found 'I'");
  assert_fails ("-Infinity", "1:1: bad number");
}

static void
test_strings (void)
{
  SbJsonArena arena = { 0 };
  SbJsonValue root;
  g_autofree char *error = NULL;
  g_autofree char *compact = NULL;

  /* Every escape, and a surrogate pair (U+1F600) in both cases of hex digits. */
  compact = read_document ("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\ud83d\\uDE00\"",
                           &arena, &root, &error);
  g_assert_null (error);
  g_assert_cmpstr (root.s, ==, "\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  g_assert_cmpuint (root.n, ==, strlen (root.s));
  sb_json_arena_clear (&arena);

  /* UTF-8 as is, including the longest sequences. */
  assert_ok ("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"",
             "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"");

  assert_fails ("\"\\ud83d\"", "1:2: unpaired surrogate in a \\u escape");
  assert_fails ("\"\\ud83dx\"", "1:2: unpaired surrogate in a \\u escape");
  assert_fails ("\"\\ud83d\\u0041\"", "1:2: unpaired surrogate in a \\u escape");
  assert_fails ("\"\\ud83d\\ud83d\"", "1:2: unpaired surrogate in a \\u escape");
  assert_fails ("\"\\ude00\"", "1:2: unpaired surrogate in a \\u escape");
  assert_fails ("\"\\ude00\\ud83d\"", "1:2: unpaired surrogate in a \\u escape");
  assert_fails ("\"a\\u0000b\"", "1:3: \\u0000 is not allowed in strings");
  assert_fails ("\"\\u00\"", "1:2: incomplete \\u escape");
  assert_fails ("\"\\u00g0\"", "1:2: bad \\u escape");
  assert_fails ("\"\\x41\"", "1:2: bad escape in a string");
  assert_fails ("\"\\'\"", "1:2: bad escape in a string");
  assert_fails ("\"tab\there\"", "1:5: control character in a string");
  assert_fails ("\"new\nline\"", "1:5: control character in a string");
  assert_fails ("\"open", "1:1: unterminated string");
  assert_fails ("\"open\\\"", "1:1: unterminated string");
  assert_fails ("'single'", "1:1: expected a value but found '''");
  /* Invalid UTF-8: a lone continuation byte, an overlong NUL, an encoded surrogate, a truncated
   * sequence, and beyond U+10FFFF. */
  assert_fails ("\"\x80\"", "1:1: string is not valid UTF-8");
  assert_fails ("\"\xc0\x80\"", "1:1: string is not valid UTF-8");
  assert_fails ("\"\xed\xa0\x80\"", "1:1: string is not valid UTF-8");
  assert_fails ("\"\xe2\x82\"", "1:1: string is not valid UTF-8");
  assert_fails ("\"\xf4\x90\x80\x80\"", "1:1: string is not valid UTF-8");
  assert_fails ("\"\xff\"", "1:1: string is not valid UTF-8");
  /* A NUL byte in the data, in a string or not. */
  {
    static const char with_nul[] = "[\"a\0b\"]";
    SbJsonReader reader;
    SbJsonValue value;
    gboolean more;

    sb_json_reader_init (&reader, with_nul, sizeof with_nul - 1);
    g_assert_true (sb_json_reader_read_value (&reader, &value));
    g_assert_true (sb_json_reader_next_item (&reader, &more));
    g_assert_false (sb_json_reader_read_value (&reader, &value));
    g_assert_cmpstr (sb_json_reader_get_error (&reader, NULL, NULL), ==,
                     "control character in a string");
    sb_json_reader_clear (&reader);
  }
}

static void
test_long_strings (void)
{
  g_autoptr (GString) text = g_string_new ("[\"");
  g_autoptr (GString) expected = g_string_new (NULL);
  SbJsonArena arena = { 0 };
  SbJsonValue root;
  g_autofree char *error = NULL;
  g_autofree char *compact = NULL;

  /* Far beyond the reader's inline scratch, with escapes so the slow path runs too. */
  for (guint i = 0; i < 20000; i++)
    {
      g_string_append (text, "ab\\n\\u00e9");
      g_string_append (expected, "ab\n\xc3\xa9");
    }
  g_string_append (text, "\", \"short\", \"");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, 'z');
  g_string_append (text, "\"]");

  compact = read_document (text->str, &arena, &root, &error);
  g_assert_null (error);
  g_assert_cmpuint (root.n, ==, 3);
  g_assert_cmpstr (root.items[0].s, ==, expected->str);
  g_assert_cmpuint (root.items[0].n, ==, expected->len);
  g_assert_cmpstr (root.items[1].s, ==, "short");
  g_assert_cmpuint (root.items[2].n, ==, 100000);
  sb_json_arena_clear (&arena);
}

static void
test_depth (void)
{
  g_autoptr (GString) ok = g_string_new (NULL);
  g_autoptr (GString) deep = NULL;

  for (guint i = 0; i < SB_JSON_MAX_DEPTH; i++)
    g_string_append (ok, i % 2 ? "{\"k\":" : "[");
  g_string_append (ok, "1");
  for (guint i = SB_JSON_MAX_DEPTH; i > 0; i--)
    g_string_append (ok, (i - 1) % 2 ? "}" : "]");
  assert_ok (ok->str, ok->str);

  deep = g_string_new (NULL);
  for (guint i = 0; i <= SB_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i <= SB_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, ']');
  assert_fails (deep->str, "1:65: nested too deeply");

  /* Far deeper than any stack would take, were it recursed into. */
  g_string_truncate (deep, 0);
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  assert_fails (deep->str, "1:65: nested too deeply");
}

static void
test_syntax (void)
{
  assert_fails ("", "1:1: unexpected end of data");
  assert_fails (" \n ", "2:2: unexpected end of data");
  assert_fails ("{\"a\": 1} {}", "1:10: unexpected data after the document");
  assert_fails ("{\"a\": 1}x", "1:9: unexpected data after the document");
  assert_fails ("{\"a\": 1,}", "1:9: expected a member name in quotes but found '}'");
  assert_fails ("[1,]", "1:4: expected a value but found ']'");
  assert_fails ("[,1]", "1:2: expected a value but found ','");
  assert_fails ("{\"a\" 1}", "1:6: expected ':' but found '1'");
  assert_fails ("{\"a\": 1 \"b\": 2}", "1:9: expected ',' or '}' but found '\"'");
  assert_fails ("{a: 1}", "1:2: expected a member name in quotes but found 'a'");
  assert_fails ("{'a': 1}", "1:2: expected a member name in quotes but found '''");
  assert_fails ("{\"a\": 'b'}", "1:7: expected a value but found '''");
  assert_fails ("{\"a\":\n  // note\n  1}", "2:3: expected a value but found '/'");
  assert_fails ("[1 /* note */]", "1:4: expected ',' or ']' but found '/'");
  assert_fails ("[1", "1:3: expected ',' or ']' but the data ends");
  assert_fails ("{\"a\"", "1:5: expected ':' but the data ends");
  assert_fails ("[tru]", "1:2: unexpected character 't'");
  assert_fails ("[True]", "1:2: expected a value but found 'T'");
  assert_fails ("[nul", "1:2: unexpected character 'n'");
  assert_fails ("\xef\xbb\xbf{}", "1:1: expected a value but found byte 0xef");
  assert_fails ("[\x01]", "1:2: expected a value but found byte 0x01");
  /* Only the four JSON whitespace characters separate tokens. */
  assert_fails ("[1,\v2]", "1:4: expected a value but found byte 0x0b");
  assert_ok (" \t\r\n[ 1 ,\t2 ]\r\n", "[1,2]");
}

static void
test_writer (void)
{
  g_autoptr (GString) every = g_string_new (NULL);
  g_autoptr (GString) out = g_string_new (NULL);
  SbJsonReader reader;
  SbJsonValue value;

  for (guint c = 1; c < 0x80; c++)
    g_string_append_c (every, (char) c);
  g_string_append (every, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xe2\x80\xa8");

  sb_json_write_string (out, every->str);
  sb_json_reader_init (&reader, out->str, out->len);
  g_assert_true (sb_json_reader_read_value (&reader, &value));
  g_assert_true (sb_json_reader_finish (&reader));
  g_assert_cmpstr (value.s, ==, every->str);
  sb_json_reader_clear (&reader);

  g_string_truncate (out, 0);
  sb_json_write_string (out, "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f");
  g_assert_cmpstr (out->str, ==, "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\"");

  /* Invalid UTF-8 becomes U+FFFD, so what is written always reads back. */
  g_string_truncate (out, 0);
  sb_json_write_string (out, "a\xff"
                             "b\xc3");
  g_assert_cmpstr (out->str, ==,
                   "\"a\xef\xbf\xbd"
                   "b\xef\xbf\xbd\"");
}

/* The server's writers: NULL strings as null, string arrays through the one escaper. */
static void
test_writer_null_and_array (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  const char *const seats[] = { "A-1", "q\"t", NULL };

  sb_json_write_string_or_null (out, NULL);
  g_string_append_c (out, ' ');
  sb_json_write_string_or_null (out, "a\tb");
  g_string_append_c (out, ' ');
  sb_json_write_string_array (out, seats);
  g_string_append_c (out, ' ');
  sb_json_write_string_array (out, NULL);
  g_assert_cmpstr (out->str, ==, "null \"a\\tb\" [\"A-1\",\"q\\\"t\"] []");
}

/* Empty containers on a fresh arena, and no data at all: clang's UBSan once caught NULL + 0 and
 * memcpy (NULL, …, 0) on these paths, which gcc's does not report. */
static void
test_empty (void)
{
  static const char *const documents[] = { "[]", "{}", " [ ] ", "[[]]", "{\"a\":{}}", "[{}]" };
  SbJsonArena arena = { 0 };
  SbJsonReader reader;
  SbJsonValue value;
  guint line, column;

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      SbJsonArena fresh = { 0 };
      const SbJsonValue *inner;
      g_autofree char *error = NULL;
      g_autofree char *compact = read_document (documents[i], &fresh, &value, &error);

      g_assert_null (error);
      g_assert_nonnull (compact);
      if (value.n == 0)
        inner = &value;
      else if (value.type == SB_JSON_ARRAY)
        inner = &value.items[0];
      else
        inner = &value.members[0].value;
      g_assert_true (inner->type == SB_JSON_ARRAY || inner->type == SB_JSON_OBJECT);
      g_assert_cmpuint (inner->n, ==, 0);
      g_assert_null (inner->items);
      sb_json_arena_clear (&fresh);
    }

  /* A zero-byte allocation is still a pointer, empty arena or not. */
  g_assert_nonnull (sb_json_arena_alloc (&arena, 0));
  g_assert_nonnull (sb_json_arena_alloc (&arena, 0));
  sb_json_arena_clear (&arena);

  sb_json_reader_init (&reader, NULL, 0);
  g_assert_false (sb_json_reader_read_value (&reader, &value));
  g_assert_cmpstr (sb_json_reader_get_error (&reader, &line, &column), ==,
                   "unexpected end of data");
  g_assert_cmpuint (line, ==, 1);
  g_assert_cmpuint (column, ==, 1);
  sb_json_reader_clear (&reader);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-reader/tree", test_tree);
  g_test_add_func ("/json-reader/pull", test_pull);
  g_test_add_func ("/json-reader/numbers", test_numbers);
  g_test_add_func ("/json-reader/strings", test_strings);
  g_test_add_func ("/json-reader/long-strings", test_long_strings);
  g_test_add_func ("/json-reader/depth", test_depth);
  g_test_add_func ("/json-reader/syntax", test_syntax);
  g_test_add_func ("/json-reader/empty", test_empty);
  g_test_add_func ("/json-reader/writer", test_writer);
  g_test_add_func ("/json-reader/writer-null-and-array", test_writer_null_and_array);

  return g_test_run ();
}
