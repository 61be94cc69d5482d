/* sb-op.c: SbOp, SbChange and their JSON encodings, shared by every store backend.
 *
 * The encoders write JSON by hand into a GString rather than through JsonBuilder: every committed
 * op is encoded twice (its idempotency record and its change log entry) on the store's hot path,
 * and the builder/generator round trip costs more than the SQL around it. Decoding happens only
 * on replays and restarts, so it uses json-glib. */
#include "sb-op.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sb-json-writer.h"

SbOp *
sb_op_new (SbOpKind kind, const char *event_id, const char *client_id, const char *request_id)
{
  SbOp *op = g_new0 (SbOp, 1);

  op->kind = kind;
  op->event_id = g_strdup (event_id);
  op->client_id = g_strdup (client_id);
  op->request_id = g_strdup (request_id);
  return op;
}

void
sb_op_clear_outcome (SbOp *op)
{
  g_return_if_fail (op != NULL);

  op->error = SB_ERROR_NONE;
  g_clear_pointer (&op->error_message, g_free);
  g_clear_pointer (&op->conflicting_seats, g_strfreev);
  g_clear_pointer (&op->result_hold_id, g_free);
  g_clear_pointer (&op->result_booking_id, g_free);
  g_clear_pointer (&op->result_seat_ids, g_strfreev);
  op->result_expires_at_ms = 0;
  op->replayed = FALSE;
  op->result_available = 0;
  g_clear_pointer (&op->result_lone_seat, g_free);
  g_clear_pointer (&op->result_customer, sb_customer_free);
  op->result_overrode = FALSE;
  op->result_refund.kind = SB_REFUND_NONE;
  op->result_refund.amount = 0;
  g_clear_pointer (&op->result_remaining_seats, g_strfreev);
  g_clear_pointer (&op->result_moved_from, g_strfreev);
  g_clear_pointer (&op->result_moved_to, g_strfreev);
  op->result_total_before = 0;
  op->result_total_after = 0;
  g_clear_pointer (&op->change, sb_change_free);
  g_clear_pointer (&op->earlier_changes, g_ptr_array_unref);
}

void
sb_op_free (SbOp *op)
{
  if (op == NULL)
    return;
  sb_op_clear_outcome (op);
  g_free (op->event_id);
  g_free (op->client_id);
  g_free (op->account);
  g_free (op->request_id);
  g_strfreev (op->seat_ids);
  g_free (op->hold_id);
  g_strfreev (op->best.categories);
  sb_customer_free (op->customer);
  g_free (op->booking_id);
  g_free (op->reason);
  g_strfreev (op->move_to);
  g_free (op);
}

const char *
sb_op_kind_to_string (SbOpKind kind)
{
  switch (kind)
    {
      case SB_OP_HOLD:
        return "hold";
      case SB_OP_EXTEND:
        return "extend";
      case SB_OP_RELEASE:
        return "release";
      case SB_OP_BOOK:
        return "book";
      case SB_OP_EXPIRE:
        return "expire";
      case SB_OP_HOLD_BEST:
        return "hold_best";
      case SB_OP_CANCEL:
        return "cancel";
      case SB_OP_BLOCK:
        return "block";
      case SB_OP_UNBLOCK:
        return "unblock";
      case SB_OP_MOVE:
        return "move";
      default:
        return "unknown";
    }
}

void
sb_op_set_error (SbOp *op, SbErrorCode code, const char *format, ...)
{
  va_list args;

  g_return_if_fail (op != NULL);
  g_return_if_fail (code != SB_ERROR_NONE);

  op->error = code;
  g_free (op->error_message);
  va_start (args, format);
  op->error_message = g_strdup_vprintf (format, args);
  va_end (args);
}

/* JSON writing helpers */

static void
append_key (GString *out, const char *key)
{
  if (out->len > 1)
    g_string_append_c (out, ',');
  sb_json_write_string_or_null (out, key);
  g_string_append_c (out, ':');
}

/* JSON reading helpers: they tolerate missing members (NULL / 0) and reject wrong types. */

static gboolean
read_string (JsonObject *object, const char *key, char **out, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "“%s” is not a string", key);
      return FALSE;
    }
  g_free (*out);
  *out = json_node_dup_string (node);
  return TRUE;
}

