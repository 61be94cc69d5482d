/* sb-message-report.h: `report`, the reply to `report` (docs/protocol.md, issue 11): an event's
 * seats sold, held, free and blocked per category, its revenue (gross, refunded, net, in minor
 * units of the venue's currency) and its sales per day and per account. Written by the server from
 * one struct; read by sb_message_parse () into the same struct (SbMessage.report), for the app's
 * Reports page. */
#pragma once

#include "sb-message-parts.h"

G_BEGIN_DECLS

/* One item of report.categories: a seat of the category is exactly one of the four. */
typedef struct
{
  char *category; /* the venue's category id */
  gint64 price;
  gint64 sold;
  gint64 held;
  gint64 free;
  gint64 blocked;
} SbReportCategoryFigures;

/* One item of report.days ("day": "YYYY-MM-DD" in time_zone) or report.accounts ("account"). */
typedef struct
{
  char *key;
  gint64 seats; /* seats sold (booked, whether or not later cancelled) */
  gint64 gross;
} SbReportSalesFigures;

typedef struct
{
  char *event;
  char *currency;
  gint64 seats;          /* the venue's: every category's four counts add up to it */
  GPtrArray *categories; /* SbReportCategoryFigures, in the venue's order */
  gint64 gross;          /* revenue.gross: the price of every seat ever sold */
  gint64 refunded;       /* revenue.refunded: what cancellations refunded */
  gint64 net;            /* revenue.net: gross - refunded */
  char *time_zone;       /* the zone days are counted in: the event's IANA name, or "UTC" */
  GPtrArray *days;       /* SbReportSalesFigures, oldest first */
  GPtrArray *accounts;   /* SbReportSalesFigures, by account name */
} SbReportMessage;

#define SB_TYPE_REPORT_MESSAGE (sb_report_message_get_type ())
GType sb_report_message_get_type (void) G_GNUC_CONST;
SbReportMessage *sb_report_message_new (void);
SbReportMessage *sb_report_message_copy (const SbReportMessage *message);
void sb_report_message_free (SbReportMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbReportMessage, sb_report_message_free)

GType sb_report_category_figures_get_type (void) G_GNUC_CONST;
GType sb_report_sales_figures_get_type (void) G_GNUC_CONST;
SbReportCategoryFigures *sb_report_category_figures_copy (const SbReportCategoryFigures *figures);
void sb_report_category_figures_free (SbReportCategoryFigures *figures);
SbReportSalesFigures *sb_report_sales_figures_copy (const SbReportSalesFigures *figures);
void sb_report_sales_figures_free (SbReportSalesFigures *figures);

/* Appends a category's figures to message->categories, a day's or an account's sales to
 * message->days or message->accounts. */
void sb_report_message_add_category (SbReportMessage *message,
                                     const char *category,
                                     gint64 price,
                                     gint64 sold,
                                     gint64 held,
                                     gint64 free,
                                     gint64 blocked);
void sb_report_message_add_sales (GPtrArray *sales, const char *key, gint64 seats, gint64 gross);

void sb_report_message_write (GString *out, const char *re, const SbReportMessage *message);

G_END_DECLS
