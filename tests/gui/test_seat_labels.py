#!/usr/bin/python3
"""What the map says about its seats: wheelchair, companion and restricted-view seats are named in
their accessible descriptions (and no other seat is), and the pointer resting on a seat draws a
highlight and then a box of details next to it, measured as pixels that change around the seat.
The labelled theatre, with a few seats booked by another desk, is saved as the screenshot
seat-map-labels (docs/seat-map-labels.png)."""
import json
import os
import subprocess
import time

import sbgui
from sbgui import Pointer, Server, wait_for

FEATURES = {"wheelchair": "wheelchair space", "companion": "companion seat",
            "restricted_view": "restricted view"}


def changed_pixels(before, after, box):
    """How many pixels differ between two screenshots inside box (x, y, width, height)."""
    x, y, w, h = box
    crop = "%dx%d+%d+%d" % (w, h, x, y)
    result = subprocess.run(["compare", "-metric", "AE", "(", before, "-crop", crop, ")",
                             "(", after, "-crop", crop, ")", "null:"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return int(float(result.stderr.split()[0]))


def test():
    with open(os.path.join(sbgui.VENUES, "theatre.json")) as f:
        venue = json.load(f)
    expected = {}
    for section in venue["sections"]:
        for row in section["rows"]:
            for seat in row["seats"]:
                expected[(section["name"], row["label"], seat["label"])] = [
                    FEATURES[flag] for flag in seat.get("flags", [])]
    if not any(expected.values()):
        raise sbgui.TestFailure("theatre.json has no seat with flags to check")

    server = Server().start()
    # Booked seats in the screenshot, to show that their mark leaves the number readable.
    booked = ["stalls-C-%d" % n for n in range(3, 7)] + ["balcony-B-%d" % n for n in range(9, 12)]
    reply = server.request({"type": "book", "id": "b", "event": sbgui.EVENT_ID, "seats": booked})["b"]
    if reply["type"] != "booked":
        raise sbgui.TestFailure("booking %r: %r" % (booked, reply))
    with sbgui.Session("seat-labels", server) as session:
        app = session.app("A")
        app.open_event()
        app.wait_seat("Stalls", "A", "1")

        checked = 0
        for section, seat in app.all_seats():
            row = seat.parent.name[len("Row "):]
            number = seat.name.split(" seat ")[1]
            description = sbgui.seat_description(seat)
            for feature in FEATURES.values():
                wanted = feature in expected[(section, row, number)]
                if wanted != (feature in description):
                    raise sbgui.TestFailure("%s %s: description %r %s %r" % (
                        section, seat.name, description,
                        "lacks" if wanted else "wrongly has", feature))
            checked += 1
        print("descriptions of %d seats checked" % checked)

        pointer = Pointer(app)
        view = pointer.screen_box(app._seat_map.parent)
        # Away from the map first, so nothing is highlighted.
        x0, y0 = pointer.origin()
        pointer.move(x0 + 400, y0 + 14)
        time.sleep(0.5)
        plain = sbgui.screenshot("seat-labels-plain")

        seat = app.seat("Stalls", "J", "1")
        box = pointer.screen_box(seat)
        pointer.move(box[0] + box[2] // 2, box[1] + box[3] // 2)
        around = (box[0] - 6, box[1] - 6, box[2] + 12, box[3] + 12)
        beside = (box[0] + box[2], box[1] - 30, 180, 60 + box[3])
        path = os.path.join(os.path.dirname(plain), "seat-labels-hover.png")

        def shot():
            subprocess.run(["import", "-window", "root", path], check=True)
            return path
        wait_for("a highlight around the seat under the pointer",
                 lambda: changed_pixels(plain, shot(), around) > 20)
        wait_for("the seat's details beside it once the pointer rests",
                 lambda: changed_pixels(plain, shot(), beside) > 500)
        sbgui.screenshot("seat-map-labels")

        # Leaving the map takes them away again.
        pointer.move(x0 + 400, y0 + 14)
        wait_for("the details to go when the pointer leaves",
                 lambda: changed_pixels(plain, shot(), beside) < 50)
        print("view", view, "seat", box)


if __name__ == "__main__":
    sbgui.run(test)
