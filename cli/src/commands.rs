//! Each subcommand: read its inputs (all checked before anything is sent), call the session,
//! print the result.

use futures::StreamExt;
use serde_json::{Value, json};

use crate::args::{Command, SchemaCommand};
use crate::error::CliError;
use crate::output::{self, ListWriter, Printer};
use crate::smapi::Session;

/// Runs a command that needs a client.
pub async fn run(session: &Session, command: Command, printer: &Printer) -> Result<(), CliError> {
    match command {
        Command::CreateSkillForVendor(a) => {
            let file = crate::input::manifest("--manifest", &a.manifest)?;
            let hosting =
                crate::input::hosting(a.hosting_runtime.as_deref(), a.hosting_region.as_deref())?;
            let created = session.create_skill(file.manifest, hosting, a.wait).await?;
            printer.print(&created.json, &[created.id], output::with_build)?;
        }
        Command::GetSkillManifest(a) => {
            let json = session.get_manifest(&a.skill.skill_id, &a.stage).await?;
            printer.print(&json, &[a.skill.skill_id], output::manifest)?;
        }
        Command::UpdateSkillManifest(a) => {
            let file = crate::input::manifest("--manifest", &a.manifest)?;
            let if_match = a.if_match.or(file.etag);
            let json = session
                .update_manifest(
                    &a.skill.skill_id,
                    &a.stage,
                    &file.manifest,
                    if_match.as_deref(),
                    a.wait,
                )
                .await?;
            printer.print(&json, &[a.skill.skill_id], output::with_build)?;
        }
        Command::PatchSkillManifest(a) => {
            let patch = crate::input::patch(&a.patch)?;
            let json = session
                .patch_manifest(&a.skill.skill_id, &patch, a.wait)
                .await?;
            printer.print(&json, &[a.skill.skill_id], output::with_build)?;
        }
        Command::GetSkillStatus(a) => {
            let resources = crate::input::status_resources(&a.resource)?;
            let json = if a.wait {
                session.wait_built(&a.skill.skill_id).await?
            } else {
                session.status(&a.skill.skill_id, resources).await?
            };
            printer.print(&json, &[a.skill.skill_id], output::status)?;
        }
        Command::ListSkillsForVendor(a) => {
            if !a.all && a.skill_id.is_empty() {
                let json = session
                    .list_page(a.max_results, a.next_token.as_deref())
                    .await?;
                let ids: Vec<String> = json["skills"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s["skillId"].as_str().map(str::to_owned))
                    .collect();
                printer.print(&json, &ids, output::page)?;
            } else {
                session.vendor()?;
                let mut stream = Box::pin(session.list_stream(
                    a.max_results,
                    a.next_token.as_deref(),
                    &a.skill_id,
                ));
                // The first item (or error) decides whether anything is printed: an input
                // error leaves stdout empty.
                let first = stream.next().await.transpose()?;
                let mut writer = ListWriter::start(printer)?;
                let mut failure = None;
                if let Some(item) = first {
                    writer.push(item)?;
                    while let Some(item) = stream.next().await {
                        match item {
                            Ok(item) => writer.push(item)?,
                            Err(e) => {
                                failure = Some(e);
                                break;
                            }
                        }
                    }
                }
                writer.finish()?;
                if let Some(e) = failure {
                    return Err(e);
                }
            }
        }
        Command::DeleteSkill(a) => {
            let json = session.delete(&a.skill.skill_id).await?;
            printer.print(&json, &[a.skill.skill_id], output::summary)?;
        }
        Command::PublishSkill(a) => {
            let json = session
                .publish(
                    &a.skill.skill_id,
                    a.publishes_at_date.as_deref(),
                    a.language.accept_language.as_deref(),
                    a.wait,
                )
                .await?;
            printer.print(&json, &[a.skill.skill_id], output::summary)?;
        }
        Command::GetSkillPublication(a) => {
            let json = session
                .publication(&a.skill.skill_id, a.language.accept_language.as_deref())
                .await?;
            printer.print(&json, &[a.skill.skill_id], output::summary)?;
        }
        Command::UnpublishSkill(a) => {
            let json = session
                .unpublish(
                    &a.skill.skill_id,
                    &a.kind,
                    &a.reason,
                    a.language.accept_language.as_deref(),
                )
                .await?;
            printer.print(&json, &[a.skill.skill_id], output::summary)?;
        }
        Command::GetResourceSchema(a) => {
            let json = session
                .resource_schema(&a.resource, a.operation.as_deref(), a.document)
                .await?;
            let render = if a.document {
                output::pretty
            } else {
                output::summary
            };
            printer.print(&json, &[], render)?;
        }
        Command::CreateDiscoverySession(a) => {
            let region =
                crate::smapi::region(a.region.region.as_deref(), a.region.country.as_deref())?;
            let created = session
                .create_discovery(&a.unit, &a.skill_id, &a.stage, region, a.wait)
                .await?;
            printer.print(&created.json, &[created.id], output::summary)?;
        }
        Command::GetDiscoverySession(a) => {
            let region =
                crate::smapi::region(a.region.region.as_deref(), a.region.country.as_deref())?;
            let json = session.discovery_status(&a.id, region).await?;
            printer.print(&json, &[a.id], output::summary)?;
        }
        Command::Schema(SchemaCommand::Validate(a)) => {
            let file = crate::input::manifest("FILE", &a.file)?;
            let report = session
                .validate_manifest(&file.manifest, &a.operation)
                .await?;
            print_validation(printer, &report)?;
        }
        Command::SampleManifest(_) | Command::Completions(_) => {}
    }
    Ok(())
}

/// Prints a validation report; violations make the command fail with exit code 3.
pub fn print_validation(printer: &Printer, report: &Value) -> Result<(), CliError> {
    printer.print(report, &[], output::validation)?;
    let count = report["violations"].as_array().map_or(0, Vec::len);
    if count > 0 {
        return Err(CliError::SchemaViolations { count });
    }
    Ok(())
}

/// `sample-manifest`: a manifest the simulator (and the schema) accepts.
pub fn sample_manifest(name: &str, locale: &str) -> Value {
    json!({
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": {
                    locale: {
                        "name": name,
                        "summary": format!("{name}: a one-line summary."),
                        "description": format!("{name}: what the skill does, for the skill store."),
                        "examplePhrases": [format!("Alexa, open {}", name.to_lowercase())],
                        "keywords": ["sample"]
                    }
                },
                "isAvailableWorldwide": true,
                "category": "NOVELTY",
                "distributionCountries": []
            },
            "privacyAndCompliance": {
                "allowsPurchases": false,
                "usesPersonalInfo": false,
                "isChildDirected": false,
                "isExportCompliant": true,
                "containsAds": false,
                "locales": { locale: { "privacyPolicyUrl": "https://example.com/privacy" } }
            },
            "apis": {
                "custom": {
                    "endpoint": { "uri": "arn:aws:lambda:us-east-1:123456789012:function:sample" }
                }
            }
        }
    })
}
