/* The customer on a booking and the find_bookings request (issue 11, docs/protocol.md): what the
 * parser accepts and refuses, naming the field, and the folded search keys. */
#include <string.h>

#include "sb-customer.h"
#include "sb-message-bookings.h"
#include "sb-request.h"

static SbRequest *
parse (const char *text, GError **error)
{
  return sb_request_parse (text, strlen (text), NULL, error);
}

/* The request is refused with invalid_request whose message contains expected. */
static void
assert_refused (const char *text, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbRequest) request = parse (text, &error);

  g_assert_null (request);
  g_assert_error (error, SB_PROTOCOL_ERROR, SB_ERROR_INVALID_REQUEST);
  if (strstr (error->message, expected) == NULL)
    g_error ("%s: message \"%s\" does not contain \"%s\"", text, error->message, expected);
}

static void
test_book_with_customer (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbRequest) request
      = parse ("{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h_1\",\"customer\":{\"name\":\"Zoë "
               "Müller\",\"phone\":\"+49 (30) 123-45/6\",\"email\":\"zoe@example.org\","
               "\"note\":\"Wheelchair\\nsecond line\"}}",
               &error);
  g_autofree char *json = NULL;
  g_autoptr (SbRequest) again = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (request->customer);
  g_assert_cmpstr (request->customer->name, ==, "Zoë Müller");
  g_assert_cmpstr (request->customer->phone, ==, "+49 (30) 123-45/6");
  g_assert_cmpstr (request->customer->email, ==, "zoe@example.org");
  g_assert_cmpstr (request->customer->note, ==, "Wheelchair\nsecond line");

  /* What the app writes is what the server reads. */
  json = sb_request_to_json (request);
  again = parse (json, &error);
  g_assert_no_error (error);
  g_assert_true (sb_customer_equal (request->customer, again->customer));

  /* Old clients send no customer; a name alone is enough; Unicode names of any script. */
  g_clear_pointer (&request, sb_request_free);
  request = parse ("{\"type\":\"book\",\"id\":\"1\",\"event\":\"e\",\"seats\":[\"A-1\"]}", &error);
  g_assert_no_error (error);
  g_assert_null (request->customer);
  g_clear_pointer (&request, sb_request_free);
  request = parse ("{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"name\":\"李\"}}",
                   &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->customer->name, ==, "李");
  g_assert_null (request->customer->email);
}

static void
test_book_customer_refused (void)
{
  g_autoptr (GString) long_name = g_string_new (NULL);
  g_autofree char *text = NULL;

  assert_refused ("{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":\"Anna\"}",
                  "field \"customer\" must be an object");
  assert_refused ("{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{}}",
                  "field \"customer\" must name at least one");
  assert_refused ("{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"age\":3}}",
                  "unknown field \"age\" in \"customer\"");
  assert_refused ("{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"name\":\"a\","
                  "\"name\":\"b\"}}",
                  "field \"customer.name\" appears twice");
  assert_refused ("{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"name\":7}}",
                  "field \"customer.name\" must be a string of 1-200 characters");
  assert_refused ("{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"name\":\"\"}}",
                  "field \"customer.name\" must be a string of 1-200 characters");
  assert_refused ("{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"name\":\"- -\"}}",
                  "field \"customer.name\" must contain a letter or a digit");
  assert_refused (
      "{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"name\":\"An\\nna\"}}",
      "field \"customer.name\" must not contain control characters");
  assert_refused (
      "{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"name\":\"An\\u202Ena\"}}",
      "field \"customer.name\" must not contain control characters");
  assert_refused (
      "{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"note\":\"a\\u0007b\"}}",
      "field \"customer.note\" must not contain control characters");
  assert_refused (
      "{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"phone\":\"030 12a\"}}",
      "field \"customer.phone\" may hold only digits");
  assert_refused (
      "{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"phone\":\"+()\"}}",
      "field \"customer.phone\" must contain a digit");
  assert_refused ("{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"phone\":"
                  "\"12345678901234567890123456789012345678901\"}}",
                  "field \"customer.phone\" must be a string of 1-40 characters");
  for (const char *const *bad = (const char *const[]){ "anna", "a@b", "a@@b.c", "@b.c", "a@.c",
                                                       "a b@c.d", "a@b.c.", "a@b@c.d", NULL };
       *bad != NULL; bad++)
    {
      g_autofree char *frame = g_strdup_printf (
          "{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"email\":\"%s\"}}", *bad);

      assert_refused (frame, "field \"customer.email\" must be an address");
    }

  /* 200 characters of a two-byte letter pass; 201 do not. */
  for (guint i = 0; i < 200; i++)
    g_string_append (long_name, "ü");
  text = g_strdup_printf (
      "{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"name\":\"%s\"}}",
      long_name->str);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (SbRequest) request = parse (text, &error);

    g_assert_no_error (error);
    g_assert_nonnull (request->customer);
  }
  g_string_append (long_name, "ü");
  g_free (text);
  text = g_strdup_printf (
      "{\"type\":\"book\",\"id\":\"1\",\"hold\":\"h\",\"customer\":{\"name\":\"%s\"}}",
      long_name->str);
  assert_refused (text, "field \"customer.name\" must be a string of 1-200 characters");

  /* Only book takes a customer. */
  assert_refused (
      "{\"type\":\"hold\",\"id\":\"1\",\"event\":\"e\",\"seats\":[\"A\"],\"customer\":{\"name\":"
      "\"x\"}}",
      "unknown field \"customer\" in a \"hold\" request");
}

