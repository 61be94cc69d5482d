/* fuzz-json-reader.c: the strict JSON reader of protocol/sb-json-reader.c, both levels.
 *
 * Besides the sanitizers' findings, three properties are checked on every input: the pull
 * reader and the tree reader agree on whether it is a document; what the tree reader writes as
 * compact text reads back to the same text; and every string in the tree, written back with
 * sb_json_write_string (), reads back to the same bytes. */
#include <string.h>

#include "fuzz-target.h"
#include "sb-json-reader.h"
#include "sb-json-writer.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

/* Walks a value with the pull API, recursing into containers (depth is bounded by the reader). */
static gboolean
pull_value (SbJsonReader *reader)
{
  SbJsonValue value;
  gboolean more;

  if (!sb_json_reader_read_value (reader, &value))
    return FALSE;
  if (value.type == SB_JSON_ARRAY)
    {
      while (sb_json_reader_next_item (reader, &more) && more)
        if (!pull_value (reader))
          return FALSE;
      return sb_json_reader_get_error (reader, NULL, NULL) == NULL;
    }
  if (value.type == SB_JSON_OBJECT)
    {
      const char *name;
      gsize name_length;

      while (sb_json_reader_next_member (reader, &more, &name, &name_length) && more)
        {
          g_assert (strlen (name) == name_length);
          if (!pull_value (reader))
            return FALSE;
        }
      return sb_json_reader_get_error (reader, NULL, NULL) == NULL;
    }
  if (value.type == SB_JSON_STRING)
    {
      /* Documented: NUL-terminated, no NUL inside, valid UTF-8. */
      g_assert (strlen (value.s) == value.n);
      g_assert (g_utf8_validate_len (value.s, value.n, NULL));
    }
  return TRUE;
}

static void
check_strings (const SbJsonValue *value)
{
  switch (value->type)
    {
      case SB_JSON_STRING:
        {
          g_autoptr (GString) written = g_string_new (NULL);
          SbJsonReader reader;
          SbJsonValue back;

          g_assert (strlen (value->s) == value->n);
          sb_json_write_string (written, value->s);
          sb_json_reader_init (&reader, written->str, written->len);
          g_assert (sb_json_reader_read_value (&reader, &back));
          g_assert (back.type == SB_JSON_STRING);
          g_assert (back.n == value->n && memcmp (back.s, value->s, back.n) == 0);
          g_assert (sb_json_reader_finish (&reader));
          sb_json_reader_clear (&reader);
        }
        break;
      case SB_JSON_ARRAY:
        for (guint i = 0; i < value->n; i++)
          check_strings (&value->items[i]);
        break;
      case SB_JSON_OBJECT:
        for (guint i = 0; i < value->n; i++)
          check_strings (&value->members[i].value);
        break;
      case SB_JSON_NULL:
      case SB_JSON_BOOLEAN:
      case SB_JSON_INT:
      case SB_JSON_DOUBLE:
      default:
        break;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *) data;
  SbJsonReader reader;
  SbJsonArena arena = { 0 };
  SbJsonValue root;
  g_autoptr (GString) compact = g_string_new (NULL);
  gboolean pulled, built;
  guint line = 0, column = 0;

  sb_json_reader_init (&reader, text, size);
  pulled = pull_value (&reader) && sb_json_reader_finish (&reader);
  if (!pulled)
    {
      g_assert (sb_json_reader_get_error (&reader, &line, &column) != NULL);
      g_assert (line >= 1 && column >= 1);
    }
  sb_json_reader_clear (&reader);

  sb_json_reader_init (&reader, text, size);
  built = sb_json_reader_read_tree (&reader, &arena, compact, &root)
          && sb_json_reader_finish (&reader);
  sb_json_reader_clear (&reader);
  g_assert (pulled == built);

  if (built)
    {
      g_autoptr (GString) again = g_string_new (NULL);
      SbJsonArena arena2 = { 0 };
      SbJsonValue root2;

      check_strings (&root);
      sb_json_reader_init (&reader, compact->str, compact->len);
      g_assert (sb_json_reader_read_tree (&reader, &arena2, again, &root2));
      g_assert (sb_json_reader_finish (&reader));
      g_assert (g_string_equal (compact, again));
      g_assert (root2.type == root.type && root2.n == root.n);
      sb_json_reader_clear (&reader);
      sb_json_arena_clear (&arena2);
    }
  sb_json_arena_clear (&arena);
  return 0;
}
