//! Skill Operations (`skill-operations-api.txt`): create, read, update, list, delete, status.

use std::future::IntoFuture;

use futures::future::BoxFuture;
use futures::stream::{self, Stream, StreamExt, TryStreamExt};

use super::write;
use crate::generated::open_enums::BuildStatus;
use crate::generated::types::{
    CreateSkillRequest, HostingConfiguration, ListSkillsResponse, SkillManifest,
    SkillManifestEnvelope, SkillStatus, SkillSummary, StatusMessage, StatusResource,
    UpdateSkillManifestStage,
};
use crate::poll::{Progress, Step, Wait};
use crate::{Error, SkillId, Smapi, Stage, VendorId, validate};

/// A manifest and the `ETag` it was read with.
///
/// The manifest is boxed (since 3.0.0): the whole manifest type is about 3 KB, and returned by
/// value it was copied at every `.await` between the decoder and the caller. Field access,
/// `&m.manifest` and `&mut m.manifest` work as before (the box dereferences); move the manifest
/// out with `*m.manifest`.
///
/// ```
/// use alexa_smapi::ManifestWithEtag;
/// use alexa_smapi::types::SkillManifest;
///
/// let mut m = ManifestWithEtag { manifest: Box::new(SkillManifest::default()), etag: None };
/// m.manifest.manifest_version = Some("1.0".to_owned());
/// let edit: &mut SkillManifest = &mut m.manifest;
/// edit.extra.insert("x".to_owned(), serde_json::json!(1));
/// let borrowed: &SkillManifest = &m.manifest;
/// assert_eq!(borrowed.manifest_version.as_deref(), Some("1.0"));
/// let owned: SkillManifest = *m.manifest;
/// # let _ = owned;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ManifestWithEtag {
    /// The manifest (unknown fields preserved in the `extra` maps).
    pub manifest: Box<SkillManifest>,
    /// The `ETag` response header; send it back with [`UpdateManifest::if_match`].
    pub etag: Option<String>,
}

/// `getSkillManifest`'s body ([`SkillManifestEnvelope`]) with its manifest decoded straight
/// into the box [`ManifestWithEtag`] holds, so the 3 KB manifest is not copied again (on the
/// first read and on a read sent again).
#[derive(serde::Deserialize)]
struct BoxedManifestEnvelope {
    manifest: Box<SkillManifest>,
}

/// An accepted asynchronous change (update): where to follow it, and the manifest's new
/// `ETag`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Accepted {
    /// The `Location` header: the relative URL of the skill's status resource (`None` when
    /// the update was confirmed by reading the manifest after its answer was lost).
    pub location: Option<String>,
    /// The `ETag` of the manifest as written, read back after the update (the update's
    /// answer carries none); `None` when the read-back failed or found someone else's
    /// manifest already. Send it as [`UpdateManifest::if_match`] for the next update.
    pub etag: Option<String>,
}

/// A created skill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedSkill {
    /// The new skill's ID.
    pub skill_id: SkillId,
    /// The `Location` header: the relative URL of the status resource to follow the build.
    pub location: Option<String>,
}

/// Skill Operations. Get one with [`Smapi::skills`].
///
/// Calls that need a vendor ID (create, list) use the one the client was configured with
/// ([`SmapiBuilder::vendor_id`](crate::SmapiBuilder::vendor_id), `ASK_VENDOR_ID`, the ASK CLI
/// profile); [`Skills::vendor_id`] overrides it for the calls made through this handle.
/// [`Skills::progress`] reports the running builds that updates made through it wait out.
#[derive(Clone, Copy, Debug)]
pub struct Skills<'a> {
    smapi: &'a Smapi,
    vendor_id: Option<&'a str>,
    progress: Option<&'a Progress>,
}

/// Most read-edit-write rounds of [`Skills::modify_manifest`] before the last 412 is returned.
pub const MODIFY_ATTEMPTS: u32 = 5;

impl<'a> Skills<'a> {
    pub(crate) fn new(smapi: &'a Smapi) -> Self {
        Skills {
            smapi,
            vendor_id: None,
            progress: None,
        }
    }

