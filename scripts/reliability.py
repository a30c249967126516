"""Reliability figures for docs/reliability.md. Run through scripts/reliability, which builds first.

Four parts, all on loopback:
  soak     a 10,000-message thread through `messages` with 30% injected 429/503 and random latency;
  faults   every `--fault` kind against thread, message, messages and bundle;
  tui      every `--fault` kind through the TUI (`--demo --fault K`) in a pseudo-terminal;
  hostile  a stand-in service that misbehaves on purpose, and careless input (scripts/hostile.py).
`--only hostile` re-measures that part alone and replaces its section in the existing report. Sections
written by hand (`## Fuzzing`) are kept when the report is rewritten.
"""
import argparse
import json
import os
import platform
import pty
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import hostile

FAULTS = ["stall", "reset", "truncate", "garbage", "huge", "escape", "unicode", "expire", "unknown"]
SUBCOMMANDS = ["thread", "message", "messages", "bundle"]
SOAK_MESSAGES = 10_000
SOAK_FLAGS = ["--fail-rate", "0.3", "--latency-ms", "1", "--latency-jitter-ms", "4"]
# The `expire` fault's window in the emulator subcommand (EmulatorConfig::default().expire_after).
EXPIRE_WINDOW_S = 3.0

# What the `escape` fault puts in the data (src/emulator/hostile.rs); none may reach a terminal raw.
HOSTILE = [
    b"\x1b]52;c;cHduZWQ=",
    b"\x1b]0;pwned title",
    b"\x1b]0;owned",
    "\u009b31m".encode(),
    "\u0090q\u009c".encode(),
    b"\x1b[31mred",
]

# The words of the error each transport fault should put on the TUI's screen (src/acs/error.rs).
TUI_ERRORS = {"stall": b"timed out", "reset": b"reset", "truncate": b"truncated", "garbage": b"not the JSON"}

ALL_LOADED = re.compile(rb"10[,.]?000 loaded")
SGR = re.compile(rb"\x1b\[[0-9;:]*m")
ENTER_ALT, LEAVE_ALT = b"\x1b[?1049h", b"\x1b[?1049l"
HIDE_CURSOR, SHOW_CURSOR = b"\x1b[?25l", b"\x1b[?25h"


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AZURE_COMMUNICATION_")}
    env.pop("ACS_CHAT_INSPECTOR_LOG", None)
    tmp = tempfile.gettempdir()
    env["XDG_CONFIG_HOME"] = os.path.join(tmp, "acs-reliability-config")
    env["XDG_STATE_HOME"] = os.path.join(tmp, "acs-reliability-state")
    env.update(extra or {})
    return env


class Emulator:
    """`acs-chat-inspector emulator ...` in the background; its first stdout line says how to reach it."""

    def __init__(self, binary, flags):
        self.proc = subprocess.Popen([binary, "emulator", *flags], stdout=subprocess.PIPE, text=True,
                                     env=clean_env())
        self.info = json.loads(self.proc.stdout.readline())
        self.started = time.monotonic()

    def stats(self):
        with urllib.request.urlopen(self.info["endpoint"] + "/_emulator/stats", timeout=5) as answer:
            return json.loads(answer.read())

    def env(self):
        return clean_env({"AZURE_COMMUNICATION_ENDPOINT": self.info["endpoint"],
                          "AZURE_COMMUNICATION_ACCESS_TOKEN": self.info["token"]})

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ---------------------------------------------------------------- soak

def sequence_figures(items, count):
    """Duplicates, losses and order violations of a newest-first message list of `count` messages."""
    ids = [m.get("id") for m in items]
    seqs = [int(m.get("sequenceId", "0")) for m in items]
    duplicates = len(ids) - len(set(ids))
    losses = len(set(range(1, count + 1)) - set(seqs))
    order = sum(1 for a, b in zip(seqs, seqs[1:]) if b != a - 1)
    if seqs and seqs[0] != count:
        order += 1
    return duplicates, losses, order


