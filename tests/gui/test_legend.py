#!/usr/bin/python3
"""The legend and the seat colours (issue 12, item 9), in the light and the dark style.

The theatre shows a seat in every state: A chooses one with a real click, holds another with a
real Ctrl+H, someone else holds and books two through the protocol, and some are not for sale.
The legend (read over AT-SPI) names every category, every state including "Chosen", and the
symbols the venue uses. Its samples are drawn by the map's own seat code, so they are what is
measured, from a screenshot, as seen with normal vision and through deuteranopia and protanopia
simulations (Machado et al. 2009, severity 1) and in grey:
- "Held by someone else" differs from every category colour by at least MIN_DELTA_E (CIE76, mean
  colours, normal vision; the simulations' figures are printed);
- every two states (each category's free seat counting as a state) differ in their lightness
  pattern, pixel by pixel, by at least MIN_PATTERN on average (0-255), in every simulation, so
  they can be told apart without colour.
The figures are printed, and the simulated screenshots saved next to the others."""
import math
import os

import sbgui
from sbgui import Pointer, Server, seat_description, wait_for

SIMULATIONS = {
    "normal": None,
    "deuteranopia": ((0.367322, 0.860646, -0.227968),
                     (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "protanopia": ((0.152286, 1.052583, -0.204868),
                   (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "grey": ((0.299, 0.587, 0.114),) * 3,
}
STATES = ["Chosen", "Held by you", "Held by someone else", "Booked", "Not for sale"]
SYMBOLS = ["Wheelchair space", "Companion seat", "Restricted view"]
SAMPLE = 18  # the legend's sample seats are 18 px square, 6 px left of their words
MIN_DELTA_E = 20.0
MIN_PATTERN = 10.0


def simulate(pixel, matrix):
    if matrix is None:
        return pixel
    return tuple(max(0.0, min(255.0, sum(m * c for m, c in zip(row, pixel)))) for row in matrix)


def lab(rgb):
    def linear(c):
        c /= 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))


def mean(pixels):
    return tuple(sum(p[i] for p in pixels) / len(pixels) for i in range(3))


def lightness(pixel):
    return 0.299 * pixel[0] + 0.587 * pixel[1] + 0.114 * pixel[2]


def samples(app, pointer, path, names):
    """name -> the pixels of the legend's sample for that entry."""
    legend = wait_for("the legend", lambda: app.find(name="Legend"))
    out = {}
    for name in names:
        label = wait_for("legend entry %r" % name, lambda: app.find(
            root=legend, role="label", predicate=lambda n: n.name == name))
        x, y, w, h = pointer.screen_box(label)
        out[name] = sbgui.pixels(path, (x - 6 - SAMPLE, y + h // 2 - SAMPLE // 2, SAMPLE, SAMPLE))
    return out


def check(style, shot, entries, categories):
    failures = []
    for simulation, matrix in SIMULATIONS.items():
        seen = {name: [simulate(p, matrix) for p in pixels] for name, pixels in entries.items()}
        held = lab(mean(seen["Held by someone else"]))
        distances = {c: math.dist(held, lab(mean(seen[c]))) for c in categories}
        closest = min(distances, key=distances.get)
        print("%s, %s: held by someone else vs closest category %r: delta E %.1f" % (
            style, simulation, closest, distances[closest]))
        # In colour, the hatched grey must not pass for a category. Through a simulation the
        # categories themselves run together; there the pattern below tells the states apart.
        if simulation == "normal" and distances[closest] < MIN_DELTA_E:
            failures.append("%s %s: held by someone else is delta E %.1f from %s" % (
                style, simulation, distances[closest], closest))
        names = STATES + categories
        worst = None
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if a in categories and b in categories:
                    continue  # categories are the venue's colours by design
                pattern = sum(abs(lightness(p) - lightness(q)) for p, q in zip(seen[a], seen[b])) / len(seen[a])
                if worst is None or pattern < worst[0]:
                    worst = (pattern, a, b)
                if pattern < MIN_PATTERN:
                    failures.append("%s %s: %r and %r differ by %.1f in lightness" % (
                        style, simulation, a, b, pattern))
        print("%s, %s: least different pair %r / %r: %.1f" % (style, simulation, worst[1], worst[2], worst[0]))
        if matrix is not None:
            out = os.path.join(sbgui.ARTIFACTS, "legend-%s-%s.png" % (style, simulation))
            flat = " ".join("%g" % v for row in matrix for v in row)
            sbgui.subprocess.run(["convert", shot, "-color-matrix", flat, out], check=False)
            print("simulated:", out)
    return failures


def run_style(session, server, style, env, seats):
    app = session.app(style, env=env)
    pointer = Pointer(app)
    app.open_event()

    # Someone else holds D5 and books D6; J8 and J9 are not for sale in theatre.json.
    server.request({"type": "hold", "id": "h-" + style, "event": sbgui.EVENT_ID,
                    "seats": ["stalls-D-5"], "ttl": 600},
                   {"type": "book", "id": "b-" + style, "event": sbgui.EVENT_ID,
                    "seats": ["stalls-D-6"]})
    held = app.wait_seat("Stalls", "D", "5")
    wait_for("D5 held by someone else", lambda: seat_description(held).startswith("Held by someone else"))

    # A real click chooses one seat, a real Ctrl+H holds it; then a real click chooses another.
    # (Each style is another desk: the seats differ.)
    c4 = app.wait_seat("Stalls", "C", seats[1])
    pointer.click_node(c4)
    wait_for("the first seat chosen", lambda: c4.getState().contains(sbgui.pyatspi.STATE_PRESSED))
    pointer.tap("h", ctrl=True)
    wait_for("the first seat held by A", lambda: seat_description(c4).startswith("Held by you"))
    c3 = app.wait_seat("Stalls", "C", seats[0])
    pointer.click_node(c3)
    wait_for("the second seat chosen", lambda: c3.getState().contains(sbgui.pyatspi.STATE_PRESSED))
    # Item 6: the panel says it; no toast says it again over the legend or the buttons.
    message = wait_for("the panel's message", lambda: "Holding" in app.panel_message() and app.panel_message())
    elsewhere = sbgui.pyatspi.findAllDescendants(app.frame, lambda n: n.roleName == "label"
                                                 and n.name == message)
    panel_labels = sbgui.pyatspi.findAllDescendants(app.panel, lambda n: n.roleName == "label"
                                                    and n.name == message)
    if len(elsewhere) != len(panel_labels):
        raise sbgui.TestFailure("%r shows outside the panel too" % message)
    # The pointer off the map, so that no hover box covers the legend.
    x0, y0 = pointer.origin()
    pointer.move(x0 + 400, y0 + 14)

    legend = wait_for("the legend", lambda: app.find(name="Legend"))
    words = [n.name for n in sbgui.pyatspi.findAllDescendants(legend, lambda n: n.roleName == "label")]
    print("%s legend: %s" % (style, " | ".join(words)))
    categories = [w for w in words if " — " in w]
    missing = [w for w in STATES + SYMBOLS if w not in words]
    if missing or len(categories) != 4:
        raise sbgui.TestFailure("the legend lacks %r (categories %r)" % (missing, categories))
    shot = sbgui.screenshot("legend-%s" % style)
    # README's light and dark screenshots (docs/screenshots/, with SEATBOOK_UPDATE_SCREENSHOTS=1).
    sbgui.docs_screenshot(style, pointer)
    failures = check(style, shot, samples(app, pointer, shot, STATES + categories), categories)
    app.quit()
    session.apps.remove(app)
    return failures


def test():
    server = Server().start()
    failures = []
    with sbgui.Session("legend", server) as session:
        failures += run_style(session, server, "light", {}, ("3", "4"))
        failures += run_style(session, server, "dark", {"ADW_DEBUG_COLOR_SCHEME": "prefer-dark"},
                              ("7", "8"))
    if failures:
        raise sbgui.TestFailure("; ".join(failures))


if __name__ == "__main__":
    sbgui.run(test)
