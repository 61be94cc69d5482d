/* lg-json.h: a scanner for the few fields the load generator reads from the messages it gets
 * most or that are biggest: the subscribers' `changed`, the bookers' replies, and the snapshots
 * of the connections that are not watchers.
 *
 * The load generator receives hundreds of thousands of messages per second (1,000 subscribers ×
 * every change) on the 2-core machine it shares with the server, so these are scanned in place:
 * the top-level members are walked once, the wanted ones are kept as slices of the frame, the rest
 * (seat lists and venues nobody looks at) are skipped without being decoded. Everything else —
 * welcome, replay and error replies to hello and subscribe, the watcher's snapshot and changes —
 * is read with protocol/'s typed readers (sb_message_parse ()).
 *
 * Why the copy stays (callgrind instructions per message on the server's own writers' output,
 * `lg-read-bench scan|parse`, BENCHMARKS.md "The load generator on the product's code"):
 *
 *                            lg_msg_scan ()   sb_message_parse () + sb_message_free ()
 *   changed, 1 seat held          1,355            8,863
 *   changed, 4 seats booked       1,355           15,074
 *   error seat_unavailable        1,485            6,627
 *   held, 4 seats                 2,750           11,550
 *   booked, 4 seats               1,752            8,846
 *   snapshot of the arena     4,074,137       22,878,977   (409 KB; scenario b: one per connection)
 *
 * against ~2,750 instructions in all per message received in scenario (a) and ~8,600 per request
 * and reply in (c). A peek reader on protocol/'s pull reader (type, re, event, versions, code;
 * stopping before the seats) was measured too: 2,413 for a `changed`, 2,032 for an error — the
 * pull reader's ~440 instructions per member read are its floor — so +1,000 per message in (a)
 * (+37 %), and it was not kept. */
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

/* Scans one JSON object. Returns FALSE when the text is not a well-formed object. A `changed`
 * message is read only up to its event, from_version and version (the seats that follow are
 * neither read nor checked). */
gboolean lg_msg_scan (const char *text, gsize len, LgMsg *msg);

/* Reads an array of strings (e.g. the "seats" of an error) as a NULL-terminated vector. */
char **lg_json_string_array_dup (const LgSlice *array);

gboolean lg_slice_equal (const LgSlice *slice, const char *str);
/* A NUL-terminated copy, with JSON escapes decoded. */
char *lg_json_slice_dup (const LgSlice *slice);
gboolean lg_json_slice_to_int (const LgSlice *slice, gint64 *out);

G_END_DECLS
