/* sb-startup-trace.h: one-line timestamps of the app's start, for bench/startup. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* With SEATBOOK_TRACE_STARTUP set, prints "seatbook-trace: WHAT T" to stderr, T being
 * CLOCK_MONOTONIC in microseconds (the clock a benchmark that exec'd the app reads too); else
 * nothing. */
void sb_startup_trace_mark (const char *what);

/* With SEATBOOK_TRACE_STARTUP set, marks "map-drawn" at the end of the first frame widget paints
 * after this call, once per process: called when the first snapshot is shown. */
void sb_startup_trace_map_shown (GtkWidget *widget, guint n_seats);

G_END_DECLS
