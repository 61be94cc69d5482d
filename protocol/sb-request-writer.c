/* sb-request-writer.c: the compact serializer of client requests (sb_request_to_json ()), which
 * the app, the benchmarks and the tests send; it writes exactly the fields the parser
 * (sb-request.c) allows, from the same tables (sb-request-private.h). */
#include "sb-request.h"

#include "sb-json-writer.h"
#include "sb-request-private.h"

static void
append_member (GString *out, Field field)
{
  g_string_append_c (out, ',');
  g_string_append_c (out, '"');
  g_string_append (out, _sb_request_field_names[field]);
  g_string_append (out, "\":");
}

static void
append_string_member (GString *out, Field field, const char *value)
{
  if (value == NULL)
    return;
  append_member (out, field);
  sb_json_write_string (out, value);
}

char *
sb_request_to_json (const SbRequest *request)
{
  const TypeSpec *spec;
  GString *out;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail ((guint) request->type < G_N_ELEMENTS (_sb_request_type_names), NULL);

  /* Only the fields the type allows are written, so the output is what the parser accepts. */
  spec = &_sb_request_type_specs[request->type];
  out = g_string_sized_new (128);
  g_string_append (out, "{\"type\":");
  sb_json_write_string (out, _sb_request_type_names[request->type]);
  append_string_member (out, F_ID, request->id);

  if (spec->allowed & BIT (F_CLIENT))
    append_string_member (out, F_CLIENT, request->client_name);
  if (spec->allowed & BIT (F_CLIENT_ID))
    append_string_member (out, F_CLIENT_ID, request->client_id);
  if ((spec->allowed & BIT (F_PROTOCOL)) && request->protocol != 0)
    {
      append_member (out, F_PROTOCOL);
      g_string_append_printf (out, "%d", request->protocol);
    }
  if (spec->allowed & BIT (F_EVENT))
    append_string_member (out, F_EVENT, request->event_id);
  if ((spec->allowed & BIT (F_SINCE)) && request->since >= 0)
    {
      append_member (out, F_SINCE);
      g_string_append_printf (out, "%" G_GINT64_FORMAT, request->since);
    }
  if ((spec->allowed & BIT (F_SEATS)) && request->seats != NULL)
    {
      append_member (out, F_SEATS);
      sb_json_write_string_array (out, (const char *const *) request->seats);
    }
  if (spec->allowed & BIT (F_HOLD))
    append_string_member (out, F_HOLD, request->hold_id);
  if ((spec->allowed & BIT (F_TTL)) && request->ttl_seconds != 0)
    {
      append_member (out, F_TTL);
      g_string_append_printf (out, "%" G_GINT64_FORMAT, request->ttl_seconds);
    }
  if (request->type == SB_REQUEST_HOLD_BEST)
    {
      append_member (out, F_COUNT);
      g_string_append_printf (out, "%d", request->count);
      if (request->categories != NULL)
        {
          append_member (out, F_CATEGORIES);
          sb_json_write_string_array (out, (const char *const *) request->categories);
        }
      if (request->max_price >= 0)
        {
          append_member (out, F_MAX_PRICE);
          g_string_append_printf (out, "%" G_GINT64_FORMAT, request->max_price);
        }
      if (request->apart)
        {
          append_member (out, F_TOGETHER);
          g_string_append (out, "false");
        }
    }
  if (spec->allowed & BIT (F_USERNAME))
    append_string_member (out, F_USERNAME, request->username);
  if (spec->allowed & BIT (F_PASSWORD))
    append_string_member (out, F_PASSWORD, request->password);
  if (spec->allowed & BIT (F_TOKEN))
    append_string_member (out, F_TOKEN, request->token);
  if (spec->allowed & BIT (F_SEAT))
    append_string_member (out, F_SEAT, request->seat_id);
  if (spec->allowed & BIT (F_BOOKING))
    append_string_member (out, F_BOOKING, request->booking_id);
  if ((spec->allowed & BIT (F_OVERRIDE_ORPHAN_RULE)) && request->override_orphan_rule)
    {
      append_member (out, F_OVERRIDE_ORPHAN_RULE);
      g_string_append (out, "true");
    }
  if ((spec->allowed & BIT (F_LIMIT)) && request->limit != 0)
    {
      append_member (out, F_LIMIT);
      g_string_append_printf (out, "%" G_GINT64_FORMAT, request->limit);
    }
  if (request->type == SB_REQUEST_CANCEL)
    {
      append_member (out, F_REFUND);
      g_string_append (out, "{\"kind\":");
      sb_json_write_string (out, sb_refund_kind_to_string (request->refund_kind));
      if (request->refund_kind == SB_REFUND_PARTIAL)
        g_string_append_printf (out, ",\"amount\":%" G_GINT64_FORMAT, request->refund_amount);
      g_string_append_c (out, '}');
    }
  if (spec->allowed & BIT (F_REASON))
    append_string_member (out, F_REASON, request->reason);

  if ((spec->allowed & BIT (F_CUSTOMER)) && request->customer != NULL)
    {
      append_member (out, F_CUSTOMER);
      sb_customer_write (out, request->customer);
    }
  if (spec->allowed & BIT (F_REFERENCE))
    append_string_member (out, F_REFERENCE, request->reference);
  if (spec->allowed & BIT (F_NAME))
    append_string_member (out, F_NAME, request->name);
  if (spec->allowed & BIT (F_PHONE))
    append_string_member (out, F_PHONE, request->phone);
  if (spec->allowed & BIT (F_EMAIL))
    append_string_member (out, F_EMAIL, request->email);
  if (spec->allowed & BIT (F_AFTER))
    append_string_member (out, F_AFTER, request->after);
  if ((spec->allowed & BIT (F_FROM)) && request->from != NULL)
    {
      append_member (out, F_FROM);
      sb_json_write_string_array (out, (const char *const *) request->from);
    }
  if ((spec->allowed & BIT (F_TO)) && request->to != NULL)
    {
      append_member (out, F_TO);
      sb_json_write_string_array (out, (const char *const *) request->to);
    }
  if (spec->allowed & BIT (F_TIME_ZONE))
    append_string_member (out, F_TIME_ZONE, request->time_zone);
  if (spec->allowed & BIT (F_STARTS_AT))
    append_string_member (out, F_STARTS_AT, request->starts_at);
  if (spec->allowed & BIT (F_SALES_OPEN))
    append_string_member (out, F_SALES_OPEN, request->sales_open);
  if (spec->allowed & BIT (F_SALES_CLOSE))
    append_string_member (out, F_SALES_CLOSE, request->sales_close);
  if (spec->allowed & BIT (F_ORPHAN_RULE))
    append_string_member (out, F_ORPHAN_RULE, request->orphan_rule);
  if (spec->allowed & BIT (F_VENUE))
    append_string_member (out, F_VENUE, request->venue_id);
  if (spec->allowed & BIT (F_VENUE_TEXT))
    append_string_member (out, F_VENUE_TEXT, request->venue_text);

  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}
