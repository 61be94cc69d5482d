/* sb-message.c: reading any server message into its typed form (sb-message.h). */
#include "sb-message-private.h"

#include <string.h>

/* The quark's name is stringified as written: keep clang-format off it. */
/* clang-format off */
G_DEFINE_QUARK (sb-message-read-error-quark, sb_message_read_error)
/* clang-format on */

/* The body of each type; held and extended share one. */
static const SbStructSpec *const body_specs[SB_MESSAGE_N_TYPES] = {
  [SB_MESSAGE_WELCOME] = &_sb_welcome_message_spec,
  [SB_MESSAGE_EVENTS] = &_sb_events_message_spec,
  [SB_MESSAGE_SNAPSHOT] = &_sb_snapshot_message_spec,
  [SB_MESSAGE_REPLAY] = &_sb_replay_message_spec,
  [SB_MESSAGE_UNSUBSCRIBED] = &_sb_unsubscribed_message_spec,
  [SB_MESSAGE_HELD] = &_sb_hold_message_spec,
  [SB_MESSAGE_EXTENDED] = &_sb_hold_message_spec,
  [SB_MESSAGE_RELEASED] = &_sb_released_message_spec,
  [SB_MESSAGE_BOOKED] = &_sb_booked_message_spec,
  [SB_MESSAGE_PONG] = &_sb_pong_message_spec,
  [SB_MESSAGE_CHANGED] = &_sb_changed_message_spec,
  [SB_MESSAGE_ERROR] = &_sb_error_message_spec,
  [SB_MESSAGE_SIGNED_IN] = &_sb_signed_in_message_spec,
  [SB_MESSAGE_SIGNED_OUT] = &_sb_signed_out_message_spec,
  [SB_MESSAGE_AUDIT_LOG] = &_sb_audit_log_message_spec,
  [SB_MESSAGE_REPORT] = &_sb_report_message_spec,
  [SB_MESSAGE_BOOKINGS] = &_sb_bookings_message_spec,
  [SB_MESSAGE_CANCELLED] = &_sb_cancelled_message_spec,
  [SB_MESSAGE_BLOCKED] = &_sb_blocked_message_spec,
  [SB_MESSAGE_UNBLOCKED] = &_sb_blocked_message_spec,
  [SB_MESSAGE_MOVED] = &_sb_moved_message_spec,
  [SB_MESSAGE_EVENT_CREATED] = &_sb_events_message_spec,
  [SB_MESSAGE_SALES_CLOSED] = &_sb_sales_closed_message_spec,
};

G_DEFINE_BOXED_TYPE (SbMessage, sb_message, sb_message_copy, sb_message_free)

void
sb_message_free (SbMessage *message)
{
  if (message == NULL)
    return;
  _sb_message_free_struct (body_specs[message->type], message->body);
  g_free (message->re);
  g_free (message);
}

SbMessage *
sb_message_copy (const SbMessage *message)
{
  g_return_val_if_fail (message != NULL, NULL);

  SbMessage *copy = g_new0 (SbMessage, 1);
  copy->type = message->type;
  copy->re = g_strdup (message->re);
  copy->replayed = message->replayed;
  copy->body = _sb_message_copy_struct (body_specs[message->type], message->body);
  return copy;
}

/* The "type" of the object in @text. The server writes it first, so this usually reads one
 * member; anywhere else in the object it is still found. */
static gboolean
read_type (const char *text, gsize length, SbMessageType *out_type, GError **error)
{
  SbJsonReader reader;
  SbJsonValue value;
  gboolean ok = FALSE;
  const SbFieldPath path = { NULL, "type", -1 };

  sb_json_reader_init (&reader, text, length);
  if (!sb_json_reader_read_value (&reader, &value))
    {
      _sb_message_syntax_error (error, &reader);
      goto out;
    }
  if (value.type != SB_JSON_OBJECT)
    {
      g_set_error_literal (error, SB_MESSAGE_READ_ERROR, SB_MESSAGE_READ_ERROR_INVALID,
                           "a message must be a JSON object");
      goto out;
    }
  for (;;)
    {
      const char *name;
      gboolean more;

      if (!sb_json_reader_next_member (&reader, &more, &name, NULL))
        {
          _sb_message_syntax_error (error, &reader);
          goto out;
        }
      if (!more)
        {
          _sb_message_field_error (error, &path, "is missing");
          goto out;
        }
      if (strcmp (name, "type") != 0)
        {
          if (!sb_json_reader_skip_value (&reader))
            {
              _sb_message_syntax_error (error, &reader);
              goto out;
            }
          continue;
        }
      if (!sb_json_reader_read_value (&reader, &value))
        {
          _sb_message_syntax_error (error, &reader);
          goto out;
        }
      if (value.type != SB_JSON_STRING)
        {
          _sb_message_field_error (error, &path, "must be a string");
          goto out;
        }
      if (!sb_message_type_from_string (value.s, out_type))
        {
          g_set_error (error, SB_MESSAGE_READ_ERROR, SB_MESSAGE_READ_ERROR_UNKNOWN_TYPE,
                       "unknown message type \"%s\"", value.s);
          goto out;
        }
      ok = TRUE;
      goto out;
    }

out:
  sb_json_reader_clear (&reader);
  return ok;
}

