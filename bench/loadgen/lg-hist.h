/* lg-hist.h: a log-linear histogram of microsecond values (16 sub-buckets per power of two, so a
 * reported percentile is within ~6% of the true value), cheap enough to record every sample. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LG_HIST_BUCKETS 1024

typedef struct
{
  guint64 counts[LG_HIST_BUCKETS];
  guint64 n;
  guint64 sum;
  guint64 max;
} LgHist;

void lg_hist_add (LgHist *hist, gint64 value_us);
/* The value below which `fraction` (0..1) of the samples fall, in µs; 0 when empty. */
double lg_hist_percentile (const LgHist *hist, double fraction);
double lg_hist_mean (const LgHist *hist);

G_END_DECLS
