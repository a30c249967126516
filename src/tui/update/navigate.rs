//! Moving around: focus, tabs, scrolling, the timeline's cursor and paging, filter and jump, typing.

use ratatui_textarea::{Input, Key, TextArea};

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::state::{
    AppState, DetailTab, Field, Focus, Level, Listing, MessageSource, Overlay, Prompt, PromptKind,
    Slot, single_line,
};
use super::super::view::{help, layout, notices};
use super::Effect;
use super::fetch::{fetch, fetch_one_message, open_logged, open_thread};
use super::filter;
use super::overlay::copy_target;
use super::profiles::picker_enter;

pub(super) fn set_focus(state: &mut AppState, focus: Focus) -> Vec<Effect> {
    state.focus = focus;
    state.sync_field_styles();
    vec![]
}

/// In the one-pane layout of a small window the pane shown is the focused one: what a key acts
/// on is brought into view first, so no key acts unseen.
pub(super) fn reveal(state: &mut AppState, focus: Focus) {
    if layout::single_pane(state.size) && !state.focus.is_field() {
        set_focus(state, focus);
    }
}

pub(super) fn show_tab(state: &mut AppState, tab: DetailTab) -> Vec<Effect> {
    if tab == DetailTab::Findings {
        crate::tui::findings::refresh(state);
    }
    state.tab = tab;
    state.detail_scroll = 0;
    // Lists are for picking: j/k and Enter should act on them at once.
    if tab.is_list() && !state.focus.is_field() {
        state.focus = Focus::Details;
    }
    reveal(state, Focus::Details);
    vec![]
}

/// Enter outside fields: act on the top overlay's selection, else open what is selected, else fetch.
pub(super) fn activate(state: &mut AppState) -> Vec<Effect> {
    match state.overlays.top() {
        Some(Overlay::Profiles(_)) => return picker_enter(state),
        Some(Overlay::Copy(menu)) => {
            let target = menu.choices.get(menu.selected).map(|c| c.target);
            return target.map_or_else(Vec::new, |t| copy_target(state, t));
        }
        Some(Overlay::Log(selected)) => return open_logged(state, *selected),
        Some(Overlay::Search) => return super::threads::open_hit(state),
        _ => {}
    }
    match state.focus {
        Focus::Timeline if !state.timeline.data.is_empty() => open_selected_message(state),
        Focus::Details if state.tab == DetailTab::Threads => open_selected_thread(state),
        Focus::Details if state.tab == DetailTab::Receipts => show_read_message(state),
        Focus::Details if state.tab == DetailTab::Findings => show_evidence(state),
        _ => match missing_field(state) {
            // Nothing to fetch with yet: Enter goes where the typing is needed.
            Some(field) => {
                set_focus(state, Focus::Field(field));
                let fetch = keymap::label(Context::Field, &Action::Fetch);
                let leave = keymap::label(Context::Field, &Action::LeaveField);
                state.notify(
                    Level::Info,
                    format!(
                        "type the {}, then {fetch} fetches ({leave} leaves the field)",
                        field.label().to_lowercase()
                    ),
                );
                vec![]
            }
            None => fetch(state),
        },
    }
}

/// The first field a fetch cannot do without that is empty (the endpoint, the token); none when
/// a bundle is open offline (nothing is fetched there, and the fetch says so).
fn missing_field(state: &AppState) -> Option<Field> {
    if state.offline.is_some() {
        return None;
    }
    [Field::Endpoint, Field::Token]
        .into_iter()
        .find(|f| state.value(*f).trim().is_empty())
}

/// Enter on a finding: the message it names in the timeline, else the participant it names.
fn show_evidence(state: &mut AppState) -> Vec<Effect> {
    let Some(evidence) = state.findings.as_ref().and_then(|f| {
        f.diagnosis
            .findings
            .get(f.selected)
            .map(|finding| finding.evidence.clone())
    }) else {
        return vec![];
    };
    if let Some(id) = evidence.message_ids.first() {
        let effects = jump(state, id);
        if state.message_source == MessageSource::Timeline {
            show_tab(state, DetailTab::Message);
        }
        return effects;
    }
    let Some(raw_id) = evidence.raw_ids.first() else {
        state.notify(Level::Info, "this finding names no message or participant");
        return vec![];
    };
    let position = state
        .participants
        .items
        .iter()
        .position(|p| p.communication_identifier.raw_id() == *raw_id);
    match position {
        Some(i) => {
            state.participants.selected = i;
            show_tab(state, DetailTab::Participants);
        }
        None => state.notify(
            Level::Info,
            format!("{raw_id} is not in the participants list (removed, or never added)"),
        ),
    }
    vec![]
}

