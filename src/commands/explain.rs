//! `cors-sync explain (--message TEXT|- | --har FILE | --curl CMD) [-f MANIFEST] [--fix [--write]]`:
//! why the browser refused a request, against the manifest. Offline for the manifest's buckets;
//! a CloudFront distribution, or `--live`, is read from the account.
//! Exit 0 when every failed request is explained, 1 when the input cannot be read or names
//! nothing in the manifest.

use std::collections::HashMap;

use cors_sync_aws::live_state;
use cors_sync_aws::Aws;
use cors_sync_core::bucket::Bucket;
use cors_sync_core::cloudfront::distribution::LiveDistribution;
use cors_sync_core::evaluate::browser::{
    normalize_method, serialize_origin, unsafe_header_names, RequestHeader,
};
use cors_sync_core::evaluate::cloudfront::Edge;
use cors_sync_core::explain::diagnosis::{behavior_change, diagnose, diagnose_behind, Explanation};
use cors_sync_core::explain::fix::Change;
use cors_sync_core::explain::target::{self, Target};
use cors_sync_core::explain::{curl, fix, group, har, message, FillIn, Observation};
use cors_sync_core::manifest::Declared;
use cors_sync_core::manifest::Manifest;
use cors_sync_core::output_file;
use cors_sync_core::render::explain_report;

use super::{check, load_manifest, Error, Outcome, Refusal};
use crate::accounts;
use crate::cli::{Cli, ExplainArgs, ExplainFormat};
use crate::output::out;

/// Offline for buckets the manifest declares: the manifest alone, no credentials, no AWS. A
/// distribution (its behavior says which bucket is behind it, which only CloudFront knows, as
/// `check` does), or `--live`, reads the account.
pub async fn run(args: &ExplainArgs, cli: &Cli) -> Result<Outcome, Error> {
    if args.live && args.fix {
        return Err(Refusal::FixNeedsTheManifest.into());
    }
    let observations = filled_in(args)?;
    let declared = if args.live && cli.connection.accounts.is_empty() {
        Manifest::default()
    } else {
        load_manifest(&args.manifest.manifest, cli.connection.provider)?
    };
    if !args.live {
        let observations = targeted(observations, args, &declared, None)?;
        let buckets: Option<Vec<&str>> = observations
            .iter()
            .map(|(_, target)| match target {
                Target::Bucket(name) => Some(name.as_str()),
                Target::Distribution { .. } => None,
            })
            .collect();
        let Some(buckets) = buckets else {
            return judge_with_aws(args, cli, &declared, observations).await;
        };
        let explanations = observations
            .iter()
            .zip(buckets)
            .map(|((observation, _), bucket)| explain_bucket(observation, bucket, &declared))
            .collect::<Result<Vec<_>, _>>()?;
        return finish(args, explanations, &declared);
    }
    let account = accounts::for_resource(&declared, None, &cli.connection, "explain")?;
    let aws = accounts::reach_one(&cli.connection, account).await?.aws;
    // A URL S3's endpoints do not name is looked up among the account's distributions, once.
    let needs_listing = args.target.is_none()
        && observations
            .iter()
            .any(|o| target::from_url(&o.url).is_err());
    let listed = if needs_listing {
        Some(live_state::every_distribution(&aws).await?)
    } else {
        None
    };
    let observations = targeted(observations, args, &declared, listed.as_deref())?;
    judge(
        args,
        &aws,
        &declared,
        account.map(|a| a.name.as_str()),
        observations,
        listed.as_deref().unwrap_or_default(),
    )
    .await
}

/// Reaches the manifest's account and judges each observation there.
async fn judge_with_aws(
    args: &ExplainArgs,
    cli: &Cli,
    declared: &Manifest,
    observations: Vec<(Observation, Target)>,
) -> Result<Outcome, Error> {
    // The account the manifest gives what the observations name, when they all name one.
    let mut stated = observations
        .iter()
        .filter_map(|(_, target)| target.declared_account(declared));
    let first = stated.next();
    let stated = first.filter(|first| stated.all(|other| other.name == first.name));
    let account = accounts::for_resource(declared, stated, &cli.connection, "explain")?;
    let aws = accounts::reach_one(&cli.connection, account).await?.aws;
    judge(
        args,
        &aws,
        declared,
        account.map(|a| a.name.as_str()),
        observations,
        &[],
    )
    .await
}

