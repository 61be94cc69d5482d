/* sb-report-csv.h: an event's report (SbReportMessage) as a table of one figure per line, the
 * same from `seatbook-server report` and the app's "Export CSV…". */
#pragma once

#include "sb-message-report.h"

G_BEGIN_DECLS

/* One figure per line, four columns: section, key, figure, value (docs/operations.md,
 * "Reports"), so that a script picks what it needs by the first and third columns and a report
 * of many days or accounts is still one table:
 *   event     (key empty) id, currency, seats, time_zone
 *   category  (key: the category id) price, sold, held, free, blocked
 *   revenue   (key empty) gross, refunded, net
 *   day       (key: YYYY-MM-DD in time_zone) seats, gross
 *   account   (key: the account) seats, gross
 * Money in minor units of the currency (cents), as everywhere in the protocol. csv: RFC 4180 with a
 * header line and CRLF; otherwise tab-separated lines without a header, tabs and line breaks in
 * a field made spaces. */
void sb_report_write_table (GString *out, const SbReportMessage *report, gboolean csv);

G_END_DECLS
