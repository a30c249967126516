//! Rendering: pure functions of the state, one file per panel.

pub mod attachments;
pub mod copy;
pub mod error;
pub mod findings;
pub mod help;
pub mod html;
pub mod input;
pub mod layout;
pub mod legend;
pub mod list;
pub mod log;
pub mod message;
pub mod metadata;
pub mod notices;
pub mod participants;
pub mod profiles;
pub mod raw;
pub mod receipts;
pub mod retention;
pub mod search;
pub mod single;
pub mod status;
pub mod thread;
pub mod threads;
pub mod timeline;
pub mod token;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Margin, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::sanitize::{mask_secrets, one_line};

use super::action::Action;
use super::keymap::{self, Context};
use super::state::{AppState, DetailTab, Focus, LoadStatus, Overlay};

/// Draws the whole screen.
pub fn render(state: &AppState, frame: &mut Frame) {
    let area = frame.area();
    if layout::too_small((area.width, area.height)) {
        render_too_small(frame, area);
    } else {
        render_screen(state, frame, area);
    }
    if state.settings.no_color {
        // NO_COLOR (no-color.org): no colour, and no bold, reverse or underline either.
        frame.buffer_mut().set_style(area, Style::reset());
    }
}

fn render_screen(state: &AppState, frame: &mut Frame, area: Rect) {
    let areas = layout::split(area, status::height(state, area.width));
    if areas.single {
        single::render(state, frame, &areas);
    } else {
        input::render(state, frame, areas.input);
        timeline::render(state, frame, areas.timeline);
        render_details(state, frame, areas.detail, areas.wide);
    }
    status::render(state, frame, areas.status);
    // Bottom first, so the top overlay is drawn last.
    for overlay in state.overlays.iter() {
        match overlay {
            Overlay::Help(scroll) => help::render(state, *scroll, frame, area),
            Overlay::Copy(menu) => copy::render(menu, frame, area),
            Overlay::Raw(view) => raw::render(view, frame, area),
            Overlay::Log(selected) => log::render(state, *selected, frame, area),
            Overlay::Profiles(picker) => profiles::render(state, picker, frame, area),
            Overlay::Notices(scroll) => notices::render(state, *scroll, frame, area),
            Overlay::Search => search::render(state, frame, area),
            // The prompt lives in the status line.
            Overlay::Prompt(_) => {}
        }
    }
}

fn render_too_small(frame: &mut Frame, area: Rect) {
    let (w, h) = layout::MIN_SINGLE_PANE;
    let text = format!(
        "window too small ({}x{}), need {w}x{h}",
        area.width, area.height
    );
    let y = area.height.saturating_sub(1) / 2;
    let rows = Rect::new(area.x, area.y + y, area.width, area.height - y);
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true })
            .bold(),
        rows,
    );
}

