//! Retention policy: kind, days, when the thread will be deleted and how long is left.

use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use crate::acs::RetentionKind;
use crate::acs::time::human_span;

use super::super::state::AppState;
use super::{field, status_lines};

pub fn lines(state: &AppState) -> Vec<Line<'static>> {
    let Some(thread) = state.thread.as_ref().map(|f| &f.value) else {
        return status_lines(state, &state.thread_status, "thread").unwrap_or_default();
    };
    let Some(policy) = &thread.retention_policy else {
        return vec![
            field("Kind", "(none sent)"),
            field("Deletion", "kept until deleted"),
        ];
    };
    let mut lines = vec![field("Kind", &policy.kind)];
    match policy.meaning() {
        RetentionKind::KeepUntilDeleted => lines.push(field("Deletion", "kept until deleted")),
        RetentionKind::ThreadCreationDate { delete_after_days } => {
            let days = delete_after_days.map_or("(not sent)".to_string(), |d| format!("{d} day(s) after creation"));
            lines.push(field("Delete after", &days));
            lines.push(deletion(state, thread.scheduled_deletion()));
        }
        RetentionKind::Other(kind) => {
            lines.push(field("Deletion", &format!("unknown policy kind {kind:?}, shown as sent")));
            if let Some(days) = policy.delete_thread_after_days {
                lines.push(field("Delete after", &format!("{days} day(s)")));
            }
        }
    }
    lines
}

fn deletion(state: &AppState, when: Option<chrono::DateTime<chrono::Utc>>) -> Line<'static> {
    let Some(when) = when else {
        return field("Deletion", "unknown (creation time or days missing)");
    };
    let date = state.time_display.format(when, state.now);
    let secs = (when - state.now).num_seconds();
    let (left, color) = if secs > 0 {
        (format!("in {}", human_span(secs as u64)), Color::Yellow)
    } else {
        (format!("due {} ago", human_span(secs.unsigned_abs())), Color::Red)
    };
    let mut line = field("Deletion", &format!("{date}  "));
    line.spans.push(Span::styled(left, Style::default().fg(color)));
    line
}
