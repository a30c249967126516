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
