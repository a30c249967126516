//! Retention policy: kind, days, when the thread will be deleted and how long is left.

use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use crate::acs::RetentionKind;
use crate::acs::time::human_span;

use super::super::state::AppState;
use super::{dim, field};

pub fn lines(state: &AppState) -> Vec<Line<'static>> {
    let Some(thread) = state.thread.as_ref().map(|f| &f.value) else {
        return vec![dim("(comes with the thread)")];
    };
    let Some(policy) = &thread.retention_policy else {
        return vec![
            field("Policy", "(none sent)"),
            field("Deletion", "kept until deleted"),
        ];
    };
    let days = match policy.delete_thread_after_days {
        Some(d) => format!(": delete {d} day(s) after creation"),
        None => String::new(),
    };
    let mut lines = vec![field("Policy", &format!("{}{days}", policy.kind))];
    lines.push(match policy.meaning() {
        RetentionKind::KeepUntilDeleted => field("Deletion", "kept until deleted"),
        RetentionKind::ThreadCreationDate { .. } => deletion(state, thread.scheduled_deletion()),
        RetentionKind::Other(kind) => field(
            "Deletion",
            &format!("unknown policy kind {kind:?}, shown as sent"),
        ),
    });
    lines
}

fn deletion(state: &AppState, when: Option<chrono::DateTime<chrono::Utc>>) -> Line<'static> {
    let Some(when) = when else {
        return field("Deletion", "unknown (creation time or days missing)");
    };
    let date = match state.time_display {
        crate::acs::TimeDisplay::Relative => String::new(),
        display => format!("{}  ", display.format(when, state.now)),
    };
    let secs = (when - state.now).num_seconds();
    let (left, color) = if secs > 0 {
        (format!("in {}", human_span(secs as u64)), Color::Yellow)
    } else {
        (
            format!("due {} ago", human_span(secs.unsigned_abs())),
            Color::Red,
        )
    };
    let mut line = field("Deletion", &date);
    line.spans
        .push(Span::styled(left, Style::default().fg(color)));
    line
}

/// In a few words, for the connection title: `will be deleted 2027-02-27 (in 87 d, 90 d after
/// creation)`,
/// `kept until deleted`; `None` before the thread is loaded.
pub fn summary(state: &AppState) -> Option<String> {
    let thread = &state.thread.as_ref()?.value;
    if let Some(deleted) = &thread.deleted_on {
        return Some(format!("thread deleted {}", super::time(state, deleted)));
    }
    let Some(policy) = &thread.retention_policy else {
        return Some("no retention policy: kept until deleted".into());
    };
    Some(match policy.meaning() {
        RetentionKind::KeepUntilDeleted => "kept until deleted".into(),
        RetentionKind::Other(kind) => {
            format!(
                "retention \"{}\" (unknown kind)",
                crate::sanitize::one_line(&kind)
            )
        }
        RetentionKind::ThreadCreationDate { .. } => {
            let days = policy
                .delete_thread_after_days
                .map_or(String::new(), |d| format!(", {d} d after creation"));
            match thread.scheduled_deletion() {
                Some(when) => {
                    let date = when.format("%Y-%m-%d");
                    let secs = (when - state.now).num_seconds();
                    if secs > 0 {
                        format!(
                            "will be deleted {date} (in {}{days})",
                            human_span(secs as u64)
                        )
                    } else {
                        format!(
                            "deletion due {date} ({} ago{days})",
                            human_span(secs.unsigned_abs())
                        )
                    }
                }
                None => format!("deleted by retention{days}: date unknown"),
            }
        }
    })
}
