/* sb-tls-key-check.h: proves at start that a TLS certificate and its private key belong together.
 *
 * GIO loads a certificate and a key that do not match without a word, and then every handshake
 * fails (security review of December 2026, finding 8). GIO 2.74 has no API to compare the two
 * public keys, so the check is the real thing: one TLS handshake with itself over a socket pair,
 * through the same TLS backend that will serve the clients. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

G_GNUC_WARN_UNUSED_RESULT
gboolean sb_tls_key_check (GTlsCertificate *certificate, GError **error);

G_END_DECLS