/// Enter on a timeline row: the Message tab shows it, and the status line says so.
fn open_selected_message(state: &mut AppState) -> Vec<Effect> {
    state.message_source = MessageSource::Timeline;
    show_tab(state, DetailTab::Message);
    let raw = keymap::label(Context::Results, &Action::ToggleRaw);
    let scroll = keymap::label(Context::Results, &Action::ScrollDetail(1));
    if let Some(m) = state.selected_message() {
        state.notify(
            Level::Info,
            format!(
                "message #{} ({}) in the Message tab: {scroll} scrolls it, {raw} shows its JSON",
                m.sequence_id,
                crate::sanitize::one_line(&m.id)
            ),
        );
    }
    vec![]
}

/// `a` on a participant: the timeline and the diagnosis take their view (dimming what they cannot
/// see); `a` on the same participant again goes back to the token's own view.
pub(super) fn view_as(state: &mut AppState) -> Vec<Effect> {
    let tab = keymap::key(Context::Results, &Action::ShowTab(DetailTab::Participants));
    if state.tab != DetailTab::Participants {
        state.notify(
            Level::Info,
            format!("pick whose view to take in the Participants tab ({tab}) first"),
        );
        return vec![];
    }
    let Some(raw_id) = state
        .participants
        .selected_item()
        .map(|p| p.communication_identifier.raw_id())
    else {
        return vec![];
    };
    if state.as_identity.as_deref() == Some(raw_id.as_str()) {
        state.as_identity = None;
        state.notify(Level::Info, "the timeline shows the token's own view again");
    } else {
        state.as_identity = Some(raw_id);
        crate::tui::findings::refresh(state);
        let (visible, total) = state
            .findings
            .as_ref()
            .and_then(|f| f.diagnosis.view.as_ref())
            .map_or((0, 0), |v| (v.visible_count(), v.messages.len()));
        let who = state
            .participants
            .selected_item()
            .and_then(|p| p.display_name.clone())
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| state.as_identity.clone().unwrap_or_default());
        state.notify(
            Level::Info,
            format!(
                "as {who}: sees {visible} of {total} loaded messages; what it cannot see is dimmed"
            ),
        );
        return vec![];
    }
    crate::tui::findings::refresh(state);
    vec![]
}

/// Enter on a read receipt: the message it was sent for, in the timeline and the message tab.
fn show_read_message(state: &mut AppState) -> Vec<Effect> {
    let Some(id) = state
        .receipts
        .selected_item()
        .map(|r| r.chat_message_id.clone())
    else {
        return vec![];
    };
    let effects = jump(state, &id);
    if state.message_source == MessageSource::Timeline {
        show_tab(state, DetailTab::Message);
    }
    effects
}

fn open_selected_thread(state: &mut AppState) -> Vec<Effect> {
    match state.threads.selected_item().map(|t| t.id.clone()) {
        Some(id) => open_thread(state, &id),
        None => {
            state.notify(Level::Info, "no thread selected");
            vec![]
        }
    }
}

/// One screen: of the overlay on top, else of the timeline.
pub(super) fn page(state: &AppState) -> isize {
    let rows = if state.overlays.is_empty() {
        layout::timeline_rows(state)
    } else {
        overlay_rows(state)
    };
    rows.max(1) as isize
}

/// Text rows inside a full-screen overlay.
pub(super) fn overlay_rows(state: &AppState) -> usize {
    usize::from(state.size.1.saturating_sub(4))
}

pub(super) fn scroll(state: &mut AppState, delta: isize) -> Vec<Effect> {
    let rows = overlay_rows(state);
    let (exchanges, recent) = (state.exchanges.len(), state.recent.ids.len());
    // The last line stops at the bottom of the box: never a blank page.
    let help_max = help::line_count(state).saturating_sub(help::rows(state.size));
    let notices_max = notices::max_scroll(state);
    match state.overlays.top_mut() {
        Some(Overlay::Help(offset)) => {
            *offset = step(usize::from(*offset), delta, help_max) as u16;
        }
        Some(Overlay::Notices(offset)) => {
            *offset = step(*offset, delta, notices_max);
        }
        Some(Overlay::Copy(menu)) => {
            menu.selected = step(menu.selected, delta, menu.choices.len().saturating_sub(1));
        }
        Some(Overlay::Profiles(picker)) => {
            let max = picker.len(recent).saturating_sub(1);
            picker.selected = step(picker.selected, delta, max);
        }
        Some(Overlay::Raw(raw)) => {
            let max = crate::tui::raw_view::max_scroll(raw.lines.len(), rows);
            raw.scroll = step(raw.scroll, delta, max);
        }
        Some(Overlay::Log(selected)) => {
            *selected = step(*selected, delta, exchanges.saturating_sub(1));
        }
        Some(Overlay::Prompt(_)) => {}
        Some(Overlay::Search) => {
            if let Some(results) = &mut state.search {
                let last = results.found.len().saturating_sub(1);
                results.selected = step(results.selected, delta, last);
            }
        }
        None if delta == 0 => {}
        None if state.focus == Focus::Details => return scroll_detail(state, delta),
        None => return move_timeline(state, delta),
    }
    vec![]
}