async fn judge(
    args: &ExplainArgs,
    aws: &Aws,
    declared: &Manifest,
    account: Option<&str>,
    observations: Vec<(Observation, Target)>,
    listed: &[LiveDistribution],
) -> Result<Outcome, Error> {
    let manifest = if args.live {
        Manifest::default()
    } else {
        declared.in_account(account)
    };
    let mut explanations = Vec::new();
    // Each target read once, however many observations name it (a HAR of a page whose requests
    // all go to one bucket or distribution).
    let mut read: HashMap<&Target, check::Setting> = HashMap::new();
    for (observation, target) in &observations {
        if !read.contains_key(target) {
            let setting = check::read_setting(aws, &manifest, target, args.live, listed).await?;
            read.insert(target, setting);
        }
        let Some(setting) = read.get(target) else {
            continue;
        };
        // The manifest's own bucket keeps its rules' places; live state has none.
        let bucket = match (args.live, manifest.bucket(&setting.bucket_name)) {
            (false, Some(spec)) => spec.clone(),
            _ => Declared::unwritten(
                Bucket {
                    name: setting.bucket_name.clone(),
                    region: None,
                    cors: setting.bucket.clone().unwrap_or_default(),
                },
                None,
            ),
        };
        let edge = setting
            .edge
            .as_ref()
            .map(|(behavior, forwarded, policy, _)| Edge {
                behavior,
                forwarded: *forwarded,
                response_headers: policy.as_ref(),
            });
        let mut explanation =
            diagnose_behind(observation, &target.to_string(), &bucket, edge.as_ref());
        // A CloudFront cause is fixed on the behavior, which the core names from its path.
        if let (Target::Distribution { id, .. }, Some(edge), Some((_, _, _, path))) =
            (target, &edge, &setting.edge)
        {
            if explanation.candidates.len() == 1 && explanation.change.is_none() {
                explanation.change = behavior_change(
                    explanation.cause,
                    id,
                    path,
                    edge,
                    explanation.request.method.as_deref(),
                );
            }
        }
        explanations.push(explanation);
    }
    finish(args, explanations, &manifest)
}

/// Each observation the input holds, filled in from the command line.
fn filled_in(args: &ExplainArgs) -> Result<Vec<Observation>, Error> {
    let mut observations = read_input(args)?;
    let fill = fill_in(args, observations.iter().any(|o| o.literal))?;
    for observation in &mut observations {
        fill.apply(observation);
    }
    Ok(observations)
}

/// Each observation with the target it names: `--target`, else its URL: an S3 endpoint names
/// the bucket; another host names the distribution that lists it, in the manifest's `domains`
/// or (with `--live`) among the account's distributions (`listed`).
fn targeted(
    observations: Vec<Observation>,
    args: &ExplainArgs,
    manifest: &Manifest,
    listed: Option<&[LiveDistribution]>,
) -> Result<Vec<(Observation, Target)>, Error> {
    let given_target = args
        .target
        .as_deref()
        .map(target::parse_target)
        .transpose()?;
    observations
        .into_iter()
        .map(|observation| {
            let target = match &given_target {
                Some(target) => target.clone(),
                None => target_of(&observation.url, manifest, listed)?,
            };
            Ok((observation, target))
        })
        .collect()
}

fn target_of(
    url: &str,
    manifest: &Manifest,
    listed: Option<&[LiveDistribution]>,
) -> Result<Target, Error> {
    let not_s3 = match target::from_url(url) {
        Ok(target) => return Ok(target),
        Err(error) => error,
    };
    let declared = manifest
        .distributions
        .iter()
        .map(|d| (d.id.as_str(), d.domains.as_slice()));
    if let Some(found) = target::distribution_for_url(url, declared)? {
        return Ok(found);
    }
    let Some(listed) = listed else {
        return Err(not_s3.into());
    };
    let host = target::host_of(url)?;
    let answering: Vec<(&str, Vec<String>)> = listed
        .iter()
        .map(|d| (d.id.as_str(), d.host_names()))
        .collect();
    let in_account = answering.iter().map(|(id, hosts)| (*id, hosts.as_slice()));
    match target::distribution_for_url(url, in_account)? {
        Some(found) => Ok(found),
        None => Err(Refusal::NoDistributionForHost {
            url: url.to_string(),
            host: host.to_string(),
        }
        .into()),
    }
}