static void
test_find_bookings (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbRequest) request = parse (
      "{\"type\":\"find_bookings\",\"id\":\"1\",\"event\":\"e\",\"name\":\"mül\",\"limit\":100,"
      "\"after\":\"B7K3QX9M\"}",
      &error);
  g_autofree char *json = NULL;
  g_autoptr (SbRequest) again = NULL;
  SbRole role;

  g_assert_no_error (error);
  g_assert_cmpint (request->type, ==, SB_REQUEST_FIND_BOOKINGS);
  g_assert_cmpstr (request->event_id, ==, "e");
  g_assert_cmpstr (request->name, ==, "mül");
  g_assert_cmpint (request->limit, ==, 100);
  g_assert_cmpstr (request->after, ==, "B7K3QX9M");
  json = sb_request_to_json (request);
  again = parse (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->name, ==, "mül");
  g_assert_cmpstr (again->after, ==, "B7K3QX9M");

  g_assert_true (sb_request_type_required_role (SB_REQUEST_FIND_BOOKINGS, &role));
  g_assert_cmpint (role, ==, SB_ROLE_CLERK);

  for (const char *const *ok
       = (const char *const[]){ "{\"type\":\"find_bookings\",\"id\":\"1\",\"event\":\"e\"}",
                                "{\"type\":\"find_bookings\",\"id\":\"1\",\"event\":\"e\","
                                "\"reference\":\"b7k3qx9m\"}",
                                "{\"type\":\"find_bookings\",\"id\":\"1\",\"event\":\"e\","
                                "\"phone\":\"030 123\"}",
                                "{\"type\":\"find_bookings\",\"id\":\"1\",\"event\":\"e\","
                                "\"email\":\"A@B.de\"}",
                                "{\"type\":\"find_bookings\",\"id\":\"1\",\"event\":\"e\","
                                "\"seat\":\"stalls-A-1\"}",
                                NULL };
       *ok != NULL; ok++)
    {
      g_autoptr (SbRequest) r = parse (*ok, &error);

      g_assert_no_error (error);
      g_assert_cmpint (r->type, ==, SB_REQUEST_FIND_BOOKINGS);
    }

  assert_refused ("{\"type\":\"find_bookings\",\"id\":\"1\"}", "missing field \"event\"");
  assert_refused ("{\"type\":\"find_bookings\",\"id\":\"1\",\"event\":\"e\",\"name\":\"a\","
                  "\"phone\":\"1\"}",
                  "at most one of");
  assert_refused ("{\"type\":\"find_bookings\",\"id\":\"1\",\"event\":\"e\",\"limit\":101}",
                  "field \"limit\" must be from 1 to 100");
  assert_refused ("{\"type\":\"find_bookings\",\"id\":\"1\",\"event\":\"e\",\"limit\":0}",
                  "field \"limit\" must be from 1 to 100");
  assert_refused ("{\"type\":\"find_bookings\",\"id\":\"1\",\"event\":\"e\",\"name\":\"\"}",
                  "field \"name\" must be a string");
  assert_refused ("{\"type\":\"find_bookings\",\"id\":\"1\",\"event\":\"e\",\"email\":\"x\"}",
                  "field \"email\" must be an address");
  assert_refused ("{\"type\":\"find_bookings\",\"id\":\"1\",\"event\":\"e\",\"phone\":\"abc\"}",
                  "field \"phone\" may hold only digits");
  assert_refused ("{\"type\":\"find_bookings\",\"id\":\"1\",\"event\":\"e\",\"after\":\"\"}",
                  "field \"after\" must be a string");
  assert_refused ("{\"type\":\"find_bookings\",\"id\":\"1\",\"event\":\"e\",\"customer\":{}}",
                  "unknown field \"customer\" in a \"find_bookings\" request");
  /* audit keeps its own limit. */
  {
    g_autoptr (SbRequest) r
        = parse ("{\"type\":\"audit\",\"id\":\"1\",\"event\":\"e\",\"limit\":1000}", &error);

    g_assert_no_error (error);
    g_assert_cmpint (r->limit, ==, 1000);
  }
}