static gboolean
read_int (JsonObject *object, const char *key, gint64 *out, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "“%s” is not an integer", key);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_strv (JsonObject *object, const char *key, char ***out, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);
  JsonArray *array;
  g_autoptr (GStrvBuilder) builder = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "“%s” is not an array", key);
      return FALSE;
    }
  array = json_node_get_array (node);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "element %u of “%s” is not a string", i, key);
          return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (element));
    }
  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static JsonObject *
parse_object (const char *json, const char *what, JsonParser **out_parser, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local_error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      /* Keeps the parser's domain and code: only the text says what was being read. */
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "Invalid %s: ", what);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Invalid %s: not an object", what);
      return NULL;
    }
  *out_parser = g_steal_pointer (&parser);
  return json_node_get_object (root);
}

/* Outcome (idempotency record) */

char *
sb_op_outcome_to_json (const SbOp *op)
{
  GString *out;

  g_return_val_if_fail (op != NULL, NULL);

  out = g_string_sized_new (128);
  g_string_append_c (out, '{');
  append_key (out, "kind");
  sb_json_write_string_or_null (out, sb_op_kind_to_string (op->kind));
  /* Whose request this was: a replay is answered only to the same account. */
  append_key (out, "account");
  sb_json_write_string (out, op->account != NULL ? op->account : SB_LEGACY_ACCOUNT);
  if (op->event_id != NULL)
    {
      append_key (out, "event");
      sb_json_write_string_or_null (out, op->event_id);
    }
  if (op->error != SB_ERROR_NONE)
    {
      append_key (out, "error");
      sb_json_write_string_or_null (out, sb_error_code_to_string (op->error));
      append_key (out, "message");
      sb_json_write_string_or_null (out, op->error_message != NULL ? op->error_message : "");
    }
  if (op->conflicting_seats != NULL)
    {
      append_key (out, "conflicting_seats");
      sb_json_write_string_array (out, (const char *const *) op->conflicting_seats);
    }
  if (op->result_hold_id != NULL)
    {
      append_key (out, "hold");
      sb_json_write_string_or_null (out, op->result_hold_id);
    }
  if (op->result_booking_id != NULL)
    {
      append_key (out, "booking");
      sb_json_write_string_or_null (out, op->result_booking_id);
    }
  if (op->result_seat_ids != NULL)
    {
      append_key (out, "seats");
      sb_json_write_string_array (out, (const char *const *) op->result_seat_ids);
    }
  if (op->result_expires_at_ms != 0)
    {
      append_key (out, "expires_at");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, op->result_expires_at_ms);
    }
  if (op->error == SB_ERROR_NOT_ENOUGH_SEATS)
    {
      append_key (out, "available");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, op->result_available);
    }
  if (op->result_lone_seat != NULL)
    {
      append_key (out, "lone_seat");
      sb_json_write_string (out, op->result_lone_seat);
    }
  if (op->result_customer != NULL)
    {
      append_key (out, "customer");
      sb_customer_write (out, op->result_customer);
    }
  if (op->result_remaining_seats != NULL)
    {
      /* A cancellation's; a release of some seats has no refund. */
      if (op->kind == SB_OP_CANCEL)
        {
          append_key (out, "refund");
          sb_json_write_string (out, sb_refund_kind_to_string (op->result_refund.kind));
          append_key (out, "refund_amount");
          g_string_append_printf (out, "%" G_GINT64_FORMAT, op->result_refund.amount);
        }
      append_key (out, "remaining_seats");
      sb_json_write_string_array (out, (const char *const *) op->result_remaining_seats);
    }
  if (op->result_moved_to != NULL)
    {
      append_key (out, "moved_from");
      sb_json_write_string_array (out, (const char *const *) op->result_moved_from);
      append_key (out, "moved_to");
      sb_json_write_string_array (out, (const char *const *) op->result_moved_to);
      append_key (out, "total_before");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, op->result_total_before);
      append_key (out, "total_after");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, op->result_total_after);
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

