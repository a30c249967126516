"""Side-by-side measurements for docs/performance.md. Run through scripts/bench, which builds and installs.

Every measure runs several times in the same run; the table shows medians and ratios.
"""
import argparse
import json
import os
import platform
import pty
import re
import select
import signal
import statistics
import subprocess
import sys
import time

import pyte

import bench_across

SEED_TEXT = "head out for lunch"
LARGE_LOADED = re.compile(r"all 100000 loaded")


def start_emulator(binary, messages):
    proc = subprocess.Popen([binary, "emulator", "--messages", str(messages)], stdout=subprocess.PIPE, text=True)
    info = json.loads(proc.stdout.readline())
    return proc, info


def run_measured(argv, env=None):
    """Runs a command to completion; returns (wall seconds, peak RSS in MiB, stdout).

    Peak memory comes from GNU time: a child forked from this (large) Python process would otherwise
    report this process's memory as its own peak."""
    import tempfile
    with tempfile.NamedTemporaryFile("r") as rss_file:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file.name] + argv,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"{argv[0]} failed with {proc.returncode}")
        rss_kib = int(rss_file.read().strip().splitlines()[-1])
    return wall, rss_kib / 1024, proc.stdout


def bench_list(binary, python, info, runs, page_size=200):
    env = dict(os.environ, AZURE_COMMUNICATION_ENDPOINT=info["endpoint"], AZURE_COMMUNICATION_ACCESS_TOKEN=info["token"])
    thread = info["largeThreadId"]
    ours, theirs = [], []
    for _ in range(runs):
        wall, rss, out = run_measured([binary, "messages", thread, "--page-size", str(page_size)], env)
        count = len(json.loads(out))
        ours.append((wall, rss, count))
        sdk = os.path.join(os.path.dirname(__file__), "sdk_list_messages.py")
        wall, rss, out = run_measured([python, sdk, info["endpoint"], info["token"], thread, str(page_size)])
        theirs.append((wall, rss, int(out.split()[0])))
    return ours, theirs


