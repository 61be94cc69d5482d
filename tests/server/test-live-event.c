/* SbLiveEvent: changes apply in version order, and a gap that does not close by itself is
 * filled from the store; subscribers get `changed` through SbSubscriber, and the replies it
 * builds read back as protocol messages. */

#include "sb-live-event.h"
#include "sb-message.h"
#include "sb-ws-frame.h"

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

  /* As the server makes it: the events insert copies of hold ids as keys. */
  fixture->hold_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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

/* A subscriber that keeps the payloads of the frames it is sent. */
#define TEST_TYPE_SUBSCRIBER (test_subscriber_get_type ())
G_DECLARE_FINAL_TYPE (TestSubscriber, test_subscriber, TEST, SUBSCRIBER, GObject)

struct _TestSubscriber
{
  GObject parent_instance;
  GPtrArray *payloads; /* GBytes */
};

static void test_subscriber_iface_init (SbSubscriberInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestSubscriber,
                               test_subscriber,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SB_TYPE_SUBSCRIBER,
                                                      test_subscriber_iface_init))

static gboolean
test_subscriber_send_frame (SbSubscriber *subscriber, GBytes *frame)
{
  TestSubscriber *self = TEST_SUBSCRIBER (subscriber);
  gsize length;
  const guint8 *data = g_bytes_get_data (frame, &length);
  SbWsFrameHeader header;

  g_assert_cmpint (sb_ws_frame_decode_header (data, length, &header), ==, SB_WS_DECODE_OK);
  g_assert_cmpuint (header.opcode, ==, SB_WS_OPCODE_TEXT);
  g_assert_false (header.masked);
  g_assert_cmpuint (header.header_length + header.payload_length, ==, length);
  g_ptr_array_add (self->payloads,
                   g_bytes_new_from_bytes (frame, header.header_length, header.payload_length));
  return TRUE;
}

static void
test_subscriber_iface_init (SbSubscriberInterface *iface)
{
  iface->send_frame = test_subscriber_send_frame;
}

static void
test_subscriber_finalize (GObject *object)
{
  g_ptr_array_unref (TEST_SUBSCRIBER (object)->payloads);
  G_OBJECT_CLASS (test_subscriber_parent_class)->finalize (object);
}

static void
test_subscriber_class_init (TestSubscriberClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_subscriber_finalize;
}