/// The tabbed detail area, with "more below" on its bottom border when its text goes on. In the
/// single-pane layout the pane row names the tabs, and the border only the current one.
pub fn render_details(state: &AppState, frame: &mut Frame, area: Rect, wide: bool) {
    let titles = if area.width < layout::MIN_SIZE.0 {
        Line::from(format!(" {} ", tab_title(state.tab)))
    } else {
        tab_titles(state.tab)
    };
    let block = panel_block("", state.focus == Focus::Details).title(titles);
    let inner = block.inner(area);
    let columns = wide.then(|| {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
            .areas::<2>(inner)
    });
    // Text widths of the first panel and of the others (inside their borders when side by side).
    let (first, rest) = match columns {
        Some([l, r]) => (l.width.saturating_sub(2), r.width.saturating_sub(2)),
        None => (inner.width, inner.width),
    };
    // Decoded once per frame: timeline messages are stored as JSON text.
    let shown = match state.tab {
        DetailTab::Message => state.shown_message(),
        _ => None,
    };
    let panels: Vec<(&str, Vec<Line<'static>>)> = match state.tab {
        DetailTab::Thread => vec![
            ("Thread", thread::lines(state, first)),
            ("Retention policy", retention::lines(state)),
            ("Thread metadata", metadata::thread_lines(state)),
        ],
        DetailTab::Message => vec![
            ("Message", message::lines(state, shown.as_deref(), first)),
            (
                "Attachments",
                attachments::lines(shown.as_deref(), &state.images, rest),
            ),
            (
                "Message metadata",
                metadata::message_lines(shown.as_deref()),
            ),
        ],
        DetailTab::Participants
        | DetailTab::Receipts
        | DetailTab::Threads
        | DetailTab::Findings => {
            frame.render_widget(block, area);
            return match state.tab {
                DetailTab::Participants => participants::render(state, frame, inner),
                DetailTab::Receipts => receipts::render(state, frame, inner),
                DetailTab::Findings => findings::render(state, frame, inner),
                _ => threads::render(state, frame, inner),
            };
        }
        DetailTab::Token => {
            let full = if wide {
                inner.width.saturating_sub(2)
            } else {
                inner.width
            };
            vec![("Token", token::lines(state, full))]
        }
    };
    match columns {
        Some(_) if state.tab == DetailTab::Message => {
            frame.render_widget(block, area);
            render_message_wide(state, frame, inner, shown.as_deref(), panels);
        }
        Some(columns) => {
            frame.render_widget(block, area);
            render_columns(state, frame, columns, panels);
        }
        None => render_stacked(state, frame, (block, area), inner, panels),
    }
}

/// A wide Message tab: the message and its metadata side by side, and the attachments across the
/// whole width below them, so that urls read on one or two lines.
fn render_message_wide(
    state: &AppState,
    frame: &mut Frame,
    inner: Rect,
    shown: Option<&crate::acs::ChatMessage>,
    mut panels: Vec<(&str, Vec<Line<'static>>)>,
) {
    let full = inner.width.saturating_sub(2);
    let wanted = attachments::height(shown, &state.images, full) as u16 + 2;
    let bottom = wanted.min(inner.height / 2).max(3);
    let [top, below] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(bottom)]).areas(inner);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
    let metadata = panels.remove(2);
    let _ = panels.remove(1);
    let message = panels.remove(0);
    render_boxed(frame, left, message, state.detail_scroll);
    render_boxed(frame, right, metadata, 0);
    render_boxed(
        frame,
        below,
        (
            "Attachments",
            attachments::lines(shown, &state.images, full),
        ),
        0,
    );
}

