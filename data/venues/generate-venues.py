#!/usr/bin/env python3
"""Generates the sample venues of Seatbook (docs/venue-format.md): theatre.json, cinema.json and
arena.json, next to this script. Deterministic: no randomness, so the output only changes when this
file does. Run it after editing and commit its output.

Coordinates are in seat widths (a seat is a 1x1 square around its centre), x to the right, y away
from the stage (screen coordinates: the stage is at the top)."""

import json
import math
import os
import string

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = string.ascii_uppercase


def r2(v):
    """Two decimals, and never "-0.0"."""
    v = round(v, 2)
    return 0.0 if v == 0 else v


def seat(section, row, number, x, y, category, flags=(), blocked=False, gap_after=False,
         rank=None):
    s = {"id": f"{section}-{row}-{number}", "label": str(number), "x": r2(x), "y": r2(y),
         "category": category}
    if flags:
        s["flags"] = list(flags)
    if blocked:
        s["blocked"] = True
    if gap_after:
        s["gap_after"] = True
    if rank is not None:
        s["rank"] = rank
    return s


def count(venue):
    return sum(len(r["seats"]) for s in venue["sections"] for r in s["rows"])


def check(venue):
    """The constraints the loader enforces, so a bad edit fails here and not in the test suite."""
    ids = set()
    cats = {c["id"] for c in venue["categories"]}
    for s in venue["sections"]:
        rows = set()
        for r in s["rows"]:
            assert r["id"] not in rows, r["id"]
            rows.add(r["id"])
            for st in r["seats"]:
                assert st["id"] not in ids, st["id"]
                assert st["category"] in cats, st["category"]
                assert len(st["id"]) <= 64
                ids.add(st["id"])


def write(name, venue, compact):
    check(venue)
    path = os.path.join(HERE, name)
    if compact:
        text = json.dumps(venue, separators=(",", ":"), ensure_ascii=False) + "\n"
    else:
        # Readable but short: one line per seat.
        out = ["{"]
        head = [k for k in venue if k != "sections"]
        for k in head:
            if k == "categories" or k == "shapes":
                out.append(f' "{k}": [')
                items = [" " + json.dumps(c, ensure_ascii=False) for c in venue[k]]
                out.append(",\n".join(items))
                out.append(" ],")
            else:
                out.append(f' "{k}": {json.dumps(venue[k], ensure_ascii=False)},')
        out.append(' "sections": [')
        sections = []
        for s in venue["sections"]:
            rows = []
            for r in s["rows"]:
                seats = ",\n".join("    " + json.dumps(st, ensure_ascii=False) for st in r["seats"])
                rank = f'"rank": {r["rank"]}, ' if "rank" in r else ""
                rows.append(f'   {{"id": {json.dumps(r["id"])}, "label": {json.dumps(r["label"])}, '
                            f'{rank}"seats": [\n{seats}]}}')
            rank = f'"rank": {s["rank"]}, ' if "rank" in s else ""
            sections.append(f'  {{"id": {json.dumps(s["id"])}, "name": {json.dumps(s["name"])}, '
                            f'{rank}"rows": [\n' + ",\n".join(rows) + "]}")
        out.append(",\n".join(sections))
        out.append(" ]")
        out.append("}")
        text = "\n".join(out) + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"{name}: {count(venue)} seats, {len(venue['sections'])} sections, {len(text)} bytes")


# ---- Theatre: curved rows on arcs around a point behind the stage, a centre aisle. ----------