pub(super) fn scroll_detail(state: &mut AppState, delta: isize) -> Vec<Effect> {
    reveal(state, Focus::Details);
    if let Some((selected, len)) = list_selection(state) {
        *selected = step(*selected, delta, len.saturating_sub(1));
    } else if !state.tab.is_list() {
        state.detail_scroll = step(state.detail_scroll as usize, delta, 10_000) as u16;
    }
    vec![]
}

/// The selection of the list tab shown and how many items it shows; none on other tabs (and on
/// the Findings tab before a diagnosis).
pub(super) fn list_selection(state: &mut AppState) -> Option<(&mut usize, usize)> {
    match state.tab {
        DetailTab::Participants => Some(listed(&mut state.participants)),
        DetailTab::Receipts => Some(listed(&mut state.receipts)),
        DetailTab::Threads => Some(listed(&mut state.threads)),
        DetailTab::Findings => {
            let f = state.findings.as_mut()?;
            Some((&mut f.selected, f.diagnosis.findings.len()))
        }
        DetailTab::Thread | DetailTab::Message | DetailTab::Token => None,
    }
}

pub(super) fn step(value: usize, delta: isize, max: usize) -> usize {
    value.saturating_add_signed(delta).min(max)
}

fn listed<T>(list: &mut Listing<T>) -> (&mut usize, usize) {
    let len = list.shown_len();
    (&mut list.selected, len)
}

pub(super) fn move_timeline(state: &mut AppState, delta: isize) -> Vec<Effect> {
    let len = state.timeline.data.len();
    if len == 0 {
        return vec![];
    }
    state.timeline.selected = step(state.timeline.selected, delta, len - 1);
    // Only `G` (a jump past the end) keeps following the end as pages arrive.
    state.timeline.follow_end = delta >= isize::MAX / 2 && !state.timeline.data.oldest_first;
    state.message_source = MessageSource::Timeline;
    keep_selection_visible(state);
    more_messages(state)
}

/// Moves the window so the selected row is on screen.
pub(super) fn keep_selection_visible(state: &mut AppState) {
    let rows = layout::timeline_rows(state).max(1);
    let t = &mut state.timeline;
    let len = t.data.len();
    t.selected = t.selected.min(len.saturating_sub(1));
    if t.selected < t.offset {
        t.offset = t.selected;
    } else if t.selected >= t.offset + rows {
        t.offset = t.selected + 1 - rows;
    }
    t.offset = t.offset.min(len.saturating_sub(rows));
}

/// Asks for the next page when the selection nears the end of what is loaded.
pub(super) fn more_messages(state: &mut AppState) -> Vec<Effect> {
    let rows = layout::timeline_rows(state).max(1);
    let t = &mut state.timeline;
    let remaining = t.data.len().saturating_sub(t.selected + 1);
    let near_end = if t.data.oldest_first {
        t.selected < rows * 2
    } else {
        remaining < rows * 2
    };
    if !t.open || !t.has_more || t.page_pending || !near_end {
        return vec![];
    }
    let Some(id) = state.loads.resume(Slot::Timeline, state.now) else {
        return vec![];
    };
    state.timeline.page_pending = true;
    vec![Effect::MoreMessages(id)]
}

pub(super) fn toggle_order(state: &mut AppState) -> Vec<Effect> {
    let t = &mut state.timeline;
    t.data.oldest_first = !t.data.oldest_first;
    let len = t.data.len();
    t.selected = len.saturating_sub(1).saturating_sub(t.selected);
    let order = if t.data.oldest_first {
        "oldest"
    } else {
        "newest"
    };
    state.notify(Level::Info, format!("timeline: {order} first"));
    keep_selection_visible(state);
    more_messages(state)
}

