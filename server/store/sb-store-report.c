/* sb-store-report.c: the SbStore's report (sb-store-report.h). The counts come from the event's
 * state as load_event reads it (every seat that is not free), the sales from the backend's
 * read_sales; both are priced here, once for every backend, with the venue's categories, as
 * find_bookings' total_price is. */
#include "config.h"

#include "sb-store-report.h"

#include <string.h>

#include "sb-op.h"

SbSaleRow *
sb_sale_row_new (const char *account, const char *day, const char *seat_id, gint64 count)
{
  SbSaleRow *row = g_new0 (SbSaleRow, 1);

  row->account = g_strdup (account);
  row->day = g_strdup (day);
  row->seat_id = g_strdup (seat_id);
  row->count = count;
  return row;
}

void
sb_sale_row_free (SbSaleRow *row)
{
  if (row == NULL)
    return;
  g_free (row->account);
  g_free (row->day);
  g_free (row->seat_id);
  g_free (row);
}

char *
sb_sale_day (GTimeZone *zone, gint64 at_ms)
{
  /* Booking times are after 1970: dropping the milliseconds keeps the second, and its day. */
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (at_ms / 1000);
  g_autoptr (GDateTime) local = NULL;

  g_return_val_if_fail (zone != NULL, NULL);

  if (utc == NULL || (local = g_date_time_to_timezone (utc, zone)) == NULL)
    return g_strdup ("");
  return g_date_time_format (local, "%Y-%m-%d");
}

static void
report_category_free (SbReportCategory *category)
{
  g_free (category->category_id);
  g_free (category);
}

static void
report_sales_free (SbReportSales *sales)
{
  g_free (sales->key);
  g_free (sales);
}

void
sb_event_report_free (SbEventReport *report)
{
  if (report == NULL)
    return;
  g_free (report->event_id);
  g_free (report->currency);
  g_free (report->time_zone);
  g_clear_pointer (&report->categories, g_ptr_array_unref);
  g_clear_pointer (&report->days, g_ptr_array_unref);
  g_clear_pointer (&report->accounts, g_ptr_array_unref);
  g_free (report);
}

/* Adds seats and gross to the entry of key in table (key → SbReportSales, owned by table). */
static void
add_sales (GHashTable *table, const char *key, gint64 seats, gint64 gross)
{
  SbReportSales *sales = g_hash_table_lookup (table, key);

  if (sales == NULL)
    {
      sales = g_new0 (SbReportSales, 1);
      sales->key = g_strdup (key);
      g_hash_table_insert (table, sales->key, sales);
    }
  sales->seats += seats;
  sales->gross += gross;
}

static int
compare_sales (gconstpointer a, gconstpointer b)
{
  const SbReportSales *x = *(const SbReportSales *const *) a;
  const SbReportSales *y = *(const SbReportSales *const *) b;

  return strcmp (x->key, y->key);
}

/* The table's entries, sorted by key ("YYYY-MM-DD" sorts by date); the table gives them up. */
static GPtrArray *
sorted_sales (GHashTable *table)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) report_sales_free);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_ptr_array_add (out, value);
      g_hash_table_iter_steal (&iter);
    }
  g_ptr_array_sort (out, compare_sales);
  return out;
}

/* The four counts per category: every seat free unless the store's state says otherwise; a seat
 * the venue document blocks is blocked whatever the store holds (both stores write it at
 * create_event, as the live event shows it). */
static gboolean
count_seats (
    SbStore *self, const char *event_id, SbVenue *venue, SbEventReport *report, GError **error)
{
  g_autoptr (SbEventState) state = sb_store_load_event (self, event_id, error);
  guint n_seats = sb_venue_get_n_seats (venue);
  g_autofree guint8 *states = NULL;

  if (state == NULL)
    return FALSE;
  states = g_new0 (guint8, n_seats); /* SB_SEAT_FREE is 0 */
  for (guint i = 0; i < state->seats->len; i++)
    {
      const SbSeatChange *seat = g_ptr_array_index (state->seats, i);
      guint index;

      if (sb_venue_lookup_seat (venue, seat->seat_id, &index))
        states[index] = (guint8) seat->state;
    }
  for (guint i = 0; i < n_seats; i++)
    {
      const SbSeat *seat = sb_venue_get_seat (venue, i);
      SbReportCategory *category = g_ptr_array_index (report->categories, seat->category);

      switch (seat->blocked ? SB_SEAT_BLOCKED : (SbSeatState) states[i])
        {
          case SB_SEAT_HELD:
            category->held++;
            break;
          case SB_SEAT_BOOKED:
            category->sold++;
            break;
          case SB_SEAT_BLOCKED:
            category->blocked++;
            break;
          case SB_SEAT_FREE:
          default:
            category->free++;
            break;
        }
    }
  return TRUE;
}