def arc_row(section, row, n, radius, centre_y, aisle, pitch, category_of, flags_of, blocked_ids,
            rank_of=lambda row, number, n: None):
    """n seats (even) on an arc of @radius, half on each side of a centre aisle @aisle wide
    (gap_after on the seat left of it), numbered 1..n from left to right."""
    half = n // 2
    seats = []
    # Arc lengths from the centre line; left side mirrored.
    offsets = [aisle / 2 + 0.5 + j * pitch for j in range(half)]
    positions = [-o for o in reversed(offsets)] + offsets
    for i, s_len in enumerate(positions):
        number = i + 1
        theta = s_len / radius
        x = radius * math.sin(theta)
        y = centre_y + radius * math.cos(theta)
        sid = f"{section}-{row}-{number}"
        seats.append(seat(section, row, number, x, y, category_of(row, number, n),
                          flags_of(row, number, n), sid in blocked_ids, gap_after=number == half,
                          rank=rank_of(row, number, n)))
    return seats


def theatre():
    centre_y = -14.0  # the rows' common centre, behind the stage
    stalls_sizes = [12, 12, 14, 14, 14, 16, 16, 16, 16, 16]
    balcony_sizes = [12, 14, 14, 16]
    blocked = {"stalls-J-8", "stalls-J-9"}  # the sound desk

    def stalls_category(row, number, n):
        if row in "CDEFG":
            return "premium"
        return "standard"

    def stalls_flags(row, number, n):
        if row == "J" and number in (1, n):
            return ["wheelchair"]
        if row == "J" and number in (2, n - 1):
            return ["companion"]
        return []

    def balcony_category(row, number, n):
        if row in "CD" and (number <= 2 or number > n - 2):
            return "restricted"
        return "balcony"

    def balcony_flags(row, number, n):
        # The outer seats of the back rows look past the proscenium pillars.
        if row in "CD" and (number <= 2 or number > n - 2):
            return ["restricted_view"]
        return []

    def balcony_rank(row, number, n):
        # Behind the pillars: the balcony's worst seats.
        return 4 if balcony_flags(row, number, n) else None

    # Quality: the premium rows, the other stalls, the balcony, its restricted corners; within a
    # rank, the distance to the stage's centre decides.
    stalls_rows = []
    for k, n in enumerate(stalls_sizes):
        row = ROWS[k]
        radius = 16.0 + 1.3 * k
        stalls_rows.append({"id": row, "label": row, "rank": 1 if row in "CDEFG" else 2,
                            "seats": arc_row("stalls", row, n, radius, centre_y, 1.6, 1.05,
                                             stalls_category, stalls_flags, blocked)})
    balcony_rows = []
    for k, n in enumerate(balcony_sizes):
        row = ROWS[k]
        radius = 16.0 + 1.3 * len(stalls_sizes) + 2.5 + 1.3 * k
        balcony_rows.append({"id": row, "label": row,
                             "seats": arc_row("balcony", row, n, radius, centre_y, 1.6, 1.05,
                                              balcony_category, balcony_flags, blocked,
                                              balcony_rank)})
    return {
        "format": 1,
        "id": "grand-theatre",
        "name": "Grand Theatre",
        "currency": "EUR",
        "stage": {"label": "Stage", "x": -10, "y": -3, "width": 20, "height": 3},
        "categories": [
            {"id": "premium", "name": "Premium", "price": 6500, "colour": "#b03a2e"},
            {"id": "standard", "name": "Standard", "price": 4500, "colour": "#2e86c1"},
            {"id": "balcony", "name": "Balcony", "price": 3200, "colour": "#229954"},
            {"id": "restricted", "name": "Restricted view", "price": 1800, "colour": "#b7950b"},
        ],
        "sections": [
            {"id": "stalls", "name": "Stalls", "rows": stalls_rows},
            {"id": "balcony", "name": "Balcony", "rank": 3, "rows": balcony_rows},
        ],
    }


# ---- Cinema: straight rows facing a screen. -----------------------------------------------

