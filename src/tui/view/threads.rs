//! The token user's threads, with the audit's columns (`A`), sorted (`O`) and filtered (`f`);
//! Enter opens one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::across::audit::Membership;
use crate::acs::ChatThreadItem;
use crate::sanitize::one_line;

use super::super::action::Action;
use super::super::audit::{ThreadFilter, ThreadSort, columns};
use super::super::ids;
use super::super::keymap::{self, Context};
use super::super::state::{AppState, Slot};
use super::{field, list, time};

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let audit = &state.thread_audit;
    let mut header = format!(
        "  {:<20} {:<7} {:<23} {:<10} id",
        "topic", "member", "last message", "deletes"
    );
    if audit.sort != ThreadSort::Listed {
        header.push_str(&format!(" · sorted by {}", audit.sort.name()));
    }
    if audit.filter != ThreadFilter::All {
        header.push_str(&format!(" · {} only", audit.filter.name()));
    }
    list::render(
        state,
        frame,
        area,
        (&state.threads, Slot::Threads),
        "threads",
        &header,
        |t, selected, width| row(state, t, selected, width),
        |t| detail(state, t),
    );
}

fn row(state: &AppState, t: &ChatThreadItem, selected: bool, width: usize) -> Line<'static> {
    let last = t
        .last_message_received_on
        .as_deref()
        .map(|s| time(state, s))
        .unwrap_or_default();
    let deleted = if t.deleted_on.is_some() {
        " (deleted)"
    } else {
        ""
    };
    let [member, deletes] = columns(state.thread_audit.audits.get(&t.id), t);
    let fixed = format!(
        "{} {member:<7} {:<23} {deletes:<10} ",
        super::timeline::fit(&one_line(&t.topic), 20),
        super::timeline::fit(&last, 23),
    );
    let room = width.saturating_sub(fixed.chars().count() + deleted.len());
    let id = if selected && t.id.chars().count() <= room {
        one_line(&t.id).into_owned()
    } else {
        ids::fit(&t.id, room.max(16))
    };
    Line::from(format!("{fixed}{id}{deleted}"))
}

fn detail(state: &AppState, t: &ChatThreadItem) -> Vec<Line<'static>> {
    let mut lines = vec![field("Topic", &t.topic), field("Id", &t.id)];
    if let Some(deleted) = &t.deleted_on {
        lines.push(field("Deleted", &time(state, deleted)));
    }
    lines.extend(audit_lines(state, t));
    lines.push(super::dim(format!(
        "{} opens this thread · {} audits every thread · {} sorts · {} filters",
        keymap::key(Context::Results, &Action::Activate),
        keymap::key(Context::Results, &Action::AuditThreads),
        keymap::key(Context::Results, &Action::CycleThreadSort),
        keymap::key(Context::Results, &Action::CycleThreadFilter),
    )));
    lines
}

/// What the audit says of the selected thread, in words.
fn audit_lines(state: &AppState, t: &ChatThreadItem) -> Vec<Line<'static>> {
    match state.thread_audit.audits.get(&t.id) {
        None => vec![],
        Some(Err(e)) => vec![field("Audit", &format!("failed: {e}"))],
        Some(Ok(audit)) => {
            let membership = match audit.membership {
                Some(Membership::Active) => "a participant".to_string(),
                Some(Membership::Left) => {
                    "left or removed: the thread is listed, its participants answer 403".to_string()
                }
                None => "not known (the thread's participants could not be read)".to_string(),
            };
            let deletes = match audit.retention_deletes() {
                Some(at) => time(state, &at.to_rfc3339()),
                None => "no retention deletion".to_string(),
            };
            vec![
                field("Membership", &membership),
                field("Retention", &deletes),
            ]
        }
    }
}
