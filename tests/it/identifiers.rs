//! Identifiers are read as the SDKs read them: every kind, every cloud, Teams extension users, and
//! unknown prefixes, with the raw id rebuilt exactly.

use acs_chat_inspector::acs::{CommunicationIdentifierModel, IdentifierKind};
use proptest::prelude::*;
use serde_json::Value;

fn fixture() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/identifiers/every_kind.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["identifiers"].as_array().unwrap().clone()
}

#[test]
fn every_kind_decodes_and_its_raw_id_is_rebuilt_from_the_sub_object() {
    for sent in fixture() {
        let raw = sent["rawId"].as_str().unwrap();
        let id: CommunicationIdentifierModel = serde_json::from_value(sent.clone()).unwrap();
        assert_eq!(id.kind().as_str(), sent["kind"], "{raw}");
        assert_eq!(id.raw_id(), raw);
        if sent["kind"] != "unknown" {
            assert_eq!(id.rebuilt_raw_id().as_deref(), Some(raw), "{raw}");
        }
    }
}

#[test]
fn parsing_a_raw_id_gives_the_sub_object_the_service_sends() {
    for sent in fixture() {
        let raw = sent["rawId"].as_str().unwrap();
        let parsed = CommunicationIdentifierModel::from_raw_id(raw);
        let mut value = serde_json::to_value(&parsed).unwrap();
        value["kind"] = sent["kind"].clone();
        let mut expected = sent.clone();
        // The service leaves `isAnonymous: false` out or writes it; the meaning is the same.
        for v in [&mut value, &mut expected] {
            if let Some(teams) = v.get_mut("microsoftTeamsUser") {
                let obj = teams.as_object_mut().unwrap();
                if obj.get("isAnonymous") == Some(&Value::Bool(false)) {
                    obj.remove("isAnonymous");
                }
                obj.entry("cloud").or_insert("public".into());
            }
        }
        assert_eq!(value, expected, "{raw}");
    }
}

#[test]
fn teams_extension_users_need_exactly_three_parts() {
    let three = "8:acs:res_tenant_user";
    assert_eq!(
        IdentifierKind::from_raw_id(three),
        IdentifierKind::TeamsExtensionUser
    );
    let ext = CommunicationIdentifierModel::from_raw_id(three);
    let sub = ext.teams_extension_user.unwrap();
    assert_eq!(
        (
            sub.resource_id.as_str(),
            sub.tenant_id.as_str(),
            sub.user_id.as_str()
        ),
        ("res", "tenant", "user")
    );
    for plain in ["8:acs:res_user", "8:acs:a_b_c_d", "8:acs:nounderscore"] {
        assert_eq!(
            IdentifierKind::from_raw_id(plain),
            IdentifierKind::CommunicationUser,
            "{plain}"
        );
    }
    let gcch = CommunicationIdentifierModel::from_raw_id("8:gcch-acs:r_t_u");
    let mut rebuilt = gcch.clone();
    rebuilt.raw_id = None;
    assert_eq!(rebuilt.raw_id(), "8:gcch-acs:r_t_u");
}

fn raw_ids() -> impl Strategy<Value = String> {
    let part = "[A-Za-z0-9-]{1,36}";
    let prefix = prop_oneof![
        Just("4:+1"),
        Just("4:"),
        Just("8:acs:"),
        Just("8:dod-acs:"),
        Just("8:gcch-acs:"),
        Just("8:spool:"),
        Just("8:orgid:"),
        Just("8:gcch:"),
        Just("8:dod:"),
        Just("8:teamsvisitor:"),
        Just("28:orgid:"),
        Just("28:gcch:"),
        Just("28:dod:"),
        Just("8:live:"),
        Just("99:"),
    ];
    prop_oneof![
        (prefix.clone(), part).prop_map(|(p, s)| format!("{p}{s}")),
        (prefix, part, part, part).prop_map(|(p, a, b, c)| format!("{p}{a}_{b}_{c}")),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_then_raw_id_gives_back_the_raw_id(raw in raw_ids()) {
        let parsed = CommunicationIdentifierModel::from_raw_id(&raw);
        prop_assert_eq!(parsed.raw_id(), raw.clone());
        // Without the rawId, the sub-object alone rebuilds it exactly (when the kind is known).
        if let Some(rebuilt) = parsed.rebuilt_raw_id() {
            prop_assert_eq!(rebuilt, raw.clone());
        }
        let known = !matches!(parsed.kind(), IdentifierKind::Unknown(_));
        prop_assert_eq!(known, parsed.rebuilt_raw_id().is_some());
        prop_assert_eq!(parsed.kind(), IdentifierKind::from_raw_id(&raw));
    }
}
