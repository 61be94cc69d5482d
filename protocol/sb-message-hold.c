/* sb-message-hold.c: held / extended, released and booked (sb-message-hold.h). These are written
 * once per state-changing request, on the server's hot path: one pass, no allocation but the
 * GString's. */
#include "sb-message-private.h"

#include "sb-json-writer.h"

/* ---- held / extended ----------------------------------------------------------------------- */

static const SbFieldSpec hold_message_fields[] = {
  SB_FIELD (SbHoldMessage, info.hold, "hold", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbHoldMessage, info.event, "event", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbHoldMessage, info.seats, "seats", SB_FIELD_STRV, TRUE),
  SB_FIELD (SbHoldMessage, info.expires_at, "expires_at", SB_FIELD_INT, TRUE),
  SB_FIELD (SbHoldMessage, info.remaining_ms, "remaining_ms", SB_FIELD_INT, TRUE),
  SB_FIELD (SbHoldMessage, server_time, "server_time", SB_FIELD_INT, TRUE),
  SB_FIELD (SbHoldMessage, lone_seat, "lone_seat", SB_FIELD_STRING, FALSE),
};

const SbStructSpec _sb_hold_message_spec = {
  "held", sizeof (SbHoldMessage), hold_message_fields, G_N_ELEMENTS (hold_message_fields), NULL,
  NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbHoldMessage, sb_hold_message)

/* `,"<id_key>":…,"event":…,"seats":[…]`: what every successful op reply says first. */
static void
write_subject (GString *out,
               const char *id_member,
               const char *id,
               const char *event,
               const char *const *seats)
{
  g_string_append (out, id_member);
  sb_json_write_string_or_null (out, id);
  g_string_append (out, ",\"event\":");
  sb_json_write_string_or_null (out, event);
  g_string_append (out, ",\"seats\":");
  sb_json_write_string_array (out, seats);
}

void
sb_hold_message_write (GString *out,
                       SbMessageType type,
                       const char *re,
                       const char *hold,
                       const char *event,
                       const char *const *seats,
                       gint64 expires_at,
                       gint64 server_time,
                       gboolean replayed)
{
  g_return_if_fail (type == SB_MESSAGE_HELD || type == SB_MESSAGE_EXTENDED);

  _sb_message_write_begin (out, type, re);
  write_subject (out, ",\"hold\":", hold, event, seats);
  g_string_append_printf (out,
                          ",\"expires_at\":%" G_GINT64_FORMAT ",\"remaining_ms\":%" G_GINT64_FORMAT
                          ",\"server_time\":%" G_GINT64_FORMAT,
                          expires_at, MAX (0, expires_at - server_time), server_time);
  _sb_message_write_end (out, replayed);
}

/* ---- released ------------------------------------------------------------------------------ */

static const SbFieldSpec released_fields[] = {
  SB_FIELD (SbReleasedMessage, hold, "hold", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbReleasedMessage, event, "event", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbReleasedMessage, seats, "seats", SB_FIELD_STRV, TRUE),
  SB_FIELD (SbReleasedMessage, remaining_seats, "remaining_seats", SB_FIELD_STRV, FALSE),
  SB_FIELD (SbReleasedMessage, lone_seat, "lone_seat", SB_FIELD_STRING, FALSE),
};

const SbStructSpec _sb_released_message_spec = {
  "released", sizeof (SbReleasedMessage), released_fields, G_N_ELEMENTS (released_fields), NULL,
  NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbReleasedMessage, sb_released_message)

void
sb_released_message_write (GString *out,
                           const char *re,
                           const char *hold,
                           const char *event,
                           const char *const *seats,
                           gboolean replayed)
{
  _sb_message_write_begin (out, SB_MESSAGE_RELEASED, re);
  write_subject (out, ",\"hold\":", hold, event, seats);
  _sb_message_write_end (out, replayed);
}

/* ---- booked -------------------------------------------------------------------------------- */

static const SbFieldSpec booked_fields[] = {
  SB_FIELD (SbBookedMessage, booking, "booking", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbBookedMessage, event, "event", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbBookedMessage, seats, "seats", SB_FIELD_STRV, TRUE),
  SB_FIELD (SbBookedMessage, lone_seat, "lone_seat", SB_FIELD_STRING, FALSE),
};

const SbStructSpec _sb_booked_message_spec = {
  "booked", sizeof (SbBookedMessage), booked_fields, G_N_ELEMENTS (booked_fields), NULL, NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbBookedMessage, sb_booked_message)

void
sb_booked_message_write (GString *out,
                         const char *re,
                         const char *booking,
                         const char *event,
                         const char *const *seats,
                         gboolean replayed)
{
  _sb_message_write_begin (out, SB_MESSAGE_BOOKED, re);
  write_subject (out, ",\"booking\":", booking, event, seats);
  _sb_message_write_end (out, replayed);
}

void
sb_message_add_lone_seat (GString *out, const char *seat)
{
  g_autoptr (GString) member = g_string_new (",\"lone_seat\":");

  g_return_if_fail (out != NULL && out->len > 0 && out->str[out->len - 1] == '}');
  g_return_if_fail (seat != NULL);

  /* Before the closing brace of the message. */
  sb_json_write_string (member, seat);
  g_string_insert_len (out, out->len - 1, member->str, member->len);
}

void
sb_message_add_remaining_seats (GString *out, const char *const *seats)
{
  g_autoptr (GString) member = g_string_new (",\"remaining_seats\":");

  g_return_if_fail (out != NULL && out->len > 0 && out->str[out->len - 1] == '}');
  g_return_if_fail (seats != NULL);

  /* Before the closing brace of the message. */
  sb_json_write_string_array (member, seats);
  g_string_insert_len (out, out->len - 1, member->str, member->len);
}

void
sb_message_add_customer (GString *out, const SbCustomer *customer)
{
  g_autoptr (GString) member = g_string_new (",\"customer\":");

  g_return_if_fail (out != NULL && out->len > 0 && out->str[out->len - 1] == '}');
  g_return_if_fail (customer != NULL);

  sb_customer_write (member, customer);
  g_string_insert_len (out, out->len - 1, member->str, member->len);
}
