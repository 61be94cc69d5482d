/* sb-message-report.c: the `report` reply (sb-message-report.h): its tables and its writer. */
#include "sb-message-report.h"

#include "sb-json-writer.h"
#include "sb-message-private.h"

static const SbFieldSpec category_fields[] = {
  SB_FIELD (SbReportCategoryFigures, category, "category", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbReportCategoryFigures, price, "price", SB_FIELD_INT, TRUE),
  SB_FIELD (SbReportCategoryFigures, sold, "sold", SB_FIELD_INT, TRUE),
  SB_FIELD (SbReportCategoryFigures, held, "held", SB_FIELD_INT, TRUE),
  SB_FIELD (SbReportCategoryFigures, free, "free", SB_FIELD_INT, TRUE),
  SB_FIELD (SbReportCategoryFigures, blocked, "blocked", SB_FIELD_INT, TRUE),
};

const SbStructSpec _sb_report_category_figures_spec = {
  "categories",
  sizeof (SbReportCategoryFigures),
  category_fields,
  G_N_ELEMENTS (category_fields),
  (GDestroyNotify) sb_report_category_figures_free,
  (GBoxedCopyFunc) sb_report_category_figures_copy,
};

SB_MESSAGE_DEFINE_STRUCT (SbReportCategoryFigures, sb_report_category_figures)

/* Days and accounts share the struct; their key has its own name. */
static const SbFieldSpec day_fields[] = {
  SB_FIELD (SbReportSalesFigures, key, "day", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbReportSalesFigures, seats, "seats", SB_FIELD_INT, TRUE),
  SB_FIELD (SbReportSalesFigures, gross, "gross", SB_FIELD_INT, TRUE),
};

static const SbFieldSpec account_fields[] = {
  SB_FIELD (SbReportSalesFigures, key, "account", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbReportSalesFigures, seats, "seats", SB_FIELD_INT, TRUE),
  SB_FIELD (SbReportSalesFigures, gross, "gross", SB_FIELD_INT, TRUE),
};

const SbStructSpec _sb_report_sales_figures_spec = {
  "days",
  sizeof (SbReportSalesFigures),
  day_fields,
  G_N_ELEMENTS (day_fields),
  (GDestroyNotify) sb_report_sales_figures_free,
  (GBoxedCopyFunc) sb_report_sales_figures_copy,
};

static const SbStructSpec account_sales_spec = {
  "accounts",
  sizeof (SbReportSalesFigures),
  account_fields,
  G_N_ELEMENTS (account_fields),
  (GDestroyNotify) sb_report_sales_figures_free,
  (GBoxedCopyFunc) sb_report_sales_figures_copy,
};

SB_MESSAGE_DEFINE_STRUCT (SbReportSalesFigures, sb_report_sales_figures)

static const SbFieldSpec revenue_fields[] = {
  SB_FIELD (SbReportMessage, gross, "gross", SB_FIELD_INT, TRUE),
  SB_FIELD (SbReportMessage, refunded, "refunded", SB_FIELD_INT, TRUE),
  SB_FIELD (SbReportMessage, net, "net", SB_FIELD_INT, TRUE),
};

static const SbStructSpec revenue_spec = {
  "revenue", 0, revenue_fields, G_N_ELEMENTS (revenue_fields), NULL, NULL,
};

static const SbFieldSpec report_fields[] = {
  SB_FIELD (SbReportMessage, event, "event", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbReportMessage, currency, "currency", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbReportMessage, seats, "seats", SB_FIELD_INT, TRUE),
  SB_FIELD_WITH_SPEC (SbReportMessage,
                      categories,
                      "categories",
                      SB_FIELD_ARRAY,
                      TRUE,
                      &_sb_report_category_figures_spec),
  SB_FIELD_NESTED ("revenue", TRUE, &revenue_spec),
  SB_FIELD (SbReportMessage, time_zone, "time_zone", SB_FIELD_STRING, TRUE),
  SB_FIELD_WITH_SPEC (
      SbReportMessage, days, "days", SB_FIELD_ARRAY, TRUE, &_sb_report_sales_figures_spec),
  SB_FIELD_WITH_SPEC (
      SbReportMessage, accounts, "accounts", SB_FIELD_ARRAY, TRUE, &account_sales_spec),
};

