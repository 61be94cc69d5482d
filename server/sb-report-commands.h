/* sb-report-commands.h: `seatbook-server report`, an event's report (docs/protocol.md, "report")
 * read from the store alone (beside a running server or not), as text or CSV, for scripts
 * (issue 11; the columns are documented in docs/operations.md). */
#pragma once

#include "sb-server-config.h"

G_BEGIN_DECLS

/* The --help summary (the man page is made from it). */
extern const char sb_command_report_summary[];

/* Prints the report of settings->event_id on standard output: one figure per line, as
 * section, key, figure, value. The store's errors keep their domain (exit status 1). */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_command_report (const SbServerSettings *settings, GError **error);

/* The options of `report` (sb-server-config.c reads them): sets settings event_id (stealing
 * *event) and audit_csv. G_OPTION_ERROR without --event or with a format other than csv or
 * text. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_command_report_parse (SbServerSettings *settings,
                                  char **event,
                                  const char *format,
                                  GError **error);

G_END_DECLS
