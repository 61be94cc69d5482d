/* sb-certificate-trust.h: which TLS certificates the app accepts from a server. A certificate the
 * system's CAs vouch for is trusted; otherwise (self-signed, unknown CA) only the one whose SHA-256
 * fingerprint a person accepted for that server (host:port), remembered in GSettings (a
 * fingerprint is no secret). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SB_CERTIFICATE_TRUSTED, /* the system's CAs, or the fingerprint accepted for this server */
  SB_CERTIFICATE_UNKNOWN, /* not vouched for, and nothing accepted for this server yet */
  SB_CERTIFICATE_CHANGED, /* not vouched for, and another fingerprint was accepted before */
} SbCertificateVerdict;

#define SB_TYPE_CERTIFICATE_TRUST (sb_certificate_trust_get_type ())
G_DECLARE_FINAL_TYPE (SbCertificateTrust, sb_certificate_trust, SB, CERTIFICATE_TRUST, GObject)

/* settings: a GSettings of org.seatbook.Seatbook (its key trusted-certificates). */
SbCertificateTrust *sb_certificate_trust_new (GSettings *settings);

/* "AB:CD:…", 32 bytes of SHA-256 over the certificate's DER encoding. */
char *sb_certificate_fingerprint (GTlsCertificate *certificate);

/* "host:port" of a ws:// or wss:// URL (the port defaulted), or NULL when it is no such URL. */
char *sb_certificate_server_of_url (const char *url);

SbCertificateVerdict sb_certificate_trust_check (SbCertificateTrust *self,
                                                 const char *server,
                                                 GTlsCertificate *certificate,
                                                 GTlsCertificateFlags errors);

/* A person accepted fingerprint for server: it replaces whatever was accepted before. */
void
sb_certificate_trust_accept (SbCertificateTrust *self, const char *server, const char *fingerprint);

G_END_DECLS