    /// Use `vendor_id` instead of the configured vendor ID for the calls made through this
    /// handle.
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// use futures::TryStreamExt;
    /// let theirs: Vec<_> = smapi.skills().vendor_id("M2OTHER").list().stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn vendor_id(mut self, vendor_id: &'a str) -> Self {
        self.vendor_id = Some(vendor_id);
        self
    }

    /// Report to `progress` after every poll while an update made through this handle waits
    /// out a running build (a `409`): [`modify_manifest`](Skills::modify_manifest), and
    /// [`update_manifest`](Skills::update_manifest) unless its own
    /// [`UpdateManifest::progress`] says otherwise. (Borrowed, so the handle stays `Copy`.)
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// use alexa_smapi::poll::Progress;
    /// let progress = Progress::new(|p| eprintln!("{}: {} ({:?})", p.what, p.state, p.elapsed));
    /// let accepted = smapi
    ///     .skills()
    ///     .progress(&progress)
    ///     .modify_manifest("amzn1.ask.skill.1", |m| {
    ///         m.extra.insert("permissions".into(), serde_json::json!([]));
    ///     })
    ///     .await?;
    /// println!("new ETag {:?}", accepted.etag);
    /// # Ok(()) }
    /// ```
    pub fn progress(mut self, progress: &'a Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// The vendor ID for a call: this handle's, else the client's; `None` when neither is set
    /// (the call then fails with [`Error::Validation`] for `vendorId` before sending).
    fn vendor(&self) -> Option<VendorId> {
        self.vendor_id
            .or(self.smapi.vendor_id())
            .map(VendorId::from)
    }

    /// Creates a skill owned by the vendor (`createSkillForVendor`; the configured vendor ID
    /// unless [`Skills::vendor_id`] says otherwise). Await the returned builder.
    ///
    /// **Exactly once, or it says it cannot know.** The create is retried only when the
    /// server certainly did not process it (the connection could not be opened, `429`,
    /// `503`). When an attempt may have been processed and its answer was lost (a reset or
    /// timeout after sending, a body cut off or unreadable, `500`/`502`/`504`), the answer is
    /// [`Error::OutcomeUnknown`] (`is_retryable() == false`): the skill may exist, so list the
    /// vendor's skills before creating again. [`CreateSkill::retry_unsafe`] opts out.
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi, manifest: alexa_smapi::types::SkillManifest) -> Result<(), alexa_smapi::Error> {
    /// let created = smapi.skills().create(manifest).await?;
    /// smapi.skills().wait_until_built(&created.skill_id).await?;
    /// # Ok(()) }
    /// ```
    pub fn create(&self, manifest: SkillManifest) -> CreateSkill<'a> {
        CreateSkill {
            smapi: self.smapi,
            vendor_id: self.vendor(),
            manifest,
            hosting: None,
            retry_unsafe: false,
            validate: true,
        }
    }

    /// Reads the manifest of `stage` with its `ETag` (`getSkillManifest`).
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// use alexa_smapi::Stage;
    /// let m = smapi.skills().manifest("amzn1.ask.skill.1", Stage::Development).await?;
    /// println!("{:?} {:?}", m.manifest.manifest_version, m.etag);
    /// # Ok(()) }
    /// ```
    pub async fn manifest(
        self,
        skill_id: impl Into<SkillId>,
        stage: Stage,
    ) -> Result<ManifestWithEtag, Error> {
        let skill_id = skill_id.into();
        validate::skill_id(&skill_id)?;
        validate::stage(&stage, Stage::STAGE_NAME)?;
        const OP: &str = "getSkillManifest";
        let request = self
            .smapi
            .raw()
            .get_skill_manifest()
            .skill_id(skill_id)
            .stage(stage);
        // The hot path of every read: one send, whose body (`send_bytes`: read, not decoded)
        // is decoded right here, the manifest into its box: the manifest type is about 3 KB,
        // and only the box's pointer travels back through the awaits (decoded inside the
        // generated `send` and returned by value, it was copied at every layer). No answer is held
        // across a later await, so this future stays small; sending again after a body that
        // does not decode (`retry::resend_after`) and reading an error are boxed away.
        // (No await inside these matches: their scrutinee would stay in the future's state.)
        let first = match request.clone().send_bytes().await {
            Ok(answer) => {
                let etag = super::header(answer.headers(), reqwest::header::ETAG);
                match serde_json::from_slice::<BoxedManifestEnvelope>(&answer) {
                    Ok(BoxedManifestEnvelope { manifest }) => {
                        return Ok(ManifestWithEtag { manifest, etag });
                    }
                    Err(e) => {
                        progenitor_client::Error::InvalidResponsePayload(answer.into_inner(), e)
                    }
                }
            }
            Err(e) => e,
        };
        let again = match first {
            e if crate::retry::unreadable_error(&e) => {
                let send = || {
                    let request = request.clone();
                    async move {
                        request
                            .send_bytes()
                            .await
                            .and_then(crate::response_value::decoded::<BoxedManifestEnvelope, _>)
                    }
                };
                Ok(crate::retry::resend_after(
                    self.smapi.retry_policy(),
                    OP,
                    send,
                    e,
                ))
            }
            e => Err(e),
        };
        let e = match again {
            Ok(again) => match again.await {
                Ok(answer) => {
                    let etag = super::header(answer.headers(), reqwest::header::ETAG);
                    return Ok(ManifestWithEtag {
                        manifest: answer.into_inner().manifest,
                        etag,
                    });
                }
                Err(e) => e,
            },
            Err(e) => e,
        };
        Err(Box::pin(Error::from_generated(OP, e)).await)
    }

    /// Replaces the development manifest (`updateSkillManifest`). Await the builder; add
    /// [`if_match`](UpdateManifest::if_match) to update only the version you read.
    ///
    /// - **Waits out a running build**: a `409` (a previous build still running) waits until
    ///   the build ends, polling with the client's [`PollPolicy`](crate::PollPolicy) (bounded
    ///   by its timeout, reported to [`UpdateManifest::progress`] or the handle's
    ///   [`Skills::progress`]), then sends again.
    /// - **Returns the new `ETag`** in [`Accepted::etag`], read back after the update.
    /// - **Exactly once, or it says it cannot know.** When an attempt may have been applied
    ///   and its answer was lost, a retry can meet `412` (the ETag moved: our own write moved
    ///   it) or `409` (our own write started a build). Then, and after a last failure that
    ///   may have been applied, the manifest is read: if it holds what was sent, the update
    ///   succeeded and `Ok` is returned; if it is still the version named in `If-Match`, the
    ///   update was not applied and the failure is returned as such; otherwise the answer is
    ///   [`Error::OutcomeUnknown`]. [`Error::PreconditionFailed`] therefore always means
    ///   "not applied: someone else changed it".
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// use alexa_smapi::Stage;
    /// let skills = smapi.skills();
    /// let mut m = skills.manifest("amzn1.ask.skill.1", Stage::Development).await?;
    /// m.manifest.manifest_version = Some("1.0".into());
    /// let mut update = skills.update_manifest("amzn1.ask.skill.1", &m.manifest);
    /// if let Some(etag) = &m.etag { update = update.if_match(etag); }
    /// let accepted = update.await?; // Err(Error::PreconditionFailed { .. }) if someone changed it meanwhile
    /// println!("new ETag {:?}", accepted.etag);
    /// # Ok(()) }
    /// ```
    pub fn update_manifest(
        &self,
        skill_id: impl Into<SkillId>,
        manifest: &SkillManifest,
    ) -> UpdateManifest<'a> {
        UpdateManifest {
            smapi: self.smapi,
            skill_id: skill_id.into(),
            manifest: manifest.clone(),
            if_match: None,
            stage: Stage::Development,
            progress: self.progress.cloned(),
            validate: true,
        }
    }

    /// Read → edit → write with `If-Match`, repeated (up to [`MODIFY_ATTEMPTS`] rounds) when
    /// someone else changed the manifest in between (412). Fields the edit does not touch,
    /// unknown ones included, are written back unchanged. A running build is waited out as in
    /// [`update_manifest`](Skills::update_manifest), reported to [`Skills::progress`], and the
    /// new `ETag` is returned.
    ///
    /// **The edit is never applied twice.** The closure runs again only after a `412` that
    /// certainly means "not applied" (see [`update_manifest`](Skills::update_manifest)); when
    /// the write may have been applied and reading the manifest cannot settle it, the answer
    /// is [`Error::OutcomeUnknown`] instead of another round.
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// smapi.skills().modify_manifest("amzn1.ask.skill.1", |m| {
    ///     m.extra.insert("permissions".into(), serde_json::json!([]));
    /// }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn modify_manifest(
        self,
        skill_id: impl Into<SkillId>,
        mut edit: impl FnMut(&mut SkillManifest) + Send,
    ) -> Result<Accepted, Error> {
        let skill_id = skill_id.into();
        validate::skill_id(&skill_id)?;
        let mut round = 0;
        loop {
            round += 1;
            let mut current = self.manifest(&skill_id, Stage::Development).await?;
            edit(&mut current.manifest);
            let mut update = self.update_manifest(&skill_id, &current.manifest);
            if let Some(etag) = &current.etag {
                update = update.if_match(etag);
            }
            match update.await {
                // Only ever returned when the write was certainly not applied.
                Err(Error::PreconditionFailed { .. }) if round < MODIFY_ATTEMPTS => {
                    tracing::debug!(
                        skill_id = skill_id.as_str(),
                        round,
                        "manifest changed concurrently; reading again"
                    );
                }
                other => return other,
            }
        }
    }

    /// The build state of every resource of the skill (`getSkillStatus`).
    pub async fn status(self, skill_id: impl Into<SkillId>) -> Result<SkillStatus, Error> {
        self.status_of(skill_id, []).await
    }

    /// The build state of the chosen resources only (`getSkillStatus` with its `resource`
    /// filter); an empty list means every resource, as [`Skills::status`].
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// use alexa_smapi::types::StatusResource;
    /// let s = smapi.skills().status_of("amzn1.ask.skill.1", [StatusResource::Manifest]).await?;
    /// assert!(s.interaction_model.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn status_of(
        self,
        skill_id: impl Into<SkillId>,
        resources: impl IntoIterator<Item = StatusResource>,
    ) -> Result<SkillStatus, Error> {
        let skill_id = skill_id.into();
        validate::skill_id(&skill_id)?;
        let resources: Vec<StatusResource> = resources.into_iter().collect();
        let mut request = self.smapi.raw().get_skill_status().skill_id(&skill_id);
        if !resources.is_empty() {
            request = request.resource(resources);
        }
        match crate::retry::resend_undecodable(self.smapi.retry_policy(), "getSkillStatus", || {
            request.clone().send()
        })
        .await
        {
            Ok(rv) => Ok(rv.into_inner()),
            Err(e) => Err(Box::pin(Error::from_generated("getSkillStatus", e)).await),
        }
    }

    /// Waits until the last create or update of the skill has been built: the manifest and
    /// every interaction model `SUCCEEDED`. Returns [`Error::BuildFailed`] with the server's
    /// errors as soon as anything is `FAILED`. Await the builder.
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// use alexa_smapi::poll::Progress;
    /// smapi.skills().wait_until_built("amzn1.ask.skill.1")
    ///     .progress(Progress::new(|p| eprintln!("{} {:?}", p.state, p.elapsed)))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn wait_until_built(&self, skill_id: impl Into<SkillId>) -> WaitBuilt<'a> {
        let skills = *self;
        let skill_id: SkillId = skill_id.into();
        Wait::new(
            self.smapi.poll_policy().clone(),
            format!("build of skill {skill_id}"),
            validate::skill_id(&skill_id),
            move || {
                let skill_id = skill_id.clone();
                async move {
                    let status = skills.status(&skill_id).await?;
                    build_step(skill_id, status)
                }
            },
        )
    }

    /// Deletes the skill (`deleteSkill`).
    ///
    /// **Exactly once, or it says it cannot know.** The delete is retried after any
    /// transient failure (repeating it is safe). A 404 counts as "already deleted" only when
    /// an earlier attempt may have reached the server and been processed (its answer was
    /// lost, cut off or a 500); a 404 after attempts the server certainly did not process
    /// (connection refused, 429, 503) is [`Error::NotFound`]. When the last attempt may have
    /// been processed and no later one settled it, the answer is [`Error::OutcomeUnknown`]:
    /// read the skill (404 means deleted).
    pub async fn delete(self, skill_id: impl Into<SkillId>) -> Result<(), Error> {
        let skill_id = skill_id.into();
        validate::skill_id(&skill_id)?;
        const OP: &str = "deleteSkill";
        match self
            .smapi
            .raw()
            .delete_skill()
            .skill_id(&skill_id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if write::answer(&e).is_some_and(|(s, _)| s == 404) && write::earlier(&e) => {
                tracing::debug!(
                    skill_id = skill_id.as_str(),
                    "404 after an attempt that may have deleted it: deleted"
                );
                Ok(())
            }
            Err(e) => Err(write::settle(OP, e, write::DELETE_ADVICE).await),
        }
    }

    /// Lists the vendor's skills page by page (`listSkillsForVendor`; the configured vendor ID
    /// unless [`Skills::vendor_id`] says otherwise). Configure the page size
    /// on the returned value, then take [`stream`](ListSkills::stream) or
    /// [`pages`](ListSkills::pages).
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// use futures::TryStreamExt;
    /// let all: Vec<_> = smapi.skills().list().page_size(50).stream().try_collect().await?;
    /// println!("{} skill stages", all.len());
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListSkills<'a> {
        ListSkills {
            smapi: self.smapi,
            vendor_id: self.vendor(),
            page_size: None,
            start: None,
        }
    }

    /// Summaries of the named skills, any number of them: the IDs are sent 10 per request
    /// (the page's limit; the `skillId` filter cannot be combined with paging).
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi, ids: Vec<String>) -> Result<(), alexa_smapi::Error> {
    /// use futures::TryStreamExt;
    /// let found: Vec<_> = smapi.skills().list_by_ids(ids).try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn list_by_ids<I, S>(
        &self,
        ids: I,
    ) -> impl Stream<Item = Result<SkillSummary, Error>> + Send + 'a
    where
        I: IntoIterator<Item = S>,
        S: Into<SkillId>,
    {
        let smapi = self.smapi;
        let ids: Vec<SkillId> = ids.into_iter().map(Into::into).collect();
        let checked = validate::required_vendor_id(self.vendor()).and_then(|vendor| {
            if ids.is_empty() {
                return Err(Error::Validation {
                    field: "skillId",
                    rule: "at least one skill ID is required".into(),
                });
            }
            ids.iter().try_for_each(|id| validate::skill_id(id))?;
            Ok(vendor)
        });
        let chunks: Vec<Vec<SkillId>> = ids
            .chunks(validate::MAX_SKILL_IDS_PER_REQUEST)
            .map(<[SkillId]>::to_vec)
            .collect();
        let pages = stream::iter(chunks.into_iter().map(Ok::<_, Error>));
        let (pages, vendor) = match checked {
            Ok(vendor) => (pages.boxed(), vendor),
            Err(e) => (
                stream::once(async move { Err(e) }).boxed(),
                VendorId::from(""),
            ),
        };
        pages
            .and_then(move |chunk| {
                let vendor = vendor.clone();
                async move {
                    validate::skill_ids(&chunk)?;
                    let request = smapi
                        .raw()
                        .list_skills_for_vendor()
                        .vendor_id(&vendor)
                        .skill_id(chunk);
                    let answer = crate::retry::resend_undecodable(
                        smapi.retry_policy(),
                        "listSkillsForVendor",
                        || request.clone().send(),
                    )
                    .await;
                    match answer {
                        Ok(rv) => Ok(stream::iter(rv.into_inner().skills.into_iter().map(Ok))),
                        Err(e) => {
                            Err(Box::pin(Error::from_generated("listSkillsForVendor", e)).await)
                        }
                    }
                }
            })
            .try_flatten()
    }
}

