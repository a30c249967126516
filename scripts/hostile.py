"""The hostile part of docs/reliability.md: the release binary against a loopback service that misbehaves
on purpose, and against the mistakes a tired engineer makes. Used by scripts/reliability.py.

Every case records the exit code, whether stderr is one `error:` line plus `hint:` lines, whether it
panicked, the peak resident memory (VmHWM of /proc/<pid>/status, sampled every 5 ms; not the maxrss of
wait4, which on Linux carries over the memory of the Python process that forked it), and whether the token
(or the key) appears in stdout, stderr, the log file, a written file or a stand-in proxy.
"""
import base64
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

THREAD = "19:_PQfjjcwP5IQnNCNPwtLNzZlRzfPuXSCvaK5g8RxnMs1@thread.v2"
IDENTITY = "8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-8f4e-8c40-e3c7-593a0d0046b5"
KEY = base64.b64encode(b"hostile-reliability-access-key-" * 2).decode()
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
RUN_LIMIT = 180.0
RSS_LIMIT_KIB = 2 * 1024 * 1024
# What clap prints after a flag it refuses (every mode's flag errors share clap's format).
CLAP_TRAILER = "For more information, try '--help'."


def b64url(data):
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def acs_token():
    """A real-shaped ACS user token (the client decodes it offline before any request)."""
    now = int(time.time())
    header = '{"alg":"RS256","kid":"5","typ":"JWT"}'
    payload = json.dumps({"skypeid": IDENTITY[2:], "scp": 1792, "csi": str(now), "exp": now + 86400,
                          "acsScope": "chat", "resourceId": "dd9753c0-6e62-4f74-ab0f-c94f9723b4eb",
                          "iat": now - 60})
    return f"{b64url(header)}.{b64url(payload)}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk"


def message(n, text):
    return {"id": str(n), "type": "text", "sequenceId": str(n), "version": str(n),
            "content": {"message": text}, "createdOn": "2023-10-19T10:46:27Z"}


class Service:
    """A loopback ACS stand-in; `mode(path, query, base)` returns (status, headers, body)."""

    def __init__(self, mode):
        service = self
        self.requests = 0

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                service.requests += 1
                path, _, query = self.path.partition("?")
                params = dict(p.partition("=")[::2] for p in query.split("&") if p)
                status, headers, body = mode(path, params, service.base)
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("MS-CV", "JduJle7LhkONxaJnLYlU7Q.0")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


