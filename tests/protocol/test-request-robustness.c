/* test-request-robustness.c: the request parser against what a hostile or careless client sends:
 * escapes, deep nesting, long strings, random mutations of valid frames, random bytes, and many
 * threads at once; a refused frame that is JSON with a string id still gets its id back. */
#include <string.h>

#include "sb-protocol.h"
#include "sb-request.h"
#include "request-test-util.h"

static void
test_escapes (void)
{
  g_autoptr (SbRequest) request = NULL;

  /* Every escape JSON has, and a surrogate pair (U+1F600) in both cases of hex digit. */
  request
      = parse_ok ("{\"type\": \"book\", \"id\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\","
                  " \"event\": \"e\\u20AC\", \"seats\": [\"\\ud83d\\uDE00\", \"\\uD83D\\ude01\"]}");
  g_assert_cmpstr (request->id, ==, "\"\\/\b\f\n\r\tA\xc3\xa9");
  g_assert_cmpstr (request->event_id, ==, "e\xe2\x82\xac");
  g_assert_cmpstr (request->seats[0], ==, "\xf0\x9f\x98\x80");
  g_assert_cmpstr (request->seats[1], ==, "\xf0\x9f\x98\x81");
  check_round_trip (request);
  g_clear_pointer (&request, sb_request_free);

  /* Two seats that differ only after an escape are two seats; the same seat spelled two ways is
   * one seat listed twice. */
  request = parse_ok (HOLD_PREFIX "\"seats\": [\"a\\u0041\", \"aB\"]}");
  g_assert_cmpstr (request->seats[0], ==, "aA");
  g_clear_pointer (&request, sb_request_free);
  {
    static const char frame[] = HOLD_PREFIX "\"seats\": [\"a\\u0041\", \"aA\"]}";
    g_autoptr (GError) error = NULL;

    g_assert_null (sb_request_parse (frame, strlen (frame), NULL, &error));
    g_assert_cmpstr (error->message, ==, "seat \"aA\" is listed twice in \"seats\"");
  }
}

static void
expect_error (const char *frame, gsize length, const char *message, const char *echoed)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *request_id = NULL;
  g_autoptr (SbRequest) request = sb_request_parse (frame, length, &request_id, &error);

  g_assert_null (request);
  g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpstr (request_id, ==, echoed);
}

static void
test_nesting (void)
{
  g_autoptr (GString) frame = g_string_new (NULL);

  /* The request object is the first level: 63 more fit, 64 more do not. */
  for (guint extra = 63; extra <= 64; extra++)
    {
      g_string_assign (frame, "{\"type\": \"ping\", \"id\": \"n1\", \"x\": ");
      for (guint i = 0; i < extra; i++)
        g_string_append (frame, i % 2 ? "{\"k\": " : "[");
      for (guint i = extra; i > 0; i--)
        g_string_append (frame, (i - 1) % 2 ? "}" : "]");
      g_string_append (frame, "}");
      if (extra == 63)
        expect_error (frame->str, frame->len, "unknown field \"x\" in a \"ping\" request", "n1");
      else
        /* No id: the innermost "k" has no value, so this is not JSON either. */
        expect_error (frame->str, frame->len, "malformed JSON: 1:253: nested too deeply", NULL);
    }

  /* Far deeper than a recursive reader's stack would take. */
  g_string_assign (frame, "{\"type\": \"ping\", \"id\": \"n2\", \"x\": ");
  for (guint i = 0; i < 60000; i++)
    g_string_append_c (frame, '[');
  expect_error (frame->str, frame->len, "malformed JSON: 1:98: nested too deeply", NULL);
}

/* JSON that RFC 8259 allows and the reader refuses ("\u0000", unpaired surrogates, deep
 * nesting) is still JSON: whenever such a frame has a readable string id, the error echoes it, or
 * the client waiting for that id never gets its answer. Frames that are not JSON echo nothing. */
