/* sb-message-private.h: how the message readers of protocol/ are described (private to
 * protocol/).
 *
 * Every struct a server message is read into is described once by a table of its JSON members
 * (name, kind, where the value goes, whether it is required). One generic reader walks a JSON
 * object against such a table with the strict pull reader of sb-json-reader.c; the same table
 * frees and deep-copies the struct, so a family's reader, _free and _copy cannot drift apart
 * from its fields. The writers stay hand-written next to their tables (the server's hot paths). */
#pragma once

#include "sb-json-reader.h"
#include "sb-message.h"

G_BEGIN_DECLS

typedef enum
{
  SB_FIELD_STRING,         /* char * */
  SB_FIELD_STRING_OR_NULL, /* char *, NULL for null */
  SB_FIELD_INT,            /* gint64 */
  SB_FIELD_INT_OR_NULL,    /* gint64, 0 for null */
  SB_FIELD_NUMBER,         /* double (an integer is accepted) */
  SB_FIELD_BOOLEAN,        /* gboolean */
  SB_FIELD_STRV,           /* char **: an array of strings */
  SB_FIELD_SEAT_STATE,     /* SbSeatState from its name */
  SB_FIELD_ERROR_CODE,     /* SbErrorCode from its name */
  SB_FIELD_ROLE,           /* SbRole from its name */
  SB_FIELD_ARRAY,          /* GPtrArray * of structs described by .spec */
  SB_FIELD_OBJECT,         /* a nested object whose members (.spec) are fields of the same struct */
  SB_FIELD_RAW_OBJECT,     /* GBytes *: an object kept as the text it was written as */
  SB_FIELD_OBJECT_OR_NULL, /* SB_FIELD_OBJECT, or null: its fields stay NULL / 0 */
  SB_FIELD_REFUND_KIND,    /* SbRefundKind from its name */
} SbFieldKind;

typedef struct _SbStructSpec SbStructSpec;

typedef struct
{
  const char *name;
  SbFieldKind kind;
  gboolean required;
  gsize offset; /* in the outermost struct being read */
  const SbStructSpec *spec;
} SbFieldSpec;

struct _SbStructSpec
{
  const char *name; /* for errors when the struct is the message itself */
  gsize size;
  const SbFieldSpec *fields;
  guint n_fields;
  /* For the items of an SB_FIELD_ARRAY. */
  GDestroyNotify free_func;
  GBoxedCopyFunc copy_func;
};

#define SB_FIELD(Type, member, json_name, kind, required)                                          \
  {                                                                                                \
    json_name, kind, required, G_STRUCT_OFFSET (Type, member), NULL                                \
  }
#define SB_FIELD_WITH_SPEC(Type, member, json_name, kind, required, spec)                          \
  {                                                                                                \
    json_name, kind, required, G_STRUCT_OFFSET (Type, member), spec                                \
  }
/* An SB_FIELD_OBJECT has no storage of its own. */
#define SB_FIELD_NESTED(json_name, required, spec)                                                 \
  {                                                                                                \
    json_name, SB_FIELD_OBJECT, required, 0, spec                                                  \
  }
#define SB_FIELD_NESTED_OR_NULL(json_name, required, spec)                                         \
  {                                                                                                \
    json_name, SB_FIELD_OBJECT_OR_NULL, required, 0, spec                                          \
  }

/* Where a value sits, for error messages: "snapshot.holds[2].expires_at". Lives on the stack. */
typedef struct _SbFieldPath SbFieldPath;
struct _SbFieldPath
{
  const SbFieldPath *parent;
  const char *name;
  gint index; /* -1 unless an array item */
};

/* Reads one member's value into @target when @name is a field of @spec: *handled says whether it
 * was. Fails on a field seen twice (*seen, a bit per field) or of the wrong type. */
G_GNUC_WARN_UNUSED_RESULT
gboolean _sb_message_read_member (SbJsonReader *reader,
                                  const SbStructSpec *spec,
                                  gpointer target,
                                  const char *name,
                                  guint32 *seen,
                                  const SbFieldPath *path,
                                  gboolean *handled,
                                  GError **error);
