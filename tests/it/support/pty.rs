//! Drives the real binary in a pseudo-terminal and reads its screen with a terminal emulator.
//!
//! Waits are bounded so a broken build fails instead of hanging; they are failure limits, not speed checks.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// How long any wait may take before the test fails.
pub const WAIT_LIMIT: Duration = Duration::from_secs(20);

/// Text of the demo's seed message, on screen once `--demo` has loaded.
pub const SEED: &str = "head out for lunch";

pub struct PtySession {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    /// Reads the terminal until the program has closed it.
    reader: Option<std::thread::JoinHandle<()>>,
    /// Config and remembered state go here, never into the machine's own directories.
    _home: tempfile::TempDir,
}

impl PtySession {
    /// The program on an 80x24 terminal, the smallest it supports in full.
    pub fn spawn_80x24(args: &[&str]) -> Self {
        Self::spawn(args, 80, 24)
    }

    pub fn spawn_with_env_80x24(args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::spawn_with_env(args, 80, 24, env)
    }

    /// Starts the binary with `args` in a `cols`x`rows` terminal.
    pub fn spawn(args: &[&str], cols: u16, rows: u16) -> Self {
        Self::spawn_with_env(args, cols, rows, &[])
    }

    pub fn spawn_with_env(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Self {
        Self::spawn_in(args, cols, rows, env, None)
    }

    /// Starts the binary with extra environment and, optionally, another working directory.
    pub fn spawn_in(
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
        cwd: Option<&std::path::Path>,
    ) -> Self {
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_acs-chat-inspector"));
        cmd.args(args);
        Self::spawn_command(cmd, cols, rows, env, cwd)
    }

    /// Starts the binary in the terminal with its stderr going to `file` instead (a log, a pipe).
    pub fn spawn_with_stderr_to(
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
        file: &std::path::Path,
    ) -> Self {
        let mut cmd = CommandBuilder::new("sh");
        cmd.args(["-c", "exec \"$0\" \"$@\" 2>\"$STDERR_FILE\""]);
        cmd.arg(super::hostile::binary());
        cmd.args(args);
        cmd.env("STDERR_FILE", file);
        Self::spawn_command(cmd, cols, rows, env, None)
    }

    fn spawn_command(
        mut cmd: CommandBuilder,
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
        cwd: Option<&std::path::Path>,
    ) -> Self {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        cmd.env("TERM", "xterm-256color");
        let home = tempfile::tempdir().expect("a temporary home");
        cmd.env("XDG_STATE_HOME", home.path().join("state"));
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env_remove("AZURE_COMMUNICATION_ENDPOINT");
        cmd.env_remove("AZURE_COMMUNICATION_ACCESS_TOKEN");
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Some(dir) = cwd {
            cmd.cwd(dir);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn the binary");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (parser.clone(), raw.clone());
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Self {
            master: pty.master,
            writer,
            child,
            parser,
            raw,
            reader: Some(reader),
            _home: home,
        }
    }

    /// For a program that prints and exits: everything it wrote to the terminal (line ends as
    /// `\n`) once it has exited, and its exit code.
    pub fn output(&mut self) -> (String, u32) {
        let code = self.wait_exit().exit_code();
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the terminal reader");
        }
        let text = String::from_utf8_lossy(&self.raw()).replace("\r\n", "\n");
        (text, code)
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// The temporary home holding this run's config and state directories.
    pub fn home(&self) -> &std::path::Path {
        self._home.path()
    }

    /// Everything the program wrote, escape sequences included.
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Waits until the screen shows `text`; panics with the screen when it never does.
    pub fn wait_for(&self, text: &str) {
        self.wait_until(&format!("{text:?} on screen"), |screen| {
            screen.contains(text)
        });
    }

    pub fn wait_until(&self, what: &str, mut ok: impl FnMut(&str) -> bool) {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return;
            }
            if start.elapsed() > WAIT_LIMIT {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    pub fn send(&mut self, bytes: &str) {
        self.writer
            .write_all(bytes.as_bytes())
            .expect("write to pty");
        self.writer.flush().ok();
        if bytes == "\x1b" {
            // A lone Esc followed at once by a key reads as Alt+key; terminals separate them by time.
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    pub fn resize(&self, cols: u16, rows: u16) {
        // The emulator takes the new size first: the program may draw for it as soon as the
        // terminal is resized, and a frame read at the old size would wrap.
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows, cols);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize pty");
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    /// Waits for the program to exit and returns its exit status.
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("poll child") {
                // Let the reader drain what the program wrote last.
                std::thread::sleep(Duration::from_millis(100));
                return status;
            }
            if start.elapsed() > WAIT_LIMIT {
                self.child.kill().ok();
                panic!("the program did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The `--demo` inspector, once its seed message is on screen.
    pub fn demo(cols: u16, rows: u16) -> Self {
        let session = Self::spawn(&["--demo"], cols, rows);
        session.wait_for(SEED);
        session
    }

    /// Waits for the program to end with the expected success, then checks the terminal is
    /// restored and the process gone.
    pub fn assert_exits_restored(mut self, expect_success: bool) {
        let pid = self.pid();
        let status = self.wait_exit();
        assert_eq!(status.success(), expect_success, "exit status {status:?}");
        self.assert_terminal_restored();
        assert!(!process_alive(pid), "the process is still running");
    }

    /// After exit: main screen, cursor visible, raw mode off.
    pub fn assert_terminal_restored(&self) {
        let raw = self.raw();
        let last = |needle: &[u8]| raw.windows(needle.len()).rposition(|w| w == needle);
        let entered = last(b"\x1b[?1049h").expect("the program entered the alternate screen");
        let left = last(b"\x1b[?1049l").expect("the program left the alternate screen");
        assert!(
            left > entered,
            "left the alternate screen before re-entering it"
        );
        if let Some(hidden) = last(b"\x1b[?25l") {
            let shown = last(b"\x1b[?25h").expect("the cursor was shown again");
            assert!(shown > hidden, "the cursor stayed hidden");
        }
        if let Some(paste_on) = last(b"\x1b[?2004h") {
            let paste_off = last(b"\x1b[?2004l").expect("bracketed paste was turned off");
            assert!(paste_off > paste_on, "bracketed paste stayed on");
        }
        assert!(!self.raw_mode_on(), "raw mode is still on after exit");
    }

    /// Whether the terminal is in raw mode (canonical input and echo off).
    pub fn raw_mode_on(&self) -> bool {
        let fd = self.master.as_raw_fd().expect("pty fd");
        let mut termios: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: `fd` is the open pty master; tcgetattr only fills `termios`.
        let rc = unsafe { libc::tcgetattr(fd, &mut termios) };
        assert_eq!(rc, 0, "tcgetattr failed");
        termios.c_lflag & (libc::ICANON | libc::ECHO) == 0
    }
}

impl Drop for PtySession {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.child.kill().ok();
        }
    }
}

/// Whether a process is still alive.
pub fn process_alive(pid: u32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    unsafe { libc::kill(pid as libc::pid_t, 0) == 0 }
}
