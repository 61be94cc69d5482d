/* sb-ticket-print.c: a ticket through GtkPrintOperation (sb-ticket-print.h). The page is drawn by
 * sb-ticket.c; this file only runs the dialog. A box office prints ticket after ticket: the
 * printer, paper and file the user chose last time are kept for the next one (in this process,
 * as gnome-text-editor keeps its print settings). */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "sb-ticket-print.h"

static GtkPrintSettings *last_settings;
static GtkPageSetup *last_page_setup;

static void
begin_print_cb (GtkPrintOperation *operation, GtkPrintContext *context, SbTicket *ticket)
{
  gtk_print_operation_set_n_pages (
      operation, (int) sb_ticket_get_n_pages (ticket, gtk_print_context_get_height (context)));
}

static void
draw_page_cb (GtkPrintOperation *operation, GtkPrintContext *context, int page, SbTicket *ticket)
{
  sb_ticket_draw_page (ticket, gtk_print_context_get_cairo_context (context), (guint) page,
                       gtk_print_context_get_width (context),
                       gtk_print_context_get_height (context));
}

static void
show_failure (GtkWindow *parent, const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, _ ("Could Not Print the Ticket"),
                                              error != NULL ? error->message : NULL);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
finish (GtkPrintOperation *operation, GtkPrintOperationResult result, const GError *error)
{
  GtkWindow *parent = g_object_get_data (G_OBJECT (operation), "sb-parent");

  if (result == GTK_PRINT_OPERATION_RESULT_APPLY)
    {
      g_set_object (&last_settings, gtk_print_operation_get_print_settings (operation));
      g_set_object (&last_page_setup, gtk_print_operation_get_default_page_setup (operation));
    }
  else if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_autoptr (GError) operation_error = NULL;

      if (error == NULL)
        gtk_print_operation_get_error (operation, &operation_error);
      g_warning ("Printing a ticket failed: %s", error != NULL ? error->message
                                                 : operation_error != NULL
                                                     ? operation_error->message
                                                     : "unknown error");
      show_failure (parent, error != NULL ? error : operation_error);
    }
}

/* Only for a run that went on after gtk_print_operation_run () returned. */
static void
done_cb (GtkPrintOperation *operation, GtkPrintOperationResult result, gpointer user_data)
{
  if (g_object_get_data (G_OBJECT (operation), "sb-running") == NULL)
    return;
  finish (operation, result, NULL);
  g_object_unref (operation);
}

void
sb_ticket_print (SbTicket *ticket, GtkWindow *parent)
{
  g_autoptr (GtkPrintOperation) operation = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *job_name = NULL;
  GtkPrintOperationResult result;

  g_return_if_fail (ticket != NULL);
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  operation = gtk_print_operation_new ();
  /* Translators: the print job's name in the printer's queue; %s is the booking reference */
  job_name = g_strdup_printf (_ ("Ticket %s"), sb_ticket_get_reference (ticket));
  gtk_print_operation_set_job_name (operation, job_name);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_allow_async (operation, TRUE);
  if (last_settings != NULL)
    gtk_print_operation_set_print_settings (operation, last_settings);
  if (last_page_setup != NULL)
    gtk_print_operation_set_default_page_setup (operation, last_page_setup);

  g_object_set_data_full (G_OBJECT (operation), "sb-ticket", ticket,
                          (GDestroyNotify) sb_ticket_free);
  if (parent != NULL)
    g_object_set_data_full (G_OBJECT (operation), "sb-parent", g_object_ref (parent),
                            g_object_unref);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), ticket);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), ticket);
  g_signal_connect (operation, "done", G_CALLBACK (done_cb), NULL);

  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent,
                                    &error);
  if (result == GTK_PRINT_OPERATION_RESULT_IN_PROGRESS)
    {
      /* done_cb finishes it and drops this reference. */
      g_object_set_data (G_OBJECT (operation), "sb-running", GINT_TO_POINTER (TRUE));
      g_object_ref (operation);
      return;
    }
  finish (operation, result, error);
}