class Proxy:
    """A loopback stand-in proxy: counts connections and keeps what they send; answers nothing."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections, self.received = 0, b""
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            conn, _ = self.sock.accept()
            self.connections += 1
            conn.settimeout(1)
            try:
                self.received += conn.recv(65536)
            except OSError:
                pass
            conn.close()


def thread_body():
    return json.dumps({"id": THREAD, "topic": "t", "createdOn": "2023-11-21T01:09:34Z"})


def lists(page_of):
    """Messages paged by `page_of(n, base)`; the thread; empty participants and receipts."""
    def mode(path, params, base):
        if path.endswith("/messages"):
            return 200, [], json.dumps(page_of(int(params.get("page", "0")), base))
        if path.endswith("/participants") or path.endswith("/readReceipts"):
            return 200, [], '{"value":[]}'
        return 200, [], thread_body()
    return mode


def link(base, n):
    return f"{base}/chat/threads/{THREAD}/messages?page={n}&api-version=2025-03-15"


def cycle(n, base):
    return {"value": [message(n + 1, "m")], "nextLink": link(base, n % 3 + 1)}


def endless(text_bytes):
    text = "x" * text_bytes
    return lambda n, base: {"value": [message(4 * n + i, text) for i in range(4)], "nextLink": link(base, n + 1)}


def constant(status, headers=(), body=""):
    return lambda path, params, base: (status, list(headers), body)


def plain(minted):
    def mode(path, params, base):
        if path.endswith(":issueAccessToken"):
            return 200, [], json.dumps({"token": minted, "expiresOn": "2099-01-01T00:00:00Z"})
        return 200, [], thread_body()
    return mode


def run(binary, args, env=None, log=True, preexec=None):
    """Runs the binary, sampling its memory; returns exit code, stdout, stderr, log text, peak KiB, stop reason."""
    with tempfile.TemporaryDirectory() as tmp:
        argv = [binary, *args] + (["--log-file", os.path.join(tmp, "log")] if log else [])
        full_env = {k: v for k, v in os.environ.items()
                    if not k.startswith("AZURE_COMMUNICATION_") and "proxy" not in k.lower()}
        full_env.update({"XDG_CONFIG_HOME": os.path.join(tmp, "config"), "XDG_STATE_HOME": os.path.join(tmp, "state")})
        full_env.update(env or {})
        out_f, err_f = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out_f, stderr=err_f, env=full_env,
                                preexec_fn=preexec)
        peak, stopped, start = 0, None, time.monotonic()
        while proc.poll() is None:
            hwm, rss = memory_kib(proc.pid)
            peak = max(peak, hwm)
            if rss > RSS_LIMIT_KIB or time.monotonic() - start > RUN_LIMIT:
                stopped = "memory" if rss > RSS_LIMIT_KIB else "time"
                proc.kill()
            time.sleep(0.005)
        out_f.seek(0)
        err_f.seek(0)
        log_path = os.path.join(tmp, "log")
        log_text = open(log_path, errors="replace").read() if os.path.exists(log_path) else ""
        return {"exit": proc.returncode, "stdout": out_f.read(), "stderr": err_f.read().decode("utf-8", "replace"),
                "log": log_text, "peak": peak, "stopped": stopped}


def memory_kib(pid):
    fields = {}
    try:
        for line in open(f"/proc/{pid}/status"):
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                fields[name] = int(value.split()[0])
    except OSError:
        pass
    return fields.get("VmHWM", 0), fields.get("VmRSS", 0)


def one_error_line(stderr):
    lines = stderr.splitlines()
    return (sum(line.startswith("error: ") for line in lines) == 1
            and all(line.startswith(("error: ", "hint: ", "wrote ")) for line in lines))


def leaked(result, secret, extra=""):
    """Whether the secret (or a JWT's payload) shows in stdout, stderr, the log or `extra`."""
    parts = [secret] + [p for p in secret.split(".")[1:2] if len(p) > 16]
    texts = [result["stdout"].decode("utf-8", "replace"), result["stderr"], result["log"], extra]
    return any(part in text for part in parts for text in texts)


def case(rows, name, command, result, expected, needle="", secret=None, extra_ok=True, note=""):
    stderr = result["stderr"]
    first = next((line for line in stderr.splitlines() if line.startswith("error: ")), stderr.splitlines()[0] if stderr.strip() else "")
    row = {
        "case": name, "command": command, "exit": result["exit"], "expected": expected,
        "one_line": one_error_line(stderr) if expected else None,
        "panic": result["exit"] == 101 or "panicked" in stderr,
        "peak": result["peak"], "stopped": result["stopped"],
        "needle": (needle in first) if needle else None,
        "leak": leaked(result, secret) if secret else None,
        "extra_ok": extra_ok, "first": first, "stderr_bytes": len(stderr.encode()), "note": note,
    }
    if row["one_line"] is False and CLAP_TRAILER in stderr:
        row["note"] = "; ".join(filter(None, [note, f"clap's format: a blank line and `{CLAP_TRAILER}` follow"]))
    row["ok"] = (row["exit"] == expected and not row["panic"] and row["one_line"] is not False
                 and row["needle"] is not False and not row["leak"] and extra_ok and not row["stopped"])
    rows.append(row)


def against(service, token, *args):
    return [*args, "--endpoint", service.base, "--token", token, "--retries", "0"]


def hostile_cases(binary):
    rows, token = [], acs_token()
    # 1. Retry headers.
    for name, value in [("Retry-After", "1e30"), ("retry-after-ms", "1e300"),
                        ("x-ms-retry-after-ms", "18446744073709551616000"), ("Retry-After", "-5"),
                        ("retry-after-ms", "NaN"), ("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")]:
        svc = Service(constant(429, [(name, value)]))
        case(rows, f"`{name}: {value}` on 429", "thread", run(binary, against(svc, token, "thread", THREAD)), 3,
             "429", token)
        svc.stop()
    # 2. Paging.
    svc = Service(lists(cycle))
    res = run(binary, against(svc, token, "messages", THREAD))
    case(rows, "nextLink loop A->B->C->A", "messages", res, 4, "nextLink loop", token,
         extra_ok=svc.requests == 4, note=f"{svc.requests} requests")
    svc.stop()
    svc = Service(lists(endless(10)))
    res = run(binary, against(svc, token, "messages", THREAD, "--max-pages", "1000"))
    case(rows, "endless new nextLinks", "messages --max-pages 1000", res, 4, "too many pages", token,
         extra_ok=svc.requests == 1000, note=f"{svc.requests} requests")
    svc.stop()
    svc = Service(lists(endless(256 * 1024)))
    res = run(binary, against(svc, token, "messages", THREAD, "--max-pages", "200"))
    case(rows, "endless 1 MiB pages, streamed", "messages --max-pages 200", res, 4, "too many pages", token,
         note=f"{len(res['stdout']) // 2**20} MiB printed")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "b.json")
        res = run(binary, against(svc, token, "bundle", THREAD, "-o", out))
        written = open(out, errors="replace").read() if os.path.exists(out) else ""
        kept = len(json.loads(written)["messages"]) if written else 0
        case(rows, "endless 1 MiB pages, bundled", "bundle -o FILE", res, 4, "the bundle is full", token,
             extra_ok=kept > 0 and token not in written, note=f"{kept} messages written")
    svc.stop()
    # 4. Proxies.
    minted = acs_token()
    svc, proxy = Service(plain(minted)), Proxy()
    proxied = {v: proxy.url for v in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")}
    res = run(binary, against(svc, token, "thread", THREAD), proxied)
    case(rows, "HTTP(S)_PROXY/ALL_PROXY set, loopback endpoint", "thread", res, 0, "", token,
         extra_ok=proxy.connections == 0, note=f"proxy connections: {proxy.connections}")
    conn = f"endpoint={svc.base}/;accesskey={KEY}"
    res = run(binary, ["token", "mint", "--connection-string-env", "HOSTILE_CONN", "--user", IDENTITY],
              {**proxied, "HOSTILE_CONN": conn})
    case(rows, "proxy set, Identity API on loopback", "token mint", res, 0, "", KEY,
         extra_ok=proxy.connections == 0, note=f"proxy connections: {proxy.connections}")
    svc.stop()
    # 5. Help.
    res = run(binary, ["--help"], {"AZURE_COMMUNICATION_ENDPOINT": f"endpoint=https://x.communication.azure.com/;accesskey={KEY}"})
    case(rows, "connection string in AZURE_COMMUNICATION_ENDPOINT", "--help", res, 0, "", KEY)
    # 6. A token in the wrong field.
    svc = Service(constant(500))
    for label, args in [("--endpoint TOKEN", ["thread", THREAD, "--endpoint", token]),
                        ("--api-version TOKEN", ["thread", THREAD, "--endpoint", svc.base, "--api-version", token]),
                        ("--since TOKEN", ["messages", THREAD, "--endpoint", svc.base, "--since", token]),
                        ("thread id TOKEN", ["thread", token, "--endpoint", svc.base])]:
        res = run(binary, [*args, "--token", token])
        case(rows, f"token typed as {label}", args[0], res, 2, "[masked token", token)
    with tempfile.TemporaryDirectory() as home:
        token_file = os.path.join(home, "t")
        open(token_file, "w").write(token)
        os.makedirs(os.path.join(home, "config", "acs-chat-inspector"))
        open(os.path.join(home, "config", "acs-chat-inspector", "config.toml"), "w").write(
            f"[profiles.p]\nendpoint = \"{svc.base}\"\ntoken_command = \"cat '{token_file}' >&2; exit 1\"\n")
        res = run(binary, ["thread", THREAD, "--profile", "p"], {"XDG_CONFIG_HOME": os.path.join(home, "config")})
        case(rows, "failing token_command prints the token", "thread --profile", res, 2, "[masked token", token)
    # 7. Credentials in the endpoint; 12. path-step ids.
    res = run(binary, ["thread", THREAD, "--endpoint", svc.base.replace("http://", "http://me:hunter2@"),
                       "--token", token])
    case(rows, "endpoint with user:password", "thread", res, 2, "user name or password", "hunter2")
    for label, args in [("`..`", ["thread", ".."]), ("`.`", ["message", THREAD, "."]), ("ESC in the id", ["bundle", "a\x1b[2Jb"])]:
        res = run(binary, against(svc, token, *args))
        case(rows, f"id {label}", args[0], res, 2, "malformed", token)
    requests_for_bad_input = svc.requests
    svc.stop()
    # 13. A huge error; 14. redirects; 15. bidi; 17. hints.
    svc = Service(constant(500, body=json.dumps({"error": {"code": "InternalError", "message": "m" * (20 << 20)}})))
    res = run(binary, against(svc, token, "thread", THREAD))
    case(rows, "20 MB error message", "thread", res, 3, "bytes more)", token,
         extra_ok=len(res["stderr"]) < 4096, note=f"stderr {len(res['stderr'])} bytes")
    svc.stop()
    elsewhere = Service(constant(200, body="{}"))
    svc = Service(constant(302, [("Location", f"{elsewhere.base}/stolen")]))
    res = run(binary, against(svc, token, "thread", THREAD))
    case(rows, "302 to another host", "thread", res, 3, "/stolen", token,
         extra_ok=elsewhere.requests == 0, note=f"other host asked {elsewhere.requests} times")
    svc.stop()
    elsewhere.stop()
    svc = Service(constant(200, body=json.dumps({"id": THREAD, "topic": BIDI}, ensure_ascii=False)))
    res = run(binary, against(svc, token, "thread", THREAD))
    raw_bidi = any(c in res["stdout"].decode() for c in BIDI)
    case(rows, "bidi controls in a topic", "thread", res, 0, "", token, extra_ok=not raw_bidi,
         note="escaped as \\uXXXX" if not raw_bidi else "raw on stdout")
    svc.stop()
    svc = Service(constant(200, body="<html>captive portal</html>"))
    res = run(binary, against(svc, token, "thread", THREAD))
    case(rows, "HTML instead of JSON: hint fits the mode", "thread", res, 4, "not JSON", token,
         extra_ok="(r)" not in res["stderr"])
    svc.stop()
    # 11. Token file.
    res = run(binary, ["thread", THREAD, "--endpoint", "http://127.0.0.1:9", "--token-file", "/dev/zero"])
    case(rows, "--token-file /dev/zero", "thread", res, 2, "more than 64 KiB")
    # 3, 16. The emulator.
    for label, args in [("--fail-rate 2", ["--fail-rate", "2"]), ("--fail-rate nan", ["--fail-rate", "nan"]),
                        ("--messages 10000001", ["--messages", "10000001"]), ("--addr 0.0.0.0:0", ["--addr", "0.0.0.0:0"])]:
        res = run(binary, ["emulator", *args], log=False)
        case(rows, f"emulator {label}", "emulator", res, 2, args[0])
    # 9. Files.
    rows += file_cases(binary, token)
    return rows, requests_for_bad_input


def file_cases(binary, token):
    rows = []
    svc = Service(plain(""))
    with tempfile.TemporaryDirectory() as tmp:
        precious = os.path.join(tmp, "precious")
        open(precious, "w").write("precious")
        link_path, fifo = os.path.join(tmp, "link.json"), os.path.join(tmp, "fifo.json")
        os.symlink(precious, link_path)
        os.mkfifo(fifo)
        for label, path, needle in [("a symbolic link", link_path, "symbolic link"), ("a FIFO", fifo, "not a regular file")]:
            res = run(binary, against(svc, token, "bundle", THREAD, "-o", path, "--force"))
            case(rows, f"bundle -o {label} --force", "bundle", res, 2, needle, token,
                 extra_ok=open(precious).read() == "precious")
        existing = os.path.join(tmp, "b.json")
        open(existing, "w").write("old bundle")
        res = run(binary, against(svc, token, "bundle", THREAD, "-o", existing))
        case(rows, "bundle -o an existing file", "bundle", res, 2, "--force", token,
             extra_ok=open(existing).read() == "old bundle")

        def full_disk():
            import resource
            import signal
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))
        res = run(binary, against(svc, token, "bundle", THREAD, "-o", existing, "--force"), log=False, preexec=full_disk)
        case(rows, "bundle -o existing --force on a full disk", "bundle", res, 2, "cannot write", token,
             extra_ok=open(existing).read() == "old bundle" and len(os.listdir(tmp)) == 4)
        res = run(binary, against(svc, token, "bundle", THREAD, "-o", existing, "--force"))
        mode = oct(os.stat(existing).st_mode & 0o777)
        written = open(existing).read()
        case(rows, "bundle -o existing --force", "bundle", res, 0, "", token,
             extra_ok=mode == "0o600" and token not in written, note=f"mode {mode[2:]}")
    svc.stop()
    return rows


