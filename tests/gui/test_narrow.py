#!/usr/bin/python3
"""Narrow windows (issue 12, item 8): the side panels fold away and the map keeps the window.

The window is resized as a window manager would (a configure of its X window) to 1600x1000,
800x600 and 360x640; at each size the extents over AT-SPI say how much of the window's width the
map's view gets: at 1600 the events list, the map and the panel of your seats sit side by side;
at 800 and 360 both sides are folded and the map gets nearly all of it (MIN_FOLDED_SHARE). A folded
panel must come back: by a real pointer click (XTest) on its header-bar toggle, by Escape away, by
F9 (the panel) and Shift+F9 (the events list) and back; choosing an event in the folded list
takes it away. At 360x640 a seat is chosen on the map,
the panel opened with the toggle, and Hold and then Book clicked with the pointer: the server must
have the seat booked.

Screenshots: narrow-1600, narrow-800, narrow-360, narrow-360-panel (with
SEATBOOK_UPDATE_SCREENSHOTS=1 the last two also go to docs/screenshots/, as narrow.png and
narrow-panel.png)."""
import pyatspi

import sbgui
from sbgui import Pointer, Server, seat_description, wait_for

# Folded, the map's view is the window's width but for nothing (the flaps take no room): the
# share leaves a little for rounding and borders.
MIN_FOLDED_SHARE = 0.95
# Unfolded at 1600, the map still gets most of the window next to both sides.
MIN_WIDE_SHARE = 0.55


def showing(node):
    """GTK 4.8 reports VISIBLE, not SHOWING, for what a window shows."""
    return node.getState().contains(pyatspi.STATE_VISIBLE)


def width_of(pointer, node):
    return pointer.screen_box(node)[2]


def inside_window(pointer, node):
    """Whether node shows and lies wholly inside the app's window."""
    if not showing(node):
        return False
    x, y, w, h = pointer.screen_box(node)
    fx, fy, fw, fh = pointer.screen_box(pointer.app.frame)
    return w > 0 and fx <= x and x + w <= fx + fw and fy <= y and y + h <= fy + fh


def panel_shown(pointer):
    """The panel of your seats shows inside the window, its slide ended (same box twice)."""
    panel = pointer.app.panel
    if not inside_window(pointer, panel):
        return False
    return pointer.settled_box(panel) is not None


def panel_hidden(pointer):
    panel = pointer.app.panel
    return not showing(panel) or not inside_window(pointer, panel)


def map_share(pointer, app):
    viewport = app._seat_map.parent
    share = width_of(pointer, viewport) / width_of(pointer, app.frame)
    return share


def toggle(app, name):
    """A header-bar toggle (GTK 4.8 calls a GtkToggleButton a push button, PRESSED when on)."""
    return app.find(name=name, role="push button")


