/* sb-request.c: strict parser and compact serializer of the client requests of protocol v1.
 *
 * The parser is on the server's hot path. It reuses one JsonParser per thread, looks up "type"
 * and "id" directly and then walks the object's members once, matching each against the fields
 * its request type allows; the only allocations besides json-glib's are the strings copied into
 * the SbRequest. */
#include "sb-request.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "sb-protocol.h"

#define SB_MAX_CLIENT_NAME_LENGTH 200
#define SB_MAX_NAME_ID_LENGTH 128 /* event and hold ids */
#define SB_MAX_SEAT_ID_LENGTH 64

static const char *const type_names[] = {
  [SB_REQUEST_HELLO] = "hello",         [SB_REQUEST_LIST_EVENTS] = "list_events",
  [SB_REQUEST_SUBSCRIBE] = "subscribe", [SB_REQUEST_UNSUBSCRIBE] = "unsubscribe",
  [SB_REQUEST_HOLD] = "hold",           [SB_REQUEST_EXTEND] = "extend",
  [SB_REQUEST_RELEASE] = "release",     [SB_REQUEST_BOOK] = "book",
  [SB_REQUEST_PING] = "ping",
};

/* Every field a request may carry; a bit per field in the tables below. */
typedef enum
{
  F_TYPE,
  F_ID,
  F_CLIENT,
  F_CLIENT_ID,
  F_PROTOCOL,
  F_EVENT,
  F_SINCE,
  F_SEATS,
  F_HOLD,
  F_TTL,
  N_FIELDS
} Field;

static const char *const field_names[N_FIELDS] = {
  [F_TYPE] = "type",         [F_ID] = "id",
  [F_CLIENT] = "client",     [F_CLIENT_ID] = "client_id",
  [F_PROTOCOL] = "protocol", [F_EVENT] = "event",
  [F_SINCE] = "since",       [F_SEATS] = "seats",
  [F_HOLD] = "hold",         [F_TTL] = "ttl",
};

#define BIT(f) (1u << (f))
#define COMMON (BIT (F_TYPE) | BIT (F_ID))

typedef struct
{
  guint allowed;
  guint required;
} TypeSpec;

/* book's "hold" versus "event"+"seats" is checked by hand after the table. */
static const TypeSpec type_specs[] = {
  [SB_REQUEST_HELLO] = { COMMON | BIT (F_CLIENT) | BIT (F_CLIENT_ID) | BIT (F_PROTOCOL),
                         COMMON | BIT (F_CLIENT) | BIT (F_CLIENT_ID) | BIT (F_PROTOCOL) },
  [SB_REQUEST_LIST_EVENTS] = { COMMON, COMMON },
  [SB_REQUEST_SUBSCRIBE] = { COMMON | BIT (F_EVENT) | BIT (F_SINCE), COMMON | BIT (F_EVENT) },
  [SB_REQUEST_UNSUBSCRIBE] = { COMMON | BIT (F_EVENT), COMMON | BIT (F_EVENT) },
  [SB_REQUEST_HOLD] = { COMMON | BIT (F_EVENT) | BIT (F_SEATS) | BIT (F_TTL),
                        COMMON | BIT (F_EVENT) | BIT (F_SEATS) },
  [SB_REQUEST_EXTEND] = { COMMON | BIT (F_HOLD) | BIT (F_TTL), COMMON | BIT (F_HOLD) },
  [SB_REQUEST_RELEASE] = { COMMON | BIT (F_HOLD), COMMON | BIT (F_HOLD) },
  [SB_REQUEST_BOOK] = { COMMON | BIT (F_HOLD) | BIT (F_EVENT) | BIT (F_SEATS), COMMON },
  [SB_REQUEST_PING] = { COMMON, COMMON },
};

const char *
sb_request_type_to_string (SbRequestType type)
{
  if ((guint) type >= G_N_ELEMENTS (type_names))
    return NULL;
  return type_names[type];
}

