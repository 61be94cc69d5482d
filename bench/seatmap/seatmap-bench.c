/* seatmap-bench.c: how fast the app's seat map is on a big venue.
 *
 * Measures, with the very SbSeatMap the app uses:
 *  - first frame: from building the map (one widget per seat) to the end of the first frame
 *    that shows it, for a fresh window each run;
 *  - change: applying a `changed` that names 500 seats (the synchronous part), and until the
 *    frame that shows it has been painted;
 *  - zoom: one zoom step (a relayout of every seat) until its frame is painted.
 * Run under Xvfb (see README.md). Not a test: it prints figures and asserts nothing. */
#include "config.h"

#include <stdlib.h>

#include <gtk/gtk.h>

#include "sb-seat-map-private.h"
#include "sb-venue.h"

#define N_FIRST_FRAME_RUNS 5
#define N_CHANGE_RUNS 21
#define N_ZOOM_RUNS 10
#define CHANGE_SIZE 500

typedef enum
{
  PHASE_FIRST_FRAME,
  PHASE_CHANGE,
  PHASE_ZOOM,
} Phase;

typedef struct
{
  SbVenue *venue;
  GMainLoop *loop;
  GtkWidget *window;
  SbSeatMap *map;
  gulong paint_handler;
  Phase phase;
  guint run;
  gint64 started;
  GArray *first_frame; /* double, ms */
  GArray *apply;
  GArray *change_frame;
  GArray *zoom_frame;
  GRand *rand;
  guint change_start;
} Bench;

static void start_first_frame_run (Bench *bench);

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what, GArray *samples)
{
  g_autoptr (GArray) sorted = g_array_copy (samples);

  g_array_sort (sorted, compare_doubles);
  g_print ("%-34s n=%-3u min %8.2f ms  median %8.2f ms  max %8.2f ms\n", what, sorted->len,
           g_array_index (sorted, double, 0), g_array_index (sorted, double, sorted->len / 2),
           g_array_index (sorted, double, sorted->len - 1));
}

static double
elapsed_ms (gint64 since)
{
  return (g_get_monotonic_time () - since) / 1000.0;
}

/* A `changed` payload (SbSeatUpdate) naming CHANGE_SIZE distinct seats spread over the venue, all
 * turning to state. */
static GPtrArray *
make_change (Bench *bench, SbSeatState state)
{
  GPtrArray *seats = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_seat_update_free);
  guint n = sb_venue_get_n_seats (bench->venue);
  guint start = bench->change_start;
  guint step = n / CHANGE_SIZE;

  for (guint i = 0; i < CHANGE_SIZE; i++)
    {
      SbSeatUpdate *update = g_new0 (SbSeatUpdate, 1);
      const SbSeat *seat = sb_venue_get_seat (bench->venue, (start + i * step) % n);

      update->id = g_strdup (seat->id);
      update->state = state;
      if (state == SB_SEAT_HELD)
        update->hold = g_strdup ("h_bench");
      g_ptr_array_add (seats, update);
    }
  return seats;
}

static void
next_change (Bench *bench)
{
  static const SbSeatState states[] = { SB_SEAT_HELD, SB_SEAT_BOOKED, SB_SEAT_FREE };
  g_autoptr (GPtrArray) seats = NULL;
  gint64 before;

  /* The same seats go held → booked → free, so every change really changes all 500 (a change
   * that changes nothing would paint no frame). */
  if (bench->run % G_N_ELEMENTS (states) == 0)
    bench->change_start
        = (guint) g_rand_int_range (bench->rand, 0, (gint32) sb_venue_get_n_seats (bench->venue));
  seats = make_change (bench, states[bench->run % G_N_ELEMENTS (states)]);
  before = g_get_monotonic_time ();
  double apply_ms;

  sb_seat_map_apply_seats (bench->map, seats);
  apply_ms = elapsed_ms (before);
  g_array_append_val (bench->apply, apply_ms);
  bench->started = before;
}

static void
next_zoom (Bench *bench)
{
  /* In and out alternately, around the middle, as a Ctrl+scroll would. */
  double factor = bench->run % 2 == 0 ? 1.25 : 0.8;

  bench->started = g_get_monotonic_time ();
  sb_seat_map_set_zoom_at (bench->map, sb_seat_map_get_zoom (bench->map) * factor, 400, 300);
}

