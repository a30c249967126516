"""Measures of work across threads and of round trips, for scripts/bench.py (which imports this).

Every emulator here answers after `--latency-ms 50`, a round trip to a nearby Azure region. Each
function returns the rows it adds to docs/performance.md: (measure, ours, compared with, ratio,
target, verdict), and checks the results it compares.
"""
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import time
import urllib.parse
import urllib.request

LATENCY_MS = 50
# "Get chat thread / List chat threads | per User | 50" per 10 seconds (service-limits page).
THREAD_READS_PER_10_S = 50
THREADS = 200


def start(binary, *flags):
    proc = subprocess.Popen([binary, "emulator", "--latency-ms", str(LATENCY_MS), *flags],
                            stdout=subprocess.PIPE, text=True)
    return proc, json.loads(proc.stdout.readline())


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait()


def stats(info):
    with urllib.request.urlopen(info["endpoint"] + "/_emulator/stats") as answer:
        return json.load(answer)


def env_for(info):
    return dict(os.environ, AZURE_COMMUNICATION_ENDPOINT=info["endpoint"],
                AZURE_COMMUNICATION_ACCESS_TOKEN=info["token"])


def audit_facts(ours):
    """`threads --audit` output in the shape scripts/sdk_audit.py prints."""
    rows = []
    for thread in ours:
        audit = thread["audit"]
        row = {"id": thread["id"], "lastMessageOn": audit["lastMessageOn"], "deletedOn": audit["deletedOn"]}
        for key in ("membership", "retentionDeletesOn"):
            if key in audit:
                row[key] = audit[key]
        rows.append(row)
    return rows


def spread(values):
    """(max - min) / median, in percent: how noisy the runs were."""
    return 100.0 * (max(values) - min(values)) / statistics.median(values)


def verdict(ok):
    return "met" if ok else "**not met**"


def bench_audit(run_measured, binary, python, runs):
    """200 threads: `threads --audit` against a serial loop of the SDK making the same calls."""
    proc, info = start(binary, "--threads", str(THREADS - 2))
    ours, theirs, searches = [], [], []
    try:
        for _ in range(runs):
            wall, _, out = run_measured([binary, "threads", "--audit"], env_for(info))
            ours.append(wall)
            facts = audit_facts(json.loads(out))
            sdk = os.path.join(os.path.dirname(__file__), "sdk_audit.py")
            wall, _, out = run_measured([python, sdk, info["endpoint"], info["token"]])
            theirs.append(wall)
            assert facts == json.loads(out), "threads --audit and the SDK loop must agree"
            assert len(facts) == THREADS
            wall, _, out = run_measured([binary, "search", "invoice 4711"], env_for(info))
            searches.append((wall, len(json.loads(out))))
    finally:
        stop(proc)
    o, t = statistics.median(ours), statistics.median(theirs)
    found = statistics.median(n for _, n in searches)
    notes = [f"`threads --audit` runs spread {spread(ours):.0f} %, the SDK loop's {spread(theirs):.0f} %; "
             f"`search` runs {spread([w for w, _ in searches]):.0f} %."]
    rows = [(f"`threads --audit`, {THREADS} threads, 50 ms latency: wall time (same results, compared)",
             f"{o * 1000:.0f} ms", f"{t * 1000:.0f} ms (Python SDK, serial loop)", f"{t / o:.1f}x faster",
             "at least 8x faster", verdict(t / o >= 8)),
            (f"`search 'invoice 4711'`, {THREADS} threads, 50 ms latency: wall time ({found:.0f} matches)",
             f"{statistics.median(w for w, _ in searches) * 1000:.0f} ms", "", "", "(no target)", "")]
    return rows, notes


def bench_audit_limited(run_measured, binary, runs, paced):
    """The same audit with `--rate-limit`: time against the floor of the busiest limit."""
    walls, floors, refused, reads = [], [], [], []
    argv = [binary, "threads", "--audit"] + (["--paced"] if paced else [])
    for _ in range(runs):
        proc, info = start(binary, "--threads", str(THREADS - 2), "--rate-limit")
        try:
            wall, _, out = run_measured(argv, env_for(info))
            counters = stats(info)
        finally:
            stop(proc)
        assert len(json.loads(out)) == THREADS
        routes = counters["routes"]
        refused.append(counters["total"].get("rateLimited", 0))
        accepted = sum(routes[r]["requests"] - routes[r].get("rateLimited", 0) for r in ("threads", "thread"))
        reads.append(accepted)
        floors.append(accepted / (THREAD_READS_PER_10_S / 10.0))
        walls.append(wall)
    wall, floor = statistics.median(walls), statistics.median(floors)
    mode = "`--paced`" if paced else "default (paced from the first 429)"
    row = (f"`threads --audit`, {THREADS} threads, `--rate-limit`, {mode}: wall time",
           f"{wall:.1f} s", f"floor {floor:.1f} s ({statistics.median(reads):.0f} thread reads / 5 per s); "
           f"refused {statistics.median(refused):.0f}", f"{wall / floor:.2f}x the floor", "within 1.25x",
           verdict(wall / floor <= 1.25))
    note = f"{mode} runs spread {spread(walls):.0f} %; requests refused for exceeding a limit per run: {refused}"
    note += " (each one retried after its `retry-after-ms`)." if any(refused) else "."

    return [row], [note]


