/* sb-request.c: strict parser of the client requests (docs/protocol.md); the serializer is
 * sb-request-writer.c, the tables both read are in sb-request-private.h (defined, with the roles
 * and an SbRequest's life, in sb-request-types.c).
 *
 * The parser is on the server's hot path. It reads the frame in one pass with the strict reader
 * of sb-json-reader.c (no tree, no json-glib): each member is matched against the table of
 * request fields and its value is kept in a slot as it goes by; the checks then run on the slots
 * in the same order as they always did, so the error a client gets does not depend on the order
 * of the members. The only allocations are the strings that end up in the SbRequest (and, on
 * failure, the message). */
#include "sb-request.h"
#include "sb-request-private.h"

#include <string.h>

#include "sb-json-reader.h"
#include "sb-json-writer.h"
#include "sb-protocol.h"

#define SB_MAX_CLIENT_NAME_LENGTH 200
#define SB_MAX_NAME_ID_LENGTH 128 /* event and hold ids */
#define SB_MAX_SEAT_ID_LENGTH 64
#define SB_MAX_EVENT_NAME_LENGTH 200

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

/* What one pass over the frame saw: for each known field, where it was and its value. */
typedef struct
{
  guint64 present; /* BIT (field) for each field seen */
  Field duplicate; /* the first field seen twice, or N_FIELDS */
  guint type; /* index in _sb_request_type_names, G_N_ELEMENTS (_sb_request_type_names) when unknown
               */
  char *unknown_type; /* the "type" string when it names no request */
  char *unknown_name; /* the first member that names no field */
  guint unknown_position;
  guint position[N_FIELDS]; /* index of the field among the members */
  SbJsonType kind[N_FIELDS];
  gboolean overflow[N_FIELDS]; /* an integer too large for 64 bits */
  gint64 number[N_FIELDS];
  char *string[N_FIELDS];
  guint string_length[N_FIELDS]; /* bytes */
  /* "seats": every item is counted, the first SB_MAX_SEATS_PER_REQUEST are kept (NULL where an
   * item is not a string), so the checks can report what the old tree-based ones did. */
  guint n_seats;
  char *seats[SB_MAX_SEATS_PER_REQUEST + 1];
  guint seat_length[SB_MAX_SEATS_PER_REQUEST];
  gboolean boolean[N_FIELDS];
  /* move's "from" and "to", kept like "seats". */
  guint n_from;
  char *from[SB_MAX_SEATS_PER_REQUEST + 1];
  guint from_length[SB_MAX_SEATS_PER_REQUEST];
  guint n_to;
  char *to[SB_MAX_SEATS_PER_REQUEST + 1];
  guint to_length[SB_MAX_SEATS_PER_REQUEST];
  /* "categories" of hold_best, kept like "seats". */
  guint n_categories;
  char *categories[SB_MAX_CATEGORIES_PER_REQUEST + 1];
  /* "customer" of book, read and checked as it goes by (sb-customer.c): one or the other. */
  SbCustomer *customer;
  char *customer_problem;
  /* cancel's "refund" object: its members, read like the request's own. */
  char *refund_unknown; /* the first member that is neither "kind" nor "amount" */
  gboolean refund_repeated;
  char *refund_kind; /* NULL when absent or not a string */
  gboolean refund_has_kind;
  gboolean refund_has_amount;
  SbJsonType refund_amount_type;
  gboolean refund_amount_overflow;
  gint64 refund_amount;
} Scan;

static void
scan_clear (Scan *scan)
{
  g_free (scan->unknown_type);
  g_free (scan->unknown_name);
  for (guint f = 0; f < N_FIELDS; f++)
    if (f == F_PASSWORD || f == F_TOKEN)
      _sb_request_wipe_and_free (scan->string[f]);
    else
      g_free (scan->string[f]);
  for (guint i = 0; i < MIN (scan->n_seats, SB_MAX_SEATS_PER_REQUEST); i++)
    g_free (scan->seats[i]);
  for (guint i = 0; i < MIN (scan->n_from, SB_MAX_SEATS_PER_REQUEST); i++)
    g_free (scan->from[i]);
  for (guint i = 0; i < MIN (scan->n_to, SB_MAX_SEATS_PER_REQUEST); i++)
    g_free (scan->to[i]);
  for (guint i = 0; i < MIN (scan->n_categories, SB_MAX_CATEGORIES_PER_REQUEST); i++)
    g_free (scan->categories[i]);
  sb_customer_free (scan->customer);
  g_free (scan->customer_problem);
  g_free (scan->refund_unknown);
  g_free (scan->refund_kind);
}

