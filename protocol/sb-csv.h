/* sb-csv.h: CSV as RFC 4180 writes it, shared by the server's exports (audit, bookings, report)
 * and the app's report export. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends a text field, quoted (with quotes doubled) when it holds a comma, a quote or a line
 * break. Text that starts with '=', '+', '-', '@', a tab or a carriage return gets a "'" in front:
 * a spreadsheet would run it as a formula (OWASP "CSV injection"), and names, notes, reasons and
 * accounts are typed by anyone. */
void sb_csv_append_field (GString *out, const char *field);

/* Appends a figure this program formatted ("4500", "-4000"), as it is: a negative amount keeps
 * its minus and stays a number. Never for text from outside. */
void sb_csv_append_figure (GString *out, const char *figure);

/* Appends text fields (sb_csv_append_field ()) separated by commas and ends the record with
 * CRLF. */
void sb_csv_append_record (GString *out, const char *const *fields, guint n_fields);

G_END_DECLS
