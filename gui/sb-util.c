/* sb-util.c: formatting shared by the app's widgets. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "sb-util.h"

typedef struct
{
  const char *code;
  const char *symbol;
  guint decimals;
} Currency;

/* The currencies a box office is likely to use; any other is shown by its ISO code. */
static const Currency currencies[] = {
  { "EUR", "€", 2 },  { "USD", "$", 2 },  { "GBP", "£", 2 },  { "JPY", "¥", 0 },
  { "CHF", NULL, 2 }, { "SEK", NULL, 2 }, { "NOK", NULL, 2 }, { "DKK", NULL, 2 },
  { "PLN", "zł", 2 }, { "CZK", "Kč", 2 }, { "INR", "₹", 2 },  { "KRW", "₩", 0 },
};

/* The locale's separators. A locale without a thousands separator (C, which the tests use, or a
 * desktop that sets only LANG=C.UTF-8) takes both from the translation, so that "5,610" and
 * "€1,234.00" read right in English and "5.610" and "1.234,00 €" in German. */
static void
get_separators (const char **out_decimal, const char **out_thousands)
{
  const struct lconv *conv = localeconv ();

  if (conv->thousands_sep != NULL && *conv->thousands_sep != '\0' && conv->decimal_point != NULL
      && *conv->decimal_point != '\0')
    {
      *out_decimal = conv->decimal_point;
      *out_thousands = conv->thousands_sep;
      return;
    }
  /* Translators: the decimal separator of numbers and prices */
  *out_decimal = C_ ("number", ".");
  /* Translators: the separator of thousands in numbers and prices ("5,610") */
  *out_thousands = C_ ("number", ",");
}

/* magnitude with thousands separated: "5,610". */
static char *
group_digits (guint64 magnitude, const char *thousands)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, magnitude);
  gsize length = strlen (digits);
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && (length - i) % 3 == 0)
        g_string_append (out, thousands);
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

char *
sb_format_count (gint64 count)
{
  const char *decimal, *thousands;
  g_autofree char *digits = NULL;

  get_separators (&decimal, &thousands);
  digits = group_digits (count < 0 ? -(guint64) count : (guint64) count, thousands);
  return g_strdup_printf ("%s%s", count < 0 ? "-" : "", digits);
}

static const Currency *
lookup_currency (const char *currency)
{
  for (guint i = 0; currency != NULL && i < G_N_ELEMENTS (currencies); i++)
    if (g_ascii_strcasecmp (currencies[i].code, currency) == 0)
      return &currencies[i];
  return NULL;
}

guint
sb_currency_get_minor_units (const char *currency)
{
  const Currency *found = lookup_currency (currency);

  return found == NULL || found->decimals == 2 ? 100 : 1;
}

char *
sb_format_price (gint64 amount, const char *currency)
{
  const Currency *found = lookup_currency (currency);
  g_autofree char *number = NULL;
  g_autofree char *whole = NULL;
  const char *decimal, *thousands;
  guint64 magnitude = amount < 0 ? -(guint64) amount : (guint64) amount;
  guint divisor = sb_currency_get_minor_units (currency);

  get_separators (&decimal, &thousands);
  whole = group_digits (magnitude / divisor, thousands);
  if (divisor == 1)
    number = g_strdup_printf ("%s%s", amount < 0 ? "-" : "", whole);
  else
    number = g_strdup_printf ("%s%s%s%02u", amount < 0 ? "-" : "", whole, decimal,
                              (guint) (magnitude % divisor));

  if (currency == NULL || *currency == '\0')
    return g_steal_pointer (&number);
  if (found != NULL && found->symbol != NULL)
    /* Translators: a price with a currency symbol: %1$s is the symbol ("€"), %2$s the amount
     * ("45.00"). German writes "%2$s %1$s". */
    return g_strdup_printf (_ ("%1$s%2$s"), found->symbol, number);
  /* Translators: a price with a currency code: %1$s is the code ("CHF"), %2$s the amount. */
  return g_strdup_printf (_ ("%1$s %2$s"), currency, number);
}

