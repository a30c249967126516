//! The Threads tab's audit (`A`): each of the user's threads with its membership, deletion,
//! retention deletion date and last message, as `threads --audit` gives them ([`crate::across`]),
//! sorted (`O`) and filtered (`f`) in place.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::across::audit::{Audit, Membership};
use crate::acs::ChatThreadItem;

use super::state::Listing;

/// What the audit found per thread id (an error in words when that thread's requests failed).
pub type Audits = HashMap<String, Result<Audit, String>>;

/// The order the Threads tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThreadSort {
    /// As the service listed them (most recent activity first).
    #[default]
    Listed,
    /// Soonest retention deletion first (threads without one last).
    Deletion,
    /// Threads the user left first.
    Membership,
    /// By topic, without case.
    Topic,
}

impl ThreadSort {
    pub fn next(self) -> Self {
        match self {
            Self::Listed => Self::Deletion,
            Self::Deletion => Self::Membership,
            Self::Membership => Self::Topic,
            Self::Topic => Self::Listed,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Listed => "the list's order",
            Self::Deletion => "retention deletion",
            Self::Membership => "membership (left first)",
            Self::Topic => "topic",
        }
    }
}

/// Which threads the Threads tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThreadFilter {
    #[default]
    All,
    /// Threads the user left or was removed from.
    Left,
    /// Retention deletes them within a week (or is overdue).
    DeletingSoon,
    Deleted,
}

impl ThreadFilter {
    pub fn next(self) -> Self {
        match self {
            Self::All => Self::Left,
            Self::Left => Self::DeletingSoon,
            Self::DeletingSoon => Self::Deleted,
            Self::Deleted => Self::All,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Left => "left",
            Self::DeletingSoon => "deleting soon",
            Self::Deleted => "deleted",
        }
    }
}

/// The audit, and how the tab orders and filters the threads.
#[derive(Debug, Default)]
pub struct ThreadAudit {
    pub audits: Audits,
    pub sort: ThreadSort,
    pub filter: ThreadFilter,
}

impl ThreadAudit {
    /// Whether `thread` passes the filter (a filter needs the audit, except for deletion, which
    /// the thread list carries).
    fn keeps(&self, thread: &ChatThreadItem, now: DateTime<Utc>) -> bool {
        let audit = self.audit(&thread.id);
        match self.filter {
            ThreadFilter::All => true,
            ThreadFilter::Left => audit.is_some_and(|a| a.membership == Some(Membership::Left)),
            ThreadFilter::DeletingSoon => audit.is_some_and(|a| a.deleting_soon(now)),
            ThreadFilter::Deleted => {
                thread.deleted_on.is_some() || audit.is_some_and(Audit::is_deleted)
            }
        }
    }

    /// The audit of one thread, when it was audited without error.
    pub fn audit(&self, thread_id: &str) -> Option<&Audit> {
        self.audits.get(thread_id)?.as_ref().ok()
    }

    /// Shows `threads` sorted and filtered; the selected thread stays selected when it is shown.
    pub fn apply(&self, threads: &mut Listing<ChatThreadItem>, now: DateTime<Utc>) {
        let selected_id = threads.selected_item().map(|t| t.id.clone());
        let mut order: Vec<usize> = (0..threads.items.len())
            .filter(|&i| self.keeps(&threads.items[i], now))
            .collect();
        // A stable sort: equal keys keep the service's order.
        match self.sort {
            ThreadSort::Listed => {}
            ThreadSort::Deletion => order.sort_by_key(|&i| {
                let at = self
                    .audit(&threads.items[i].id)
                    .and_then(Audit::retention_deletes);
                (at.is_none(), at)
            }),
            ThreadSort::Membership => order.sort_by_key(|&i| {
                let membership = self.audit(&threads.items[i].id).and_then(|a| a.membership);
                match membership {
                    Some(Membership::Left) => 0,
                    Some(Membership::Active) => 1,
                    None => 2,
                }
            }),
            ThreadSort::Topic => {
                order.sort_by_cached_key(|&i| threads.items[i].topic.to_lowercase())
            }
        }
        let unchanged =
            order.len() == threads.items.len() && order.iter().enumerate().all(|(p, &i)| p == i);
        threads.shown = (!unchanged).then_some(order);
        threads.selected = selected_id
            .and_then(|id| {
                (0..threads.shown_len()).find(|&p| threads.shown_at(p).is_some_and(|t| t.id == id))
            })
            .unwrap_or(0);
    }
}

