//! Harnesses shared by the integration tests: one of each kind.
#![allow(dead_code)]

pub mod cases;
pub mod emulator;
pub mod headless;
pub mod hostile;
pub mod pty;
pub mod tokens;
pub mod tui;

/// Tests that change the process environment (XDG directories) hold this lock: every module runs in
/// one binary, so they would otherwise race.
pub fn env_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Waits (up to 5 s) for a process to have ended: gone, or a zombie its parent has not reaped.
pub async fn process_ends(pid: i32) -> bool {
    for _ in 0..250 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if stat.is_empty() || stat.contains(") Z ") {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}

/// Waits (up to 5 s) for a file to hold a process id, as a test command writes it.
pub async fn pid_in(file: &std::path::Path) -> i32 {
    for _ in 0..250 {
        if let Some(pid) = std::fs::read_to_string(file)
            .ok()
            .and_then(|t| t.trim().parse().ok())
        {
            return pid;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no process id in {}", file.display());
}
