/* test-op.c: the plain structs of sb-op.h that every backend and the server share. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "sb-op.h"
#include "sb-store.h"

static SbChange *
make_change (void)
{
  const char *const seats[] = { "A-1", "A-2", NULL };
  SbChange *change = sb_change_new ("ev", 7);

  g_ptr_array_add (change->seats, sb_seat_change_new ("A-1", SB_SEAT_HELD, "h_1"));
  g_ptr_array_add (change->seats, sb_seat_change_new ("A-2", SB_SEAT_HELD, "h_1"));
  g_ptr_array_add (change->seats, sb_seat_change_new ("B-4", SB_SEAT_FREE, NULL));
  g_ptr_array_add (change->holds, sb_hold_record_new ("h_1", "ev", "client-1", seats, 12345));
  g_ptr_array_add (change->holds,
                   sb_hold_record_new_owned ("h_2", "ev", "client-2", "anna", seats, 12346));
  change->ended_holds = g_new0 (char *, 2);
  change->ended_holds[0] = g_strdup ("h_0");
  change->committed_at_ms = 1000;
  return change;
}

/* The copy says what the original says (the change log encoding covers every field), and shares
 * no memory with it: freeing or editing the original leaves the copy as it was. */
static void
test_change_copy (void)
{
  g_autoptr (SbChange) change = make_change ();
  g_autofree char *before = sb_change_to_json (change);
  g_autoptr (SbChange) copy = sb_change_copy (change);
  g_autofree char *copied = sb_change_to_json (copy);
  g_autofree char *after = NULL;
  SbSeatChange *seat;
  SbHoldRecord *hold;

  g_assert_cmpstr (copied, ==, before);
  g_assert_true (copy->seats != change->seats);
  g_assert_true (copy->holds != change->holds);
  g_assert_true (copy->ended_holds != change->ended_holds);
  g_assert_true (g_ptr_array_index (copy->seats, 0) != g_ptr_array_index (change->seats, 0));
  g_assert_true (g_ptr_array_index (copy->holds, 0) != g_ptr_array_index (change->holds, 0));

  /* Edit the original everywhere: the copy does not move. */
  seat = g_ptr_array_index (change->seats, 0);
  g_free (seat->hold_id);
  seat->hold_id = g_strdup ("h_other");
  seat->state = SB_SEAT_BOOKED;
  hold = g_ptr_array_index (change->holds, 0);
  g_free (hold->seat_ids[0]);
  hold->seat_ids[0] = g_strdup ("Z-9");
  hold->expires_at_ms = 1;
  g_free (change->ended_holds[0]);
  change->ended_holds[0] = g_strdup ("h_x");
  g_ptr_array_set_size (change->seats, 1);
  change->version = 8;
  g_clear_pointer (&change, sb_change_free);

  after = sb_change_to_json (copy);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (copy->seats->len, ==, 3);
  g_assert_cmpint (copy->committed_at_ms, ==, 1000);
}

/* A change with nothing optional (no seats, holds or ended holds) copies as it is. */
static void
test_change_copy_empty (void)
{
  g_autoptr (SbChange) change = sb_change_new ("ev", 1);
  g_autoptr (SbChange) copy = sb_change_copy (change);
  g_autofree char *a = sb_change_to_json (change);
  g_autofree char *b = sb_change_to_json (copy);

  g_assert_cmpstr (a, ==, b);
  g_assert_null (copy->ended_holds);
  g_assert_cmpuint (copy->seats->len, ==, 0);
  g_assert_cmpuint (copy->holds->len, ==, 0);
}

/* The hold's account survives the change log (a server that reads another's change learns whose
 * hold it is); a change logged before accounts names none. */
static void
test_change_json_account (void)
{
  g_autoptr (SbChange) change = make_change ();
  g_autofree char *json = sb_change_to_json (change);
  g_autoptr (GError) error = NULL;
  g_autoptr (SbChange) read = sb_change_from_json (json, &error);
  const SbHoldRecord *hold;

  g_assert_no_error (error);
  g_assert_cmpuint (read->holds->len, ==, 2);
  hold = g_ptr_array_index (read->holds, 0);
  g_assert_null (hold->account);
  hold = g_ptr_array_index (read->holds, 1);
  g_assert_cmpstr (hold->account, ==, "anna");
  g_assert_cmpstr (hold->client_id, ==, "client-2");
}

/* An unparseable change keeps the JSON parser's error domain; the text says what was read. */
static void
test_change_from_json_error (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbChange) change = sb_change_from_json ("{\"event\": ", &error);

  g_assert_null (change);
  g_assert_nonnull (error);
  g_assert_true (error->domain == JSON_PARSER_ERROR);
  g_assert_true (g_str_has_prefix (error->message, "Invalid "));
}

/* The store's error domain is registered under its real name (G_DEFINE_QUARK stringifies its
 * argument: a formatter that spaces it out changes the name). */
static void
test_store_error_quark (void)
{
  g_assert_cmpstr (g_quark_to_string (SB_STORE_ERROR), ==, "sb-store-error-quark");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/op/change/copy", test_change_copy);
  g_test_add_func ("/op/change/copy-empty", test_change_copy_empty);
  g_test_add_func ("/op/change/from-json-error", test_change_from_json_error);
  g_test_add_func ("/op/change/json-account", test_change_json_account);
  g_test_add_func ("/store/error-quark", test_store_error_quark);
  return g_test_run ();
}
