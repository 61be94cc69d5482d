/* test-best-available.c: the seat quality order and adjacency of the venue model, the lone-seat
 * test, and the best-available search on straight rows, curved rows, aisles and sections, with
 * property tests over random venues and occupancy checked by brute force; the occupancy cache
 * hold_best reads through (entries by version, kept only when their batch commits). */
#include "config.h"

#include <string.h>

#include "sb-best-available.h"
#include "sb-occupancy-cache-private.h"

static SbVenue *
venue_from (const char *json)
{
  g_autoptr (GError) error = NULL;
  SbVenue *venue = sb_venue_new_from_data (json, -1, "test", &error);

  g_assert_no_error (error);
  return venue;
}

/* One row of n seats in a straight line facing a stage at x = centre, gap_after on the seats of
 * gaps (a comma-separated list of 1-based numbers). */
static char *
straight_row_venue (guint n, const char *gaps, const char *extra_row)
{
  GString *s = g_string_new (NULL);
  g_auto (GStrv) gap_list = g_strsplit (gaps, ",", -1);

  g_string_append (s, "{\"format\":1,\"id\":\"v\",\"name\":\"V\",\"currency\":\"EUR\","
                      "\"stage\":{\"x\":-1,\"y\":-3,\"width\":2,\"height\":1},"
                      "\"categories\":[{\"id\":\"a\",\"name\":\"A\",\"price\":100,"
                      "\"colour\":\"#000000\"},{\"id\":\"b\",\"name\":\"B\",\"price\":50,"
                      "\"colour\":\"#ffffff\"}],\"sections\":[{\"id\":\"s\",\"name\":\"S\","
                      "\"rows\":[{\"id\":\"A\",\"label\":\"A\",\"seats\":[");
  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *number = g_strdup_printf ("%u", i);

      g_string_append_printf (
          s,
          "%s{\"id\":\"A-%u\",\"label\":\"%u\",\"x\":%g,\"y\":0,"
          "\"category\":\"%s\"%s}",
          i > 1 ? "," : "", i, i, (double) i - (n + 1) / 2.0, i % 2 ? "a" : "b",
          g_strv_contains ((const char *const *) gap_list, number) ? ",\"gap_after\":true" : "");
    }
  g_string_append_printf (s, "]}%s]}]}", extra_row != NULL ? extra_row : "");
  return g_string_free (s, FALSE);
}

static void
test_old_venue_still_loads (void)
{
  g_autofree char *json = straight_row_venue (3, "", NULL);
  g_autoptr (SbVenue) venue = venue_from (json);

  /* No rank anywhere: every seat unranked, ordered by distance to the stage's centre. */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (sb_venue_get_seat (venue, i)->rank, ==, 0);
  g_assert_cmpuint (sb_venue_get_quality_order (venue)[0], ==, 1);
  g_assert_true (sb_venue_seats_adjacent (venue, 0));
  g_assert_true (sb_venue_seats_adjacent (venue, 1));
  g_assert_false (sb_venue_seats_adjacent (venue, 2));
}