/// Panels as sections of one scrollable text.
fn render_stacked(
    state: &AppState,
    frame: &mut Frame,
    (block, outer): (Block<'static>, Rect),
    area: Rect,
    panels: Vec<(&str, Vec<Line<'static>>)>,
) {
    let mut lines = Vec::new();
    // The tab names the first panel; the others get a heading.
    for (i, (title, body)) in panels.into_iter().enumerate() {
        if i > 0 {
            lines.push(heading(title));
        }
        lines.extend(body);
    }
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
    let total = paragraph.line_count(area.width);
    let scroll = usize::from(state.detail_scroll);
    let block = match more_below(total, scroll, usize::from(area.height)) {
        Some(more) => block.title_bottom(more),
        None => block,
    };
    frame.render_widget(block, outer);
    frame.render_widget(paragraph.scroll((state.detail_scroll, 0)), area);
}

/// The first panel on the left, the others stacked on the right, each as tall as its lines ask
/// (a message's attachments get room before its metadata).
fn render_columns(
    state: &AppState,
    frame: &mut Frame,
    [left, right]: [Rect; 2],
    mut panels: Vec<(&str, Vec<Line<'static>>)>,
) {
    let first = panels.remove(0);
    if panels.is_empty() {
        let whole = Rect::new(left.x, left.y, left.width + right.width, left.height);
        return render_boxed(frame, whole, first, state.detail_scroll);
    }
    render_boxed(frame, left, first, state.detail_scroll);
    let heights: Vec<Constraint> = panels
        .iter()
        .map(|(_, lines)| Constraint::Fill(lines.len().clamp(1, 12) as u16))
        .collect();
    let rows = Layout::vertical(heights).split(right);
    for (panel, rect) in panels.into_iter().zip(rows.iter()) {
        render_boxed(frame, *rect, panel, 0);
    }
}

fn render_boxed(
    frame: &mut Frame,
    area: Rect,
    (title, lines): (&str, Vec<Line<'static>>),
    scroll: u16,
) {
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
    let inner = area.inner(Margin::new(1, 1));
    let total = paragraph.line_count(inner.width);
    let mut block = Block::bordered()
        .border_type(BorderType::Plain)
        .border_style(Style::default().fg(Color::DarkGray))
        .title(Span::styled(format!(" {title} "), Style::default().bold()));
    if let Some(more) = more_below(total, usize::from(scroll), usize::from(inner.height)) {
        block = block.title_bottom(more);
    }
    frame.render_widget(paragraph.block(block).scroll((scroll, 0)), area);
}

/// The tab row on the detail area's top border.
pub fn tab_titles(current: DetailTab) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for tab in DetailTab::ALL {
        let style = if tab == current {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::default().fg(Color::Gray)
        };
        spans.push(Span::styled(tab_title(tab), style));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

fn tab_title(tab: DetailTab) -> String {
    let key = keymap::key(Context::Results, &Action::ShowTab(tab));
    format!("{key} {}", tab.title())
}

/// The columns each tab's title takes on the top border of a detail area at `area` (for clicks).
pub fn tab_ranges(area: Rect) -> Vec<(DetailTab, std::ops::Range<u16>)> {
    // The title starts after the border's corner and a space.
    let mut x = area.x + 2;
    DetailTab::ALL
        .into_iter()
        .map(|tab| {
            let width = tab_title(tab).width() as u16;
            let range = x..x + width;
            x += width + 1;
            (tab, range)
        })
        .collect()
}

/// "↓ 12 more lines (J)" when `total` lines do not fit `height` rows from `scroll` on.
pub fn more_below(total: usize, scroll: usize, height: usize) -> Option<Line<'static>> {
    let hidden = total.saturating_sub(scroll + height);
    (hidden > 0).then(|| {
        let key = keymap::key(Context::Results, &Action::ScrollDetail(1));
        let lines = if hidden == 1 { "line" } else { "lines" };
        dim(format!(" ↓ {hidden} more {lines} ({key}) ")).right_aligned()
    })
}

/// Above data a refresh failed to replace: that it failed, why, what to do, and when what
/// follows was loaded. `None` unless the slot failed with data kept.
pub fn refresh_banner(
    state: &AppState,
    status: &LoadStatus,
    loaded_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Option<Vec<Line<'static>>> {
    let (LoadStatus::Failed(e), Some(at)) = (status, loaded_at) else {
        return None;
    };
    let red = Style::default().fg(Color::Red);
    Some(vec![
        Line::from(vec![
            Span::styled("⚠ refresh failed: ", red.add_modifier(Modifier::BOLD)),
            Span::styled(one_line(&e.to_string()).into_owned(), red),
        ]),
        Line::from(Span::styled(
            format!("→ {}", one_line(&e.hint())),
            Style::default().fg(Color::Yellow),
        )),
        dim(format!(
            "Below: what was loaded {}.",
            state.time_display.format(at, state.now)
        )),
    ])
}

/// A bordered panel; the focused one stands out.
/// An overlay's box: focused, titled, its keys dim on the right of the bottom border.
pub fn overlay_block(title: &str, keys: String) -> Block<'static> {
    panel_block(title, true).title_bottom(dim(keys).right_aligned())
}

pub fn panel_block(title: &str, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::default().fg(Color::Cyan)
    } else {
        Style::default().fg(Color::DarkGray)
    };
    let border = if focused {
        BorderType::Thick
    } else {
        BorderType::Plain
    };
    let block = Block::bordered().border_type(border).border_style(style);
    if title.is_empty() {
        block
    } else {
        block.title(Span::styled(
            format!(" {title} "),
            Style::default().bold().fg(Color::Reset),
        ))
    }
}

pub fn heading(title: &str) -> Line<'static> {
    Line::from(Span::styled(
        title.to_string(),
        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    ))
}

/// `label: value`, the value sanitized, and anything that looks like a token or key masked
/// (a service or a mistyped field can echo one).
pub fn field(label: &str, value: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            format!("{:<13}", one_line(label)),
            Style::default().fg(Color::Gray),
        ),
        Span::raw(one_line(&mask_secrets(value)).into_owned()),
    ])
}