def test():
    server = Server().start()
    with sbgui.Session("narrow", server) as session:
        app = session.app("A")
        pointer = Pointer(app)
        app.open_event()
        events = app.find(name="Events", role="list")

        pointer.resize(1600, 1000)
        wait_for("the map beside both sides at 1600",
                 lambda: inside_window(pointer, app.panel) and inside_window(pointer, events))
        share = map_share(pointer, app)
        print("1600x1000: the map gets %.0f %% of the width" % (share * 100))
        if share < MIN_WIDE_SHARE:
            raise sbgui.TestFailure("at 1600 px the map gets %.0f %% of the width" % (share * 100))
        for name in ("Show Your Seats", "Show Events"):
            node = toggle(app, name)
            if node is not None and showing(node):
                raise sbgui.TestFailure("the toggle %r shows at 1600 px, with nothing folded" % name)
        sbgui.screenshot("narrow-1600", pointer.screen_box(app.frame))

        for width, height in ((800, 600), (360, 640)):
            pointer.resize(width, height)
            wait_for("both sides folded at %d" % width,
                     lambda: panel_hidden(pointer) and not inside_window(pointer, events))
            share = wait_for("the map to take the window at %d" % width, lambda: (
                lambda s: s if s >= MIN_FOLDED_SHARE else None)(map_share(pointer, app)))
            print("%dx%d: the map gets %.0f %% of the width" % (width, height, share * 100))
            panel_toggle = wait_for("the toggle of your seats", lambda: (
                lambda n: n if n is not None and inside_window(pointer, n) else None)(
                    toggle(app, "Show Your Seats")))
            events_toggle = wait_for("the toggle of the events", lambda: (
                lambda n: n if n is not None and inside_window(pointer, n) else None)(
                    toggle(app, "Show Events")))
            sbgui.screenshot("narrow-%d" % width, pointer.screen_box(app.frame))

            # The pointer: the toggle shows the panel over the map, Escape hides it.
            pointer.click_node(panel_toggle)
            wait_for("the panel shown by a click on its toggle at %d" % width,
                     lambda: panel_shown(pointer))
            if not panel_toggle.getState().contains(pyatspi.STATE_PRESSED):
                raise sbgui.TestFailure("the toggle does not say the panel shows")
            if not inside_window(pointer, app.button("Book")):
                raise sbgui.TestFailure("Book is not inside the window with the panel shown")
            pointer.tap("Escape")
            wait_for("Escape to hide the panel at %d" % width, lambda: panel_hidden(pointer))

            # The keyboard: F9 the panel, Shift+F9 the events, each back with the same key.
            fx, fy, fw, fh = pointer.screen_box(app.frame)
            pointer.move(fx + fw // 2, fy + fh // 2)
            wait_for("the window to be active",
                     lambda: app.frame.getState().contains(pyatspi.STATE_ACTIVE))
            pointer.tap("F9")
            wait_for("F9 to show the panel at %d" % width, lambda: panel_shown(pointer))
            pointer.tap("F9")
            wait_for("F9 again to hide the panel at %d" % width, lambda: panel_hidden(pointer))
            pointer.tap("F9", shift=True)
            wait_for("Shift+F9 to show the events at %d" % width,
                     lambda: inside_window(pointer, events))
            pointer.tap("F9", shift=True)
            wait_for("Shift+F9 again to hide the events at %d" % width,
                     lambda: not inside_window(pointer, events))
            # And the events' toggle by the pointer.
            pointer.click_node(events_toggle)
            wait_for("the events shown by a click on their toggle at %d" % width,
                     lambda: inside_window(pointer, events))
            pointer.tap("Escape")
            wait_for("Escape to hide the events at %d" % width,
                     lambda: not inside_window(pointer, events))
            # Choosing an event (the open one, again) takes the list away over the map.
            pointer.click_node(events_toggle)
            wait_for("the events shown again at %d" % width, lambda: inside_window(pointer, events))
            row = next(c for c in events.children if c.name == sbgui.EVENT_NAME)
            wait_for("the event row in the window", lambda: inside_window(pointer, row))
            pointer.click_node(row)
            wait_for("choosing an event to hide the events at %d" % width,
                     lambda: not inside_window(pointer, events))

        # 360 px: choose a seat, open the panel with its toggle, Hold and Book with the pointer.
        seat = app.wait_seat("Stalls", "C", "12")
        app.choose(seat)
        sbgui.docs_screenshot("narrow", pointer)
        # Shown by the keyboard, the panel takes the focus: Tab goes on to Hold and Book.
        pointer.tap("F9")
        wait_for("F9 to show the panel with a seat chosen", lambda: panel_shown(pointer))
        focused = wait_for("the keyboard focus in the panel", lambda: app.find(
            root=app.panel, predicate=lambda n: n.getState().contains(pyatspi.STATE_FOCUSED)))
        print("focus after F9: %s %r" % (focused.roleName, focused.name))
        pointer.tap("Escape")
        wait_for("Escape to hide the panel at 360", lambda: panel_hidden(pointer))
        pointer.click_node(toggle(app, "Show Your Seats"))
        wait_for("the panel shown at 360", lambda: panel_shown(pointer))
        hold = app.button("Hold")
        wait_for("Hold sensitive", lambda: hold.getState().contains(pyatspi.STATE_SENSITIVE))
        pointer.click_node(hold)
        wait_for("the seat held at 360", lambda: seat_description(seat).startswith("Held by you"))
        wait_for("the countdown in the panel", lambda: app.find(
            root=app.panel, role="label", predicate=lambda n: n.name.startswith("Expires in ")))
        sbgui.docs_screenshot("narrow-panel", pointer)
        book = app.button("Book")
        wait_for("Book sensitive", lambda: book.getState().contains(pyatspi.STATE_SENSITIVE))
        pointer.click_node(book)
        window, text = wait_for("the booking dialog", app.dialog_text)
        print("booking dialog at 360:", text.replace("\n", " | "))
        if "Row C seat 12" not in text:
            raise sbgui.TestFailure("unexpected booking dialog: %r" % text)
        if server.seat_states().get("stalls-C-12") != "booked":
            raise sbgui.TestFailure("the server does not have stalls-C-12 booked")
        done = pyatspi.findDescendant(window, lambda n: n.roleName == "push button"
                                      and n.name == "Done")
        app.click(done)


if __name__ == "__main__":
    sbgui.run(test)
