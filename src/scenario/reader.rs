//! A small reader over `serde_json::Value` that checks each key where it stands and keeps
//! going, so that one pass reports every error of a file with its JSON path. Every object
//! is read through its key table (`keys`): a key's type, range and default come from its
//! entry, and keys the table does not list are reported, with a "did you mean" for a close
//! name.
//!
//! Why not `#[derive(Deserialize)]`: serde stops at the first error, and internally tagged
//! enums (`{"dist": "lognormal", …}`) lose the path of errors inside them. Users fixing a
//! scenario want every mistake, each with its exact path, in one go.

mod getter;
mod suggest;
mod value;

use serde_json::{Map, Value};

use super::keys::{Key, Table, Ty, Union};
use getter::{Getter, is_structured};
pub use suggest::{close_names, did_you_mean, suggest};
pub use value::{Scalar, describe, parse_duration, scalar};

/// One problem in a file: where, and what was expected and found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path, like `platforms[1].scaledown_window_s` (empty for the whole document).
    pub path: String,
    pub message: String,
}

/// Errors collected while reading one document (and, in unit tests, every object read
/// with the keys its reader never asked for, to prove that no table key goes unread).
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>, #[cfg(test)] pub Vec<Visit>);

/// An object read, and the keys of its table that the reader never asked for.
#[cfg(test)]
#[derive(Debug)]
pub struct Visit {
    pub table: &'static str,
    pub unread: Vec<&'static str>,
}

impl Errors {
    pub fn push(&mut self, path: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// "expected …, found …" for a value of the wrong kind or range.
    pub fn expected(&mut self, path: &str, expected: &str, found: &Value) {
        self.push(
            path,
            format!("expected {expected}, found {}", describe(found)),
        );
    }
}

/// `parent.key`, or `key` at the top.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[i]`.
pub fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// An object being read through its key table: remembers which keys were asked for, and
/// reports keys the table does not list.
pub struct Obj<'a> {
    pub path: String,
    map: &'a Map<String, Value>,
    /// The object's table; for a tagged object, the variant's once its tag is read.
    table: Option<&'static Table>,
    /// The union of a tagged object.
    union: Option<&'static Union>,
    asked: Vec<&'static str>,
}

