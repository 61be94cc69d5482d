/* sb-reports-page.c: an event's report (sb-reports-page.h): asked of the server when the page is
 * shown and again after changes, drawn as figures and bar charts, exported as CSV. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-bar-chart.h"
#include "sb-report-csv.h"
#include "sb-reports-page.h"
#include "sb-util.h"

/* Changes arriving within this pause cost one report request. */
#define REFRESH_DELAY_MS 1000

struct _SbReportsPage
{
  AdwBin parent_instance;

  GtkStack *stack;
  GtkSpinner *spinner;
  AdwStatusPage *status_page;
  GtkLabel *heading;
  GtkButton *export_button;
  AdwActionRow *gross_row;
  AdwActionRow *refunded_row;
  AdwActionRow *net_row;
  AdwPreferencesGroup *categories_group;
  AdwPreferencesGroup *days_group;
  SbBarChart *seats_chart;
  SbBarChart *days_chart;
  SbBarChart *accounts_chart;
  GPtrArray *category_rows; /* AdwActionRow, one per category, under the chart */

  SbConnection *connection;
  char *event_id;
  SbVenue *venue;
  SbReportMessage *report;
  GCancellable *cancellable; /* of the request in flight */
  gboolean stale;            /* the event changed since the report shown was asked for */
  guint refresh_source;
  GtkNativeDialog *chooser;
};

G_DEFINE_FINAL_TYPE (SbReportsPage, sb_reports_page, ADW_TYPE_BIN)

/* The map's state colours would be too pale for bars; these are GNOME's palette. */
static const GdkRGBA state_colours[] = {
  { 0.208f, 0.518f, 0.894f, 1.0f }, /* sold: blue 3 */
  { 0.961f, 0.761f, 0.067f, 1.0f }, /* held: yellow 4 */
  { 0.200f, 0.820f, 0.478f, 1.0f }, /* free: green 3 */
  { 0.467f, 0.463f, 0.482f, 1.0f }, /* blocked: dark 1 */
};
static const GdkRGBA takings_colour = { 0.208f, 0.518f, 0.894f, 1.0f };

static void
show_status (SbReportsPage *self, const char *icon_name, const char *title, const char *description)
{
  adw_status_page_set_icon_name (self->status_page, icon_name);
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_stack_set_visible_child_name (self->stack, "status");
  gtk_spinner_stop (self->spinner);
}

static const char *
category_name (SbReportsPage *self, const char *category_id)
{
  for (guint i = 0; self->venue != NULL && i < sb_venue_get_n_categories (self->venue); i++)
    {
      const SbCategory *category = sb_venue_get_category (self->venue, i);

      if (g_strcmp0 (category->id, category_id) == 0)
        return category->name;
    }
  return category_id;
}

/* "2026-12-02" in the report's time zone → "Wed 2 Dec". */
static char *
format_day (const char *day)
{
  int year, month, mday;
  g_autoptr (GDateTime) date = NULL;

  if (sscanf (day, "%d-%d-%d", &year, &month, &mday) == 3)
    date = g_date_time_new_utc (year, month, mday, 0, 0, 0);
  /* Translators: a day of the sales chart, in g_date_time_format() notation.
   * xgettext:no-c-format */
  return date != NULL ? g_date_time_format (date, C_ ("report day", "%a %-d %b %Y"))
                      : g_strdup (day);
}

static void
set_row_value (AdwActionRow *row, gint64 amount, const char *currency)
{
  g_autofree char *text = sb_format_price (amount, currency);

  adw_action_row_set_subtitle (row, text);
}

static void
show_categories (SbReportsPage *self, const SbReportMessage *report)
{
  const char *series[] = {
    C_ ("seats", "sold"),
    C_ ("seats", "held"),
    C_ ("seats", "free"),
    C_ ("seats", "blocked"),
  };
  g_autoptr (SbChart) chart = sb_chart_new (G_N_ELEMENTS (series), series, state_colours, NULL);

  for (guint i = 0; i < self->category_rows->len; i++)
    adw_preferences_group_remove (self->categories_group,
                                  g_ptr_array_index (self->category_rows, i));
  g_ptr_array_set_size (self->category_rows, 0);

  for (guint i = 0; report->categories != NULL && i < report->categories->len; i++)
    {
      const SbReportCategoryFigures *figures = g_ptr_array_index (report->categories, i);
      const gint64 values[] = { figures->sold, figures->held, figures->free, figures->blocked };
      const char *name = category_name (self, figures->category);
      g_autofree char *sold = sb_format_count (figures->sold);
      g_autofree char *held = sb_format_count (figures->held);
      g_autofree char *free_seats = sb_format_count (figures->free);
      g_autofree char *blocked = sb_format_count (figures->blocked);
      g_autofree char *price = sb_format_price (figures->price, report->currency);
      /* Translators: a category's seats in the report: sold, held, free, blocked, price */
      g_autofree char *subtitle
          = g_strdup_printf (_ ("%s sold · %s held · %s free · %s blocked · %s each"), sold, held,
                             free_seats, blocked, price);
      GtkWidget *row = adw_action_row_new ();

      sb_chart_add_bar (chart, name, values);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_preferences_group_add (self->categories_group, row);
      g_ptr_array_add (self->category_rows, row);
    }
  sb_bar_chart_set_chart (self->seats_chart, g_steal_pointer (&chart));
}