def soak_run(binary, page_size):
    emu = Emulator(binary, ["--messages", str(SOAK_MESSAGES), *SOAK_FLAGS])
    try:
        with tempfile.TemporaryDirectory() as tmp:
            log = os.path.join(tmp, "soak.log")
            argv = [binary, "messages", emu.info["largeThreadId"], "--page-size", str(page_size),
                    "--retries", "10", "--timeout", "10", "--log-file", log]
            start = time.perf_counter()
            done = subprocess.run(argv, env=emu.env(), capture_output=True)
            wall = time.perf_counter() - start
            log_text = open(log, errors="replace").read() if os.path.exists(log) else ""
        stats = emu.stats()
    finally:
        emu.stop()
    try:
        items = json.loads(done.stdout)
    except ValueError:
        items = []
    duplicates, losses, order = sequence_figures(items, SOAK_MESSAGES)
    total = stats["total"]
    return {
        "page_size": page_size,
        "requests": total["requests"],
        "failures": total["throttled"] + total["unavailable"],
        "throttled": total["throttled"],
        "unavailable": total["unavailable"],
        "retries": sum(1 for line in log_text.splitlines() if "retrying" in line),
        "received": len(items),
        "duplicates": duplicates,
        "losses": losses,
        "order": order,
        "exit": done.returncode,
        "wall": wall,
        "token_in_log": emu.info["token"] in log_text,
    }


def soak(binary, runs, page_sizes):
    rows = []
    for page_size in page_sizes:
        for _ in range(runs):
            row = soak_run(binary, page_size)
            print(f"soak page size {page_size}: {row}", file=sys.stderr)
            rows.append(row)
    return rows


def soak_section(rows, runs, page_sizes):
    ok = all(r["exit"] == 0 and r["received"] == SOAK_MESSAGES and not (r["duplicates"] or r["losses"] or r["order"])
             for r in rows)
    lines = [
        "## Soak: 10,000 messages through 30% injected failures",
        "",
        f"`emulator --messages {SOAK_MESSAGES} {' '.join(SOAK_FLAGS)}` (every answer delayed 1 to 5 ms at random,",
        "30% of requests answered 429 or 503 with, in rotation, `retry-after-ms`, `x-ms-retry-after-ms`,",
        "`Retry-After: 0` and `Retry-After: <HTTP date>`), then",
        "`acs-chat-inspector messages <thread> --page-size P --retries 10 --log-file <log>`;",
        f"{runs} runs per page size, a fresh emulator for each run. The emulator spreads failures evenly and",
        "deterministically (request n fails when floor((n+1)*0.3) > floor(n*0.3)), so the counts repeat from run",
        "to run; the latency is random. Requests and failures are the emulator's",
        "counters (`GET /_emulator/stats`); retries are the `retrying` lines of the program's log.",
        "",
        "| page size | requests | failures injected (429 / 503) | retries | messages received | duplicates | losses | order violations | exit | wall time |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['page_size']} | {r['requests']} | {r['failures']} ({r['throttled']} / {r['unavailable']}) | "
                     f"{r['retries']} | {r['received']:,} | {r['duplicates']} | {r['losses']} | {r['order']} | "
                     f"{r['exit']} | {r['wall']:.2f} s |")
    totals = {k: sum(r[k] for r in rows) for k in ("requests", "failures", "retries", "received")}
    lines += [
        "",
        f"Total: {len(rows)} runs, {totals['requests']:,} requests, {totals['failures']:,} failures injected, "
        f"{totals['retries']:,} retries, {totals['received']:,} messages received. "
        + ("Every run: exit 0, every message exactly once and in order."
           if ok else "**Some runs lost, duplicated or reordered messages, or failed: see the table.**"),
    ]
    if any(r["token_in_log"] for r in rows):
        lines.append("**The token was found in a log file.**")
    else:
        lines.append("No log file held the token.")
    return lines, ok


# ---------------------------------------------------------------- fault matrix

def expected_code(fault, subcommand):
    if fault in ("stall", "reset", "truncate", "garbage"):
        return 0 if subcommand == "thread" else 4
    if fault == "expire":
        return 3
    return 0


def visible(text, limit=110):
    """A stderr line as plain text: controls shown as \\xNN, table pipes escaped, cut to `limit`."""
    out = []
    for ch in text:
        code = ord(ch)
        if code < 0x20 or 0x7f <= code <= 0x9f:
            out.append(f"\\x{code:02x}")
        else:
            out.append(ch)
    shown = "".join(out).replace("|", "\\|").replace("`", "'")
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"


def leaks(data):
    """Which raw terminal controls appear in `data`: ESC, BEL, C1 (UTF-8 encoded U+0080..U+009F)."""
    found = []
    if b"\x1b" in data:
        found.append("ESC")
    if b"\x07" in data:
        found.append("BEL")
    if any(0x80 <= ord(c) <= 0x9f for c in data.decode("utf-8", "replace")):
        found.append("C1")
    return found


def json_state(data):
    if not data.strip():
        return "empty"
    try:
        json.loads(data)
        return "valid"
    except ValueError:
        return "**invalid**"


