/* sb-types.h: the server's object types, declared once, for headers that only pass them around
 * (the G_DECLARE_FINAL_TYPE of each is in its own header). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SbServer SbServer;
typedef struct _SbClient SbClient;
typedef struct _SbLiveEvent SbLiveEvent;

G_END_DECLS
