//! `diff` through the binary: the fixtures, and bundles taken before and after the emulator's own
//! changes, which the diff must report exactly.

use std::path::{Path, PathBuf};

use acs_chat_inspector::emulator::activity::{Change, DANA};
use acs_chat_inspector::emulator::data::{BOB, JANE, LUNCH_THREAD_ID};
use serde_json::{Value, json};

use crate::support::cases::*;
use crate::support::headless::{code, json, run, stderr};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bundles")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn the_fixtures_differ_and_a_bundle_does_not_differ_from_itself() {
    let (a, b) = (fixture("lunch-a.json"), fixture("lunch-b.json"));
    let out = run(&["diff", &a, &b]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let d = json(&out);
    assert_eq!(d["messages"]["added"], json!(["1700000005000"]));
    assert_eq!(d["messages"]["deleted"], json!(["1700000002000"]));
    assert_eq!(d["participants"]["removed"], json!(["8:acs:r_bob"]));
    assert_eq!(
        d["thread"]["changed"]["topic"],
        json!(["Lunch plans", "Lunch"])
    );
    let same = run(&["diff", &a, &a]);
    assert_eq!(code(&same), 0, "{}", stderr(&same));
    assert!(
        json(&same)["messages"]["added"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn bundles_of_different_threads_are_bad_input() {
    let (_dir, other) = temp_file("other.json");
    let mut b: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("lunch-b.json")).unwrap()).unwrap();
    b["thread"]["id"] = json!("19:other@thread.v2");
    std::fs::write(&other, b.to_string()).unwrap();
    let out = run(&["diff", &fixture("lunch-a.json"), path_str(&other)]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("different threads"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
}

/// Bundles of the demo thread after each number of steps of its activity.
struct Snapshots {
    emu: Emulator,
    dir: tempfile::TempDir,
    changes: Vec<Change>,
}

impl Snapshots {
    fn new() -> Self {
        Self {
            emu: Emulator::start(),
            dir: tempfile::tempdir().unwrap(),
            changes: Vec::new(),
        }
    }

    /// Steps the activity up to `steps` changes in all, then bundles the thread.
    fn bundle_after(&mut self, steps: usize) -> PathBuf {
        while self.changes.len() < steps {
            self.changes.push(self.emu.step());
        }
        let path = self.dir.path().join(format!("after-{steps}.json"));
        if path.exists() {
            return path;
        }
        let out = self
            .emu
            .run(&["bundle", LUNCH_THREAD_ID, "-o", path_str(&path)]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        path
    }

    /// The message id of change number `step` (1-based, as the activity counts).
    fn id(&self, step: usize) -> String {
        self.changes[step - 1].message_id.clone()
    }
}

fn diff(a: &Path, b: &Path) -> Value {
    let out = run(&["diff", path_str(a), path_str(b)]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    json(&out)
}

fn sorted(mut ids: Vec<String>) -> Value {
    ids.sort_by_key(|id| id.parse::<u64>().unwrap());
    json!(ids)
}

#[test]
fn bundle_change_bundle_diff_reports_exactly_the_change() {
    let mut s = Snapshots::new();
    let after = [2, 3, 5, 6, 10].map(|n| s.bundle_after(n));
    let no_messages = json!({"added": [], "removed": [], "edited": [], "deleted": []});
    let no_participants = json!({"added": [], "removed": [], "changed": []});

    // Step 3 edits the message of step 2.
    let d = diff(&after[0], &after[1]);
    assert_eq!(d["messages"]["edited"], json!([s.id(2)]));
    assert_eq!(d["messages"]["added"], json!([]));
    assert_eq!(d["thread"]["changed"], json!({}));
    assert_eq!(d["participants"], no_participants);
    assert_eq!(d["readReceipts"]["changed"], json!([]));

    // Steps 4 and 5: Dana joins (a system message) and writes; her receipt appears.
    let d = diff(&after[1], &after[2]);
    assert_eq!(d["messages"]["added"], sorted(vec![s.id(4), s.id(5)]));
    assert_eq!(d["participants"]["added"], json!([DANA.raw_id()]));
    assert_eq!(d["readReceipts"]["changed"], json!([DANA.raw_id()]));

    // Step 6 deletes Dana's message.
    let d = diff(&after[2], &after[3]);
    assert_eq!(d["messages"]["deleted"], json!([s.id(5)]));
    assert_eq!(d["messages"]["added"], json!([]));
    assert_eq!(d["participants"], no_participants);

    // Steps 7 to 10: a topic change, Jane writes, Dana leaves, Bob writes.
    let d = diff(&after[3], &after[4]);
    assert_eq!(
        d["messages"]["added"],
        sorted((7..=10).map(|n| s.id(n)).collect())
    );
    assert_eq!(
        d["thread"]["changed"],
        json!({"topic": ["Lunch", "Lunch at 12:30"]})
    );
    assert_eq!(d["participants"]["removed"], json!([DANA.raw_id()]));
    let mut readers = vec![JANE.raw_id(), BOB.raw_id(), DANA.raw_id()];
    readers.sort();
    assert_eq!(d["readReceipts"]["changed"], json!(readers));
    let jane = d["readReceipts"]["moved"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["rawId"] == JANE.raw_id())
        .unwrap();
    assert_eq!(jane["to"], json!(s.id(8)));

    // Nothing changes between two bundles without a step in between.
    let again = s.bundle_after(10);
    let same = run(&["diff", path_str(&after[4]), path_str(&again)]);
    assert_eq!(code(&same), 0, "{}", stderr(&same));
    assert_eq!(json(&same)["messages"], no_messages);
}
