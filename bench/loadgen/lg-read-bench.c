/* lg-read-bench: what reading one server message costs the load generator, with its scanner
 * (lg-json.h) and with protocol/'s typed reader, on the text the server's own writers produce.
 * Not a test and not timed: run it under callgrind and read the inclusive instructions per call
 * of lg_msg_scan or of sb_message_parse + sb_message_free (BENCHMARKS.md):
 *
 *   valgrind --tool=callgrind lg-read-bench scan|parse MESSAGE [ITERATIONS]
 *
 * MESSAGE is an index into the table below; `lg-read-bench list` prints the messages. The last is
 * a snapshot of data/venues/arena.json (read from the current directory; the top of the source
 * tree) as every subscriber without `since` gets it. */
#include "lg-json.h"
#include "sb-message.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static GPtrArray *
build_messages (void)
{
  g_autofree char *venue = NULL;
  gsize venue_length = 0;
  GPtrArray *all = g_ptr_array_new_with_free_func (g_free);
  const char *one[] = { "floor-A-1", NULL };
  const char *four[] = { "floor-A-1", "floor-A-2", "floor-A-3", "floor-A-4", NULL };
  GString *s;

  /* Scenario (a): what a subscriber gets for a hold and for a booking. */
  s = g_string_new (NULL);
  sb_changed_message_write_begin (s, "arena-1", 41, 42);
  sb_seat_update_write (s, "floor-A-1", SB_SEAT_HELD, "h-0123456789abcdef");
  sb_changed_message_write_end (s);
  g_ptr_array_add (all, g_string_free (s, FALSE));
  s = g_string_new (NULL);
  sb_changed_message_write_begin (s, "arena-1", 42, 43);
  for (guint i = 0; four[i] != NULL; i++)
    sb_seat_update_write (s, four[i], SB_SEAT_BOOKED, NULL);
  sb_changed_message_write_end (s);
  g_ptr_array_add (all, g_string_free (s, FALSE));
  /* Scenario (c): every reply after the first ten bookings. */
  s = g_string_new (NULL);
  sb_error_message_write (s, "12345", SB_ERROR_SEAT_UNAVAILABLE, "seat not available", one, NULL, 0,
                          FALSE);
  g_ptr_array_add (all, g_string_free (s, FALSE));
  /* Scenario (a): a booker's replies. */
  s = g_string_new (NULL);
  sb_hold_message_write (s, SB_MESSAGE_HELD, "12346", "h-0123456789abcdef", "arena-1", four,
                         1764660000000, 1764659400000, FALSE);
  g_ptr_array_add (all, g_string_free (s, FALSE));
  s = g_string_new (NULL);
  sb_booked_message_write (s, "12347", "B-0123456789", "arena-1", four, FALSE);
  g_ptr_array_add (all, g_string_free (s, FALSE));
  /* A snapshot, written as the server writes it (sb-live-event.c), with a few seats taken. */
  if (g_file_get_contents ("data/venues/arena.json", &venue, &venue_length, NULL))
    {
      s = g_string_new (NULL);
      sb_snapshot_message_write_head (s, "7", "arena-1", "Benchmark arena 1", 0, 43, 1764659400000);
      g_string_append_len (s, venue, (gssize) venue_length);
      g_string_append (s, SB_SNAPSHOT_SEATS_MEMBER "[");
      for (guint i = 0; four[i] != NULL; i++)
        sb_seat_update_write (s, four[i], SB_SEAT_BOOKED, NULL);
      g_string_append_c (s, ']');
      sb_snapshot_message_write_holds_begin (s);
      sb_snapshot_message_write_end (s, NULL);
      g_ptr_array_add (all, g_string_free (s, FALSE));
    }
  return all;
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) messages = build_messages ();
  const char *mode = argc > 1 ? argv[1] : "list";
  guint index = argc > 2 ? (guint) atoi (argv[2]) : 0;
  guint iterations = argc > 3 ? (guint) atoi (argv[3]) : 10000;
  guint64 sink = 0;

  if (strcmp (mode, "list") == 0)
    {
      for (guint i = 0; i < messages->len; i++)
        printf ("%u %.200s\n", i, (const char *) messages->pdata[i]);
      return 0;
    }
  if (index >= messages->len || (strcmp (mode, "scan") != 0 && strcmp (mode, "parse") != 0))
    {
      fprintf (stderr, "usage: lg-read-bench list | scan|parse MESSAGE [ITERATIONS]\n");
      return 2;
    }

  const char *text = messages->pdata[index];
  gsize len = strlen (text);
  for (guint i = 0; i < iterations; i++)
    {
      if (mode[0] == 's')
        {
          LgMsg msg;
          if (!lg_msg_scan (text, len, &msg))
            g_error ("unreadable: %s", text);
          sink += (guint64) msg.version + msg.type.len;
        }
      else
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (SbMessage) msg = sb_message_parse (text, len, &error);
          if (msg == NULL)
            g_error ("unreadable: %s: %s", text, error->message);
          sink += msg->type;
        }
    }
  /* Keeps the loop from being optimised away. */
  return sink == G_MAXUINT64 ? 1 : 0;
}
