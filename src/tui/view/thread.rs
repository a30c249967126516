//! Thread properties: topic, id, created, creator, deleted, metadata count.

use ratatui::text::Line;

use crate::acs::metadata_pairs;
use crate::sanitize::one_line;

use super::super::state::AppState;
use super::{dim, field, long_field, status_lines, time};

pub fn lines(state: &AppState, width: u16) -> Vec<Line<'static>> {
    let Some(fetched) = &state.thread else {
        return status_lines(state, &state.thread_status, "thread").unwrap_or_default();
    };
    let thread = &fetched.value;
    let count = metadata_pairs(thread.metadata.as_ref()).len();
    let mut lines = vec![
        field("Topic", &thread.topic),
        field("Id", &thread.id),
        field("Created", &time(state, &thread.created_on)),
        match &thread.deleted_on {
            Some(when) => field("Deleted", &time(state, when)),
            None => field("Deleted", "no"),
        },
        field("Metadata", &format!("{count} key(s)")),
    ];
    lines.extend(match &thread.created_by_communication_identifier {
        Some(who) => long_field(
            "Created by",
            &format!("{} ({})", who.raw_id(), who.kind().as_str()),
            width,
        ),
        None => vec![field("Created by", "(not sent)")],
    });
    if let Some(versions) = fetched.exchange.header("api-supported-versions") {
        let used = &state.settings.api_version;
        lines.push(field(
            "API versions",
            &format!("{used} used; the service supports {versions}"),
        ));
    }
    if thread.extra.is_empty() {
        return lines;
    }
    let keys: Vec<&str> = thread.extra.keys().map(String::as_str).collect();
    lines.push(dim(format!("Other fields: {}", one_line(&keys.join(", ")))));
    lines
}