static Field
field_from_name (const char *name)
{
  for (guint f = 0; f < N_FIELDS; f++)
    if (strcmp (name, _sb_request_field_names[f]) == 0)
      return (Field) f;
  return N_FIELDS;
}

/* An array of strings ("seats", and hold_best's "categories"): every item is counted, the first
 * max are kept (NULL where an item is not a string) with their lengths in bytes when lengths is
 * not NULL, and the rest are only checked for syntax. */
static gboolean
scan_strings (SbJsonReader *reader, char **items, guint *lengths, guint max, guint *n_items)
{
  for (;;)
    {
      SbJsonValue item;
      gboolean more;

      if (!sb_json_reader_next_item (reader, &more))
        return FALSE;
      if (!more)
        return TRUE;
      if (!sb_json_reader_read_value (reader, &item))
        return FALSE;
      if (*n_items < max)
        {
          items[*n_items] = item.type == SB_JSON_STRING ? g_strndup (item.s, item.n) : NULL;
          if (lengths != NULL)
            lengths[*n_items] = item.n;
        }
      /* Counting on is enough for the message. */
      (*n_items)++;
      if ((item.type == SB_JSON_ARRAY || item.type == SB_JSON_OBJECT)
          && !sb_json_reader_skip_rest (reader, &item))
        return FALSE;
    }
}

/* cancel's "refund" object, just opened: {"kind": …, "amount": …}. */
static gboolean
scan_refund (SbJsonReader *reader, Scan *scan)
{
  for (;;)
    {
      const char *name;
      gboolean more;
      SbJsonValue value;

      if (!sb_json_reader_next_member (reader, &more, &name, NULL))
        return FALSE;
      if (!more)
        return TRUE;
      if (strcmp (name, "kind") == 0 && !scan->refund_has_kind)
        {
          scan->refund_has_kind = TRUE;
          if (!sb_json_reader_read_value (reader, &value))
            return FALSE;
          if (value.type == SB_JSON_STRING)
            scan->refund_kind = g_strndup (value.s, value.n);
        }
      else if (strcmp (name, "amount") == 0 && !scan->refund_has_amount)
        {
          scan->refund_has_amount = TRUE;
          if (!sb_json_reader_read_value (reader, &value))
            return FALSE;
          scan->refund_amount_type = value.type;
          scan->refund_amount_overflow = value.type == SB_JSON_DOUBLE && value.int_overflow;
          if (value.type == SB_JSON_INT)
            scan->refund_amount = value.i;
        }
      else
        {
          if (strcmp (name, "kind") == 0 || strcmp (name, "amount") == 0)
            scan->refund_repeated = TRUE;
          else if (scan->refund_unknown == NULL)
            scan->refund_unknown = g_strdup (name);
          if (!sb_json_reader_skip_value (reader))
            return FALSE;
          continue;
        }
      if ((value.type == SB_JSON_ARRAY || value.type == SB_JSON_OBJECT)
          && !sb_json_reader_skip_rest (reader, &value))
        return FALSE;
    }
}

/* Reads the value of field @f into its slot. */
static gboolean
scan_field (SbJsonReader *reader, Scan *scan, Field f)
{
  SbJsonValue value;

  if (!sb_json_reader_read_value (reader, &value))
    return FALSE;
  scan->kind[f] = value.type;
  switch (value.type)
    {
      case SB_JSON_STRING:
        if (f == F_TYPE)
          {
            /* Matched now: the name is only valid until the next read. */
            for (scan->type = 0; scan->type < G_N_ELEMENTS (_sb_request_type_names); scan->type++)
              if (strcmp (value.s, _sb_request_type_names[scan->type]) == 0)
                break;
            if (scan->type == G_N_ELEMENTS (_sb_request_type_names))
              scan->unknown_type = g_strndup (value.s, value.n);
          }
        else
          {
            scan->string[f] = g_strndup (value.s, value.n);
            scan->string_length[f] = value.n;
          }
        return TRUE;
      case SB_JSON_INT:
        scan->number[f] = value.i;
        return TRUE;
      case SB_JSON_DOUBLE:
        scan->overflow[f] = value.int_overflow;
        return TRUE;
      case SB_JSON_ARRAY:
        if (f == F_SEATS)
          return scan_strings (reader, scan->seats, scan->seat_length, SB_MAX_SEATS_PER_REQUEST,
                               &scan->n_seats);
        if (f == F_FROM)
          return scan_strings (reader, scan->from, scan->from_length, SB_MAX_SEATS_PER_REQUEST,
                               &scan->n_from);
        if (f == F_TO)
          return scan_strings (reader, scan->to, scan->to_length, SB_MAX_SEATS_PER_REQUEST,
                               &scan->n_to);
        if (f == F_CATEGORIES)
          return scan_strings (reader, scan->categories, NULL, SB_MAX_CATEGORIES_PER_REQUEST,
                               &scan->n_categories);
        return sb_json_reader_skip_rest (reader, &value);
      case SB_JSON_OBJECT:
        if (f == F_CUSTOMER)
          return sb_customer_scan (reader, &scan->customer, &scan->customer_problem);
        if (f == F_REFUND)
          return scan_refund (reader, scan);
        return sb_json_reader_skip_rest (reader, &value);
      case SB_JSON_BOOLEAN:
        scan->boolean[f] = value.b;
        return TRUE;
      case SB_JSON_NULL:
      default:
        return TRUE;
    }
}

