/* sb-store-bookings.c: the SbStore's find_bookings (sb-store-bookings.h): the keys are folded here,
 * once for every backend, as sb-customer.c folded the stored ones. */
#include "config.h"

#include "sb-store-bookings.h"

SbBookingRecord *
sb_booking_record_new (const char *booking_id,
                       const char *event_id,
                       const char *desk,
                       const char *account,
                       char **seat_ids,
                       SbCustomer *customer,
                       gint64 booked_at_ms)
{
  SbBookingRecord *record = g_new0 (SbBookingRecord, 1);

  record->booking_id = g_strdup (booking_id);
  record->event_id = g_strdup (event_id);
  record->desk = g_strdup (desk != NULL ? desk : "");
  record->account = g_strdup (account != NULL ? account : SB_LEGACY_ACCOUNT);
  record->seat_ids = seat_ids != NULL ? seat_ids : g_new0 (char *, 1);
  record->customer = customer;
  record->booked_at_ms = booked_at_ms;
  record->state = g_strdup ("booked");
  return record;
}

void
sb_booking_record_set_stored_status (SbBookingRecord *record, const char *status)
{
  g_return_if_fail (record != NULL);

  g_free (record->state);
  record->state = g_strdup (g_strcmp0 (status, "cancelled") == 0 ? "cancelled" : "booked");
}

void
sb_booking_record_free (SbBookingRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->booking_id);
  g_free (record->event_id);
  g_free (record->desk);
  g_free (record->account);
  g_strfreev (record->seat_ids);
  sb_customer_free (record->customer);
  g_free (record->state);
  g_free (record);
}

gint64
sb_booking_record_total_price (const SbBookingRecord *record, SbVenue *venue)
{
  gint64 total = 0;

  g_return_val_if_fail (record != NULL, 0);
  g_return_val_if_fail (venue != NULL, 0);

  for (guint i = 0; record->seat_ids[i] != NULL; i++)
    {
      guint index;

      /* Venues never change under an event: every booked seat is in it. */
      if (sb_venue_lookup_seat (venue, record->seat_ids[i], &index))
        total += sb_venue_get_category (venue, sb_venue_get_seat (venue, index)->category)->price;
    }
  return total;
}

static char *
key_of (const SbBookingQuery *query)
{
  switch (query->by)
    {
      case SB_BOOKING_SEARCH_REFERENCE:
        /* References are upper case ("B7K3QX9M"): one read out over the phone may not be. */
        return g_ascii_strup (query->value, -1);
      case SB_BOOKING_SEARCH_NAME:
        return sb_customer_fold (query->value);
      case SB_BOOKING_SEARCH_PHONE:
        return sb_customer_phone_key (query->value);
      case SB_BOOKING_SEARCH_EMAIL:
        return sb_customer_email_key (query->value);
      case SB_BOOKING_SEARCH_SEAT:
        return g_strdup (query->value);
      case SB_BOOKING_SEARCH_ALL:
      default:
        return NULL;
    }
}

GPtrArray *
sb_store_find_bookings (SbStore *self, const SbBookingQuery *query, char **out_next, GError **error)
{
  SbStoreInterface *iface;
  SbBookingQuery keyed;
  g_autofree char *key = NULL;
  g_autoptr (GPtrArray) found = NULL;

  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL && query->event_id != NULL, NULL);
  g_return_val_if_fail (query->by == SB_BOOKING_SEARCH_ALL || query->value != NULL, NULL);
  g_return_val_if_fail (query->limit >= 1 && query->limit <= SB_MAX_FIND_LIMIT, NULL);
  g_return_val_if_fail (out_next != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *out_next = NULL;
  iface = SB_STORE_GET_IFACE (self);
  if (iface->find_bookings == NULL)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "This store cannot find bookings");
      return NULL;
    }
  key = key_of (query);
  /* A name or phone with nothing to compare finds nothing (the parser refuses those anyway). */
  if (query->by != SB_BOOKING_SEARCH_ALL && key == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) sb_booking_record_free);

  keyed = *query;
  keyed.key = key;
  keyed.limit = query->limit + 1;
  found = iface->find_bookings (self, &keyed, error);
  if (found == NULL)
    return NULL;
  if (found->len > query->limit)
    {
      g_ptr_array_set_size (found, query->limit);
      *out_next = g_strdup (
          ((SbBookingRecord *) g_ptr_array_index (found, query->limit - 1))->booking_id);
    }
  return g_steal_pointer (&found);
}
