/* SbLiveEvent: changes apply in version order, and a gap that does not close by itself is
 * filled from the store. */

#include "sb-live-event.h"

#include "../store/store-test-util.h"

typedef struct
{
  SbLiveEvent *event;
  GHashTable *hold_index;
  guint n_gaps;
  gint64 gap_since;
  guint n_dirty;
} Fixture;

static void
submit_cb (SbOp *op, gpointer user_data)
{
  sb_op_free (op);
}

static void
dirty_cb (SbLiveEvent *event, gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->n_dirty++;
}

static void
gap_cb (SbLiveEvent *event, gint64 since, gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->n_gaps++;
  fixture->gap_since = since;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  const SbLiveEventHooks hooks = {
    .submit = submit_cb,
    .dirty = dirty_cb,
    .gap = gap_cb,
    .user_data = fixture,
  };
  g_autofree char *venue = store_test_make_venue (2, 10, NULL);
  SbEventRecord record = {
    .event_id = (char *) "gala",
    .name = (char *) "Gala",
    .venue_json = venue,
  };
  SbEventState state = { .version = 0 };
  g_autoptr (GError) error = NULL;

  fixture->hold_index = g_hash_table_new (g_str_hash, g_str_equal);
  fixture->event = sb_live_event_new (&record, &state, fixture->hold_index, &hooks, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->event);
  g_clear_pointer (&fixture->hold_index, g_hash_table_unref);
}

static SbChange *
booking_change (gint64 version, const char *seat_id)
{
  SbChange *change = sb_change_new ("gala", version);

  g_ptr_array_add (change->seats, sb_seat_change_new (seat_id, SB_SEAT_BOOKED, NULL));
  return change;
}

static void
test_in_order (Fixture *fixture, gconstpointer data)
{
  sb_live_event_apply_change (fixture->event, booking_change (1, "A-1"), 0);
  sb_live_event_apply_change (fixture->event, booking_change (2, "A-2"), 0);
  g_assert_cmpint (sb_live_event_get_version (fixture->event), ==, 2);
  g_assert_cmpuint (sb_live_event_get_n_free (fixture->event), ==, 18);

  /* Seen again (our own change through a watch): ignored. */
  sb_live_event_apply_change (fixture->event, booking_change (2, "A-2"), 0);
  g_assert_cmpint (sb_live_event_get_version (fixture->event), ==, 2);
  g_assert_cmpuint (sb_live_event_get_n_free (fixture->event), ==, 18);
  g_assert_cmpuint (fixture->n_gaps, ==, 0);
}

static void
test_gap_closes_by_itself (Fixture *fixture, gconstpointer data)
{
  sb_live_event_apply_change (fixture->event, booking_change (2, "A-2"), 0);
  sb_live_event_apply_change (fixture->event, booking_change (3, "A-3"), 0);
  g_assert_cmpint (sb_live_event_get_version (fixture->event), ==, 0);

  sb_live_event_apply_change (fixture->event, booking_change (1, "A-1"), 0);
  g_assert_cmpint (sb_live_event_get_version (fixture->event), ==, 3);
  g_assert_cmpuint (sb_live_event_get_n_free (fixture->event), ==, 17);
  g_assert_cmpuint (fixture->n_gaps, ==, 0);
}

static gboolean
quit_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_gap_is_filled (Fixture *fixture, gconstpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  gboolean waited = FALSE;

  sb_live_event_apply_change (fixture->event, booking_change (1, "A-1"), 0);
  sb_live_event_apply_change (fixture->event, booking_change (3, "A-3"), 0);

  /* The missing version never arrives by itself: the event asks for what follows version 1. */
  while (fixture->n_gaps == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpint (fixture->gap_since, ==, 1);

  /* What the store answers: versions 2 and 3. */
  sb_live_event_apply_change (fixture->event, booking_change (2, "A-2"), 0);
  sb_live_event_apply_change (fixture->event, booking_change (3, "A-3"), 0);
  g_assert_cmpint (sb_live_event_get_version (fixture->event), ==, 3);
  g_assert_cmpuint (sb_live_event_get_n_free (fixture->event), ==, 17);

  /* Closed: no more asking. */
  g_timeout_add (1500, quit_cb, &waited);
  while (!waited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->n_gaps, ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/live-event/in-order", Fixture, NULL, fixture_set_up, test_in_order,
              fixture_tear_down);
  g_test_add ("/live-event/gap-closes-by-itself", Fixture, NULL, fixture_set_up,
              test_gap_closes_by_itself, fixture_tear_down);
  g_test_add ("/live-event/gap-is-filled", Fixture, NULL, fixture_set_up, test_gap_is_filled,
              fixture_tear_down);

  return g_test_run ();
}
