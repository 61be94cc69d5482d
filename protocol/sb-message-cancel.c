/* sb-message-cancel.c: moved, cancelled, blocked and unblocked (sb-message-cancel.h). */
#include "sb-message-cancel.h"

#include "sb-json-writer.h"
#include "sb-message-private.h"

/* ---- Reading ------------------------------------------------------------------------------- */

static const SbFieldSpec refund_fields[] = {
  SB_FIELD (SbCancelledMessage, refund_kind, "kind", SB_FIELD_REFUND_KIND, TRUE),
  SB_FIELD (SbCancelledMessage, refund_amount, "amount", SB_FIELD_INT, TRUE),
};

static const SbStructSpec refund_spec = {
  "refund", 0, refund_fields, G_N_ELEMENTS (refund_fields), NULL, NULL,
};

static const SbFieldSpec cancelled_fields[] = {
  SB_FIELD (SbCancelledMessage, booking, "booking", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbCancelledMessage, event, "event", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbCancelledMessage, seats, "seats", SB_FIELD_STRV, TRUE),
  SB_FIELD_NESTED ("refund", TRUE, &refund_spec),
  SB_FIELD (SbCancelledMessage, remaining_seats, "remaining_seats", SB_FIELD_STRV, TRUE),
  SB_FIELD (SbCancelledMessage, state, "state", SB_FIELD_STRING, TRUE),
};

const SbStructSpec _sb_cancelled_message_spec = {
  "cancelled", sizeof (SbCancelledMessage), cancelled_fields, G_N_ELEMENTS (cancelled_fields), NULL,
  NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbCancelledMessage, sb_cancelled_message)

static const SbFieldSpec blocked_fields[] = {
  SB_FIELD (SbBlockedMessage, event, "event", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbBlockedMessage, seats, "seats", SB_FIELD_STRV, TRUE),
};

/* Errors name the message by its type ("blocked.seats" or "unblocked.seats"), from the root. */
const SbStructSpec _sb_blocked_message_spec = {
  "blocked", sizeof (SbBlockedMessage), blocked_fields, G_N_ELEMENTS (blocked_fields), NULL, NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbBlockedMessage, sb_blocked_message)

static const SbFieldSpec moved_fields[] = {
  SB_FIELD (SbMovedMessage, booking, "booking", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbMovedMessage, event, "event", SB_FIELD_STRING, TRUE),
  SB_FIELD (SbMovedMessage, from, "from", SB_FIELD_STRV, TRUE),
  SB_FIELD (SbMovedMessage, to, "to", SB_FIELD_STRV, TRUE),
  SB_FIELD (SbMovedMessage, seats, "seats", SB_FIELD_STRV, TRUE),
  SB_FIELD (SbMovedMessage, total_before, "total_before", SB_FIELD_INT, TRUE),
  SB_FIELD (SbMovedMessage, total_after, "total_after", SB_FIELD_INT, TRUE),
  SB_FIELD (SbMovedMessage, difference, "difference", SB_FIELD_INT, TRUE),
  SB_FIELD (SbMovedMessage, currency, "currency", SB_FIELD_STRING, TRUE),
};

const SbStructSpec _sb_moved_message_spec = {
  "moved", sizeof (SbMovedMessage), moved_fields, G_N_ELEMENTS (moved_fields), NULL, NULL,
};

SB_MESSAGE_DEFINE_STRUCT (SbMovedMessage, sb_moved_message)

/* ---- Writing ------------------------------------------------------------------------------- */

void
sb_cancelled_message_write (GString *out,
                            const char *re,
                            const char *booking,
                            const char *event,
                            const char *const *seats,
                            SbRefundKind refund_kind,
                            gint64 refund_amount,
                            const char *const *remaining_seats,
                            gboolean replayed)
{
  static const char *const none[] = { NULL };

  g_return_if_fail (out != NULL);

  if (remaining_seats == NULL)
    remaining_seats = none;
  g_string_append (out, "{\"type\":\"cancelled\",\"re\":");
  sb_json_write_string_or_null (out, re);
  g_string_append (out, ",\"booking\":");
  sb_json_write_string_or_null (out, booking);
  g_string_append (out, ",\"event\":");
  sb_json_write_string_or_null (out, event);
  g_string_append (out, ",\"seats\":");
  sb_json_write_string_array (out, seats != NULL ? seats : none);
  g_string_append (out, ",\"refund\":{\"kind\":");
  sb_json_write_string_or_null (out, sb_refund_kind_to_string (refund_kind));
  g_string_append_printf (out, ",\"amount\":%" G_GINT64_FORMAT "}", refund_amount);
  g_string_append (out, ",\"remaining_seats\":");
  sb_json_write_string_array (out, remaining_seats);
  g_string_append (out, ",\"state\":");
  sb_json_write_string (out, remaining_seats[0] == NULL ? "cancelled" : "active");
  _sb_message_write_end (out, replayed);
}

void
sb_blocked_message_write (GString *out,
                          gboolean unblocked,
                          const char *re,
                          const char *event,
                          const char *const *seats,
                          gboolean replayed)
{
  static const char *const none[] = { NULL };

  g_return_if_fail (out != NULL);

  g_string_append (out,
                   unblocked ? "{\"type\":\"unblocked\",\"re\":" : "{\"type\":\"blocked\",\"re\":");
  sb_json_write_string_or_null (out, re);
  g_string_append (out, ",\"event\":");
  sb_json_write_string_or_null (out, event);
  g_string_append (out, ",\"seats\":");
  sb_json_write_string_array (out, seats != NULL ? seats : none);
  _sb_message_write_end (out, replayed);
}

void
sb_moved_message_write (GString *out,
                        const char *re,
                        const char *booking,
                        const char *event,
                        const char *const *from,
                        const char *const *to,
                        const char *const *seats,
                        gint64 total_before,
                        gint64 total_after,
                        const char *currency,
                        gboolean replayed)
{
  static const char *const none[] = { NULL };

  g_return_if_fail (out != NULL);

  g_string_append (out, "{\"type\":\"moved\",\"re\":");
  sb_json_write_string_or_null (out, re);
  g_string_append (out, ",\"booking\":");
  sb_json_write_string_or_null (out, booking);
  g_string_append (out, ",\"event\":");
  sb_json_write_string_or_null (out, event);
  g_string_append (out, ",\"from\":");
  sb_json_write_string_array (out, from != NULL ? from : none);
  g_string_append (out, ",\"to\":");
  sb_json_write_string_array (out, to != NULL ? to : none);
  g_string_append (out, ",\"seats\":");
  sb_json_write_string_array (out, seats != NULL ? seats : none);
  g_string_append_printf (out,
                          ",\"total_before\":%" G_GINT64_FORMAT ",\"total_after\":%" G_GINT64_FORMAT
                          ",\"difference\":%" G_GINT64_FORMAT,
                          total_before, total_after, total_after - total_before);
  g_string_append (out, ",\"currency\":");
  sb_json_write_string_or_null (out, currency);
  _sb_message_write_end (out, replayed);
}
