/* sb-audit-commands.h: `seatbook-server audit`, an event's audit trail read from the store alone
 * (beside a running server or not), as text or CSV. */
#pragma once

#include "sb-audit-record.h"
#include "sb-server-config.h"

G_BEGIN_DECLS

/* Prints the entries settings (event_id, audit_*) ask for on standard output. The store's errors
 * keep their domain (exit status 1). */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_command_audit (const SbServerSettings *settings, GError **error);

/* One entry as a line: tab-separated (text, tabs and line ends in fields become spaces) or an
 * RFC 4180 CSV record (fields quoted where they need it), ending in "\n" or "\r\n". Seats are
 * joined with spaces. */
void sb_audit_record_append_text (GString *out, const SbAuditRecord *record);
void sb_audit_record_append_csv (GString *out, const SbAuditRecord *record);
/* The CSV header line. */
void sb_audit_append_csv_header (GString *out);

G_END_DECLS
