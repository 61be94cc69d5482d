/* sb-subscriber.h: what a live event needs of whoever subscribes to it: somewhere to send the
 * frames of its broadcasts. SbClient implements it; the hub does not know SbClient. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SB_TYPE_SUBSCRIBER (sb_subscriber_get_type ())
G_DECLARE_INTERFACE (SbSubscriber, sb_subscriber, SB, SUBSCRIBER, GObject)

struct _SbSubscriberInterface
{
  GTypeInterface parent_iface;

  /* Queues a frame from sb_ws_frame_encode () (shared by every subscriber, not copied). Returns
   * FALSE when the subscriber could not take it (closed, or just closed for being too slow). */
  gboolean (*send_frame) (SbSubscriber *self, GBytes *frame);
};

gboolean sb_subscriber_send_frame (SbSubscriber *self, GBytes *frame);

G_END_DECLS
