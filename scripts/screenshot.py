"""Runs the inspector in a pseudo-terminal, feeds its output to a terminal emulator (pyte), and draws the
screen to a PNG with its colours. Usage: screenshot.py BINARY OUT.png [--keys KEYS] [--size 120x36]"""
import argparse
import os
import pty
import select
import time

import pyte
from PIL import Image, ImageDraw, ImageFont

PALETTE = {
    "black": (30, 30, 36), "red": (224, 108, 117), "green": (152, 195, 121), "brown": (229, 192, 123),
    "yellow": (229, 192, 123), "blue": (97, 175, 239), "magenta": (198, 120, 221), "cyan": (86, 182, 194),
    "white": (220, 223, 228), "brightblack": (92, 99, 112), "brightred": (240, 128, 128),
    "brightgreen": (170, 220, 140), "brightyellow": (240, 210, 140), "brightblue": (120, 190, 250),
    "brightmagenta": (215, 140, 235), "brightcyan": (110, 200, 210), "brightwhite": (255, 255, 255),
}
BG = (24, 26, 31)
FG = (210, 214, 222)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"


def colour(name, default):
    if name == "default":
        return default
    if name in PALETTE:
        return PALETTE[name]
    if len(name) == 6:
        try:
            return tuple(int(name[i:i + 2], 16) for i in (0, 2, 4))
        except ValueError:
            pass
    return default


def run(binary, cols, rows, keys, settle):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(binary, [binary, "--demo"])
    import fcntl, struct, termios
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)

    def pump(seconds):
        end = time.time() + seconds
        while time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                stream.feed(os.read(fd, 65536))

    deadline = time.time() + 30
    while time.time() < deadline and "lunch" not in "\n".join(screen.display):
        pump(0.1)
    for key in keys:
        os.write(fd, key.encode())
        pump(0.4)
    pump(settle)
    os.write(fd, b"q")
    os.waitpid(pid, 0)
    return screen


def draw(screen, out):
    font = ImageFont.truetype(FONT, 16)
    bold = ImageFont.truetype(FONT_BOLD, 16)
    cw = int(font.getlength("M"))
    ch = 20
    pad = 12
    img = Image.new("RGB", (screen.columns * cw + 2 * pad, screen.lines * ch + 2 * pad), BG)
    d = ImageDraw.Draw(img)
    for y in range(screen.lines):
        row = screen.buffer[y]
        for x in range(screen.columns):
            c = row[x]
            fg, bg = colour(c.fg, FG), colour(c.bg, BG)
            if c.reverse:
                fg, bg = bg, fg
            px, py = pad + x * cw, pad + y * ch
            if bg != BG:
                d.rectangle([px, py, px + cw - 1, py + ch - 1], fill=bg)
            if c.data.strip():
                d.text((px, py + 1), c.data, font=bold if c.bold else font, fill=fg)
    img.save(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("out")
    ap.add_argument("--keys", default="")
    ap.add_argument("--size", default="120x36")
    ap.add_argument("--settle", type=float, default=1.0)
    a = ap.parse_args()
    cols, rows = map(int, a.size.split("x"))
    screen = run(a.binary, cols, rows, list(a.keys), a.settle)
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    draw(screen, a.out)
    print(a.out)


if __name__ == "__main__":
    main()
