//! The one key table: it dispatches keys and generates the help overlay, so help cannot drift.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::action::Action;
use super::state::{AppState, DetailTab};
use crate::clipboard::CopyTarget;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Everywhere: fields, prompts and every overlay.
    Always,
    /// Everywhere outside overlays, text fields included.
    Anywhere,
    /// In a focused text field (every other key is typed into it).
    Field,
    /// Outside text fields.
    Results,
    /// While the help overlay is open.
    Help,
    /// While the raw response overlay is open.
    Raw,
    /// While the request log overlay is open.
    Log,
    /// While the copy menu is open.
    CopyMenu,
    /// While the profile picker is open.
    Profiles,
    /// While the history of notices is open.
    Notices,
    /// In any overlay (help, raw view, request log).
    Overlay,
    /// While the filter or jump prompt is open (every other key is typed into it).
    Prompt,
    /// While the matches of a search across threads are shown.
    Search,
}

impl Context {
    pub const ALL: [Context; 13] = [
        Context::Always,
        Context::Anywhere,
        Context::Field,
        Context::Results,
        Context::Prompt,
        Context::Overlay,
        Context::Raw,
        Context::Log,
        Context::CopyMenu,
        Context::Profiles,
        Context::Notices,
        Context::Search,
        Context::Help,
    ];

    /// The contexts looked up, in order, when this one is current: a key bound in an earlier one
    /// hides the same key in a later one, which the key table must never do.
    pub fn chain(self) -> &'static [Context] {
        match self {
            Context::Field => &[Field, Anywhere, Always],
            Context::Results => &[Results, Anywhere, Always],
            Context::Help => &[Help, Overlay, Always],
            Context::Raw => &[Raw, Overlay, Always],
            Context::Log => &[Log, Overlay, Always],
            Context::CopyMenu => &[CopyMenu, Overlay, Always],
            Context::Profiles => &[Profiles, Overlay, Always],
            Context::Notices => &[Notices, Overlay, Always],
            Context::Search => &[Search, Overlay, Always],
            Context::Prompt => &[Prompt, Always],
            Context::Anywhere => &[Anywhere, Always],
            Context::Overlay => &[Overlay, Always],
            Context::Always => &[Always],
        }
    }

    /// Whether keys bound nowhere in the chain are typed as text.
    pub fn types_text(self) -> bool {
        matches!(self, Context::Field | Context::Prompt)
    }

    pub fn title(self) -> &'static str {
        match self {
            Context::Always => "Always (fields, prompts and overlays too)",
            Context::Anywhere => "Anywhere outside overlays",
            Context::Field => "In a text field",
            Context::Results => "Outside text fields",
            Context::Help => "In this help",
            Context::Raw => "In the raw view",
            Context::Log => "In the request log",
            Context::CopyMenu => "In the copy menu",
            Context::Profiles => "In the profile picker",
            Context::Notices => "In the history of notices",
            Context::Overlay => {
                "In any overlay (help, raw view, request log, copy menu, profiles, search)"
            }
            Context::Prompt => "In a prompt (filter, jump, search)",
            Context::Search => "In the search results",
        }
    }
}

/// A key with its modifiers (Shift is implied by the character for printable keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

/// One line of the key table.
#[derive(Debug)]
pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in the help.
    pub label: &'static str,
    pub context: Context,
    pub action: Action,
    pub description: &'static str,
}

const fn bind(
    context: Context,
    keys: &'static [Key],
    label: &'static str,
    action: Action,
    description: &'static str,
) -> Binding {
    Binding {
        keys,
        label,
        context,
        action,
        description,
    }
}

use Context::{
    Always, Anywhere, CopyMenu, Field, Help, Log, Notices, Overlay, Profiles, Prompt, Raw, Results,
    Search,
};
use KeyCode as K;

