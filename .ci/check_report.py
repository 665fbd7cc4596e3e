#!/usr/bin/env python3
"""Checks what headless Chromium made of an HTML report (standard library only).

  check_report.py dom FILE ID…   the dumped DOM has a figure with each ID holding an <svg>
                                 with drawn shapes, and no other <svg> than those
  check_report.py png FILE       the screenshot is a real picture, not a blank page
"""

import struct
import sys
import zlib
from html.parser import HTMLParser


class Figures(HTMLParser):
    """Counts the <svg> elements and, per figure id, the shapes drawn inside its <svg>."""

    def __init__(self):
        super().__init__()
        self.svgs = 0
        self.figure = None
        self.depth = 0
        self.shapes = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and self.figure is None:
            self.figure = attrs.get("id")
            self.shapes.setdefault(self.figure, 0)
        if tag == "figure" and self.figure is not None:
            self.depth += 1
        if tag == "svg":
            self.svgs += 1
        if self.figure and tag in ("polyline", "polygon", "rect", "circle", "path", "line"):
            self.shapes[self.figure] += 1

    def handle_endtag(self, tag):
        if tag == "figure" and self.figure is not None:
            self.depth -= 1
            if self.depth == 0:
                self.figure = None


def check_dom(path, ids):
    parser = Figures()
    with open(path, encoding="utf-8") as f:
        parser.feed(f.read())
    problems = []
    for i in ids:
        # A chart has its frame, axes and at least one drawn series: far more than 10 shapes.
        if parser.shapes.get(i, 0) < 10:
            problems.append(f"chart {i}: {parser.shapes.get(i, 0)} shapes drawn, expected at least 10")
    if parser.svgs != len(ids):
        problems.append(f"expected {len(ids)} <svg> elements, found {parser.svgs}")
    return problems


def pixels(path):
    """Width, height and the rows of an 8-bit RGB(A) PNG as bytes, unfiltered."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"expected 8-bit RGB or RGBA, found depth {depth} colour type {colour}")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def check_png(path):
    width, height, bpp, rows = pixels(path)
    colours, inked = set(), 0
    for row in rows:
        for x in range(0, len(row), bpp):
            px = row[x : x + 3]
            colours.add(px)
            if px != b"\xff\xff\xff":
                inked += 1
    share = inked / (width * height)
    print(f"{path}: {width}x{height}, {len(colours)} distinct colours, {share:.1%} not white")
    problems = []
    # Anti-aliased text and coloured chart lines give thousands of colours; a blank or
    # error page gives a handful.
    if len(colours) < 200:
        problems.append(f"{path}: {len(colours)} distinct colours, expected at least 200")
    # Tables, bars and curves cover several percent of the page; a page with one line of
    # text covers well under one.
    if share < 0.02:
        problems.append(f"{path}: {share:.2%} of the pixels are not white, expected at least 2%")
    return problems


def main():
    what, path, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    problems = check_dom(path, rest) if what == "dom" else check_png(path)
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
