/* sb-store-rules-audit.c: what the audit trail says of each op (sb-store-rules-audit-private.h).
 * One place for every backend, so that both stores record the same entries. */
#include "config.h"

#include "sb-store-rules-audit-private.h"

static const char *
action_of (const SbOp *op, const char **out_detail)
{
  *out_detail = NULL;
  switch (op->kind)
    {
      case SB_OP_HOLD:
        return "hold";
      case SB_OP_HOLD_BEST:
        /* The same action as a hold (clients know it); the detail says how the seats were chosen.
         */
        *out_detail = "best available";
        return "hold";
      case SB_OP_EXTEND:
        return "extend";
      case SB_OP_RELEASE:
        return "release";
      case SB_OP_BOOK:
        return "book";
      case SB_OP_CANCEL:
        return "cancel";
      case SB_OP_BLOCK:
        *out_detail = op->reason;
        return "block";
      case SB_OP_UNBLOCK:
        *out_detail = op->reason;
        return "unblock";
      case SB_OP_MOVE:
        return "move";
      case SB_OP_EXPIRE:
      default:
        return NULL;
    }
}

gboolean
sb_store_rules_audit_op (const SbStoreBackendFuncs *funcs,
                         gpointer backend,
                         const SbOp *op,
                         const char *account,
                         gint64 at_ms,
                         GError **error)
{
  const char *detail;
  const char *action = action_of (op, &detail);
  g_autofree char *overridden = NULL;
  g_autoptr (SbAuditRecord) entry = NULL;
  g_autofree char *for_customer = NULL;
  g_autofree char *cancel_detail = NULL;
  g_autofree char *move_detail = NULL;
  g_auto (GStrv) move_seats = NULL;
  const char *const *seats = (const char *const *) op->result_seat_ids;
  g_autofree char *kept = NULL;

  g_return_val_if_fail (action != NULL, FALSE);

  /* A booking names its customer (the name only: phone, email and note stay with the booking). */
  if (op->kind == SB_OP_BOOK && op->result_customer != NULL && op->result_customer->name != NULL)
    detail = for_customer = g_strdup_printf ("for %s", op->result_customer->name);
  /* A release of some seats says what the hold kept. */
  if (op->kind == SB_OP_RELEASE && op->result_remaining_seats != NULL
      && op->result_remaining_seats[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", op->result_remaining_seats);

      detail = kept = g_strdup_printf ("the hold keeps %s", list);
    }
  /* A manager's override of the orphan rule is the one sale that leaves a seat alone under
   * enforce: the entry says so and names the seat, so that the trail shows who decided it. */
  if (op->result_overrode && op->result_lone_seat != NULL)
    detail = overridden = g_strdup_printf ("%s%sorphan rule overridden: leaves %s on its own",
                                           detail != NULL ? detail : "", detail != NULL ? "; " : "",
                                           op->result_lone_seat);
  /* A cancellation says what was refunded and why. */
  if (op->kind == SB_OP_CANCEL)
    detail = cancel_detail = g_strdup_printf (
        "refund %s %" G_GINT64_FORMAT "; %s", sb_refund_kind_to_string (op->result_refund.kind),
        op->result_refund.amount, op->reason != NULL ? op->reason : "");

  /* A move says which seat went where and what the booking cost before and after; it names the
   * seats it left and those it took, so that either seat's history shows it. */
  if (op->kind == SB_OP_MOVE)
    {
      GString *text = g_string_new ("moved ");
      g_autoptr (GStrvBuilder) both = g_strv_builder_new ();

      for (guint i = 0; op->result_moved_from[i] != NULL; i++)
        g_string_append_printf (text, "%s%s → %s", i > 0 ? ", " : "", op->result_moved_from[i],
                                op->result_moved_to[i]);
      g_string_append_printf (text, "; total %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT,
                              op->result_total_before, op->result_total_after);
      if (detail != NULL)
        g_string_append_printf (text, "; %s", detail);
      detail = move_detail = g_string_free (text, FALSE);
      g_strv_builder_addv (both, (const char **) op->result_moved_from);
      for (guint i = 0; op->result_moved_to[i] != NULL; i++)
        if (!g_strv_contains ((const char *const *) op->result_moved_from, op->result_moved_to[i]))
          g_strv_builder_add (both, op->result_moved_to[i]);
      seats = (const char *const *) (move_seats = g_strv_builder_end (both));
    }

  entry = sb_audit_record_new (op->event_id, at_ms, account, op->client_id, action, seats,
                               op->result_hold_id, op->result_booking_id, detail);
  return funcs->append_audit (backend, entry, error);
}

gboolean
sb_store_rules_audit_expired (const SbStoreBackendFuncs *funcs,
                              gpointer backend,
                              const char *event_id,
                              const SbStoredHold *hold,
                              gint64 at_ms,
                              GError **error)
{
  g_autoptr (SbAuditRecord) entry
      = sb_audit_record_new (event_id, at_ms, hold->account, "", "expire",
                             (const char *const *) hold->seat_ids, hold->hold_id, NULL, NULL);

  return funcs->append_audit (backend, entry, error);
}
