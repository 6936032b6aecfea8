//! Skill Publishing (`skill-publishing-api.txt`): submit, status, unpublish.

use std::future::IntoFuture;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use crate::generated::open_enums::PublicationStatus;
use crate::generated::types::{
    GetSkillPublicationAcceptLanguage, PublishSkillAcceptLanguage, PublishSkillRequest,
    SkillPublication, UnpublishReason, UnpublishSkillAcceptLanguage, UnpublishSkillRequest,
    UnpublishType,
};
use crate::poll::{Step, Wait};
use crate::{Error, SkillId, Smapi, validate};

/// Skill Publishing. Get one with [`Smapi::publishing`].
///
/// Every call of this handle sends the optional `Accept-Language` header when
/// [`Publishing::accept_language`] set it.
#[derive(Clone, Copy, Debug)]
pub struct Publishing<'a> {
    smapi: &'a Smapi,
    accept_language: Option<&'a str>,
}

/// The languages the publishing operations answer in (`Accept-Language`).
pub const ACCEPT_LANGUAGES: [&str; 2] = ["en-US", "ja-JP"];

impl<'a> Publishing<'a> {
    pub(crate) fn new(smapi: &'a Smapi) -> Self {
        Publishing {
            smapi,
            accept_language: None,
        }
    }

    /// Send `Accept-Language: language` (`en-US` or `ja-JP`, see [`ACCEPT_LANGUAGES`]) with
    /// the calls made through this handle, for answers in that language. Any other value
    /// makes those calls fail with [`Error::Validation`] for `Accept-Language` before sending.
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// let p = smapi.publishing().accept_language("ja-JP").status("amzn1.ask.skill.1").await?;
    /// # let _ = p; Ok(()) }
    /// ```
    pub fn accept_language(mut self, language: &'a str) -> Self {
        self.accept_language = Some(language);
        self
    }

