//! The demo's people beyond the ACS users of [`super::data`]: Teams users in every cloud, Teams
//! apps, a Teams extension user, phone numbers and an identity of a prefix no SDK knows, so every
//! identifier kind and raw id form appears in a thread the demo user is in. Raw ids follow
//! MicrosoftDocs/azure-docs `concepts/includes/identifiers/identifiers-rest.md` and the SDKs'
//! prefixes ([`crate::acs::raw_id`]).

use super::data::Person;

/// Organizer of the Teams meeting (public cloud Teams user).
pub const MEGAN: Person = Person {
    user: "8:orgid:4d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a",
    name: "Megan Bowen (Contoso)",
};
pub const MEI: Person = Person {
    user: "8:orgid:7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
    name: "Mei Lin (Contoso)",
};
/// An anonymous Teams meeting guest.
pub const GUEST: Person = Person {
    user: "8:teamsvisitor:b7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5",
    name: "Guest (unverified)",
};
/// Someone who dialled into the meeting.
pub const DIAL_IN: Person = Person {
    user: "4:+14255550123",
    name: "+1 425-555-0123",
};
/// A Teams app (bot) in the meeting.
pub const RECAP_BOT: Person = Person {
    user: "28:orgid:1e2f3a4b-5c6d-4e7f-8091-a2b3c4d5e6f7",
    name: "Meeting recap",
};

pub const ANA_GCCH: Person = Person {
    user: "8:gcch:6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
    name: "Ana Ruiz (GCC High)",
};
pub const OMAR_DOD: Person = Person {
    user: "8:dod:0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9",
    name: "Omar Haddad (DoD)",
};
pub const RECORDS_APP_GCCH: Person = Person {
    user: "28:gcch:2f3a4b5c-6d7e-4f80-91a2-b3c4d5e6f7a8",
    name: "Records bot (GCC High)",
};
pub const COMPLIANCE_APP_DOD: Person = Person {
    user: "28:dod:3a4b5c6d-7e8f-4091-a2b3-c4d5e6f7a8b9",
    name: "Compliance bot (DoD)",
};
/// A Teams Phone user extended through this ACS resource: `8:acs:<resource>_<tenant>_<user>`.
pub const PRIYA_EXTENSION: Person = Person {
    user: "8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_72f988bf-86f1-41af-91ab-2d7cd011db47_a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
    name: "Priya Natarajan (Teams Phone)",
};
/// An ACS user of a government-cloud resource.
pub const FIELD_AGENT_GCCH: Person = Person {
    user: "8:gcch-acs:9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a_00000021-0a1b-2c3d-4e5f-60718293a4b5",
    name: "Field agent (gov resource)",
};
pub const DESK_PHONE: Person = Person {
    user: "4:+12025550147",
    name: "+1 202-555-0147",
};
/// A raw id of a prefix no SDK knows: read as `unknown`, kept as sent.
pub const SKYPE_GUEST: Person = Person {
    user: "8:live:contoso.guest",
    name: "Skype guest",
};
