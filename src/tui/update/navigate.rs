//! Moving around: focus, tabs, scrolling, the timeline's cursor and paging, filter and jump, typing.

use super::*;

pub(super) fn set_focus(state: &mut AppState, focus: Focus) -> Vec<Effect> {
    state.focus = focus;
    state.sync_field_styles();
    vec![]
}

pub(super) fn show_tab(state: &mut AppState, tab: DetailTab) -> Vec<Effect> {
    state.tab = tab;
    state.detail_scroll = 0;
    // Lists are for picking: j/k and Enter should act on them at once.
    if is_list(tab) && !state.focus.is_field() {
        state.focus = Focus::Details;
    }
    vec![]
}

pub(super) fn is_list(tab: DetailTab) -> bool {
    matches!(
        tab,
        DetailTab::Participants | DetailTab::Receipts | DetailTab::Threads
    )
}

pub(super) fn activate(state: &mut AppState) -> Vec<Effect> {
    if state.profiles.is_some() {
        return picker_enter(state);
    }
    if let Some(menu) = &state.copy {
        let target = menu.choices.get(menu.selected).map(|c| c.target);
        return target.map_or_else(Vec::new, |t| copy_target(state, t));
    }
    if let Some(selected) = state.log {
        // The log lists newest first.
        let index = state.exchanges.len().checked_sub(selected + 1);
        if let Some(exchange) = index
            .and_then(|i| state.exchanges.get(i))
            .map(|l| l.exchange.clone())
        {
            state.raw = Some(raw_view_of(state, exchange));
        }
        return vec![];
    }
    match state.focus {
        Focus::Timeline if !state.timeline.data.is_empty() => {
            state.message_source = MessageSource::Timeline;
            show_tab(state, DetailTab::Message)
        }
        Focus::Details if state.tab == DetailTab::Threads => open_selected_thread(state),
        Focus::Details if state.tab == DetailTab::Receipts => show_read_message(state),
        _ => fetch(state),
    }
}

/// Enter on a read receipt: the message it was sent for, in the timeline and the message tab.
fn show_read_message(state: &mut AppState) -> Vec<Effect> {
    let Some(id) = state
        .receipts
        .items
        .get(state.receipts.selected)
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

pub(super) fn open_selected_thread(state: &mut AppState) -> Vec<Effect> {
    let Some(id) = state
        .threads
        .items
        .get(state.threads.selected)
        .map(|t| t.id.clone())
    else {
        state.notify(Level::Info, "no thread selected");
        return vec![];
    };
    state.set_value(Field::Thread, &id);
    state.set_value(Field::Message, "");
    let effects = fetch(state);
    state.tab = DetailTab::Thread;
    set_focus(state, Focus::Timeline);
    effects
}

pub(super) fn page(state: &AppState) -> isize {
    layout::timeline_rows(state.size).max(1) as isize
}

pub(super) fn scroll(state: &mut AppState, delta: isize) -> Vec<Effect> {
    if let Some(offset) = &mut state.help {
        let help = crate::tui::view::help::lines().len() + crate::tui::view::help::HEADER_LINES;
        let max = help.saturating_sub(1);
        *offset = step(*offset as usize, delta, max) as u16;
        return vec![];
    }
    if let Some(menu) = &mut state.copy {
        menu.selected = step(menu.selected, delta, menu.choices.len().saturating_sub(1));
        return vec![];
    }
    if let Some(picker) = &mut state.profiles {
        let max = picker.len(&state.recent_threads).saturating_sub(1);
        picker.selected = step(picker.selected, delta, max);
        return vec![];
    }
    if let Some(raw) = &mut state.raw {
        let rows = usize::from(state.size.1.saturating_sub(4));
        let max = crate::tui::raw_view::max_scroll(raw.lines.len(), rows);
        raw.scroll = step(raw.scroll, delta, max);
        return vec![];
    }
    if let Some(selected) = &mut state.log {
        *selected = step(*selected, delta, state.exchanges.len().saturating_sub(1));
        return vec![];
    }
    match state.focus {
        Focus::Details => scroll_detail(state, delta),
        _ => move_timeline(state, delta),
    }
}

pub(super) fn scroll_detail(state: &mut AppState, delta: isize) -> Vec<Effect> {
    match state.tab {
        DetailTab::Participants => step_list(&mut state.participants, delta),
        DetailTab::Receipts => step_list(&mut state.receipts, delta),
        DetailTab::Threads => step_list(&mut state.threads, delta),
        DetailTab::Thread | DetailTab::Message | DetailTab::Token => {
            state.detail_scroll = step(state.detail_scroll as usize, delta, 10_000) as u16;
        }
    }
    vec![]
}

pub(super) fn step(value: usize, delta: isize, max: usize) -> usize {
    value.saturating_add_signed(delta).min(max)
}

pub(super) fn step_list<T>(list: &mut Listing<T>, delta: isize) {
    list.selected = step(list.selected, delta, list.items.len().saturating_sub(1));
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
    let rows = layout::timeline_rows(state.size).max(1);
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
    let mut input = TextArea::default();
    if let (PromptKind::Filter, Some(filter)) = (kind, state.timeline.data.filter()) {
        input.insert_str(filter);
    }
    state.prompt = Some(Prompt { kind, input });
    vec![]
}

pub(super) fn submit_prompt(state: &mut AppState) -> Vec<Effect> {
    let Some(prompt) = state.prompt.take() else {
        return vec![];
    };
    let text = prompt.input.lines().join("");
    match prompt.kind {
        PromptKind::Filter => apply_filter(state, &text),
        PromptKind::Jump => jump(state, &text),
    }
}

pub(super) fn apply_filter(state: &mut AppState, text: &str) -> Vec<Effect> {
    let t = &mut state.timeline;
    t.data.set_filter(text);
    t.selected = 0;
    t.offset = 0;
    let message = match t.data.filter() {
        Some(f) => format!(
            "filter \"{f}\": {} of {} loaded",
            t.data.len(),
            t.data.loaded()
        ),
        None => "filter cleared".to_string(),
    };
    state.notify(Level::Info, message);
    state.message_source = MessageSource::Timeline;
    more_messages(state)
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
            format!("message {text} is hidden by the filter (Esc clears it)"),
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
    if let Some(prompt) = &mut state.prompt {
        prompt.input.input(input);
    } else if let Focus::Field(field) = state.focus {
        state.field_mut(field).input(input);
        state.input_error = None;
    }
    vec![]
}

pub(super) fn paste(state: &mut AppState, text: &str) -> Vec<Effect> {
    let text = single_line(text);
    if let Some(prompt) = &mut state.prompt {
        prompt.input.insert_str(&text);
    } else if let Focus::Field(field) = state.focus {
        state.field_mut(field).insert_str(&text);
        state.input_error = None;
    } else {
        state.notify(Level::Info, "focus a field (Tab) to paste into it");
    }
    vec![]
}
