/* sb-startup-trace.c: timestamps of the app's start, for bench/startup.
 *
 * The benchmark measures from exec to the first frame that shows an event's whole map. Only the
 * app knows when that frame is painted, so it says so, on stderr, when asked: the frame clock's
 * after-paint of the first frame after the snapshot was shown, in CLOCK_MONOTONIC, which the
 * benchmark read before exec. Nothing is printed or connected without SEATBOOK_TRACE_STARTUP. */
#include "config.h"

#include <time.h>

#include "sb-startup-trace.h"

static gboolean
enabled (void)
{
  static gsize initialized;
  static gboolean value;

  if (g_once_init_enter (&initialized))
    {
      value = g_getenv ("SEATBOOK_TRACE_STARTUP") != NULL;
      g_once_init_leave (&initialized, 1);
    }
  return value;
}

void
sb_startup_trace_mark (const char *what)
{
  if (enabled ())
    g_printerr ("seatbook-trace: %s %" G_GINT64_FORMAT "\n", what, g_get_monotonic_time ());
}

typedef struct
{
  GdkFrameClock *clock;
  gulong handler;
  guint n_seats;
} MapShown;

static void
after_paint_cb (GdkFrameClock *clock, gpointer user_data)
{
  MapShown *shown = user_data;
  struct timespec cpu = { 0 };
  g_autofree char *what = NULL;

  /* The CPU time of all the process's threads (the renderer's too): on a machine shared with other
   * work, it says more than the wall-clock time about what a change saved. */
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu);
  what = g_strdup_printf ("map-drawn seats=%u cpu-us=%" G_GINT64_FORMAT, shown->n_seats,
                          (gint64) cpu.tv_sec * G_USEC_PER_SEC + cpu.tv_nsec / 1000);

  sb_startup_trace_mark (what);
  g_signal_handler_disconnect (clock, shown->handler);
}

void
sb_startup_trace_map_shown (GtkWidget *widget, guint n_seats)
{
  static gboolean done;
  GdkFrameClock *clock;
  MapShown *shown;

  if (!enabled () || done)
    return;
  /* Not realized yet (the window is still to be shown): nothing will paint it before it is. */
  clock = gtk_widget_get_frame_clock (widget);
  if (clock == NULL)
    return;
  done = TRUE;
  sb_startup_trace_mark ("snapshot-shown");
  shown = g_new0 (MapShown, 1);
  shown->clock = clock;
  shown->n_seats = n_seats;
  shown->handler = g_signal_connect_data (clock, "after-paint", G_CALLBACK (after_paint_cb), shown,
                                          (GClosureNotify) (void (*) (void)) g_free, 0);
  /* The frame that draws the map: the stack has just switched to it, which queued it anyway. */
  gtk_widget_queue_draw (widget);
}
