//! Work across every thread of a user against the emulator: `threads --audit` per membership case,
//! `search` by text, sender and id, and the scheduler within the documented rate limits
//! (`--rate-limit` counts every refusal).

use std::collections::BTreeSet;

use acs_chat_inspector::emulator::EmulatorConfig;
use acs_chat_inspector::emulator::data::{JANE, LUNCH_THREAD_ID, SAMANTHA, SUPPORT_THREAD_ID};
use acs_chat_inspector::emulator::many::{self, Membership, SEARCH_PHRASE};
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use crate::support::headless::{Served, code, json, run, serve, stderr};

const NOW: &str = "2026-01-15T12:00:00Z";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW).unwrap().to_utc()
}

/// The demo with `threads` more threads for Jane, "now" pinned.
fn emulator(threads: usize, rate_limit: bool) -> Served {
    serve(EmulatorConfig {
        extra_threads: threads,
        rate_limit,
        now: Some(now()),
        ..EmulatorConfig::default()
    })
}

/// Runs a subcommand against the emulator with Jane's token (retries as by default).
fn jane(emu: &Served, args: &[&str]) -> std::process::Output {
    let mut all = args.to_vec();
    all.extend(["--endpoint", &emu.info.endpoint, "--token", &emu.info.token]);
    run(&all)
}

/// How many threads Jane's thread list holds.
fn threads_of_jane(emu: &Served) -> usize {
    emu.running.state().store().threads_of(&JANE.raw_id()).len()
}

fn ok_json(output: &std::process::Output) -> Vec<Value> {
    assert_eq!(code(output), 0, "{}", stderr(output));
    json(output).as_array().unwrap().clone()
}

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .to_utc()
}

#[test]
fn audit_gives_each_thread_its_membership_deletion_and_retention() {
    let emu = emulator(40, false);
    let audited = ok_json(&jane(&emu, &["threads", "--audit", "--page-size", "7"]));
    let listed = ok_json(&jane(&emu, &["threads", "--page-size", "7"]));
    let ids = |items: &[Value]| -> Vec<String> {
        items
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&audited),
        ids(&listed),
        "every thread, in the list's order"
    );
    assert_eq!(audited.len(), threads_of_jane(&emu));

    for i in 0..40 {
        let id = many::thread_id(i);
        let thread = audited.iter().find(|t| t["id"] == id.as_str()).unwrap();
        let audit = &thread["audit"];
        assert_eq!(audit["lastMessageOn"], thread["lastMessageReceivedOn"]);
        assert!(thread["topic"].is_string(), "the item is kept as sent");
        if many::is_deleted(i) {
            // Its roster answers 404: membership cannot be told.
            assert!(audit.get("membership").is_none(), "{i}: {audit}");
            assert!(time(&audit["deletedOn"]) < now(), "{i}: {audit}");
        } else {
            let expected = match many::membership(i) {
                Membership::Member => "active",
                Membership::Left | Membership::RemovedByOther => "left",
            };
            assert_eq!(audit["membership"], expected, "{i}: {audit}");
            assert_eq!(audit["deletedOn"], Value::Null, "{i}: {audit}");
        }
        let deletes = &audit["retentionDeletesOn"];
        match i % 6 {
            0 => {
                let at = time(deletes);
                assert!(at > now() && at < now() + Duration::days(7), "{i}: {audit}");
            }
            1 => assert!(time(deletes) > now() + Duration::days(7), "{i}: {audit}"),
            _ => assert_eq!(*deletes, Value::Null, "{i}: {audit}"),
        }
    }
    let lunch = audited.iter().find(|t| t["id"] == LUNCH_THREAD_ID).unwrap();
    assert_eq!(lunch["audit"]["membership"], "active");
    assert!(time(&lunch["audit"]["retentionDeletesOn"]) > now());
    let support = audited
        .iter()
        .find(|t| t["id"] == SUPPORT_THREAD_ID)
        .unwrap();
    assert_eq!(support["audit"]["retentionDeletesOn"], Value::Null);
}

#[test]
fn audit_max_caps_the_threads() {
    let emu = emulator(10, false);
    let audited = ok_json(&jane(&emu, &["threads", "--audit", "--max", "3"]));
    assert_eq!(audited.len(), 3);
    assert_eq!(emu.running.stats().routes["thread"].requests, 3);
}

/// The text a reader sees: HTML without its tags, or the new topic.
fn shown_text(message: &Value) -> String {
    let content = &message["content"];
    let text = content["message"]
        .as_str()
        .or(content["topic"].as_str())
        .unwrap_or("");
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    plain.to_lowercase()
}