def fault_case(binary, emu, fault, subcommand):
    argv = [binary, subcommand, emu.info["threadId"]]
    if subcommand == "message":
        argv.append(emu.info["messageId"])
    # 10 MB is not a timeout test: it gets time to arrive.
    argv += ["--timeout", "10" if fault == "huge" else "1", "--retries", "1"]
    start = time.perf_counter()
    done = subprocess.run(argv, env=emu.env(), capture_output=True, timeout=60)
    wall = time.perf_counter() - start
    stderr = done.stderr.decode("utf-8", "replace")
    first = stderr.splitlines()[0] if stderr.strip() else ""
    return {
        "fault": fault,
        "subcommand": subcommand,
        "exit": done.returncode,
        "expected": expected_code(fault, subcommand),
        "panic": done.returncode == 101 or "panicked" in stderr,
        "first": first,
        "stdout": json_state(done.stdout),
        "leak_out": leaks(done.stdout),
        "leak_err": leaks(done.stderr),
        "bytes": len(done.stdout),
        "wall": wall,
    }


def fault_matrix(binary):
    rows = []
    for fault in FAULTS:
        emu = Emulator(binary, ["--fault", fault])
        try:
            if fault == "expire":
                time.sleep(max(0.0, EXPIRE_WINDOW_S + 0.5 - (time.monotonic() - emu.started)))
            for subcommand in SUBCOMMANDS:
                row = fault_case(binary, emu, fault, subcommand)
                print(f"fault {fault} {subcommand}: exit {row['exit']}", file=sys.stderr)
                rows.append(row)
        finally:
            emu.stop()
    return rows


