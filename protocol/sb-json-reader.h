/* sb-json-reader.h: the protocol library's strict JSON reader (private to protocol/).
 *
 * Exactly the RFC 8259 grammar, nothing more: no comments, no single quotes, no hex or other
 * extended numbers, no trailing data, strings must be valid UTF-8 without "\u0000" and with paired
 * surrogates, nesting is limited to SB_JSON_MAX_DEPTH. Integers that do not fit in 64 bits are
 * flagged rather than wrapped. Errors carry the line and column (in bytes, from 1) where the data
 * went wrong.
 *
 * Two levels share one grammar:
 *   - a pull reader (sb_json_reader_read_value, _next_member, _next_item) that allocates nothing
 *     for the usual small document, for callers that fill their own structs in one pass
 *     (sb-request.c);
 *   - sb_json_reader_read_tree(), which builds a read-only tree in an arena, for callers that
 *     need random access (sb-venue.c).
 *
 * Repeated member names are valid JSON but meaningless; callers reject them against their tables
 * of known fields, which is where they can name the field (a bit per field is cheaper than any
 * per-object set of names, and unknown names are errors there anyway). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SB_JSON_MAX_DEPTH 64

typedef enum
{
  SB_JSON_NULL,
  SB_JSON_BOOLEAN,
  SB_JSON_INT,
  SB_JSON_DOUBLE, /* also an integer too large for gint64: see int_overflow */
  SB_JSON_STRING,
  SB_JSON_ARRAY,
  SB_JSON_OBJECT,
} SbJsonType;

typedef struct SbJsonValue SbJsonValue;
typedef struct SbJsonMember SbJsonMember;

struct SbJsonValue
{
  SbJsonType type : 8;
  /* SB_JSON_DOUBLE written as an integer (no fraction or exponent) that does not fit in gint64:
   * d holds its approximate value. */
  guint int_overflow : 1;
  guint n; /* string: length in bytes; array: items; object: members */
  union
  {
    gboolean b;
    gint64 i;
    double d;
    const char *s; /* NUL-terminated; never contains NUL */
    SbJsonValue *items;
    SbJsonMember *members;
  };
};

struct SbJsonMember
{
  const char *name;
  SbJsonValue value;
};

/* ---- Pull reader ---------------------------------------------------------------------------- */

/* Lives on the caller's stack; every field is private. */
typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  guint depth;         /* arrays and objects open */
  guint64 first_mask;  /* bit d: the next element at depth d + 1 is the first */
  guint64 object_mask; /* bit d: the container at depth d + 1 is an object */
  /* Decoded strings, NUL-terminated: the inline buffer serves short strings without a malloc. */
  char *scratch;
  gsize scratch_size;
  char inline_scratch[256];
  const char *error_at;
  char *error;
} SbJsonReader;

void sb_json_reader_init (SbJsonReader *reader, const char *data, gsize length);
void sb_json_reader_clear (SbJsonReader *reader);

/* Reads the next value. A scalar is read whole into *value (a string is only valid until the next
 * call on the reader). For '[' or '{' only the bracket is consumed and value->type says which:
 * the caller then loops on sb_json_reader_next_item() or _next_member(), or calls
 * sb_json_reader_skip_rest() to validate and drop the contents. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_json_reader_read_value (SbJsonReader *reader, SbJsonValue *value);

/* In an object just opened: sets *has_member and, when TRUE, *name (valid until the next call on
 * the reader) and *name_length, leaving the reader on the member's value. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_json_reader_next_member (SbJsonReader *reader,
                                     gboolean *has_member,
                                     const char **name,
                                     gsize *name_length);

/* In an array just opened: sets *has_item, leaving the reader on the item's value. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_json_reader_next_item (SbJsonReader *reader, gboolean *has_item);

/* Reads and drops the next value, container or not. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_json_reader_skip_value (SbJsonReader *reader);

/* Reads and drops the rest of the array or object that was opened last. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_json_reader_skip_rest (SbJsonReader *reader, const SbJsonValue *container);

/* TRUE when only whitespace is left. */
gboolean sb_json_reader_at_end (SbJsonReader *reader);

/* Fails unless only whitespace is left: one document per buffer. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_json_reader_finish (SbJsonReader *reader);

/* After a failure: what went wrong (e.g. "expected ':' but found ','") and where. */
const char *sb_json_reader_get_error (const SbJsonReader *reader, guint *line, guint *column);

/* ---- Looking past refusals ------------------------------------------------------------------ */

/* For error replies about a document the reader refused. When @data is one JSON document as RFC
 * 8259 has it (nested to any depth, "\u0000" and unpaired surrogates allowed) whose root is an
 * object, returns a copy of the value of its first member named @name if that value is a string
 * the reader itself accepts; otherwise NULL. */
G_GNUC_WARN_UNUSED_RESULT
char *sb_json_find_root_string (const char *data, gsize length, const char *name);

/* ---- Trees ---------------------------------------------------------------------------------- */

/* A bump allocator: a whole tree is freed at once. Zero-initialise, free with _clear(). */
typedef struct
{
  GSList *blocks;
  char *next;
  gsize left;
} SbJsonArena;

gpointer sb_json_arena_alloc (SbJsonArena *arena, gsize size);
void sb_json_arena_clear (SbJsonArena *arena);

/* Reads the next value with everything in it into @arena. When @compact is not NULL the value's
 * text is appended to it without whitespace, each token as written in the source (so numbers keep
 * their spelling). */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_json_reader_read_tree (SbJsonReader *reader,
                                   SbJsonArena *arena,
                                   GString *compact,
                                   SbJsonValue *value);

G_END_DECLS