def cinema():
    rows = []
    n = 15
    for k in range(10):
        row = ROWS[k]
        y = 4.0 + 1.3 * k
        seats = []
        for i in range(n):
            number = i + 1
            x = (i - (n - 1) / 2) * 1.05
            category = "comfort" if k >= 7 else "standard"
            flags = []
            if row == "A" and number in (1, n):
                flags = ["wheelchair"]
            elif row == "A" and number in (2, n - 1):
                flags = ["companion"]
            seats.append(seat("hall", row, number, x, y, category, flags))
        # The middle of the room first, then the back, then towards the screen.
        rank = {"D": 1, "E": 1, "F": 1, "G": 1, "H": 2, "I": 2, "J": 2, "C": 3, "B": 4, "A": 5}[row]
        rows.append({"id": row, "label": row, "rank": rank, "seats": seats})
    return {
        "format": 1,
        "id": "cinema-1",
        "name": "Cinema 1",
        "currency": "EUR",
        "stage": {"label": "Screen", "x": -9, "y": -1, "width": 18, "height": 0.5},
        "categories": [
            {"id": "standard", "name": "Standard", "price": 1200, "colour": "#2874a6"},
            {"id": "comfort", "name": "Comfort", "price": 1600, "colour": "#a93226"},
        ],
        "sections": [{"id": "hall", "name": "Hall", "rows": rows}],
    }


# ---- Arena: seated floor and a bowl of 12 lower-tier sections around it. -------------------
#
# The bowl follows a rounded rectangle around the floor: half-width A, half-height B, corner
# radius RC. A row at distance d from the floor edge lies on the same shape offset by d: straight
# stretches along the sides and quarter circles of radius RC + d at the corners, so the corner
# sections fan out and hold more seats per row the further back they are.

A, B, RC = 32.0, 48.0, 12.0
ROW_PITCH = 1.3
SEAT_PITCH = 1.05
FIRST_ROW = 2.0
N_TIER_ROWS = 15