gboolean
sb_op_outcome_from_json (SbOp *op, const char *json, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autofree char *error_code = NULL;
  g_autofree char *event_id = NULL;
  g_autofree char *refund = NULL;
  JsonObject *object;
  SbErrorCode code = SB_ERROR_NONE;

  g_return_val_if_fail (op != NULL, FALSE);
  g_return_val_if_fail (json != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  object = parse_object (json, "stored outcome", &parser, error);
  if (object == NULL)
    return FALSE;

  if (!read_string (object, "error", &error_code, error))
    return FALSE;
  if (error_code != NULL && !sb_error_code_from_string (error_code, &code))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Invalid stored outcome: unknown error code “%s”", error_code);
      return FALSE;
    }

  sb_op_clear_outcome (op);
  op->error = code;
  if (!read_string (object, "message", &op->error_message, error)
      || !read_strv (object, "conflicting_seats", &op->conflicting_seats, error)
      || !read_string (object, "hold", &op->result_hold_id, error)
      || !read_string (object, "booking", &op->result_booking_id, error)
      || !read_strv (object, "seats", &op->result_seat_ids, error)
      || !read_int (object, "expires_at", &op->result_expires_at_ms, error)
      || !read_int (object, "available", &op->result_available, error)
      || !read_string (object, "lone_seat", &op->result_lone_seat, error)
      || !read_string (object, "event", &event_id, error)
      || !read_string (object, "refund", &refund, error)
      || !read_int (object, "refund_amount", &op->result_refund.amount, error)
      || !read_strv (object, "remaining_seats", &op->result_remaining_seats, error)
      || !read_strv (object, "moved_from", &op->result_moved_from, error)
      || !read_strv (object, "moved_to", &op->result_moved_to, error)
      || !read_int (object, "total_before", &op->result_total_before, error)
      || !read_int (object, "total_after", &op->result_total_after, error))
    {
      sb_op_clear_outcome (op);
      return FALSE;
    }
  if (refund != NULL && !sb_refund_kind_from_string (refund, &op->result_refund.kind))
    {
      sb_op_clear_outcome (op);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Invalid stored outcome: unknown refund “%s”", refund);
      return FALSE;
    }
  if (code != SB_ERROR_NONE && op->error_message == NULL)
    op->error_message = g_strdup ("");
  /* The customer the booking was stored with, whatever a retry carries: the reply is the first. */
  if (json_object_has_member (object, "customer")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "customer")))
    op->result_customer
        = sb_customer_from_json_object (json_object_get_object_member (object, "customer"));

  /* extend/release/book by hold may arrive without an event id: the first run learned it from
   * the hold, and the replayed reply must name it too. */
  if (op->event_id == NULL)
    op->event_id = g_steal_pointer (&event_id);
  return TRUE;
}

gboolean
sb_op_outcome_read_account (const char *json, char **out_account, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autofree char *account = NULL;
  JsonObject *object;

  g_return_val_if_fail (json != NULL, FALSE);
  g_return_val_if_fail (out_account != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  object = parse_object (json, "stored outcome", &parser, error);
  if (object == NULL || !read_string (object, "account", &account, error))
    return FALSE;
  *out_account = g_steal_pointer (&account);
  return TRUE;
}

/* Seat changes, hold records, changes */

SbSeatChange *
sb_seat_change_new (const char *seat_id, SbSeatState state, const char *hold_id)
{
  SbSeatChange *change = g_new0 (SbSeatChange, 1);

  change->seat_id = g_strdup (seat_id);
  change->state = state;
  change->hold_id = g_strdup (hold_id);
  return change;
}

void
sb_seat_change_free (SbSeatChange *change)
{
  if (change == NULL)
    return;
  g_free (change->seat_id);
  g_free (change->hold_id);
  g_free (change);
}

SbHoldRecord *
sb_hold_record_new (const char *hold_id,
                    const char *event_id,
                    const char *client_id,
                    const char *const *seat_ids,
                    gint64 expires_at_ms)
{
  SbHoldRecord *hold = g_new0 (SbHoldRecord, 1);

  hold->hold_id = g_strdup (hold_id);
  hold->event_id = g_strdup (event_id);
  hold->client_id = g_strdup (client_id);
  hold->seat_ids = seat_ids != NULL ? g_strdupv ((char **) seat_ids) : g_new0 (char *, 1);
  hold->expires_at_ms = expires_at_ms;
  return hold;
}

SbHoldRecord *
sb_hold_record_new_owned (const char *hold_id,
                          const char *event_id,
                          const char *client_id,
                          const char *account,
                          const char *const *seat_ids,
                          gint64 expires_at_ms)
{
  SbHoldRecord *hold = sb_hold_record_new (hold_id, event_id, client_id, seat_ids, expires_at_ms);

  hold->account = g_strdup (account);
  return hold;
}

SbHoldRecord *
sb_hold_record_copy (const SbHoldRecord *hold)
{
  g_return_val_if_fail (hold != NULL, NULL);

  return sb_hold_record_new_owned (hold->hold_id, hold->event_id, hold->client_id, hold->account,
                                   (const char *const *) hold->seat_ids, hold->expires_at_ms);
}

void
sb_hold_record_free (SbHoldRecord *hold)
{
  if (hold == NULL)
    return;
  g_free (hold->hold_id);
  g_free (hold->event_id);
  g_free (hold->client_id);
  g_free (hold->account);
  g_strfreev (hold->seat_ids);
  g_free (hold);
}

SbChange *
sb_change_new (const char *event_id, gint64 version)
{
  SbChange *change = g_new0 (SbChange, 1);

  change->event_id = g_strdup (event_id);
  change->version = version;
  change->seats = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_seat_change_free);
  change->holds = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_hold_record_free);
  return change;
}