/* One pass over the object the reader has just opened, and then over whatever follows it. */
static gboolean
scan_object (SbJsonReader *reader, Scan *scan)
{
  for (guint position = 0;; position++)
    {
      const char *name;
      gboolean more;
      Field f;

      if (!sb_json_reader_next_member (reader, &more, &name, NULL))
        return FALSE;
      if (!more)
        break;
      f = field_from_name (name);
      if (f == N_FIELDS || (scan->present & BIT (f)))
        {
          /* Unknown in every request type. Only the first one is named in the error. */
          if (f == N_FIELDS && scan->unknown_name == NULL)
            {
              scan->unknown_name = g_strdup (name);
              scan->unknown_position = position;
            }
          /* JSON allows repeated names but says nothing of their meaning (json-glib kept the
           * last one): refuse them rather than guess. */
          if (f != N_FIELDS && scan->duplicate == N_FIELDS)
            scan->duplicate = f;
          if (!sb_json_reader_skip_value (reader))
            return FALSE;
          continue;
        }
      scan->present |= BIT (f);
      scan->position[f] = position;
      if (!scan_field (reader, scan, f))
        return FALSE;
    }
  return sb_json_reader_finish (reader);
}

/* Length in characters between 1 and max, without walking more than max characters of a long
 * string. */
static gboolean
has_length (const char *s, gsize bytes, glong max)
{
  glong n = 0;

  if (bytes == 0)
    return FALSE;
  /* A character is at least one byte: short strings need no counting. */
  if (bytes <= (gsize) max)
    return TRUE;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    if (++n > max)
      return FALSE;
  return TRUE;
}

static gboolean
check_string (Scan *scan, Field f, glong max, GError **error)
{
  if (scan->kind[f] != SB_JSON_STRING || !has_length (scan->string[f], scan->string_length[f], max))
    return invalid (error, "field \"%s\" must be a string of 1-%ld characters",
                    _sb_request_field_names[f], max);
  return TRUE;
}

static gboolean
take_string (Scan *scan, Field f, glong max, char **out, GError **error)
{
  if (!check_string (scan, f, max, error))
    return FALSE;
  *out = g_steal_pointer (&scan->string[f]);
  return TRUE;
}

/* An integer field: FALSE when it is not an integer or does not fit in 64 bits. */
static gboolean
read_integer (Scan *scan, Field f, const char *not_integer, GError **error)
{
  if (scan->kind[f] == SB_JSON_INT)
    return TRUE;
  if (scan->kind[f] == SB_JSON_DOUBLE && scan->overflow[f])
    return invalid (error, "field \"%s\" is out of range", _sb_request_field_names[f]);
  return invalid (error, "%s", not_integer);
}

