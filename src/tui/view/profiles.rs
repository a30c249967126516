//! The profile picker: the config file's profiles, then the recent threads of the one applied.
//! A missing or malformed config file is explained here; the app carries on without it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::config::Profile;
use crate::sanitize::one_line;

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::state::{
    AppState, Field, LoadStatus, PickerStage, ProfileList, ProfilePicker, Slot,
};
use super::{dim, error, overlay_block, spinner};
use crate::credentials::describe_profile;

/// The example shown when there are no profiles yet.
pub const EXAMPLE: [&str; 3] = [
    "[profiles.contoso-test]",
    "endpoint = \"https://contoso-test.communication.azure.com\"",
    "token_env = \"CONTOSO_TOKEN\"",
];

pub fn render(state: &AppState, picker: &ProfilePicker, frame: &mut Frame, area: Rect) {
    let (lines, selected_line) = match &picker.stage {
        PickerStage::Profiles => profile_lines(state, picker, &path_text(picker)),
        PickerStage::Threads(name) => thread_lines(state, picker, name),
    };
    let width = area.width.saturating_sub(4).min(90);
    // Room for the lines, some of which wrap.
    let wanted = lines.len() as u16 + 4;
    let height = wanted.clamp(8, area.height.saturating_sub(2).max(3));
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + area.height.saturating_sub(height) / 2,
        width,
        height,
    );
    let path = path_text(picker);
    let title = match &picker.stage {
        PickerStage::Profiles => "Profiles".to_string(),
        PickerStage::Threads(name) => format!("Profile {} · recent threads", one_line(name)),
    };
    let keys = format!(
        " {} picks · {} closes ",
        keymap::label(Context::Profiles, &Action::Activate),
        keymap::label(Context::Profiles, &Action::Cancel)
    );
    let block = overlay_block(&title, keys).title_bottom(dim(format!(" {path} ")));
    let rows = usize::from(height.saturating_sub(2));
    // Keep the selected row in view.
    let scroll = selected_line.map_or(0, |line| (line + 2).saturating_sub(rows));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll as u16, 0)),
        popup,
    );
}

fn path_text(picker: &ProfilePicker) -> String {
    picker
        .path
        .as_ref()
        .map_or("(no config directory)".to_string(), |p| {
            one_line(&p.display().to_string()).into_owned()
        })
}

/// The lines of the profile list, and the line of the selected profile.
fn profile_lines(
    state: &AppState,
    picker: &ProfilePicker,
    path: &str,
) -> (Vec<Line<'static>>, Option<usize>) {
    match &picker.list {
        ProfileList::Loading => (vec![dim("reading the config file…")], None),
        ProfileList::Missing => (no_profiles(&format!("No profiles: create {path}")), None),
        ProfileList::Loaded(profiles) if profiles.is_empty() => (
            no_profiles(&format!("No profiles yet: add one to {path}")),
            None,
        ),
        ProfileList::Failed(message) => (
            vec![
                Line::from(Span::styled(
                    "The config file cannot be used:",
                    Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
                )),
                Line::from(Span::styled(
                    one_line(message).into_owned(),
                    Style::default().fg(Color::Red),
                )),
                Line::default(),
                Line::from(Span::styled(
                    "→ fix it and press P again; the inspector works without profiles meanwhile.",
                    Style::default().fg(Color::Yellow),
                )),
            ],
            None,
        ),
        ProfileList::Loaded(profiles) => {
            let mut lines = Vec::new();
            for (i, (name, profile)) in profiles.iter().enumerate() {
                let current = state.profile.as_deref() == Some(name.as_str());
                lines.extend(profile_entry(name, profile, i == picker.selected, current));
            }
            (lines, Some(picker.selected * 2))
        }
    }
}

fn no_profiles(first: &str) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from(one_line(first).into_owned()),
        dim("with one profile per resource, for example:"),
        Line::default(),
    ];
    lines.extend(
        EXAMPLE
            .iter()
            .map(|l| Line::from(Span::styled(*l, Style::default().fg(Color::Cyan)))),
    );
    lines.push(Line::default());
    lines.push(dim(
        "Instead of token_env: token_command = \"...\", or connection_string_env = \"VAR\" with user = \"8:acs:...\".",
    ));
    lines.push(dim("Profiles name where secrets come from, never secrets."));
    lines
}

