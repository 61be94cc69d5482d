/* sb-store-report.h: an event's report (issue 11 item 7; docs/protocol.md, "report"): its seats
 * sold, held, free and blocked per category, from the store's state of the event; its revenue
 * (gross: the price of every seat ever sold, refunded: the refunds its cancellations recorded,
 * net: the difference); and its sales per day, the event's local calendar days in its time zone
 * (UTC for an event without one), and per account.
 * Read outside the booking path by the store worker (the `report` request) or the command line
 * (`seatbook-server report`). Like every SbStore method it is synchronous and called from one
 * thread at a time. */
#pragma once

#include "sb-message-report.h"
#include "sb-store.h"
#include "sb-venue.h"

G_BEGIN_DECLS

/* What a backend's read_sales gives (sb-store.h): seat_id sold count times on day ("YYYY-MM-DD",
 * the local calendar day in the time zone read_sales was given) by account, whether its booking
 * keeps the seat or a cancellation gave it back. A backend may give one seat, day and account in
 * several rows; they add up. */
typedef struct
{
  char *account; /* NULL for a booking stored before accounts (SB_LEGACY_ACCOUNT) */
  char *day;
  char *seat_id;
  gint64 count;
} SbSaleRow;

SbSaleRow *
sb_sale_row_new (const char *account, const char *day, const char *seat_id, gint64 count);
void sb_sale_row_free (SbSaleRow *row);

/* The local calendar day ("YYYY-MM-DD") in zone of the instant at_ms (Unix ms), for a backend that
 * reads booking times and counts the days itself (sb-sqlite-report.c). Across a daylight-saving
 * change each instant takes the offset in force at that instant. */
char *sb_sale_day (GTimeZone *zone, gint64 at_ms);

typedef struct
{
  char *category_id;
  gint64 price; /* minor units of the venue's currency */
  guint sold;   /* booked now */
  guint held;
  guint free;
  guint blocked; /* by a block, or by the venue document */
} SbReportCategory;

/* Sales of one day or one account. */
typedef struct
{
  char *key; /* the day ("YYYY-MM-DD") or the account */
  gint64 seats;
  gint64 gross;
} SbReportSales;

typedef struct
{
  char *event_id;
  char *currency;
  guint n_seats;         /* the venue's: the four counts of every category add up to it */
  GPtrArray *categories; /* SbReportCategory, in the venue's order */
  gint64 gross;
  gint64 refunded;
  gint64 net;
  char *time_zone;     /* the zone of the days: the event's IANA name, or "UTC" */
  GPtrArray *days;     /* SbReportSales by day, oldest first */
  GPtrArray *accounts; /* SbReportSales by account name */
} SbEventReport;

void sb_event_report_free (SbEventReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbEventReport, sb_event_report_free)

/* The report of event_id, whose venue is venue and whose time zone is time_zone (the event's
 * SbEventRecord.time_zone, an IANA name; NULL: UTC), the zone its sales are counted by day in.
 * SB_STORE_ERROR_NOT_FOUND for an unknown event. */
G_GNUC_WARN_UNUSED_RESULT
SbEventReport *sb_store_report (
    SbStore *self, const char *event_id, SbVenue *venue, const char *time_zone, GError **error);

/* The report as the protocol's `report` reply carries it (also what the CLI prints, through
 * sb_report_write_table ()), its time_zone included. */
SbReportMessage *sb_event_report_to_message (const SbEventReport *report);

G_END_DECLS
