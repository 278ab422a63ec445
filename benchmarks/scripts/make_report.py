#!/usr/bin/python3
"""Turns BenchmarkDotNet's results into the README's table and a chart.

Reads BenchmarkDotNet.Artifacts/results/*-report-full.json (written by every benchmark run: Program.cs adds the
full JSON exporter) and, if present, FirstCall-report.json (written by the `firstcall` mode), then writes

  * Markdown tables to stdout (and to --markdown FILE): median ns per step and the speed-up over the naive loop
    measured in the same run (naive median / implementation median), per implementation and size, for Step and
    for Forward T=128; then the first-call table;
  * a chart (--chart, default speed.png at the repository root, next to the README): ns per step against the hidden size of the
    square sweep (SquareSweepBenchmarks), log-log, one line per implementation, Step and Forward side by side.

Machine, runtime, job and date come from BenchmarkDotNet's own output, and are printed with every table and chart.

Run from anywhere with /usr/bin/python3 (matplotlib: apt-get install -y python3-matplotlib):
    /usr/bin/python3 benchmarks/scripts/make_report.py [--results DIR] [--markdown FILE] [--chart FILE]
"""
import argparse
import glob
import json
import os
import re
import sys
import textwrap
from datetime import datetime

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_RESULTS = os.path.join(REPO, "BenchmarkDotNet.Artifacts", "results")
DEFAULT_CHART = os.path.join(REPO, "speed.png")  # next to the README, which shows it

# Benchmark method = implementation + mode (+ a suffix such as Batch4): LstmBenchmarks in StepBenchmarks.cs and
# VariantBenchmarks.cs.
IMPLEMENTATIONS = ["Naive", "GenLstm", "TensorPrimitives", "OnnxRuntime",
                   "GenLstmFast", "GenLstmBFloat16", "GenLstmBFloat16Batch4", "GenLstmTwoCores", "GenLstmBFloat16TwoCores"]
MODES = [("Step", "Step (one call per time step, streaming)"),
         ("Forward", "Forward T=128 (one call per sequence, reported per step)")]
LABELS = {
    ("Naive", "Step"): "naive", ("Naive", "Forward"): "naive",
    ("GenLstm", "Step"): "GenLstm", ("GenLstm", "Forward"): "GenLstm",
    ("TensorPrimitives", "Step"): "TensorPrimitives", ("TensorPrimitives", "Forward"): "TensorPrimitives",
    ("OnnxRuntime", "Step"): "ONNX Runtime (stream)", ("OnnxRuntime", "Forward"): "ONNX Runtime (seq 128)",
    ("GenLstmFast", "Step"): "GenLstm Fast",
    ("GenLstmBFloat16", "Step"): "GenLstm bf16", ("GenLstmBFloat16", "Forward"): "GenLstm bf16",
    ("GenLstmBFloat16Batch4", "Step"): "GenLstm bf16 StepBatch N=4, per stream-step",
    ("GenLstmTwoCores", "Step"): "GenLstm 2 cores", ("GenLstmTwoCores", "Forward"): "GenLstm 2 cores",
    ("GenLstmBFloat16TwoCores", "Step"): "GenLstm bf16 2 cores",
}
CLASSES = [("StepBenchmarks", "Main sizes"), ("SquareSweepBenchmarks", "Square sweep"),
           ("VariantBenchmarks", "Opt-in variants: bf16 weights, Fast activations, two cores")]