/// `label: value` for long unbroken values (raw ids, urls): cut into pieces that fit `width`, so
/// the value starts on the label's line instead of wrapping below it.
pub fn long_field(label: &str, value: &str, width: u16) -> Vec<Line<'static>> {
    long_field_in(label, value, width, 13)
}

/// [`long_field`] with labels `label_width` columns wide.
pub fn long_field_in(label: &str, value: &str, width: u16, label_width: u16) -> Vec<Line<'static>> {
    let room = usize::from(width.saturating_sub(label_width)).max(10);
    let chars: Vec<char> = one_line(&mask_secrets(value)).chars().collect();
    if chars.is_empty() {
        return vec![field(label, "")];
    }
    chars
        .chunks(room)
        .enumerate()
        .map(|(i, piece)| {
            Line::from(vec![
                Span::styled(
                    format!(
                        "{:<width$}",
                        one_line(if i == 0 { label } else { "" }),
                        width = usize::from(label_width)
                    ),
                    Style::default().fg(Color::Gray),
                ),
                Span::raw(piece.iter().collect::<String>()),
            ])
        })
        .collect()
}

/// A note in grey (absent values, hints).
pub fn dim(text: impl Into<String>) -> Line<'static> {
    Line::from(Span::styled(
        text.into(),
        Style::default().fg(Color::DarkGray),
    ))
}

/// A service time in the chosen display, or what was sent when it does not parse.
pub fn time(state: &AppState, s: &str) -> String {
    one_line(&state.time_display.format_str(s, state.now)).into_owned()
}

/// Lines standing in for a panel's data while it is not loaded; `None` once loaded.
pub fn status_lines(
    state: &AppState,
    status: &LoadStatus,
    what: &str,
) -> Option<Vec<Line<'static>>> {
    match status {
        LoadStatus::Loaded => None,
        LoadStatus::Idle => Some(vec![dim(format!(
            "No {what} yet: fill in the fields and press {}.",
            keymap::key(Context::Field, &Action::Fetch)
        ))]),
        LoadStatus::Loading { started, .. } => Some(vec![Line::from(format!(
            "{} loading {what}… {}",
            spinner(state),
            elapsed(state, *started)
        ))]),
        LoadStatus::Cancelled => Some(vec![dim(format!(
            "Loading {what} was cancelled; {} fetches again.",
            keymap::key(Context::Results, &Action::Activate)
        ))]),
        LoadStatus::Failed(e) => Some(error::panel(state, e)),
    }
}

pub fn spinner(state: &AppState) -> &'static str {
    const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    FRAMES[state.spinner % FRAMES.len()]
}

pub fn elapsed(state: &AppState, started: chrono::DateTime<chrono::Utc>) -> String {
    let ms = (state.now - started).num_milliseconds().max(0);
    format!("{:.1} s", ms as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tab_fits_at_80_columns() {
        assert_eq!(DetailTab::ALL.len(), 7);
        let width = tab_titles(DetailTab::Thread).width();
        assert!(width <= 78, "{width}");
    }

    #[test]
    fn more_below_counts_what_does_not_fit() {
        assert!(more_below(10, 0, 10).is_none());
        assert!(
            more_below(12, 0, 10)
                .unwrap()
                .to_string()
                .contains("2 more")
        );
        assert!(more_below(12, 2, 10).is_none());
    }
}