static SbChart *
takings_chart (GPtrArray *sales, const char *currency, gboolean days)
{
  const char *series[] = { C_ ("report", "takings") };
  SbChart *chart = sb_chart_new (1, series, &takings_colour, currency);

  for (guint i = 0; sales != NULL && i < sales->len; i++)
    {
      const SbReportSalesFigures *figures = g_ptr_array_index (sales, i);
      g_autofree char *label = days ? format_day (figures->key) : g_strdup (figures->key);

      sb_chart_add_bar (chart, *label != '\0' ? label : _ ("(before accounts)"), &figures->gross);
    }
  return chart;
}

static void
show_report (SbReportsPage *self, SbReportMessage *report)
{
  g_autofree char *heading = NULL;
  g_autofree char *days = NULL;

  g_clear_pointer (&self->report, sb_report_message_free);
  self->report = report;

  /* Translators: the report's heading; %s is the event's id */
  heading = g_strdup_printf (_ ("Report for %s"), report->event);
  gtk_label_set_text (self->heading, heading);
  set_row_value (self->gross_row, report->gross, report->currency);
  set_row_value (self->refunded_row, report->refunded, report->currency);
  set_row_value (self->net_row, report->net, report->currency);
  show_categories (self, report);
  /* Translators: the description of the sales per day; %s is the time zone whose local days they
   * are (the event's, so that a manager away from the venue knows which midnight ends a day), an
   * IANA name such as Europe/Berlin, or UTC */
  days = g_strdup_printf (_ ("Gross takings of the seats sold each day (days in %s)."),
                          report->time_zone != NULL ? report->time_zone : "UTC");
  adw_preferences_group_set_description (self->days_group, days);
  sb_bar_chart_set_chart (self->days_chart, takings_chart (report->days, report->currency, TRUE));
  sb_bar_chart_set_chart (self->accounts_chart,
                          takings_chart (report->accounts, report->currency, FALSE));
  gtk_stack_set_visible_child_name (self->stack, "report");
  gtk_spinner_stop (self->spinner);
}

static void
report_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SbMessage) reply
      = sb_connection_send_finish (SB_CONNECTION (source), result, NULL, &error);
  SbReportsPage *self;

  /* Cancelled when the page goes or asks again: data is not to be touched then. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SB_REPORTS_PAGE (data);

  if (reply == NULL)
    {
      const char *why = error->domain == SB_PROTOCOL_ERROR
                            ? sb_error_code_get_message ((SbErrorCode) error->code)
                            : error->message;

      if (g_error_matches (error, SB_PROTOCOL_ERROR, SB_ERROR_FORBIDDEN))
        why = _ ("Only managers can see an event's report.");
      show_status (self, "dialog-warning-symbolic", _ ("No Report"), why);
      return;
    }
  if (reply->type != SB_MESSAGE_REPORT)
    {
      show_status (self, "dialog-warning-symbolic", _ ("No Report"),
                   _ ("The server answered with something else than a report."));
      return;
    }
  show_report (self, g_steal_pointer (&reply->report));
}

void
sb_reports_page_refresh (SbReportsPage *self)
{
  SbRequest *request;

  g_return_if_fail (SB_IS_REPORTS_PAGE (self));

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->connection == NULL || self->event_id == NULL)
    {
      show_status (self, "x-office-spreadsheet-symbolic", _ ("No Event"),
                   _ ("Choose an event to see its report."));
      return;
    }

  self->stale = FALSE;
  self->cancellable = g_cancellable_new ();
  request = sb_connection_new_request (self->connection, SB_REQUEST_REPORT);
  request->event_id = g_strdup (self->event_id);
  /* The report shown stays while a newer one is on its way. */
  if (self->report == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      gtk_spinner_start (self->spinner);
    }
  sb_connection_send_async (self->connection, request, self->cancellable, report_cb, self);
}

static gboolean
refresh_timeout_cb (gpointer data)
{
  SbReportsPage *self = data;

  self->refresh_source = 0;
  sb_reports_page_refresh (self);
  return G_SOURCE_REMOVE;
}

