/* sb-best-available-dialog.c: the form behind "Best available…": how many seats, of which category,
 * up to which price, and whether side by side. The server chooses; the dialog only asks and, when
 * the server refuses, says why while the form can still be changed. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sb-best-available-dialog.h"
#include "sb-protocol.h"
#include "sb-util.h"

struct _SbBestAvailableDialog
{
  AdwWindow parent_instance;

  GtkWidget *form;
  GtkSpinButton *count_spin;
  AdwComboRow *category_row;
  GtkSpinButton *price_spin;
  GtkSwitch *together_switch;
  GtkLabel *refusal_label;
  GtkWidget *anyway_button;
  GtkWidget *find_button;
  GtkSpinner *spinner;

  SbVenue *venue;
};

G_DEFINE_FINAL_TYPE (SbBestAvailableDialog, sb_best_available_dialog, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_FIND,
  SIGNAL_HOLD_ANYWAY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
find_cb (SbBestAvailableDialog *self)
{
  if (!gtk_widget_get_sensitive (self->find_button))
    return;
  /* What the clerk typed counts even before the spin buttons lose the focus. */
  gtk_spin_button_update (self->count_spin);
  gtk_spin_button_update (self->price_spin);
  g_signal_emit (self, signals[SIGNAL_FIND], 0);
}

/* The same form once more, with the orphan rule overridden. */
static void
anyway_cb (SbBestAvailableDialog *self)
{
  if (!gtk_widget_get_sensitive (self->find_button))
    return;
  gtk_spin_button_update (self->count_spin);
  gtk_spin_button_update (self->price_spin);
  g_signal_emit (self, signals[SIGNAL_HOLD_ANYWAY], 0);
}

/* A changed form is a new question: the last answer, and its way past it, no longer apply. */
static void
form_changed_cb (SbBestAvailableDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->refusal_label), FALSE);
  gtk_widget_set_visible (self->anyway_button, FALSE);
}

/* 0 is "No limit": a price of nothing would find nothing. */
static gboolean
price_output_cb (GtkSpinButton *spin, SbBestAvailableDialog *self)
{
  gint64 whole = (gint64) gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));
  g_autofree char *text = NULL;

  if (whole <= 0)
    text = g_strdup (_ ("No limit"));
  else
    text = sb_format_price (whole
                                * sb_currency_get_minor_units (sb_venue_get_currency (self->venue)),
                            sb_venue_get_currency (self->venue));
  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

/* Reads "50", "€50.00", "50,00 €" or "No limit": the digits before the decimal separator. */
static int
price_input_cb (GtkSpinButton *spin, double *new_value, SbBestAvailableDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  g_autofree char *decimal_point = sb_format_price (0, NULL);
  gint64 whole = 0;
  gboolean digits = FALSE;

  /* sb_format_price (0, NULL) is "0.00" in the locale's notation: its second character is the
   * decimal separator. */
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_ascii_isdigit (*p))
        {
          whole = MIN (whole * 10 + (*p - '0'), (gint64) G_MAXINT32);
          digits = TRUE;
        }
      else if (digits && strlen (decimal_point) > 1 && *p == decimal_point[1])
        break;
    }
  *new_value = (double) whole;
  return TRUE;
}

static void
sb_best_available_dialog_dispose (GObject *object)
{
  SbBestAvailableDialog *self = SB_BEST_AVAILABLE_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SB_TYPE_BEST_AVAILABLE_DIALOG);
  g_clear_object (&self->venue);

  G_OBJECT_CLASS (sb_best_available_dialog_parent_class)->dispose (object);
}