class Run:
    """One class's results from one *-report-full.json."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        self.path = path
        self.type = data["Benchmarks"][0]["Type"] if data["Benchmarks"] else None
        stamp = re.search(r"-(\d{8}-\d{6})$", data["Title"])
        self.date = datetime.strptime(stamp.group(1), "%Y%m%d-%H%M%S") if stamp else None
        self.host = data["HostEnvironmentInfo"]
        self.results = {}  # (size, implementation, mode) -> (median ns, bytes allocated per op)
        self.job = ""
        self.intrinsics = ""
        for b in data["Benchmarks"]:
            match = re.fullmatch(r"(\w+?)(Step|Forward)(\w*)", b["Method"])
            size = re.search(r"Size=([0-9x]+)", b["Parameters"] or "")
            if not match or not size or not b.get("Statistics"):
                continue
            memory = b.get("Memory") or {}
            self.results[(size.group(1), match.group(1) + match.group(3), match.group(2))] = (
                b["Statistics"]["Median"], memory.get("BytesAllocatedPerOperation"))
            job = re.search(r": ([^\[]*?) \[", b["DisplayInfo"])
            self.job = job.group(1) if job else self.job
            self.intrinsics = b.get("HardwareIntrinsics") or self.intrinsics

    def sizes(self):
        return sorted({k[0] for k in self.results}, key=lambda s: tuple(int(n) for n in s.split("x")))

    def machine(self):
        h = self.host
        vector = re.search(r"VectorSize=\d+", self.intrinsics)
        parts = [
            "%s (%d physical / %d logical cores)" % (h["ProcessorName"], h["PhysicalCoreCount"], h["LogicalCoreCount"]),
            h["OsVersion"],
            h["RuntimeVersion"].split(" (")[0],
            "BenchmarkDotNet %s" % h["BenchmarkDotNetVersion"],
        ]
        if vector:
            parts.append("JIT " + vector.group(0))
        return ", ".join(parts)

    def caption(self):
        when = self.date.strftime("%Y-%m-%d %H:%M") if self.date else "date unknown"
        return "Machine: %s. Job: %s. Run %s (%s)." % (self.machine(), self.job or "default", when,
                                                    os.path.basename(self.path))


def load_runs(folder):
    runs = {}
    for path in sorted(glob.glob(os.path.join(folder, "*-report-full.json"))):
        run = Run(path)
        if run.type and run.results and (run.type not in runs or run.date > runs[run.type].date):
            runs[run.type] = run
    return runs


def fmt_ns(ns):
    return "{:,.0f}".format(ns) if ns >= 100 else "{:,.1f}".format(ns)


def markdown_tables(run, title):
    lines = ["### %s (%s)" % (title, run.type), ""]
    allocations = []
    for mode, heading in MODES:
        sizes = [s for s in run.sizes() if any((s, impl, mode) in run.results for impl in IMPLEMENTATIONS)]
        if not sizes:
            continue
        impls = [i for i in IMPLEMENTATIONS if any((s, i, mode) in run.results for s in sizes)]
        lines.append("**%s**: median ns per step, and × naive (speed-up over the naive loop in the same run)" % heading)
        lines.append("")
        header = ["I × H"]
        for impl in impls:
            header.append("%s (ns)" % LABELS[(impl, mode)])
            if impl != "Naive":
                header.append("× naive")
        lines.append("| " + " | ".join(header) + " |")
        lines.append("| --- |" + " ---: |" * (len(header) - 1))
        for size in sizes:
            naive = run.results.get((size, "Naive", mode))
            row = [size.replace("x", " × ")]
            for impl in impls:
                result = run.results.get((size, impl, mode))
                row.append(fmt_ns(result[0]) if result else "–")
                if impl != "Naive":
                    row.append("%.1f×" % (naive[0] / result[0]) if result and naive else "–")
                if result and result[1]:
                    allocations.append("%s %s %s: %d B" % (LABELS[(impl, mode)], mode, size, result[1]))
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    lines.append("Managed allocations per call: " + ("; ".join(allocations) if allocations else "none (0 B everywhere)")
                 + " (ONNX Runtime's native allocations are not counted).")
    lines.append("")
    lines.append(run.caption())
    lines.append("")
    return lines


def step_batch_table(path):
    """StepBatchBenchmarks: ns per stream-step of N Step calls and of one StepBatch call, per size and N."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    results = {}  # (size, streams, method) -> median ns per call
    for b in data["Benchmarks"]:
        size = re.search(r"Size=([0-9x]+)", b["Parameters"] or "")
        streams = re.search(r"Streams=(\d+)", b["Parameters"] or "")
        if size and streams and b.get("Statistics"):
            results[(size.group(1), int(streams.group(1)), b["Method"])] = b["Statistics"]["Median"]
    sizes = sorted({k[0] for k in results}, key=lambda s: tuple(int(n) for n in s.split("x")))
    counts = sorted({k[1] for k in results})
    lines = ["### StepBatch: N streams per call (StepBatchBenchmarks)", "",
             "ns per stream-step: N calls of `Step` (each stream its own state) / one `StepBatch` call, and the speed-up.", "",
             "| I × H | " + " | ".join("N = %d" % n for n in counts) + " |",
             "| --- |" + " ---: |" * len(counts)]
    for size in sizes:
        cells = []
        for n in counts:
            each, batch = results.get((size, n, "StepEachStream")), results.get((size, n, "StepBatch"))
            cells.append("%s / %s (%.2f×)" % (fmt_ns(each / n), fmt_ns(batch / n), each / batch) if each and batch else "–")
        lines.append("| %s | %s |" % (size.replace("x", " × "), " | ".join(cells)))
    return lines + [""]


