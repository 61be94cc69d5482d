/* sb-window-private.h: what sb-window.c and its sb-window-*.c share. */
#pragma once

#include "sb-best-available-dialog.h"
#include "sb-block-dialog.h"
#include "sb-bookings-page.h"
#include "sb-reports-page.h"
#include "sb-customer-form.h"
#include "sb-event-dialog.h"
#include "sb-legend.h"
#include "sb-seat-map.h"
#include "sb-sign-in-page.h"
#include "sb-window.h"

G_BEGIN_DECLS

struct _SbWindow
{
  AdwApplicationWindow parent_instance;

  AdwViewSwitcherTitle *window_title;
  AdwViewStack *view_stack;
  SbBookingsPage *bookings_page;
  AdwViewStackPage *reports_stack_page;
  SbReportsPage *reports_page;
  GtkWidget *banner;
  GtkLabel *banner_label;
  GtkLabel *banner_detail;
  GtkWidget *banner_button;
  GtkListBox *events_list;
  GtkStack *main_stack;
  GtkSpinner *spinner;
  AdwStatusPage *empty_page;
  SbSeatMap *seat_map;
  SbLegend *legend;
  GtkListBox *chosen_list;
  GtkWidget *feedback_box;
  GtkLabel *feedback_label;
  GtkWidget *anyway_button;
  GtkLabel *anyway_label;
  GtkLabel *total_label;
  GtkLabel *offline_label;
  GtkWidget *hold_button;
  GtkWidget *book_button;
  SbCustomerForm *customer_form;
  GtkWidget *hold_box;
  GtkLabel *countdown_label;
  GtkLabel *hold_warning_label;
  GtkWidget *other_holds_box;
  GtkListBox *other_holds_list;
  GtkLabel *zoom_label;
  GtkStack *session_stack;
  SbSignInPage *sign_in_page;
  GtkLabel *account_label;
  GtkWidget *release_button;
  GtkWidget *history_button;
  GtkWidget *best_button;
  AdwFlap *events_flap;
  AdwFlap *panel_flap;
  GtkWidget *events_toggle;
  GtkWidget *panel_toggle;
  guint fold_toggles_source;
  AdwFlap *focus_flap; /* shown by the keyboard: its child takes the focus once it slides in */

  GSettings *settings;
  SbDesk *desk;
  GCancellable *cancellable;          /* this window's requests; cancelled when it goes */
  SbBestAvailableDialog *best_dialog; /* while open (a weak pointer) */
  gboolean best_overriding;           /* the hold_best in flight is a "Hold Anyway" */
  char *open_when_listed;
  guint events_refresh_source;
  guint zoom_label_source;
  guint busy;         /* hold, book and release requests without a reply yet */
  SbSession *account; /* the connection's, whose signals we follow */
  /* The seats of the last hold, booking by seats or release of seats sent, and which it was:
   * what "Hold Anyway" / "Book Anyway" / "Release Anyway" sends again (sb-window-anyway.c). */
  char **anyway_seats;
  gboolean anyway_book;
  char *anyway_release_hold; /* a release of anyway_seats from this hold; NULL: hold or book */
  /* The connection dropped while busy: the replies, when they come, say so. */
  gboolean interrupted;
  gboolean next_message_after_drop;
  /* The panel's message says which seats the open event's hold has ("Holding …"). */
  gboolean feedback_tells_hold;
  /* Block Seats… (sb-window-block.c) */
  GtkWidget *block_button;
  GtkMenuButton *menu_button;
  GtkWidget *unblock_button;   /* ours, in the main menu */
  SbBlockDialog *block_dialog; /* while open (a weak pointer) */
  /* New Event… and Close Sales… (sb-window-events.c) */
  GtkWidget *new_event_button;          /* ours, in the main menu */
  GtkWidget *close_sales_button;        /* ours, in the main menu */
  SbEventDialog *event_dialog;          /* while open (a weak pointer) */
  AdwMessageDialog *close_sales_dialog; /* while open (a weak pointer) */
  char *select_when_listed;             /* the event just created, until the list has it */
};

/* sb-window.c */

/* The panel's message, where it stays until the next one or another event. */
void _sb_window_show_message (SbWindow *self, const char *message);
/* sb-window-actions.c: a window action enabled or not; a widget's tooltip and accessible
 * description saying why_not it is insensitive (or, when it is not, what it does: what, or none).
 */
void _sb_window_set_action_enabled (SbWindow *self, const char *name, gboolean enabled);
void _sb_window_set_reason (GtkWidget *widget, const char *why_not, const char *what);
/* A button of ours in the main menu (at the <child id="…"> place of its model), looking like the
 * menu's own items: unlike a GMenu item it can be insensitive with the reason in its tooltip,
 * which GTK 4.8's menu items cannot carry. */
GtkWidget *_sb_window_add_menu_button (SbWindow *self,
                                       const char *label_text,
                                       const char *action,
                                       const char *id);
/* The message, then the orphan rule's warning about lone_seat (a seat id) if there is one. */
void
_sb_window_show_message_with_warning (SbWindow *self, const char *message, const char *lone_seat);
/* The orphan rule's refusal in words: "This would leave Row C seat 7 on its own." */
char *_sb_window_describe_lone_seat (SbWindow *self, const char *seat_id);
/* Tells the user what went wrong, in words; for a conflict, names the seats. */
void _sb_window_show_request_error (SbWindow *self,
                                    const GError *error,
                                    const SbErrorMessage *error_reply);
