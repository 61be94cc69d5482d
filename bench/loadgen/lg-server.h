/* lg-server.h: what the load generator reads about the server under test: its CPU time and memory
 * from /proc, and its Prometheus /metrics (the broadcast lag histogram). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  gboolean valid;
  gint64 at_us;   /* monotonic time of the sample */
  double cpu_s;   /* utime + stime of all threads, seconds */
  gint64 rss_kib; /* VmRSS */
  gint64 hwm_kib; /* VmHWM: peak RSS */
  gint64 threads;
} LgProcSample;

gboolean lg_proc_sample (int pid, LgProcSample *sample);

/* GETs url (an http:// or https:// URL on the loopback interface) and returns the body, or NULL. */
char *lg_metrics_fetch (const char *url, GError **error);

/* SoupMessage::accept-certificate for the bench's own loopback server (a self-signed certificate):
 * accepts any. */
gboolean lg_accept_any_certificate (gpointer message,
                                    gpointer certificate,
                                    GTlsCertificateFlags errors,
                                    gpointer user_data);

/* A Prometheus histogram: cumulative bucket counts by upper bound. */
typedef struct
{
  gboolean found;
  GArray *le;     /* double, increasing; the last is +Inf */
  GArray *counts; /* double, cumulative */
  double sum;
  double count;
} LgPromHist;

/* Reads histogram `name` (all label sets summed) from a /metrics text. */
void lg_prom_hist_parse (const char *text, const char *name, LgPromHist *hist);
void lg_prom_hist_clear (LgPromHist *hist);
/* The q-quantile of the observations between two scrapes, interpolated inside the bucket the way
 * PromQL's histogram_quantile () does. Returns a negative value when there is nothing to tell. */
double lg_prom_hist_quantile (const LgPromHist *before, const LgPromHist *after, double q);
/* The value of a counter or gauge (all label sets summed), or -1 when absent. */
double lg_prom_value (const char *text, const char *name);

G_END_DECLS
