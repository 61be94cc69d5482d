/* sb-message-bookings.c: the `bookings` reply (sb-message-bookings.h). */
#include "sb-message-bookings.h"

#include "sb-json-writer.h"

void
sb_bookings_message_write_begin (GString *out, const char *re, const char *event)
{
  g_return_if_fail (out != NULL);

  g_string_append (out, "{\"type\":\"bookings\",\"re\":");
  sb_json_write_string_or_null (out, re);
  g_string_append (out, ",\"event\":");
  sb_json_write_string_or_null (out, event);
  g_string_append (out, ",\"bookings\":[");
}

void
sb_bookings_entry_write (GString *out,
                         const char *reference,
                         const char *const *seats,
                         const char *account,
                         const char *desk,
                         const SbCustomer *customer,
                         gint64 booked_at,
                         gint64 total_price,
                         const char *state)
{
  static const char *const no_seats[] = { NULL };

  g_return_if_fail (out != NULL);

  sb_json_write_item_separator (out);
  g_string_append (out, "{\"reference\":");
  sb_json_write_string_or_null (out, reference);
  g_string_append (out, ",\"seats\":");
  sb_json_write_string_array (out, seats != NULL ? seats : no_seats);
  g_string_append (out, ",\"account\":");
  sb_json_write_string_or_null (out, account);
  g_string_append (out, ",\"desk\":");
  sb_json_write_string (out, desk != NULL ? desk : "");
  g_string_append (out, ",\"customer\":");
  sb_customer_write (out, customer);
  g_string_append_printf (
      out, ",\"booked_at\":%" G_GINT64_FORMAT ",\"total_price\":%" G_GINT64_FORMAT ",\"state\":",
      booked_at, total_price);
  sb_json_write_string_or_null (out, state);
  g_string_append_c (out, '}');
}

void
sb_bookings_message_write_end (GString *out, const char *next)
{
  g_return_if_fail (out != NULL);

  g_string_append (out, "],\"next\":");
  sb_json_write_string_or_null (out, next);
  g_string_append_c (out, '}');
}