def straight_section(sid, side, start, end, category, extra_flags):
    """Rows parallel to one straight side. side: 'east', 'west' or 'south'; start..end the stretch
    along it, in clockwise order."""
    rows = []
    length = abs(end - start)
    n = int((length - 1.0) // SEAT_PITCH)
    direction = 1 if end > start else -1
    mid = (start + end) / 2
    for k in range(N_TIER_ROWS):
        row = ROWS[k]
        d = FIRST_ROW + k * ROW_PITCH
        seats = []
        for i in range(n):
            number = i + 1
            along = mid + direction * (i - (n - 1) / 2) * SEAT_PITCH
            if side == "east":
                x, y = A + d, along
            elif side == "west":
                x, y = -(A + d), along
            else:
                x, y = along, B + d
            seats.append(seat(sid, row, number, x, y, category, extra_flags(row, number, n)))
        rows.append({"id": row, "label": row, "seats": seats})
    return {"id": sid, "name": f"Section {sid}", "rows": rows}


def corner_section(sid, cx, cy, theta0, theta1, category, flags_of):
    """Fan-shaped rows on quarter circles around (cx, cy), clockwise from theta0 to theta1
    (radians, screen coordinates)."""
    rows = []
    for k in range(N_TIER_ROWS):
        row = ROWS[k]
        d = FIRST_ROW + k * ROW_PITCH
        radius = RC + d
        arc = radius * abs(theta1 - theta0)
        n = int((arc - 1.0) // SEAT_PITCH)
        step = SEAT_PITCH / radius
        mid = (theta0 + theta1) / 2
        seats = []
        for i in range(n):
            number = i + 1
            theta = mid + (i - (n - 1) / 2) * step
            x = cx + radius * math.cos(theta)
            y = cy + radius * math.sin(theta)
            seats.append(seat(sid, row, number, x, y, category, flags_of(theta, row, number, n)))
        rows.append({"id": row, "label": row, "seats": seats})
    return {"id": sid, "name": f"Section {sid}", "rows": rows}


def arena():
    half_pi = math.pi / 2
    cx, cy = A - RC, B - RC  # corner centres at (+-cx, +-cy)

    def none(*_):
        return []

    def wheelchair_back(row, number, n):
        # Wheelchair platforms at the ends of the back row.
        if row == ROWS[N_TIER_ROWS - 1] and number in (1, n):
            return ["wheelchair"]
        if row == ROWS[N_TIER_ROWS - 1] and number in (2, n - 1):
            return ["companion"]
        return []

    def beside_stage(theta, row, number, n):
        # Within 25 degrees of straight north the stage set blocks part of the view.
        north = -half_pi
        t = math.atan2(math.sin(theta - north), math.cos(theta - north))
        return ["restricted_view"] if abs(t) < math.radians(25) else []

    sections = []
    # Floor: three blocks of chairs facing the stage at the north end.
    floor_rows, floor_seats, block_w, aisle = 25, 16, 16 * SEAT_PITCH, 2.5
    for b, name in enumerate("abc"):
        left = -(1.5 * block_w + aisle) + b * (block_w + aisle)
        rows = []
        for k in range(floor_rows):
            row = ROWS[k] if k < 26 else None
            y = -28.0 + k * ROW_PITCH
            seats = [seat(f"floor-{name}", row, i + 1, left + (i + 0.5) * SEAT_PITCH, y, "floor")
                     for i in range(floor_seats)]
            rows.append({"id": row, "label": row, "seats": seats})
        # The blocks are sections of their own: the aisles between them break every row.
        sections.append({"id": f"floor-{name}", "name": f"Floor {name.upper()}", "rank": 1,
                         "rows": rows})

    # The bowl, clockwise from the north-east corner.
    sections.append(corner_section("101", cx, -cy, -half_pi, 0, "side", beside_stage))
    sections.append(straight_section("102", "east", -cy, -cy / 3, "lower", none))
    sections.append(straight_section("103", "east", -cy / 3, cy / 3, "centre", wheelchair_back))
    sections.append(straight_section("104", "east", cy / 3, cy, "lower", none))
    sections.append(corner_section("105", cx, cy, 0, half_pi, "lower", none))
    sections.append(straight_section("106", "south", cx, 0, "lower", wheelchair_back))
    sections.append(straight_section("107", "south", 0, -cx, "lower", wheelchair_back))
    sections.append(corner_section("108", -cx, cy, half_pi, math.pi, "lower", none))
    sections.append(straight_section("109", "west", cy, cy / 3, "lower", none))
    sections.append(straight_section("110", "west", cy / 3, -cy / 3, "centre", wheelchair_back))
    sections.append(straight_section("111", "west", -cy / 3, -cy, "lower", none))
    sections.append(corner_section("112", -cx, -cy, math.pi, 3 * half_pi, "side", beside_stage))

    # Quality by category: the floor, the centre of the bowl, the rest, the side view; the stage's
    # centre decides within each.
    tier_rank = {"centre": 2, "lower": 3, "side": 4}
    for section in sections[3:]:
        section["rank"] = tier_rank[section["rows"][0]["seats"][0]["category"]]
    return {
        "format": 1,
        "id": "city-arena",
        "name": "City Arena",
        "currency": "EUR",
        "shapes": [
            {"kind": "floor", "label": "Floor", "x": -A, "y": -B, "width": 2 * A, "height": 2 * B},
            {"kind": "stage", "label": "Stage", "x": -15, "y": -B, "width": 30, "height": 12},
        ],
        "categories": [
            {"id": "floor", "name": "Floor", "price": 8900, "colour": "#c0392b"},
            {"id": "centre", "name": "Lower tier centre", "price": 7500, "colour": "#8e44ad"},
            {"id": "lower", "name": "Lower tier", "price": 5900, "colour": "#2471a3"},
            {"id": "side", "name": "Side view", "price": 3900, "colour": "#d68910"},
        ],
        "sections": sections,
    }


def main():
    write("theatre.json", theatre(), compact=False)
    write("cinema.json", cinema(), compact=False)
    write("arena.json", arena(), compact=True)


if __name__ == "__main__":
    main()