static void
test_folding (void)
{
  static const struct
  {
    const char *in;
    const char *folded;
  } cases[] = {
    { "Müller", "muller" },
    { "MÜLLER", "muller" },
    { "Mu\xcc\x88ller", "muller" }, /* decomposed ü */
    { "Zoë", "zoe" },
    { "Anna-Lena  O'Brien", "anna lena o brien" },
    { "Straße", "strasse" },
    { "李 小龍", "李 小龍" },
    { "Ångström", "angstrom" },
    { "  --  ", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = sb_customer_fold (cases[i].in);

      g_assert_cmpstr (folded, ==, cases[i].folded);
    }

  {
    g_auto (GStrv) keys = sb_customer_name_keys ("Anna-Lena Müller");
    const char *const expected[] = { "anna lena muller", "lena muller", "muller", NULL };

    g_assert_cmpstrv (keys, expected);
  }
  {
    g_auto (GStrv) keys = sb_customer_name_keys (NULL);

    g_assert_cmpuint (g_strv_length (keys), ==, 0);
  }
  {
    g_autofree char *digits = sb_customer_phone_key ("+49 (30) 123-45/6");
    g_autofree char *none = sb_customer_phone_key ("+()");
    g_autofree char *email = sb_customer_email_key ("Anna.Muller@Example.ORG");

    g_assert_cmpstr (digits, ==, "4930123456");
    g_assert_null (none);
    g_assert_cmpstr (email, ==, "anna.muller@example.org");
  }
}

static void
test_bookings_message (void)
{
  const char *const seats[] = { "A-1", "A-2", NULL };
  g_autoptr (SbCustomer) customer = sb_customer_new ("Zoë \"Z\"", NULL, "z@example.org", NULL);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *root, *first;
  JsonArray *bookings;

  sb_bookings_message_write_begin (out, "7", "e");
  sb_bookings_entry_write (out, "B7K3QX9M", seats, "anna", "desk-1", customer, 1764190000000, 9000,
                           "booked");
  sb_bookings_entry_write (out, "C8K3QX9M", seats, "anna", NULL, NULL, 1764190000001, 0, "booked");
  sb_bookings_message_write_end (out, "C8K3QX9M");

  g_assert_true (json_parser_load_from_data (parser, out->str, out->len, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "type"), ==, "bookings");
  g_assert_cmpstr (json_object_get_string_member (root, "re"), ==, "7");
  g_assert_cmpstr (json_object_get_string_member (root, "next"), ==, "C8K3QX9M");
  bookings = json_object_get_array_member (root, "bookings");
  g_assert_cmpuint (json_array_get_length (bookings), ==, 2);
  first = json_array_get_object_element (bookings, 0);
  g_assert_cmpint (json_object_get_int_member (first, "total_price"), ==, 9000);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (first, "customer"), "name"), ==,
      "Zoë \"Z\"");
  g_assert_true (
      json_object_get_null_member (json_array_get_object_element (bookings, 1), "customer"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/customer/book", test_book_with_customer);
  g_test_add_func ("/customer/book-refused", test_book_customer_refused);
  g_test_add_func ("/customer/find-bookings", test_find_bookings);
  g_test_add_func ("/customer/folding", test_folding);
  g_test_add_func ("/customer/bookings-message", test_bookings_message);
  return g_test_run ();
}