fn finish(
    args: &ExplainArgs,
    explanations: Vec<Explanation>,
    manifest: &Manifest,
) -> Result<Outcome, Error> {
    let mut explanations = group(explanations);
    if args.fix {
        add_fixes(&mut explanations, manifest, args.write)?;
    }
    match args.format {
        ExplainFormat::Json => out!("{}\n", explain_report::json(&explanations)),
        ExplainFormat::Text => out!("{}", explain_report::text(&explanations)),
    }
    Ok(Outcome::Success)
}

fn read_input(args: &ExplainArgs) -> Result<Vec<Observation>, Error> {
    if let Some(text) = &args.message {
        let text = if text == "-" {
            crate::error::stdin_text("the message on stdin".into())?
        } else {
            text.clone()
        };
        let found = message::parse(&text);
        if found.is_empty() {
            return Err(Refusal::NoCorsErrorInMessage.into());
        }
        return Ok(found);
    }
    if let Some(path) = &args.har {
        let text = crate::error::file_text(path, format!("the HAR file {}", path.display()))?;
        return Ok(har::parse(&text)?);
    }
    if let Some(command) = &args.curl {
        return Ok(vec![curl::parse(command)?]);
    }
    Err(Refusal::ExplainWhat.into())
}

/// What the command line adds. A browser serialises the origin and normalises the method; curl
/// sends them as written.
fn fill_in(args: &ExplainArgs, literal: bool) -> Result<FillIn, Error> {
    let origin = match &args.origin {
        Some(origin) if literal => Some(origin.clone()),
        Some(origin) => Some(serialize_origin(origin)?),
        None => None,
    };
    let headers: Vec<RequestHeader> = args
        .headers
        .iter()
        .map(|h| RequestHeader::parse(h))
        .collect();
    Ok(FillIn {
        origin,
        method: args.method.as_deref().map(normalize_method),
        // A method given without headers describes a request that sets none, as `check` reads it.
        headers: (args.method.is_some() || !headers.is_empty())
            .then(|| unsafe_header_names(&headers)),
        credentials: args.credentials.then_some(true),
    })
}

/// One observation of a bucket, judged by the manifest alone.
fn explain_bucket(
    observation: &Observation,
    bucket: &str,
    manifest: &Manifest,
) -> Result<Explanation, Error> {
    let spec = manifest
        .bucket(bucket)
        .ok_or_else(|| Refusal::UrlBucketNotDeclared {
            url: observation.url.clone(),
            bucket: bucket.to_string(),
        })?;
    Ok(diagnose(
        observation,
        &Target::Bucket(bucket.to_string()).to_string(),
        spec,
    ))
}

/// Each decided explanation's fix; with `write`, the one fix is written into its file.
fn add_fixes(
    explanations: &mut [Explanation],
    manifest: &Manifest,
    write: bool,
) -> Result<(), Error> {
    let mut written = None;
    for explanation in explanations.iter_mut() {
        let Some(change) = &explanation.change else {
            continue;
        };
        let bucket = explanation.bucket.clone();
        let declared = match change {
            Change::BehaviorMethods { distribution, .. }
            | Change::BehaviorForwards { distribution, .. } => manifest
                .distribution(distribution)
                .map(|d| &d.location)
                .ok_or(distribution),
            _ => manifest.bucket(&bucket).map(|b| &b.location).ok_or(&bucket),
        };
        let file = match declared {
            Ok(location) => &location.file,
            Err(name) => {
                explanation.notes.push(format!(
                    "the manifest does not declare {name}, so --fix has nothing to change"
                ));
                continue;
            }
        };
        let text = crate::error::file_text(file, format!("the manifest file {}", file.display()))?;
        let made = fix::fix(file, &text, &bucket, change)?;
        if write {
            if written.is_some() {
                return Err(Refusal::OneFixAtATime.into());
            }
            written = Some((file.clone(), made.fixed_text.clone()));
        }
        explanation.fix = Some(made);
    }
    if let Some((file, text)) = written {
        // Whole or not at all: an interrupted write must not leave the manifest cut short.
        output_file::write_whole(&file, text.as_bytes()).map_err(|source| {
            Refusal::CannotWrite {
                path: file.to_path_buf(),
                source,
            }
        })?;
    }
    Ok(())
}