/// A listing in progress; see [`Skills::list`].
#[derive(Clone, Debug)]
pub struct ListSkills<'a> {
    smapi: &'a Smapi,
    vendor_id: Option<VendorId>,
    page_size: Option<u32>,
    start: Option<String>,
}

impl<'a> ListSkills<'a> {
    /// Skills per page, 1 to 50 (server default when not set).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size);
        self
    }

    /// Start at the page this `nextToken` (from an earlier page's
    /// [`next_token`](ListSkillsResponse::next_token)) names, instead of the first page: to
    /// resume a listing, or to hand one page at a time to someone else (a command line).
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi, token: String) -> Result<(), alexa_smapi::Error> {
    /// use futures::StreamExt;
    /// let mut pages = Box::pin(smapi.skills().list().next_token(token).pages());
    /// let next_page = pages.next().await.transpose()?;
    /// # let _ = next_page; Ok(()) }
    /// ```
    pub fn next_token(mut self, token: impl Into<String>) -> Self {
        self.start = Some(token.into());
        self
    }

    /// The pages, following `nextToken` until the last one. An invalid input yields one
    /// [`Error::Validation`] and sends nothing.
    pub fn pages(self) -> impl Stream<Item = Result<ListSkillsResponse, Error>> + Send + 'a {
        let checked = validate::required_vendor_id(self.vendor_id.clone()).and_then(|vendor| {
            self.page_size.map_or(Ok(()), validate::page_size)?;
            Ok(vendor)
        });
        let state = match checked {
            Ok(vendor) => {
                let start = self.start.clone();
                Some((self, vendor, start, true))
            }
            Err(e) => {
                return stream::once(async move { Err(e) }).boxed();
            }
        };
        stream::try_unfold(state, |state| async move {
            let Some((this, vendor, token, first)) = state else {
                return Ok(None);
            };
            if !first && token.is_none() {
                return Ok(None);
            }
            let mut request = this.smapi.raw().list_skills_for_vendor().vendor_id(&vendor);
            if let Some(size) = this.page_size {
                request = request.max_results(size);
            }
            if let Some(token) = &token {
                validate::next_token(token)?;
                request = request.next_token(token.as_str());
            }
            let policy = this.smapi.retry_policy();
            let answer = crate::retry::resend_undecodable(policy, "listSkillsForVendor", || {
                request.clone().send()
            })
            .await;
            let page = match answer {
                Ok(rv) => rv.into_inner(),
                Err(e) => {
                    return Err(Box::pin(Error::from_generated("listSkillsForVendor", e)).await);
                }
            };
            let next = if page.is_truncated == Some(true) {
                page.next_token.clone().filter(|t| !t.is_empty())
            } else {
                None
            };
            let done = next.is_none();
            Ok(Some((page, (!done).then_some((this, vendor, next, false)))))
        })
        .boxed()
    }

    /// Every skill summary across all pages.
    pub fn stream(self) -> impl Stream<Item = Result<SkillSummary, Error>> + Send + 'a {
        self.pages()
            .map_ok(|page| stream::iter(page.skills.into_iter().map(Ok)))
            .try_flatten()
    }
}