static void
sb_best_available_dialog_class_init (SbBestAvailableDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_best_available_dialog_dispose;

  /* The form is complete: the window asks the server for seats. */
  signals[SIGNAL_FIND] = g_signal_new ("find", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The orphan rule refused the form's seats and a manager holds them anyway. */
  signals[SIGNAL_HOLD_ANYWAY]
      = g_signal_new ("hold-anyway", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/seatbook/Seatbook/sb-best-available-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SbBestAvailableDialog, form);
  gtk_widget_class_bind_template_child (widget_class, SbBestAvailableDialog, count_spin);
  gtk_widget_class_bind_template_child (widget_class, SbBestAvailableDialog, category_row);
  gtk_widget_class_bind_template_child (widget_class, SbBestAvailableDialog, price_spin);
  gtk_widget_class_bind_template_child (widget_class, SbBestAvailableDialog, together_switch);
  gtk_widget_class_bind_template_child (widget_class, SbBestAvailableDialog, refusal_label);
  gtk_widget_class_bind_template_child (widget_class, SbBestAvailableDialog, find_button);
  gtk_widget_class_bind_template_child (widget_class, SbBestAvailableDialog, anyway_button);
  gtk_widget_class_bind_template_child (widget_class, SbBestAvailableDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, find_cb);
  gtk_widget_class_bind_template_callback (widget_class, anyway_cb);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, price_output_cb);
  gtk_widget_class_bind_template_callback (widget_class, price_input_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sb_best_available_dialog_init (SbBestAvailableDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_spin_button_set_range (self->count_spin, 1, SB_MAX_SEATS_PER_REQUEST);
  /* Enter in a field sends the form, as in any dialog (GtkSpinButton has no activates-default
   * of its own before GTK 4.14; its text delegate has). */
  gtk_text_set_activates_default (
      GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (self->count_spin))), TRUE);
  gtk_text_set_activates_default (
      GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (self->price_spin))), TRUE);
}

SbBestAvailableDialog *
sb_best_available_dialog_new (GtkWindow *parent, SbVenue *venue)
{
  SbBestAvailableDialog *self;
  g_autoptr (GtkStringList) categories = gtk_string_list_new (NULL);

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SB_IS_VENUE (venue), NULL);

  self = g_object_new (SB_TYPE_BEST_AVAILABLE_DIALOG, "transient-for", parent, NULL);
  self->venue = g_object_ref (venue);

  /* Position 0 is any category; position i + 1 is the venue's category i. */
  gtk_string_list_append (categories, _ ("Any"));
  for (guint i = 0; i < sb_venue_get_n_categories (venue); i++)
    {
      const SbCategory *category = sb_venue_get_category (venue, i);
      g_autofree char *price = sb_format_price (category->price, sb_venue_get_currency (venue));
      /* Translators: a category to choose in Best Available: "<name> (<price>)" */
      g_autofree char *text = g_strdup_printf (C_ ("category", "%s (%s)"), category->name, price);

      gtk_string_list_append (categories, text);
    }
  adw_combo_row_set_model (self->category_row, G_LIST_MODEL (categories));
  adw_combo_row_set_selected (self->category_row, 0);
  /* The currency is known now: "No limit" instead of "0". */
  gtk_spin_button_update (self->price_spin);
  price_output_cb (self->price_spin, self);
  form_changed_cb (self);
  return self;
}

guint
sb_best_available_dialog_get_count (SbBestAvailableDialog *self)
{
  g_return_val_if_fail (SB_IS_BEST_AVAILABLE_DIALOG (self), 1);

  return (guint) CLAMP (gtk_spin_button_get_value_as_int (self->count_spin), 1,
                        SB_MAX_SEATS_PER_REQUEST);
}

const char *
sb_best_available_dialog_get_category (SbBestAvailableDialog *self)
{
  guint selected;

  g_return_val_if_fail (SB_IS_BEST_AVAILABLE_DIALOG (self), NULL);

  selected = adw_combo_row_get_selected (self->category_row);
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION
      || selected > sb_venue_get_n_categories (self->venue))
    return NULL;
  return sb_venue_get_category (self->venue, selected - 1)->id;
}

gint64
sb_best_available_dialog_get_max_price (SbBestAvailableDialog *self)
{
  gint64 whole;

  g_return_val_if_fail (SB_IS_BEST_AVAILABLE_DIALOG (self), -1);

  whole = (gint64) gtk_spin_button_get_value (self->price_spin);
  if (whole <= 0)
    return -1;
  return whole * sb_currency_get_minor_units (sb_venue_get_currency (self->venue));
}

gboolean
sb_best_available_dialog_get_together (SbBestAvailableDialog *self)
{
  g_return_val_if_fail (SB_IS_BEST_AVAILABLE_DIALOG (self), TRUE);

  return gtk_switch_get_active (self->together_switch);
}