/* Names the seats of a reply (ids) for a message and takes them out of the selection.
 * out_n_seats: how many of them this venue has. */
char *_sb_window_unselect_seats (SbWindow *self, char **seat_ids, guint *out_n_seats);
/* Seats under our holds in the open event, as venue indices. */
GArray *_sb_window_held_indices (SbWindow *self);
/* The chosen seats that are not under our holds yet (a hold's seats can be chosen too: Best
 * available chooses the seats it held). */
GArray *_sb_window_unheld_selection (SbWindow *self);

/* sb-window-holds.c */

/* Connects the countdown, the warning, expiries and the holds in other events to the desk. */
void _sb_window_holds_init (SbWindow *self);
/* The template's row-activated handler of the other events' holds. */
void _sb_window_other_hold_activated (SbWindow *self, GtkListBoxRow *row);

/* sb-window-actions.c */

void _sb_window_actions_init (SbWindow *self);
/* Enables the actions that make sense now. */
void _sb_window_actions_update (SbWindow *self);
/* A hold, book, release or best-available request is sent: the buttons wait for its reply. */
void _sb_window_request_started (SbWindow *self);
/* The reply to such a request (data is the window), or NULL and the error, which the caller tells
 * the user about. Cancelled means the window is gone: then data must not be touched. */
G_GNUC_WARN_UNUSED_RESULT
SbMessage *_sb_window_request_finish (GObject *source,
                                      GAsyncResult *result,
                                      gpointer data,
                                      GError **error,
                                      SbErrorMessage **out_error_reply);

/* sb-window-best.c */

/* Adds win.best-available, the "Best available…" dialog and its request. */
void _sb_window_best_init (SbWindow *self);
/* Enables it or says why not (tooltip and accessible description of its button). */
void _sb_window_best_update (SbWindow *self, gboolean enabled, const char *why_not);
void _sb_window_best_dispose (SbWindow *self);

/* Sends a hold, or a booking, of these seats; override_orphan_rule: done even where the event's
 * orphan rule refuses it (a manager's "Hold Anyway"). */
void
_sb_window_hold_seats (SbWindow *self, const char *const *seat_ids, gboolean override_orphan_rule);
void
_sb_window_book_seats (SbWindow *self, const char *const *seat_ids, gboolean override_orphan_rule);
/* Gives back these seats of our hold hold_id and keeps its others; override_orphan_rule as above
 * (a manager's "Release Anyway"). */
void _sb_window_release_seats (SbWindow *self,
                               const char *hold_id,
                               const char *const *seat_ids,
                               gboolean override_orphan_rule);

/* sb-window-anyway.c */

/* A hold or booking of seat_ids was sent: what "Hold Anyway" / "Book Anyway" would send again. */
void _sb_window_anyway_remember (SbWindow *self, gboolean book, const char *const *seat_ids);
/* The same for a release of seat_ids from our hold hold_id ("Release Anyway"). */
void _sb_window_anyway_remember_release (SbWindow *self,
                                         const char *hold_id,
                                         const char *const *seat_ids);
/* The orphan rule refused the last one: beside the refusal, the button that does it anyway, when
 * the account may (managers; sb-permissions.h). */
void _sb_window_anyway_offer (SbWindow *self);
/* Hides the button (another message replaces the refusal). */
void _sb_window_anyway_withdraw (SbWindow *self);
/* The template's clicked handler of the button. */
void _sb_window_anyway_clicked (SbWindow *self);
void _sb_window_anyway_dispose (SbWindow *self);

/* sb-window-block.c */

/* Adds win.block-seats and win.unblock-seats and puts Unblock Seats… in the main menu. */
void _sb_window_block_init (SbWindow *self);
/* Enables them, or says why not (tooltip and accessible description of their buttons). */
void
_sb_window_block_update (SbWindow *self, gboolean has_map, gboolean connected, const char *role);
void _sb_window_block_dispose (SbWindow *self);

/* sb-window-events.c */

/* Adds win.new-event and win.close-sales and puts New Event… and Close Sales… in the main menu. */
void _sb_window_events_init (SbWindow *self);
/* Enables them, or says why not (tooltip and accessible description of their buttons). */
void
_sb_window_events_update (SbWindow *self, gboolean has_map, gboolean connected, const char *role);
/* The events were listed: selects the event just created once the list has it. */
void _sb_window_events_listed (SbWindow *self);
void _sb_window_events_dispose (SbWindow *self);

/* sb-window-fold.c */

/* The win.show-events and win.show-panel actions of the folded side panels. */
void _sb_window_fold_init (SbWindow *self);

/* sb-window-account.c */

/* Follows the connection's account: the sign-in page, the account in the header, sign out. Looks
 * for a remembered session in the keyring, then starts the desk. */
void _sb_window_account_start (SbWindow *self);
void _sb_window_account_dispose (SbWindow *self);
/* The sign-in page's submit. */
void _sb_window_sign_in_submitted (SbWindow *self,
                                   const char *server,
                                   const char *username,
                                   const char *password,
                                   gboolean remember);

G_END_DECLS