pub(super) fn open_prompt(state: &mut AppState, kind: PromptKind) -> Vec<Effect> {
    if kind == PromptKind::RawSearch && !state.overlays.top_is(Context::Raw) {
        return vec![];
    }
    // The filter and the jump act on the timeline: it comes into view in a small window.
    if matches!(kind, PromptKind::Filter | PromptKind::Jump) {
        reveal(state, Focus::Timeline);
    }
    let before = filter::current(state, kind);
    let mut input = TextArea::default();
    input.insert_str(&before);
    state.overlays.push(Overlay::Prompt(Prompt {
        kind,
        input,
        before,
    }));
    vec![]
}

pub(super) fn submit_prompt(state: &mut AppState) -> Vec<Effect> {
    let Some(Overlay::Prompt(prompt)) = state.overlays.pop() else {
        return vec![];
    };
    let text = prompt.text();
    match prompt.kind {
        PromptKind::Filter => filter::submit(state, &text),
        PromptKind::Jump => jump(state, &text),
        PromptKind::Search => super::threads::search(state, &text),
        PromptKind::RawSearch => {
            let found = state
                .overlays
                .raw()
                .and_then(|r| r.search.as_ref())
                .map(|s| s.hits.len());
            if let Some(hits) = found {
                let next = keymap::label(Context::Raw, &Action::SearchStep(true));
                let lines = if hits == 1 {
                    "line holds"
                } else {
                    "lines hold"
                };
                state.notify(
                    Level::Info,
                    format!(
                        "{hits} {lines} \"{}\" ({next} goes to the next)",
                        text.trim()
                    ),
                );
            }
            vec![]
        }
    }
}

pub(super) fn jump(state: &mut AppState, text: &str) -> Vec<Effect> {
    let text = text.trim();
    if text.is_empty() {
        return vec![];
    }
    let t = &mut state.timeline;
    let Some(index) = t.data.find(text) else {
        return fetch_one_message(state, text);
    };
    let Some(row) = t.data.row_of(index) else {
        state.notify(
            Level::Warn,
            format!(
                "message {text} is hidden by the filter ({} clears it)",
                keymap::key(Context::Results, &Action::Cancel)
            ),
        );
        return vec![];
    };
    t.selected = row;
    state.message_source = MessageSource::Timeline;
    state.focus = Focus::Timeline;
    state.sync_field_styles();
    keep_selection_visible(state);
    more_messages(state)
}

pub(super) fn text_input(state: &mut AppState, input: Input) -> Vec<Effect> {
    // Fields and prompts hold one line: whatever would insert a line break is ignored.
    let breaks_line = matches!(input.key, Key::Enter | Key::Char('\n' | '\r'))
        || (input.ctrl && matches!(input.key, Key::Char('m' | 'j')));
    if breaks_line {
        return vec![];
    }
    if let Some(Overlay::Prompt(prompt)) = state.overlays.top_mut() {
        prompt.input.input(input);
        return filter::live(state);
    } else if let Focus::Field(field) = state.focus {
        state.fields.area_mut(field).input(input);
        state.input_error = None;
    }
    vec![]
}

pub(super) fn paste(state: &mut AppState, text: &str) -> Vec<Effect> {
    let text = single_line(text);
    if let Some(Overlay::Prompt(prompt)) = state.overlays.top_mut() {
        prompt.input.insert_str(&text);
        return filter::live(state);
    }
    let (field, moved) = match state.focus {
        Focus::Field(field) => (field, false),
        // Outside the fields a paste goes where its shape says it belongs.
        _ => match field_for(&text) {
            Some(field) => {
                state.set_value(field, "");
                set_focus(state, Focus::Field(field));
                (field, true)
            }
            None => {
                let next = keymap::key(Context::Results, &Action::FocusNext);
                state.notify(
                    Level::Info,
                    format!("focus a field ({next}) to paste into it"),
                );
                return vec![];
            }
        },
    };
    state.fields.area_mut(field).insert_str(&text);
    state.input_error = None;
    if field == Field::Token {
        let summary = super::super::state::token_summary(&state.value(Field::Token), state.now);
        let level = if summary.contains("not ") {
            Level::Warn
        } else {
            Level::Info
        };
        state.notify(level, format!("Token field: {summary}"));
    } else if moved {
        state.notify(
            Level::Info,
            format!("pasted into the {} field", field.label()),
        );
    }
    vec![]
}

/// The field a pasted text belongs in, by its shape; `None` when it is not clear.
fn field_for(text: &str) -> Option<Field> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("endpoint=")
    {
        Some(Field::Endpoint)
    } else if text.starts_with("eyJ") && text.matches('.').count() == 2 {
        Some(Field::Token)
    } else if text.starts_with("19:") {
        Some(Field::Thread)
    } else if text.len() >= 10 && text.chars().all(|c| c.is_ascii_digit()) {
        Some(Field::Message)
    } else {
        None
    }
}