static void
test_refused_json_keeps_id (void)
{
  static const struct
  {
    const char *frame;
    const char *echoed;
  } cases[] = {
    /* the report: a NUL in a seat id, then in each other string field */
    { "{\"type\":\"hold\",\"id\":\"nl-1\",\"event\":\"e\",\"seats\":[\"A-1\\u0000x\"]}", "nl-1" },
    { "{\"type\":\"hold\",\"id\":\"nl-2\",\"event\":\"e\\u0000\",\"seats\":[\"A-1\"]}", "nl-2" },
    { "{\"type\":\"ping\\u0000\",\"id\":\"nl-3\"}", "nl-3" },
    { "{\"type\":\"hello\",\"id\":\"nl-4\",\"client\":\"a\\u0000\",\"client_id\":\"c\","
      "\"protocol\":1}",
      "nl-4" },
    { "{\"type\":\"hello\",\"id\":\"nl-5\",\"client\":\"a\",\"client_id\":\"\\u0000\","
      "\"protocol\":1}",
      "nl-5" },
    /* before the id, in a member name, deep inside, an unpaired surrogate */
    { "{\"event\":\"\\u0000\",\"type\":\"subscribe\",\"id\":\"nl-6\"}", "nl-6" },
    { "{\"type\":\"ping\",\"x\\u0000\":1,\"id\":\"nl-7\"}", "nl-7" },
    { "{\"type\":\"ping\",\"x\":[{\"y\":[\"\\u0000\"]}],\"id\":\"nl-8\"}", "nl-8" },
    { "{\"type\":\"release\",\"id\":\"nl-9\",\"hold\":\"\\udc00\"}", "nl-9" },
    /* the first id counts, as for any other error; escapes in it are decoded */
    { "{\"id\":\"nl-\\u0031\\u0030\",\"id\":\"other\",\"type\":\"\\u0000\"}", "nl-10" },
    { "{\"id\":7,\"id\":\"nl-11\",\"type\":\"\\u0000\"}", NULL },
    /* no readable id: it holds the NUL, is too long, empty, nested, or the root is no object */
    { "{\"type\":\"ping\",\"id\":\"a\\u0000b\"}", NULL },
    { "{\"type\":\"ping\",\"id\":\"\",\"x\":\"\\u0000\"}", NULL },
    { "{\"type\":\"ping\",\"x\":{\"id\":\"inner\"},\"y\":\"\\u0000\"}", NULL },
    { "[{\"type\":\"ping\",\"id\":\"in-array\",\"y\":\"\\u0000\"}]", NULL },
    /* not JSON at all: nothing is echoed */
    { "{\"type\":\"ping\",\"id\":\"bad-1\",\"x\":\"\\u0000\",}", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-2\",\"x\":\"\\u0000\"", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-3\",\"x\":\"\\u0000\"} {}", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-4\",\"x\":\"\\q\\u0000\"}", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-5\",\"x\":\"\\u00g0\"}", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-6\",\"x\":[\"\\u0000\"}}", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-7\",\"x\":\"\\u0000\xc3\"}", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-8\",\"x\":\"\\u0000\",\"y\":tru}", NULL },
    { "{\"type\":\"ping\",\"id\":\"bad-9\",\"x\":\"\\u0000\",\"y\":01}", NULL },
  };
  g_autoptr (GString) frame = g_string_new (NULL);
  g_autofree char *long_id = g_strnfill (SB_MAX_REQUEST_ID_LENGTH + 1, 'x');

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *request_id = NULL;
      g_autoptr (SbRequest) request = NULL;

      request = sb_request_parse (cases[i].frame, strlen (cases[i].frame), &request_id, &error);
      g_assert_null (request);
      g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
      g_assert_true (g_str_has_prefix (error->message, "malformed JSON: "));
      if (g_strcmp0 (request_id, cases[i].echoed) != 0)
        g_error ("%s: echoed %s, expected %s", cases[i].frame, request_id, cases[i].echoed);
    }

  /* The message of the report stays what it was: where and what the reader refused. */
  expect_error (
      "{\"type\":\"hold\",\"id\":\"nl-1\",\"event\":\"e\",\"seats\":[\"A-1\\u0000x\"]}",
      strlen ("{\"type\":\"hold\",\"id\":\"nl-1\",\"event\":\"e\",\"seats\":[\"A-1\\u0000x\"]}"),
      "malformed JSON: 1:53: \\u0000 is not allowed in strings", "nl-1");

  /* An id one character too long is not echoed here either. */
  g_string_printf (frame, "{\"type\":\"ping\",\"id\":\"%s\",\"x\":\"\\u0000\"}", long_id);
  expect_error (frame->str, frame->len, "malformed JSON: 1:158: \\u0000 is not allowed in strings",
                NULL);

  /* Nesting far beyond the reader's limit is still JSON when it is closed again. */
  g_string_assign (frame, "{\"type\":\"ping\",\"x\":");
  for (guint i = 0; i < 10000; i++)
    g_string_append (frame, i % 2 ? "{\"k\":" : "[");
  g_string_append (frame, "0");
  for (guint i = 10000; i > 0; i--)
    g_string_append (frame, (i - 1) % 2 ? "}" : "]");
  g_string_append (frame, ",\"id\":\"deep\"}");
  expect_error (frame->str, frame->len, "malformed JSON: 1:207: nested too deeply", "deep");
}

