//! The layout of a window smaller than 80x24: one pane at a time, the focused one, under a row
//! naming the panes. Tab moves between them, the tab keys pick a detail tab; what a key acts on
//! is always the pane on screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::state::{AppState, DetailTab, Field, Focus};
use super::layout::Areas;
use super::{input, render_details, timeline};

/// What the pane row offers, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Fields,
    Timeline,
    Tab(DetailTab),
}

impl Pane {
    fn all() -> impl Iterator<Item = Pane> {
        [Pane::Fields, Pane::Timeline]
            .into_iter()
            .chain(DetailTab::ALL.into_iter().map(Pane::Tab))
    }

    /// The pane showing what has focus.
    pub fn of(state: &AppState) -> Pane {
        match state.focus {
            Focus::Field(_) => Pane::Fields,
            Focus::Timeline => Pane::Timeline,
            Focus::Details => Pane::Tab(state.tab),
        }
    }

    /// The name in the pane row: the current pane in full, detail tabs otherwise by their key.
    fn label(self, current: bool) -> String {
        match self {
            Pane::Fields => "fields".into(),
            Pane::Timeline => "timeline".into(),
            Pane::Tab(tab) => {
                let key = keymap::key(Context::Results, &Action::ShowTab(tab));
                if current {
                    format!("{key} {}", tab.title())
                } else {
                    key.to_string()
                }
            }
        }
    }
}

/// Where each pane's name is in the pane row (for clicks).
pub fn pane_ranges(state: &AppState, row: Rect) -> Vec<(Pane, std::ops::Range<u16>)> {
    let current = Pane::of(state);
    let mut x = row.x + 1;
    Pane::all()
        .map(|pane| {
            let width = pane.label(pane == current).width() as u16;
            let range = x..x + width;
            x += width + 1;
            (pane, range)
        })
        .collect()
}

pub fn render(state: &AppState, frame: &mut Frame, areas: &Areas) {
    let current = Pane::of(state);
    let mut spans = vec![Span::raw(" ")];
    for pane in Pane::all() {
        let style = if pane == current {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::default().fg(Color::Gray)
        };
        spans.push(Span::styled(pane.label(pane == current), style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        format!(
            "· {} next pane",
            keymap::label(Context::Results, &Action::FocusNext)
        ),
        Style::default().fg(Color::DarkGray),
    ));
    frame.render_widget(Line::from(spans), areas.panes);
    match current {
        Pane::Fields => render_fields(state, frame, areas.input),
        Pane::Timeline => timeline::render(state, frame, areas.timeline),
        Pane::Tab(_) => render_details(state, frame, areas.detail, false),
    }
}

/// The four fields, one per line.
fn render_fields(state: &AppState, frame: &mut Frame, area: Rect) {
    let rows = Layout::vertical([Constraint::Length(1); 4]).split(area);
    for (row, field) in rows.iter().zip(Field::ALL) {
        let [label, value] =
            Layout::horizontal([Constraint::Length(9), Constraint::Fill(1)]).areas(*row);
        let style = if state.focus == Focus::Field(field) {
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(Color::Gray)
        };
        frame.render_widget(Span::styled(field.label(), style), label);
        input::render_value(state, frame, value, field);
    }
}