/* A list of seat ids (field f: "seats", or move's "from" and "to") kept in items. */
static gboolean
take_seat_list (Scan *scan,
                Field f,
                char **items,
                const guint *lengths,
                guint *n_items,
                char ***out,
                GError **error)
{
  const char *name = _sb_request_field_names[f];
  guint n = *n_items;

  if (scan->kind[f] != SB_JSON_ARRAY)
    return invalid (error, "field \"%s\" must be an array of strings", name);
  if (n < 1 || n > SB_MAX_SEATS_PER_REQUEST)
    return invalid (error, "field \"%s\" must list 1-%d seats, not %u", name,
                    SB_MAX_SEATS_PER_REQUEST, n);

  for (guint i = 0; i < n; i++)
    {
      const char *id = items[i];

      if (id == NULL)
        return invalid (error, "field \"%s\" must be an array of strings", name);
      if (!has_length (id, lengths[i], SB_MAX_SEAT_ID_LENGTH))
        return invalid (error, "%s[%u] must be a seat id of 1-%d characters", name, i,
                        SB_MAX_SEAT_ID_LENGTH);
      /* At most 50 seats: comparing with the earlier ones is cheaper than any hash table. */
      for (guint j = 0; j < i; j++)
        if (lengths[i] == lengths[j] && strcmp (id, items[j]) == 0)
          return invalid (error, "seat \"%s\" is listed twice in \"%s\"", id, name);
    }

  /* The slots already hold a NULL-terminated array of copies: hand it over. */
  *out = g_memdup2 (items, (n + 1) * sizeof (char *));
  *n_items = 0;
  return TRUE;
}

static gboolean
take_seats (Scan *scan, char ***out, GError **error)
{
  return take_seat_list (scan, F_SEATS, scan->seats, scan->seat_length, &scan->n_seats, out, error);
}

/* move's "from" (optional: every seat of the booking) and "to", paired in order
 * (docs/protocol.md, "move"). A seat may be in both: a booking moved one seat along. */
static gboolean
check_move (Scan *scan, SbRequest *request, GError **error)
{
  if ((scan->present & BIT (F_FROM))
      && !take_seat_list (scan, F_FROM, scan->from, scan->from_length, &scan->n_from,
                          &request->from, error))
    return FALSE;
  if (!take_seat_list (scan, F_TO, scan->to, scan->to_length, &scan->n_to, &request->to, error))
    return FALSE;
  if (request->from != NULL && g_strv_length (request->from) != g_strv_length (request->to))
    return invalid (error,
                    "fields \"from\" and \"to\" must list as many seats (%u and %u): each seat "
                    "moves to the seat in the same place",
                    g_strv_length (request->from), g_strv_length (request->to));
  return TRUE;
}

/* hold_best's own fields (docs/protocol.md, "hold_best"). */
static gboolean
check_hold_best (Scan *scan, SbRequest *request, GError **error)
{
  if (!read_integer (scan, F_COUNT, "field \"count\" must be an integer", error))
    return FALSE;
  if (scan->number[F_COUNT] < 1 || scan->number[F_COUNT] > SB_MAX_SEATS_PER_REQUEST)
    return invalid (error, "field \"count\" must be from 1 to %d", SB_MAX_SEATS_PER_REQUEST);
  request->count = (gint) scan->number[F_COUNT];
  if (scan->present & BIT (F_CATEGORIES))
    {
      guint n = scan->n_categories;

      if (scan->kind[F_CATEGORIES] != SB_JSON_ARRAY || n < 1 || n > SB_MAX_CATEGORIES_PER_REQUEST)
        return invalid (error, "field \"categories\" must list 1-%d category ids",
                        SB_MAX_CATEGORIES_PER_REQUEST);
      for (guint i = 0; i < n; i++)
        if (scan->categories[i] == NULL
            || !has_length (scan->categories[i], strlen (scan->categories[i]),
                            SB_MAX_SEAT_ID_LENGTH))
          return invalid (error, "categories[%u] must be a category id of 1-%d characters", i,
                          SB_MAX_SEAT_ID_LENGTH);
      request->categories = g_memdup2 (scan->categories, (n + 1) * sizeof (char *));
      scan->n_categories = 0;
    }
  if (scan->present & BIT (F_MAX_PRICE))
    {
      if (!read_integer (scan, F_MAX_PRICE,
                         "field \"max_price\" must be an integer (minor units, e.g. cents)", error))
        return FALSE;
      if (scan->number[F_MAX_PRICE] < 0)
        return invalid (error, "field \"max_price\" must be 0 or more");
      request->max_price = scan->number[F_MAX_PRICE];
    }
  if (scan->present & BIT (F_TOGETHER))
    {
      if (scan->kind[F_TOGETHER] != SB_JSON_BOOLEAN)
        return invalid (error, "field \"together\" must be true or false");
      request->apart = !scan->boolean[F_TOGETHER];
    }
  return TRUE;
}

/* find_bookings' criteria (docs/protocol.md, "find_bookings"): at most one, each checked as the
 * customer field it is compared with. */