SbEventReport *
sb_store_report (
    SbStore *self, const char *event_id, SbVenue *venue, const char *time_zone, GError **error)
{
  SbStoreInterface *iface;
  g_autoptr (SbEventReport) report = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GHashTable) days = NULL;
  g_autoptr (GHashTable) accounts = NULL;
  gint64 refunded = 0;

  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (event_id != NULL, NULL);
  g_return_val_if_fail (SB_IS_VENUE (venue), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = SB_STORE_GET_IFACE (self);
  if (iface->read_sales == NULL)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "This store cannot report sales");
      return NULL;
    }

  report = g_new0 (SbEventReport, 1);
  report->event_id = g_strdup (event_id);
  report->currency = g_strdup (sb_venue_get_currency (venue));
  report->time_zone = g_strdup (time_zone != NULL ? time_zone : "UTC");
  report->n_seats = sb_venue_get_n_seats (venue);
  report->categories = g_ptr_array_new_with_free_func ((GDestroyNotify) report_category_free);
  for (guint i = 0; i < sb_venue_get_n_categories (venue); i++)
    {
      const SbCategory *venue_category = sb_venue_get_category (venue, i);
      SbReportCategory *category = g_new0 (SbReportCategory, 1);

      category->category_id = g_strdup (venue_category->id);
      category->price = venue_category->price;
      g_ptr_array_add (report->categories, category);
    }
  if (!count_seats (self, event_id, venue, report, error))
    return NULL;

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_sale_row_free);
  if (!iface->read_sales (self, event_id, report->time_zone, rows, &refunded, error))
    return NULL;
  days = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) report_sales_free);
  accounts
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) report_sales_free);
  for (guint i = 0; i < rows->len; i++)
    {
      const SbSaleRow *row = g_ptr_array_index (rows, i);
      gint64 gross = 0;
      guint index;

      /* Venues never change under an event: every seat sold is in it. */
      if (sb_venue_lookup_seat (venue, row->seat_id, &index))
        gross = row->count
                * sb_venue_get_category (venue, sb_venue_get_seat (venue, index)->category)->price;
      report->gross += gross;
      add_sales (days, row->day, row->count, gross);
      add_sales (accounts, row->account != NULL ? row->account : SB_LEGACY_ACCOUNT, row->count,
                 gross);
    }
  report->refunded = refunded;
  report->net = report->gross - refunded;
  report->days = sorted_sales (days);
  report->accounts = sorted_sales (accounts);
  return g_steal_pointer (&report);
}

static void
add_message_sales (GPtrArray *to, const GPtrArray *from)
{
  for (guint i = 0; i < from->len; i++)
    {
      const SbReportSales *sales = g_ptr_array_index (from, i);

      sb_report_message_add_sales (to, sales->key, sales->seats, sales->gross);
    }
}

SbReportMessage *
sb_event_report_to_message (const SbEventReport *report)
{
  SbReportMessage *message;

  g_return_val_if_fail (report != NULL, NULL);

  message = sb_report_message_new ();
  message->event = g_strdup (report->event_id);
  message->currency = g_strdup (report->currency);
  message->seats = report->n_seats;
  for (guint i = 0; i < report->categories->len; i++)
    {
      const SbReportCategory *c = g_ptr_array_index (report->categories, i);

      sb_report_message_add_category (message, c->category_id, c->price, c->sold, c->held, c->free,
                                      c->blocked);
    }
  message->gross = report->gross;
  message->refunded = report->refunded;
  message->net = report->net;
  message->time_zone = g_strdup (report->time_zone);
  add_message_sales (message->days, report->days);
  add_message_sales (message->accounts, report->accounts);
  return message;
}