/// A create in preparation; await it. See [`Skills::create`].
#[derive(Debug)]
#[must_use = "a create does nothing until awaited"]
pub struct CreateSkill<'a> {
    smapi: &'a Smapi,
    vendor_id: Option<VendorId>,
    manifest: SkillManifest,
    hosting: Option<HostingConfiguration>,
    retry_unsafe: bool,
    validate: bool,
}

impl CreateSkill<'_> {
    /// Ask Amazon to host the skill's code (an Alexa-hosted skill), with this runtime and
    /// region.
    pub fn hosting(mut self, hosting: HostingConfiguration) -> Self {
        self.hosting = Some(hosting);
        self
    }

    /// Send the manifest without checking it locally first (see [`crate::manifest::validate`]);
    /// for callers who know better than this version of the spec. The server still judges it.
    pub fn skip_validation(mut self) -> Self {
        self.validate = false;
        self
    }

    /// Also retry after failures where the request may have been processed (500, 503,
    /// timeouts). Only for callers that detect duplicate skills themselves.
    pub fn retry_unsafe(mut self) -> Self {
        self.retry_unsafe = true;
        self
    }
}

impl<'a> IntoFuture for CreateSkill<'a> {
    type Output = Result<CreatedSkill, Error>;
    type IntoFuture = BoxFuture<'a, Result<CreatedSkill, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let vendor_id = validate::required_vendor_id(self.vendor_id)?;
            if self.validate {
                crate::manifest::validate_or_error(&self.manifest)?;
            }
            const OP: &str = "createSkillForVendor";
            let body = CreateSkillRequest {
                hosting: self.hosting,
                manifest: self.manifest,
                vendor_id,
            };
            let unsafe_client;
            let raw = if self.retry_unsafe {
                unsafe_client = self
                    .smapi
                    .raw_with_retry(self.smapi.retry_policy().clone().retry_unsafe(true));
                &unsafe_client
            } else {
                self.smapi.raw()
            };
            match raw.create_skill_for_vendor().body(body).send().await {
                Ok(rv) => {
                    let location = super::header(rv.headers(), "location");
                    Ok(CreatedSkill {
                        skill_id: rv.into_inner().skill_id.into(),
                        location,
                    })
                }
                Err(e) => Err(write::settle(OP, e, write::CREATE_ADVICE).await),
            }
        })
    }
}