static gboolean
check_find_bookings (Scan *scan, SbRequest *request, GError **error)
{
  static const Field criteria[] = { F_REFERENCE, F_NAME, F_PHONE, F_EMAIL, F_SEAT };
  char **slots[] = { &request->reference, &request->name, &request->phone, &request->email,
                     &request->seat_id };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (criteria); i++)
    if (scan->present & BIT (criteria[i]))
      n++;
  if (n > 1)
    return invalid (error, "a \"find_bookings\" request takes at most one of \"reference\", "
                           "\"name\", \"phone\", \"email\" and \"seat\"");
  for (guint i = 0; i < G_N_ELEMENTS (criteria); i++)
    {
      Field f = criteria[i];
      g_autofree char *problem = NULL;

      if (!(scan->present & BIT (f)) || *slots[i] != NULL)
        continue;
      if (f == F_REFERENCE)
        return take_string (scan, f, SB_MAX_NAME_ID_LENGTH, slots[i], error);
      problem = sb_customer_check_field ("", _sb_request_field_names[f],
                                         scan->kind[f] == SB_JSON_STRING ? scan->string[f] : NULL);
      if (problem != NULL)
        return invalid (error, "%s", problem);
      *slots[i] = g_steal_pointer (&scan->string[f]);
    }
  if ((scan->present & BIT (F_AFTER))
      && !take_string (scan, F_AFTER, SB_MAX_NAME_ID_LENGTH, &request->after, error))
    return FALSE;
  return TRUE;
}

/* The "reason" of cancel, block and unblock: 1-500 characters, not only white space. */
static gboolean
check_reason (Scan *scan, SbRequest *request, GError **error)
{
  gboolean blank = TRUE;

  if (!take_string (scan, F_REASON, SB_MAX_CANCEL_REASON_LENGTH, &request->reason, error))
    return FALSE;
  for (const char *p = request->reason; *p != '\0' && blank; p = g_utf8_next_char (p))
    blank = g_unichar_isspace (g_utf8_get_char (p));
  if (blank)
    return invalid (error, "field \"reason\" must say why (it is blank)");
  return TRUE;
}

/* cancel's "refund" and "reason" (docs/protocol.md, "cancel"). */
static gboolean
check_cancel (Scan *scan, SbRequest *request, GError **error)
{
  const char *kinds = "field \"refund\" must be {\"kind\": \"full\"}, {\"kind\": \"none\"} or "
                      "{\"kind\": \"partial\", \"amount\": N}";

  if (scan->kind[F_REFUND] != SB_JSON_OBJECT)
    return invalid (error, "%s", kinds);
  if (scan->refund_repeated)
    return invalid (error, "field \"refund\" names a member twice");
  if (scan->refund_unknown != NULL)
    return invalid (error, "unknown field \"%s\" in \"refund\"", scan->refund_unknown);
  if (!sb_refund_kind_from_string (scan->refund_kind, &request->refund_kind))
    return invalid (error, "%s", kinds);
  if (request->refund_kind != SB_REFUND_PARTIAL && scan->refund_has_amount)
    return invalid (error, "\"amount\" is only for a \"partial\" refund");
  if (request->refund_kind == SB_REFUND_PARTIAL)
    {
      if (!scan->refund_has_amount)
        return invalid (error, "a \"partial\" refund needs \"amount\"");
      if (scan->refund_amount_overflow)
        return invalid (error, "field \"amount\" is out of range");
      if (scan->refund_amount_type != SB_JSON_INT || scan->refund_amount < 1)
        return invalid (error, "field \"amount\" must be an integer of 1 or more (minor units, "
                               "e.g. cents)");
      request->refund_amount = scan->refund_amount;
    }
  return check_reason (scan, request, error);
}

/* create_event's own fields (docs/protocol.md, "create_event"): taken here as strings, judged by
 * _sb_request_check_event (sb-request-event.c). */