static void
test_long_strings (void)
{
  g_autofree char *long_value = g_strnfill (60000, 'v');
  g_autofree char *frame = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (SbRequest) request = NULL;

  /* Characters, not bytes, are counted: 200 two-byte characters are a valid client name, and
   * 128 escaped ones a valid id. */
  g_string_assign (text, "{\"type\": \"hello\", \"id\": \"");
  for (guint i = 0; i < SB_MAX_REQUEST_ID_LENGTH; i++)
    g_string_append (text, "\\u00e9");
  g_string_append (text, "\", \"client\": \"");
  for (guint i = 0; i < 200; i++)
    g_string_append (text, "\xc3\xa9");
  g_string_append (text, "\", \"client_id\": \"c\", \"protocol\": 1}");
  request = parse_ok (text->str);
  g_assert_cmpuint (g_utf8_strlen (request->id, -1), ==, SB_MAX_REQUEST_ID_LENGTH);
  g_assert_cmpuint (g_utf8_strlen (request->client_name, -1), ==, 200);
  check_round_trip (request);
  g_clear_pointer (&request, sb_request_free);

  g_string_assign (text, "{\"type\": \"hello\", \"id\": \"l1\", \"client\": \"");
  for (guint i = 0; i < 201; i++)
    g_string_append (text, "\xc3\xa9");
  g_string_append (text, "\", \"client_id\": \"c\", \"protocol\": 1}");
  expect_error (text->str, text->len, "field \"client\" must be a string of 1-200 characters",
                "l1");

  /* Seat ids: 64 characters at most. */
  g_string_assign (text, HOLD_PREFIX "\"seats\": [\"");
  for (guint i = 0; i < 64; i++)
    g_string_append (text, "\xe2\x82\xac");
  g_string_append (text, "\"]}");
  request = parse_ok (text->str);
  g_clear_pointer (&request, sb_request_free);
  g_string_insert (text, strlen (HOLD_PREFIX "\"seats\": [\""), "s");
  expect_error (text->str, text->len, "seats[0] must be a seat id of 1-64 characters", "r1");

  /* Long values are read through, wherever they are. */
  frame = g_strdup_printf ("{\"type\": \"ping\", \"x\": \"%s\", \"id\": \"l2\"}", long_value);
  expect_error (frame, strlen (frame), "unknown field \"x\" in a \"ping\" request", "l2");
  g_free (frame);
  frame = g_strdup_printf ("{\"type\": \"ping\", \"id\": \"%s\"}", long_value);
  expect_error (frame, strlen (frame), "field \"id\" must be a string of 1-128 characters", NULL);
}

/* Mutates a valid frame: flips, truncation, insertions (of bytes and of JSON-ish tokens, which
 * reach further into the grammar than random bytes) and deletions. */