SbRequest *
sb_request_new (SbRequestType type, const char *id)
{
  SbRequest *request;

  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (type_names), NULL);

  request = g_new0 (SbRequest, 1);
  request->type = type;
  request->id = g_strdup (id);
  request->protocol = type == SB_REQUEST_HELLO ? SB_PROTOCOL_VERSION : 0;
  request->since = -1;
  request->ttl_seconds = 0;
  return request;
}

void
sb_request_free (SbRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->id);
  g_free (request->client_name);
  g_free (request->client_id);
  g_free (request->event_id);
  g_strfreev (request->seats);
  g_free (request->hold_id);
  g_free (request);
}

/* ---- Parsing ----------------------------------------------------------------------------- */

static gboolean invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;

  /* Nothing to format when the caller does not want the message. */
  if (error == NULL)
    return FALSE;
  va_start (args, format);
  g_propagate_error (
      error, g_error_new_valist (SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST, format, args));
  va_end (args);
  return FALSE;
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_integer (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

/* Length in characters between 1 and max, without walking more than max characters of a long
 * string. */
static gboolean
has_length (const char *s, glong max)
{
  glong n = 0;

  if (*s == '\0')
    return FALSE;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    if (++n > max)
      return FALSE;
  return TRUE;
}

static gboolean
read_string (JsonNode *node, Field field, glong max, char **out, GError **error)
{
  if (!is_string (node) || !has_length (json_node_get_string (node), max))
    return invalid (error, "field \"%s\" must be a string of 1-%ld characters", field_names[field],
                    max);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_seats (JsonNode *node, char ***out, GError **error)
{
  JsonArray *array;
  const char *ids[SB_MAX_SEATS_PER_REQUEST];
  char **seats;
  guint n;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "field \"seats\" must be an array of strings");
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n < 1 || n > SB_MAX_SEATS_PER_REQUEST)
    return invalid (error, "field \"seats\" must list 1-%d seats, not %u", SB_MAX_SEATS_PER_REQUEST,
                    n);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!is_string (element))
        return invalid (error, "field \"seats\" must be an array of strings");
      ids[i] = json_node_get_string (element);
      if (!has_length (ids[i], SB_MAX_SEAT_ID_LENGTH))
        return invalid (error, "seats[%u] must be a seat id of 1-%d characters", i,
                        SB_MAX_SEAT_ID_LENGTH);
      /* At most 50 seats: comparing with the earlier ones is cheaper than any hash table. */
      for (guint j = 0; j < i; j++)
        if (strcmp (ids[i], ids[j]) == 0)
          return invalid (error, "seat \"%s\" is listed twice in \"seats\"", ids[i]);
    }

  seats = g_new (char *, n + 1);
  for (guint i = 0; i < n; i++)
    seats[i] = g_strdup (ids[i]);
  seats[n] = NULL;
  *out = seats;
  return TRUE;
}

static gboolean
read_ttl (JsonNode *node, gint64 *out, GError **error)
{
  gint64 ttl;

  if (!is_integer (node))
    return invalid (error, "field \"ttl\" must be an integer number of seconds");
  ttl = json_node_get_int (node);
  if (ttl < SB_MIN_HOLD_TTL_SECONDS || ttl > SB_MAX_HOLD_TTL_SECONDS)
    return invalid (error, "field \"ttl\" must be from %d to %d seconds, not %" G_GINT64_FORMAT,
                    SB_MIN_HOLD_TTL_SECONDS, SB_MAX_HOLD_TTL_SECONDS, ttl);
  *out = ttl;
  return TRUE;
}

static Field
field_from_name (const char *name)
{
  for (guint f = 0; f < N_FIELDS; f++)
    if (strcmp (name, field_names[f]) == 0)
      return (Field) f;
  return N_FIELDS;
}

