//! ID newtypes: one type per kind of ID the spec defines, so a skill ID cannot be passed where
//! a vendor ID belongs.
//!
//! Each converts from `&str`, `String` and `&String`, so every method that takes
//! `impl Into<SkillId>` (or `VendorId`) still accepts a plain string. Converting never fails:
//! the spec's rules (1 to 255 characters) are checked by the method that sends the ID, before
//! anything leaves the machine, and a broken rule is [`Error::Validation`](crate::Error::Validation)
//! naming the field.
//!
//! ```
//! use alexa_smapi::{SkillId, VendorId};
//! let skill = SkillId::from("amzn1.ask.skill.1");
//! assert_eq!(skill.as_str(), "amzn1.ask.skill.1");
//! assert_eq!(skill, "amzn1.ask.skill.1");
//! let vendor: VendorId = String::from("M1VENDOR").into();
//! assert_eq!(vendor.to_string(), "M1VENDOR");
//! ```

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The ID as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The ID as an owned `String`.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                $name(value)
            }
        }

        impl From<&String> for $name {
            fn from(value: &String) -> Self {
                $name(value.clone())
            }
        }

        impl From<&$name> for $name {
            fn from(value: &$name) -> Self {
                value.clone()
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok($name(value.to_owned()))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == &other.0
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}

id_type!(
    /// The ID of a skill, for example `amzn1.ask.skill.6acdbdf8-8420-440e-823e-aaaaaaaabbbb`
    /// (the spec's `SkillId`: 1 to 255 characters).
    SkillId
);

id_type!(
    /// The ID of a vendor (developer account), for example `MT25O3ZVSAXZOAX` (the spec's
    /// `VendorId`: 1 to 255 characters).
    VendorId
);
