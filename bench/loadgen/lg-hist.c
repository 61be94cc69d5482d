/* lg-hist.c: log-linear histogram, see lg-hist.h. */
#include "lg-hist.h"

/* Values below 32 get a bucket each; above, a value with its top bit at position msb (≥ 5) is
 * kept with its top 5 bits: bucket = shift * 16 + (value >> shift), shift = msb − 4. */
static guint
bucket_of (guint64 value)
{
  if (value < 32)
    return (guint) value;
  guint msb = 63 - (guint) __builtin_clzll (value);
  guint shift = msb - 4;
  guint bucket = shift * 16 + (guint) (value >> shift);
  return MIN (bucket, LG_HIST_BUCKETS - 1);
}

/* The middle of a bucket's range, which is what a percentile reports. */
static double
bucket_value (guint bucket)
{
  if (bucket < 32)
    return bucket;
  guint shift = bucket / 16 - 1;
  guint64 mantissa = bucket % 16 + 16;
  return (double) (mantissa << shift) + (double) ((guint64) 1 << shift) / 2.0;
}

void
lg_hist_add (LgHist *hist, gint64 value_us)
{
  guint64 value = value_us < 0 ? 0 : (guint64) value_us;

  hist->counts[bucket_of (value)]++;
  hist->n++;
  hist->sum += value;
  if (value > hist->max)
    hist->max = value;
}

double
lg_hist_percentile (const LgHist *hist, double fraction)
{
  if (hist->n == 0)
    return 0;

  /* The rank of the sample wanted, 1-based, rounded up (the nearest-rank method). */
  guint64 rank = (guint64) (fraction * (double) hist->n + 0.999999);
  rank = CLAMP (rank, 1, hist->n);

  guint64 seen = 0;
  for (guint i = 0; i < LG_HIST_BUCKETS; i++)
    {
      seen += hist->counts[i];
      if (seen >= rank)
        return MIN (bucket_value (i), (double) hist->max);
    }
  return (double) hist->max;
}

double
lg_hist_mean (const LgHist *hist)
{
  return hist->n > 0 ? (double) hist->sum / (double) hist->n : 0;
}