/// The audit columns of one thread: membership, last message, retention deletion (`?` before the
/// audit, `-` for none).
pub fn columns(audit: Option<&Result<Audit, String>>, thread: &ChatThreadItem) -> [String; 2] {
    let membership = match audit {
        None => "?",
        Some(Err(_)) => "failed",
        Some(Ok(a)) => match a.membership {
            Some(Membership::Active) => "active",
            Some(Membership::Left) => "left",
            None if thread.deleted_on.is_some() || a.is_deleted() => "deleted",
            None => "unknown",
        },
    };
    let deletes = match audit {
        Some(Ok(a)) => match a.retention_deletes() {
            Some(at) => at.format("%Y-%m-%d").to_string(),
            None => "-".into(),
        },
        _ => "?".into(),
    };
    [membership.into(), deletes]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread(id: &str, topic: &str) -> ChatThreadItem {
        ChatThreadItem {
            id: id.into(),
            topic: topic.into(),
            ..Default::default()
        }
    }

    fn audited(membership: Membership, deletes: Option<&str>) -> Result<Audit, String> {
        Ok(Audit {
            membership: Some(membership),
            deleted_on: Some(None),
            retention_deletes_on: Some(deletes.map(str::to_string)),
            last_message_on: Some(None),
        })
    }

    fn listing() -> Listing<ChatThreadItem> {
        Listing {
            items: vec![
                thread("a", "Zeta"),
                thread("b", "alpha"),
                thread("c", "Mid"),
            ],
            ..Listing::default()
        }
    }

    fn shown(list: &Listing<ChatThreadItem>) -> Vec<&str> {
        (0..list.shown_len())
            .map(|p| list.shown_at(p).unwrap().id.as_str())
            .collect()
    }

    #[test]
    fn filters_and_sorts_keep_the_selected_thread() {
        let now = Utc::now();
        let soon = (now + chrono::Duration::days(2)).to_rfc3339();
        let later = (now + chrono::Duration::days(40)).to_rfc3339();
        let mut audit = ThreadAudit::default();
        audit
            .audits
            .insert("a".into(), audited(Membership::Active, Some(&later)));
        audit
            .audits
            .insert("b".into(), audited(Membership::Left, None));
        audit
            .audits
            .insert("c".into(), audited(Membership::Active, Some(&soon)));
        let mut list = listing();
        list.selected = 2;

        audit.sort = ThreadSort::Deletion;
        audit.apply(&mut list, now);
        assert_eq!(shown(&list), ["c", "a", "b"]);
        assert_eq!(
            list.selected_item().unwrap().id,
            "c",
            "the selection follows its thread"
        );

        audit.sort = ThreadSort::Topic;
        audit.apply(&mut list, now);
        assert_eq!(shown(&list), ["b", "c", "a"]);

        audit.filter = ThreadFilter::Left;
        audit.apply(&mut list, now);
        assert_eq!(shown(&list), ["b"]);
        assert_eq!(list.selected, 0);

        audit.filter = ThreadFilter::DeletingSoon;
        audit.apply(&mut list, now);
        assert_eq!(shown(&list), ["c"]);

        audit.filter = ThreadFilter::All;
        audit.sort = ThreadSort::Listed;
        audit.apply(&mut list, now);
        assert!(list.shown.is_none(), "as listed, everything: no order kept");
    }

    #[test]
    fn columns_say_what_is_not_known_yet() {
        let t = thread("a", "t");
        assert_eq!(columns(None, &t), ["?".to_string(), "?".to_string()]);
        let left = audited(Membership::Left, Some("2026-12-24T10:00:00Z"));
        assert_eq!(
            columns(Some(&left), &t),
            ["left".to_string(), "2026-12-24".to_string()]
        );
        let failed = Err("429".to_string());
        assert_eq!(columns(Some(&failed), &t)[0], "failed");
    }
}
