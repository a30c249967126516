//! Clicks and the wheel, mapped through the same layout the view draws: a click focuses and
//! selects what is under it (a field, a timeline row, a list item, a tab, a pane), the wheel
//! scrolls what is under it (over an overlay, the overlay).

use ratatui::layout::{Margin, Position, Rect};

use super::super::state::{AppState, DetailTab, Field, Focus};
use super::super::view::single::{Pane, pane_ranges};
use super::super::view::{findings, input, layout, list, tab_ranges, timeline};
use super::Effect;
use super::navigate::{
    keep_selection_visible, list_selection, more_messages, scroll, set_focus, show_tab,
};

pub(super) fn click(state: &mut AppState, column: u16, row: u16) -> Vec<Effect> {
    let at = Position::new(column, row);
    // Overlays take keys; the wheel scrolls them, clicks leave them be.
    if !state.overlays.is_empty() || layout::too_small(state.size) {
        return vec![];
    }
    let areas = layout::areas(state);
    if areas.single {
        return click_single(state, &areas, at);
    }
    if areas.input.contains(at) {
        return click_field(state, areas.input, at);
    }
    if areas.timeline.contains(at) {
        return click_timeline(state, areas.timeline, at);
    }
    if areas.detail.contains(at) {
        return click_details(state, areas.detail, at);
    }
    vec![]
}

pub(super) fn wheel(state: &mut AppState, column: u16, row: u16, delta: i8) -> Vec<Effect> {
    let delta = isize::from(delta);
    if !state.overlays.is_empty() || layout::too_small(state.size) {
        return scroll(state, delta);
    }
    let areas = layout::areas(state);
    let at = Position::new(column, row);
    if !areas.single && areas.timeline.contains(at) {
        set_focus(state, Focus::Timeline);
    } else if !areas.single && areas.detail.contains(at) {
        set_focus(state, Focus::Details);
    }
    if state.focus.is_field() {
        return vec![];
    }
    scroll(state, delta)
}

fn click_single(state: &mut AppState, areas: &layout::Areas, at: Position) -> Vec<Effect> {
    if areas.panes.contains(at) {
        let hit = pane_ranges(state, areas.panes)
            .into_iter()
            .find(|(_, range)| range.contains(&at.x));
        return match hit.map(|(pane, _)| pane) {
            Some(Pane::Fields) => set_focus(state, Focus::Field(Field::Endpoint)),
            Some(Pane::Timeline) => set_focus(state, Focus::Timeline),
            Some(Pane::Tab(tab)) => {
                set_focus(state, Focus::Details);
                show_tab(state, tab)
            }
            None => vec![],
        };
    }
    match state.focus {
        Focus::Field(_) => {
            let index = usize::from(at.y.saturating_sub(areas.input.y));
            match Field::ALL.get(index) {
                Some(field) => set_focus(state, Focus::Field(*field)),
                None => vec![],
            }
        }
        Focus::Timeline => click_timeline(state, areas.timeline, at),
        Focus::Details => click_details(state, areas.detail, at),
    }
}

fn click_field(state: &mut AppState, area: Rect, at: Position) -> Vec<Effect> {
    // Inside the border: two rows of two fields.
    let row = at.y.saturating_sub(area.y + 1);
    let inner = Rect::new(area.x + 1, area.y + 1, area.width.saturating_sub(2), 1);
    let [left, _] = input::halves(inner);
    let right = at.x >= left.right();
    let field = match (row, right) {
        (0, false) => Field::Endpoint,
        (0, true) => Field::Token,
        (_, false) => Field::Thread,
        (_, true) => Field::Message,
    };
    set_focus(state, Focus::Field(field))
}

fn click_timeline(state: &mut AppState, area: Rect, at: Position) -> Vec<Effect> {
    set_focus(state, Focus::Timeline);
    let t = &state.timeline;
    let height = usize::from(area.height.saturating_sub(2));
    let window = timeline::window(t.data.len(), t.selected, t.offset, height);
    let row = usize::from(at.y.saturating_sub(area.y + 1)) + window.start;
    if at.y > area.y && row < window.end {
        state.timeline.selected = row;
        state.timeline.offset = window.start;
        state.message_source = super::super::state::MessageSource::Timeline;
        keep_selection_visible(state);
        return more_messages(state);
    }
    vec![]
}

fn click_details(state: &mut AppState, area: Rect, at: Position) -> Vec<Effect> {
    if at.y == area.y {
        let hit = tab_ranges(area)
            .into_iter()
            .find(|(_, range)| range.contains(&at.x));
        return match hit {
            Some((tab, _)) => {
                set_focus(state, Focus::Details);
                show_tab(state, tab)
            }
            None => vec![],
        };
    }
    set_focus(state, Focus::Details);
    let bounds = match state.tab {
        DetailTab::Findings => findings::DETAIL_ROWS,
        _ => list::DETAIL_ROWS,
    };
    let [top, _] = list::areas(area.inner(Margin::new(1, 1)), bounds);
    if let Some((selected, len)) = list_selection(state)
        && let Some(row) = list::item_at(top, len, *selected, at.y)
    {
        *selected = row;
    }
    vec![]
}