static void
after_paint_cb (GdkFrameClock *clock, Bench *bench)
{
  double ms = elapsed_ms (bench->started);

  if (g_getenv ("SEATMAP_BENCH_DEBUG") != NULL)
    g_printerr ("phase %d run %u: %.2f ms\n", bench->phase, bench->run, ms);

  switch (bench->phase)
    {
      case PHASE_FIRST_FRAME:
        g_array_append_val (bench->first_frame, ms);
        if (++bench->run < N_FIRST_FRAME_RUNS)
          {
            g_signal_handler_disconnect (clock, bench->paint_handler);
            gtk_window_destroy (GTK_WINDOW (bench->window));
            start_first_frame_run (bench);
            return;
          }
        bench->phase = PHASE_CHANGE;
        bench->run = 0;
        next_change (bench);
        return;

      case PHASE_CHANGE:
        g_array_append_val (bench->change_frame, ms);
        if (++bench->run < N_CHANGE_RUNS)
          {
            next_change (bench);
            return;
          }
        bench->phase = PHASE_ZOOM;
        bench->run = 0;
        next_zoom (bench);
        return;

      case PHASE_ZOOM:
      default:
        g_array_append_val (bench->zoom_frame, ms);
        if (++bench->run < N_ZOOM_RUNS)
          {
            next_zoom (bench);
            return;
          }
        g_signal_handler_disconnect (clock, bench->paint_handler);
        g_main_loop_quit (bench->loop);
        return;
    }
}

static void
window_realized_cb (GtkWidget *window, Bench *bench)
{
  GdkFrameClock *clock = gdk_surface_get_frame_clock (gtk_native_get_surface (GTK_NATIVE (window)));

  bench->paint_handler
      = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), bench);
}

static void
start_first_frame_run (Bench *bench)
{
  bench->started = g_get_monotonic_time ();

  bench->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (bench->window), 1280, 900);
  g_signal_connect (bench->window, "realize", G_CALLBACK (window_realized_cb), bench);
  bench->map = SB_SEAT_MAP (sb_seat_map_new ());
  sb_seat_map_set_venue (bench->map, bench->venue);
  gtk_window_set_child (GTK_WINDOW (bench->window), GTK_WIDGET (bench->map));
  gtk_window_present (GTK_WINDOW (bench->window));
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *default_path
      = g_build_filename (SB_SOURCE_DATADIR, "venues", "arena.json", NULL);
  const char *path = argc > 1 ? argv[1] : default_path;
  Bench bench = { 0 };
  GdkDisplay *display;

  gtk_init ();
  display = gdk_display_get_default ();
  if (display == NULL)
    {
      g_printerr ("No display: run under xvfb-run (see bench/seatmap/README.md)\n");
      return EXIT_FAILURE;
    }

  bench.venue = sb_venue_new_from_file (path, &error);
  if (bench.venue == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.rand = g_rand_new_with_seed (42);
  bench.first_frame = g_array_new (FALSE, FALSE, sizeof (double));
  bench.apply = g_array_new (FALSE, FALSE, sizeof (double));
  bench.change_frame = g_array_new (FALSE, FALSE, sizeof (double));
  bench.zoom_frame = g_array_new (FALSE, FALSE, sizeof (double));

  g_print ("venue %s: %u seats, %u rows, %u sections; display %s\n",
           sb_venue_get_name (bench.venue), sb_venue_get_n_seats (bench.venue),
           sb_venue_get_n_rows (bench.venue), sb_venue_get_n_sections (bench.venue),
           G_OBJECT_TYPE_NAME (display));

  start_first_frame_run (&bench);
  g_main_loop_run (bench.loop);

  {
    GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (bench.window));

    g_print ("renderer %s\n", G_OBJECT_TYPE_NAME (renderer));
  }
  g_print ("first frame: the first run includes loading the theme and fonts\n");
  g_print ("%-34s %8.2f ms\n", "first frame, first run",
           g_array_index (bench.first_frame, double, 0));
  report ("first frame, all runs", bench.first_frame);
  report ("apply a 500-seat change", bench.apply);
  report ("500-seat change until painted", bench.change_frame);
  report ("zoom step until painted", bench.zoom_frame);

  gtk_window_destroy (GTK_WINDOW (bench.window));
  g_array_unref (bench.first_frame);
  g_array_unref (bench.apply);
  g_array_unref (bench.change_frame);
  g_array_unref (bench.zoom_frame);
  g_rand_free (bench.rand);
  g_main_loop_unref (bench.loop);
  g_object_unref (bench.venue);
  return EXIT_SUCCESS;
}