static void
test_rank_inherited (void)
{
  const char *json
      = "{\"format\":1,\"id\":\"v\",\"name\":\"V\",\"currency\":\"EUR\",\"categories\":[{\"id\":"
        "\"a\",\"name\":\"A\",\"price\":1,\"colour\":\"#000000\"}],\"sections\":["
        "{\"id\":\"back\",\"name\":\"Back\",\"rank\":3,\"rows\":[{\"id\":\"A\",\"label\":\"A\","
        "\"seats\":[{\"id\":\"b1\",\"label\":\"1\",\"x\":0,\"y\":0,\"category\":\"a\"}]}]},"
        "{\"id\":\"front\",\"name\":\"Front\",\"rank\":2,\"rows\":[{\"id\":\"A\",\"label\":\"A\","
        "\"rank\":1,\"seats\":[{\"id\":\"f1\",\"label\":\"1\",\"x\":0,\"y\":9,\"category\":\"a\"},"
        "{\"id\":\"f2\",\"label\":\"2\",\"x\":1,\"y\":9,\"category\":\"a\",\"rank\":5}]}]},"
        "{\"id\":\"none\",\"name\":\"None\",\"rows\":[{\"id\":\"A\",\"label\":\"A\","
        "\"seats\":[{\"id\":\"n1\",\"label\":\"1\",\"x\":0,\"y\":1,\"category\":\"a\"}]}]}]}";
  g_autoptr (SbVenue) venue = venue_from (json);
  const guint *order = sb_venue_get_quality_order (venue);

  g_assert_cmpuint (sb_venue_get_seat (venue, 0)->rank, ==, 3);
  g_assert_cmpuint (sb_venue_get_seat (venue, 1)->rank, ==, 1);
  g_assert_cmpuint (sb_venue_get_seat (venue, 2)->rank, ==, 5);
  g_assert_cmpuint (sb_venue_get_seat (venue, 3)->rank, ==, 0);
  /* f1 (1), b1 (3), f2 (5), then the unranked n1. */
  g_assert_cmpuint (order[0], ==, 1);
  g_assert_cmpuint (order[1], ==, 0);
  g_assert_cmpuint (order[2], ==, 2);
  g_assert_cmpuint (order[3], ==, 3);
  g_assert_cmpuint (sb_venue_get_seat (venue, 3)->quality, ==, 3);
}

