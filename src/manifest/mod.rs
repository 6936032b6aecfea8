//! Building and editing skill manifests in typed Rust.
//!
//! The manifest types themselves are generated from the spec (`openapi/smapi.yaml`) into
//! [`crate::types`]: [`SkillManifest`] and everything under it, every object keeping the
//! fields this version does not model in its `extra` map, every enumeration open. This module
//! adds what the generated types cannot say by themselves: where to start, get-or-insert
//! accessors for the deeply optional parts, constructors for endpoints and interfaces, and
//! [`validate()`], the local check create and update run before anything is sent.
//!
//! A custom skill with an HTTPS endpoint, two locales and two interfaces:
//!
//! ```
//! use alexa_smapi::manifest::{InterfaceType, ManifestCategory, SslCertificateType};
//! use alexa_smapi::types::{SkillEndpoint, SkillManifest};
//!
//! let mut m = SkillManifest::new();
//! m.custom_mut().endpoint = Some(SkillEndpoint::https("https://skill.example.com/alexa", SslCertificateType::Wildcard));
//! m.custom_mut().add_interface(InterfaceType::AudioPlayer);
//! m.custom_mut().add_interface(InterfaceType::AlexaPresentationApl);
//! for (locale, name) in [("en-US", "Space Facts"), ("en-GB", "Space Facts UK")] {
//!     let listing = m.locale_mut(locale);
//!     listing.name = Some(name.into());
//!     listing.summary = Some("A fact about space, every day.".into());
//!     listing.example_phrases = Some(vec!["Alexa, open space facts".into()]);
//! }
//! m.publishing_mut().category = Some(ManifestCategory::KnowledgeAndTrivia);
//! m.publishing_mut().is_available_worldwide = Some(true);
//! assert!(alexa_smapi::manifest::validate(&m).is_valid());
//! assert_eq!(serde_json::to_value(&m)?["apis"]["custom"]["interfaces"][1]["type"], "ALEXA_PRESENTATION_APL");
//! # Ok::<(), serde_json::Error>(())
//! ```

mod check;
mod validate;

pub use validate::{validate, validate_or_error};

/// The manifest's open enumerations (each with an `Unknown(String)` variant), re-exported
/// from [`crate::generated::open_enums`] so manifest code needs one import path for them;
/// the manifest's structs are in [`crate::types`].
pub use crate::generated::open_enums::{
    AlexaForBusinessInterfaceVersion, AlexaForBusinessRequestName, AndroidCommonIntentName,
    AppCatalog, CommonSchemeName, Currency, DisplayApmlVersion, DisplayTemplateVersion,
    DistributionCountry, DistributionMode, EventName, FlashBriefingContentType, FlashBriefingGenre,
    FlashBriefingUpdateFrequency, GadgetSupportRequirement, HealthProtocolVersion, InterfaceType,
    KnowledgeEnablementChannel, ManifestCategory, MusicContentName, OfferType, PermissionName,
    SmartHomeProtocol, SslCertificateType, SubscriptionPaymentFrequency, SupportedControlsType,
    TaxInformationCategory, VideoPromptNameType, ViewportMode, ViewportShape,
};
/// The custom API's interfaces: an open union on `type` (see [`crate::generated::open_unions`]).
pub use crate::generated::open_unions::Interface;

use std::collections::BTreeMap;

use crate::generated::types::{
    CustomApis, LocalizedPrivacyAndCompliance, LocalizedPublishingInformation, Permission,
    PrivacyAndCompliance, PublishingInformation, SkillApis, SkillEndpoint, SkillManifest,
};

/// The manifest format version this crate writes (`manifestVersion`).
pub const MANIFEST_VERSION: &str = "1.0";

impl SkillManifest {
    /// An empty manifest of the current format version (`manifestVersion` `1.0`).
    pub fn new() -> Self {
        SkillManifest {
            manifest_version: Some(MANIFEST_VERSION.to_owned()),
            ..Default::default()
        }
    }

    /// `publishingInformation`, inserted empty if absent.
    pub fn publishing_mut(&mut self) -> &mut PublishingInformation {
        self.publishing_information
            .get_or_insert_with(Default::default)
    }

    /// `privacyAndCompliance`, inserted empty if absent.
    pub fn privacy_mut(&mut self) -> &mut PrivacyAndCompliance {
        self.privacy_and_compliance
            .get_or_insert_with(Default::default)
    }

    /// `apis`, inserted empty if absent.
    pub fn apis_mut(&mut self) -> &mut SkillApis {
        self.apis.get_or_insert_with(Default::default)
    }

    /// `apis.custom`, inserted (with `apis`) if absent.
    pub fn custom_mut(&mut self) -> &mut CustomApis {
        self.apis_mut().custom.get_or_insert_with(Default::default)
    }