/// Every key the inspector knows, one line each.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    bind(Always, &[ctrl('c')], "Ctrl-C", Action::Quit, "quit"),
    bind(Always, &[plain(K::F(1))], "F1", Action::ToggleHelp, "this help, from anywhere (a text field too)"),
    bind(Anywhere, &[plain(K::Tab)], "Tab", Action::FocusNext, "focus the next field or panel"),
    bind(Anywhere, &[plain(K::BackTab)], "Shift-Tab", Action::FocusPrev, "focus the previous field or panel"),
    bind(Field, &[plain(K::Enter)], "Enter", Action::Fetch, "fetch thread, message, timeline, participants, receipts"),
    bind(Field, &[plain(K::Esc)], "Esc", Action::LeaveField, "leave the field (to the timeline)"),
    bind(Results, &[ch('?')], "?", Action::ToggleHelp, "this help"),
    bind(Results, &[ch('q')], "q", Action::Quit, "quit"),
    bind(Results, &[plain(K::Enter)], "Enter", Action::Activate, "open the selected message, thread or receipt's message; else fetch"),
    bind(Results, &[plain(K::Esc)], "Esc", Action::Cancel, "cancel loading, close a prompt, clear the filter"),
    bind(Results, &[ch('j'), plain(K::Down)], "j / ↓", Action::ScrollDown, "move down"),
    bind(Results, &[ch('k'), plain(K::Up)], "k / ↑", Action::ScrollUp, "move up"),
    bind(Results, &[plain(K::PageDown), ctrl('d')], "PgDn / Ctrl-D", Action::PageDown, "one screen down"),
    bind(Results, &[plain(K::PageUp), ctrl('u')], "PgUp / Ctrl-U", Action::PageUp, "one screen up"),
    bind(Results, &[ch('J')], "J", Action::ScrollDetail(1), "scroll the details down (from any panel)"),
    bind(Results, &[ch('K')], "K", Action::ScrollDetail(-1), "scroll the details up (from any panel)"),
    bind(Results, &[ch('g'), plain(K::Home)], "g / Home", Action::First, "first"),
    bind(Results, &[ch('G'), plain(K::End)], "G / End", Action::Last, "last (keeps loading pages to the very end)"),
    bind(Results, &[ch('/')], "/", Action::StartFilter, "filter the timeline as you type: words, or from: type: is:deleted is:edited has:attachment before: after:"),
    bind(Results, &[ch(':'), ch('#')], ": / #", Action::StartJump, "jump to a message id or sequence id"),
    bind(Results, &[ch('o')], "o", Action::ToggleOrder, "timeline newest / oldest first"),
    bind(Results, &[ch('t')], "t", Action::CycleTime, "time display: UTC / local / relative"),
    bind(Results, &[ch('s')], "s", Action::RevealToken, "show / mask the token"),
    bind(Results, &[ch(']'), plain(K::Right)], "] / →", Action::NextTab, "next detail tab"),
    bind(Results, &[ch('['), plain(K::Left)], "[ / ←", Action::PrevTab, "previous detail tab"),
    bind(Results, &[ch('1')], "1", Action::ShowTab(DetailTab::Thread), "thread, retention, metadata"),
    bind(Results, &[ch('2')], "2", Action::ShowTab(DetailTab::Message), "message, attachments, metadata"),
    bind(Results, &[ch('3'), ch('p')], "3 / p", Action::ShowTab(DetailTab::Participants), "participants"),
    bind(Results, &[ch('4')], "4", Action::ShowTab(DetailTab::Receipts), "read receipts"),
    bind(Results, &[ch('5'), ch('T')], "5 / T", Action::ShowTab(DetailTab::Threads), "the token user's threads"),
    bind(Results, &[ch('6')], "6", Action::ShowTab(DetailTab::Token), "the token, decoded offline (never shown in clear)"),
    bind(Results, &[ch('7'), ch('F')], "7 / F", Action::ShowTab(DetailTab::Findings), "findings: who sees what, and why (Enter shows the evidence)"),
    bind(Results, &[ch('i')], "i", Action::FetchImages, "the shown message's image attachments: type, size, dimensions (with the token)"),
    bind(Results, &[ch('S')], "S", Action::StartSearch, "search every thread of the user: text, from:RAWID, id:MESSAGE_ID"),
    bind(Results, &[ch('A')], "A", Action::AuditThreads, "audit the user's threads: membership, deletion, retention (Threads tab)"),
    bind(Results, &[ch('O')], "O", Action::CycleThreadSort, "threads: sort as listed / by retention deletion / left first / by topic"),
    bind(Results, &[ch('f')], "f", Action::CycleThreadFilter, "threads: show all / left / deleting soon / deleted"),
    bind(Results, &[ch('a')], "a", Action::ViewAs, "on a participant: the timeline as they see it (again: the token's view)"),
    bind(Results, &[ch('R')], "R", Action::OpenRecent, "open the next recently opened thread"),
    bind(Results, &[ch('P')], "P", Action::OpenProfiles, "profiles of the config file: apply one, open its recent threads"),
    bind(Results, &[ch('m')], "m", Action::MintForParticipant, "mint a token for the selected participant (needs a connection string)"),
    bind(Results, &[ch('v')], "v", Action::StepApiVersion(1), "next api-version for the following fetches"),
    bind(Results, &[ch('V')], "V", Action::StepApiVersion(-1), "previous api-version"),
    bind(Results, &[ch('r')], "r", Action::ToggleRaw, "raw response of the focused panel (of a timeline row: its message's JSON)"),
    bind(Results, &[ch('N')], "N", Action::ToggleNotices, "history of the status line's notices, with times"),
    bind(Results, &[ch('l')], "l", Action::ToggleLog, "request log"),
    bind(Results, &[ch('y')], "y", Action::OpenCopy, "copy: id, MS-CV, panel JSON, raw body, curl"),
    bind(Results, &[ch('e')], "e", Action::Export { redacted: false }, "export the thread's bundle to a file"),
    bind(Results, &[ch('E')], "E", Action::Export { redacted: true }, "export it redacted (no text, names, metadata values)"),
    bind(Results, &[ch('w')], "w", Action::ToggleLive, "live mode: watch the thread for new, edited and deleted messages"),
    bind(Results, &[ch('H')], "H", Action::ExportHar, "export the session's HTTP exchanges as HAR (tokens redacted)"),
    bind(Prompt, &[plain(K::Enter)], "Enter", Action::PromptSubmit, "keep it and close the prompt"),
    bind(Prompt, &[plain(K::Esc)], "Esc", Action::Cancel, "close the prompt, undoing what it changed"),
    bind(Help, &[ch('?')], "?", Action::ToggleHelp, "close the help"),
    bind(Raw, &[ch('r')], "r", Action::ToggleRaw, "close the raw view"),
    bind(Raw, &[ch('y')], "y", Action::OpenCopy, "copy from this exchange"),
    bind(Raw, &[ch('p')], "p", Action::ToggleRawScope, "the message's own JSON / the whole page"),
    bind(Raw, &[ch('/')], "/", Action::StartRawSearch, "search in the raw view"),
    bind(Raw, &[ch('n')], "n", Action::SearchStep(true), "next match"),
    bind(Raw, &[ch('N')], "N", Action::SearchStep(false), "previous match"),
    bind(Notices, &[ch('N')], "N", Action::ToggleNotices, "close the history"),
    bind(CopyMenu, &[ch('i')], "i", Action::CopyTarget(CopyTarget::Id), "copy the id"),
    bind(CopyMenu, &[ch('m')], "m", Action::CopyTarget(CopyTarget::MsCv), "copy the MS-CV"),
    bind(CopyMenu, &[ch('p')], "p", Action::CopyTarget(CopyTarget::PanelJson), "copy the panel as JSON"),
    bind(CopyMenu, &[ch('b')], "b", Action::CopyTarget(CopyTarget::RawBody), "copy the raw body"),
    bind(CopyMenu, &[ch('c')], "c", Action::CopyTarget(CopyTarget::Curl), "copy the request as curl (token as a variable)"),
    bind(CopyMenu, &[plain(K::Enter), ch('y')], "Enter / y", Action::Activate, "copy the selected choice"),
    bind(Profiles, &[plain(K::Enter)], "Enter", Action::Activate, "apply the profile / open the recent thread"),
    bind(Profiles, &[ch('P')], "P", Action::OpenProfiles, "close the profile picker"),
    bind(Log, &[ch('l')], "l", Action::ToggleLog, "close the request log"),
    bind(Search, &[plain(K::Enter)], "Enter", Action::Activate, "open the thread at this message"),
    bind(Search, &[ch('S')], "S", Action::StartSearch, "search again"),
    bind(Log, &[plain(K::Enter)], "Enter", Action::Activate, "raw view of the selected exchange"),
    bind(Overlay, &[plain(K::Esc)], "Esc", Action::Cancel, "close"),
    bind(Overlay, &[ch('q')], "q", Action::Quit, "quit"),
    bind(Overlay, &[ch('j'), plain(K::Down)], "j / ↓", Action::ScrollDown, "down"),
    bind(Overlay, &[ch('k'), plain(K::Up)], "k / ↑", Action::ScrollUp, "up"),
    bind(Overlay, &[plain(K::PageDown), ctrl('d')], "PgDn / Ctrl-D", Action::PageDown, "one screen down"),
    bind(Overlay, &[plain(K::PageUp), ctrl('u')], "PgUp / Ctrl-U", Action::PageUp, "one screen up"),
    bind(Overlay, &[ch('g'), plain(K::Home)], "g / Home", Action::First, "top"),
    bind(Overlay, &[ch('G'), plain(K::End)], "G / End", Action::Last, "bottom"),
];

