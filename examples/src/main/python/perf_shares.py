"""Groups a `perf record` of PipelineProfile into the image pipeline's parts.

perf's rows (thread, library, symbol; the JIT's code named by `jcmd PID Compiler.perfmap`) are
summed by thread first (the JIT compilers, the garbage collector, the local server's threads),
then by library or method (libjpeg-turbo, the resize, the normalisation, ONNX Runtime, the
kernel); the rest is Spark, the downloads and the batching. Prints each part's share of all
samples. Standard library only; see docs/performance.md ("Where a core's time goes"):

    /usr/bin/python3 examples/src/main/python/perf_shares.py pipeline.perf
"""

import collections
import subprocess
import sys


def part(thread, library, symbol):
    if "Compiler" in thread:
        return "the JIT compilers"
    if thread.startswith(("GC Thread", "G1 ", "VM Thread")):
        return "the garbage collector"
    if thread.startswith("coreviz-emulato") or thread == "HTTP-Dispatcher":
        return "the local server's threads"
    if "turbojpeg" in library:
        return "libjpeg-turbo's decoding"
    if "PilBicubic" in symbol:
        return "the resize"
    if "ImagePreprocessor." in symbol:
        # Its own code is the normalisation (which the JIT may inline into preprocess).
        return "the normalisation"
    if "onnxruntime" in library:
        return "ONNX Runtime"
    if "kernel" in library:
        return "the kernel, for the other threads"
    return "the rest: Spark, the downloads, the batching"


def main(path):
    report = subprocess.run(
        ["perf", "report", "-i", path, "--no-children", "--sort", "comm,dso,sym",
         "-g", "none", "--stdio", "-t", "|"],
        capture_output=True, text=True, check=True).stdout
    shares = collections.Counter()
    for line in report.splitlines():
        fields = line.split("|")
        if line.startswith("#") or len(fields) < 4:
            continue
        shares[part(fields[1].strip(), fields[2].strip(), fields[3])] += float(
            fields[0].strip().rstrip("%"))
    # perf's percentages of one report need not add up to 100: shares are of their sum.
    total = sum(shares.values())
    for name, share in shares.most_common():
        print(f"{100 * share / total:5.1f}%  {name}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "pipeline.perf")
