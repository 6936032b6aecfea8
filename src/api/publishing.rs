//! Skill Publishing (`skill-publishing-api.txt`): submit, status, unpublish.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use chrono::{DateTime, Utc};

use crate::generated::open_enums::PublicationStatus;
use crate::generated::types::{
    PublishSkillRequest, SkillPublication, UnpublishReason, UnpublishSkillRequest, UnpublishType,
};
use crate::poll::{PollPolicy, Progress, Step, poll_until};
use crate::{Error, Smapi, validate};

type BoxFut<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// Skill Publishing. Get one with [`Smapi::publishing`].
#[derive(Clone, Copy, Debug)]
pub struct Publishing<'a> {
    smapi: &'a Smapi,
}

impl<'a> Publishing<'a> {
    pub(crate) fn new(smapi: &'a Smapi) -> Self {
        Publishing { smapi }
    }

    /// Submits the certified skill for publication (`publishSkill`), now or, with
    /// [`at`](SubmitPublication::at), at a date at most six months ahead. Await the builder.
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// let when = chrono::Utc::now() + chrono::Duration::days(7);
    /// smapi.publishing().submit("amzn1.ask.skill.1").at(when).await?;
    /// # Ok(()) }
    /// ```
    pub fn submit(&self, skill_id: &str) -> SubmitPublication<'a> {
        SubmitPublication {
            smapi: self.smapi,
            skill_id: skill_id.to_owned(),
            at: None,
        }
    }

    /// The latest publication of the skill (`getSkillPublication`).
    pub async fn status(self, skill_id: &str) -> Result<SkillPublication, Error> {
        validate::skill_id(skill_id)?;
        match self
            .smapi
            .raw()
            .get_skill_publication()
            .skill_id(skill_id)
            .send()
            .await
        {
            Ok(rv) => Ok(rv.into_inner()),
            Err(e) => Err(Error::from_generated("getSkillPublication", e).await),
        }
    }

    /// Waits until the latest publication is `SUCCEEDED` (or `SCHEDULED`, when submitted
    /// for later). `FAILED` or `CANCELLED` end the wait with [`Error::PublicationFailed`].
    pub fn wait_until_published(&self, skill_id: &str) -> WaitPublished<'a> {
        WaitPublished {
            smapi: self.smapi,
            skill_id: skill_id.to_owned(),
            policy: self.smapi.poll_policy().clone(),
            progress: None,
        }
    }

    /// Unpublishes the skill (`unpublishSkill`). `HIDE` keeps it for users who enabled it;
    /// `REMOVE` disables it for everyone. Parse user input with
    /// [`validate::parse_unpublish_type`] / [`validate::parse_unpublish_reason`].
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
        skill_id: &str,
        kind: UnpublishType,
        reason: UnpublishReason,
    ) -> Result<(), Error> {
        validate::skill_id(skill_id)?;
        let body = UnpublishSkillRequest {
            reason,
            type_: kind,
        };
        match self
            .smapi
            .raw()
            .unpublish_skill()
            .skill_id(skill_id)
            .body(body)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => Err(Error::from_generated("unpublishSkill", e).await),
        }
    }
}

/// A submission in preparation; await it. See [`Publishing::submit`].
#[derive(Debug)]
#[must_use = "a submission does nothing until awaited"]
pub struct SubmitPublication<'a> {
    smapi: &'a Smapi,
    skill_id: String,
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
    type IntoFuture = BoxFut<'a, ()>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            validate::skill_id(&self.skill_id)?;
            if let Some(at) = self.at {
                validate::publishes_at(at, Utc::now())?;
            }
            let body = PublishSkillRequest {
                publishes_at: self.at,
            };
            match self
                .smapi
                .raw()
                .publish_skill()
                .skill_id(self.skill_id.as_str())
                .body(body)
                .send()
                .await
            {
                Ok(_) => Ok(()),
                Err(e) => Err(Error::from_generated("publishSkill", e).await),
            }
        })
    }
}

/// A wait for a publication; await it. See [`Publishing::wait_until_published`].
#[derive(Debug)]
#[must_use = "a wait does nothing until awaited"]
pub struct WaitPublished<'a> {
    smapi: &'a Smapi,
    skill_id: String,
    policy: PollPolicy,
    progress: Option<Progress>,
}

impl WaitPublished<'_> {
    /// Poll with this policy instead of the client's.
    pub fn policy(mut self, policy: PollPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Report every poll.
    pub fn progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }
}

impl<'a> IntoFuture for WaitPublished<'a> {
    type Output = Result<SkillPublication, Error>;
    type IntoFuture = BoxFut<'a, SkillPublication>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            validate::skill_id(&self.skill_id)?;
            let publishing = Publishing::new(self.smapi);
            let what = format!("publication of skill {}", self.skill_id);
            let skill_id = self.skill_id.clone();
            poll_until(&self.policy, &what, self.progress.as_ref(), || {
                let skill_id = skill_id.clone();
                async move {
                    let publication = publishing.status(&skill_id).await?;
                    match &publication.status {
                        Some(PublicationStatus::Succeeded | PublicationStatus::Scheduled) => {
                            Ok(Step::Done(publication))
                        }
                        Some(s @ (PublicationStatus::Failed | PublicationStatus::Cancelled)) => {
                            Err(Error::PublicationFailed {
                                skill_id: skill_id.clone(),
                                status: s.clone(),
                            })
                        }
                        Some(other) => Ok(Step::Pending(other.to_string())),
                        None => Ok(Step::Pending("NO_STATUS_YET".to_owned())),
                    }
                }
            })
            .await
        })
    }
}