impl<'a> Obj<'a> {
    /// Reads `v` as an object with the keys of `table`, or records what was found instead.
    pub fn new(
        v: &'a Value,
        path: &str,
        table: &'static Table,
        errs: &mut Errors,
    ) -> Option<Obj<'a>> {
        Obj::open(v, path, Some(table), None, errs)
    }

    /// Reads `v` as a tagged object of `union`; `variant` then reads the tag.
    pub fn tagged(
        v: &'a Value,
        path: &str,
        union: &'static Union,
        errs: &mut Errors,
    ) -> Option<Obj<'a>> {
        Obj::open(v, path, None, Some(union), errs)
    }

    fn open(
        v: &'a Value,
        path: &str,
        table: Option<&'static Table>,
        union: Option<&'static Union>,
        errs: &mut Errors,
    ) -> Option<Obj<'a>> {
        match v {
            Value::Object(map) => Some(Obj {
                path: path.to_string(),
                map,
                table,
                union,
                asked: Vec::new(),
            }),
            other => {
                errs.expected(path, "an object", other);
                None
            }
        }
    }

    /// The path of `key` inside this object.
    pub fn at(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// Reads the tag of a tagged object and takes its variant's keys: the `id` of the
    /// variant's table. Of several variants with the tag's value, the first is taken
    /// unless a key only a later one has is given.
    pub fn variant(&mut self, errs: &mut Errors) -> Option<&'static str> {
        let union = self.union.expect("variant() reads a tagged object");
        let choices = union.choices();
        let path = self.at(union.tag);
        self.asked.push(union.tag);
        let value = match self.map.get(union.tag) {
            None => {
                let expected = value::one_of(&choices);
                errs.push(&path, format!("missing required key (expected {expected})"));
                return None;
            }
            Some(v) => value::choice(v, &choices, &path, errs)?,
        };
        let mut candidates = union
            .variants
            .iter()
            .copied()
            .filter(|t| t.tag.is_some_and(|(_, v)| v == value));
        let first = candidates.next().expect("a tag value names a variant");
        let own_key_given = |t: &&Table| {
            t.keys
                .iter()
                .any(|k| self.has_raw(k.name) && first.key(k.name).is_none())
        };
        let chosen = candidates.find(own_key_given).unwrap_or(first);
        self.table = Some(chosen);
        Some(chosen.id)
    }

    /// A variant table read on its own (a hybrid's `base`): its tag key may be given and
    /// must then name the variant. `None` when it names another.
    pub fn own_tag(&mut self, errs: &mut Errors) -> Option<()> {
        let table = self.table.expect("own_tag() reads a table");
        let (key, value) = table.tag.expect("own_tag() reads a variant table");
        self.asked.push(key);
        match self.map.get(key) {
            None => Some(()),
            Some(v) => value::choice(v, &[value], &self.at(key), errs).map(|_| ()),
        }
    }

    fn id(&self) -> &'static str {
        match (self.table, self.union) {
            (Some(t), _) => t.id,
            (None, Some(u)) => u.id,
            (None, None) => unreachable!("an object has a table or a union"),
        }
    }

    /// The table entry of `name`; a key the table does not list is a reader bug.
    fn entry(&self, name: &str) -> &'static Key {
        let common = self.union.map_or(&[][..], |u| u.common);
        self.table
            .and_then(|t| t.key(name))
            .or_else(|| common.iter().find(|k| k.name == name))
            .unwrap_or_else(|| {
                panic!(
                    "scenario key table {:?} has no key {name:?}: the reader may only ask for \
                     keys its table lists",
                    self.id()
                )
            })
    }

    /// Marks `name` as asked for and checks how it is read against its entry.
    fn take(&mut self, name: &'static str, getter: Getter) -> (&'static Key, Option<&'a Value>) {
        let key = self.entry(name);
        if !getter.fits(key) {
            panic!(
                "scenario key table {:?}: key {name:?} ({:?}, default {:?}) cannot be read \
                 with {getter:?}",
                self.id(),
                key.ty,
                key.default
            );
        }
        self.asked.push(name);
        (key, self.map.get(name))
    }

    /// A required scalar key.
    pub fn req<T: Scalar>(&mut self, name: &'static str, errs: &mut Errors) -> Option<T> {
        let (key, v) = self.take(name, Getter::Required(T::reads));
        match v {
            Some(v) => T::read(v, &key.ty, &self.at(name), errs),
            None => {
                errs.push(&self.at(name), "missing required key");
                None
            }
        }
    }

    /// An optional scalar key whose absence the reader interprets: `Some(None)` when
    /// absent, `None` when present but invalid.
    pub fn opt<T: Scalar>(&mut self, name: &'static str, errs: &mut Errors) -> Option<Option<T>> {
        let (key, v) = self.take(name, Getter::Optional(T::reads));
        match v {
            None => Some(None),
            Some(v) => T::read(v, &key.ty, &self.at(name), errs).map(Some),
        }
    }

    /// A scalar key with a default: the table's default when absent, `None` when invalid.
    pub fn get<T: Scalar>(&mut self, name: &'static str, errs: &mut Errors) -> Option<T> {
        let (key, v) = self.take(name, Getter::Defaulted(T::reads));
        match v {
            None => Some(T::default_of(key)),
            Some(v) => T::read(v, &key.ty, &self.at(name), errs),
        }
    }

    /// As `get`, but an invalid value is reported and the default used, only so that
    /// checking can go on (the document is rejected anyway).
    pub fn or<T: Scalar>(&mut self, name: &'static str, errs: &mut Errors) -> T {
        let value = self.get(name, errs);
        value.unwrap_or_else(|| T::default_of(self.entry(name)))
    }

    /// A required list of scalars, each item of the list's item type.
    pub fn req_list<T: Scalar>(&mut self, name: &'static str, errs: &mut Errors) -> Option<Vec<T>> {
        let (key, v) = self.take(name, Getter::Required(value::is_list_of::<T>));
        let Ty::List { item, min, max } = &key.ty else {
            unreachable!("checked by take")
        };
        let path = self.at(name);
        let Some(v) = v else {
            errs.push(&path, "missing required key");
            return None;
        };
        let items = value::list(v, &path, *min, *max, errs)?;
        let parsed: Vec<Option<T>> = items
            .iter()
            .enumerate()
            .map(|(i, x)| T::read(x, item, &index(&path, i), errs))
            .collect();
        parsed.into_iter().collect()
    }

    /// A required structured key (object, tagged object, list, alternatives), parsed by
    /// `parse`.
    pub fn req_with<T>(
        &mut self,
        name: &'static str,
        errs: &mut Errors,
        parse: impl FnOnce(&'a Value, &str, &mut Errors) -> Option<T>,
    ) -> Option<T> {
        let (_, v) = self.take(name, Getter::Required(is_structured));
        let path = self.at(name);
        match v {
            Some(v) => parse(v, &path, errs),
            None => {
                errs.push(&path, "missing required key");
                None
            }
        }
    }

    /// An optional structured key: `Some(None)` when absent, `None` when invalid.
    pub fn opt_with<T>(
        &mut self,
        name: &'static str,
        errs: &mut Errors,
        parse: impl FnOnce(&'a Value, &str, &mut Errors) -> Option<T>,
    ) -> Option<Option<T>> {
        let (_, v) = self.take(name, Getter::Optional(is_structured));
        match v {
            None => Some(None),
            Some(v) => parse(v, &self.at(name), errs).map(Some),
        }
    }

    /// Whether `name` (a key of the table) is given.
    pub fn has(&self, name: &str) -> bool {
        self.entry(name);
        self.has_raw(name)
    }

    fn has_raw(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// Every key this object takes, sorted.
    fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        if let Some(u) = self.union {
            names.push(u.tag);
            names.extend(u.common.iter().map(|k| k.name));
        }
        if let Some(t) = self.table {
            names.extend(t.tag.map(|(k, _)| k));
            names.extend(t.keys.iter().map(|k| k.name));
        }
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Reports every key the table does not list.
    pub fn finish(self, errs: &mut Errors) {
        let names = self.names();
        for key in self.map.keys() {
            if !names.contains(&key.as_str()) {
                let hint = did_you_mean(key, &names);
                errs.push(
                    &join(&self.path, key),
                    format!("unknown key; expected one of: {}{hint}", names.join(", ")),
                );
            }
        }
        #[cfg(test)]
        errs.1.push(Visit {
            table: self.id(),
            unread: names
                .into_iter()
                .filter(|n| !self.asked.contains(n))
                .collect(),
        });
    }
}

/// A non-empty array, each item read by `item` with its own path.
pub fn array<'a, T>(
    v: &'a Value,
    path: &str,
    errs: &mut Errors,
    mut item: impl FnMut(&'a Value, &str, &mut Errors) -> Option<T>,
) -> Option<Vec<T>> {
    let items = value::list(v, path, 1, None, errs)?;
    let parsed: Vec<Option<T>> = items
        .iter()
        .enumerate()
        .map(|(i, x)| item(x, &index(path, i), errs))
        .collect();
    parsed.into_iter().collect()
}

#[cfg(test)]
mod tests;
