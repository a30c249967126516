//! Decoding that keeps unknown fields without buffering.
//!
//! `#[serde(flatten)]` would keep unknown fields too, but it first copies every field of every object
//! into an intermediate buffer, which doubles the time to decode a page of messages. These impls read
//! each key once: known keys into their fields, any other key into `extra`, missing keys left at default.

/// Implements `Deserialize` for a `Default` struct with an `extra: Map<String, Value>` field.
/// Each entry is `"wireName" => field: value` (decoded as the field's type) or `: list` (a `Vec` where
/// `null` means empty).
macro_rules! deserialize_keeping_unknown {
    ($ty:ident { $($wire:literal => $field:ident : $kind:ident),* $(,)? }) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct FieldsVisitor;

                impl<'de> serde::de::Visitor<'de> for FieldsVisitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a JSON object (", stringify!($ty), ")"))
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$ty, A::Error> {
                        let mut out = <$ty>::default();
                        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                            match key.as_ref() {
                                $($wire => out.$field = $crate::acs::lenient::read_field!(map, $kind),)*
                                _ => {
                                    out.extra.insert(key.into_owned(), map.next_value()?);
                                }
                            }
                        }
                        Ok(out)
                    }
                }

                deserializer.deserialize_map(FieldsVisitor)
            }
        }
    };
}

/// Reads one field's value from a map in the way its kind asks.
macro_rules! read_field {
    ($map:ident, value) => {
        $map.next_value()?
    };
    ($map:ident, list) => {
        $map.next_value::<Option<Vec<_>>>()?.unwrap_or_default()
    };
}

pub(crate) use deserialize_keeping_unknown;
pub(crate) use read_field;
