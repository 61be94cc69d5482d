/* sb-certificate-trust.c
 *
 * The accepted fingerprints live in the GSettings key trusted-certificates, a{ss} from
 * "host:port" to fingerprint. Only the server's own certificate is pinned, not a CA: a changed
 * certificate is therefore refused even when it is as self-signed as the old one, until a person
 * accepts it.
 */

#include "sb-certificate-trust.h"

#define TRUSTED_KEY "trusted-certificates"

struct _SbCertificateTrust
{
  GObject parent_instance;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (SbCertificateTrust, sb_certificate_trust, G_TYPE_OBJECT)

static void
sb_certificate_trust_dispose (GObject *object)
{
  SbCertificateTrust *self = SB_CERTIFICATE_TRUST (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sb_certificate_trust_parent_class)->dispose (object);
}

static void
sb_certificate_trust_class_init (SbCertificateTrustClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sb_certificate_trust_dispose;
}

static void
sb_certificate_trust_init (SbCertificateTrust *self)
{
}

SbCertificateTrust *
sb_certificate_trust_new (GSettings *settings)
{
  SbCertificateTrust *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (SB_TYPE_CERTIFICATE_TRUST, NULL);
  self->settings = g_object_ref (settings);
  return self;
}

char *
sb_certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr (GByteArray) der = NULL;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  GString *text = g_string_sized_new (3 * sizeof digest);

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der != NULL)
    g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &length);
  for (gsize i = 0; i < length; i++)
    g_string_append_printf (text, i == 0 ? "%02X" : ":%02X", digest[i]);
  return g_string_free (text, FALSE);
}

char *
sb_certificate_server_of_url (const char *url)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;
  int port;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  scheme = g_uri_get_scheme (uri);
  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_ascii_strcasecmp (scheme, "wss") == 0 ? 443 : 80;
  return g_strdup_printf ("%s:%d", g_uri_get_host (uri), port);
}

static char *
accepted_fingerprint (SbCertificateTrust *self, const char *server)
{
  g_autoptr (GVariant) trusted = g_settings_get_value (self->settings, TRUSTED_KEY);
  const char *fingerprint = NULL;

  if (!g_variant_lookup (trusted, server, "&s", &fingerprint))
    return NULL;
  return g_strdup (fingerprint);
}

SbCertificateVerdict
sb_certificate_trust_check (SbCertificateTrust *self,
                            const char *server,
                            GTlsCertificate *certificate,
                            GTlsCertificateFlags errors)
{
  g_autofree char *accepted = NULL;
  g_autofree char *fingerprint = NULL;

  g_return_val_if_fail (SB_IS_CERTIFICATE_TRUST (self), SB_CERTIFICATE_UNKNOWN);
  g_return_val_if_fail (server != NULL, SB_CERTIFICATE_UNKNOWN);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), SB_CERTIFICATE_UNKNOWN);

  if (errors == 0)
    return SB_CERTIFICATE_TRUSTED;
  accepted = accepted_fingerprint (self, server);
  if (accepted == NULL)
    return SB_CERTIFICATE_UNKNOWN;
  fingerprint = sb_certificate_fingerprint (certificate);
  return g_strcmp0 (accepted, fingerprint) == 0 ? SB_CERTIFICATE_TRUSTED : SB_CERTIFICATE_CHANGED;
}

void
sb_certificate_trust_accept (SbCertificateTrust *self, const char *server, const char *fingerprint)
{
  g_autoptr (GVariant) trusted = NULL;
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{ss}"));
  GVariantIter iter;
  const char *key, *value;

  g_return_if_fail (SB_IS_CERTIFICATE_TRUST (self));
  g_return_if_fail (server != NULL && fingerprint != NULL);

  trusted = g_settings_get_value (self->settings, TRUSTED_KEY);
  g_variant_iter_init (&iter, trusted);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    if (g_strcmp0 (key, server) != 0)
      g_variant_builder_add (&builder, "{ss}", key, value);
  g_variant_builder_add (&builder, "{ss}", server, fingerprint);
  g_settings_set_value (self->settings, TRUSTED_KEY, g_variant_builder_end (&builder));
}
