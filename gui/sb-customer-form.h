/* sb-customer-form.h: the customer of the next booking, in the Book step of the panel (issue 11
 * item 1): name, phone, e-mail and note. The name is required at a box office (a server with
 * accounts); the rest is optional. The server checks every field (docs/protocol.md, "book"): its
 * refusal naming a field ("customer.email") is shown under that field, and what was typed stays. */
#pragma once

#include <gtk/gtk.h>

#include "sb-customer.h"

G_BEGIN_DECLS

#define SB_TYPE_CUSTOMER_FORM (sb_customer_form_get_type ())
G_DECLARE_FINAL_TYPE (SbCustomerForm, sb_customer_form, SB, CUSTOMER_FORM, GtkWidget)

GtkWidget *sb_customer_form_new (void);

void sb_customer_form_set_name_required (SbCustomerForm *self, gboolean required);
gboolean sb_customer_form_get_name_required (SbCustomerForm *self);

/* The customer as typed (surrounding white space dropped), or NULL when every field is empty. */
G_GNUC_WARN_UNUSED_RESULT
SbCustomer *sb_customer_form_dup_customer (SbCustomerForm *self);

/* Before a booking is sent: FALSE, with the reason under the name and the focus there, when the
 * name is required and empty. Clears the errors shown. */
gboolean sb_customer_form_check (SbCustomerForm *self);

/* A server's refusal (its English message): TRUE when it names a field of the customer, whose
 * error is then shown under it. */
gboolean sb_customer_form_show_server_error (SbCustomerForm *self, const char *message);

/* After a booking: empty for the next customer. */
void sb_customer_form_clear (SbCustomerForm *self);

G_END_DECLS