def first_call_table(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    lines = ["### First calls after loading (`firstcall`)", "",
             "GenLstm `Step` in a fresh process, default tiered compilation; medians of %d processes per size." % data["Runs"],
             "",
             "| I × H | FromPyTorch (ms) | 1st Step (µs) | 10th Step (µs) | 100th Step (µs) | median of steps 1–100k (ns) | steady state (ns) | 1st / steady | warmed-up Step after a 10 ms sleep (ns) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in data["Rows"]:
        lines.append("| %s | %.2f | %.1f | %.2f | %.2f | %s | %s | %.1f× | %s (%.1f×) |" % (
            r["Size"].replace("x", " × "), r["LoadMs"], r["Step1Ns"] / 1000, r["Step10Ns"] / 1000, r["Step100Ns"] / 1000,
            fmt_ns(r["First100kMedianNs"]), fmt_ns(r["SteadyMedianNs"]), r["Step1Ns"] / r["SteadyMedianNs"],
            fmt_ns(r["AfterSleepNs"]), r["AfterSleepNs"] / r["SteadyMedianNs"]))
    timer = sorted(r["TimerNs"] for r in data["Rows"])
    lines += ["", "The last column is the same fully warmed-up `Step` timed right after its thread sleeps 10 ms (median of 20): "
              "what a first call after a pause pays on this machine, with code and weights already compiled and cached once.",
              "Each timed step includes one `Stopwatch.GetTimestamp` (median %s ns here)." % fmt_ns(timer[len(timer) // 2]),
              "Machine: %s. Run %s." % ("; ".join(data["Machine"]), data["Date"]), ""]
    return lines


def chart(run, path):
    try:
        import matplotlib
    except ImportError:
        raise SystemExit("the chart needs matplotlib: apt-get install -y python3-matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    squares = [s for s in run.sizes() if s.split("x")[0] == s.split("x")[1]]
    if not squares:
        print("no square sizes in %s: no chart" % run.path, file=sys.stderr)
        return False
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2), sharey=True)
    markers = {"Naive": "o", "GenLstm": "s", "TensorPrimitives": "^", "OnnxRuntime": "D"}
    for ax, (mode, heading) in zip(axes, MODES):
        for impl in IMPLEMENTATIONS:
            points = [(int(s.split("x")[1]), run.results[(s, impl, mode)][0]) for s in squares if (s, impl, mode) in run.results]
            if points:
                xs, ys = zip(*points)
                ax.plot(xs, ys, marker=markers[impl], label=LABELS[(impl, mode)])
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        hidden = [int(s.split("x")[1]) for s in squares]
        ax.set_xlim(min(hidden) / 1.25, max(hidden) * 1.25)
        ax.set_xticks(hidden)
        ax.set_xticklabels([str(h) for h in hidden])
        ax.set_xlabel("hidden size H (input size I = H)")
        ax.set_title(heading, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        if ax.lines:
            ax.legend(fontsize=9)
        else:
            ax.text(0.5, 0.5, "not in this run", ha="center", va="center", transform=ax.transAxes)
    axes[0].set_ylabel("median ns per time step (batch 1, float32)")
    when = run.date.strftime("%Y-%m-%d") if run.date else "date unknown"
    fig.suptitle("LSTM time per step, square sizes — %s" % when, fontsize=12)
    footer = "\n".join(textwrap.fill(line, 170) for line in (run.machine() + ".", "Job: %s." % (run.job or "default")))
    fig.text(0.5, 0.01, footer, ha="center", va="bottom", fontsize=8)
    fig.tight_layout(rect=(0, 0.07, 1, 0.95))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=120)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--results", default=DEFAULT_RESULTS, help="BenchmarkDotNet's results folder")
    parser.add_argument("--markdown", help="also write the tables to this file")
    parser.add_argument("--chart", default=DEFAULT_CHART, help="the PNG to write (square sweep)")
    args = parser.parse_args()

    runs = load_runs(args.results)
    if not runs:
        raise SystemExit("no *-report-full.json in %s: run the benchmarks first (see benchmarks/README.md)" % args.results)
    lines = []
    for type_name, title in CLASSES + [(t, t) for t in runs if t not in dict(CLASSES)]:
        if type_name in runs:
            lines += markdown_tables(runs[type_name], title)
    batch = sorted(glob.glob(os.path.join(args.results, "*StepBatchBenchmarks-report-full.json")))
    if batch:
        lines += step_batch_table(batch[-1])
    first_call = os.path.join(args.results, "FirstCall-report.json")
    if os.path.exists(first_call):
        lines += first_call_table(first_call)

    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    sweep = runs.get("SquareSweepBenchmarks")
    if sweep and "StepBenchmarks" in runs:
        # The sweep's last point, 64 x 64, is measured by StepBenchmarks (with its own naive baseline).
        for key, value in runs["StepBenchmarks"].results.items():
            if key[0] == "64x64":
                sweep.results.setdefault(key, value)
    if sweep and chart(sweep, args.chart):
        print("Chart written: %s" % args.chart, file=sys.stderr)
    elif not sweep:
        print("no SquareSweepBenchmarks results: no chart", file=sys.stderr)


if __name__ == "__main__":
    main()