static char *
mutate (GRand *rand, const char *frame, gsize *out_length)
{
  static const char *const tokens[] = {
    "\"",       "\\",       ",",          ":",         "{",        "}",       "[",
    "]",        " ",        "\\u",        "\\ud83d",   "\\ude00",  "\\u0000", "0",
    "-",        "e",        ".",          "1e3",       "null",     "true",    "\"id\":",
    "\"x\":1,", "\"ttl\":", "\"seats\":", "\"type\":", "\"hold\"", "\xc3",    "\xe2\x82",
    "\xff",     "\t",       "\n",         "\x01",      "/*",       "'",       "9223372036854775808",
  };
  GString *s = g_string_new (frame);
  guint n = g_rand_int_range (rand, 1, 5);

  for (guint k = 0; k < n; k++)
    {
      gint32 at = g_rand_int_range (rand, 0, (gint32) s->len + 1);

      switch (g_rand_int_range (rand, 0, 5))
        {
          case 0: /* flip a byte */
            if (at < (gint32) s->len)
              s->str[at] = (char) g_rand_int_range (rand, 1, 256);
            break;
          case 1: /* truncate */
            g_string_truncate (s, at);
            break;
          case 2: /* insert a byte (NUL included) */
            g_string_insert_len (s, at, (char[]){ (char) g_rand_int_range (rand, 0, 256) }, 1);
            break;
          case 3: /* insert a token */
            g_string_insert (s, at, tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (tokens))]);
            break;
          default: /* delete a few bytes */
            {
              /* MIN() would draw twice. */
              gint32 count = g_rand_int_range (rand, 1, 4);

              if (at < (gint32) s->len)
                g_string_erase (s, at, MIN (count, (gint32) s->len - at));
            }
            break;
        }
    }
  *out_length = s->len;
  return g_string_free (s, FALSE);
}

/* 100,000 mutated frames: never a crash (ASan/UBSan runs check reads too), an error is always
 * invalid_request with a usable echoed id, and whatever parses serializes and parses back to the
 * same request. */
static void
test_mutations (void)
{
  static const char *const frames[] = {
    "{\"type\": \"hello\", \"id\": \"1\", \"client\": \"Seatbook\", \"client_id\": \"6f1c\", "
    "\"protocol\": 1}",
    "{\"type\": \"list_events\", \"id\": \"2\"}",
    "{\"type\": \"subscribe\", \"id\": \"3\", \"event\": \"opening-night\", \"since\": 40}",
    "{\"type\": \"unsubscribe\", \"id\": \"4\", \"event\": \"opening-night\"}",
    "{\"type\": \"hold\", \"id\": \"5\", \"event\": \"opening-night\", \"seats\": "
    "[\"stalls-C-12\", \"stalls-C-13\"], \"ttl\": 300}",
    "{\"type\": \"extend\", \"id\": \"6\", \"hold\": \"h_9f3k\", \"ttl\": 600}",
    "{\"type\": \"release\", \"id\": \"7\", \"hold\": \"h_9f3k\"}",
    "{\"type\": \"book\", \"id\": \"8\", \"event\": \"e\\u20ac\", \"seats\": "
    "[\"st\\u00e9lls-C-14\", \"\\ud83d\\ude00\"]}",
    "{\"type\": \"book\", \"id\": \"8b\", \"hold\": \"h\\\"q\\\\\"}",
    "{\"type\":\"ping\",\"id\":\"9\"}",
  };
  GRand *rand = g_rand_new_with_seed (g_test_rand_int ());
  guint parsed = 0;

  for (guint i = 0; i < 100000; i++)
    {
      const char *frame = frames[g_rand_int_range (rand, 0, G_N_ELEMENTS (frames))];
      gsize length;
      g_autofree char *copy = mutate (rand, frame, &length);
      g_autoptr (GError) error = NULL;
      g_autofree char *request_id = NULL;
      g_autoptr (SbRequest) request = NULL;

      /* Exactly @length bytes on the heap, so ASan catches any read past the end. */
      g_autofree char *exact = g_memdup2 (copy, length);

      request = sb_request_parse (exact, length, &request_id, &error);
      if (request != NULL)
        {
          g_assert_no_error (error);
          g_assert_null (request_id);
          check_round_trip (request);
          parsed++;
        }
      else
        {
          g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
          g_assert_cmpuint (strlen (error->message), >, 0);
          if (request_id != NULL)
            {
              g_assert_true (g_utf8_validate (request_id, -1, NULL));
              g_assert_cmpint (g_utf8_strlen (request_id, -1), >=, 1);
              g_assert_cmpint (g_utf8_strlen (request_id, -1), <=, SB_MAX_REQUEST_ID_LENGTH);
            }
        }
    }
  g_test_message ("%u of 100000 mutated frames parsed", parsed);
  /* Some mutations (a changed id, added space) keep a frame valid: the round trip ran. */
  g_assert_cmpuint (parsed, >, 0);
  g_rand_free (rand);
}