const SbStructSpec _sb_report_message_spec = {
  "report", sizeof (SbReportMessage), report_fields, G_N_ELEMENTS (report_fields), NULL, NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbReportMessage, sb_report_message)

SbReportMessage *
sb_report_message_new (void)
{
  SbReportMessage *message = g_new0 (SbReportMessage, 1);

  message->categories
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_report_category_figures_free);
  message->days = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_report_sales_figures_free);
  message->accounts
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_report_sales_figures_free);
  return message;
}

void
sb_report_message_add_category (SbReportMessage *message,
                                const char *category,
                                gint64 price,
                                gint64 sold,
                                gint64 held,
                                gint64 free,
                                gint64 blocked)
{
  SbReportCategoryFigures *figures;

  g_return_if_fail (message != NULL && message->categories != NULL);

  figures = g_new0 (SbReportCategoryFigures, 1);
  figures->category = g_strdup (category);
  figures->price = price;
  figures->sold = sold;
  figures->held = held;
  figures->free = free;
  figures->blocked = blocked;
  g_ptr_array_add (message->categories, figures);
}

void
sb_report_message_add_sales (GPtrArray *sales, const char *key, gint64 seats, gint64 gross)
{
  SbReportSalesFigures *figures;

  g_return_if_fail (sales != NULL);

  figures = g_new0 (SbReportSalesFigures, 1);
  figures->key = g_strdup (key);
  figures->seats = seats;
  figures->gross = gross;
  g_ptr_array_add (sales, figures);
}

static void
write_sales (GString *out, const char *name, const char *key_name, const GPtrArray *sales)
{
  g_string_append_printf (out, ",\"%s\":[", name);
  for (guint i = 0; sales != NULL && i < sales->len; i++)
    {
      const SbReportSalesFigures *figures = g_ptr_array_index (sales, i);

      g_string_append_printf (out, "%s{\"%s\":", i > 0 ? "," : "", key_name);
      sb_json_write_string_or_null (out, figures->key);
      g_string_append_printf (out,
                              ",\"seats\":%" G_GINT64_FORMAT ",\"gross\":%" G_GINT64_FORMAT "}",
                              figures->seats, figures->gross);
    }
  g_string_append_c (out, ']');
}

void
sb_report_message_write (GString *out, const char *re, const SbReportMessage *message)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (message != NULL);

  _sb_message_write_begin (out, SB_MESSAGE_REPORT, re);
  g_string_append (out, ",\"event\":");
  sb_json_write_string_or_null (out, message->event);
  g_string_append (out, ",\"currency\":");
  sb_json_write_string_or_null (out, message->currency);
  g_string_append_printf (out, ",\"seats\":%" G_GINT64_FORMAT ",\"categories\":[", message->seats);
  for (guint i = 0; message->categories != NULL && i < message->categories->len; i++)
    {
      const SbReportCategoryFigures *figures = g_ptr_array_index (message->categories, i);

      g_string_append (out, i > 0 ? ",{\"category\":" : "{\"category\":");
      sb_json_write_string_or_null (out, figures->category);
      g_string_append_printf (
          out,
          ",\"price\":%" G_GINT64_FORMAT ",\"sold\":%" G_GINT64_FORMAT ",\"held\":%" G_GINT64_FORMAT
          ",\"free\":%" G_GINT64_FORMAT ",\"blocked\":%" G_GINT64_FORMAT "}",
          figures->price, figures->sold, figures->held, figures->free, figures->blocked);
    }
  g_string_append_printf (out,
                          "],\"revenue\":{\"gross\":%" G_GINT64_FORMAT
                          ",\"refunded\":%" G_GINT64_FORMAT ",\"net\":%" G_GINT64_FORMAT
                          "},\"time_zone\":",
                          message->gross, message->refunded, message->net);
  sb_json_write_string_or_null (out, message->time_zone);
  write_sales (out, "days", "day", message->days);
  write_sales (out, "accounts", "account", message->accounts);
  _sb_message_write_end (out, FALSE);
}
