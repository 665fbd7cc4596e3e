//! How a key is read (required, optional, with a default) and which key types each way
//! can read: a reader asking for a key in a way its table entry does not allow is a bug.

use super::super::keys::{self, Key, Ty};

/// How a key is read, with the types the getter can read.
#[derive(Clone, Copy)]
pub(super) enum Getter {
    Required(fn(&Ty) -> bool),
    Optional(fn(&Ty) -> bool),
    Defaulted(fn(&Ty) -> bool),
}

impl std::fmt::Debug for Getter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Getter::Required(_) => "a getter for a required key",
            Getter::Optional(_) => "a getter for an optional key",
            Getter::Defaulted(_) => "a getter for a key with a default",
        })
    }
}

impl Getter {
    pub(super) fn fits(self, key: &Key) -> bool {
        use keys::Default as D;
        match self {
            Getter::Required(reads) => matches!(key.default, D::Required) && reads(&key.ty),
            Getter::Optional(reads) => {
                matches!(key.default, D::Optional | D::Derived(_)) && reads(&key.ty)
            }
            Getter::Defaulted(reads) => {
                matches!(key.default, D::Num(_) | D::Whole(_) | D::Text(_)) && reads(&key.ty)
            }
        }
    }
}

pub(super) fn is_structured(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::List { .. } | Ty::Tuple(_) | Ty::Object(_) | Ty::Union(_) | Ty::OneOf(_) | Ty::Named(_)
    )
}