def fault_section(rows):
    lines = [
        "## Fault matrix: the headless subcommands",
        "",
        "`emulator --fault K`, then each subcommand with `--timeout 1 --retries 1` (`--timeout 10` for `huge`; the `expire` runs start after",
        f"its {EXPIRE_WINDOW_S:.0f} s window). Expected exit codes: the transport faults (`stall`, `reset`, `truncate`, `garbage`)",
        "touch the message routes only, so `thread` succeeds (0) and the others have no usable answer (4);",
        "`expire` gives the service's 401 (3); the data faults succeed (0).",
        "",
        "| fault | subcommand | exit | expected | panic | stdout | stdout bytes | raw controls on stdout | on stderr | first stderr line | wall |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        exit_cell = str(r["exit"]) if r["exit"] == r["expected"] else f"**{r['exit']}**"
        lines.append(
            f"| {r['fault']} | {r['subcommand']} | {exit_cell} | {r['expected']} | {'**yes**' if r['panic'] else 'no'} | "
            f"{r['stdout']} | {r['bytes']:,} | {', '.join('**' + x + '**' for x in r['leak_out']) or 'none'} | "
            f"{', '.join('**' + x + '**' for x in r['leak_err']) or 'none'} | `{visible(r['first'])}` | {r['wall']:.2f} s |")
    as_expected = sum(r["exit"] == r["expected"] for r in rows)
    panics = sum(r["panic"] for r in rows)
    bad_json = sum(r["stdout"] == "**invalid**" for r in rows)
    esc = sum(bool(set(r["leak_out"] + r["leak_err"]) & {"ESC", "BEL"}) for r in rows)
    c1 = sum("C1" in r["leak_out"] + r["leak_err"] for r in rows)
    lines += [
        "",
        f"{len(rows)} cases: {as_expected} with the expected exit code, {panics} panics, {bad_json} with invalid JSON on stdout, "
        f"{esc} with a raw ESC or BEL, {c1} with a raw C1 control.",
    ]
    if c1:
        lines += [
            "",
            "C1 controls: the JSON on stdout carries the `escape` fault's U+009B (8-bit CSI), U+0085, U+0090 and",
            "U+009C as raw UTF-8. JSON allows them unescaped (serde_json escapes only U+0000..U+001F), but a",
            "terminal that honours 8-bit controls in UTF-8 (xterm) acts on them when the output is shown",
            "unpiped. Escaping U+007F..U+009F as `\\u00XX` in the JSON writer closes this.",
        ]
    ok = as_expected == len(rows) and not panics and not bad_json and not esc
    return lines, ok, c1 == 0


# ---------------------------------------------------------------- TUI

class Pty:
    """The binary in a pseudo-terminal, everything it writes collected."""

    def __init__(self, argv, env, cols=120, rows=40):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            env["TERM"] = "xterm-256color"
            os.execve(argv[0], argv, env)
        import fcntl
        import struct
        import termios
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.out = b""
        self.status = None
        # The UI redraws only the cells that change, so words are read from an emulated screen.
        import pyte
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)

    def screen_text(self):
        # Read cells directly: pyte's `display` fails on the empty cell that follows a wide character.
        rows = range(self.screen.lines)
        cols = range(self.screen.columns)
        return "\n".join("".join(self.screen.buffer[y][x].data for x in cols) for y in rows)

    def pump(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return False
        self.out += chunk
        self.stream.feed(chunk)
        return bool(chunk)

    def settle(self, quiet=0.4, limit=5.0):
        """Reads until nothing new arrives for `quiet` seconds (or `limit` passes)."""
        deadline = time.monotonic() + limit
        last = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - last < quiet:
            if self.pump(0.05):
                last = time.monotonic()
            if self.exited():
                break

    def send(self, data):
        try:
            os.write(self.fd, data)
        except OSError:
            pass

    def exited(self):
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
        return self.status is not None

    def wait_exit(self, limit=5.0):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            self.pump(0.05)
            if self.exited():
                self.settle(0.1, 1.0)
                return True
        return False

    def text(self):
        """What was written, without colours and styles (they split words on screen into pieces)."""
        return SGR.sub(b"", self.out)

    def wait_for(self, needle, limit):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and needle not in self.text() and not self.exited():
            self.pump(0.05)
        return needle in self.text()

    def kill(self):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.exited():
                return
            os.kill(self.pid, sig)
            self.wait_exit(2.0)


def restored(out):
    """Main screen and cursor back at the end: 1049l after the last 1049h, 25h after the last 25l."""
    enter = out.rfind(ENTER_ALT)
    hide = out.rfind(HIDE_CURSOR)
    return enter >= 0 and out.rfind(LEAVE_ALT) > enter and out.rfind(SHOW_CURSOR) > hide


def tui_case(binary, fault):
    p = Pty([binary, "--demo", "--fault", fault, "--timeout", "1", "--retries", "1"], clean_env())
    try:
        p.settle(quiet=0.5, limit=6.0)
        error_seen = p.wait_for(TUI_ERRORS[fault], 5.0) if fault in TUI_ERRORS else None
        drew = ENTER_ALT in p.out
        if not drew:
            return {"fault": fault, "drew": False, "help": False, "exit": p.status, "restored": False,
                    "hostile": [], "note": visible(p.out.decode("utf-8", "replace").strip())}
        before = len(p.out)
        p.send(b"?")
        p.settle(quiet=0.3, limit=3.0)
        after_help = p.out[before:]
        help_shown = "Keys" in p.screen_text()
        for key in (b"\x1b", b"r", b"\x1b"):
            p.send(key)
            p.settle(quiet=0.3, limit=3.0)
        p.send(b"q")
        exited = p.wait_exit(5.0)
        return {
            "fault": fault,
            "drew": True,
            "help": help_shown,
            "changed": len(after_help) > 0,
            "exit": p.status if exited else "did not exit",
            "restored": restored(p.out),
            "hostile": [h for h in HOSTILE if h in p.out],
            "data_shown": b"pwned title" in p.text(),
            "error_seen": error_seen,
            "note": "",
        }
    finally:
        p.kill()


def tui_matrix(binary):
    rows = []
    for fault in FAULTS:
        row = tui_case(binary, fault)
        print(f"tui {fault}: {row}", file=sys.stderr)
        rows.append(row)
        if not row["drew"]:
            break
    return rows


def tui_section(rows):
    lines = [
        "## The TUI under every fault",
        "",
        "`acs-chat-inspector --demo --fault K --timeout 1 --retries 1` in a 120x40 pseudo-terminal: wait for the",
        "first frame (and, for the transport faults, for the error's words: `timed out`, `reset`, `truncated`,",
        "`not the JSON`), press `?`",
        "(help), `Esc`, `r` (raw view), `Esc`, `q`. Responded: the help overlay (its 'Keys' title) was on the emulated screen after `?`.",
        "Restored: `\\e[?1049l` (main screen) after the last `\\e[?1049h`, and `\\e[?25h` (cursor shown) after the",
        "last `\\e[?25l`. Hostile sequences: the `escape` fault's payloads (`\\e]52;` clipboard write, `\\e]0;`",
        "window titles, 8-bit CSI/DCS, `\\e[31m` from the data) found anywhere in what the program wrote; with",
        "`escape`, the text of its window-title payload (`pwned title`) is looked for too: the data reached the",
        "screen, shown rather than executed.",
        "",
    ]
    if not rows or not rows[0]["drew"]:
        note = rows[0]["note"] if rows else ""
        lines += [f"**Not yet run**: the TUI did not start a screen (`--demo` said: `{note}`). Re-run the script",
                  "once the TUI is built."]
        return lines, None
    lines += [
        "| fault | error on screen | responded to keys | exit | terminal restored | hostile sequences echoed | hostile text on screen, made visible |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        responded = "yes" if r["help"] else ("screen changed, no help text" if r.get("changed") else "**no**")
        hostile = ", ".join(f"`{visible(h.decode('utf-8', 'replace'))}`" for h in r["hostile"]) or "none"
        exit_cell = str(r["exit"]) if r["exit"] == 0 else f"**{r['exit']}**"
        shown = ("yes" if r["data_shown"] else "not seen") if r["fault"] == "escape" else ""
        error = {None: "", True: f"yes (`{TUI_ERRORS.get(r['fault'], b'').decode()}`)", False: "**not seen**"}[r["error_seen"]]
        lines.append(f"| {r['fault']} | {error} | {responded} | {exit_cell} | {'yes' if r['restored'] else '**no**'} | {hostile} | {shown} |")
    ok = all(r["help"] and r["exit"] == 0 and r["restored"] and not r["hostile"] and r["error_seen"] is not False
             for r in rows)
    return lines, ok


def tui_soak(binary, limit=180.0):
    """The 10,000-message thread in the TUI through 30% failures: `G` (last; loads the next page) until
    the status line says every message is loaded, then `q`."""
    emu = Emulator(binary, ["--messages", str(SOAK_MESSAGES), *SOAK_FLAGS])
    try:
        p = Pty([binary, "--thread", emu.info["largeThreadId"], "--retries", "10"], emu.env())
        try:
            start = time.monotonic()
            drew = p.wait_for(b"loaded", 15.0)
            presses, loaded = 0, False
            while drew and not loaded and time.monotonic() - start < limit and not p.exited():
                p.send(b"G")
                presses += 1
                pause = time.monotonic() + 0.2
                while time.monotonic() < pause:
                    p.pump(0.05)
                loaded = ALL_LOADED.search(SGR.sub(b"", p.out[-20000:])) is not None
            wall = time.monotonic() - start
            p.send(b"q")
            exited = p.wait_exit(5.0)
            row = {"drew": drew, "loaded": loaded, "presses": presses, "wall": wall,
                   "exit": p.status if exited else "did not exit", "restored": restored(p.out)}
        finally:
            p.kill()
        stats = emu.stats()["total"]
    finally:
        emu.stop()
    row.update(requests=stats["requests"], failures=stats["throttled"] + stats["unavailable"])
    print(f"tui soak: {row}", file=sys.stderr)
    return row


def tui_soak_section(row):
    lines = [
        "## The TUI through 30% failures",
        "",
        f"`emulator --messages {SOAK_MESSAGES} {' '.join(SOAK_FLAGS)}`, then the TUI on that thread",
        "(`--thread <id> --retries 10`, endpoint and token from the environment) in a pseudo-terminal; `G` (last,",
        "which loads the next page) is pressed every 0.2 s, also while pages load, until the status line says",
        f"`{SOAK_MESSAGES} loaded`; then `q`. Each `G` loads one more page, so the wall time is mostly that pacing.",
        "",
    ]
    if row is None:
        return lines + ["**Not yet run**: the TUI did not start a screen."], None
    lines += [
        "| all loaded | `G` presses | requests | failures injected | exit | terminal restored | wall time |",
        "|---|---|---|---|---|---|---|",
        f"| {'yes' if row['loaded'] else '**no**'} | {row['presses']} | {row['requests']} | {row['failures']} | "
        f"{row['exit'] if row['exit'] == 0 else '**' + str(row['exit']) + '**'} | "
        f"{'yes' if row['restored'] else '**no**'} | {row['wall']:.1f} s |",
    ]
    return lines, bool(row["loaded"] and row["exit"] == 0 and row["restored"])


# ---------------------------------------------------------------- report

def machine():
    cpu = "unknown CPU"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = int(open("/proc/meminfo").readline().split()[1]) // 1024 // 1024
    return f"{cpu}, {os.cpu_count()} cores, {mem} GiB, {platform.system()} {platform.release()}"


def verdict(ok):
    return {True: "held", False: "**not held**", None: "not yet run"}[ok]


HOSTILE_LABEL = "hostile service and careless input: exit codes, one error line, no panic, bounded memory, no secret"
HAND_WRITTEN = ["## Fuzzing"]


def sections(text):
    """The report's `## ` sections by heading, each with its lines."""
    found, current = {}, None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line
            found[current] = []
        if current:
            found[current].append(line)
    return found


def replace_section(text, heading, new_lines):
    """`text` with the section `heading` replaced by `new_lines` (appended when absent)."""
    lines, out, skipping, done = text.splitlines(), [], False, False
    for line in lines:
        if line.startswith("## "):
            skipping = line == heading
            if skipping:
                out += new_lines + [""]
                done = True
        if not skipping:
            out.append(line)
    if not done:
        out += [""] + new_lines
    return "\n".join(out).rstrip("\n") + "\n"


def only_hostile(args):
    lines, ok = hostile.section(args.binary)
    text = open(args.out).read() if os.path.exists(args.out) else "# Reliability\n"
    text = replace_section(text, lines[0], lines)
    row, out = f"| {HOSTILE_LABEL} | {verdict(ok)} |", []
    for line in text.splitlines():
        if line.startswith(f"| {HOSTILE_LABEL} |"):
            continue
        out.append(line)
        if line.startswith("| TUI: errors shown"):
            out.append(row)
    open(args.out, "w").write("\n".join(out) + "\n")
    print("\n".join(lines))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--runs", type=int, default=3, help="soak runs per page size")
    ap.add_argument("--page-sizes", default="200,50,7")
    ap.add_argument("--skip-tui", action="store_true")
    ap.add_argument("--out", default="docs/reliability.md")
    ap.add_argument("--command", default="scripts/reliability")
    ap.add_argument("--only", choices=["hostile"], help="re-measure one part and update its section")
    args = ap.parse_args()
    page_sizes = [int(p) for p in args.page_sizes.split(",")]
    if args.only == "hostile":
        return only_hostile(args)
    kept = sections(open(args.out).read()) if os.path.exists(args.out) else {}

    soak_lines, soak_ok = soak_section(soak(args.binary, args.runs, page_sizes), args.runs, page_sizes)
    fault_lines, fault_ok, c1_ok = fault_section(fault_matrix(args.binary))
    tui_rows = [] if args.skip_tui else tui_matrix(args.binary)
    tui_lines, tui_ok = tui_section(tui_rows)
    tui_ready = bool(tui_rows) and tui_rows[0]["drew"]
    soak_tui_lines, soak_tui_ok = tui_soak_section(tui_soak(args.binary) if tui_ready else None)
    hostile_lines, hostile_ok = hostile.section(args.binary)

    lines = [
        "# Reliability",
        "",
        f"Measured by `{args.command}` on {time.strftime('%Y-%m-%d %H:%M %Z')}, release build, against the built-in",
        f"emulator on loopback. Machine: {machine()}.",
        f"Re-run with `{args.command}` (options: `--runs N`, `--page-sizes 200,50,7`, `--skip-tui`,",
        "`--only hostile`).",
        "The same properties are checked on every `cargo test` by `tests/it/faults.rs` (the soak and every fault",
        "kind through the subcommands), `tests/it/terminal.rs` (the TUI under every fault, in a pseudo-terminal),",
        "`tests/it/paging.rs` (paging) and `tests/it/hostile.rs` (the hostile service and careless input).",
        "",
        "| part | outcome |",
        "|---|---|",
        f"| soak: every message exactly once, in order, exit 0 | {verdict(soak_ok)} |",
        f"| fault matrix: contract exit codes, no panic, stdout empty or valid JSON, no raw ESC/BEL | {verdict(fault_ok)} |",
        f"| fault matrix: no raw C1 control (U+0080..U+009F) on stdout or stderr | {verdict(c1_ok)} |",
        f"| TUI soak: 10,000 messages loaded through 30% failures, exit 0, terminal restored | {verdict(soak_tui_ok)} |",
        f"| TUI: errors shown, keys answered, exit 0, terminal restored, no hostile sequence echoed | {verdict(tui_ok)} |",
        f"| {HOSTILE_LABEL} | {verdict(hostile_ok)} |",
        "",
    ]
    lines += soak_lines + [""] + fault_lines + [""] + tui_lines + [""] + soak_tui_lines + [""] + hostile_lines
    for heading in HAND_WRITTEN:
        lines += [""] + kept.get(heading, [])
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    open(args.out, "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
