//! KMIP protocol versions and the "defined in version X.Y" rule.

use std::fmt;
use std::str::FromStr;

/// A KMIP protocol version (Protocol Version Major / Minor).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u8,
    pub minor: u8,
}

impl Version {
    pub const V1_0: Version = Version::new(1, 0);
    pub const V1_1: Version = Version::new(1, 1);
    pub const V1_2: Version = Version::new(1, 2);
    pub const V1_3: Version = Version::new(1, 3);
    pub const V1_4: Version = Version::new(1, 4);
    pub const V2_0: Version = Version::new(2, 0);
    pub const V2_1: Version = Version::new(2, 1);

    /// Every version this tool knows, oldest first.
    pub const ALL: [Version; 7] = [
        Version::V1_0,
        Version::V1_1,
        Version::V1_2,
        Version::V1_3,
        Version::V1_4,
        Version::V2_0,
        Version::V2_1,
    ];

    pub const fn new(major: u8, minor: u8) -> Version {
        Version { major, minor }
    }

    /// True for KMIP 2.0 and later, where attributes, batch defaults and
    /// several encodings differ from 1.x.
    pub const fn is_2x(self) -> bool {
        self.major >= 2
    }
}

/// The span of versions in which a tag or value is defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetime {
    /// The first version that defines it; `None` for rows the spec never names.
    pub since: Option<Version>,
    /// The first version that reserves or removes it again.
    pub removed_in: Option<Version>,
    /// The version from which the spec marks it deprecated (still defined).
    pub deprecated_in: Option<Version>,
}

impl Lifetime {
    /// Is it defined (usable on the wire) in `version`?
    pub fn defined_in(&self, version: Version) -> bool {
        self.since.is_some_and(|since| since <= version)
            && self.removed_in.is_none_or(|removed| version < removed)
    }
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Why a version string did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a KMIP version (expected MAJOR.MINOR, e.g. 1.4 or 2.1)")]
pub struct ParseVersionError(pub String);

impl FromStr for Version {
    type Err = ParseVersionError;
    fn from_str(s: &str) -> Result<Version, ParseVersionError> {
        let err = || ParseVersionError(s.to_owned());
        let (major, minor) = s.trim().split_once('.').ok_or_else(err)?;
        Ok(Version::new(
            major.parse().map_err(|_| err())?,
            minor.parse().map_err(|_| err())?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetime_rules() {
        let removed_in_2 = Lifetime {
            since: Some(Version::V1_0),
            removed_in: Some(Version::V2_0),
            deprecated_in: Some(Version::V1_1),
        };
        assert!(removed_in_2.defined_in(Version::V1_4));
        assert!(!removed_in_2.defined_in(Version::V2_0));
        let since_1_2 = Lifetime {
            since: Some(Version::V1_2),
            removed_in: None,
            deprecated_in: None,
        };
        assert!(!since_1_2.defined_in(Version::V1_1));
        assert!(since_1_2.defined_in(Version::V2_1));
        assert_eq!("2.1".parse::<Version>().unwrap(), Version::V2_1);
        assert!("2".parse::<Version>().is_err());
    }
}
