//! A JSON object body flattened into source fields in one pass, keeping arrival order (a
//! `serde_json::Value` would sort the keys) and building no tree.
//!
//! - Nested objects: `{"contact":{"first":"Jane"}}` → `contact.first = Jane`.
//! - Numbers and booleans: their JSON text (`80202`, `true`); integers exactly, other numbers in
//!   their shortest round-trip form. `null` → an empty value.
//! - Arrays: the scalar elements are joined with `", "` under the array's own key
//!   (`{"tags":["roof","gutter"]}` → `tags = roof, gutter`, so a one-element `["303…"]` is just
//!   the value); object and array elements are flattened under `key.<index>`
//!   (`{"phones":[{"type":"cell"}]}` → `phones.0.type = cell`). An empty array is an empty value.
//! - Duplicate keys are all kept, in order.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::body::Fields;

/// Flattens a JSON object text (already known to start with `{`) into `out`.
pub(super) fn flatten_object(text: &str, out: &mut Fields) -> Result<(), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    Node {
        key: String::new(),
        out,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        let mut joined = String::with_capacity(prefix.len() + 1 + key.len());
        joined.push_str(prefix);
        joined.push('.');
        joined.push_str(key);
        joined
    }
}

/// Any value, stored under `key`.
struct Node<'o> {
    key: String,
    out: &'o mut Fields,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

macro_rules! scalar_visits {
    ($push:ident) => {
        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
            Ok(self.$push(value.to_string()))
        }
        fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Self::Value, E> {
            Ok(self.$push(value))
        }
        fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Self::Value, E> {
            Ok(self.$push(value.to_string()))
        }
        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
            Ok(self.$push(value.to_string()))
        }
        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
            Ok(self.$push(value.to_string()))
        }
        fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Self::Value, E> {
            Ok(self.$push(value.to_string()))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(self.$push(String::new()))
        }
    };
}

impl Node<'_> {
    fn push(self, value: String) {
        self.out.push((self.key, value));
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    scalar_visits!(push);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            map.next_value_seed(Node {
                key: join(&self.key, &key),
                out: &mut *self.out,
            })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut scalars = String::new();
        let mut index = 0usize;
        let mut nested = false;
        loop {
            let element = Element {
                key: &self.key,
                index,
                scalars: &mut scalars,
                out: &mut *self.out,
            };
            match seq.next_element_seed(element)? {
                Some(was_nested) => nested |= was_nested,
                None => break,
            }
            index += 1;
        }
        if !scalars.is_empty() || !nested {
            self.out.push((self.key, scalars));
        }
        Ok(())
    }
}

/// One array element: a scalar joins the array's value, a container is flattened under
/// `key.index`. Yields whether it was a container.
struct Element<'a> {
    key: &'a str,
    index: usize,
    scalars: &'a mut String,
    out: &'a mut Fields,
}

impl<'de> DeserializeSeed<'de> for Element<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'a> Element<'a> {
    fn join_scalar(self, value: String) -> bool {
        if !value.is_empty() {
            if !self.scalars.is_empty() {
                self.scalars.push_str(", ");
            }
            self.scalars.push_str(&value);
        }
        false
    }

    fn node(self) -> Node<'a> {
        Node {
            key: join(self.key, &self.index.to_string()),
            out: self.out,
        }
    }
}

impl<'de> Visitor<'de> for Element<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    scalar_visits!(join_scalar);

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        self.node().visit_map(map)?;
        Ok(true)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        self.node().visit_seq(seq)?;
        Ok(true)
    }
}