impl Key {
    fn matches(&self, event: &KeyEvent) -> bool {
        // Shift is part of the character (`G`, `?`) and of BackTab; terminals differ in reporting it.
        let ignore = match event.code {
            KeyCode::Char(_) | KeyCode::BackTab => KeyModifiers::SHIFT,
            _ => KeyModifiers::NONE,
        };
        self.code == event.code && self.mods == event.modifiers.difference(ignore)
    }
}

/// The action bound to a key in a context.
pub fn lookup(context: Context, event: &KeyEvent) -> Option<Action> {
    BINDINGS
        .iter()
        .filter(|b| b.context == context)
        .find(|b| b.keys.iter().any(|k| k.matches(event)))
        .map(|b| b.action.clone())
}

/// The key context now: the top overlay's, else the focused field's or the results'.
pub fn context(state: &AppState) -> Context {
    match state.overlays.top() {
        Some(overlay) => overlay.context(),
        None if state.focus.is_field() => Field,
        None => Results,
    }
}

/// The first key bound to `action` in `context` ("j", "PgUp", "Enter"), for compact hints.
pub fn key(context: Context, action: &Action) -> &'static str {
    label(context, action).split(" / ").next().unwrap_or("")
}

/// How the keys bound to `action` in `context` are written ("Esc", "j / ↓"), for hints on screen;
/// empty when none is (a hint must never name a key that does not do it). The context's own
/// binding comes before the ones it falls back to (`?` before F1 outside fields).
pub fn label(context: Context, action: &Action) -> &'static str {
    context
        .chain()
        .iter()
        .find_map(|c| {
            BINDINGS
                .iter()
                .find(|b| b.context == *c && b.action == *action)
        })
        .map_or("", |b| b.label)
}