/* Every truncation and some random byte flips of valid frames: never a crash, always either a
 * request or invalid_request. */
static void
test_fuzz (void)
{
  static const char *const frames[] = {
    "{\"type\": \"hello\", \"id\": \"1\", \"client\": \"Seatbook\", \"client_id\": \"6f1c\", "
    "\"protocol\": 1}",
    "{\"type\": \"subscribe\", \"id\": \"3\", \"event\": \"opening-night\", \"since\": 40}",
    "{\"type\": \"hold\", \"id\": \"5\", \"event\": \"opening-night\", \"seats\": "
    "[\"stalls-C-12\", \"stalls-C-13\"], \"ttl\": 300}",
    "{\"type\": \"book\", \"id\": \"8\", \"event\": \"opening-night\", \"seats\": "
    "[\"st\\u00e9lls-C-14\"]}",
    "{\"type\": \"extend\", \"id\": \"6\", \"hold\": \"h_9f3k\", \"ttl\": 600}",
  };
  GRand *rand = g_rand_new_with_seed (g_test_rand_int ());

  for (guint f = 0; f < G_N_ELEMENTS (frames); f++)
    {
      gsize length = strlen (frames[f]);

      for (gsize n = 0; n <= length; n++)
        {
          /* A copy of exactly n bytes, so ASan catches any read past the length. */
          g_autofree char *copy = g_memdup2 (frames[f], n);
          g_autoptr (GError) error = NULL;
          g_autofree char *request_id = NULL;
          g_autoptr (SbRequest) request = NULL;

          request = sb_request_parse (copy, n, &request_id, &error);
          if (request == NULL)
            g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
          else
            g_assert_cmpuint (n, ==, length);
        }

      for (guint i = 0; i < 500; i++)
        {
          g_autofree char *copy = g_memdup2 (frames[f], length);
          g_autoptr (GError) error = NULL;
          g_autofree char *request_id = NULL;
          g_autoptr (SbRequest) request = NULL;
          guint flips = g_rand_int_range (rand, 1, 4);

          for (guint k = 0; k < flips; k++)
            copy[g_rand_int_range (rand, 0, (gint32) length)]
                = (char) g_rand_int_range (rand, 0, 256);
          request = sb_request_parse (copy, length, &request_id, &error);
          if (request == NULL)
            g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
          else
            g_assert_no_error (error);
        }
    }
  g_rand_free (rand);
}

/* Requests parsed on several threads at once (the parser keeps no shared state). */
static gpointer
parse_in_thread (gpointer data)
{
  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"type\": \"ping\", \"id\": \"t%u\"}", i);
      g_autofree char *expected = g_strdup_printf ("t%u", i);
      g_autoptr (SbRequest) request = sb_request_parse (text, strlen (text), NULL, NULL);

      g_assert_nonnull (request);
      g_assert_cmpstr (request->id, ==, expected);
    }
  return NULL;
}

static void
test_threads (void)
{
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("parse", parse_in_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/request/fuzz", test_fuzz);
  g_test_add_func ("/request/escapes", test_escapes);
  g_test_add_func ("/request/nesting", test_nesting);
  g_test_add_func ("/request/refused-json-keeps-id", test_refused_json_keeps_id);
  g_test_add_func ("/request/long-strings", test_long_strings);
  g_test_add_func ("/request/mutations", test_mutations);
  g_test_add_func ("/request/threads", test_threads);

  return g_test_run ();
}
