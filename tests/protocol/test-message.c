/* test-message.c: every server message family is written with its writer, read back with
 * sb_message_parse () and compared; malformed messages are refused with an error naming the
 * field; unknown members are ignored. */
#include <string.h>

#include "sb-message.h"

static SbMessage *
parse_ok (const GString *text)
{
  g_autoptr (GError) error = NULL;
  SbMessage *message = sb_message_parse (text->str, text->len, &error);

  if (message == NULL)
    g_error ("could not parse %s: %s", text->str, error->message);
  return message;
}

static void
assert_parse_fails (const char *text, SbMessageReadErrorCode code, const char *expected_part)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbMessage) message = sb_message_parse (text, strlen (text), &error);

  g_assert_null (message);
  g_assert_error (error, SB_MESSAGE_READ_ERROR, (gint) code);
  if (strstr (error->message, expected_part) == NULL)
    g_error ("error for %s is \"%s\", which does not mention %s", text, error->message,
             expected_part);
}

static void
assert_strv (char **actual, const char *const *expected)
{
  g_assert_nonnull (actual);
  g_assert_true (g_strv_equal ((const char *const *) actual, expected));
}

static void
assert_hold (const SbHoldInfo *hold,
             const char *id,
             const char *event,
             const char *const *seats,
             gint64 expires_at,
             gint64 remaining_ms)
{
  g_assert_cmpstr (hold->hold, ==, id);
  g_assert_cmpstr (hold->event, ==, event);
  assert_strv (hold->seats, seats);
  g_assert_cmpint (hold->expires_at, ==, expires_at);
  g_assert_cmpint (hold->remaining_ms, ==, remaining_ms);
}

static void
assert_seat (const SbSeatUpdate *seat, const char *id, SbSeatState state, const char *hold)
{
  g_assert_cmpstr (seat->id, ==, id);
  g_assert_cmpint (seat->state, ==, state);
  g_assert_cmpstr (seat->hold, ==, hold);
}

static const char *const seats_ab[] = { "stalls-A-1", "stalls-A-2", NULL };
static const char *const seats_c[] = { "balcony-\"C\"-1", NULL };