char *
sb_join_list (const char *const *items, guint n_items)
{
  g_autoptr (GString) head = NULL;

  if (n_items == 0)
    return g_strdup ("");
  if (n_items == 1)
    return g_strdup (items[0]);

  head = g_string_new (items[0]);
  for (guint i = 1; i + 1 < n_items; i++)
    {
      /* Translators: separates the items of a list but the last two: "A, B and C" */
      g_string_append (head, C_ ("list", ", "));
      g_string_append (head, items[i]);
    }
  /* Translators: joins the last two items of a list: "A, B and C" */
  return g_strdup_printf (C_ ("list", "%s and %s"), head->str, items[n_items - 1]);
}

const char *
sb_error_code_get_message (SbErrorCode code)
{
  switch (code)
    {
      case SB_ERROR_NONE:
        return "";
      case SB_ERROR_SEAT_UNAVAILABLE:
        return _ ("Some of these seats were just taken.");
      case SB_ERROR_HOLD_EXPIRED:
        return _ ("The hold has expired. Please choose the seats again.");
      case SB_ERROR_NOT_FOUND:
        return _ ("That event, seat or hold no longer exists. It may have been released or booked "
                  "already.");
      case SB_ERROR_INVALID_REQUEST:
        return _ ("The server did not understand the request. Please report this problem.");
      case SB_ERROR_RATE_LIMITED:
        return _ ("Too many requests at once. Please wait a moment and try again.");
      case SB_ERROR_FORBIDDEN:
        return _ ("That hold belongs to another desk.");
      case SB_ERROR_UNAVAILABLE:
        return _ ("The server cannot take requests right now. Please try again in a moment.");
      case SB_ERROR_NOT_ENOUGH_SEATS:
        return _ ("Not enough seats are free for that.");
      case SB_ERROR_LONE_SEAT:
        return _ ("That would leave a seat on its own.");
      case SB_ERROR_UNAUTHENTICATED:
        return _ ("Please sign in again.");
      case SB_ERROR_SALES_NOT_OPEN:
        return _ ("Sales for this event have not opened yet.");
      case SB_ERROR_SALES_CLOSED:
        return _ ("Sales for this event have closed. Seats can no longer be held or booked.");
      case SB_ERROR_EXISTS:
        return _ ("That already exists.");
      case SB_ERROR_INTERNAL:
      default:
        return _ ("Something went wrong on the server. Please try again.");
    }
}

char *
sb_normalize_server_url (const char *text, GError **error)
{
  g_autofree char *stripped = NULL;
  g_autofree char *with_scheme = NULL;
  g_autoptr (GUri) uri = NULL;
  const char *scheme;
  const char *path;

  stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*stripped == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("Enter the address of a Seatbook server."));
      return NULL;
    }

  /* People type "box-office:8080"; a WebSocket URL is what the protocol needs. */
  if (strstr (stripped, "://") == NULL)
    with_scheme = g_strconcat ("ws://", stripped, NULL);
  else
    with_scheme = g_strdup (stripped);

  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("“%s” is not a server address. Try for example ws://box-office:8080/ws."),
                   stripped);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    scheme = "ws";
  else if (g_ascii_strcasecmp (scheme, "https") == 0)
    scheme = "wss";
  else if (g_ascii_strcasecmp (scheme, "ws") != 0 && g_ascii_strcasecmp (scheme, "wss") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("Addresses starting with “%s:” are not supported; use ws: or wss:."), scheme);
      return NULL;
    }

  path = g_uri_get_path (uri);
  if (path == NULL || *path == '\0' || strcmp (path, "/") == 0)
    path = "/ws";

  return g_uri_join (G_URI_FLAGS_NONE, scheme, NULL, g_uri_get_host (uri), g_uri_get_port (uri),
                     path, g_uri_get_query (uri), NULL);
}
