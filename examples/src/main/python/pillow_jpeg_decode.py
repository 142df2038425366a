"""Times Pillow's JPEG decoding of the pipeline benchmark's JPEGs, one core.

PipelineBenchmark writes one JPEG per size to target/pipeline-jpegs/. This prints, for each, the
fastest of 10 rounds of 3 decodes in full and with draft("RGB", (224, 224)): libjpeg-turbo
decoding at 1/2, 1/4 or 1/8 scale in the DCT domain, the reduction CLIP's 224 allows (the same
reduction the connector's reducedScaleDecoding picks). Run with Debian's Python and Pillow:

    /usr/bin/python3 examples/src/main/python/pillow_jpeg_decode.py [DIRECTORY]
"""

import io
import pathlib
import sys
import time

from PIL import Image, features


def best_ms(data, draft):
    best = float("inf")
    for _ in range(10):
        start = time.perf_counter()
        for _ in range(3):
            image = Image.open(io.BytesIO(data))
            if draft:
                image.draft("RGB", (224, 224))
            image.load()
        best = min(best, (time.perf_counter() - start) / 3)
    return best * 1e3, image.size


def main():
    directory = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/pipeline-jpegs")
    files = sorted(directory.glob("*.jpg"), key=lambda f: int(f.stem.split("x")[0]))
    if not files:
        sys.exit(f"no JPEGs in {directory}: run the pipeline benchmark first")
    print(f"Pillow {Image.__version__}, libjpeg-turbo {features.check_feature('libjpeg_turbo')},"
          " one core, ms per decode: in full / draft to 224")
    for file in files:
        data = file.read_bytes()
        full, _ = best_ms(data, False)
        reduced, size = best_ms(data, True)
        print(f"  {file.stem:>9} {len(data):7d} bytes {full:7.2f} / {reduced:6.2f}"
              f"  (draft decodes {size[0]}x{size[1]})")


if __name__ == "__main__":
    main()