void
sb_change_free (SbChange *change)
{
  if (change == NULL)
    return;
  g_free (change->event_id);
  g_clear_pointer (&change->seats, g_ptr_array_unref);
  g_clear_pointer (&change->holds, g_ptr_array_unref);
  g_strfreev (change->ended_holds);
  g_free (change);
}

SbChange *
sb_change_copy (const SbChange *change)
{
  SbChange *copy;

  g_return_val_if_fail (change != NULL, NULL);

  copy = sb_change_new (change->event_id, change->version);
  for (guint i = 0; i < change->seats->len; i++)
    {
      const SbSeatChange *seat = g_ptr_array_index (change->seats, i);

      g_ptr_array_add (copy->seats, sb_seat_change_new (seat->seat_id, seat->state, seat->hold_id));
    }
  for (guint i = 0; i < change->holds->len; i++)
    g_ptr_array_add (copy->holds, sb_hold_record_copy (g_ptr_array_index (change->holds, i)));
  copy->ended_holds = g_strdupv (change->ended_holds);
  copy->committed_at_ms = change->committed_at_ms;
  return copy;
}

char *
sb_change_to_json (const SbChange *change)
{
  GString *out;

  g_return_val_if_fail (change != NULL, NULL);

  out = g_string_sized_new (256);
  g_string_append_c (out, '{');
  append_key (out, "event");
  sb_json_write_string_or_null (out, change->event_id);
  append_key (out, "version");
  g_string_append_printf (out, "%" G_GINT64_FORMAT, change->version);
  append_key (out, "committed_at");
  g_string_append_printf (out, "%" G_GINT64_FORMAT, change->committed_at_ms);

  append_key (out, "seats");
  g_string_append_c (out, '[');
  for (guint i = 0; change->seats != NULL && i < change->seats->len; i++)
    {
      const SbSeatChange *seat = g_ptr_array_index (change->seats, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"id\":");
      sb_json_write_string_or_null (out, seat->seat_id);
      g_string_append (out, ",\"state\":");
      sb_json_write_string_or_null (out, sb_seat_state_to_string (seat->state));
      if (seat->hold_id != NULL)
        {
          g_string_append (out, ",\"hold\":");
          sb_json_write_string_or_null (out, seat->hold_id);
        }
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');

  append_key (out, "holds");
  g_string_append_c (out, '[');
  for (guint i = 0; change->holds != NULL && i < change->holds->len; i++)
    {
      const SbHoldRecord *hold = g_ptr_array_index (change->holds, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"hold\":");
      sb_json_write_string_or_null (out, hold->hold_id);
      g_string_append (out, ",\"event\":");
      sb_json_write_string_or_null (out, hold->event_id);
      g_string_append (out, ",\"client\":");
      sb_json_write_string_or_null (out, hold->client_id);
      if (hold->account != NULL)
        {
          g_string_append (out, ",\"account\":");
          sb_json_write_string_or_null (out, hold->account);
        }
      g_string_append (out, ",\"seats\":");
      sb_json_write_string_array (out, (const char *const *) hold->seat_ids);
      g_string_append_printf (out, ",\"expires_at\":%" G_GINT64_FORMAT "}", hold->expires_at_ms);
    }
  g_string_append_c (out, ']');

  append_key (out, "ended_holds");
  sb_json_write_string_array (out, (const char *const *) change->ended_holds);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static gboolean
require_array (JsonObject *object, const char *key, JsonArray **out, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Invalid change: “%s” is not an array", key);
      return FALSE;
    }
  *out = json_node_get_array (node);
  return TRUE;
}

static JsonObject *
array_object (JsonArray *array, guint index, const char *key, GError **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Invalid change: element %u of “%s” is not an object", index, key);
      return NULL;
    }
  return json_node_get_object (node);
}