def visible(text, limit=90):
    shown = "".join(f"\\x{ord(c):02x}" if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f else c for c in text)
    shown = shown.replace("|", "\\|").replace("`", "'")
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"


def peak_cell(kib):
    # A run that ends within a few ms is seen at most mid-exec (0 to a few KiB): say so rather than print that.
    return f"{kib / 1024:.1f} MiB" if kib >= 1024 else "too short to sample"


def section(binary):
    start = time.monotonic()
    rows, bad_input_requests = hostile_cases(binary)
    wall = time.monotonic() - start
    yes = lambda v: {None: "", True: "yes", False: "**no**"}[v]
    lines = [
        "## Hostile service and careless hands",
        "",
        "The release binary against a loopback stand-in (`scripts/hostile.py`) that misbehaves on purpose, and",
        "against input a tired engineer types. Each case: exit code, stderr is one `error:` line then `hint:` lines,",
        "no panic, peak resident memory (VmHWM of `/proc/<pid>/status`, sampled every 5 ms: a run over within a",
        "few ms is \"too short to sample\"), and the secret (the",
        "token, its payload, or the key) searched in stdout, stderr, the `--log-file` log, written files and the",
        "stand-in proxy. `tests/it/hostile.rs` checks the same cases on every `cargo test`.",
        f"Measured on {time.strftime('%Y-%m-%d %H:%M %Z')}; re-run this part alone with `scripts/reliability --only hostile`.",
        "",
        "| case | command | exit | expected | one error line | panic | peak memory | secret found | first error line | note |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        exit_cell = str(r["exit"]) if r["exit"] == r["expected"] else f"**{r['exit']}**"
        if r["stopped"]:
            exit_cell = f"**stopped ({r['stopped']})**"
        leak = {None: "", True: "**yes**", False: "no"}[r["leak"]]
        note = r["note"] if r["extra_ok"] else f"**{r['note'] or 'check failed'}**"
        lines.append(f"| {r['case']} | `{r['command']}` | {exit_cell} | {r['expected']} | {yes(r['one_line'])} | "
                     f"{'**yes**' if r['panic'] else 'no'} | {peak_cell(r['peak'])} | {leak} | "
                     f"`{visible(r['first'])}` | {note} |")
    held = sum(r["ok"] for r in rows)
    lines += ["", f"{len(rows)} cases, {held} held; requests made for bad input: {bad_input_requests}; "
              f"{sum(r['panic'] for r in rows)} panics; largest peak {max(r['peak'] for r in rows) / 1024:.1f} MiB; "
              f"wall time {wall:.0f} s."]
    return lines, held == len(rows) and bad_input_requests == 0
