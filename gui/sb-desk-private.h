/* sb-desk-private.h: what sb-desk.c shares with sb-desk-requests.c. */
#pragma once

#include "sb-desk.h"

G_BEGIN_DECLS

struct _SbDesk
{
  GObject parent_instance;

  SbConnection *connection;
  GCancellable *cancellable; /* the desk's own requests (list_events) */
  GListStore *events;        /* SbEventItem */
  char *event_id;            /* the open event */
  GHashTable *holds;         /* hold id → Hold */
  guint countdown_source;
  int seconds_left;
  guint hold_seconds; /* the ttl of new holds and of extensions; 0: the server's default */
};

/* sb-desk.c: the desk's holds. */

/* Adds the hold, or replaces it (an extension: the same id with a new deadline). */
void _sb_desk_add_hold (SbDesk *self, const SbHoldInfo *info);
/* Booked seats leave whichever of our holds had them. */
void _sb_desk_forget_seats (SbDesk *self, char **seats);
/* Emits holds-changed and recounts the countdown. */
void _sb_desk_holds_changed (SbDesk *self);

G_END_DECLS
