//! What `y` can copy from where the user is ([`CopyTarget`]): an id, the MS-CV, the panel's JSON,
//! the raw body, or the request as a curl command whose token is the environment variable.

use std::sync::Arc;

use serde::Serialize;

use crate::acs::Exchange;

use super::action::{Action, Sent};
pub use crate::clipboard::CopyTarget;

/// One thing to copy.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub target: CopyTarget,
    pub text: String,
}

/// The copy menu: its choices and the selected one.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyMenu {
    pub choices: Vec<Choice>,
    pub selected: usize,
}

impl CopyMenu {
    pub fn find(&self, target: CopyTarget) -> Option<&Choice> {
        self.choices.iter().find(|c| c.target == target)
    }
}

/// The choices for an item (its id and JSON) and the exchange it came from, in menu order.
pub fn choices(
    id: Option<String>,
    item: Option<&dyn Json>,
    exchange: Option<&Arc<Exchange>>,
) -> Vec<Choice> {
    let text = |target| match target {
        CopyTarget::Id => id.clone().filter(|id| !id.is_empty()),
        CopyTarget::MsCv => exchange.and_then(|e| e.ms_cv()).map(str::to_string),
        CopyTarget::PanelJson => item.and_then(|i| i.pretty()),
        CopyTarget::RawBody => exchange.map(|e| e.body.clone()),
        CopyTarget::Curl => exchange.and_then(|e| crate::curl::curl_for_exchange(e)),
    };
    CopyTarget::ALL
        .into_iter()
        .filter_map(|target| text(target).map(|text| Choice { target, text }))
        .collect()
}

/// Serializable items behind one object-safe trait.
pub trait Json {
    fn pretty(&self) -> Option<String>;
}

impl<T: Serialize> Json for T {
    fn pretty(&self) -> Option<String> {
        serde_json::to_string_pretty(self).ok()
    }
}

/// Hands a copy to the clipboard programs off the UI thread; what they say comes back as
/// [`Action::CopyReported`].
pub fn report_in_background(
    sent: Sent,
    setup: crate::system_clipboard::Setup,
    tx: tokio::sync::mpsc::Sender<Action>,
) {
    tokio::spawn(async move {
        let report = tokio::task::spawn_blocking(move || {
            crate::system_clipboard::deliver(&sent.text, &sent.what, &setup)
        })
        .await;
        if let Ok(report) = report {
            let _ = tx.send(Action::CopyReported(report)).await;
        }
    });
}
