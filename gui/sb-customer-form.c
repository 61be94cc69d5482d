/* sb-customer-form.c: the customer of the next booking (sb-customer-form.h). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sb-customer-form.h"

typedef enum
{
  FIELD_NAME,
  FIELD_PHONE,
  FIELD_EMAIL,
  FIELD_NOTE,
  N_FIELDS,
} Field;

/* The protocol's names of the fields, as the server's errors name them ("customer.email"). */
static const char *const field_names[N_FIELDS] = { "name", "phone", "email", "note" };

struct _SbCustomerForm
{
  GtkWidget parent_instance;

  GtkEntry *entries[N_FIELDS];
  GtkLabel *errors[N_FIELDS];
  GtkLabel *name_label;
  gboolean name_required;
};

G_DEFINE_FINAL_TYPE (SbCustomerForm, sb_customer_form, GTK_TYPE_WIDGET)

/* What to do about a field the server refused, in the user's words; the server's English names
 * the rule, which docs/protocol.md gives in full. */
static const char *
field_problem (Field field)
{
  switch (field)
    {
      case FIELD_NAME:
        return _ ("Enter a name of at most 200 characters, with a letter or digit.");
      case FIELD_PHONE:
        return _ ("Use digits, spaces and + - ( ) / only, at most 40 characters.");
      case FIELD_EMAIL:
        return _ ("Enter an address like name@example.org.");
      case FIELD_NOTE:
      case N_FIELDS:
      default:
        return _ ("The note may have at most 2,000 characters and no control characters.");
    }
}

static void
set_error (SbCustomerForm *self, Field field, const char *text)
{
  GtkWidget *entry = GTK_WIDGET (self->entries[field]);

  gtk_label_set_label (self->errors[field], text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->errors[field]), text != NULL);
  if (text != NULL)
    {
      gtk_widget_add_css_class (entry, "error");
      /* Where a screen reader reads it with the field. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      text, -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (entry, "error");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static void
clear_errors (SbCustomerForm *self)
{
  for (guint f = 0; f < N_FIELDS; f++)
    set_error (self, f, NULL);
}

/* Typing in a field clears its error: the user is fixing it. */
static void
entry_changed_cb (GtkEditable *editable, SbCustomerForm *self)
{
  for (guint f = 0; f < N_FIELDS; f++)
    if (GTK_EDITABLE (self->entries[f]) == editable
        && gtk_widget_get_visible (GTK_WIDGET (self->errors[f])))
      set_error (self, f, NULL);
}

static char *
field_text (SbCustomerForm *self, Field field)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entries[field]));
  char *stripped = g_strstrip (g_strdup (text));

  if (*stripped == '\0')
    g_clear_pointer (&stripped, g_free);
  return stripped;
}

SbCustomer *
sb_customer_form_dup_customer (SbCustomerForm *self)
{
  g_autofree char *name = NULL, *phone = NULL, *email = NULL, *note = NULL;

  g_return_val_if_fail (SB_IS_CUSTOMER_FORM (self), NULL);

  name = field_text (self, FIELD_NAME);
  phone = field_text (self, FIELD_PHONE);
  email = field_text (self, FIELD_EMAIL);
  note = field_text (self, FIELD_NOTE);
  if (name == NULL && phone == NULL && email == NULL && note == NULL)
    return NULL;
  return sb_customer_new (name, phone, email, note);
}

gboolean
sb_customer_form_check (SbCustomerForm *self)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (SB_IS_CUSTOMER_FORM (self), FALSE);

  clear_errors (self);
  name = field_text (self, FIELD_NAME);
  if (self->name_required && name == NULL)
    {
      set_error (self, FIELD_NAME, _ ("Enter the customer’s name to book."));
      gtk_widget_grab_focus (GTK_WIDGET (self->entries[FIELD_NAME]));
      return FALSE;
    }
  return TRUE;
}

