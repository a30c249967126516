//! A profile's `token_command`: run with `sh -c`, always time-limited, and killed, with every
//! process it started, when it runs over or is cancelled (dropping the future cancels it).

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt;

use crate::acs::{AccessToken, AcsError};

/// A token command that hangs is abandoned (and killed) after this long.
pub const TOKEN_COMMAND_LIMIT: Duration = Duration::from_secs(60);

/// An access token is a few kilobytes; anything much longer is not one.
const MAX_OUTPUT: u64 = 64 * 1024;

/// Runs `command` and returns the token it prints (trimmed). Its stderr, when it fails, is shown
/// on one line, masked like every message.
pub async fn run(command: &str, limit: Duration) -> Result<AccessToken, AcsError> {
    let mut child = spawn(command)
        .map_err(|e| AcsError::BadInput(format!("cannot run the profile's token_command: {e}")))?;
    let group = ProcessGroup::of(&child);
    let finished = tokio::time::timeout(limit, collect(&mut child)).await;
    let Ok(output) = finished else {
        return Err(AcsError::BadInput(format!(
            "the profile's token_command did not finish within {} s (it was stopped)",
            limit.as_secs()
        )));
    };
    let (status, stdout, stderr) = output
        .map_err(|e| AcsError::BadInput(format!("the profile's token_command failed: {e}")))?;
    group.disarm();
    if !status.success() {
        return Err(AcsError::BadInput(format!(
            "the profile's token_command failed ({status}): {}",
            crate::sanitize::error_line(stderr.trim())
        )));
    }
    let token = stdout.trim();
    if token.is_empty() {
        return Err(AcsError::BadInput(
            "the profile's token_command printed nothing: it should print an access token".into(),
        ));
    }
    Ok(AccessToken::new(token))
}

fn spawn(command: &str) -> std::io::Result<tokio::process::Child> {
    let mut cmd = tokio::process::Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // Its own process group, so that what it starts (az, a pipeline) can be stopped with it.
    #[cfg(unix)]
    cmd.process_group(0);
    cmd.spawn()
}

/// Reads stdout and stderr (each capped) and waits for the command to exit.
async fn collect(
    child: &mut tokio::process::Child,
) -> std::io::Result<(std::process::ExitStatus, String, String)> {
    let mut stdout = child.stdout.take().map(|s| s.take(MAX_OUTPUT));
    let mut stderr = child.stderr.take().map(|s| s.take(MAX_OUTPUT));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let read_out = async {
        match &mut stdout {
            Some(s) => s.read_to_end(&mut out).await.map(drop),
            None => Ok(()),
        }
    };
    let read_err = async {
        match &mut stderr {
            Some(s) => s.read_to_end(&mut err).await.map(drop),
            None => Ok(()),
        }
    };
    let (a, b) = tokio::join!(read_out, read_err);
    a?;
    b?;
    let status = child.wait().await?;
    Ok((
        status,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    ))
}

/// Kills the command's whole process group when dropped before [`ProcessGroup::disarm`]: on a
/// time-out, a cancel (Esc) or the program ending.
struct ProcessGroup(Option<u32>);

impl ProcessGroup {
    fn of(child: &tokio::process::Child) -> Self {
        Self(child.id())
    }

    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(pid) = self.0.and_then(|p| i32::try_from(p).ok()) {
            // SAFETY: killpg only sends a signal; the group is the one the command leads.
            unsafe {
                libc::killpg(pid, libc::SIGKILL);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn output_is_trimmed_and_a_failure_explained() {
        let token = run("printf '  cmd-token\\n'", TOKEN_COMMAND_LIMIT)
            .await
            .unwrap();
        assert_eq!(token.expose(), "cmd-token");
        let err = run("echo 'az: not logged in' >&2; exit 3", TOKEN_COMMAND_LIMIT)
            .await
            .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("az: not logged in"), "{err}");
        let silent = run("true", TOKEN_COMMAND_LIMIT).await.unwrap_err();
        assert!(silent.to_string().contains("printed nothing"), "{silent}");
    }

    #[tokio::test]
    async fn a_command_that_runs_over_is_stopped_with_what_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let command = format!("sleep 30 & echo $! > {}; wait", pid_file.display());
        let err = run(&command, Duration::from_millis(300)).await.unwrap_err();
        assert!(err.to_string().contains("did not finish"), "{err}");
        let pid: i32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(gone(pid).await, "the command's child {pid} outlived it");
    }

    /// Whether a process has ended (reaped or a zombie), waiting a little for the signal to land.
    pub(crate) async fn gone(pid: i32) -> bool {
        for _ in 0..50 {
            let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            if state.is_empty() || state.contains(") Z ") {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }
}
