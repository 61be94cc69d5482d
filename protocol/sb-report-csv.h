/* sb-report-csv.h: an event's report (SbReportMessage) as CSV, the same from
 * `seatbook-server report --format=csv` and the app's "Export CSV…". */
#pragma once

#include "sb-message-report.h"

G_BEGIN_DECLS

/* One header line, then one record per category, one for the revenue, one per day and one per
 * account, distinguished by the first column (docs/operations.md, "Reports"):
 *   kind,key,price,sold,held,free,blocked,seats,gross,refunded,net,currency
 * Amounts are in minor units of currency (cents), as everywhere in the protocol; a column that
 * does not apply to a kind is empty. */
void sb_report_write_csv (GString *out, const SbReportMessage *report);

G_END_DECLS