def bare_pages(info, page_size):
    """Every page of the large thread over one kept-alive connection, nothing decoded but the
    nextLink: what the emulator itself takes to serve them (seconds, pages)."""
    endpoint = urllib.parse.urlsplit(info["endpoint"])
    thread = urllib.parse.quote(info["largeThreadId"], safe="")
    path = f"/chat/threads/{thread}/messages?api-version=2025-03-15&maxPageSize={page_size}"
    headers = {"Authorization": "Bearer " + info["token"]}
    connection = http.client.HTTPConnection(endpoint.hostname, endpoint.port)
    start_at, pages = time.perf_counter(), 0
    while path:
        connection.request("GET", path, headers=headers)
        body = connection.getresponse().read()
        pages += 1
        link = re.search(rb'"nextLink":"([^"]+)"', body)
        path = urllib.parse.urlsplit(link.group(1).decode()) if link else None
        path = f"{path.path}?{path.query}" if path else None
    connection.close()
    return time.perf_counter() - start_at, pages


def bench_messages_floor(run_measured, binary, runs):
    """`messages` on 10,000 messages with 50 ms latency against pages x 50 ms, and against a bare
    HTTP loop fetching the same pages (the emulator's own time per page included)."""
    proc, info = start(binary, "--messages", "10000")
    walls, pages, bare = [], [], []
    try:
        for _ in range(runs):
            before = stats(info)["routes"].get("messages", {}).get("requests", 0)
            wall, _, out = run_measured([binary, "messages", info["largeThreadId"], "--page-size", "200"],
                                        env_for(info))
            assert len(json.loads(out)) == 10_000
            pages.append(stats(info)["routes"]["messages"]["requests"] - before)
            walls.append(wall)
            bare.append(bare_pages(info, 200)[0])
    finally:
        stop(proc)
    wall, loop = statistics.median(walls), statistics.median(bare)
    floor = statistics.median(pages) * LATENCY_MS / 1000
    row = ("`messages`, 10,000 messages, page size 200, 50 ms latency: wall time", f"{wall * 1000:.0f} ms",
           f"floor {floor * 1000:.0f} ms ({statistics.median(pages):.0f} pages x 50 ms); a bare HTTP loop over "
           f"the same pages {loop * 1000:.0f} ms", f"{wall / floor:.3f}x the floor, {wall / loop:.3f}x the loop",
           "within 1.1x of the floor", verdict(wall / floor <= 1.1))
    notes = [f"`messages` with latency runs spread {spread(walls):.0f} %, the bare loop's {spread(bare):.0f} %; "
             f"a page's round trip beyond the 50 ms latency (bare loop / pages - 50 ms): "
             f"{(loop / statistics.median(pages) - LATENCY_MS / 1000) * 1000:.1f} ms."]
    return [row], notes


def bench_first_screen(pty_class, binary, runs, seed_text):
    """The TUI on a thread, 50 ms latency: first byte written, and the thread's first screen."""
    proc, info = start(binary)
    firsts, screens = [], []
    try:
        for _ in range(runs):
            p = pty_class([binary, "--endpoint", info["endpoint"], "--token", info["token"],
                           "--thread", info["threadId"]])
            screens.append(p.wait_for(seed_text))
            firsts.append(p.first_output)
            p.quit()
    finally:
        stop(proc)
    after = statistics.median(s - f for s, f in zip(screens, firsts)) * 1000
    target = LATENCY_MS + 20
    row = ("TUI on a thread, 50 ms latency: first screen of the thread after the first byte",
           f"{after:.0f} ms", f"first byte at {statistics.median(firsts) * 1000:.0f} ms", "",
           f"within one round trip + 20 ms ({target} ms)", verdict(after <= target))
    return [row], [f"TUI first screen runs spread {spread([s - f for s, f in zip(screens, firsts)]):.0f} %."]