/// An update in preparation; await it. See [`Skills::update_manifest`].
#[derive(Debug)]
#[must_use = "an update does nothing until awaited"]
pub struct UpdateManifest<'a> {
    smapi: &'a Smapi,
    skill_id: SkillId,
    manifest: SkillManifest,
    if_match: Option<String>,
    stage: Stage,
    progress: Option<Progress>,
    validate: bool,
}

impl UpdateManifest<'_> {
    /// Update only if the manifest still has this `ETag` (else [`Error::PreconditionFailed`]).
    pub fn if_match(mut self, etag: &str) -> Self {
        self.if_match = Some(etag.to_owned());
        self
    }

    /// The stage to update. Only `development` is allowed; anything else is rejected before
    /// sending.
    pub fn stage(mut self, stage: Stage) -> Self {
        self.stage = stage;
        self
    }

    /// Called after every poll while a running build is waited out (a `409`); replaces the
    /// handle's [`Skills::progress`].
    pub fn progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Send the manifest without checking it locally first (see [`crate::manifest::validate`]);
    /// for callers who know better than this version of the spec. The server still judges it.
    pub fn skip_validation(mut self) -> Self {
        self.validate = false;
        self
    }
}

/// What the manifest read after an unclear update says about it.
enum Settled {
    /// It holds what was sent: the update is applied; its `ETag`.
    Applied(Option<String>),
    /// It is still the version named in `If-Match` (or, without one, not what was sent):
    /// the update was not applied.
    NotApplied,
    /// Neither: the update may have been applied and then overwritten.
    Unknown(String),
}

