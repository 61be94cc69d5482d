/* sb-reports-page.h: an event's report for managers (issue 11): seats sold, held, free and
 * blocked per category, revenue gross, refunded and net, sales per day and per account, as
 * figures and bar charts, asked of the server with `report`. */
#pragma once

#include <adwaita.h>

#include "sb-connection.h"
#include "sb-venue.h"

G_BEGIN_DECLS

#define SB_TYPE_REPORTS_PAGE (sb_reports_page_get_type ())
G_DECLARE_FINAL_TYPE (SbReportsPage, sb_reports_page, SB, REPORTS_PAGE, AdwBin)

GtkWidget *sb_reports_page_new (void);

/* The event reported on (NULL: none) and the connection that asks for it; the venue names the
 * categories. Shown anew at once. */
void sb_reports_page_set_event (SbReportsPage *self,
                                SbConnection *connection,
                                const char *event_id,
                                SbVenue *venue);

/* Asks the server again now. */
void sb_reports_page_refresh (SbReportsPage *self);

/* The event changed (a booking, a cancellation…): the report is asked again after a short
 * pause, so that a storm of changes costs one request, and only while the page is shown. */
void sb_reports_page_event_changed (SbReportsPage *self);

/* The report shown (NULL while none): what Export writes. */
const SbReportMessage *sb_reports_page_get_report (SbReportsPage *self);

G_END_DECLS
