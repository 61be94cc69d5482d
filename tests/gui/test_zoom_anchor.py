#!/usr/bin/python3
"""Zooming keeps its anchor: Ctrl+wheel keeps the venue point under the pointer where it is, the
zoom keys and buttons keep the point at the centre of the view. Measured on the arena over Floor A,
with eight wheel notches sent as fast as a wheel sends them (faster than the map lays out), then
keys and buttons; the drift must stay under one seat width at the zoom reached.

The drift of a screen point P is measured through a seat S near it: P lies at a fraction of S's
box (in seat widths), and after zooming that fraction of S's new box must be back at P."""
import time

import pyatspi

import sbgui
from sbgui import Pointer, Server, wait_for

EVENT = ("arena-night", "Arena Night", "arena.json")


def centre_of(box):
    return (box[0] + box[2] / 2.0, box[1] + box[3] / 2.0)


def nearest_seat(app, pointer, point):
    """The visible seat of Floor A whose centre is nearest to point."""
    best = None
    floor = next(c for c in app._seat_map.children if c.name == "Floor A")
    for row in floor.children:
        for i in range(0, row.childCount):
            seat = row.getChildAtIndex(i)
            box = pointer.screen_box(seat)
            cx, cy = centre_of(box)
            distance = ((cx - point[0]) ** 2 + (cy - point[1]) ** 2) ** 0.5
            if best is None or distance < best[0]:
                best = (distance, seat, box)
    return best[1], best[2]


def measure(what, pointer, seat, before, point, action):
    """Runs action and returns the drift of point, in seat widths at the new zoom."""
    fx = (point[0] - before[0]) / before[2]
    fy = (point[1] - before[1]) / before[3]
    action()
    after = pointer.settled_box(seat, interval=0.2)
    back_x = after[0] + fx * after[2]
    back_y = after[1] + fy * after[3]
    drift = ((back_x - point[0]) ** 2 + (back_y - point[1]) ** 2) ** 0.5 / after[2]
    print("%s: %s from %r to %r, the point drifted %.2f seat widths (%.1f px at %d px a seat)" % (
        what, seat.name, before, after, drift, drift * after[2], after[2]))
    if drift >= 1.0:
        raise sbgui.TestFailure("%s: the anchored point drifted %.2f seat widths" % (what, drift))
    return after


def test():
    server = Server(events=[EVENT]).start()
    with sbgui.Session("zoom-anchor", server) as session:
        app = session.app("A")
        app.open_event(EVENT[1])
        app.wait_seat("Floor A", "A", "1")
        pointer = Pointer(app)
        label = sbgui.zoom_label(app)
        view = pointer.screen_box(app._seat_map.parent)
        view_centre = centre_of(view)
        floor = next(c for c in app._seat_map.children if c.name == "Floor A")
        floor_box = pointer.screen_box(floor)
        print("view", view, "Floor A", floor_box, "zoom", label.name)

        # The pointer over a seat in Floor A, a little off its centre, away from the view's middle.
        seat, box = nearest_seat(app, pointer, (floor_box[0] + floor_box[2] * 0.3,
                                               floor_box[1] + floor_box[3] * 0.35))
        box = pointer.settled_box(seat, interval=0.2)
        point = (box[0] + box[2] * 0.3, box[1] + box[3] * 0.6)
        pointer.move(*point)
        time.sleep(0.2)
        fitted_width = box[2]
        box = measure("eight Ctrl+wheel notches in", pointer, seat, box, point,
                      lambda: pointer.wheel(point[0], point[1], -8, ctrl=True))
        # 1.25 to the eighth is almost 6: the seat must have grown that much.
        if box[2] < fitted_width * 4:
            raise sbgui.TestFailure("Ctrl+wheel did not zoom: a seat is %d px, was %d px" % (
                box[2], fitted_width))
        print("zoom level after the wheel:", label.name)
        sbgui.screenshot("zoom-anchor-wheel")
        box = measure("three Ctrl+wheel notches out", pointer, seat, box, point,
                      lambda: pointer.wheel(point[0], point[1], 3, ctrl=True))

        # Keys and buttons keep the view's centre: measured through the seat nearest to it.
        seat, box = nearest_seat(app, pointer, view_centre)
        box = pointer.settled_box(seat, interval=0.2)

        def keys(*names):
            def press():
                # Keys reach the window under the pointer: the header bar, clear of the map.
                x0, y0 = pointer.origin()
                pointer.move(x0 + 400, y0 + 14)
                wait_for("the window to be active",
                         lambda: app.frame.getState().contains(pyatspi.STATE_ACTIVE))
                for name in names:
                    pointer.key_down("Control_L")
                    pointer.key_down(name)
                    pointer.key_up(name)
                    pointer.key_up("Control_L")
            return press
        box = measure("Ctrl+plus four times", pointer, seat, box, view_centre,
                      keys("plus", "plus", "plus", "plus"))
        box = measure("Ctrl+minus four times", pointer, seat, box, view_centre,
                      keys("minus", "minus", "minus", "minus"))

        def buttons():
            for _ in range(2):
                before = label.name
                app.click(app.button("Zoom In", root=app.frame))
                wait_for("Zoom In to zoom", lambda: label.name != before)
        measure("the Zoom In button twice", pointer, seat, box, view_centre, buttons)
        sbgui.screenshot("zoom-anchor-buttons")


if __name__ == "__main__":
    sbgui.run(test)