gboolean
sb_customer_form_show_server_error (SbCustomerForm *self, const char *message)
{
  const char *start;

  g_return_val_if_fail (SB_IS_CUSTOMER_FORM (self), FALSE);

  /* `field "customer.email" must be …` (docs/protocol.md, "book"). */
  if (message == NULL || (start = strstr (message, "\"customer.")) == NULL)
    return FALSE;
  start += strlen ("\"customer.");
  for (guint f = 0; f < N_FIELDS; f++)
    {
      gsize n = strlen (field_names[f]);

      if (strncmp (start, field_names[f], n) == 0 && start[n] == '"')
        {
          set_error (self, f, field_problem (f));
          gtk_widget_grab_focus (GTK_WIDGET (self->entries[f]));
          return TRUE;
        }
    }
  return FALSE;
}

void
sb_customer_form_clear (SbCustomerForm *self)
{
  g_return_if_fail (SB_IS_CUSTOMER_FORM (self));

  for (guint f = 0; f < N_FIELDS; f++)
    gtk_editable_set_text (GTK_EDITABLE (self->entries[f]), "");
  clear_errors (self);
}

void
sb_customer_form_set_name_required (SbCustomerForm *self, gboolean required)
{
  g_return_if_fail (SB_IS_CUSTOMER_FORM (self));

  required = !!required;
  if (self->name_required == required)
    return;
  self->name_required = required;
  gtk_label_set_label (self->name_label,
                       required ? _ ("Customer _name (required)") : _ ("Customer _name"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entries[FIELD_NAME]),
                                  GTK_ACCESSIBLE_PROPERTY_REQUIRED, required, -1);
  if (!required)
    set_error (self, FIELD_NAME, NULL);
}

gboolean
sb_customer_form_get_name_required (SbCustomerForm *self)
{
  g_return_val_if_fail (SB_IS_CUSTOMER_FORM (self), FALSE);

  return self->name_required;
}

static void
sb_customer_form_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), SB_TYPE_CUSTOMER_FORM);
  /* The template's box has no name, so dispose_template () leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (sb_customer_form_parent_class)->dispose (object);
}

static void
sb_customer_form_class_init (SbCustomerFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sb_customer_form_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/seatbook/Seatbook/sb-customer-form.ui");
  gtk_widget_class_bind_template_child_full (widget_class, "name_entry", FALSE,
                                             G_STRUCT_OFFSET (SbCustomerForm, entries[FIELD_NAME]));
  gtk_widget_class_bind_template_child_full (
      widget_class, "phone_entry", FALSE, G_STRUCT_OFFSET (SbCustomerForm, entries[FIELD_PHONE]));
  gtk_widget_class_bind_template_child_full (
      widget_class, "email_entry", FALSE, G_STRUCT_OFFSET (SbCustomerForm, entries[FIELD_EMAIL]));
  gtk_widget_class_bind_template_child_full (widget_class, "note_entry", FALSE,
                                             G_STRUCT_OFFSET (SbCustomerForm, entries[FIELD_NOTE]));
  gtk_widget_class_bind_template_child_full (widget_class, "name_error", FALSE,
                                             G_STRUCT_OFFSET (SbCustomerForm, errors[FIELD_NAME]));
  gtk_widget_class_bind_template_child_full (widget_class, "phone_error", FALSE,
                                             G_STRUCT_OFFSET (SbCustomerForm, errors[FIELD_PHONE]));
  gtk_widget_class_bind_template_child_full (widget_class, "email_error", FALSE,
                                             G_STRUCT_OFFSET (SbCustomerForm, errors[FIELD_EMAIL]));
  gtk_widget_class_bind_template_child_full (widget_class, "note_error", FALSE,
                                             G_STRUCT_OFFSET (SbCustomerForm, errors[FIELD_NOTE]));
  gtk_widget_class_bind_template_child (widget_class, SbCustomerForm, name_label);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sb_customer_form_init (SbCustomerForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint f = 0; f < N_FIELDS; f++)
    g_signal_connect (self->entries[f], "changed", G_CALLBACK (entry_changed_cb), self);
}

GtkWidget *
sb_customer_form_new (void)
{
  return g_object_new (SB_TYPE_CUSTOMER_FORM, NULL);
}