fn thread_ids(found: &[Value]) -> BTreeSet<String> {
    found
        .iter()
        .map(|f| f["threadId"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn search_finds_text_across_threads_as_html_and_in_topic_changes() {
    let emu = emulator(40, false);
    let found = ok_json(&jane(&emu, &["search", "INVOICE   4711"]));
    let expected: BTreeSet<String> = (0..40)
        .filter(|&i| !many::is_deleted(i) && (i % 8 == 1 || i % 8 == 5 || i % 12 == 2))
        .map(many::thread_id)
        .collect();
    assert_eq!(thread_ids(&found), expected);
    for f in &found {
        assert!(shown_text(&f["message"]).contains(SEARCH_PHRASE), "{f}");
    }
    let kinds: BTreeSet<&str> = found
        .iter()
        .map(|f| f["message"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, BTreeSet::from(["html", "text", "topicUpdated"]));
    // Threads the user left are searched up to her removal.
    assert_eq!(many::membership(33), Membership::Left);
    assert!(found.iter().any(|f| f["threadId"] == many::thread_id(33)));
}

#[test]
fn search_finds_by_sender_and_by_id() {
    let emu = emulator(30, false);
    let samantha = SAMANTHA.raw_id();
    let by_id = ok_json(&jane(&emu, &["search", "--from", &samantha]));
    assert!(by_id.len() > 10, "{}", by_id.len());
    // The sender, or for a system message the one who made the change.
    for f in &by_id {
        let m = &f["message"];
        let who = match m["senderCommunicationIdentifier"]["rawId"].as_str() {
            Some(sender) => sender,
            None => m["content"]["initiatorCommunicationIdentifier"]["rawId"]
                .as_str()
                .unwrap(),
        };
        assert_eq!(who, samantha, "{f}");
    }
    let by_name = ok_json(&jane(&emu, &["search", "--from", "samantha"]));
    for f in &by_name {
        let name = f["message"]["senderDisplayName"].as_str().unwrap();
        assert_eq!(name.to_lowercase(), "samantha", "{f}");
    }
    // In the generated threads Samantha always has her name.
    let generated: BTreeSet<String> = (0..30).map(many::thread_id).collect();
    let messages = |found: &[Value]| -> BTreeSet<String> {
        found
            .iter()
            .filter(|f| generated.contains(f["threadId"].as_str().unwrap()))
            .map(|f| f["message"]["id"].to_string())
            .collect()
    };
    assert!(!messages(&by_name).is_empty());
    assert_eq!(messages(&by_name), messages(&by_id));
    assert!(thread_ids(&by_id).contains(SUPPORT_THREAD_ID));

    let seed = &emu.info.message_id;
    let one = ok_json(&jane(&emu, &["search", "--id", seed]));
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["threadId"], LUNCH_THREAD_ID);
    assert_eq!(one[0]["message"]["id"], seed.as_str());
    let jane_id = JANE.raw_id();
    let none = ok_json(&jane(
        &emu,
        &["search", "lunch", "--id", seed, "--from", "Bob"],
    ));
    assert!(none.is_empty());
    let both = ok_json(&jane(
        &emu,
        &["search", "LUNCH", "--id", seed, "--from", &jane_id],
    ));
    assert_eq!(both.len(), 1);
}

#[test]
fn search_max_stops_early() {
    let emu = emulator(60, false);
    let found = ok_json(&jane(
        &emu,
        &["search", "thanks", "--max", "2", "--concurrency", "2"],
    ));
    assert_eq!(found.len(), 2);
    let lists = emu.running.stats().routes["messages"].requests;
    assert!(lists < 30, "{lists} message lists for two matches");
}

#[test]
fn bad_search_and_audit_flags_are_bad_input() {
    for args in [
        &["search", "--endpoint", "http://127.0.0.1:9", "--token", "x"][..],
        &["search", "x", "--concurrency", "0"],
        &["threads", "--paced"],
        &["threads", "--audit", "--concurrency", "1000"],
        &["search", "x", "--id", "1 2"],
    ] {
        let out = run(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
    }
}

/// With the demo's own threads, more thread reads (the list page and each thread) than the documented
/// 50 per user per 10 s.
const OVER_THE_LIMIT: usize = 49;

#[test]
fn paced_audit_is_never_refused_for_exceeding_a_limit() {
    let emu = emulator(OVER_THE_LIMIT, true);
    let audited = ok_json(&jane(
        &emu,
        &["threads", "--audit", "--paced", "--page-size", "100"],
    ));
    let threads = threads_of_jane(&emu) as u64;
    assert!(threads > 50);
    assert_eq!(audited.len() as u64, threads);
    let stats = emu.running.stats();
    assert_eq!(stats.total.rate_limited, 0, "{stats:?}");
    assert!(stats.rate_limits.is_empty());
    assert_eq!(stats.routes["thread"].requests, threads);
    assert_eq!(stats.routes["participants"].requests, threads);
}

#[test]
fn refused_requests_are_retried_and_counted() {
    let emu = emulator(OVER_THE_LIMIT, true);
    let audited = ok_json(&jane(&emu, &["threads", "--audit", "--page-size", "100"]));
    let threads = threads_of_jane(&emu) as u64;
    assert_eq!(audited.len() as u64, threads);
    assert!(
        audited
            .iter()
            .all(|t| t["audit"]["lastMessageOn"].is_string())
    );
    let stats = emu.running.stats();
    // Pacing starts at the first 429: that request, and any already in flight, are refused.
    let refused = stats.total.rate_limited;
    assert!(refused >= 1, "{stats:?}");
    assert_eq!(stats.rate_limits["threadReadsPerUser"], refused);
    // Each refused thread read was made again, and every answer in the end was a success.
    let thread = &stats.routes["thread"];
    assert_eq!(thread.requests, threads + refused);
    assert_eq!(thread.statuses["429"], refused);
    assert_eq!(thread.statuses["200"], threads);
}
