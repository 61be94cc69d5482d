/* sb-event-time.h: the times and time zone of an event as create_event carries them
 * (docs/protocol.md, "create_event"): ISO 8601 strings, read in the event's IANA time zone when
 * they give no offset, and stored as Unix milliseconds. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SB_MAX_TIME_ZONE_LENGTH 64

/* An IANA name the system's time zone database knows ("Europe/Berlin", "UTC"); not a POSIX TZ
 * string, an offset or a path. */
gboolean sb_time_zone_name_is_valid (const char *name);

/* "2026-03-28T19:30:00+01:00", or without an offset in zone_name (an IANA name; NULL: UTC), into
 * Unix milliseconds. FALSE for anything else, and for times before 1970. */
gboolean sb_event_time_parse (const char *iso8601, const char *zone_name, gint64 *out_ms);

G_END_DECLS
