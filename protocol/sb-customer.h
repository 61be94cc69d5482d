/* sb-customer.h: the customer a booking is made for (issue 11; docs/protocol.md, "book"): what a
 * `book` request may carry, how each field is validated, and the folded keys that `find_bookings`
 * searches by. Shared by the request parser, the stores and the server. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sb-json-reader.h"

G_BEGIN_DECLS

#define SB_MAX_CUSTOMER_NAME_LENGTH 200
#define SB_MAX_CUSTOMER_PHONE_LENGTH 40
#define SB_MAX_CUSTOMER_EMAIL_LENGTH 254
#define SB_MAX_CUSTOMER_NOTE_LENGTH 2000

/* Every field may be NULL; a customer on the wire has at least one. */
typedef struct
{
  char *name;
  char *phone;
  char *email;
  char *note;
} SbCustomer;

SbCustomer *
sb_customer_new (const char *name, const char *phone, const char *email, const char *note);
SbCustomer *sb_customer_copy (const SbCustomer *customer);
void sb_customer_free (SbCustomer *customer);
gboolean sb_customer_equal (const SbCustomer *a, const SbCustomer *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbCustomer, sb_customer_free)

/* Reads the object the reader has just opened (the value of "customer"). Returns FALSE only when
 * the JSON is malformed; otherwise sets either *out_customer or *out_problem (what is wrong, naming
 * the field, e.g. "field \"customer.email\" must be an address like name@example.org"). */
gboolean sb_customer_scan (SbJsonReader *reader, SbCustomer **out_customer, char **out_problem);

/* One field's check (field: "name", "phone", "email" or "note"): NULL when value is valid, else
 * the problem as sb_customer_scan () words it, with prefix before the field name ("customer." in a
 * book, "" in find_bookings). */
char *sb_customer_check_field (const char *prefix, const char *field, const char *value);

/* Writes the customer as a JSON object (absent fields left out); "null" for NULL. */
void sb_customer_write (GString *out, const SbCustomer *customer);
/* The customer from a JSON tree object (a stored outcome); NULL when node is not one. */
SbCustomer *sb_customer_from_json_object (JsonObject *object);

/* Search keys. Folding: NFD, combining marks dropped, case folded, NFC; words are the runs of
 * letters and digits, joined by one space ("Anna-Lena Müller" -> "anna lena muller"). NULL when
 * nothing is left (no letter or digit). */
char *sb_customer_fold (const char *text);
/* The name's search keys: its folded form from each word on ("anna lena muller", "lena muller",
 * "muller"), so that a prefix of any word, or of the whole name, is a prefix of one key. An empty
 * array for a NULL name or one without letters or digits. */
char **sb_customer_name_keys (const char *name);
/* The digits of a phone number ("+49 (30) 123-45" -> "493012345"); NULL when it has none. */
char *sb_customer_phone_key (const char *phone);
/* An email address compared without case. */
char *sb_customer_email_key (const char *email);

G_END_DECLS
