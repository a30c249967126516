//! The Findings tab: who sees what in the thread, and why; most severe first, Enter jumps to the
//! evidence (the message in the timeline, or the participant).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::diagnose::{Finding, Severity};
use crate::sanitize::one_line;

use super::super::action::Action;
use super::super::findings::Findings;
use super::super::keymap::{self, Context};
use super::super::state::AppState;
use super::list::{areas, body_rows};
use super::timeline::{fit, window};
use super::{dim, field};

/// The rows of a finding's details: half the area, within these bounds.
pub const DETAIL_ROWS: (u16, u16) = (4, 12);

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let Some(findings) = &state.findings else {
        let fetch = keymap::key(Context::Field, &Action::Fetch);
        let text = format!("No diagnosis yet: open a thread ({fetch} in the Thread field).");
        frame.render_widget(Paragraph::new(dim(text)), area);
        return;
    };
    let list = &findings.diagnosis.findings;
    let [top, bottom] = areas(area, DETAIL_ROWS);
    let mut lines = vec![header(state, findings)];
    let width = usize::from(top.width);
    for i in window(list.len(), findings.selected, 0, body_rows(top)) {
        lines.push(row(&list[i], i == findings.selected, width));
    }
    frame.render_widget(Paragraph::new(lines), top);
    let detail = list
        .get(findings.selected)
        .map(|f| detail(f, width))
        .unwrap_or_default();
    frame.render_widget(Paragraph::new(detail).wrap(Wrap { trim: false }), bottom);
}

fn header(state: &AppState, findings: &Findings) -> Line<'static> {
    let d = &findings.diagnosis;
    let who = d
        .as_identity
        .as_deref()
        .map(|raw| format!(" · as {}", d.label_of(raw)))
        .unwrap_or_default();
    let partial = if state.timeline.has_more {
        format!(" · on the {} messages loaded", findings.messages)
    } else {
        String::new()
    };
    let open = keymap::key(Context::Results, &Action::Activate);
    Line::from(Span::styled(
        format!(
            "{} findings · {} thread{who}{partial} · {open} shows the evidence",
            d.findings.len(),
            thread_kind(d.thread_kind)
        ),
        Style::default()
            .fg(Color::Gray)
            .add_modifier(Modifier::UNDERLINED),
    ))
}

fn thread_kind(kind: crate::diagnose::ThreadKind) -> &'static str {
    use crate::diagnose::ThreadKind;
    match kind {
        ThreadKind::Acs => "ACS",
        ThreadKind::TeamsMeeting => "Teams meeting",
        ThreadKind::TeamsInterop => "Teams interop",
        ThreadKind::Unknown => "unknown kind of",
    }
}

fn severity(s: Severity) -> (&'static str, Color) {
    match s {
        Severity::Error => ("✗ error", Color::Red),
        Severity::Warning => ("! warning", Color::Yellow),
        Severity::Info => ("· info", Color::Gray),
    }
}

fn row(f: &Finding, selected: bool, width: usize) -> Line<'static> {
    let (label, color) = severity(f.severity);
    let marker = if selected { "▶" } else { " " };
    let head = format!("{marker} {label:<9} {:<22} ", f.code.as_str());
    let summary = fit(
        &one_line(&f.summary),
        width.saturating_sub(head.chars().count()),
    );
    let style = if selected {
        Style::default().add_modifier(Modifier::REVERSED)
    } else {
        Style::default()
    };
    Line::from(vec![
        Span::styled(head, style.fg(color)),
        Span::styled(summary, style),
    ])
}

fn detail(f: &Finding, width: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(one_line(&f.summary).into_owned())];
    let e = &f.evidence;
    let list = |items: &[String]| fit(&items.join(", "), width.saturating_sub(13));
    if !e.message_ids.is_empty() {
        lines.push(field("Messages", &list(&e.message_ids)));
    }
    if !e.raw_ids.is_empty() {
        lines.push(field("Identities", &list(&e.raw_ids)));
    }
    if !e.ms_cvs.is_empty() {
        lines.push(field("MS-CV", &list(&e.ms_cvs)));
    }
    for (key, value) in &e.details {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        lines.push(field(key, &fit(&text, width.saturating_sub(13))));
    }
    lines
}