void
sb_reports_page_event_changed (SbReportsPage *self)
{
  g_return_if_fail (SB_IS_REPORTS_PAGE (self));

  self->stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && self->refresh_source == 0)
    self->refresh_source = g_timeout_add (REFRESH_DELAY_MS, refresh_timeout_cb, self);
}

void
sb_reports_page_set_event (SbReportsPage *self,
                           SbConnection *connection,
                           const char *event_id,
                           SbVenue *venue)
{
  g_return_if_fail (SB_IS_REPORTS_PAGE (self));
  g_return_if_fail (connection == NULL || SB_IS_CONNECTION (connection));

  g_set_object (&self->connection, connection);
  g_free (self->event_id);
  self->event_id = g_strdup (event_id);
  if (self->venue != venue)
    {
      g_clear_object (&self->venue);
      self->venue = venue != NULL ? g_object_ref (venue) : NULL;
    }
  g_clear_pointer (&self->report, sb_report_message_free);
  self->stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) || event_id == NULL)
    sb_reports_page_refresh (self);
}

const SbReportMessage *
sb_reports_page_get_report (SbReportsPage *self)
{
  g_return_val_if_fail (SB_IS_REPORTS_PAGE (self), NULL);
  return self->report;
}

static void
refresh_clicked_cb (SbReportsPage *self)
{
  sb_reports_page_refresh (self);
}

static void
show_export_error (SbReportsPage *self, const char *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _ ("Report Not Saved"), message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_response_cb (GtkNativeDialog *chooser, int response, gpointer data)
{
  SbReportsPage *self = data;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) csv = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->report != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      csv = g_string_new (NULL);
      sb_report_write_table (csv, self->report, TRUE);
      /* A report is a few kilobytes: written at once, atomically (a temporary file renamed). */
      if (!g_file_replace_contents (file, csv->str, csv->len, NULL, FALSE,
                                    G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error))
        show_export_error (self, error->message);
    }
  g_clear_object (&self->chooser);
}

static void
export_clicked_cb (SbReportsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *name = NULL;

  if (self->report == NULL || self->chooser != NULL)
    return;
  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (
      _ ("Export Report"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
      GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), _ ("_Cancel")));
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  /* Translators: the suggested file name of an exported report; %s is the event's id */
  name = g_strdup_printf (_ ("%s-report.csv"), self->report->event);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (self->chooser);
}

static void
sb_reports_page_map (GtkWidget *widget)
{
  SbReportsPage *self = SB_REPORTS_PAGE (widget);

  GTK_WIDGET_CLASS (sb_reports_page_parent_class)->map (widget);
  /* Asked for only when looked at: a clerk's desk never sends `report`. */
  if (self->stale)
    sb_reports_page_refresh (self);
}

static void
sb_reports_page_dispose (GObject *object)
{
  SbReportsPage *self = SB_REPORTS_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->connection);
  g_clear_object (&self->venue);

  G_OBJECT_CLASS (sb_reports_page_parent_class)->dispose (object);
}

static void
sb_reports_page_finalize (GObject *object)
{
  SbReportsPage *self = SB_REPORTS_PAGE (object);

  g_free (self->event_id);
  g_clear_pointer (&self->report, sb_report_message_free);
  g_ptr_array_unref (self->category_rows);

  G_OBJECT_CLASS (sb_reports_page_parent_class)->finalize (object);
}

static void
sb_reports_page_class_init (SbReportsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_reports_page_dispose;
  object_class->finalize = sb_reports_page_finalize;
  widget_class->map = sb_reports_page_map;

  g_type_ensure (SB_TYPE_BAR_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/seatbook/Seatbook/sb-reports-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SbReportsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SbReportsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SbReportsPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, SbReportsPage, heading);
  gtk_widget_class_bind_template_child (widget_class, SbReportsPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, SbReportsPage, gross_row);
  gtk_widget_class_bind_template_child (widget_class, SbReportsPage, refunded_row);
  gtk_widget_class_bind_template_child (widget_class, SbReportsPage, net_row);
  gtk_widget_class_bind_template_child (widget_class, SbReportsPage, categories_group);
  gtk_widget_class_bind_template_child (widget_class, SbReportsPage, days_group);
  gtk_widget_class_bind_template_child (widget_class, SbReportsPage, seats_chart);
  gtk_widget_class_bind_template_child (widget_class, SbReportsPage, days_chart);
  gtk_widget_class_bind_template_child (widget_class, SbReportsPage, accounts_chart);
  gtk_widget_class_bind_template_callback (widget_class, refresh_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked_cb);
}

static void
sb_reports_page_init (SbReportsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->category_rows = g_ptr_array_new ();
  self->stale = TRUE;
  gtk_stack_set_visible_child_name (self->stack, "status");
}

GtkWidget *
sb_reports_page_new (void)
{
  return g_object_new (SB_TYPE_REPORTS_PAGE, NULL);
}
