/* test-chart.c: the Reports page's stacked bar chart (gui/sb-chart.c) drawn into an image as the
 * widget draws it, then looked at: each segment in its colour and as long as its share, and
 * the sentence a screen reader says. */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>

#include "sb-chart.h"

#define WIDTH 600

static const char *const series_names[] = { "sold", "held", "free", "blocked" };
static const GdkRGBA series_colours[] = {
  { 0.8f, 0.1f, 0.1f, 1.0f },
  { 0.9f, 0.6f, 0.0f, 1.0f },
  { 0.2f, 0.6f, 0.2f, 1.0f },
  { 0.3f, 0.3f, 0.3f, 1.0f },
};

static cairo_surface_t *
draw (const SbChart *chart)
{
  static const GdkRGBA black = { 0, 0, 0, 1 };
  cairo_surface_t *surface
      = cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH, (int) sb_chart_get_height (chart));
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  sb_chart_draw (chart, cr, WIDTH, &black);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
assert_pixel (cairo_surface_t *surface, double x, double y, const GdkRGBA *colour)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 pixel = *(const guint32 *) (data + (int) y * cairo_image_surface_get_stride (surface)
                                      + (int) x * 4);
  int red = (pixel >> 16) & 0xff, green = (pixel >> 8) & 0xff, blue = pixel & 0xff;

  g_assert_cmpint (ABS (red - (int) (colour->red * 255)), <=, 1);
  g_assert_cmpint (ABS (green - (int) (colour->green * 255)), <=, 1);
  g_assert_cmpint (ABS (blue - (int) (colour->blue * 255)), <=, 1);
}

static void
test_segments (void)
{
  static const gint64 stalls[] = { 120, 4, 30, 2 };
  static const gint64 circle[] = { 10, 0, 68, 0 };
  g_autoptr (SbChart) chart = sb_chart_new (4, series_names, series_colours, NULL);
  cairo_surface_t *surface;
  graphene_rect_t first, area;
  double full_width = 0;

  sb_chart_add_bar (chart, "Stalls", stalls);
  sb_chart_add_bar (chart, "Circle", circle);
  g_assert_cmpuint (sb_chart_get_n_bars (chart), ==, 2);
  g_assert_cmpint (sb_chart_get_total (chart, 0), ==, 156);
  g_assert_cmpint (sb_chart_get_total (chart, 1), ==, 78);
  surface = draw (chart);
  if (g_getenv ("SEATBOOK_ARTIFACTS") != NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("SEATBOOK_ARTIFACTS"), "chart.png", NULL);

      g_mkdir_with_parents (g_getenv ("SEATBOOK_ARTIFACTS"), 0755);
      g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
    }

  /* Stalls has the largest total: its segments share its whole span in proportion, each in
   * its colour, one after the other. */
  sb_chart_get_segment_area (chart, WIDTH, 0, 0, &first);
  for (guint series = 0; series < 4; series++)
    {
      sb_chart_get_segment_area (chart, WIDTH, 0, series, &area);
      full_width += area.size.width;
      assert_pixel (surface, area.origin.x + area.size.width / 2,
                    area.origin.y + area.size.height / 2, &series_colours[series]);
    }
  for (guint series = 0; series < 4; series++)
    {
      sb_chart_get_segment_area (chart, WIDTH, 0, series, &area);
      g_assert_cmpfloat_with_epsilon (area.size.width, full_width * stalls[series] / 156.0, 0.01);
    }
  g_assert_cmpfloat (first.origin.x, >, 0);
  /* The key above the bars starts where they start, with the first series' colour. */
  g_assert_cmpfloat (first.origin.y, >=, 30);
  assert_pixel (surface, first.origin.x + 6, 15, &series_colours[0]);
  g_assert_cmpfloat (first.origin.x + full_width, <, WIDTH);

  /* Circle's bar is half as long, on the row below, and has no held segment. */
  sb_chart_get_segment_area (chart, WIDTH, 1, 1, &area);
  g_assert_cmpfloat (area.size.width, ==, 0);
  sb_chart_get_segment_area (chart, WIDTH, 1, 2, &area);
  g_assert_cmpfloat (area.origin.y, >, first.origin.y + first.size.height);
  g_assert_cmpfloat_with_epsilon (area.origin.x + area.size.width - first.origin.x, full_width / 2,
                                  0.01);
  assert_pixel (surface, area.origin.x + area.size.width / 2, area.origin.y + area.size.height / 2,
                &series_colours[2]);
  /* Past the end of Circle's bar, in the bar column: background. */
  assert_pixel (surface, first.origin.x + full_width * 0.75, area.origin.y + area.size.height / 2,
                &(GdkRGBA){ 1, 1, 1, 1 });
  cairo_surface_destroy (surface);
}

static void
test_describe (void)
{
  static const gint64 stalls[] = { 1200, 4, 30, 2 };
  static const gint64 day[] = { 4500, 0, 0, 0 };
  g_autoptr (SbChart) seats = sb_chart_new (4, series_names, series_colours, NULL);
  g_autoptr (SbChart) money = sb_chart_new (1, series_names, series_colours, "EUR");
  g_autofree char *empty_text = sb_chart_describe (money);
  g_autofree char *seats_text = NULL;
  g_autofree char *money_text = NULL;

  g_assert_cmpstr (empty_text, ==, "No data");
  sb_chart_add_bar (seats, "Stalls", stalls);
  seats_text = sb_chart_describe (seats);
  g_assert_cmpstr (seats_text, ==, "Stalls: 1,200 sold, 4 held, 30 free and 2 blocked (1,236).");
  sb_chart_add_bar (money, "2 Dec", day);
  money_text = sb_chart_describe (money);
  g_assert_cmpstr (money_text, ==, "2 Dec: €45.00.");
}

static void
test_empty (void)
{
  g_autoptr (SbChart) chart = sb_chart_new (1, series_names, series_colours, NULL);
  cairo_surface_t *surface;

  /* One row's height for "No data", drawn without a bar. */
  g_assert_cmpfloat (sb_chart_get_height (chart), >, 0);
  surface = draw (chart);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chart/segments", test_segments);
  g_test_add_func ("/chart/describe", test_describe);
  g_test_add_func ("/chart/empty", test_empty);
  return g_test_run ();
}