static gboolean
parse_object (JsonObject *object, SbRequest **out, char **out_request_id, GError **error)
{
  g_autoptr (SbRequest) request = NULL;
  JsonNode *slots[N_FIELDS] = { NULL };
  JsonNode *type_node, *id_node, *value;
  const char *type_name, *member;
  JsonObjectIter iter;
  const TypeSpec *spec;
  guint present = 0;
  guint type;

  /* The id first, so that every later error can be echoed to the right request. */
  id_node = json_object_get_member (object, "id");
  if (id_node != NULL && is_string (id_node)
      && has_length (json_node_get_string (id_node), SB_MAX_REQUEST_ID_LENGTH)
      && out_request_id != NULL)
    *out_request_id = g_strdup (json_node_get_string (id_node));

  type_node = json_object_get_member (object, "type");
  if (type_node == NULL)
    return invalid (error, "missing field \"type\"");
  if (!is_string (type_node))
    return invalid (error, "field \"type\" must be a string");
  type_name = json_node_get_string (type_node);
  for (type = 0; type < G_N_ELEMENTS (type_names); type++)
    if (strcmp (type_name, type_names[type]) == 0)
      break;
  if (type == G_N_ELEMENTS (type_names))
    return invalid (error, "unknown request type \"%s\"", type_name);
  spec = &type_specs[type];

  if (id_node == NULL)
    return invalid (error, "missing field \"id\"");

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &member, &value))
    {
      Field f = field_from_name (member);

      if (f == N_FIELDS || !(spec->allowed & BIT (f)))
        return invalid (error, "unknown field \"%s\" in a \"%s\" request", member, type_name);
      slots[f] = value;
      present |= BIT (f);
    }

  for (guint f = 0; f < N_FIELDS; f++)
    if ((spec->required & BIT (f)) && !(present & BIT (f)))
      return invalid (error, "missing field \"%s\"", field_names[f]);

  request = sb_request_new ((SbRequestType) type, NULL);
  if (!read_string (slots[F_ID], F_ID, SB_MAX_REQUEST_ID_LENGTH, &request->id, error))
    return FALSE;

  if (type == SB_REQUEST_BOOK)
    {
      gboolean by_hold = slots[F_HOLD] != NULL;
      gboolean by_seats = slots[F_EVENT] != NULL || slots[F_SEATS] != NULL;

      if (by_hold == by_seats)
        return invalid (error,
                        "a \"book\" request needs either \"hold\" or \"event\" and \"seats\"%s",
                        by_hold ? ", not both" : "");
      if (by_seats && slots[F_EVENT] == NULL)
        return invalid (error, "missing field \"event\"");
      if (by_seats && slots[F_SEATS] == NULL)
        return invalid (error, "missing field \"seats\"");
    }

  if (slots[F_CLIENT] != NULL
      && !read_string (slots[F_CLIENT], F_CLIENT, SB_MAX_CLIENT_NAME_LENGTH, &request->client_name,
                       error))
    return FALSE;
  if (slots[F_CLIENT_ID] != NULL
      && !read_string (slots[F_CLIENT_ID], F_CLIENT_ID, SB_MAX_CLIENT_ID_LENGTH,
                       &request->client_id, error))
    return FALSE;
  if (slots[F_PROTOCOL] != NULL)
    {
      if (!is_integer (slots[F_PROTOCOL]))
        return invalid (error, "field \"protocol\" must be an integer");
      if (json_node_get_int (slots[F_PROTOCOL]) != SB_PROTOCOL_VERSION)
        return invalid (error, "unsupported protocol %" G_GINT64_FORMAT " (this server speaks %d)",
                        json_node_get_int (slots[F_PROTOCOL]), SB_PROTOCOL_VERSION);
      request->protocol = SB_PROTOCOL_VERSION;
    }
  if (slots[F_EVENT] != NULL
      && !read_string (slots[F_EVENT], F_EVENT, SB_MAX_NAME_ID_LENGTH, &request->event_id, error))
    return FALSE;
  if (slots[F_SINCE] != NULL)
    {
      if (!is_integer (slots[F_SINCE]) || json_node_get_int (slots[F_SINCE]) < 0)
        return invalid (error, "field \"since\" must be an integer >= 0");
      request->since = json_node_get_int (slots[F_SINCE]);
    }
  if (slots[F_SEATS] != NULL && !read_seats (slots[F_SEATS], &request->seats, error))
    return FALSE;
  if (slots[F_HOLD] != NULL
      && !read_string (slots[F_HOLD], F_HOLD, SB_MAX_NAME_ID_LENGTH, &request->hold_id, error))
    return FALSE;
  if (slots[F_TTL] != NULL && !read_ttl (slots[F_TTL], &request->ttl_seconds, error))
    return FALSE;

  *out = g_steal_pointer (&request);
  return TRUE;
}