void
sb_best_available_dialog_set_busy (SbBestAvailableDialog *self, gboolean busy)
{
  g_return_if_fail (SB_IS_BEST_AVAILABLE_DIALOG (self));

  gtk_widget_set_sensitive (self->form, !busy);
  gtk_widget_set_sensitive (self->find_button, !busy);
  gtk_widget_set_sensitive (self->anyway_button, !busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
}

void
sb_best_available_dialog_show_refusal (SbBestAvailableDialog *self, const char *text)
{
  g_return_if_fail (SB_IS_BEST_AVAILABLE_DIALOG (self));
  g_return_if_fail (text != NULL);

  gtk_label_set_label (self->refusal_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->refusal_label), TRUE);
}

void
sb_best_available_dialog_offer_anyway (SbBestAvailableDialog *self, gboolean offer)
{
  g_return_if_fail (SB_IS_BEST_AVAILABLE_DIALOG (self));

  gtk_widget_set_visible (self->anyway_button, offer);
}

/* "in Standard under €50.00", "in Standard", "under €50.00", or NULL when the request names
 * neither a category nor a price. */
static char *
describe_limits (SbBestAvailableDialog *self)
{
  const char *category_id = sb_best_available_dialog_get_category (self);
  gint64 max_price = sb_best_available_dialog_get_max_price (self);
  const char *category = NULL;
  g_autofree char *price = NULL;

  for (guint i = 0; category_id != NULL && i < sb_venue_get_n_categories (self->venue); i++)
    if (g_str_equal (sb_venue_get_category (self->venue, i)->id, category_id))
      category = sb_venue_get_category (self->venue, i)->name;
  if (max_price >= 0)
    price = sb_format_price (max_price, sb_venue_get_currency (self->venue));

  if (category != NULL && price != NULL)
    /* Translators: ends "Only 3 seats together are available …": %1$s a category, %2$s a price */
    return g_strdup_printf (C_ ("best available", "in %1$s under %2$s"), category, price);
  if (category != NULL)
    /* Translators: ends "Only 3 seats together are available …": %s is a category */
    return g_strdup_printf (C_ ("best available", "in %s"), category);
  if (price != NULL)
    /* Translators: ends "Only 3 seats together are available …": %s is a price */
    return g_strdup_printf (C_ ("best available", "under %s"), price);
  return NULL;
}

char *
sb_best_available_dialog_describe_shortfall (SbBestAvailableDialog *self, gint64 available)
{
  g_autofree char *limits = NULL;
  gboolean together;
  int n;

  g_return_val_if_fail (SB_IS_BEST_AVAILABLE_DIALOG (self), NULL);

  limits = describe_limits (self);
  together = sb_best_available_dialog_get_together (self);
  n = (int) CLAMP (available, 0, SB_MAX_SEATS_PER_REQUEST);

  if (n == 0 && together)
    return limits != NULL ?
                          /* Translators: %s is "in Standard under €50.00" or part of it */
               g_strdup_printf (_ ("No seats together are available %s."), limits)
                          : g_strdup (_ ("No seats together are available."));
  if (n == 0)
    return limits != NULL ?
                          /* Translators: %s is "in Standard under €50.00" or part of it */
               g_strdup_printf (_ ("No seats are available %s."), limits)
                          : g_strdup (_ ("No seats are available."));
  if (together)
    return limits != NULL
               /* Translators: %1$d seats side by side could be had; %2$s is "in Standard under
                * €50.00" or part of it */
               ? g_strdup_printf (ngettext ("Only %1$d seat together is available %2$s.",
                                            "Only %1$d seats together are available %2$s.", n),
                                  n, limits)
               : g_strdup_printf (ngettext ("Only %d seat together is available.",
                                            "Only %d seats together are available.", n),
                                  n);
  return limits != NULL
             /* Translators: %1$d seats could be had; %2$s is "in Standard under €50.00" or part
              * of it */
             ? g_strdup_printf (ngettext ("Only %1$d seat is available %2$s.",
                                          "Only %1$d seats are available %2$s.", n),
                                n, limits)
             : g_strdup_printf (
                 ngettext ("Only %d seat is available.", "Only %d seats are available.", n), n);
}
