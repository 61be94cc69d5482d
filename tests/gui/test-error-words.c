/* test-error-words.c: every error code of the protocol has the app's own words for a person
 * (sb_error_code_get_message ()), not the words for a fault of the server (no display). */
#include "config.h"

#include "sb-util.h"

static void
test_every_code (void)
{
  const char *fault = sb_error_code_get_message (SB_ERROR_INTERNAL);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = 0;

  /* Every code the protocol can name, the ones added after this test included. */
  for (SbErrorCode code = SB_ERROR_NONE + 1; sb_error_code_to_string (code) != NULL; code++)
    {
      const char *words = sb_error_code_get_message (code);

      g_test_message ("%s: %s", sb_error_code_to_string (code), words);
      g_assert_nonnull (words);
      g_assert_cmpstr (words, !=, "");
      if (code != SB_ERROR_INTERNAL)
        g_assert_cmpstr (words, !=, fault);
      /* Two codes with the same words would tell a person nothing about which it was. */
      g_assert_false (g_hash_table_contains (seen, words));
      g_hash_table_add (seen, (gpointer) words);
      n++;
    }
  g_assert_cmpuint (n, >=, 14);
  g_assert_cmpstr (sb_error_code_get_message (SB_ERROR_SALES_CLOSED), ==,
                   "Sales for this event have closed. Seats can no longer be held or booked.");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/error-words/every-code", test_every_code);
  return g_test_run ();
}
