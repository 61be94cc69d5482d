/* lg-json.h: a scanner for the few fields the load generator reads from server messages.
 *
 * The load generator receives hundreds of thousands of messages per second (1,000 subscribers ×
 * every change); building a JsonNode tree for each would cost more CPU than the server spends
 * sending them, on a 2-core machine the two share. So messages are scanned in place: the top-level
 * members are walked once, the wanted ones are kept as slices of the frame, the rest (the venue of
 * a snapshot, seat lists nobody looks at) are skipped without being decoded. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A slice of the frame. For strings it is the raw text between the quotes; `escaped` tells that
 * it holds a backslash and must be decoded with lg_json_slice_dup () before use. */
typedef struct
{
  const char *p;
  gsize len;
  gboolean escaped;
} LgSlice;

/* The members of a server message that the load generator uses; unset slices have p == NULL. */
typedef struct
{
  LgSlice type;
  LgSlice re;
  LgSlice event; /* a string in changed/replay/held/booked; an object in snapshot (not kept) */
  LgSlice code;
  LgSlice hold;
  LgSlice booking;
  LgSlice seats; /* the raw array, brackets included */
  LgSlice retry_after_ms;
  gint64 from_version; /* -1 when absent */
  gint64 version;      /* -1 when absent */
} LgMsg;

/* Scans one JSON object. Returns FALSE when the text is not a well-formed object. With
 * stop_early, a `changed` message is read only up to its event, from_version and version (the
 * seats that follow are neither read nor checked). */
gboolean lg_msg_scan (const char *text, gsize len, LgMsg *msg, gboolean stop_early);

/* Walks an array: *cursor starts at the '['; each call stores the next element's span in *elem and
 * returns TRUE, or returns FALSE at the end (or on malformed input). */
gboolean lg_json_array_next (const char **cursor, const char *end, LgSlice *elem);

/* Reads "id", "state" and "hold" of one seat entry {"id": …, "state": …}. */
gboolean lg_json_seat_entry (const LgSlice *elem, LgSlice *id, LgSlice *state, LgSlice *hold);

/* Reads an array of strings (e.g. the "seats" of an error) as a NULL-terminated vector. */
char **lg_json_string_array_dup (const LgSlice *array);

gboolean lg_slice_equal (const LgSlice *slice, const char *str);
/* A NUL-terminated copy, with JSON escapes decoded. */
char *lg_json_slice_dup (const LgSlice *slice);
gboolean lg_json_slice_to_int (const LgSlice *slice, gint64 *out);

G_END_DECLS