/// Two lines per profile: its name and endpoint, then where its token comes from.
fn profile_entry(
    name: &str,
    profile: &Profile,
    selected: bool,
    current: bool,
) -> [Line<'static>; 2] {
    let marker = match (selected, current) {
        (true, _) => "▶",
        (false, true) => "●",
        _ => " ",
    };
    let endpoint = profile
        .endpoint
        .as_deref()
        .unwrap_or("(from the connection string)");
    let style = if selected {
        Style::default().add_modifier(Modifier::REVERSED)
    } else {
        Style::default()
    };
    let head = format!("{marker} {:<18} {}", one_line(name), one_line(endpoint));
    let mut details = vec![describe_profile(profile)];
    if let Some(v) = &profile.api_version {
        details.push(format!("api {v}"));
    }
    if let Some(t) = profile.timeout {
        details.push(format!("timeout {t} s"));
    }
    if current {
        details.push("in use".into());
    }
    [
        Line::from(Span::styled(head, style.add_modifier(Modifier::BOLD))),
        dim(format!("    {}", one_line(&details.join(" · ")))),
    ]
}

/// The applied profile's state, then its recent threads.
fn thread_lines(
    state: &AppState,
    picker: &ProfilePicker,
    name: &str,
) -> (Vec<Line<'static>>, Option<usize>) {
    let mut lines = match state.status(Slot::Credentials) {
        LoadStatus::Loading { .. } => vec![Line::from(format!(
            "{} applying profile {}: resolving its token…",
            spinner(state),
            one_line(name)
        ))],
        LoadStatus::Failed(e) => {
            let mut lines = vec![Line::from(Span::styled(
                format!(
                    "Profile {} not applied: its token cannot be had.",
                    one_line(name)
                ),
                Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
            ))];
            lines.extend(error::lines(e));
            lines
        }
        _ if !state.value(Field::Token).trim().is_empty() => vec![Line::from(format!(
            "Profile {} applied: endpoint, api-version, timeout and token set.",
            one_line(name)
        ))],
        _ => vec![Line::from(Span::styled(
            format!(
                "Profile {} applied without a token: it names none (or no user to mint for); \
                 paste one into the Token field, or {} on a participant mints one.",
                one_line(name),
                keymap::label(Context::Results, &Action::MintForParticipant),
            ),
            Style::default().fg(Color::Yellow),
        ))],
    };
    lines.push(Line::default());
    if state.status(Slot::Credentials).is_loading() {
        return (lines, None);
    }
    if matches!(state.status(Slot::Credentials), LoadStatus::Failed(_)) {
        lines.push(dim(format!(
            "The endpoint, token and data in use stay as they were. {} closes this; {} opens the profiles again.",
            keymap::label(Context::Profiles, &Action::Cancel),
            keymap::label(Context::Results, &Action::OpenProfiles),
        )));
        return (lines, None);
    }
    if state.recent.ids.is_empty() {
        lines.push(dim(format!(
            "No thread opened with this profile yet: type one into the Thread field ({}) and press {}.",
            keymap::label(Context::Results, &Action::FocusNext),
            keymap::label(Context::Field, &Action::Fetch),
        )));
        return (lines, None);
    }
    lines.push(dim(format!(
        "Recent threads ({} opens one; {} cycles them later):",
        keymap::label(Context::Profiles, &Action::Activate),
        keymap::label(Context::Results, &Action::OpenRecent),
    )));
    let first = lines.len();
    for (i, thread) in state.recent.ids.iter().enumerate() {
        let selected = i == picker.selected;
        let style = if selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        let marker = if selected { "▶" } else { " " };
        lines.push(Line::from(Span::styled(
            format!("{marker} {}", one_line(thread)),
            style,
        )));
    }
    (lines, Some(first + picker.selected))
}