static gboolean
check_create_event (Scan *scan, SbRequest *request, GError **error)
{
  static const Field fields[]
      = { F_TIME_ZONE, F_STARTS_AT, F_SALES_OPEN, F_SALES_CLOSE, F_ORPHAN_RULE };
  char **slots[] = { &request->time_zone, &request->starts_at, &request->sales_open,
                     &request->sales_close, &request->orphan_rule };

  if (!take_string (scan, F_NAME, SB_MAX_EVENT_NAME_LENGTH, &request->name, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if ((scan->present & BIT (fields[i])) && !take_string (scan, fields[i], 64, slots[i], error))
      return FALSE;
  if (!_sb_request_check_event (request, error))
    return FALSE;
  if (((scan->present & BIT (F_VENUE)) != 0) == ((scan->present & BIT (F_VENUE_TEXT)) != 0))
    return invalid (error,
                    "a \"create_event\" request needs either \"venue\" (a venue's id) or "
                    "\"venue_text\" (a venue document)%s",
                    (scan->present & BIT (F_VENUE)) ? ", not both" : "");
  if (scan->present & BIT (F_VENUE))
    return take_string (scan, F_VENUE, SB_MAX_NAME_ID_LENGTH, &request->venue_id, error);
  /* The frame's size bounds the document; the venue loader judges it. */
  if (scan->kind[F_VENUE_TEXT] != SB_JSON_STRING || scan->string_length[F_VENUE_TEXT] == 0)
    return invalid (error, "field \"venue_text\" must be a venue document as a string");
  request->venue_text = g_steal_pointer (&scan->string[F_VENUE_TEXT]);
  return TRUE;
}

/* The checks, in the order the tree-based parser made them. */
static gboolean
check_scan (Scan *scan, SbRequest **out, GError **error)
{
  g_autoptr (SbRequest) request = NULL;
  const TypeSpec *spec;
  const char *type_name;
  guint first_bad = G_MAXUINT;
  const char *bad_name = NULL;

  if (scan->duplicate != N_FIELDS)
    return invalid (error, "field \"%s\" appears twice", _sb_request_field_names[scan->duplicate]);

  if (!(scan->present & BIT (F_TYPE)))
    return invalid (error, "missing field \"type\"");
  if (scan->kind[F_TYPE] != SB_JSON_STRING)
    return invalid (error, "field \"type\" must be a string");
  if (scan->type == G_N_ELEMENTS (_sb_request_type_names))
    return invalid (error, "unknown request type \"%s\"", scan->unknown_type);
  type_name = _sb_request_type_names[scan->type];
  spec = &_sb_request_type_specs[scan->type];

  if (!(scan->present & BIT (F_ID)))
    return invalid (error, "missing field \"id\"");

  /* The first member, in the frame's order, that this type does not take. */
  if (scan->unknown_name != NULL)
    {
      first_bad = scan->unknown_position;
      bad_name = scan->unknown_name;
    }
  for (guint f = 0; f < N_FIELDS; f++)
    if ((scan->present & BIT (f)) && !(spec->allowed & BIT (f)) && scan->position[f] < first_bad)
      {
        first_bad = scan->position[f];
        bad_name = _sb_request_field_names[f];
      }
  if (bad_name != NULL)
    return invalid (error, "unknown field \"%s\" in a \"%s\" request", bad_name, type_name);

  for (guint f = 0; f < N_FIELDS; f++)
    if ((spec->required & BIT (f)) && !(scan->present & BIT (f)))
      return invalid (error, "missing field \"%s\"", _sb_request_field_names[f]);

  if (!check_string (scan, F_ID, SB_MAX_REQUEST_ID_LENGTH, error))
    return FALSE;

  if (scan->type == SB_REQUEST_BOOK)
    {
      gboolean by_hold = (scan->present & BIT (F_HOLD)) != 0;
      gboolean by_seats = (scan->present & (BIT (F_EVENT) | BIT (F_SEATS))) != 0;

      if (by_hold == by_seats)
        return invalid (error,
                        "a \"book\" request needs either \"hold\" or \"event\" and \"seats\"%s",
                        by_hold ? ", not both" : "");
      if (by_seats && !(scan->present & BIT (F_EVENT)))
        return invalid (error, "missing field \"event\"");
      if (by_seats && !(scan->present & BIT (F_SEATS)))
        return invalid (error, "missing field \"seats\"");
      /* A booking by hold takes no seat: the orphan rule judged the hold. */
      if (by_hold && (scan->present & BIT (F_OVERRIDE_ORPHAN_RULE)))
        return invalid (error, "field \"override_orphan_rule\" goes with \"event\" and "
                               "\"seats\", not \"hold\"");
    }

  /* A release of the whole hold frees no seat next to seats it keeps: nothing to override. */
  if (scan->type == SB_REQUEST_RELEASE && (scan->present & BIT (F_OVERRIDE_ORPHAN_RULE))
      && !(scan->present & BIT (F_SEATS)))
    return invalid (error, "field \"override_orphan_rule\" goes with \"seats\" in a \"release\" "
                           "request");

  if (scan->type == SB_REQUEST_SIGN_IN)
    {
      gboolean by_password = (scan->present & (BIT (F_USERNAME) | BIT (F_PASSWORD))) != 0;
      gboolean by_token = (scan->present & BIT (F_TOKEN)) != 0;

      if (by_password == by_token)
        return invalid (error,
                        "a \"sign_in\" request needs either \"username\" and \"password\" or "
                        "\"token\"%s",
                        by_token ? ", not both" : "");
      if (by_password && !(scan->present & BIT (F_USERNAME)))
        return invalid (error, "missing field \"username\"");
      if (by_password && !(scan->present & BIT (F_PASSWORD)))
        return invalid (error, "missing field \"password\"");
    }

  request = sb_request_new ((SbRequestType) scan->type, NULL);
  if ((scan->present & BIT (F_CLIENT))
      && !take_string (scan, F_CLIENT, SB_MAX_CLIENT_NAME_LENGTH, &request->client_name, error))
    return FALSE;
  if ((scan->present & BIT (F_CLIENT_ID))
      && !take_string (scan, F_CLIENT_ID, SB_MAX_CLIENT_ID_LENGTH, &request->client_id, error))
    return FALSE;
  if (scan->present & BIT (F_PROTOCOL))
    {
      if (!read_integer (scan, F_PROTOCOL, "field \"protocol\" must be an integer", error))
        return FALSE;
      if (scan->number[F_PROTOCOL] < SB_PROTOCOL_MIN_VERSION
          || scan->number[F_PROTOCOL] > SB_PROTOCOL_VERSION)
        return invalid (error, "unsupported protocol %" G_GINT64_FORMAT " (this server speaks %d)",
                        scan->number[F_PROTOCOL], SB_PROTOCOL_VERSION);
      request->protocol = (gint) scan->number[F_PROTOCOL];
    }
  if ((scan->present & BIT (F_EVENT))
      && !take_string (scan, F_EVENT, SB_MAX_NAME_ID_LENGTH, &request->event_id, error))
    return FALSE;
  if (scan->present & BIT (F_SINCE))
    {
      if (!read_integer (scan, F_SINCE, "field \"since\" must be an integer >= 0", error))
        return FALSE;
      if (scan->number[F_SINCE] < 0)
        return invalid (error, "field \"since\" must be an integer >= 0");
      request->since = scan->number[F_SINCE];
    }
  if ((scan->present & BIT (F_SEATS)) && !take_seats (scan, &request->seats, error))
    return FALSE;
  if ((scan->present & BIT (F_HOLD))
      && !take_string (scan, F_HOLD, SB_MAX_NAME_ID_LENGTH, &request->hold_id, error))
    return FALSE;
  if (scan->present & BIT (F_TTL))
    {
      gint64 ttl;

      if (!read_integer (scan, F_TTL, "field \"ttl\" must be an integer number of seconds", error))
        return FALSE;
      ttl = scan->number[F_TTL];
      if (ttl < SB_MIN_HOLD_TTL_SECONDS || ttl > SB_MAX_HOLD_TTL_SECONDS)
        return invalid (error, "field \"ttl\" must be from %d to %d seconds, not %" G_GINT64_FORMAT,
                        SB_MIN_HOLD_TTL_SECONDS, SB_MAX_HOLD_TTL_SECONDS, ttl);
      request->ttl_seconds = ttl;
    }
  if (scan->type == SB_REQUEST_HOLD_BEST && !check_hold_best (scan, request, error))
    return FALSE;
  if (scan->present & BIT (F_OVERRIDE_ORPHAN_RULE))
    {
      if (scan->kind[F_OVERRIDE_ORPHAN_RULE] != SB_JSON_BOOLEAN)
        return invalid (error, "field \"override_orphan_rule\" must be true or false");
      request->override_orphan_rule = scan->boolean[F_OVERRIDE_ORPHAN_RULE];
    }

  if ((scan->present & BIT (F_USERNAME))
      && !take_string (scan, F_USERNAME, SB_MAX_USERNAME_LENGTH, &request->username, error))
    return FALSE;
  if ((scan->present & BIT (F_PASSWORD))
      && !take_string (scan, F_PASSWORD, SB_MAX_PASSWORD_LENGTH, &request->password, error))
    return FALSE;
  if ((scan->present & BIT (F_TOKEN))
      && !take_string (scan, F_TOKEN, SB_MAX_TOKEN_LENGTH, &request->token, error))
    return FALSE;
  if ((scan->present & BIT (F_SEAT))
      && !take_string (scan, F_SEAT, SB_MAX_SEAT_ID_LENGTH, &request->seat_id, error))
    return FALSE;
  if ((scan->present & BIT (F_BOOKING))
      && !take_string (scan, F_BOOKING, SB_MAX_NAME_ID_LENGTH, &request->booking_id, error))
    return FALSE;
  if (scan->present & BIT (F_LIMIT))
    {
      gint64 max = scan->type == SB_REQUEST_FIND_BOOKINGS ? SB_MAX_FIND_LIMIT : SB_MAX_AUDIT_LIMIT;

      if (!read_integer (scan, F_LIMIT, "field \"limit\" must be an integer", error))
        return FALSE;
      if (scan->number[F_LIMIT] < 1 || scan->number[F_LIMIT] > max)
        return invalid (error, "field \"limit\" must be from 1 to %" G_GINT64_FORMAT, max);
      request->limit = scan->number[F_LIMIT];
    }
  if (scan->present & BIT (F_CUSTOMER))
    {
      if (scan->kind[F_CUSTOMER] != SB_JSON_OBJECT)
        return invalid (error, "field \"customer\" must be an object");
      if (scan->customer_problem != NULL)
        return invalid (error, "%s", scan->customer_problem);
      request->customer = g_steal_pointer (&scan->customer);
    }
  if (scan->type == SB_REQUEST_FIND_BOOKINGS && !check_find_bookings (scan, request, error))
    return FALSE;
  if (scan->type == SB_REQUEST_CANCEL && !check_cancel (scan, request, error))
    return FALSE;
  if ((scan->type == SB_REQUEST_BLOCK || scan->type == SB_REQUEST_UNBLOCK)
      && !check_reason (scan, request, error))
    return FALSE;
  if (scan->type == SB_REQUEST_MOVE && !check_move (scan, request, error))
    return FALSE;
  if (scan->type == SB_REQUEST_CREATE_EVENT && !check_create_event (scan, request, error))
    return FALSE;

  /* The id is taken last: until the request is complete, an error reply may need it. */
  request->id = g_steal_pointer (&scan->string[F_ID]);
  *out = g_steal_pointer (&request);
  return TRUE;
}

SbRequest *
sb_request_parse (const char *text, gsize length, char **out_request_id, GError **error)
{
  SbRequest *request = NULL;
  SbJsonReader reader;
  SbJsonValue root;
  Scan scan;
  gboolean well_formed;

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

  /* Slots start empty; arrays of pointers are zeroed by the memset too. */
  memset (&scan, 0, sizeof scan);
  scan.duplicate = N_FIELDS;
  scan.type = G_N_ELEMENTS (_sb_request_type_names);

  /* Malformed JSON is reported before anything about the request, wherever it is in the frame:
   * a client with a broken encoder should hear about that first. */
  sb_json_reader_init (&reader, text, length);
  well_formed = sb_json_reader_read_value (&reader, &root);
  if (well_formed && root.type == SB_JSON_OBJECT)
    well_formed = scan_object (&reader, &scan);
  else if (well_formed)
    well_formed = sb_json_reader_skip_rest (&reader, &root) && sb_json_reader_finish (&reader);

  if (!well_formed)
    {
      guint line, column;
      const char *problem = sb_json_reader_get_error (&reader, &line, &column);

      invalid (error, "malformed JSON: %u:%u: %s", line, column, problem);
      /* The reader also refuses some JSON that RFC 8259 allows ("\u0000" in a seat id, an
       * unpaired surrogate, deep nesting): when the frame is such a document with a readable
       * id, the client waiting for that id must still get its answer. */
      if (out_request_id != NULL)
        {
          g_autofree char *id = sb_json_find_root_string (text, length, "id");

          if (id != NULL && has_length (id, strlen (id), SB_MAX_REQUEST_ID_LENGTH))
            *out_request_id = g_steal_pointer (&id);
        }
    }
  else if (root.type != SB_JSON_OBJECT)
    invalid (error, "a request must be a JSON object");
  else if (!check_scan (&scan, &request, error) && out_request_id != NULL
           && (scan.present & BIT (F_ID)) && scan.kind[F_ID] == SB_JSON_STRING
           && has_length (scan.string[F_ID], scan.string_length[F_ID], SB_MAX_REQUEST_ID_LENGTH))
    /* The error reply echoes the id when it was a usable one (the first, if it was repeated). */
    *out_request_id = g_steal_pointer (&scan.string[F_ID]);

  sb_json_reader_clear (&reader);
  scan_clear (&scan);
  return request;
}
