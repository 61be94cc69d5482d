#!/usr/bin/python3
"""Zoom and pan on the 5,000-seat arena. The header bar shows the zoom level ("100%" = 16 px per
seat width), which is what this test reads: the Zoom In / Zoom Out / Fit buttons (AT-SPI actions),
Ctrl+plus, Ctrl+= and Ctrl+minus, Ctrl+0 (fit), and Ctrl+scroll wheel over the map each change it
by the expected step, and a plain scroll does not. Dragging the map pans it: the map's pixels must
move. (Pinch needs a touchpad or touchscreen, which Xvfb cannot emulate.)"""
import os
import re
import subprocess

import sbgui
from sbgui import Server, wait_for

STEP = 1.25
EVENT = ("arena-night", "Arena Night", "arena.json")


def test():
    server = Server(events=[EVENT]).start()
    with sbgui.Session("zoom", server) as session:
        app = session.app("A")
        app.open_event(EVENT[1])
        app.wait_seat("Floor A", "A", "1")
        label = wait_for("the zoom level label", lambda: app.find(
            role="label", predicate=lambda n: n.description == "Zoom level"))

        def level():
            match = re.fullmatch(r"(\d+)%", label.name)
            return int(match.group(1)) if match else None

        def expect(what, value):
            # The label rounds to whole percent; the map multiplies exact zoom factors. value is
            # the fitted level times a factor, and the fitted level read from the label is off by
            # up to half a percent: that error grows with the factor (four notches: x2.44).
            tolerance = 0.5 + 0.5 * value / fitted + 0.01
            wait_for("%s: zoom level %.1f%% +- %.1f" % (what, value, tolerance),
                     lambda: level() is not None and abs(level() - value) <= tolerance)
            print("%s -> %s" % (what, label.name))

        fitted = wait_for("a zoom level", level)
        # 5,000 seats fit into the window only well below 100%.
        if not 5 <= fitted < 100:
            raise sbgui.TestFailure("the fitted arena shows %d%%" % fitted)
        print("fitted:", fitted)

        app.click(app.button("Zoom In", root=app.frame))
        expect("Zoom In button", fitted * STEP)
        app.click(app.button("Zoom In", root=app.frame))
        expect("Zoom In button again", fitted * STEP * STEP)
        app.click(app.button("Fit to Window", root=app.frame))
        expect("Fit to Window button", fitted)
        app.click(app.button("Zoom Out", root=app.frame))
        expect("Zoom Out button", fitted / STEP)

        app.focus_window()
        app.combo("<Control>0")
        expect("Ctrl+0", fitted)
        app.combo("<Control>plus")
        expect("Ctrl+plus", fitted * STEP)
        app.combo("<Control>equal")
        expect("Ctrl+=", fitted * STEP * STEP)
        app.combo("<Control>minus")
        expect("Ctrl+minus", fitted * STEP)
        app.combo("<Control>0")
        expect("Ctrl+0 again", fitted)

        # The wheel over the map (the window sits at the screen's top left, the map in its
        # middle): with Ctrl it zooms one step per notch, without it it scrolls.
        from dogtail import rawinput
        x, y = 560, 380
        for _ in range(4):
            rawinput.holdKey("Control_L")
            rawinput.click(x, y, button=4)
            rawinput.releaseKey("Control_L")
        expect("Ctrl+wheel up four notches", fitted * STEP ** 4)
        # Read through wait_for: one AT-SPI read of the name can come back empty.
        zoomed = wait_for("the zoom level", level)
        sbgui.screenshot("zoom-arena")

        def changes_picture(name, action):
            """Runs action and waits until the screen differs from before it."""
            before = sbgui.screenshot(name + "-before")
            after = os.path.join(os.path.dirname(before), name + "-after.png")
            action()

            def differs():
                subprocess.run(["import", "-window", "root", after], check=True)
                result = subprocess.run(["compare", "-metric", "AE", before, after, "null:"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                return int(float(result.stderr.split()[0])) > 10000
            wait_for("%s to move the map" % name, differs)

        # Without Ctrl the wheel scrolls (the picture moves) and leaves the zoom alone.
        changes_picture("wheel", lambda: (rawinput.click(x, y, button=5),
                                          rawinput.click(x, y, button=5)))
        if abs(wait_for("the zoom level", level) - zoomed) > 1:
            raise sbgui.TestFailure("a wheel without Ctrl changed the zoom to %r" % label.name)

        # Pan by dragging: the picture must move, the zoom must not change.
        changes_picture("drag", lambda: rawinput.drag((x, y), (x - 150, y - 120)))
        if abs(wait_for("the zoom level", level) - zoomed) > 1:
            raise sbgui.TestFailure("panning changed the zoom to %r" % label.name)


if __name__ == "__main__":
    sbgui.run(test)