/* One parser per thread, reused: creating a GObject and its scanner for every frame would cost
 * more than parsing a typical 60-byte request. */
static GPrivate parser_key = G_PRIVATE_INIT (g_object_unref);

static JsonParser *
get_thread_parser (void)
{
  JsonParser *parser = g_private_get (&parser_key);

  if (parser == NULL)
    {
      parser = json_parser_new ();
      g_private_set (&parser_key, parser);
    }
  return parser;
}

SbRequest *
sb_request_parse (const char *text, gsize length, char **out_request_id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  SbRequest *request = NULL;
  JsonParser *parser;
  JsonNode *root;
  gboolean ok;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_request_id != NULL)
    *out_request_id = NULL;

  if (length == 0)
    {
      invalid (error, "empty frame");
      return NULL;
    }
  if (length > G_MAXSSIZE)
    {
      invalid (error, "frame too large");
      return NULL;
    }

  parser = get_thread_parser ();
  if (!json_parser_load_from_data (parser, text, (gssize) length, &local_error))
    {
      const char *message = local_error->message;

      /* Drop json-glib's "<data>:" prefix, keep LINE:COL. */
      if (g_str_has_prefix (message, "<data>:"))
        message += strlen ("<data>:");
      invalid (error, "malformed JSON: %s", message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid (error, "a request must be a JSON object");
      return NULL;
    }

  ok = parse_object (json_node_get_object (root), &request, out_request_id, error);

  /* Only an error reply needs the id separately; on success it is request->id. */
  if (ok && out_request_id != NULL)
    g_clear_pointer (out_request_id, g_free);

  return ok ? request : NULL;
}

/* ---- Serializing ------------------------------------------------------------------------- */

static void
append_string (GString *out, const char *s)
{
  static const char hex[] = "0123456789abcdef";

  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) s; *p != '\0'; p++)
    {
      switch (*p)
        {
          case '"':
            g_string_append (out, "\\\"");
            break;
          case '\\':
            g_string_append (out, "\\\\");
            break;
          case '\n':
            g_string_append (out, "\\n");
            break;
          case '\r':
            g_string_append (out, "\\r");
            break;
          case '\t':
            g_string_append (out, "\\t");
            break;
          default:
            if (*p < 0x20)
              {
                g_string_append (out, "\\u00");
                g_string_append_c (out, hex[*p >> 4]);
                g_string_append_c (out, hex[*p & 0xf]);
              }
            else
              g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_member (GString *out, Field field)
{
  g_string_append_c (out, ',');
  g_string_append_c (out, '"');
  g_string_append (out, field_names[field]);
  g_string_append (out, "\":");
}

static void
append_string_member (GString *out, Field field, const char *value)
{
  if (value == NULL)
    return;
  append_member (out, field);
  append_string (out, value);
}

char *
sb_request_to_json (const SbRequest *request)
{
  const TypeSpec *spec;
  GString *out;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail ((guint) request->type < G_N_ELEMENTS (type_names), NULL);

  /* Only the fields the type allows are written, so the output is what the parser accepts. */
  spec = &type_specs[request->type];
  out = g_string_sized_new (128);
  g_string_append (out, "{\"type\":");
  append_string (out, type_names[request->type]);
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
      g_string_append_c (out, '[');
      for (guint i = 0; request->seats[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          append_string (out, request->seats[i]);
        }
      g_string_append_c (out, ']');
    }
  if (spec->allowed & BIT (F_HOLD))
    append_string_member (out, F_HOLD, request->hold_id);
  if ((spec->allowed & BIT (F_TTL)) && request->ttl_seconds != 0)
    {
      append_member (out, F_TTL);
      g_string_append_printf (out, "%" G_GINT64_FORMAT, request->ttl_seconds);
    }

  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}