    /// The checked `Accept-Language`, converted to the operation's header type.
    fn language<T: TryFrom<&'a str>>(&self) -> Result<Option<T>, Error> {
        self.accept_language
            .map(|l| {
                T::try_from(l).map_err(|_| Error::Validation {
                    field: "Accept-Language",
                    rule: format!("must be `en-US` or `ja-JP`, got `{l}`"),
                })
            })
            .transpose()
    }

    /// Submits the certified skill for publication (`publishSkill`), now or, with
    /// [`at`](SubmitPublication::at), at a date at most six months ahead. Await the builder.
    ///
    /// **Exactly once, or it says it cannot know.** Repeating a submission is safe (the spec
    /// marks it `x-idempotent`), so it is retried after transient failures. When an attempt
    /// may have been applied and the request then fails (or is refused, which may be the
    /// server answering our own earlier attempt), the answer is [`Error::OutcomeUnknown`]:
    /// read the publication before submitting again.
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// let when = chrono::Utc::now() + chrono::Duration::days(7);
    /// smapi.publishing().submit("amzn1.ask.skill.1").at(when).await?;
    /// # Ok(()) }
    /// ```
    pub fn submit(&self, skill_id: impl Into<SkillId>) -> SubmitPublication<'a> {
        SubmitPublication {
            publishing: *self,
            skill_id: skill_id.into(),
            at: None,
        }
    }

    /// The latest publication of the skill (`getSkillPublication`).
    pub async fn status(self, skill_id: impl Into<SkillId>) -> Result<SkillPublication, Error> {
        let skill_id = skill_id.into();
        validate::skill_id(&skill_id)?;
        let language: Option<GetSkillPublicationAcceptLanguage> = self.language()?;
        let mut request = self.smapi.raw().get_skill_publication().skill_id(&skill_id);
        if let Some(language) = language {
            request = request.accept_language(language);
        }
        match crate::retry::resend_undecodable(
            self.smapi.retry_policy(),
            "getSkillPublication",
            || request.clone().send(),
        )
        .await
        {
            Ok(rv) => Ok(rv.into_inner()),
            Err(e) => Err(Box::pin(Error::from_generated("getSkillPublication", e)).await),
        }
    }

    /// Waits until the latest publication is `SUCCEEDED` (or `SCHEDULED`, when submitted
    /// for later). `FAILED` or `CANCELLED` end the wait with [`Error::PublicationFailed`].
    pub fn wait_until_published(&self, skill_id: impl Into<SkillId>) -> WaitPublished<'a> {
        let publishing = *self;
        let skill_id: SkillId = skill_id.into();
        Wait::new(
            self.smapi.poll_policy().clone(),
            format!("publication of skill {skill_id}"),
            validate::skill_id(&skill_id),
            move || {
                let skill_id = skill_id.clone();
                async move {
                    let publication = publishing.status(&skill_id).await?;
                    match &publication.status {
                        Some(PublicationStatus::Succeeded | PublicationStatus::Scheduled) => {
                            Ok(Step::Done(publication))
                        }
                        Some(s @ (PublicationStatus::Failed | PublicationStatus::Cancelled)) => {
                            Err(Error::PublicationFailed {
                                skill_id,
                                status: s.clone(),
                            })
                        }
                        Some(other) => Ok(Step::Pending(other.to_string())),
                        None => Ok(Step::Pending("NO_STATUS_YET".to_owned())),
                    }
                }
            },
        )
    }

    /// Unpublishes the skill (`unpublishSkill`). `HIDE` keeps it for users who enabled it;
    /// `REMOVE` disables it for everyone. Parse user input with
    /// [`validate::parse_unpublish_type`] / [`validate::parse_unpublish_reason`].
    ///
    /// **Exactly once, or it says it cannot know**, as for [`submit`](Publishing::submit):
    /// retried after transient failures, [`Error::OutcomeUnknown`] when an attempt may have
    /// been applied and the request then failed.
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// use alexa_smapi::{UnpublishReason, UnpublishType};
    /// smapi.publishing()
    ///     .unpublish("amzn1.ask.skill.1", UnpublishType::Hide, UnpublishReason::PublishedByMistake)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn unpublish(
        self,
        skill_id: impl Into<SkillId>,
        kind: UnpublishType,
        reason: UnpublishReason,
    ) -> Result<(), Error> {
        let skill_id = skill_id.into();
        validate::skill_id(&skill_id)?;
        let language: Option<UnpublishSkillAcceptLanguage> = self.language()?;
        let body = UnpublishSkillRequest {
            reason,
            type_: kind,
        };
        let mut request = self.smapi.raw().unpublish_skill().skill_id(&skill_id);
        if let Some(language) = language {
            request = request.accept_language(language);
        }
        match request.body(body).send().await {
            Ok(_) => Ok(()),
            Err(e) => Err(super::write::settle_repeatable("unpublishSkill", e).await),
        }
    }
}

/// A submission in preparation; await it. See [`Publishing::submit`].
#[derive(Debug)]
#[must_use = "a submission does nothing until awaited"]
pub struct SubmitPublication<'a> {
    publishing: Publishing<'a>,
    skill_id: SkillId,
    at: Option<DateTime<Utc>>,
}

impl SubmitPublication<'_> {
    /// Publish at this time (at most six months ahead) instead of as soon as possible.
    pub fn at(mut self, when: DateTime<Utc>) -> Self {
        self.at = Some(when);
        self
    }
}

impl<'a> IntoFuture for SubmitPublication<'a> {
    type Output = Result<(), Error>;
    type IntoFuture = BoxFuture<'a, Result<(), Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            validate::skill_id(&self.skill_id)?;
            if let Some(at) = self.at {
                validate::publishes_at(at, Utc::now())?;
            }
            let language: Option<PublishSkillAcceptLanguage> = self.publishing.language()?;
            let body = PublishSkillRequest {
                publishes_at_date: self.at,
            };
            let mut request = self
                .publishing
                .smapi
                .raw()
                .publish_skill()
                .skill_id(self.skill_id.as_str());
            if let Some(language) = language {
                request = request.accept_language(language);
            }
            match request.body(body).send().await {
                Ok(_) => Ok(()),
                Err(e) => Err(super::write::settle_repeatable("publishSkill", e).await),
            }
        })
    }
}

/// A wait for a publication; await it. See [`Publishing::wait_until_published`].
pub type WaitPublished<'a> = Wait<'a, SkillPublication>;
