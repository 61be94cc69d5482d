/* sb-message-bookings.c: the `bookings` reply (sb-message-bookings.h). */
#include "sb-message-bookings.h"

#include "sb-json-writer.h"
#include "sb-message-private.h"

/* ---- Reading ------------------------------------------------------------------------------- */

/* "customer": the members of the entry's embedded SbCustomer; null leaves them NULL. */
static const SbFieldSpec customer_fields[] = {
  SB_FIELD (SbBookingEntry, customer.name, "name", SB_FIELD_STRING, FALSE),
  SB_FIELD (SbBookingEntry, customer.phone, "phone", SB_FIELD_STRING, FALSE),
  SB_FIELD (SbBookingEntry, customer.email, "email", SB_FIELD_STRING, FALSE),
  SB_FIELD (SbBookingEntry, customer.note, "note", SB_FIELD_STRING, FALSE),
};

static const SbStructSpec customer_spec = {
  "customer", 0, customer_fields, G_N_ELEMENTS (customer_fields), NULL, NULL,
};

static const SbFieldSpec booking_entry_fields[] = {
  SB_FIELD (SbBookingEntry, reference, "reference", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbBookingEntry, seats, "seats", SB_FIELD_STRV, TRUE),
  SB_FIELD (SbBookingEntry, account, "account", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbBookingEntry, desk, "desk", SB_FIELD_STRING, TRUE),
  SB_FIELD_NESTED_OR_NULL ("customer", TRUE, &customer_spec),
  SB_FIELD (SbBookingEntry, booked_at, "booked_at", SB_FIELD_INT, TRUE),
  SB_FIELD (SbBookingEntry, total_price, "total_price", SB_FIELD_INT, TRUE),
  SB_FIELD (SbBookingEntry, state, "state", SB_FIELD_STRING, TRUE),
};

const SbStructSpec _sb_booking_entry_spec = {
  "bookings",
  sizeof (SbBookingEntry),
  booking_entry_fields,
  G_N_ELEMENTS (booking_entry_fields),
  (GDestroyNotify) sb_booking_entry_free,
  (GBoxedCopyFunc) sb_booking_entry_copy,
};

SB_MESSAGE_DEFINE_STRUCT (SbBookingEntry, sb_booking_entry)

static const SbFieldSpec bookings_fields[] = {
  SB_FIELD (SbBookingsMessage, event, "event", SB_FIELD_STRING, TRUE),
  SB_FIELD_WITH_SPEC (
      SbBookingsMessage, bookings, "bookings", SB_FIELD_ARRAY, TRUE, &_sb_booking_entry_spec),
  SB_FIELD (SbBookingsMessage, next, "next", SB_FIELD_STRING_OR_NULL, TRUE),
};

const SbStructSpec _sb_bookings_message_spec = {
  "bookings", sizeof (SbBookingsMessage), bookings_fields, G_N_ELEMENTS (bookings_fields), NULL,
  NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbBookingsMessage, sb_bookings_message)

/* ---- Writing ------------------------------------------------------------------------------- */

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