static void
test_bad_fields (void)
{
  static const struct
  {
    const char *seat_extra;
    const char *message;
  } cases[] = {
    { ",\"rank\":0", "test: sections[0].rows[0].seats[0] (\"x1\"): field \"rank\" must be an "
                     "integer from 1 to 1000000" },
    { ",\"rank\":1.5", "test: sections[0].rows[0].seats[0] (\"x1\"): field \"rank\" must be an "
                       "integer from 1 to 1000000" },
    { ",\"gap_after\":1",
      "test: sections[0].rows[0].seats[0] (\"x1\"): field \"gap_after\" must be true or false" },
    { ",\"gap_after\":true", "test: sections[0].rows[0].seats[1] (\"x2\"): the last seat of a row "
                             "cannot have \"gap_after\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (SbVenue) venue = NULL;
      g_autofree char *json = g_strdup_printf (
          "{\"format\":1,\"id\":\"v\",\"name\":\"V\",\"currency\":\"EUR\",\"categories\":[{\"id\":"
          "\"a\",\"name\":\"A\",\"price\":1,\"colour\":\"#000000\"}],\"sections\":[{\"id\":\"s\","
          "\"name\":\"S\",\"rows\":[{\"id\":\"A\",\"label\":\"A\",\"seats\":[{\"id\":\"x1\","
          "\"label\":\"1\",\"x\":0,\"y\":0,\"category\":\"a\"%s},{\"id\":\"x2\",\"label\":\"2\","
          "\"x\":1,\"y\":0,\"category\":\"a\"%s}]}]}]}",
          i < 3 ? cases[i].seat_extra : "", i < 3 ? "" : cases[i].seat_extra);

      venue = sb_venue_new_from_data (json, -1, "test", &error);
      g_assert_null (venue);
      g_assert_error (error, SB_VENUE_ERROR, SB_VENUE_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static guint8 *
occupancy (SbVenue *venue, const char *pattern)
{
  guint n = sb_venue_get_n_seats (venue);
  guint8 *taken = g_new0 (guint8, n);

  g_assert_cmpuint (strlen (pattern), ==, n);
  for (guint i = 0; i < n; i++)
    taken[i] = pattern[i] == 'x';
  return taken;
}

static void
test_lone_seat (void)
{
  g_autofree char *json = straight_row_venue (7, "4", NULL);
  g_autoptr (SbVenue) venue = venue_from (json);
  /* Seats 1-4 | 5-7 (gap after 4). */
  g_autofree guint8 *taken = occupancy (venue, "x.x...x");
  guint changed[] = { 2 };

  g_assert_true (sb_orphan_is_lone_seat (venue, taken, 1));  /* between two taken */
  g_assert_true (sb_orphan_is_lone_seat (venue, taken, 3));  /* taken left, the gap right */
  g_assert_false (sb_orphan_is_lone_seat (venue, taken, 4)); /* the gap left, free right */
  g_assert_false (sb_orphan_is_lone_seat (venue, taken, 5));
  g_assert_false (sb_orphan_is_lone_seat (venue, taken, 0)); /* taken */
  g_assert_cmpint (sb_orphan_find_lone_seat (venue, taken, changed, 1), ==, 1);
}

static void
query_init (SbBestQuery *q, guint count, gboolean together)
{
  memset (q, 0, sizeof *q);
  q->count = count;
  q->together = together;
  q->max_price = -1;
  q->allow_lone_seat = TRUE;
}

static void
test_straight_row (void)
{
  g_autofree char *json = straight_row_venue (9, "", NULL);
  g_autoptr (SbVenue) venue = venue_from (json);
  g_autofree guint8 *taken = occupancy (venue, ".........");
  SbBestQuery q;
  SbBestResult r;

  /* The middle three, seats 4-6. */
  query_init (&q, 3, TRUE);
  g_assert_true (sb_best_available_find (venue, taken, &q, &r));
  g_assert_cmpuint (r.n_seats, ==, 3);
  g_assert_cmpuint (r.seats[0], ==, 3);
  g_assert_cmpint (r.lone_seat, ==, -1);

  /* Two of an even row's middle: a tie, broken towards the lower index. */
  query_init (&q, 2, TRUE);
  g_assert_true (sb_best_available_find (venue, taken, &q, &r));
  g_assert_cmpuint (r.seats[0], ==, 3);
  g_assert_cmpuint (r.seats[1], ==, 4);

  /* At most 50 (price of category b) leaves the even seats: never side by side. */
  query_init (&q, 2, TRUE);
  q.max_price = 50;
  g_assert_false (sb_best_available_find (venue, taken, &q, &r));
  g_assert_cmpuint (r.available, ==, 1);
  q.together = FALSE;
  g_assert_true (sb_best_available_find (venue, taken, &q, &r));
  g_assert_cmpuint (r.seats[0], ==, 3);
  g_assert_cmpuint (r.seats[1], ==, 5);
}

static void
test_avoids_lone_seat (void)
{
  g_autofree char *json = straight_row_venue (9, "", NULL);
  g_autoptr (SbVenue) venue = venue_from (json);
  /* Free: 2-4 and 6-9 (1-based); the best pair 4-5 is gone. */
  g_autofree guint8 *taken = occupancy (venue, "x...x....");
  SbBestQuery q;
  SbBestResult r;

  /* Two together: 3-4 would leave 2 alone; 2-3 leaves 4 alone; 6-7 leaves nothing. */
  query_init (&q, 2, TRUE);
  g_assert_true (sb_best_available_find (venue, taken, &q, &r));
  g_assert_cmpuint (r.seats[0], ==, 5);
  g_assert_cmpint (r.lone_seat, ==, -1);

  /* Three together: 2-4 fills the block exactly. */
  query_init (&q, 3, TRUE);
  g_assert_true (sb_best_available_find (venue, taken, &q, &r));
  g_assert_cmpuint (r.seats[0], ==, 1);
}

static void
test_aisle_breaks_adjacency (void)
{
  /* 6 seats, an aisle after seat 3: no three together across it. */
  g_autofree char *json = straight_row_venue (6, "3", NULL);
  g_autoptr (SbVenue) venue = venue_from (json);
  g_autofree guint8 *taken = occupancy (venue, "x....x");
  SbBestQuery q;
  SbBestResult r;

  query_init (&q, 3, TRUE);
  g_assert_false (sb_best_available_find (venue, taken, &q, &r));
  g_assert_cmpuint (r.available, ==, 2);
  query_init (&q, 2, TRUE);
  g_assert_true (sb_best_available_find (venue, taken, &q, &r));
  g_assert_false (r.seats[0] == 2); /* 3 and 4 are not together */
  g_assert_cmpint (r.lone_seat, ==, -1);
}

static void
test_sample_venues (void)
{
  /* Curved rows (theatre), straight rows (cinema), sections and a bowl (arena). */
  static const char *const files[] = { "theatre.json", "cinema.json", "arena.json" };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *path = g_build_filename (SB_SOURCE_DATADIR, "venues", files[f], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (SbVenue) venue = sb_venue_new_from_file (path, &error);
      guint n;
      g_autofree guint8 *taken = NULL;
      guint held = 0;

      g_assert_no_error (error);
      n = sb_venue_get_n_seats (venue);
      taken = g_new0 (guint8, n);
      for (guint i = 0; i < n; i++)
        taken[i] = sb_venue_get_seat (venue, i)->blocked;
      /* Fill the house four at a time: every answer is side by side, free, and the first is the
       * venue's best seat's neighbourhood. */
      for (;;)
        {
          SbBestQuery q;
          SbBestResult r;

          query_init (&q, 4, TRUE);
          q.allow_lone_seat = FALSE;
          if (!sb_best_available_find (venue, taken, &q, &r))
            break;
          for (guint k = 0; k < 4; k++)
            {
              g_assert_false (taken[r.seats[k]]);
              if (k > 0)
                g_assert_cmpuint (r.seats[k], ==, r.seats[k - 1] + 1);
              if (k < 3)
                g_assert_true (sb_venue_seats_adjacent (venue, r.seats[k]));
              taken[r.seats[k]] = 1;
            }
          g_assert_cmpint (sb_orphan_find_lone_seat (venue, taken, r.seats, 4), ==, -1);
          held += 4;
        }
      g_assert_cmpuint (held, >, n / 2);
    }
}

/* Random venues and occupancy, against brute force. */

static char *
random_venue (GRand *rand)
{
  GString *s = g_string_new ("{\"format\":1,\"id\":\"v\",\"name\":\"V\",\"currency\":\"EUR\","
                             "\"categories\":[{\"id\":\"a\",\"name\":\"A\",\"price\":100,"
                             "\"colour\":\"#000000\"},{\"id\":\"b\",\"name\":\"B\",\"price\":50,"
                             "\"colour\":\"#ffffff\"}],\"sections\":[");
  guint n_sections = g_rand_int_range (rand, 1, 3), id = 0;

  for (guint sec = 0; sec < n_sections; sec++)
    {
      guint n_rows = g_rand_int_range (rand, 1, 4);

      g_string_append_printf (s, "%s{\"id\":\"s%u\",\"name\":\"S\",", sec ? "," : "", sec);
      if (g_rand_boolean (rand))
        g_string_append_printf (s, "\"rank\":%d,", g_rand_int_range (rand, 1, 4));
      g_string_append (s, "\"rows\":[");
      for (guint row = 0; row < n_rows; row++)
        {
          guint n = g_rand_int_range (rand, 1, 9);

          g_string_append_printf (s, "%s{\"id\":\"r%u\",\"label\":\"R\",\"seats\":[",
                                  row ? "," : "", row);
          for (guint i = 0; i < n; i++, id++)
            {
              /* Curved rows: y bends with x. */
              double x = (double) i - n / 2.0, y = sec * 10 + row + 0.05 * x * x;

              g_string_append_printf (
                  s,
                  "%s{\"id\":\"x%u\",\"label\":\"1\",\"x\":%.2f,\"y\":%.2f,"
                  "\"category\":\"%s\"%s%s}",
                  i ? "," : "", id, x, y, g_rand_int_range (rand, 0, 4) ? "a" : "b",
                  i + 1 < n && g_rand_int_range (rand, 0, 5) == 0 ? ",\"gap_after\":true" : "",
                  g_rand_int_range (rand, 0, 6) == 0 ? ",\"rank\":2" : "");
            }
          g_string_append (s, "]}");
        }
      g_string_append (s, "]}");
    }
  g_string_append (s, "]}");
  return g_string_free (s, FALSE);
}

static gboolean
brute_eligible (SbVenue *venue, const guint8 *taken, const SbBestQuery *q, guint i)
{
  const SbSeat *seat = sb_venue_get_seat (venue, i);

  return !taken[i] && !seat->blocked
         && (q->max_price < 0
             || sb_venue_get_category (venue, seat->category)->price <= q->max_price);
}

static void
test_random_venues (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (13);

  for (guint round = 0; round < 3000; round++)
    {
      g_autofree char *json = random_venue (rand);
      g_autoptr (SbVenue) venue = venue_from (json);
      guint n = sb_venue_get_n_seats (venue);
      g_autofree guint8 *taken = g_new0 (guint8, n);
      g_autofree guint8 *after = NULL;
      SbBestQuery q;
      SbBestResult r;
      gboolean found;
      /* Brute force, side by side: the window without a lone seat, lowest sum, lowest first. */
      gint best_first = -1;
      gboolean best_lone = TRUE;
      guint64 best_sum = 0;
      guint longest = 0, run = 0;

      for (guint i = 0; i < n; i++)
        taken[i] = g_rand_int_range (rand, 0, 3) == 0;
      query_init (&q, g_rand_int_range (rand, 1, 5), g_rand_boolean (rand));
      q.allow_lone_seat = g_rand_boolean (rand);
      if (g_rand_int_range (rand, 0, 4) == 0)
        q.max_price = 50;

      found = sb_best_available_find (venue, taken, &q, &r);

      for (guint i = 0; i < n; i++)
        {
          run = brute_eligible (venue, taken, &q, i)
                        && (run > 0 && i > 0 && sb_venue_seats_adjacent (venue, i - 1))
                    ? run + 1
                    : (brute_eligible (venue, taken, &q, i) ? 1 : 0);
          longest = MAX (longest, run);
        }
      if (q.together)
        {
          for (guint first = 0; first + q.count <= n; first++)
            {
              g_autofree guint8 *t = g_memdup2 (taken, n);
              guint64 sum = 0;
              gboolean ok = TRUE, lone;
              guint ends[2] = { first, first + q.count - 1 };

              for (guint k = 0; k < q.count && ok; k++)
                {
                  ok = brute_eligible (venue, taken, &q, first + k)
                       && (k + 1 == q.count || sb_venue_seats_adjacent (venue, first + k));
                  sum += sb_venue_get_seat (venue, first + k)->quality;
                  t[first + k] = 1;
                }
              if (!ok)
                continue;
              lone = sb_orphan_find_lone_seat (venue, t, ends, 2) >= 0;
              if (lone && !q.allow_lone_seat)
                continue;
              if (best_first < 0 || (best_lone && !lone) || (best_lone == lone && sum < best_sum))
                {
                  best_first = first;
                  best_lone = lone;
                  best_sum = sum;
                }
            }
          g_assert_cmpint (found, ==, best_first >= 0);
          if (found)
            g_assert_cmpuint (r.seats[0], ==, best_first);
          else
            g_assert_cmpuint (r.available, ==, longest);
        }
      if (!found)
        continue;

      /* Every answer: distinct, eligible seats, ascending; no lone seat when refused. */
      after = g_memdup2 (taken, n);
      g_assert_cmpuint (r.n_seats, ==, q.count);
      for (guint k = 0; k < r.n_seats; k++)
        {
          g_assert_true (brute_eligible (venue, taken, &q, r.seats[k]));
          if (k > 0)
            g_assert_cmpuint (r.seats[k], >, r.seats[k - 1]);
          after[r.seats[k]] = 1;
        }
      g_assert_cmpint (sb_orphan_find_lone_seat (venue, after, r.seats, r.n_seats), ==,
                       r.lone_seat);
      if (!q.allow_lone_seat)
        g_assert_cmpint (r.lone_seat, ==, -1);
      /* Not together and nothing passed over for a lone seat: the count best eligible seats. */
      if (!q.together && q.allow_lone_seat)
        {
          const guint *order = sb_venue_get_quality_order (venue);
          guint worst = 0;
          gboolean passed_over = FALSE;

          for (guint k = 0; k < r.n_seats; k++)
            worst = MAX (worst, sb_venue_get_seat (venue, r.seats[k])->quality);
          for (guint qi = 0; qi < worst; qi++)
            if (brute_eligible (venue, taken, &q, order[qi]) && !after[order[qi]])
              passed_over = TRUE;
          /* Passing a better seat over is only for avoiding a lone seat. */
          if (passed_over)
            g_assert_cmpint (r.lone_seat, ==, -1);
        }
    }
}

/* Not together, by brute force over every set of seats (issue 13 item 3): when a set without a
 * lone seat exists, the answer leaves none and no such set has a lower sum of quality places;
 * when none exists, an answer is allowed a lone seat only if the query allows one, and a refusal
 * says how many seats could be had without one. */

typedef struct
{
  SbVenue *venue;
  guint8 *taken;
  const guint *eligible; /* seat indices */
  guint n_eligible;
  guint count;
  guint chosen[SB_BEST_MAX_COUNT];
  gboolean found;   /* a set without a lone seat */
  guint64 best_sum; /* its least sum of quality places */
} Brute;

static void
brute_sets (Brute *b, guint from, guint depth, guint64 sum)
{
  if (depth == b->count)
    {
      if (sb_orphan_find_lone_seat (b->venue, b->taken, b->chosen, b->count) < 0
          && (!b->found || sum < b->best_sum))
        {
          b->found = TRUE;
          b->best_sum = sum;
        }
      return;
    }
  for (guint e = from; e + (b->count - depth) <= b->n_eligible; e++)
    {
      guint seat = b->eligible[e];

      b->chosen[depth] = seat;
      b->taken[seat] = 1;
      brute_sets (b, e + 1, depth + 1, sum + sb_venue_get_seat (b->venue, seat)->quality);
      b->taken[seat] = 0;
    }
}

static void
test_apart_brute_force (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1313);
  guint checked = 0;

  for (guint round = 0; round < 4000; round++)
    {
      g_autofree char *json = random_venue (rand);
      g_autoptr (SbVenue) venue = venue_from (json);
      guint n = sb_venue_get_n_seats (venue);
      g_autofree guint8 *taken = g_new0 (guint8, n);
      g_autofree guint *eligible = g_new0 (guint, n);
      Brute b = { 0 };
      SbBestQuery q;
      SbBestResult r;
      gboolean found;
      guint64 sum = 0;

      for (guint i = 0; i < n; i++)
        taken[i] = g_rand_int_range (rand, 0, 3) == 0;
      query_init (&q, g_rand_int_range (rand, 1, 5), FALSE);
      q.allow_lone_seat = g_rand_boolean (rand);
      if (g_rand_int_range (rand, 0, 4) == 0)
        q.max_price = 50;
      b.venue = venue;
      b.taken = taken;
      b.eligible = eligible;
      for (guint i = 0; i < n; i++)
        if (brute_eligible (venue, taken, &q, i))
          eligible[b.n_eligible++] = i;
      /* Keep the brute force small: at most C(16, 4) sets. */
      if (b.n_eligible > 16)
        continue;
      checked++;

      found = sb_best_available_find (venue, taken, &q, &r);
      b.count = q.count;
      brute_sets (&b, 0, 0, 0);
      if (b.found)
        {
          g_assert_true (found);
          g_assert_cmpint (r.lone_seat, ==, -1);
          for (guint k = 0; k < r.n_seats; k++)
            sum += sb_venue_get_seat (venue, r.seats[k])->quality;
          g_assert_cmpuint (sum, ==, b.best_sum);
          continue;
        }
      if (!q.allow_lone_seat || b.n_eligible < q.count)
        {
          guint most = 0;

          g_assert_false (found);
          /* The most seats that could be had without a lone seat. */
          for (b.count = 1; b.count < q.count; b.count++)
            {
              b.found = FALSE;
              brute_sets (&b, 0, 0, 0);
              if (b.found)
                most = b.count;
            }
          if (!q.allow_lone_seat)
            g_assert_cmpuint (r.available, ==, most);
          continue;
        }
      g_assert_true (found);
      g_assert_cmpint (r.lone_seat, >=, 0);
    }
  g_assert_cmpuint (checked, >, 1000);
}

/* A change of ev to version, setting seat_id to state. */
static SbChange *
one_seat_change (gint64 version, const char *seat_id, SbSeatState state)
{
  SbChange *change = sb_change_new ("ev", version);

  g_ptr_array_add (change->seats, sb_seat_change_new (seat_id, state, NULL));
  return change;
}

static void
assert_cached (SbOccupancyCache *cache, gint64 version, const char *pattern)
{
  guint n = strlen (pattern);
  g_autofree guint8 *taken = g_new0 (guint8, n);

  g_assert_true (sb_occupancy_cache_lookup (cache, "ev", version, taken, n));
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (taken[i], ==, pattern[i] == 'x');
}

static void
assert_not_cached (SbOccupancyCache *cache, gint64 version, guint n)
{
  g_autofree guint8 *taken = g_new0 (guint8, n);

  g_assert_false (sb_occupancy_cache_lookup (cache, "ev", version, taken, n));
}

static void
test_occupancy_cache (void)
{
  g_autofree char *json = straight_row_venue (4, "", NULL);
  g_autoptr (SbVenue) venue = venue_from (json);
  g_autofree guint8 *taken = occupancy (venue, "x...");
  SbOccupancyCache *cache = sb_occupancy_cache_new ();
  SbChange *change;

  /* Read at version 3 in a batch that commits; only version 3 is answered. */
  sb_occupancy_cache_store (cache, "ev", 3, taken, 4);
  sb_occupancy_cache_keep_batch (cache);
  assert_cached (cache, 3, "x...");
  assert_not_cached (cache, 4, 4);
  assert_not_cached (cache, 2, 4);

  /* Changes this thread appends move it on, freeing as well as taking seats. */
  change = one_seat_change (4, "A-3", SB_SEAT_HELD);
  sb_occupancy_cache_apply_change (cache, venue, change);
  sb_change_free (change);
  change = one_seat_change (5, "A-1", SB_SEAT_FREE);
  sb_occupancy_cache_apply_change (cache, venue, change);
  sb_change_free (change);
  assert_cached (cache, 5, "..x.");
  assert_not_cached (cache, 3, 4);
  sb_occupancy_cache_keep_batch (cache);

  /* A batch that fails takes back what it moved: version 6 was never committed, and another
   * server may commit a different version 6. */
  change = one_seat_change (6, "A-4", SB_SEAT_BOOKED);
  sb_occupancy_cache_apply_change (cache, venue, change);
  sb_change_free (change);
  assert_cached (cache, 6, "..xx");
  sb_occupancy_cache_discard_batch (cache);
  assert_not_cached (cache, 6, 4);
  assert_not_cached (cache, 5, 4);

  /* A change that does not follow the entry's version (another server's in between) drops it. */
  sb_occupancy_cache_store (cache, "ev", 7, taken, 4);
  sb_occupancy_cache_keep_batch (cache);
  change = one_seat_change (9, "A-2", SB_SEAT_HELD);
  sb_occupancy_cache_apply_change (cache, venue, change);
  sb_change_free (change);
  g_assert_false (sb_occupancy_cache_has_event (cache, "ev"));

  /* A venue of another size never matches. */
  sb_occupancy_cache_store (cache, "ev", 10, taken, 4);
  assert_not_cached (cache, 10, 3);

  /* Forgotten (the storage refused a seat the search took as free): read afresh. */
  sb_occupancy_cache_keep_batch (cache);
  assert_cached (cache, 10, "x...");
  sb_occupancy_cache_forget (cache, "ev");
  assert_not_cached (cache, 10, 4);
  sb_occupancy_cache_free (cache);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/venue/old-venue-still-loads", test_old_venue_still_loads);
  g_test_add_func ("/venue/rank-inherited", test_rank_inherited);
  g_test_add_func ("/venue/bad-fields", test_bad_fields);
  g_test_add_func ("/orphan/lone-seat", test_lone_seat);
  g_test_add_func ("/best/straight-row", test_straight_row);
  g_test_add_func ("/best/avoids-lone-seat", test_avoids_lone_seat);
  g_test_add_func ("/best/aisle", test_aisle_breaks_adjacency);
  g_test_add_func ("/best/sample-venues", test_sample_venues);
  g_test_add_func ("/best/random-venues", test_random_venues);
  g_test_add_func ("/best/apart-brute-force", test_apart_brute_force);
  g_test_add_func ("/best/occupancy-cache", test_occupancy_cache);
  return g_test_run ();
}
