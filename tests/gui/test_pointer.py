#!/usr/bin/python3
"""Every seat answers the mouse: real pointer clicks (XTest), not AT-SPI actions, on every free seat
of the theatre and the cinema and on a sample of the arena, at three zoom levels, choose exactly
the seat under the pointer.

Each seat is clicked at its centre and near its edges, one pixel inside the box its widget was
given (the pixels between two drawn seats belong to one of them, and rounding must never hand them
to a third). A click toggles the seat, so the clicks on one seat alternate choosing it and letting
it go: each click must flip that seat's pressed state (one click toggles at most one seat, so a
click that toggled a neighbour instead leaves this one unflipped), and after each zoom level none
of the seats may be left chosen.

To keep the run short (it runs in the gcc, ASan and clang builds), the edges are sampled: each
seat gets its centre and one of its four edges per zoom level, the edge rotating with the seat and
the level, so each seat is clicked near three different edges over the three levels and every
edge is clicked on a quarter of the seats at each level. The arena is sampled too: the first,
middle and last seat of every ARENA_ROW_STEP-th row of each section. Seats out of view are
scrolled to with the wheel. The sanitizer builds click every SANITIZED_SEAT_STEP-th of those seats."""
import time

import pyatspi

import sbgui
from sbgui import Pointer, Server, wait_for

EVENTS = [("theatre-night", "Theatre Night", "theatre.json"),
          ("cinema-night", "Cinema Night", "cinema.json"),
          ("arena-night", "Arena Night", "arena.json")]
# Pixels kept clear of the viewport's edges: overlay scrollbars sit on the right and bottom.
VIEW_INSET = 16
# Arena: every ARENA_ROW_STEP-th row of each section, its first, middle and last seat.
ARENA_ROW_STEP = 8
# The sanitizer builds look for memory errors, not for seats the mouse misses (the gcc build clicks
# them all): there every SANITIZED_SEAT_STEP-th seat is clicked, the edges still rotating over
# them. Every seat took ~7 min there; every 3rd 245 s, still the longest test of CI's 90 minutes.
SANITIZED_SEAT_STEP = 6
CLICK_DEADLINE = 3.0
MAX_FAILURES = 12


class Run:
    def __init__(self, app, pointer):
        self.app = app
        self.pointer = pointer
        self.failures = []
        self.clicks = 0

    def fail(self, message):
        print("FAIL:", message)
        self.failures.append(message)
        if len(self.failures) >= MAX_FAILURES:
            raise sbgui.TestFailure("%d clicks went wrong, the first: %s" % (
                len(self.failures), "; ".join(self.failures[:5])))