static void
test_welcome (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  SbLimits limits = { 65536, 50, 12.5, 100, 600, 7200 };

  sb_welcome_message_write_begin (out, "1", "seatbook-server 0.1.0", "s_1", 1000);
  sb_hold_info_write (out, "h_1", "ev", seats_ab, 5000, 1000);
  sb_hold_info_write (out, "h_2", "ev2", seats_c, 500, 1000);
  sb_welcome_message_write_end (out, &limits);

  g_autoptr (SbMessage) message = parse_ok (out);
  g_assert_cmpint (message->type, ==, SB_MESSAGE_WELCOME);
  g_assert_cmpstr (message->re, ==, "1");
  g_assert_false (message->replayed);
  SbWelcomeMessage *welcome = message->welcome;
  g_assert_cmpstr (welcome->server, ==, "seatbook-server 0.1.0");
  g_assert_cmpint (welcome->protocol, ==, SB_PROTOCOL_VERSION);
  g_assert_cmpstr (welcome->session, ==, "s_1");
  g_assert_cmpint (welcome->server_time, ==, 1000);
  g_assert_cmpuint (welcome->holds->len, ==, 2);
  assert_hold (g_ptr_array_index (welcome->holds, 0), "h_1", "ev", seats_ab, 5000, 4000);
  assert_hold (g_ptr_array_index (welcome->holds, 1), "h_2", "ev2", seats_c, 500, 0);
  g_assert_cmpint (welcome->limits.max_frame_bytes, ==, 65536);
  g_assert_cmpint (welcome->limits.max_seats_per_request, ==, 50);
  g_assert_cmpfloat (welcome->limits.requests_per_second, ==, 12.5);
  g_assert_cmpint (welcome->limits.burst, ==, 100);
  g_assert_cmpint (welcome->limits.default_ttl, ==, 600);
  g_assert_cmpint (welcome->limits.max_ttl, ==, 7200);

  /* A copy is deep and equal. */
  g_autoptr (SbMessage) copy = g_boxed_copy (SB_TYPE_MESSAGE, message);
  g_assert_true (copy->welcome != welcome);
  g_assert_true (copy->welcome->holds != welcome->holds);
  assert_hold (g_ptr_array_index (copy->welcome->holds, 1), "h_2", "ev2", seats_c, 500, 0);
  g_assert_cmpfloat (copy->welcome->limits.requests_per_second, ==, 12.5);

  /* As the docs show it: no burst, integers for the rate. */
  const char *doc = "{\"type\": \"welcome\", \"re\": \"1\", \"server\": \"x\", \"protocol\": 1,"
                    " \"session\": \"s\", \"server_time\": 5, \"holds\": [],"
                    " \"limits\": {\"max_frame_bytes\": 65536, \"max_seats_per_request\": 50,"
                    " \"requests_per_second\": 50, \"default_ttl\": 600, \"max_ttl\": 7200}}";
  g_autoptr (SbMessage) from_doc = sb_message_parse (doc, strlen (doc), NULL);
  g_assert_nonnull (from_doc);
  g_assert_cmpint (from_doc->welcome->limits.burst, ==, 0);
  g_assert_cmpfloat (from_doc->welcome->limits.requests_per_second, ==, 50.0);
  g_assert_cmpuint (from_doc->welcome->holds->len, ==, 0);

  assert_parse_fails ("{\"type\":\"welcome\",\"re\":\"1\",\"server\":\"x\",\"protocol\":1,"
                      "\"session\":\"s\",\"server_time\":5,\"holds\":[],\"limits\":{"
                      "\"max_frame_bytes\":1,\"max_seats_per_request\":1,\"requests_per_second\":"
                      "\"fast\",\"default_ttl\":1,\"max_ttl\":1}}",
                      SB_MESSAGE_READ_ERROR_INVALID, "welcome.limits.requests_per_second");
  assert_parse_fails ("{\"type\":\"welcome\",\"re\":\"1\",\"server\":\"x\",\"protocol\":1,"
                      "\"session\":\"s\",\"server_time\":5,\"holds\":[]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "welcome.limits");
}

static void
test_events (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  sb_events_message_write_begin (out, "2");
  sb_event_summary_write (out, "opening", "Opening night", "Grand", "grand", 1764270000000, 42, 212,
                          187, "Europe/Berlin", 1764000000000, 1764269000000);
  sb_event_summary_write (out, "later", "Later", "Small", NULL, 0, 0, 10, 10, NULL, 0, 0);
  sb_events_message_write_end (out);

  g_autoptr (SbMessage) message = parse_ok (out);
  g_assert_cmpint (message->type, ==, SB_MESSAGE_EVENTS);
  GPtrArray *events = message->events->events;
  g_assert_cmpuint (events->len, ==, 2);
  SbEventSummary *first = g_ptr_array_index (events, 0);
  g_assert_cmpstr (first->id, ==, "opening");
  g_assert_cmpstr (first->name, ==, "Opening night");
  g_assert_cmpstr (first->venue, ==, "Grand");
  g_assert_cmpstr (first->venue_id, ==, "grand");
  g_assert_cmpint (first->starts_at, ==, 1764270000000);
  g_assert_cmpint (first->version, ==, 42);
  g_assert_cmpint (first->n_seats, ==, 212);
  g_assert_cmpint (first->n_free, ==, 187);
  SbEventSummary *second = g_ptr_array_index (events, 1);
  g_assert_cmpint (second->starts_at, ==, 0); /* null */
  g_assert_null (second->venue_id);           /* null */
  g_assert_true (strstr (out->str, "\"starts_at\":null") != NULL);

  /* An empty list. */
  g_string_truncate (out, 0);
  sb_events_message_write_begin (out, "3");
  sb_events_message_write_end (out);
  g_autoptr (SbMessage) empty = parse_ok (out);
  g_assert_cmpuint (empty->events->events->len, ==, 0);

  /* Unasked, when the list changed (create_event, close_sales): "re" is null, and a client reads
   * it (the app's event list follows it). */
  g_string_truncate (out, 0);
  sb_events_message_write_begin (out, NULL);
  sb_event_summary_write (out, "gala", "Gala", "Grand", "grand", 0, 0, 10, 10, NULL, 0, 0);
  sb_events_message_write_end (out);
  g_assert_true (g_str_has_prefix (out->str, "{\"type\":\"events\",\"re\":null,"));
  g_autoptr (SbMessage) unasked = parse_ok (out);
  g_assert_cmpint (unasked->type, ==, SB_MESSAGE_EVENTS);
  g_assert_null (unasked->re);
  g_assert_cmpuint (unasked->events->events->len, ==, 1);
  /* Replies to requests still need their id. */
  assert_parse_fails ("{\"type\":\"held\",\"re\":null,\"hold\":\"h\",\"event\":\"e\","
                      "\"seats\":[\"a\"],\"expires_at\":1,\"remaining_ms\":1}",
                      SB_MESSAGE_READ_ERROR_INVALID, "held.re");

  assert_parse_fails ("{\"type\":\"events\",\"re\":\"2\",\"events\":[{\"id\":\"a\",\"name\":\"A\","
                      "\"venue\":\"V\",\"starts_at\":null,\"version\":1,\"seats\":3}]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "events.events[0].free");
  assert_parse_fails ("{\"type\":\"events\",\"re\":\"2\",\"events\":[1]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "events.events[0]");
}

static void
test_snapshot (void)
{
  const char *venue = "{\"name\": \"Grand\", \"sections\": [{\"id\": \"stalls\"}]}";
  g_autoptr (GString) out = g_string_new (NULL);

  /* Written in its parts, as the server sends it. */
  sb_snapshot_message_write_head (out, "3", "opening", "Opening night", 0, 42, 1000);
  g_string_append (out, venue);
  g_string_append (out, SB_SNAPSHOT_SEATS_MEMBER);
  g_string_append_c (out, '[');
  sb_seat_update_write (out, "stalls-A-1", SB_SEAT_HELD, "h_1");
  sb_seat_update_write (out, "stalls-A-2", SB_SEAT_BOOKED, NULL);
  /* A hold on a seat that is not held is not written. */
  sb_seat_update_write (out, "stalls-A-3", SB_SEAT_BLOCKED, "h_x");
  g_string_append_c (out, ']');
  sb_snapshot_message_write_holds_begin (out);
  sb_hold_info_write (out, "h_1", "opening", seats_ab, 3000, 1000);
  sb_snapshot_message_write_end (out, "since_too_old");

  g_autoptr (SbMessage) message = parse_ok (out);
  g_assert_cmpint (message->type, ==, SB_MESSAGE_SNAPSHOT);
  g_assert_cmpstr (message->re, ==, "3");
  SbSnapshotMessage *snapshot = message->snapshot;
  g_assert_cmpstr (snapshot->event_id, ==, "opening");
  g_assert_cmpstr (snapshot->event_name, ==, "Opening night");
  g_assert_cmpint (snapshot->starts_at, ==, 0);
  g_assert_cmpint (snapshot->version, ==, 42);
  g_assert_cmpint (snapshot->server_time, ==, 1000);
  gsize venue_length;
  const char *venue_text = g_bytes_get_data (snapshot->venue, &venue_length);
  g_assert_cmpmem (venue_text, venue_length, venue, strlen (venue));
  g_assert_cmpuint (snapshot->seats->len, ==, 3);
  assert_seat (g_ptr_array_index (snapshot->seats, 0), "stalls-A-1", SB_SEAT_HELD, "h_1");
  assert_seat (g_ptr_array_index (snapshot->seats, 1), "stalls-A-2", SB_SEAT_BOOKED, NULL);
  assert_seat (g_ptr_array_index (snapshot->seats, 2), "stalls-A-3", SB_SEAT_BLOCKED, NULL);
  g_assert_cmpuint (snapshot->holds->len, ==, 1);
  assert_hold (g_ptr_array_index (snapshot->holds, 0), "h_1", "opening", seats_ab, 3000, 2000);
  g_assert_cmpstr (snapshot->reason, ==, "since_too_old");

  g_autoptr (SbSnapshotMessage) copy = sb_snapshot_message_copy (snapshot);
  g_assert_true (g_bytes_equal (copy->venue, snapshot->venue));
  assert_seat (g_ptr_array_index (copy->seats, 0), "stalls-A-1", SB_SEAT_HELD, "h_1");

  /* Without a reason, with a start time, whitespace around the venue. */
  g_string_truncate (out, 0);
  sb_snapshot_message_write_head (out, "4", "e", "E", 1764270000000, 1, 2);
  g_string_append (out, " \n{}\t");
  g_string_append (out, SB_SNAPSHOT_SEATS_MEMBER "[]");
  sb_snapshot_message_write_holds_begin (out);
  sb_snapshot_message_write_end (out, NULL);
  g_autoptr (SbMessage) plain = parse_ok (out);
  g_assert_cmpint (plain->snapshot->starts_at, ==, 1764270000000);
  g_assert_null (plain->snapshot->reason);
  g_assert_cmpmem (g_bytes_get_data (plain->snapshot->venue, NULL),
                   g_bytes_get_size (plain->snapshot->venue), "{}", 2);

  assert_parse_fails ("{\"type\":\"snapshot\",\"re\":\"3\",\"event\":{\"id\":\"e\",\"name\":\"E\","
                      "\"starts_at\":null},\"version\":1,\"server_time\":2,\"venue\":[],"
                      "\"seats\":[],\"holds\":[]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "snapshot.venue");
  assert_parse_fails ("{\"type\":\"snapshot\",\"re\":\"3\",\"event\":{\"id\":\"e\","
                      "\"starts_at\":null},\"version\":1,\"server_time\":2,\"venue\":{},"
                      "\"seats\":[],\"holds\":[]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "snapshot.event.name");
  assert_parse_fails ("{\"type\":\"snapshot\",\"re\":\"3\",\"event\":{\"id\":\"e\",\"name\":\"E\","
                      "\"starts_at\":null},\"version\":1,\"server_time\":2,\"venue\":{},"
                      "\"seats\":[],\"holds\":[{\"hold\":\"h\",\"event\":\"e\",\"seats\":[],"
                      "\"expires_at\":1,\"remaining_ms\":\"soon\"}]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "snapshot.holds[0].remaining_ms");
}

static void
test_replay (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  sb_replay_message_write_begin (out, "5", "opening", 40, 42, 1000);
  sb_version_change_write_begin (out, 41);
  sb_seat_update_write (out, "stalls-A-1", SB_SEAT_HELD, "h_1");
  sb_version_change_write_end (out);
  sb_version_change_write_begin (out, 42);
  sb_seat_update_write (out, "stalls-A-1", SB_SEAT_FREE, NULL);
  sb_seat_update_write (out, "stalls-A-2", SB_SEAT_BOOKED, NULL);
  sb_version_change_write_end (out);
  sb_replay_message_write_holds_begin (out);
  sb_hold_info_write (out, "h_9", "opening", seats_c, 1500, 1000);
  sb_replay_message_write_end (out);

  g_autoptr (SbMessage) message = parse_ok (out);
  g_assert_cmpint (message->type, ==, SB_MESSAGE_REPLAY);
  SbReplayMessage *replay = message->replay;
  g_assert_cmpstr (replay->event, ==, "opening");
  g_assert_cmpint (replay->from_version, ==, 40);
  g_assert_cmpint (replay->version, ==, 42);
  g_assert_cmpint (replay->server_time, ==, 1000);
  g_assert_cmpuint (replay->changes->len, ==, 2);
  SbVersionChange *change = g_ptr_array_index (replay->changes, 0);
  g_assert_cmpint (change->version, ==, 41);
  g_assert_cmpuint (change->seats->len, ==, 1);
  assert_seat (g_ptr_array_index (change->seats, 0), "stalls-A-1", SB_SEAT_HELD, "h_1");
  change = g_ptr_array_index (replay->changes, 1);
  g_assert_cmpint (change->version, ==, 42);
  g_assert_cmpuint (change->seats->len, ==, 2);
  assert_seat (g_ptr_array_index (change->seats, 1), "stalls-A-2", SB_SEAT_BOOKED, NULL);
  assert_hold (g_ptr_array_index (replay->holds, 0), "h_9", "opening", seats_c, 1500, 500);

  g_autoptr (SbReplayMessage) copy = sb_replay_message_copy (replay);
  change = g_ptr_array_index (copy->changes, 1);
  assert_seat (g_ptr_array_index (change->seats, 0), "stalls-A-1", SB_SEAT_FREE, NULL);

  /* Nothing missed. */
  g_string_truncate (out, 0);
  sb_replay_message_write_begin (out, "6", "opening", 42, 42, 1000);
  sb_replay_message_write_holds_begin (out);
  sb_replay_message_write_end (out);
  g_autoptr (SbMessage) empty = parse_ok (out);
  g_assert_cmpuint (empty->replay->changes->len, ==, 0);
  g_assert_cmpuint (empty->replay->holds->len, ==, 0);

  assert_parse_fails ("{\"type\":\"replay\",\"re\":\"5\",\"event\":\"e\",\"from_version\":1,"
                      "\"version\":2,\"server_time\":3,\"changes\":[{\"version\":2,\"seats\":[{"
                      "\"id\":\"a\",\"state\":\"gone\"}]}],\"holds\":[]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "replay.changes[0].seats[0].state");
}

static void
test_unsubscribed_and_pong (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  sb_unsubscribed_message_write (out, "7", "opening");
  g_autoptr (SbMessage) unsubscribed = parse_ok (out);
  g_assert_cmpint (unsubscribed->type, ==, SB_MESSAGE_UNSUBSCRIBED);
  g_assert_cmpstr (unsubscribed->re, ==, "7");
  g_assert_cmpstr (unsubscribed->unsubscribed->event, ==, "opening");

  g_string_truncate (out, 0);
  sb_pong_message_write (out, "9", 1764190000000);
  g_assert_cmpstr (out->str, ==, "{\"type\":\"pong\",\"re\":\"9\",\"server_time\":1764190000000}");
  g_autoptr (SbMessage) pong = parse_ok (out);
  g_assert_cmpint (pong->type, ==, SB_MESSAGE_PONG);
  g_assert_cmpint (pong->pong->server_time, ==, 1764190000000);

  assert_parse_fails ("{\"type\":\"pong\",\"re\":\"9\"}", SB_MESSAGE_READ_ERROR_INVALID,
                      "pong.server_time");
  assert_parse_fails ("{\"type\":\"pong\",\"server_time\":1}", SB_MESSAGE_READ_ERROR_INVALID,
                      "pong.re");
  assert_parse_fails ("{\"type\":\"pong\",\"re\":null,\"server_time\":1}",
                      SB_MESSAGE_READ_ERROR_INVALID, "pong.re");
  assert_parse_fails ("{\"type\":\"pong\",\"re\":\"9\",\"server_time\":1.5}",
                      SB_MESSAGE_READ_ERROR_INVALID, "pong.server_time");
  assert_parse_fails ("{\"type\":\"unsubscribed\",\"re\":\"9\",\"event\":7}",
                      SB_MESSAGE_READ_ERROR_INVALID, "unsubscribed.event");

  /* Unasked, when the connection's session ended (review finding 3): "re" is null. */
  g_string_truncate (out, 0);
  sb_unsubscribed_message_write (out, NULL, "opening");
  g_assert_cmpstr (out->str, ==, "{\"type\":\"unsubscribed\",\"re\":null,\"event\":\"opening\"}");
  g_autoptr (SbMessage) unasked = parse_ok (out);
  g_assert_cmpint (unasked->type, ==, SB_MESSAGE_UNSUBSCRIBED);
  g_assert_null (unasked->re);
}

static void
test_hold_replies (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  sb_hold_message_write (out, SB_MESSAGE_HELD, "5", "h_9f3k", "opening", seats_ab, 1300, 1000,
                         FALSE);
  g_autoptr (SbMessage) held = parse_ok (out);
  g_assert_cmpint (held->type, ==, SB_MESSAGE_HELD);
  g_assert_false (held->replayed);
  assert_hold (&held->hold->info, "h_9f3k", "opening", seats_ab, 1300, 300);
  g_assert_cmpint (held->hold->server_time, ==, 1000);
  g_assert_null (held->hold->lone_seat);
  g_autoptr (SbHoldInfo) info = sb_hold_info_copy (&held->hold->info);
  assert_hold (info, "h_9f3k", "opening", seats_ab, 1300, 300);

  /* The orphan rule's warning is read, and copied with the message. */
  sb_message_add_lone_seat (out, "stalls-C-7");
  g_autoptr (SbMessage) warned = parse_ok (out);
  g_assert_cmpstr (warned->hold->lone_seat, ==, "stalls-C-7");
  g_autoptr (SbMessage) warned_copy = sb_message_copy (warned);
  g_assert_cmpstr (warned_copy->hold->lone_seat, ==, "stalls-C-7");

  g_string_truncate (out, 0);
  sb_hold_message_write (out, SB_MESSAGE_EXTENDED, "6", "h_9f3k", "opening", seats_c, 900, 1000,
                         TRUE);
  g_autoptr (SbMessage) extended = parse_ok (out);
  g_assert_cmpint (extended->type, ==, SB_MESSAGE_EXTENDED);
  g_assert_true (extended->replayed);
  /* An expiry in the past counts down from 0, not below. */
  assert_hold (&extended->hold->info, "h_9f3k", "opening", seats_c, 900, 0);

  g_string_truncate (out, 0);
  sb_released_message_write (out, "7", "h_9f3k", "opening", seats_ab, FALSE);
  g_autoptr (SbMessage) released = parse_ok (out);
  g_assert_cmpint (released->type, ==, SB_MESSAGE_RELEASED);
  g_assert_cmpstr (released->released->hold, ==, "h_9f3k");
  g_assert_cmpstr (released->released->event, ==, "opening");
  assert_strv (released->released->seats, seats_ab);

  g_string_truncate (out, 0);
  sb_booked_message_write (out, "8", "B7K3QX9M", "opening", seats_c, TRUE);
  g_assert_cmpstr (out->str, ==,
                   "{\"type\":\"booked\",\"re\":\"8\",\"booking\":\"B7K3QX9M\",\"event\":"
                   "\"opening\",\"seats\":[\"balcony-\\\"C\\\"-1\"],\"replayed\":true}");
  g_autoptr (SbMessage) booked = parse_ok (out);
  g_assert_cmpint (booked->type, ==, SB_MESSAGE_BOOKED);
  g_assert_true (booked->replayed);
  g_assert_cmpstr (booked->booked->booking, ==, "B7K3QX9M");
  assert_strv (booked->booked->seats, seats_c);
  g_assert_null (booked->booked->lone_seat);
  sb_message_add_lone_seat (out, "balcony-A-2");
  g_autoptr (SbMessage) booked_warned = parse_ok (out);
  g_assert_cmpstr (booked_warned->booked->lone_seat, ==, "balcony-A-2");

  assert_parse_fails ("{\"type\":\"held\",\"re\":\"5\",\"hold\":\"h\",\"event\":\"e\","
                      "\"seats\":[\"a\"],\"remaining_ms\":1,\"server_time\":2}",
                      SB_MESSAGE_READ_ERROR_INVALID, "held.expires_at");
  assert_parse_fails ("{\"type\":\"held\",\"re\":\"5\",\"hold\":\"h\",\"event\":\"e\","
                      "\"seats\":[\"a\",2],\"expires_at\":1,\"remaining_ms\":1,\"server_time\":2}",
                      SB_MESSAGE_READ_ERROR_INVALID, "held.seats[1]");
  assert_parse_fails ("{\"type\":\"booked\",\"re\":\"8\",\"booking\":\"B\",\"event\":\"e\","
                      "\"seats\":[],\"replayed\":1}",
                      SB_MESSAGE_READ_ERROR_INVALID, "booked.replayed");
  assert_parse_fails ("{\"type\":\"released\",\"re\":\"7\",\"hold\":\"h\",\"hold\":\"h\","
                      "\"event\":\"e\",\"seats\":[]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "released.hold");
}

static void
test_changed (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  sb_changed_message_write_begin (out, "opening", 42, 44);
  sb_seat_update_write (out, "stalls-C-12", SB_SEAT_BOOKED, NULL);
  sb_seat_update_write (out, "stalls-C-20", SB_SEAT_FREE, NULL);
  sb_seat_update_write (out, "stalls-C-21", SB_SEAT_HELD, "h_2");
  sb_changed_message_write_end (out);
  g_assert_true (g_str_has_prefix (out->str, "{\"type\":\"changed\",\"event\":\"opening\""));

  g_autoptr (SbMessage) message = parse_ok (out);
  g_assert_cmpint (message->type, ==, SB_MESSAGE_CHANGED);
  g_assert_null (message->re);
  SbChangedMessage *changed = message->changed;
  g_assert_cmpstr (changed->event, ==, "opening");
  g_assert_cmpint (changed->from_version, ==, 42);
  g_assert_cmpint (changed->version, ==, 44);
  g_assert_cmpuint (changed->seats->len, ==, 3);
  assert_seat (g_ptr_array_index (changed->seats, 0), "stalls-C-12", SB_SEAT_BOOKED, NULL);
  assert_seat (g_ptr_array_index (changed->seats, 1), "stalls-C-20", SB_SEAT_FREE, NULL);
  assert_seat (g_ptr_array_index (changed->seats, 2), "stalls-C-21", SB_SEAT_HELD, "h_2");

  g_autoptr (SbChangedMessage) copy = g_boxed_copy (SB_TYPE_CHANGED_MESSAGE, changed);
  assert_seat (g_ptr_array_index (copy->seats, 2), "stalls-C-21", SB_SEAT_HELD, "h_2");

  assert_parse_fails ("{\"type\":\"changed\",\"event\":\"e\",\"from_version\":1,\"version\":2,"
                      "\"seats\":[{\"state\":\"free\"}]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "changed.seats[0].id");
  assert_parse_fails ("{\"type\":\"changed\",\"event\":\"e\",\"from_version\":1,\"version\":2,"
                      "\"seats\":{}}",
                      SB_MESSAGE_READ_ERROR_INVALID, "changed.seats");
}

static void
test_error (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  sb_error_message_write (out, "5", SB_ERROR_SEAT_UNAVAILABLE, "Seats a, b are not available",
                          seats_ab, NULL, 0, FALSE);
  g_assert_cmpstr (out->str, ==,
                   "{\"type\":\"error\",\"re\":\"5\",\"code\":\"seat_unavailable\",\"message\":"
                   "\"Seats a, b are not available\",\"seats\":[\"stalls-A-1\",\"stalls-A-2\"]}");
  g_autoptr (SbMessage) unavailable = parse_ok (out);
  g_assert_cmpint (unavailable->type, ==, SB_MESSAGE_ERROR);
  g_assert_cmpint (unavailable->error->code, ==, SB_ERROR_SEAT_UNAVAILABLE);
  g_assert_cmpstr (unavailable->error->message, ==, "Seats a, b are not available");
  assert_strv (unavailable->error->seats, seats_ab);
  g_assert_null (unavailable->error->hold);
  g_assert_cmpint (unavailable->error->retry_after_ms, ==, 0);

  g_string_truncate (out, 0);
  sb_error_message_write (out, "6", SB_ERROR_HOLD_EXPIRED, "expired", NULL, "h_1", 0, TRUE);
  g_autoptr (SbMessage) expired = parse_ok (out);
  g_assert_cmpint (expired->error->code, ==, SB_ERROR_HOLD_EXPIRED);
  g_assert_cmpstr (expired->error->hold, ==, "h_1");
  g_assert_null (expired->error->seats);
  g_assert_true (expired->replayed);

  g_string_truncate (out, 0);
  sb_error_message_write (out, NULL, SB_ERROR_RATE_LIMITED, "Too many requests", NULL, NULL, 20,
                          FALSE);
  g_autoptr (SbMessage) limited = parse_ok (out);
  g_assert_null (limited->re);
  g_assert_cmpint (limited->error->code, ==, SB_ERROR_RATE_LIMITED);
  g_assert_cmpint (limited->error->retry_after_ms, ==, 20);

  g_autoptr (SbErrorMessage) copy = sb_error_message_copy (unavailable->error);
  assert_strv (copy->seats, seats_ab);

  assert_parse_fails ("{\"type\":\"error\",\"re\":\"5\",\"code\":\"oops\",\"message\":\"m\"}",
                      SB_MESSAGE_READ_ERROR_INVALID, "error.code");
  assert_parse_fails ("{\"type\":\"error\",\"re\":\"5\",\"code\":\"not_found\"}",
                      SB_MESSAGE_READ_ERROR_INVALID, "error.message");
  assert_parse_fails ("{\"type\":\"error\",\"re\":5,\"code\":\"not_found\",\"message\":\"m\"}",
                      SB_MESSAGE_READ_ERROR_INVALID, "error.re");
}

static void
test_unauthenticated_and_forbidden (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  sb_error_message_write_unauthenticated (out, "2", SB_AUTH_LOCKED, "Too many failed sign-ins",
                                          90000);
  g_assert_cmpstr (out->str, ==,
                   "{\"type\":\"error\",\"re\":\"2\",\"code\":\"unauthenticated\",\"message\":"
                   "\"Too many failed sign-ins\",\"reason\":\"locked\",\"retry_after_ms\":90000}");
  g_autoptr (SbMessage) locked = parse_ok (out);
  g_assert_cmpint (locked->error->code, ==, SB_ERROR_UNAUTHENTICATED);
  g_assert_cmpstr (locked->error->reason, ==, "locked");
  g_assert_cmpint (locked->error->retry_after_ms, ==, 90000);
  g_assert_null (locked->error->required_role);

  g_string_truncate (out, 0);
  sb_error_message_write_unauthenticated (out, NULL, SB_AUTH_REQUIRED, "Sign in first", 0);
  g_autoptr (SbMessage) required = parse_ok (out);
  g_assert_null (required->re);
  g_assert_cmpstr (required->error->reason, ==, "required");
  g_assert_cmpint (required->error->retry_after_ms, ==, 0);

  g_string_truncate (out, 0);
  sb_error_message_write_forbidden_role (out, "3", "A viewer may not hold seats", SB_ROLE_CLERK);
  g_assert_cmpstr (out->str, ==,
                   "{\"type\":\"error\",\"re\":\"3\",\"code\":\"forbidden\",\"message\":"
                   "\"A viewer may not hold seats\",\"required_role\":\"clerk\"}");
  g_autoptr (SbMessage) forbidden = parse_ok (out);
  g_assert_cmpint (forbidden->error->code, ==, SB_ERROR_FORBIDDEN);
  g_assert_cmpstr (forbidden->error->required_role, ==, "clerk");
  g_assert_null (forbidden->error->reason);

  g_autoptr (SbErrorMessage) copy = sb_error_message_copy (locked->error);
  g_assert_cmpstr (copy->reason, ==, "locked");

  assert_parse_fails ("{\"type\":\"error\",\"re\":\"5\",\"code\":\"unauthenticated\",\"message\":"
                      "\"m\",\"reason\":7}",
                      SB_MESSAGE_READ_ERROR_INVALID, "error.reason");
}

static void
test_signed_in_out (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  sb_signed_in_message_write_begin (out, "2", "anna \"a\"", SB_ROLE_CLERK, "sbt_tok", 50000, 1000);
  sb_hold_info_write (out, "h_1", "ev", seats_ab, 5000, 1000);
  sb_signed_in_message_write_end (out);
  g_autoptr (SbMessage) message = parse_ok (out);
  g_assert_cmpint (message->type, ==, SB_MESSAGE_SIGNED_IN);
  g_assert_cmpstr (message->re, ==, "2");
  SbSignedInMessage *signed_in = message->signed_in;
  g_assert_cmpstr (signed_in->username, ==, "anna \"a\"");
  g_assert_cmpint (signed_in->role, ==, SB_ROLE_CLERK);
  g_assert_cmpstr (signed_in->token, ==, "sbt_tok");
  g_assert_cmpint (signed_in->expires_at, ==, 50000);
  g_assert_cmpint (signed_in->server_time, ==, 1000);
  g_assert_cmpuint (signed_in->holds->len, ==, 1);
  assert_hold (g_ptr_array_index (signed_in->holds, 0), "h_1", "ev", seats_ab, 5000, 4000);

  g_autoptr (SbMessage) copy = sb_message_copy (message);
  g_assert_cmpstr (copy->signed_in->token, ==, "sbt_tok");
  g_assert_true (copy->signed_in->holds != signed_in->holds);
  assert_hold (g_ptr_array_index (copy->signed_in->holds, 0), "h_1", "ev", seats_ab, 5000, 4000);

  /* An account with no holds. */
  g_string_truncate (out, 0);
  sb_signed_in_message_write_begin (out, "3", "v", SB_ROLE_ADMIN, "t", 2, 1);
  sb_signed_in_message_write_end (out);
  g_autoptr (SbMessage) empty = parse_ok (out);
  g_assert_cmpint (empty->signed_in->role, ==, SB_ROLE_ADMIN);
  g_assert_cmpuint (empty->signed_in->holds->len, ==, 0);

  g_string_truncate (out, 0);
  sb_signed_out_message_write (out, "9");
  g_assert_cmpstr (out->str, ==, "{\"type\":\"signed_out\",\"re\":\"9\"}");
  g_autoptr (SbMessage) signed_out = parse_ok (out);
  g_assert_cmpint (signed_out->type, ==, SB_MESSAGE_SIGNED_OUT);
  g_assert_cmpstr (signed_out->re, ==, "9");
  g_assert_null (signed_out->body);
  g_autoptr (SbMessage) signed_out_copy = sb_message_copy (signed_out);
  g_assert_cmpstr (signed_out_copy->re, ==, "9");

  assert_parse_fails ("{\"type\":\"signed_in\",\"re\":\"2\",\"username\":\"a\",\"role\":\"root\","
                      "\"token\":\"t\",\"expires_at\":1,\"server_time\":1,\"holds\":[]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "signed_in.role");
  assert_parse_fails ("{\"type\":\"signed_in\",\"re\":\"2\",\"username\":\"a\",\"role\":\"clerk\","
                      "\"expires_at\":1,\"server_time\":1,\"holds\":[]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "signed_in.token");
  assert_parse_fails ("{\"type\":\"signed_out\"}", SB_MESSAGE_READ_ERROR_INVALID, "signed_out.re");
}

static void
test_audit_log (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  sb_audit_log_message_write_begin (out, "7", "opening-night");
  sb_audit_entry_write (out, 1000, "anna", "desk-3", "hold", seats_ab, "h_1", NULL, NULL);
  sb_audit_entry_write (out, 2000, "anna", "desk-4", "book", seats_c, "h_1", "B7K3QX9M",
                        "booked \"by hold\"");
  sb_audit_entry_write (out, 3000, "legacy", NULL, "expire", NULL, "h_2", NULL, NULL);
  sb_audit_log_message_write_end (out);
  g_autoptr (SbMessage) message = parse_ok (out);
  g_assert_cmpint (message->type, ==, SB_MESSAGE_AUDIT_LOG);
  SbAuditLogMessage *log = message->audit_log;
  g_assert_cmpstr (log->event, ==, "opening-night");
  g_assert_cmpuint (log->entries->len, ==, 3);

  SbAuditEntry *hold = g_ptr_array_index (log->entries, 0);
  g_assert_cmpint (hold->at, ==, 1000);
  g_assert_cmpstr (hold->account, ==, "anna");
  g_assert_cmpstr (hold->desk, ==, "desk-3");
  g_assert_cmpstr (hold->action, ==, "hold");
  assert_strv (hold->seats, seats_ab);
  g_assert_cmpstr (hold->hold, ==, "h_1");
  g_assert_null (hold->booking);
  g_assert_null (hold->detail);

  SbAuditEntry *book = g_ptr_array_index (log->entries, 1);
  assert_strv (book->seats, seats_c);
  g_assert_cmpstr (book->booking, ==, "B7K3QX9M");
  g_assert_cmpstr (book->detail, ==, "booked \"by hold\"");

  SbAuditEntry *expire = g_ptr_array_index (log->entries, 2);
  g_assert_cmpstr (expire->desk, ==, "");
  g_assert_nonnull (expire->seats);
  g_assert_null (expire->seats[0]);

  g_autoptr (SbAuditLogMessage) copy = sb_audit_log_message_copy (log);
  g_assert_cmpuint (copy->entries->len, ==, 3);
  g_assert_cmpstr (((SbAuditEntry *) g_ptr_array_index (copy->entries, 1))->booking, ==,
                   "B7K3QX9M");

  assert_parse_fails ("{\"type\":\"audit_log\",\"re\":\"7\",\"event\":\"e\",\"entries\":[{\"at\":1,"
                      "\"account\":\"a\",\"desk\":\"d\",\"seats\":[]}]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "audit_log.entries[0].action");
  assert_parse_fails ("{\"type\":\"audit_log\",\"re\":\"7\",\"event\":\"e\"}",
                      SB_MESSAGE_READ_ERROR_INVALID, "audit_log.entries");
}

static void
test_bookings (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (SbCustomer) zoe
      = sb_customer_new ("Zoë Müller", "+49 (30) 123-456", NULL, "Line\none");

  sb_bookings_message_write_begin (out, "11", "opening-night");
  sb_bookings_entry_write (out, "B7K3QX9M", seats_ab, "anna", "desk-1", zoe, 1000, 13000, "booked");
  sb_bookings_entry_write (out, "C2", NULL, "legacy", NULL, NULL, 2000, 0, "cancelled");
  sb_bookings_message_write_end (out, "C2");
  g_autoptr (SbMessage) message = parse_ok (out);
  g_assert_cmpint (message->type, ==, SB_MESSAGE_BOOKINGS);
  g_assert_cmpstr (message->re, ==, "11");
  SbBookingsMessage *bookings = message->bookings;
  g_assert_cmpstr (bookings->event, ==, "opening-night");
  g_assert_cmpstr (bookings->next, ==, "C2");
  g_assert_cmpuint (bookings->bookings->len, ==, 2);

  SbBookingEntry *first = g_ptr_array_index (bookings->bookings, 0);
  g_assert_cmpstr (first->reference, ==, "B7K3QX9M");
  assert_strv (first->seats, seats_ab);
  g_assert_cmpstr (first->account, ==, "anna");
  g_assert_cmpstr (first->desk, ==, "desk-1");
  g_assert_true (sb_customer_equal (&first->customer, zoe));
  g_assert_cmpint (first->booked_at, ==, 1000);
  g_assert_cmpint (first->total_price, ==, 13000);
  g_assert_cmpstr (first->state, ==, "booked");

  /* "customer": null leaves every field NULL; no seats is an empty array. */
  SbBookingEntry *second = g_ptr_array_index (bookings->bookings, 1);
  g_assert_null (second->customer.name);
  g_assert_null (second->customer.phone);
  g_assert_null (second->customer.email);
  g_assert_null (second->customer.note);
  g_assert_nonnull (second->seats);
  g_assert_null (second->seats[0]);
  g_assert_cmpstr (second->desk, ==, "");
  g_assert_cmpstr (second->state, ==, "cancelled");

  g_autoptr (SbMessage) copy = sb_message_copy (message);
  SbBookingEntry *copied = g_ptr_array_index (copy->bookings->bookings, 0);
  g_assert_true (copied != first);
  g_assert_true (copied->customer.name != first->customer.name);
  g_assert_true (sb_customer_equal (&copied->customer, zoe));

  /* The last page. */
  g_string_truncate (out, 0);
  sb_bookings_message_write_begin (out, "12", "e");
  sb_bookings_message_write_end (out, NULL);
  g_autoptr (SbMessage) last = parse_ok (out);
  g_assert_null (last->bookings->next);
  g_assert_cmpuint (last->bookings->bookings->len, ==, 0);

  assert_parse_fails ("{\"type\":\"bookings\",\"re\":\"1\",\"event\":\"e\",\"bookings\":[]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "bookings.next");
  assert_parse_fails ("{\"type\":\"bookings\",\"re\":\"1\",\"event\":\"e\",\"next\":null,"
                      "\"bookings\":[{\"reference\":\"R\",\"seats\":[],\"account\":\"a\","
                      "\"desk\":\"d\",\"customer\":\"Zoë\",\"booked_at\":1,\"total_price\":1,"
                      "\"state\":\"booked\"}]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "bookings.bookings[0].customer");
  assert_parse_fails ("{\"type\":\"bookings\",\"re\":\"1\",\"event\":\"e\",\"next\":null,"
                      "\"bookings\":[{\"reference\":\"R\",\"seats\":[],\"account\":\"a\","
                      "\"desk\":\"d\",\"customer\":{\"name\":7},\"booked_at\":1,"
                      "\"total_price\":1,\"state\":\"booked\"}]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "bookings.bookings[0].customer.name");
  assert_parse_fails ("{\"type\":\"bookings\",\"re\":\"1\",\"event\":\"e\",\"next\":null,"
                      "\"bookings\":[{\"reference\":\"R\",\"seats\":[],\"account\":\"a\","
                      "\"desk\":\"d\",\"customer\":null,\"booked_at\":1,\"state\":\"booked\"}]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "bookings.bookings[0].total_price");
}

static void
test_cancelled (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  static const char *const remaining[] = { "stalls-C-15", NULL };

  sb_cancelled_message_write (out, "11", "B7K3QX9M", "opening-night", seats_c, SB_REFUND_PARTIAL,
                              1000, remaining, FALSE);
  g_autoptr (SbMessage) message = parse_ok (out);
  g_assert_cmpint (message->type, ==, SB_MESSAGE_CANCELLED);
  g_assert_false (message->replayed);
  SbCancelledMessage *cancelled = message->cancelled;
  g_assert_cmpstr (cancelled->booking, ==, "B7K3QX9M");
  g_assert_cmpstr (cancelled->event, ==, "opening-night");
  assert_strv (cancelled->seats, seats_c);
  g_assert_cmpint (cancelled->refund_kind, ==, SB_REFUND_PARTIAL);
  g_assert_cmpint (cancelled->refund_amount, ==, 1000);
  assert_strv (cancelled->remaining_seats, remaining);
  g_assert_cmpstr (cancelled->state, ==, "active");

  g_string_truncate (out, 0);
  sb_cancelled_message_write (out, "12", "B7K3QX9M", "opening-night", seats_ab, SB_REFUND_NONE, 0,
                              NULL, TRUE);
  g_autoptr (SbMessage) whole = parse_ok (out);
  g_assert_true (whole->replayed);
  g_assert_cmpint (whole->cancelled->refund_kind, ==, SB_REFUND_NONE);
  g_assert_null (whole->cancelled->remaining_seats[0]);
  g_assert_cmpstr (whole->cancelled->state, ==, "cancelled");
  g_autoptr (SbCancelledMessage) copy = sb_cancelled_message_copy (whole->cancelled);
  assert_strv (copy->seats, seats_ab);

  assert_parse_fails ("{\"type\":\"cancelled\",\"re\":\"1\",\"booking\":\"B\",\"event\":\"e\","
                      "\"seats\":[],\"refund\":{\"kind\":\"most\",\"amount\":1},"
                      "\"remaining_seats\":[],\"state\":\"cancelled\"}",
                      SB_MESSAGE_READ_ERROR_INVALID, "cancelled.refund.kind");
  assert_parse_fails ("{\"type\":\"cancelled\",\"re\":\"1\",\"booking\":\"B\",\"event\":\"e\","
                      "\"seats\":[],\"refund\":{\"kind\":\"full\"},"
                      "\"remaining_seats\":[],\"state\":\"cancelled\"}",
                      SB_MESSAGE_READ_ERROR_INVALID, "cancelled.refund.amount");
  assert_parse_fails ("{\"type\":\"cancelled\",\"re\":\"1\",\"booking\":\"B\",\"event\":\"e\","
                      "\"seats\":[],\"refund\":{\"kind\":\"full\",\"amount\":1},"
                      "\"state\":\"cancelled\"}",
                      SB_MESSAGE_READ_ERROR_INVALID, "cancelled.remaining_seats");
}

static void
test_blocked (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  sb_blocked_message_write (out, FALSE, "12", "opening-night", seats_ab, FALSE);
  g_autoptr (SbMessage) blocked = parse_ok (out);
  g_assert_cmpint (blocked->type, ==, SB_MESSAGE_BLOCKED);
  g_assert_cmpstr (blocked->blocked->event, ==, "opening-night");
  assert_strv (blocked->blocked->seats, seats_ab);

  g_string_truncate (out, 0);
  sb_blocked_message_write (out, TRUE, "13", "opening-night", seats_c, TRUE);
  g_autoptr (SbMessage) unblocked = parse_ok (out);
  g_assert_cmpint (unblocked->type, ==, SB_MESSAGE_UNBLOCKED);
  g_assert_true (unblocked->replayed);
  assert_strv (unblocked->blocked->seats, seats_c);
  g_autoptr (SbMessage) copy = sb_message_copy (unblocked);
  assert_strv (copy->blocked->seats, seats_c);

  assert_parse_fails ("{\"type\":\"unblocked\",\"re\":\"1\",\"event\":\"e\"}",
                      SB_MESSAGE_READ_ERROR_INVALID, "unblocked.seats");
  assert_parse_fails ("{\"type\":\"blocked\",\"re\":\"1\",\"event\":\"e\",\"seats\":[1]}",
                      SB_MESSAGE_READ_ERROR_INVALID, "blocked.seats[0]");
}

static void
test_moved (void)
{
  static const char *const to[] = { "stalls-B-7", "stalls-B-8", NULL };
  static const char *const now[] = { "stalls-B-7", "stalls-B-8", "stalls-C-16", NULL };
  g_autoptr (GString) out = g_string_new (NULL);

  sb_moved_message_write (out, "14", "B7K3QX9M", "opening-night", seats_ab, to, now, 13500, 16500,
                          "EUR", FALSE);
  g_autoptr (SbMessage) moved = parse_ok (out);
  g_assert_cmpint (moved->type, ==, SB_MESSAGE_MOVED);
  g_assert_cmpstr (moved->re, ==, "14");
  g_assert_cmpstr (moved->moved->booking, ==, "B7K3QX9M");
  g_assert_cmpstr (moved->moved->event, ==, "opening-night");
  assert_strv (moved->moved->from, seats_ab);
  assert_strv (moved->moved->to, to);
  assert_strv (moved->moved->seats, now);
  g_assert_cmpint (moved->moved->total_before, ==, 13500);
  g_assert_cmpint (moved->moved->total_after, ==, 16500);
  g_assert_cmpint (moved->moved->difference, ==, 3000);
  g_assert_cmpstr (moved->moved->currency, ==, "EUR");
  g_autoptr (SbMessage) copy = sb_message_copy (moved);
  assert_strv (copy->moved->to, to);
  g_assert_cmpint (copy->moved->difference, ==, 3000);

  assert_parse_fails ("{\"type\":\"moved\",\"re\":\"1\",\"booking\":\"B\",\"event\":\"e\","
                      "\"from\":[],\"to\":[],\"seats\":[],\"total_before\":1,"
                      "\"total_after\":2,\"currency\":\"EUR\"}",
                      SB_MESSAGE_READ_ERROR_INVALID, "moved.difference");
  assert_parse_fails ("{\"type\":\"moved\",\"re\":\"1\",\"booking\":\"B\",\"event\":\"e\","
                      "\"from\":[],\"to\":[2],\"seats\":[],\"total_before\":1,"
                      "\"total_after\":2,\"difference\":1,\"currency\":\"EUR\"}",
                      SB_MESSAGE_READ_ERROR_INVALID, "moved.to[0]");
}

static void
test_envelope (void)
{
  /* The type need not come first; unknown members are ignored at every level. */
  const char *later_type
      = "{\"re\":\"1\",\"future\":{\"a\":[1,2,{\"b\":null}]},\"server_time\":7,\"type\":\"pong\"}";
  g_autoptr (SbMessage) pong = sb_message_parse (later_type, strlen (later_type), NULL);
  g_assert_nonnull (pong);
  g_assert_cmpint (pong->type, ==, SB_MESSAGE_PONG);
  g_assert_cmpint (pong->pong->server_time, ==, 7);

  const char *nested_unknown
      = "{\"type\":\"changed\",\"event\":\"e\",\"from_version\":1,\"version\":2,\"seats\":[{\"id\":"
        "\"a\",\"state\":\"held\",\"hold\":\"h\",\"price\":10}],\"re\":17}";
  g_autoptr (SbMessage) changed = sb_message_parse (nested_unknown, strlen (nested_unknown), NULL);
  g_assert_nonnull (changed);
  assert_seat (g_ptr_array_index (changed->changed->seats, 0), "a", SB_SEAT_HELD, "h");

  assert_parse_fails ("", SB_MESSAGE_READ_ERROR_INVALID, "invalid JSON");
  assert_parse_fails ("{\"type\":\"pong\",", SB_MESSAGE_READ_ERROR_INVALID, "invalid JSON");
  assert_parse_fails ("{\"type\":\"pong\",\"re\":\"1\",\"server_time\":1} x",
                      SB_MESSAGE_READ_ERROR_INVALID, "invalid JSON");
  assert_parse_fails ("[1]", SB_MESSAGE_READ_ERROR_INVALID, "object");
  assert_parse_fails ("{\"re\":\"1\"}", SB_MESSAGE_READ_ERROR_INVALID, "\"type\"");
  assert_parse_fails ("{\"type\":3}", SB_MESSAGE_READ_ERROR_INVALID, "\"type\"");
  assert_parse_fails ("{\"type\":\"fanfare\",\"re\":\"1\"}", SB_MESSAGE_READ_ERROR_UNKNOWN_TYPE,
                      "fanfare");
  assert_parse_fails ("{\"type\":\"pong\",\"type\":\"pong\",\"re\":\"1\",\"server_time\":1}",
                      SB_MESSAGE_READ_ERROR_INVALID, "pong.type");

  /* Every type has a name that reads back. */
  for (guint t = 0; t < SB_MESSAGE_N_TYPES; t++)
    {
      SbMessageType type;
      g_assert_true (sb_message_type_from_string (sb_message_type_to_string (t), &type));
      g_assert_cmpint (type, ==, t);
    }
  g_assert_null (sb_message_type_to_string (SB_MESSAGE_N_TYPES));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/message/welcome", test_welcome);
  g_test_add_func ("/message/events", test_events);
  g_test_add_func ("/message/snapshot", test_snapshot);
  g_test_add_func ("/message/replay", test_replay);
  g_test_add_func ("/message/unsubscribed-pong", test_unsubscribed_and_pong);
  g_test_add_func ("/message/hold-replies", test_hold_replies);
  g_test_add_func ("/message/changed", test_changed);
  g_test_add_func ("/message/error", test_error);
  g_test_add_func ("/message/unauthenticated-forbidden", test_unauthenticated_and_forbidden);
  g_test_add_func ("/message/signed-in-out", test_signed_in_out);
  g_test_add_func ("/message/audit-log", test_audit_log);
  g_test_add_func ("/message/envelope", test_envelope);
  g_test_add_func ("/message/bookings", test_bookings);
  g_test_add_func ("/message/cancelled", test_cancelled);
  g_test_add_func ("/message/moved", test_moved);
  g_test_add_func ("/message/blocked", test_blocked);
  return g_test_run ();
}
