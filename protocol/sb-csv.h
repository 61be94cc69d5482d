/* sb-csv.h: CSV as RFC 4180 writes it, shared by the server's exports (audit, bookings, report)
 * and the app's report export. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends field, quoted (with quotes doubled) when it holds a comma, a quote or a line break. */
void sb_csv_append_field (GString *out, const char *field);

/* Appends fields separated by commas and ends the record with CRLF. */
void sb_csv_append_record (GString *out, const char *const *fields, guint n_fields);

G_END_DECLS