    /// The store listing of `locale` (`publishingInformation.locales[locale]`), inserted empty
    /// (with everything above it) if absent.
    pub fn locale_mut(&mut self, locale: &str) -> &mut LocalizedPublishingInformation {
        self.publishing_mut()
            .locales
            .get_or_insert_with(BTreeMap::new)
            .entry(locale.to_owned())
            .or_default()
    }

    /// Every store listing, keyed by locale, for editing in place (none if there is none).
    ///
    /// ```
    /// # let mut m = alexa_smapi::types::SkillManifest::new();
    /// # m.locale_mut("en-US"); m.locale_mut("de-DE");
    /// for (_, listing) in m.locales_mut() {
    ///     listing.name = Some("Renamed".into());
    /// }
    /// # assert!(m.locales().all(|(_, l)| l.name.as_deref() == Some("Renamed")));
    /// ```
    pub fn locales_mut(
        &mut self,
    ) -> impl Iterator<Item = (&String, &mut LocalizedPublishingInformation)> {
        self.publishing_information
            .as_mut()
            .and_then(|p| p.locales.as_mut())
            .into_iter()
            .flat_map(|locales| locales.iter_mut())
    }

    /// Every store listing, keyed by locale (none if there is none).
    pub fn locales(&self) -> impl Iterator<Item = (&String, &LocalizedPublishingInformation)> {
        self.publishing_information
            .as_ref()
            .and_then(|p| p.locales.as_ref())
            .into_iter()
            .flat_map(|locales| locales.iter())
    }

    /// The policy links of `locale` (`privacyAndCompliance.locales[locale]`), inserted empty
    /// if absent.
    pub fn privacy_locale_mut(&mut self, locale: &str) -> &mut LocalizedPrivacyAndCompliance {
        self.privacy_mut()
            .locales
            .get_or_insert_with(BTreeMap::new)
            .entry(locale.to_owned())
            .or_default()
    }

    /// Asks for `permission` (`permissions[].name`), unless the manifest already does.
    pub fn add_permission(&mut self, permission: PermissionName) -> &mut Self {
        let permissions = self.permissions.get_or_insert_with(Vec::new);
        if !permissions
            .iter()
            .any(|p| p.name.as_ref() == Some(&permission))
        {
            permissions.push(Permission::named(permission));
        }
        self
    }

    /// Whether the manifest asks for `permission`.
    pub fn has_permission(&self, permission: &PermissionName) -> bool {
        self.permissions
            .iter()
            .flatten()
            .any(|p| p.name.as_ref() == Some(permission))
    }
}

impl Permission {
    /// The permission entry for `name`.
    pub fn named(name: PermissionName) -> Self {
        Permission {
            name: Some(name),
            extra: serde_json::Map::new(),
        }
    }
}

impl SkillEndpoint {
    /// An HTTPS endpoint presenting a certificate of `certificate` kind.
    pub fn https(uri: impl Into<String>, certificate: SslCertificateType) -> Self {
        SkillEndpoint {
            uri: Some(uri.into()),
            ssl_certificate_type: Some(certificate),
            source_dir: None,
            extra: serde_json::Map::new(),
        }
    }

    /// An AWS Lambda endpoint, given the function's ARN.
    pub fn lambda(arn: impl Into<String>) -> Self {
        SkillEndpoint {
            uri: Some(arn.into()),
            ssl_certificate_type: None,
            source_dir: None,
            extra: serde_json::Map::new(),
        }
    }
}

impl CustomApis {
    /// Declares the interface of `kind` with no settings, unless one of that kind is declared
    /// already. For an interface with settings (for example APL viewports), build it with
    /// [`Interface::of`] or its generated struct and push it to `interfaces` yourself.
    pub fn add_interface(&mut self, kind: InterfaceType) -> &mut Self {
        let interfaces = self.interfaces.get_or_insert_with(Vec::new);
        if !interfaces.iter().any(|i| i.kind() == kind.as_str()) {
            interfaces.push(Interface::of(kind));
        }
        self
    }

    /// Whether an interface of `kind` is declared.
    pub fn has_interface(&self, kind: &InterfaceType) -> bool {
        self.interfaces
            .iter()
            .flatten()
            .any(|i| i.kind() == kind.as_str())
    }
}

impl Interface {
    /// The interface of `kind` with no settings: the variant the spec lists for it, or
    /// [`Interface::Unknown`] holding `{"type": kind}` for a kind it does not list.
    pub fn of(kind: InterfaceType) -> Self {
        let mut object = serde_json::Map::new();
        object.insert(
            "type".to_owned(),
            serde_json::Value::String(kind.as_str().to_owned()),
        );
        // Every listed kind's struct needs nothing but `type`, so decoding cannot fail; if a
        // later spec adds a required setting, the object is kept as an unknown kind instead.
        serde_json::from_value(serde_json::Value::Object(object.clone()))
            .unwrap_or(Interface::Unknown(object))
    }

    /// The interface's kind as the open enumeration.
    pub fn interface_type(&self) -> InterfaceType {
        InterfaceType::from(self.kind())
    }
}
