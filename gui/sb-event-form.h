/* sb-event-form.h: what the New Event dialog (sb-event-dialog.c) sends, built from what was typed
 * into it: the create_event request (docs/protocol.md, "create_event → event_created"), and the
 * words for a refusal that names one of its fields. Kept apart from the widgets so that it can be
 * tested without a display. */
#pragma once

#include <glib.h>

#include "sb-request.h"

G_BEGIN_DECLS

/* The form as typed; every string may be NULL or empty. */
typedef struct
{
  const char *event_id;
  const char *name;
  const char *venue_id;   /* a venue in the store, sent when there is no venue_text */
  const char *venue_text; /* the venue file's text */
  const char *time_zone;  /* an IANA name */
  const char *date;       /* "2030-12-31" */
  const char *time;       /* "20:00" or "20:00:00" */
  const char *sales_open_date;
  const char *sales_open_time;
  const char *sales_close_date;
  const char *sales_close_time;
} SbEventForm;

/* The ISO 8601 local time the protocol reads in the event's time zone, "2030-12-31T20:00:00",
 * from a date and a time as typed (surrounding space dropped; a time of hours and minutes gets
 * ":00", no time at all is midnight). NULL when both are empty: the field is not sent. Whatever
 * else was typed is passed on for the server to judge and refuse naming the field. */
char *sb_event_form_join_time (const char *date, const char *time);

/* Fills a create_event request (its id already set) from the form. */
void sb_event_form_fill_request (const SbEventForm *form, SbRequest *request);

/* The system's time zone as an IANA name the protocol takes; "UTC" when it has none. */
char *sb_event_form_default_time_zone (void);

/* The form's own name for a field of create_event ("venue_text" → "Venue file"), translated;
 * NULL for a field it does not know. */
const char *sb_event_form_describe_field (const char *field);

/* The request's field a refusal names: the error's `field` where the server gave one, else the
 * one its message names (`field "sales_close": …`, as the request parser words it); NULL when
 * neither does. */
char *sb_event_form_field_at_fault (const char *field, const char *message);

G_END_DECLS