/// Turns a terminal event into an action, given what has focus.
pub fn action_for_event(state: &AppState, event: Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => action_for_key(state, key),
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Resize(width, height) => Some(Action::Resize { width, height }),
        Event::Mouse(mouse) if state.settings.mouse => action_for_mouse(mouse),
        _ => None,
    }
}

/// Clicks and the wheel (moves and drags are not used).
fn action_for_mouse(mouse: MouseEvent) -> Option<Action> {
    let (column, row) = (mouse.column, mouse.row);
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click { column, row }),
        MouseEventKind::ScrollDown => Some(Action::Wheel {
            column,
            row,
            delta: 3,
        }),
        MouseEventKind::ScrollUp => Some(Action::Wheel {
            column,
            row,
            delta: -3,
        }),
        _ => None,
    }
}

pub fn action_for_key(state: &AppState, key: KeyEvent) -> Option<Action> {
    let context = context(state);
    context
        .chain()
        .iter()
        .find_map(|c| lookup(*c, &key))
        .or_else(|| context.types_text().then(|| Action::TextInput(key.into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_where_it_applies() {
        // A context and the ones it falls back to: a key bound twice would hide one action.
        for context in Context::ALL {
            let keys: Vec<(Key, Context)> = BINDINGS
                .iter()
                .filter(|b| context.chain().contains(&b.context))
                .flat_map(|b| b.keys.iter().map(move |k| (*k, b.context)))
                .collect();
            for (i, (k, c)) in keys.iter().enumerate() {
                let again = keys[i + 1..].iter().find(|(other, _)| other == k);
                assert!(
                    again.is_none(),
                    "{k:?} of {c:?} again in {again:?} (current {context:?})"
                );
            }
        }
    }

    #[test]
    fn overlays_name_the_context_of_their_keys() {
        let help = crate::tui::state::Overlay::Help(0);
        assert_eq!(help.context(), Help);
        assert_eq!(Help.chain(), &[Help, Context::Overlay, Always]);
    }

    #[test]
    fn hints_come_from_the_key_table() {
        assert_eq!(label(Results, &Action::Cancel), "Esc");
        assert_eq!(label(Raw, &Action::ScrollDown), "j / ↓");
        assert_eq!(
            label(Raw, &Action::StartFilter),
            "",
            "not bound in the raw view"
        );
    }

    #[test]
    fn f1_and_ctrl_c_work_in_every_context() {
        for context in Context::ALL {
            for key in [KeyCode::F(1), KeyCode::Char('c')] {
                let mods = if key == KeyCode::F(1) {
                    KeyModifiers::NONE
                } else {
                    KeyModifiers::CONTROL
                };
                let event = KeyEvent::new(key, mods);
                let found = context.chain().iter().find_map(|c| lookup(*c, &event));
                assert!(found.is_some(), "{key:?} in {context:?}");
            }
        }
        assert_eq!(label(Field, &Action::ToggleHelp), "F1");
        assert_eq!(label(Results, &Action::ToggleHelp), "?");
    }

    #[test]
    fn contract_keys_are_bound_outside_fields() {
        for c in [
            '?', 'q', 'r', 'l', 'y', 'e', 't', '/', 'j', 'k', 'g', 'G', '7', 'F', 'w', 'H', 'E',
            'N', 'v', 'V', 'i', 'a', 'A', 'O', 'f', 'S',
        ] {
            let event = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            assert!(lookup(Results, &event).is_some(), "{c}");
        }
    }
}
