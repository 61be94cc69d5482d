/* bench-request.c: times sb_request_parse() on a typical hold request. Not a test (tests never
 * assert on speed); run by hand:  bench-request [ITERATIONS]  (default 1,000,000). It links
 * against whichever sb-request.c it was built with, so the same file measures old and new. */
#include <stdlib.h>
#include <string.h>

#include "sb-request.h"

static const char hold_frame[]
    = "{\"type\": \"hold\", \"id\": \"c7-000123\", \"event\": \"opening-night\","
      " \"seats\": [\"stalls-C-12\", \"stalls-C-13\"], \"ttl\": 300}";

/* Rejected on a semantic check after a full scan: what a flood of bad requests costs. */
static const char bad_frame[]
    = "{\"type\": \"hold\", \"id\": \"c7-000124\", \"event\": \"opening-night\","
      " \"seats\": [\"stalls-C-12\", \"stalls-C-12\"], \"ttl\": 300}";

static double
run (const char *name, const char *frame, guint64 iterations, gboolean expect_ok)
{
  gsize length = strlen (frame);
  gint64 start, elapsed;
  guint64 ok = 0;

  start = g_get_monotonic_time ();
  for (guint64 i = 0; i < iterations; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *request_id = NULL;
      g_autoptr (SbRequest) request = sb_request_parse (frame, length, &request_id, &error);

      ok += request != NULL;
    }
  elapsed = g_get_monotonic_time () - start;
  if (ok != (expect_ok ? iterations : 0))
    g_error ("%s: unexpected result", name);
  g_print ("%-8s %" G_GUINT64_FORMAT " parses in %.3f s: %.3f us per request\n", name, iterations,
           elapsed / 1e6, (double) elapsed / (double) iterations);
  return (double) elapsed / (double) iterations;
}

int
main (int argc, char **argv)
{
  guint64 iterations = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 1000000;

  if (iterations == 0)
    {
      g_printerr ("usage: %s [ITERATIONS]\n", argv[0]);
      return EXIT_FAILURE;
    }
  /* Warm up: the first parse on a thread may set up per-thread state. */
  run ("warm-up", hold_frame, MIN (iterations, 10000), TRUE);
  run ("hold", hold_frame, iterations, TRUE);
  run ("rejected", bad_frame, iterations, FALSE);
  return EXIT_SUCCESS;
}