SbChange *
sb_change_from_json (const char *json, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (SbChange) change = NULL;
  g_autofree char *event_id = NULL;
  JsonObject *object;
  JsonArray *seats, *holds;
  gint64 version = -1;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = parse_object (json, "change", &parser, error);
  if (object == NULL)
    return NULL;
  if (!read_string (object, "event", &event_id, error)
      || !read_int (object, "version", &version, error))
    return NULL;
  if (event_id == NULL || version < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Invalid change: “event” or “version” missing");
      return NULL;
    }

  change = sb_change_new (event_id, version);
  if (!read_int (object, "committed_at", &change->committed_at_ms, error)
      || !read_strv (object, "ended_holds", &change->ended_holds, error)
      || !require_array (object, "seats", &seats, error)
      || !require_array (object, "holds", &holds, error))
    return NULL;
  /* An empty list is stored as [] but handed out as NULL, as the store produces it. */
  if (change->ended_holds != NULL && change->ended_holds[0] == NULL)
    g_clear_pointer (&change->ended_holds, g_strfreev);

  for (guint i = 0; seats != NULL && i < json_array_get_length (seats); i++)
    {
      JsonObject *seat = array_object (seats, i, "seats", error);
      g_autofree char *seat_id = NULL;
      g_autofree char *state_name = NULL;
      g_autofree char *hold_id = NULL;
      SbSeatState state;

      if (seat == NULL || !read_string (seat, "id", &seat_id, error)
          || !read_string (seat, "state", &state_name, error)
          || !read_string (seat, "hold", &hold_id, error))
        return NULL;
      if (seat_id == NULL || state_name == NULL || !sb_seat_state_from_string (state_name, &state))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Invalid change: bad seat entry %u", i);
          return NULL;
        }
      g_ptr_array_add (change->seats, sb_seat_change_new (seat_id, state, hold_id));
    }

  for (guint i = 0; holds != NULL && i < json_array_get_length (holds); i++)
    {
      JsonObject *hold = array_object (holds, i, "holds", error);
      g_autofree char *hold_id = NULL;
      g_autofree char *hold_event_id = NULL;
      g_autofree char *client_id = NULL;
      g_autofree char *account = NULL;
      g_auto (GStrv) seat_ids = NULL;
      gint64 expires_at_ms = 0;

      if (hold == NULL || !read_string (hold, "hold", &hold_id, error)
          || !read_string (hold, "event", &hold_event_id, error)
          || !read_string (hold, "client", &client_id, error)
          || !read_string (hold, "account", &account, error)
          || !read_strv (hold, "seats", &seat_ids, error)
          || !read_int (hold, "expires_at", &expires_at_ms, error))
        return NULL;
      if (hold_id == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Invalid change: hold entry %u has no id", i);
          return NULL;
        }
      g_ptr_array_add (change->holds,
                       sb_hold_record_new_owned (
                           hold_id, hold_event_id != NULL ? hold_event_id : event_id, client_id,
                           account, (const char *const *) seat_ids, expires_at_ms));
    }

  return g_steal_pointer (&change);
}

/* Identifiers */

/* Crockford's base32, lower case: no i, l, o, u. */
static const char hold_alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
/* Upper case without the look-alikes 0/O, 1/I/L, and without U (read aloud, U and V get mixed
 * up); 30 characters, so 8 of them give 30^8 ≈ 6.6e11 references. */
static const char booking_alphabet[] = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

static char *
random_string (const char *prefix, const char *alphabet, guint length)
{
  gsize prefix_len = strlen (prefix);
  guint alphabet_len = strlen (alphabet);
  char *s = g_malloc (prefix_len + length + 1);

  memcpy (s, prefix, prefix_len);
  for (guint i = 0; i < length; i++)
    s[prefix_len + i] = alphabet[g_random_int_range (0, alphabet_len)];
  s[prefix_len + length] = '\0';
  return s;
}

char *
sb_new_hold_id (void)
{
  return random_string ("h_", hold_alphabet, 16);
}

char *
sb_new_booking_id (void)
{
  return random_string ("", booking_alphabet, 8);
}