static void
test_subscriber_init (TestSubscriber *self)
{
  self->payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

static SbMessage *
parse_message (const char *text, gsize length)
{
  g_autoptr (GError) error = NULL;
  SbMessage *message = sb_message_parse (text, length, &error);

  g_assert_no_error (error);
  return message;
}

static SbChange *
hold_change (gint64 version, const char *seat_id, const char *hold_id)
{
  SbChange *change = sb_change_new ("gala", version);
  const char *const seats[] = { seat_id, NULL };

  g_ptr_array_add (change->seats, sb_seat_change_new (seat_id, SB_SEAT_HELD, hold_id));
  g_ptr_array_add (change->holds,
                   sb_hold_record_new (hold_id, "gala", "client-1", seats, sb_now_ms () + 60000));
  return change;
}

static void
test_broadcast_and_replies (Fixture *fixture, gconstpointer data)
{
  g_autoptr (TestSubscriber) subscriber = g_object_new (TEST_TYPE_SUBSCRIBER, NULL);

  sb_live_event_add_subscriber (fixture->event, SB_SUBSCRIBER (subscriber));
  g_assert_true (sb_live_event_has_subscriber (fixture->event, SB_SUBSCRIBER (subscriber)));
  sb_live_event_apply_change (fixture->event, booking_change (1, "A-1"), 0);
  sb_live_event_apply_change (fixture->event, hold_change (2, "A-2", "h_1"), 0);
  g_assert_cmpuint (fixture->n_dirty, ==, 1);

  /* Both versions in one message, each seat with its latest state. */
  g_assert_cmpuint (sb_live_event_flush (fixture->event, NULL, NULL, G_MAXUINT), ==, 1);
  g_assert_false (sb_live_event_is_dirty (fixture->event));
  g_assert_cmpuint (subscriber->payloads->len, ==, 1);
  gsize length;
  const char *text = g_bytes_get_data (g_ptr_array_index (subscriber->payloads, 0), &length);
  g_autoptr (SbMessage) changed = parse_message (text, length);
  g_assert_cmpint (changed->type, ==, SB_MESSAGE_CHANGED);
  g_assert_cmpstr (changed->changed->event, ==, "gala");
  g_assert_cmpint (changed->changed->from_version, ==, 0);
  g_assert_cmpint (changed->changed->version, ==, 2);
  g_assert_cmpuint (changed->changed->seats->len, ==, 2);
  SbSeatUpdate *seat = g_ptr_array_index (changed->changed->seats, 0);
  g_assert_cmpstr (seat->id, ==, "A-1");
  g_assert_cmpint (seat->state, ==, SB_SEAT_BOOKED);
  seat = g_ptr_array_index (changed->changed->seats, 1);
  g_assert_cmpstr (seat->id, ==, "A-2");
  g_assert_cmpint (seat->state, ==, SB_SEAT_HELD);
  g_assert_cmpstr (seat->hold, ==, "h_1");

  /* The snapshot, from its parts, with the client's own hold. */
  g_autoptr (GPtrArray) parts
      = sb_live_event_build_snapshot (fixture->event, "s1", "client-1", NULL, NULL);
  g_autoptr (GString) snapshot_text = g_string_new (NULL);
  for (guint i = 0; i < parts->len; i++)
    {
      const char *part = g_bytes_get_data (g_ptr_array_index (parts, i), &length);
      g_string_append_len (snapshot_text, part, length);
    }
  g_autoptr (SbMessage) snapshot = parse_message (snapshot_text->str, snapshot_text->len);
  g_assert_cmpint (snapshot->type, ==, SB_MESSAGE_SNAPSHOT);
  g_assert_cmpstr (snapshot->re, ==, "s1");
  g_assert_cmpstr (snapshot->snapshot->event_id, ==, "gala");
  g_assert_cmpint (snapshot->snapshot->version, ==, 2);
  g_assert_cmpuint (snapshot->snapshot->seats->len, ==, 2);
  g_assert_cmpuint (snapshot->snapshot->holds->len, ==, 1);
  SbHoldInfo *hold = g_ptr_array_index (snapshot->snapshot->holds, 0);
  g_assert_cmpstr (hold->hold, ==, "h_1");
  g_assert_cmpstr (hold->event, ==, "gala");
  g_assert_cmpstr (hold->seats[0], ==, "A-2");
  g_assert_null (snapshot->snapshot->reason);
  g_autoptr (SbVenue) venue = sb_venue_new_from_data (
      g_bytes_get_data (snapshot->snapshot->venue, NULL),
      (gssize) g_bytes_get_size (snapshot->snapshot->venue), "snapshot", NULL);
  g_assert_nonnull (venue);
  g_assert_cmpuint (sb_venue_get_n_seats (venue), ==, 20);

  /* A replay of both versions; another identity sees no holds. */
  g_assert_true (sb_live_event_can_replay (fixture->event, 0));
  g_autofree char *replay_text
      = sb_live_event_build_replay (fixture->event, "r1", 0, NULL, "client-2", NULL);
  g_autoptr (SbMessage) replay = parse_message (replay_text, strlen (replay_text));
  g_assert_cmpint (replay->type, ==, SB_MESSAGE_REPLAY);
  g_assert_cmpint (replay->replay->from_version, ==, 0);
  g_assert_cmpint (replay->replay->version, ==, 2);
  g_assert_cmpuint (replay->replay->changes->len, ==, 2);
  SbVersionChange *second = g_ptr_array_index (replay->replay->changes, 1);
  g_assert_cmpint (second->version, ==, 2);
  g_assert_cmpuint (second->seats->len, ==, 1);
  g_assert_cmpuint (replay->replay->holds->len, ==, 0);

  /* Gone: nothing more is sent to it. */
  sb_live_event_remove_subscriber (fixture->event, SB_SUBSCRIBER (subscriber));
  sb_live_event_apply_change (fixture->event, booking_change (3, "A-3"), 0);
  g_assert_cmpuint (sb_live_event_flush (fixture->event, NULL, NULL, G_MAXUINT), ==, 0);
  g_assert_cmpuint (subscriber->payloads->len, ==, 1);
}

/* A release of some seats of a hold (docs/protocol.md, "release"): the change frees those seats
 * and names the hold with the seats it keeps. Subscribers get the freed seats; the hold stays,
 * with the others, for the hold lists (snapshot) and for requests that name it. */
static void
test_partial_release (Fixture *fixture, gconstpointer data)
{
  g_autoptr (TestSubscriber) subscriber = g_object_new (TEST_TYPE_SUBSCRIBER, NULL);
  const char *const all[] = { "A-1", "A-2", "A-3", NULL };
  const char *const kept[] = { "A-1", "A-2", NULL };
  gint64 expires_at = sb_now_ms () + 60000;
  SbChange *held = sb_change_new ("gala", 1);
  SbChange *released = sb_change_new ("gala", 2);
  const SbHoldRecord *hold;
  gsize length;

  for (guint i = 0; all[i] != NULL; i++)
    g_ptr_array_add (held->seats, sb_seat_change_new (all[i], SB_SEAT_HELD, "h_1"));
  g_ptr_array_add (held->holds,
                   sb_hold_record_new_owned ("h_1", "gala", "client-1", "anna", all, expires_at));
  g_ptr_array_add (released->seats, sb_seat_change_new ("A-3", SB_SEAT_FREE, NULL));
  g_ptr_array_add (released->holds,
                   sb_hold_record_new_owned ("h_1", "gala", "client-1", "anna", kept, expires_at));

  sb_live_event_apply_change (fixture->event, held, 0);
  sb_live_event_add_subscriber (fixture->event, SB_SUBSCRIBER (subscriber));
  sb_live_event_apply_change (fixture->event, released, 0);
  g_assert_cmpint (sb_live_event_get_version (fixture->event), ==, 2);
  g_assert_cmpuint (sb_live_event_get_n_free (fixture->event), ==, 18);
  g_assert_cmpint (sb_live_event_get_seat_state (fixture->event, 2), ==, SB_SEAT_FREE);
  g_assert_cmpint (sb_live_event_get_seat_state (fixture->event, 1), ==, SB_SEAT_HELD);

  hold = sb_live_event_lookup_hold (fixture->event, "h_1");
  g_assert_nonnull (hold);
  g_assert_cmpstrv (hold->seat_ids, kept);
  g_assert_cmpint (hold->expires_at_ms, ==, expires_at);
  g_assert_true (g_hash_table_lookup (fixture->hold_index, "h_1") == fixture->event);

  /* The subscriber hears of the seat given back, and only of it. */
  g_assert_cmpuint (sb_live_event_flush (fixture->event, NULL, NULL, G_MAXUINT), ==, 1);
  const char *text = g_bytes_get_data (g_ptr_array_index (subscriber->payloads, 0), &length);
  g_autoptr (SbMessage) changed = parse_message (text, length);
  g_assert_cmpint (changed->changed->from_version, ==, 1);
  g_assert_cmpint (changed->changed->version, ==, 2);
  g_assert_cmpuint (changed->changed->seats->len, ==, 1);
  SbSeatUpdate *seat = g_ptr_array_index (changed->changed->seats, 0);
  g_assert_cmpstr (seat->id, ==, "A-3");
  g_assert_cmpint (seat->state, ==, SB_SEAT_FREE);

  /* The account's hold list (another desk of it) has the seats kept. */
  g_autoptr (GPtrArray) parts
      = sb_live_event_build_snapshot (fixture->event, "s1", "client-2", "anna", NULL);
  g_autoptr (GString) snapshot_text = g_string_new (NULL);
  for (guint i = 0; i < parts->len; i++)
    {
      const char *part = g_bytes_get_data (g_ptr_array_index (parts, i), &length);
      g_string_append_len (snapshot_text, part, length);
    }
  g_autoptr (SbMessage) snapshot = parse_message (snapshot_text->str, snapshot_text->len);
  g_assert_cmpuint (snapshot->snapshot->holds->len, ==, 1);
  g_assert_cmpstrv (((SbHoldInfo *) g_ptr_array_index (snapshot->snapshot->holds, 0))->seats, kept);
  sb_live_event_remove_subscriber (fixture->event, SB_SUBSCRIBER (subscriber));
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
  g_test_add ("/live-event/broadcast-and-replies", Fixture, NULL, fixture_set_up,
              test_broadcast_and_replies, fixture_tear_down);
  g_test_add ("/live-event/partial-release", Fixture, NULL, fixture_set_up, test_partial_release,
              fixture_tear_down);

  return g_test_run ();
}