/* The members every message may have besides its body's: "type", "re", "replayed". */
typedef enum
{
  COMMON_TYPE = 1 << 0,
  COMMON_RE = 1 << 1,
  COMMON_REPLAYED = 1 << 2,
} CommonSeen;

static gboolean
read_common (SbJsonReader *reader,
             SbMessage *message,
             const char *name,
             guint *seen,
             const SbFieldPath *root,
             gboolean *handled,
             GError **error)
{
  SbJsonValue value;
  guint bit;

  if (strcmp (name, "type") == 0)
    bit = COMMON_TYPE;
  else if (strcmp (name, "re") == 0 && message->type != SB_MESSAGE_CHANGED)
    bit = COMMON_RE;
  else if (strcmp (name, "replayed") == 0)
    bit = COMMON_REPLAYED;
  else
    {
      *handled = FALSE;
      return TRUE;
    }

  SbFieldPath path = { root, name, -1 };
  *handled = TRUE;
  if (*seen & bit)
    return _sb_message_field_error (error, &path, "appears twice");
  *seen |= bit;
  if (!sb_json_reader_read_value (reader, &value))
    return _sb_message_syntax_error (error, reader);

  switch (bit)
    {
      case COMMON_TYPE:
        /* Already read by read_type (). */
        return TRUE;
      case COMMON_RE:
        {
          /* null: an error to a request that could not be read, an `unsubscribed` nobody
           * asked for (the session ended) or an `events` nobody asked for (the list changed;
           * docs/protocol.md). */
          gboolean may_be_null = message->type == SB_MESSAGE_ERROR
                                 || message->type == SB_MESSAGE_UNSUBSCRIBED
                                 || message->type == SB_MESSAGE_EVENTS;

          if (value.type == SB_JSON_STRING)
            message->re = g_strndup (value.s, value.n);
          else if (value.type != SB_JSON_NULL || !may_be_null)
            return _sb_message_field_error (
                error, &path, may_be_null ? "must be a string or null" : "must be a string");
          return TRUE;
        }
      case COMMON_REPLAYED:
        if (value.type != SB_JSON_BOOLEAN)
          return _sb_message_field_error (error, &path, "must be true or false");
        message->replayed = value.b;
        return TRUE;
      default:
        g_assert_not_reached ();
    }
}

SbMessage *
sb_message_parse (const char *text, gsize length, GError **error)
{
  SbMessageType type;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!read_type (text, length, &type, error))
    return NULL;

  const SbStructSpec *spec = body_specs[type];
  g_autoptr (SbMessage) message = g_new0 (SbMessage, 1);
  message->type = type;
  message->body = g_malloc0 (spec->size);

  /* Errors name the field from the message type on: "held.seats[1]". */
  const SbFieldPath root = { NULL, sb_message_type_to_string (type), -1 };
  SbJsonReader reader;
  SbJsonValue value;
  guint common_seen = 0;
  guint32 seen = 0;
  gboolean ok = FALSE;

  sb_json_reader_init (&reader, text, length);
  /* read_type () has seen an object. */
  if (!sb_json_reader_read_value (&reader, &value))
    goto syntax;
  for (;;)
    {
      const char *name;
      gboolean more, handled;

      if (!sb_json_reader_next_member (&reader, &more, &name, NULL))
        goto syntax;
      if (!more)
        break;
      if (!read_common (&reader, message, name, &common_seen, &root, &handled, error))
        goto out;
      if (!handled
          && !_sb_message_read_member (&reader, spec, message->body, name, &seen, &root, &handled,
                                       error))
        goto out;
      /* Clients ignore members they do not know (docs/protocol.md, Conventions). */
      if (!handled && !sb_json_reader_skip_value (&reader))
        goto syntax;
    }
  if (!sb_json_reader_finish (&reader))
    goto syntax;

  /* Every reply echoes its request's id; only an error's, an unsubscribed's or an events' may be
   * null. */
  if (type != SB_MESSAGE_CHANGED && !(common_seen & COMMON_RE))
    {
      const SbFieldPath path = { &root, "re", -1 };
      _sb_message_field_error (error, &path, "is missing");
      goto out;
    }
  ok = _sb_message_check_required (spec, seen, &root, error);
  goto out;

syntax:
  _sb_message_syntax_error (error, &reader);
out:
  sb_json_reader_clear (&reader);
  return ok ? g_steal_pointer (&message) : NULL;
}
