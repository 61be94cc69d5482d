/* sb-certificate-dialog.c
 *
 * The default response is "Cancel": trusting must be a deliberate act, all the more so for a
 * certificate that changed (the response is then marked destructive).
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-certificate-dialog.h"

struct _SbCertificateDialog
{
  AdwMessageDialog parent_instance;

  SbConnection *connection;  /* ref */
  SbCertificateTrust *trust; /* ref */
  char *server;
  char *fingerprint;
};

G_DEFINE_FINAL_TYPE (SbCertificateDialog, sb_certificate_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
sb_certificate_dialog_dispose (GObject *object)
{
  SbCertificateDialog *self = SB_CERTIFICATE_DIALOG (object);

  g_clear_object (&self->connection);
  g_clear_object (&self->trust);

  G_OBJECT_CLASS (sb_certificate_dialog_parent_class)->dispose (object);
}

static void
sb_certificate_dialog_finalize (GObject *object)
{
  SbCertificateDialog *self = SB_CERTIFICATE_DIALOG (object);

  g_free (self->server);
  g_free (self->fingerprint);

  G_OBJECT_CLASS (sb_certificate_dialog_parent_class)->finalize (object);
}

static void
sb_certificate_dialog_response (AdwMessageDialog *dialog, const char *response)
{
  SbCertificateDialog *self = SB_CERTIFICATE_DIALOG (dialog);

  if (g_strcmp0 (response, "trust") == 0)
    {
      sb_certificate_trust_accept (self->trust, self->server, self->fingerprint);
      sb_connection_reconnect_now (self->connection);
    }
}

static void
sb_certificate_dialog_class_init (SbCertificateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sb_certificate_dialog_dispose;
  object_class->finalize = sb_certificate_dialog_finalize;
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = sb_certificate_dialog_response;
}

static void
sb_certificate_dialog_init (SbCertificateDialog *self)
{
}

SbCertificateDialog *
sb_certificate_dialog_new (GtkWindow *parent,
                           SbConnection *connection,
                           SbCertificateTrust *trust,
                           const char *server,
                           const char *fingerprint,
                           gboolean changed)
{
  SbCertificateDialog *self;
  g_autofree char *body = NULL;

  g_return_val_if_fail (SB_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (SB_IS_CERTIFICATE_TRUST (trust), NULL);
  g_return_val_if_fail (server != NULL && fingerprint != NULL, NULL);

  if (changed)
    body = g_strdup_printf (
        _ ("The certificate of %s is not the one you trusted before. Someone may be "
           "intercepting the connection, or the server got a new certificate.\n\n"
           "Trust it only if its administrator confirms this SHA-256 fingerprint:\n%s"),
        server, fingerprint);
  else
    body = g_strdup_printf (
        _ ("No trusted authority vouches for the certificate of %s.\n\n"
           "Trust it only if its administrator confirms this SHA-256 fingerprint:\n%s"),
        server, fingerprint);

  self
      = g_object_new (SB_TYPE_CERTIFICATE_DIALOG, "transient-for", parent, "modal", TRUE, "heading",
                      changed ? _ ("Server Certificate Changed") : _ ("Unknown Server Certificate"),
                      "body", body, NULL);
  self->connection = g_object_ref (connection);
  self->trust = g_object_ref (trust);
  self->server = g_strdup (server);
  self->fingerprint = g_strdup (fingerprint);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self), "cancel", _ ("Cancel"), "trust",
                                    changed ? _ ("Trust New Certificate") : _ ("Trust Certificate"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "trust",
                                              changed ? ADW_RESPONSE_DESTRUCTIVE
                                                      : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");
  return self;
}