class Pty:
    """The binary in a pseudo-terminal, its output collected."""

    def __init__(self, argv, cols=120, rows=40):
        self.start = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["TERM"] = "xterm-256color"
            os.execv(argv[0], argv)
        import fcntl, struct, termios
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.out = b""
        self.first_output = None
        # The screen as a terminal shows it: the UI redraws only changed cells, so text must be read
        # from an emulated screen, not searched for in the byte stream.
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)

    def pump(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if chunk and self.first_output is None:
                self.first_output = time.perf_counter() - self.start
            self.out += chunk
            self.stream.feed(chunk)

    def wait_for(self, pattern, limit=60):
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            text = "\n".join("".join(self.screen.buffer[y][x].data for x in range(self.screen.columns))
                             for y in range(self.screen.lines))
            if (pattern.search(text) if hasattr(pattern, "search") else pattern in text):
                return time.perf_counter() - self.start
            self.pump(0.005)
        raise SystemExit(f"timed out waiting for {pattern!r}")

    def drain(self, seconds):
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            self.pump(0.05)

    def send(self, data):
        os.write(self.fd, data)

    def cpu_seconds(self):
        fields = open(f"/proc/{self.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mib(self):
        for line in open(f"/proc/{self.pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def quit(self):
        self.send(b"q")
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def bench_first_frame(binary, runs):
    firsts, completes = [], []
    for _ in range(runs):
        p = Pty([binary, "--demo"])
        complete = p.wait_for(SEED_TEXT)
        firsts.append(p.first_output)
        completes.append(complete)
        p.quit()
    return firsts, completes


def bench_idle_cpu(binary, seconds=10):
    p = Pty([binary, "--demo"])
    p.wait_for(SEED_TEXT)
    p.drain(1.0)
    before = p.cpu_seconds()
    p.drain(seconds)
    used = p.cpu_seconds() - before
    p.quit()
    return 100.0 * used / seconds


def bench_large_memory(binary, info):
    p = Pty([binary, "--endpoint", info["endpoint"], "--token", info["token"], "--thread", info["largeThreadId"]])
    p.wait_for("loaded, more available")
    p.send(b"G")
    p.wait_for(LARGE_LOADED, limit=300)
    p.drain(1.0)
    peak = p.peak_rss_mib()
    p.quit()
    return peak


def criterion_medians(path):
    """Reads `--output-format bencher` lines: `test group/name ... bench: 123 ns/iter (+/- 4)`."""
    result = {}
    if not os.path.exists(path):
        return result
    for line in open(path):
        m = re.match(r"test (\S+) \.\.\. bench:\s+([\d,]+) ns/iter", line)
        if m:
            result[m.group(1)] = int(m.group(2).replace(",", "")) / 1e6
    return result


def machine():
    cpu = "unknown CPU"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = int(open("/proc/meminfo").readline().split()[1]) // 1024 // 1024
    return f"{cpu}, {os.cpu_count()} cores, {mem} GiB, {platform.system()} {platform.release()}"


def kept_notes(path):
    """The hand-written `## Notes` section of the existing file, kept across runs."""
    if not os.path.exists(path):
        return ""
    text = open(path).read()
    at = text.find("\n## Notes\n")
    return text[at:] if at >= 0 else ""


def verdict(ok):
    return "met" if ok else "**not met**"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--criterion", default="")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--runs-limited", type=int, default=3, help="runs of each rate-limited audit (about 40 s each)")
    ap.add_argument("--out", default="docs/performance.md")
    ap.add_argument("--only", default="", metavar="NAMES",
                    help="comma-separated measures with 50 ms latency (audit, audit-limited, audit-paced, "
                         "messages-latency, tui-first-screen): runs just those and prints their rows and "
                         "notes; the --out file is left as it is")
    args = ap.parse_args()

    latency_measures = {
        "audit": lambda: bench_across.bench_audit(run_measured, args.binary, args.python, args.runs),
        "audit-limited": lambda: bench_across.bench_audit_limited(run_measured, args.binary, args.runs_limited,
                                                                  paced=False),
        "audit-paced": lambda: bench_across.bench_audit_limited(run_measured, args.binary, args.runs_limited,
                                                                paced=True),
        "messages-latency": lambda: bench_across.bench_messages_floor(run_measured, args.binary, args.runs),
        "tui-first-screen": lambda: bench_across.bench_first_screen(Pty, args.binary, args.runs, SEED_TEXT),
    }
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in only if name not in latency_measures]
    if unknown:
        sys.exit(f"unknown measure {', '.join(unknown)}; known: {', '.join(latency_measures)}")

    rows, notes = [], []
    for name, bench in latency_measures.items():
        if only and name not in only:
            continue
        more_rows, more_notes = bench()
        rows += more_rows
        notes += more_notes
    if only:
        print(f"{time.strftime('%Y-%m-%d')}, {args.runs} runs (medians), {machine()}")
        print("\n".join(f"| {' | '.join(r)} |" for r in rows))
        print("\n".join(f"- {n}" for n in notes))
        return

    emu, info = start_emulator(args.binary, 10_000)
    try:
        ours, theirs = bench_list(args.binary, args.python, info, args.runs)
    finally:
        emu.send_signal(signal.SIGTERM)
        emu.wait()
    assert all(c == 10_000 for _, _, c in ours + theirs), "both sides must list all 10,000 messages"
    o_wall = statistics.median(w for w, _, _ in ours)
    t_wall = statistics.median(w for w, _, _ in theirs)
    o_rss = statistics.median(r for _, r, _ in ours)
    t_rss = statistics.median(r for _, r, _ in theirs)
    notes.append(f"`messages` on loopback runs spread {bench_across.spread([w for w, _, _ in ours]):.0f} %, the SDK's {bench_across.spread([w for w, _, _ in theirs]):.0f} %.")
    rows.append(("`messages`, 10,000 messages, page size 200: wall time", f"{o_wall*1000:.0f} ms", f"{t_wall*1000:.0f} ms (Python SDK)", f"{t_wall/o_wall:.1f}x faster", "at least 10x faster", verdict(t_wall / o_wall >= 10)))
    rows.append(("`messages`, 10,000 messages, page size 200: peak memory", f"{o_rss:.1f} MiB", f"{t_rss:.1f} MiB (Python SDK)", f"{o_rss/t_rss:.2f} of it", "at most 1/3", verdict(o_rss / t_rss <= 1 / 3)))

    firsts, completes = bench_first_frame(args.binary, args.runs)
    ff = statistics.median(completes) * 1000
    rows.append(("start to first complete frame of `--demo` (thread and seed message shown)", f"{ff:.1f} ms", f"first output {statistics.median(firsts)*1000:.1f} ms", "", "under 50 ms", verdict(ff < 50)))

    idle = bench_idle_cpu(args.binary)
    rows.append(("CPU while idle for 10 s with a thread loaded", f"{idle:.2f} %", "", "", "under 0.5 %", verdict(idle < 0.5)))

    emu, info = start_emulator(args.binary, 100_000)
    try:
        peak = bench_large_memory(args.binary, info)
    finally:
        emu.send_signal(signal.SIGTERM)
        emu.wait()
    rows.append(("peak memory with 100,000 messages loaded in the TUI", f"{peak:.1f} MiB", "", "", "at most 100 MiB (before: under 200 MB)", verdict(peak <= 100)))

    crit = criterion_medians(args.criterion)
    frame = crit.get("render_timeline/100000_messages_middle")
    if frame is not None:
        rows.append(("one frame, 100,000 messages, timeline scrolled to the middle (criterion)", f"{frame:.3f} ms", "", "", "under 2 ms", verdict(frame < 2)))
    lenient = crit.get("decode_200_message_page/lenient_models")
    strict = crit.get("decode_200_message_page/plain_serde_strict")
    if lenient and strict:
        rows.append(("decoding a 200-message page (criterion)", f"{lenient:.3f} ms", f"{strict:.3f} ms (plain serde_json, strict structs)", f"{lenient/strict:.2f}x", "within 2x", verdict(lenient / strict <= 2)))

    lines = [
        "# Performance",
        "",
        f"Measured by `scripts/bench` on {time.strftime('%Y-%m-%d')}, {args.runs} runs per side (medians), release build,",
        f"against the built-in emulator on loopback. Machine: {machine()}.",
        "The Python side is the official SDK (`azure-communication-chat`): `ChatThreadClient.list_messages`, and for the",
        "audit a serial loop (`scripts/sdk_audit.py`) making the same calls; both audits' results are compared.",
        f"Rate-limited audits run {args.runs_limited} times each, on a fresh emulator every time.",
        "",
        "| measure | acs-chat-inspector | compared with | ratio | target | |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {' | '.join(r)} |" for r in rows]
    lines += ["", "Noise (the machine is shared; (max - min) / median of the runs):", ""]
    lines += [f"- {n}" for n in notes]
    lines += ["", "Re-run with `scripts/bench` (see the README); what the rows mean and where each target stands is in",
              "[the notes below](#notes)."]
    text = "\n".join(lines) + "\n" + kept_notes(args.out)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    open(args.out, "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