/* After the object: fails naming the first required field of @spec not in @seen. */
G_GNUC_WARN_UNUSED_RESULT
gboolean _sb_message_check_required (const SbStructSpec *spec,
                                     guint32 seen,
                                     const SbFieldPath *path,
                                     GError **error);

/* An SB_MESSAGE_READ_ERROR_INVALID error about the value at @path ("field \"held.seats\" must…").
 */
gboolean _sb_message_field_error (GError **error, const SbFieldPath *path, const char *problem);
/* The reader's syntax error, as an SB_MESSAGE_READ_ERROR_INVALID error. */
gboolean _sb_message_syntax_error (GError **error, const SbJsonReader *reader);

/* Frees what the fields of @spec own in @target (not @target itself). */
void _sb_message_clear_fields (const SbStructSpec *spec, gpointer target);
/* Deep-copies @source: a new struct of spec->size bytes. */
gpointer _sb_message_copy_struct (const SbStructSpec *spec, gconstpointer source);
/* Frees @target and what it owns; NULL is allowed. */
void _sb_message_free_struct (const SbStructSpec *spec, gpointer target);

/* The tables, one per struct (sb-message-parts.c and the family files). */
extern const SbStructSpec _sb_seat_update_spec;
extern const SbStructSpec _sb_hold_info_spec;
extern const SbStructSpec _sb_event_summary_spec;
extern const SbStructSpec _sb_version_change_spec;
extern const SbStructSpec _sb_welcome_message_spec;
extern const SbStructSpec _sb_events_message_spec;
extern const SbStructSpec _sb_snapshot_message_spec;
extern const SbStructSpec _sb_replay_message_spec;
extern const SbStructSpec _sb_unsubscribed_message_spec;
extern const SbStructSpec _sb_hold_message_spec;
extern const SbStructSpec _sb_released_message_spec;
extern const SbStructSpec _sb_booked_message_spec;
extern const SbStructSpec _sb_pong_message_spec;
extern const SbStructSpec _sb_changed_message_spec;
extern const SbStructSpec _sb_error_message_spec;
extern const SbStructSpec _sb_signed_in_message_spec;
extern const SbStructSpec _sb_signed_out_message_spec;
extern const SbStructSpec _sb_audit_entry_spec;
extern const SbStructSpec _sb_audit_log_message_spec;
extern const SbStructSpec _sb_report_category_figures_spec;
extern const SbStructSpec _sb_report_sales_figures_spec;
extern const SbStructSpec _sb_report_message_spec;
extern const SbStructSpec _sb_booking_entry_spec;
extern const SbStructSpec _sb_bookings_message_spec;
extern const SbStructSpec _sb_cancelled_message_spec;
extern const SbStructSpec _sb_blocked_message_spec;
extern const SbStructSpec _sb_moved_message_spec;
extern const SbStructSpec _sb_sales_closed_message_spec;

/* The boxed type, _copy () and _free () of a struct described by _<type_name>_spec. */
#define SB_MESSAGE_DEFINE_STRUCT(TypeName, type_name)                                              \
  G_DEFINE_BOXED_TYPE (TypeName, type_name, type_name##_copy, type_name##_free)                    \
  TypeName *type_name##_copy (const TypeName *value)                                               \
  {                                                                                                \
    return _sb_message_copy_struct (&_##type_name##_spec, value);                                  \
  }                                                                                                \
  void type_name##_free (TypeName *value)                                                          \
  {                                                                                                \
    _sb_message_free_struct (&_##type_name##_spec, value);                                         \
  }

/* `{"type":"<type>","re":<re>` (no "re" for a notification): what every message starts with. */
void _sb_message_write_begin (GString *out, SbMessageType type, const char *re);
/* `,"replayed":true` when @replayed, then the closing brace. */
void _sb_message_write_end (GString *out, gboolean replayed);

G_END_DECLS
