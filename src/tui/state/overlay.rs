//! Overlays (help, copy menu, raw view, request log, profile picker, prompts) are one stack: the
//! top one takes the keys and names the key context; Esc pops it.

use ratatui_textarea::TextArea;

use super::super::copy::CopyMenu;
use super::super::keymap::Context;
use super::super::raw::RawView;
use super::profiles::ProfilePicker;

/// A one-line prompt at the bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// The timeline's filter, applied as it is typed.
    Filter,
    Jump,
    /// A search in the raw view below it, applied as it is typed.
    RawSearch,
    /// Search every thread of the user.
    Search,
}

#[derive(Debug)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: TextArea<'static>,
    /// What the prompt changes live was this when it opened: Esc puts it back.
    pub before: String,
}

impl Prompt {
    pub fn text(&self) -> String {
        self.input.lines().join("")
    }
}

/// Something drawn over the main screen.
// A handful at most, each built once when opened.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Overlay {
    /// The key table; the scroll offset.
    Help(u16),
    Copy(CopyMenu),
    Raw(RawView),
    /// The request log; the selected row, newest first.
    Log(usize),
    Profiles(ProfilePicker),
    Prompt(Prompt),
    /// The history of notices; the scroll offset from the newest.
    Notices(usize),
    /// The matches of the last search across threads (kept in the state as they arrive).
    Search,
}

impl Overlay {
    /// The key context while this overlay is on top.
    pub fn context(&self) -> Context {
        match self {
            Overlay::Help(_) => Context::Help,
            Overlay::Copy(_) => Context::CopyMenu,
            Overlay::Raw(_) => Context::Raw,
            Overlay::Log(_) => Context::Log,
            Overlay::Profiles(_) => Context::Profiles,
            Overlay::Prompt(_) => Context::Prompt,
            Overlay::Notices(_) => Context::Notices,
            Overlay::Search => Context::Search,
        }
    }
}

/// The overlays, bottom first.
#[derive(Debug, Default)]
pub struct Overlays(Vec<Overlay>);

impl Overlays {
    pub fn top(&self) -> Option<&Overlay> {
        self.0.last()
    }

    pub fn top_mut(&mut self) -> Option<&mut Overlay> {
        self.0.last_mut()
    }

    pub fn push(&mut self, overlay: Overlay) {
        self.0.push(overlay);
    }

    pub fn pop(&mut self) -> Option<Overlay> {
        self.0.pop()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every overlay, bottom first (drawing order).
    pub fn iter(&self) -> impl Iterator<Item = &Overlay> {
        self.0.iter()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Overlay> {
        self.0.iter_mut()
    }

    /// Whether the top overlay is of the kind `context` names.
    pub fn top_is(&self, context: Context) -> bool {
        self.top().is_some_and(|o| o.context() == context)
    }

    /// The help's scroll offset, when the help is open.
    pub fn help(&self) -> Option<u16> {
        self.0.iter().rev().find_map(|o| match o {
            Overlay::Help(scroll) => Some(*scroll),
            _ => None,
        })
    }

    /// The topmost raw view, to change.
    pub fn raw_mut(&mut self) -> Option<&mut RawView> {
        self.0.iter_mut().rev().find_map(|o| match o {
            Overlay::Raw(view) => Some(view),
            _ => None,
        })
    }

    /// The topmost raw view.
    pub fn raw(&self) -> Option<&RawView> {
        self.0.iter().rev().find_map(|o| match o {
            Overlay::Raw(view) => Some(view),
            _ => None,
        })
    }

    /// The copy menu, when open.
    pub fn copy_menu(&self) -> Option<&CopyMenu> {
        self.0.iter().rev().find_map(|o| match o {
            Overlay::Copy(menu) => Some(menu),
            _ => None,
        })
    }

    /// The request log's selected row, when the log is open.
    pub fn log(&self) -> Option<usize> {
        self.0.iter().rev().find_map(|o| match o {
            Overlay::Log(selected) => Some(*selected),
            _ => None,
        })
    }

    /// The prompt, when open.
    pub fn prompt(&self) -> Option<&Prompt> {
        self.0.iter().rev().find_map(|o| match o {
            Overlay::Prompt(prompt) => Some(prompt),
            _ => None,
        })
    }

    /// The profile picker, wherever it is in the stack (results arrive while others are on top).
    pub fn picker_mut(&mut self) -> Option<&mut ProfilePicker> {
        self.0.iter_mut().rev().find_map(|o| match o {
            Overlay::Profiles(p) => Some(p),
            _ => None,
        })
    }

    pub fn picker(&self) -> Option<&ProfilePicker> {
        self.0.iter().rev().find_map(|o| match o {
            Overlay::Profiles(p) => Some(p),
            _ => None,
        })
    }

    /// Removes every overlay of the kind `context` names.
    pub fn close(&mut self, context: Context) {
        self.0.retain(|o| o.context() != context);
    }
}
