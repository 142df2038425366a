"""Writes the JPEGs, and Pillow's reduced-scale readings of them, that TurboJpegTest compares with.

Run with Debian's Pillow (python3-pil, on libjpeg-turbo):
    /usr/bin/python3 connector/src/test/python/make_draft_goldens.py
Pillow's draft() has libjpeg-turbo decode at 1/2, 1/4 or 1/8 scale in the DCT domain; each
<name>_<step>.png is that reading, what the connector's reduced-scale reading through TurboJPEG
must equal. The files in src/test/resources/jpeg-draft were written by Pillow 9.4 on
libjpeg-turbo 2.1.5 (Debian 12).
"""
import os
import random

from PIL import Image, ImageDraw, features

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "jpeg-draft")

# name, size, Pillow's subsampling (0: 4:4:4, 1: 4:2:2, 2: 4:2:0)
JPEGS = [
    ("420", (320, 240), 2),
    ("420-odd", (203, 157), 2),
    ("422", (240, 320), 1),
    ("444", (320, 240), 0),
]


def picture(size, rng):
    """Gradients, hard-edged shapes of saturated colours and a little grain: a photograph's mix."""
    width, height = size
    image = Image.new("RGB", size)
    pixels = image.load()
    base = [rng.randrange(256) for _ in range(3)]
    for y in range(height):
        for x in range(width):
            shade = (x * 200 // (width - 1) + y * 200 // (height - 1)) // 2
            pixels[x, y] = tuple(
                (base[c] + shade * (c + 1) + rng.randrange(8)) % 256 for c in range(3)
            )
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(width), rng.randrange(height)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse([x, y, x + width // 3, y + rng.randrange(1, height)], fill=colour)
    return image


def main():
    rng = random.Random(31)
    os.makedirs(OUT, exist_ok=True)
    for name, size, subsampling in JPEGS:
        path = os.path.join(OUT, name + ".jpg")
        picture(size, rng).save(path, "JPEG", quality=90, subsampling=subsampling)
        for step in (2, 4, 8):
            image = Image.open(path)
            image.draft("RGB", (size[0] // step, size[1] // step))
            expected = (-(-size[0] // step), -(-size[1] // step))
            assert image.size == expected, (name, step, image.size, expected)
            image.convert("RGB").save(os.path.join(OUT, "%s_%d.png" % (name, step)))
    print("libjpeg-turbo", features.version("jpg"), "wrote", OUT)


if __name__ == "__main__":
    main()
