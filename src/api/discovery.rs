//! Discovery Session (`discovery-session-api.txt`), on a regional host.

use crate::generated::open_enums::DiscoverySessionStatusValue;
use crate::generated::types::{
    CreateDiscoverySessionRequest, EndpointReporterBody, EndpointReporterType,
    SkillEndpointReporter,
};
use crate::poll::{Step, Wait};
use crate::{Error, Region, SkillId, Smapi, Stage, validate};

/// Who reports the unit's endpoints to Alexa. The page documents one kind: a skill.
///
/// ```
/// use alexa_smapi::{EndpointReporter, Stage};
/// let r = EndpointReporter::skill("amzn1.ask.skill.1", Stage::Live);
/// assert_eq!(r.skill_id(), "amzn1.ask.skill.1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointReporter {
    skill_id: SkillId,
    stage: Option<Stage>,
}

impl EndpointReporter {
    /// The skill `skill_id`, at `stage`.
    pub fn skill(skill_id: impl Into<SkillId>, stage: Stage) -> Self {
        EndpointReporter {
            skill_id: skill_id.into(),
            stage: Some(stage),
        }
    }

    /// The reporting skill's ID.
    pub fn skill_id(&self) -> &SkillId {
        &self.skill_id
    }

    /// The stage of the reporting skill, when set.
    pub fn stage(&self) -> Option<&Stage> {
        self.stage.as_ref()
    }

    /// The request body form, after checking the spec's rules.
    fn to_wire(&self) -> Result<EndpointReporterBody, Error> {
        validate::skill_id(&self.skill_id)?;
        if let Some(stage) = &self.stage {
            validate::discovery_stage(stage)?;
        }
        let mut value = SkillEndpointReporter::builder().skill_id(self.skill_id.clone());
        if let Some(stage) = &self.stage {
            value = value.skill_stage(Some(stage.clone()));
        }
        let value: SkillEndpointReporter = value.try_into().map_err(|e| Error::Validation {
            field: "endpointReporter",
            rule: format!("{e}"),
        })?;
        EndpointReporterBody::builder()
            .type_(EndpointReporterType::Skill)
            .value(value)
            .try_into()
            .map_err(|e| Error::Validation {
                field: "endpointReporter",
                rule: format!("{e}"),
            })
    }
}

/// A created discovery session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoverySessionRef {
    /// Session ID.
    pub id: String,
    /// The `Location` header (the session's URL, valid for one hour).
    pub location: Option<String>,
    /// The region whose host holds the session.
    pub region: Region,
}

/// Discovery Session operations on one region's host. Get one with [`Smapi::discovery`].
#[derive(Clone, Copy, Debug)]
pub struct Discovery<'a> {
    smapi: &'a Smapi,
    region: Region,
}

impl<'a> Discovery<'a> {
    pub(crate) fn new(smapi: &'a Smapi, region: Region) -> Self {
        Discovery { smapi, region }
    }

    /// Asks Alexa to discover the endpoints of `unit` (`createDiscoverySession`).
    ///
    /// **Exactly once, or it says it cannot know**, as for
    /// [`Skills::create`](crate::api::Skills::create): retried only when the server certainly
    /// did not process it; [`Error::OutcomeUnknown`] when an attempt may have started a
    /// session and its answer was lost.
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// use alexa_smapi::{EndpointReporter, Region, Stage};
    /// let eu = smapi.discovery(Region::for_country("DE").unwrap_or(Region::Eu));
    /// let session = eu.create_session("amzn1.alexa.unit.1", EndpointReporter::skill("amzn1.ask.skill.1", Stage::Live)).await?;
    /// eu.wait(&session.id).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_session(
        self,
        unit: &str,
        reporter: EndpointReporter,
    ) -> Result<DiscoverySessionRef, Error> {
        validate::unit(unit)?;
        let body = CreateDiscoverySessionRequest {
            endpoint_reporter: reporter.to_wire()?,
        };
        let raw = self.smapi.raw_discovery(self.region);
        match raw
            .create_discovery_session()
            .unit(unit)
            .body(body)
            .send()
            .await
        {
            Ok(rv) => {
                let location = super::header(rv.headers(), "location");
                Ok(DiscoverySessionRef {
                    id: rv.into_inner().id,
                    location,
                    region: self.region,
                })
            }
            Err(e) => {
                Err(
                    super::write::settle("createDiscoverySession", e, super::write::SESSION_ADVICE)
                        .await,
                )
            }
        }
    }

    /// The state of a session (`getDiscoverySession`).
    pub async fn status(self, session_id: &str) -> Result<DiscoverySessionStatusValue, Error> {
        validate::session_id(session_id)?;
        let raw = self.smapi.raw_discovery(self.region);
        let request = raw.get_discovery_session().id(session_id);
        match crate::retry::resend_undecodable(
            self.smapi.retry_policy(),
            "getDiscoverySession",
            || request.clone().send(),
        )
        .await
        {
            Ok(rv) => Ok(rv.into_inner().status.value),
            Err(e) => Err(Box::pin(Error::from_generated("getDiscoverySession", e)).await),
        }
    }

    /// Waits until the session `SUCCEEDED`; `FAILED` ends the wait with
    /// [`Error::DiscoveryFailed`]. Await the builder.
    pub fn wait(&self, session_id: &str) -> WaitDiscovery<'a> {
        let discovery = *self;
        let session_id = session_id.to_owned();
        Wait::new(
            self.smapi.poll_policy().clone(),
            format!("discovery session {session_id}"),
            validate::session_id(&session_id),
            move || {
                let id = session_id.clone();
                async move {
                    match discovery.status(&id).await? {
                        DiscoverySessionStatusValue::Succeeded => Ok(Step::Done(())),
                        DiscoverySessionStatusValue::Failed => {
                            Err(Error::DiscoveryFailed { session_id: id })
                        }
                        other => Ok(Step::Pending(other.to_string())),
                    }
                }
            },
        )
    }
}

/// A wait for a discovery session; await it. See [`Discovery::wait`].
pub type WaitDiscovery<'a> = Wait<'a, ()>;