def seats_of(app, sample):
    """[(description for messages, seat node)] of the free seats, walking the groups."""
    seats = []
    for section in app._seat_map.children:
        rows = section.children
        if sample:
            rows = rows[::ARENA_ROW_STEP]
        for row in rows:
            count = row.childCount
            indices = sorted({0, count // 2, count - 1}) if sample else range(count)
            for i in indices:
                seat = row.getChildAtIndex(i)
                if sbgui.seat_description(seat).startswith("Free"):
                    seats.append(("%s %s" % (section.name, seat.name), seat))
    return seats


def pressed(seat):
    return seat.getState().contains(pyatspi.STATE_PRESSED)


def points(box, rotation):
    """The centre, then one edge (one pixel inside the box): left, right, top or bottom by
    rotation."""
    x, y, w, h = box
    cx, cy = x + w // 2, y + h // 2
    edges = [(x + 1, cy), (x + w - 2, cy), (cx, y + 1), (cx, y + h - 2)]
    return [(cx, cy), edges[rotation % 4]]


def inside(box, view):
    x, y, w, h = box
    vx, vy, vw, vh = view
    return x >= vx + 2 and y >= vy + 2 and x + w <= vx + vw - VIEW_INSET and \
        y + h <= vy + vh - VIEW_INSET


def click_seats(run, seats, level):
    """Clicks every seat at its points, scrolling to the seats out of view."""
    viewport = run.app._seat_map.parent
    view = run.pointer.screen_box(viewport)
    centre = (view[0] + view[2] // 2, view[1] + view[3] // 2)
    remaining = list(enumerate(seats))
    while remaining:
        boxes = [(i, name, seat, run.pointer.screen_box(seat)) for i, (name, seat) in remaining]
        visible = [entry for entry in boxes if inside(entry[3], view)]
        if not visible:
            # Scroll towards the first seat left until it is in view.
            _, name, seat, box = boxes[0]
            for _ in range(200):
                # Wheel notches are coalesced and laid out at the next frame: only a settled
                # map says where the seats are.
                box = run.pointer.settled_box(seat)
                if inside(box, view):
                    break
                if box[1] < view[1] + 2:
                    run.pointer.wheel(*centre, -1)
                elif box[1] + box[3] > view[1] + view[3] - VIEW_INSET:
                    run.pointer.wheel(*centre, 1)
                elif box[0] < view[0] + 2:
                    run.pointer.wheel(*centre, -1, horizontal=True)
                else:
                    run.pointer.wheel(*centre, 1, horizontal=True)
            else:
                raise sbgui.TestFailure("could not scroll %s into view (at %r, view %r)" % (
                    name, box, view))
            continue
        done = set()
        for i, name, seat, box in visible:
            chosen = pressed(seat)
            for k, (x, y) in enumerate(points(box, i + level)):
                expected = not chosen
                run.pointer.click(x, y)
                run.clicks += 1
                try:
                    wait_for("%s to be %s" % (name, "chosen" if expected else "let go"),
                             lambda: pressed(seat) == expected, timeout=CLICK_DEADLINE,
                             interval=0.01)
                    chosen = expected
                except sbgui.TestFailure:
                    chosen = pressed(seat)
                    run.fail("zoom level %d: a click at (%d, %d), %s of %s at %r did not %s it" % (
                        level, x, y, "the centre" if k == 0 else "an edge", name,
                        box, "choose" if expected else "let go of"))
            done.add(i)
        remaining = [(i, entry) for i, entry in remaining if i not in done]


def set_zoom(pointer, keys, label, seat):
    """Fits the map, then presses keys (Ctrl+minus or Ctrl+plus) and waits for the new level and
    for seat (a node found once, not walked to again: the accessible tree is rebuilt lazily and a
    walk down it can meet a node that is not there yet) to stop moving."""
    def press(key, changes=True):
        before = label.name
        pointer.key_down("Control_L")
        pointer.key_down(key)
        pointer.key_up(key)
        pointer.key_up("Control_L")
        if changes:
            wait_for("the zoom level to change from %s" % before, lambda: label.name != before)
    # Fitting a map that is fitted already changes nothing.
    press("0", changes=False)
    for key in keys:
        press(key)
    pointer.settled_box(seat)
    print("zoom level", label.name)


def test():
    server = Server(events=EVENTS).start()
    with sbgui.Session("pointer", server) as session:
        app = session.app("A")
        pointer = Pointer(app)
        run = Run(app, pointer)
        label = None
        started = time.monotonic()
        for event_id, name, venue in EVENTS:
            app.open_event(name)
            first = {"theatre.json": "Stalls", "cinema.json": "Hall", "arena.json": "Floor A"}[venue]
            wait_for("the seat map of %s" % name,
                     lambda: app._seat_map.getChildAtIndex(0).name == first)
            label = label or sbgui.zoom_label(app)
            seats = seats_of(app, sample=venue == "arena.json")
            if sbgui.app_is_sanitized():
                seats = seats[::SANITIZED_SEAT_STEP]
            print("%s: %d seats to click" % (name, len(seats)))
            # Keys reach the window under the pointer (no window manager): its header bar.
            x0, y0 = pointer.origin()
            pointer.move(x0 + 400, y0 + 14)
            wait_for("the window to be active",
                     lambda: app.frame.getState().contains(pyatspi.STATE_ACTIVE))
            # Smaller than fitted, fitted, and zoomed in far enough to need scrolling.
            for level, keys in enumerate([["minus"], [], ["plus", "plus", "plus"]]):
                pointer.move(x0 + 400, y0 + 14)
                set_zoom(pointer, keys, label, seats[0][1])
                click_seats(run, seats, level)
                if level == 2:
                    sbgui.screenshot("pointer-%s" % event_id)
                left = [n for n, seat in seats if pressed(seat)]
                if left:
                    run.fail("zoom level %d of %s: still chosen after clicking each seat an even "
                             "number of times: %s" % (level, name, ", ".join(left[:10])))
                print("%s zoom level %d: %d clicks so far, %d wrong, %.1f s" % (
                    name, level, run.clicks, len(run.failures), time.monotonic() - started))
        if run.failures:
            raise sbgui.TestFailure("%d of %d clicks went wrong, the first: %s" % (
                len(run.failures), run.clicks, "; ".join(run.failures[:5])))


if __name__ == "__main__":
    sbgui.run(test)