impl UpdateManifest<'_> {
    async fn settle(&self, sent: &serde_json::Value) -> Settled {
        let skills = Skills::new(self.smapi);
        match skills.manifest(&self.skill_id, Stage::Development).await {
            Ok(read) => {
                if serde_json::to_value(&read.manifest).ok().as_ref() == Some(sent) {
                    Settled::Applied(read.etag)
                } else if self.if_match.is_none()
                    || read.etag.is_some() && read.etag == self.if_match
                {
                    Settled::NotApplied
                } else {
                    Settled::Unknown(
                        "the manifest now holds neither what was sent nor the version named in If-Match".to_owned(),
                    )
                }
            }
            Err(e) => Settled::Unknown(format!("reading the manifest to settle it failed: {e}")),
        }
    }

    /// The `ETag` of the manifest if it holds what was sent (a failed read gives `None`).
    async fn etag_if_ours(&self, sent: &serde_json::Value) -> Option<String> {
        let read = Skills::new(self.smapi)
            .manifest(&self.skill_id, Stage::Development)
            .await
            .ok()?;
        (serde_json::to_value(&read.manifest).ok().as_ref() == Some(sent))
            .then_some(read.etag)
            .flatten()
    }
}

impl<'a> IntoFuture for UpdateManifest<'a> {
    type Output = Result<Accepted, Error>;
    type IntoFuture = BoxFuture<'a, Result<Accepted, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            const OP: &str = "updateSkillManifest";
            validate::skill_id(&self.skill_id)?;
            validate::update_stage(&self.stage)?;
            if self.validate {
                crate::manifest::validate_or_error(&self.manifest)?;
            }
            if let Some(etag) = &self.if_match {
                validate::if_match(etag)?;
            }
            let sent = serde_json::to_value(&self.manifest).map_err(|e| {
                Error::decode(
                    OP,
                    format!("the manifest cannot be written as JSON: {e}"),
                    e,
                )
            })?;
            let started = std::time::Instant::now();
            let budget = self.smapi.poll_policy().timeout;
            loop {
                let mut request = self
                    .smapi
                    .raw()
                    .update_skill_manifest()
                    .skill_id(self.skill_id.as_str())
                    .stage(UpdateSkillManifestStage::Development)
                    .body(SkillManifestEnvelope {
                        manifest: self.manifest.clone(),
                    });
                if let Some(etag) = &self.if_match {
                    request = request.if_match(etag.as_str());
                }
                let error = match request.send().await {
                    Ok(rv) => {
                        let location = super::header(rv.headers(), "location");
                        let etag = self.etag_if_ours(&sent).await;
                        return Ok(Accepted { location, etag });
                    }
                    Err(e) => e,
                };
                let status = write::answer(&error).map(|(s, _)| s);
                let unclear = write::may_have_applied(&error)
                    || write::earlier(&error) && matches!(status, Some(409 | 412));
                if unclear {
                    match self.settle(&sent).await {
                        Settled::Applied(etag) => {
                            tracing::debug!(
                                skill_id = self.skill_id.as_str(),
                                "update answer lost, manifest holds what was sent: applied"
                            );
                            return Ok(Accepted {
                                location: None,
                                etag,
                            });
                        }
                        Settled::Unknown(reason) => {
                            let cause = Box::pin(Error::from_generated(OP, error)).await;
                            return Err(Error::OutcomeUnknown {
                                operation: OP,
                                reason: format!("{cause}; {reason}"),
                                advice: write::UPDATE_ADVICE,
                            });
                        }
                        Settled::NotApplied => {}
                    }
                }
                if status == Some(409) && started.elapsed() < budget {
                    // A previous build is still running: wait it out, then send again.
                    tracing::debug!(
                        skill_id = self.skill_id.as_str(),
                        "409: waiting for the running build"
                    );
                    let mut wait = Skills::new(self.smapi).wait_until_built(&self.skill_id);
                    if let Some(p) = &self.progress {
                        wait = wait.progress(p.clone());
                    }
                    match wait.await {
                        Ok(_) | Err(Error::BuildFailed { .. }) => continue,
                        Err(e) => return Err(e),
                    }
                }
                return Err(Box::pin(Error::from_generated(OP, error)).await);
            }
        })
    }
}

