//! Harnesses shared by the integration tests: one of each kind.
#![allow(dead_code)]

pub mod headless;
pub mod hostile;
pub mod pty;
pub mod tui;

/// Tests that change the process environment (XDG directories) hold this lock: every module runs in
/// one binary, so they would otherwise race.
pub fn env_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}
