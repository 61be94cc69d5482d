/* sb-certificate-dialog.h: asks a person whether to trust a server's certificate that no trusted
 * authority vouches for (first use), or that changed since it was trusted; shows its SHA-256
 * fingerprint to compare with the one the server's operator gives. */
#pragma once

#include <adwaita.h>

#include "sb-certificate-trust.h"
#include "sb-connection.h"

G_BEGIN_DECLS

#define SB_TYPE_CERTIFICATE_DIALOG (sb_certificate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (
    SbCertificateDialog, sb_certificate_dialog, SB, CERTIFICATE_DIALOG, AdwMessageDialog)

/* On "Trust", remembers the fingerprint for server in trust and reconnects connection. */
SbCertificateDialog *sb_certificate_dialog_new (GtkWindow *parent,
                                                SbConnection *connection,
                                                SbCertificateTrust *trust,
                                                const char *server,
                                                const char *fingerprint,
                                                gboolean changed);

G_END_DECLS