/// A wait for a build; await it. See [`Skills::wait_until_built`].
pub type WaitBuilt<'a> = Wait<'a, SkillStatus>;

/// Judges a status: FAILED anywhere → error with every error reported; all SUCCEEDED → done.
fn build_step(skill_id: SkillId, status: SkillStatus) -> Result<Step<SkillStatus>, Error> {
    let mut states: Vec<(&BuildStatus, &Vec<StatusMessage>)> = Vec::new();
    if let Some(last) = status
        .manifest
        .as_ref()
        .and_then(|m| m.last_update_request.as_ref())
    {
        states.push((&last.status, &last.errors));
    }
    for model in status.interaction_model.values() {
        if let Some(last) = &model.last_update_request {
            states.push((&last.status, &last.errors));
        }
    }
    if states.iter().any(|(s, _)| **s == BuildStatus::Failed) {
        let errors = states
            .iter()
            .filter(|(s, _)| **s == BuildStatus::Failed)
            .flat_map(|(_, e)| e.iter().cloned())
            .collect();
        return Err(Error::BuildFailed { skill_id, errors });
    }
    if let Some((pending, _)) = states.iter().find(|(s, _)| **s != BuildStatus::Succeeded) {
        let state = pending.to_string();
        return Ok(Step::Pending(state));
    }
    if states.is_empty() {
        return Ok(Step::Pending("NO_STATUS_YET".to_owned()));
    }
    Ok(Step::Done(status))
}

