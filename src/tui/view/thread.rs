//! Thread properties: topic, id, created, creator, deleted, metadata count.

use ratatui::text::Line;

use crate::acs::metadata_pairs;
use crate::sanitize::one_line;

use super::super::state::{AppState, Slot};
use super::{dim, field, long_field, status_lines, time};

pub fn lines(state: &AppState, width: u16) -> Vec<Line<'static>> {
    let Some(fetched) = &state.thread else {
        return status_lines(state, state.status(Slot::Thread), "thread").unwrap_or_default();
    };
    let thread = &fetched.value;
    let count = metadata_pairs(thread.metadata.as_ref()).len();
    let at = Some(fetched.exchange.started_at);
    let banner = super::refresh_banner(state, state.status(Slot::Thread), at);
    let created = match &thread.created_by_communication_identifier {
        Some(who) => format!(
            "{} by {} ({})",
            time(state, &thread.created_on),
            who.raw_id(),
            who.kind().as_str()
        ),
        None => format!("{} (creator not sent)", time(state, &thread.created_on)),
    };
    let mut lines = banner.unwrap_or_default();
    lines.push(field("Topic", &thread.topic));
    lines.extend(long_field("Id", &thread.id, width));
    lines.extend(long_field("Created", &created, width));
    lines.push(match &thread.deleted_on {
        Some(when) => field("Deleted", &time(state, when)),
        None => field("Deleted", "no"),
    });
    lines.push(field("Metadata", &format!("{count} key(s)")));
    if thread.extra.is_empty() {
        return lines;
    }
    let keys: Vec<&str> = thread.extra.keys().map(String::as_str).collect();
    lines.push(dim(format!("Other fields: {}", one_line(&keys.join(", ")))));
    lines
}