#[cfg(test)]
mod tests {
    use super::{BoxedManifestEnvelope, ManifestWithEtag};
    use crate::types::{SkillManifest, SkillManifestEnvelope};

    /// What the README and `ManifestWithEtag`'s docs promise: the manifest is large, and the
    /// answer `Skills::manifest` returns is small because it holds it boxed.
    #[test]
    fn the_answer_is_small_and_the_manifest_is_not() {
        assert!(std::mem::size_of::<SkillManifest>() > 2048);
        assert!(std::mem::size_of::<ManifestWithEtag>() <= 64);
    }

    /// The boxed envelope decodes every body exactly as the generated envelope does.
    #[test]
    fn the_boxed_envelope_decodes_as_the_generated_one() {
        let bodies = [
            r#"{"manifest":{"manifestVersion":"1.0","publishingInformation":{"locales":{"en-US":{"name":"n"}}},"futureField":{"a":[1]}}}"#,
            r#"{"manifest":{},"envelopeExtra":true}"#,
            r#"{"manifest":{"manifestVersion":1}}"#,
            r#"{"notManifest":{}}"#,
            r#"[]"#,
        ];
        for body in bodies {
            let generated = serde_json::from_str::<SkillManifestEnvelope>(body);
            let boxed = serde_json::from_str::<BoxedManifestEnvelope>(body);
            match (generated, boxed) {
                (Ok(g), Ok(b)) => assert_eq!(g.manifest, *b.manifest, "{body}"),
                (Err(_), Err(_)) => {}
                (g, b) => panic!("{body}: generated {:?}, boxed {:?}", g.is_ok(), b.is_ok()),
            }
        }
    }
}
