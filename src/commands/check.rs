//! `cors-sync check TARGET --origin O --method M [--header H ...]`: will the browser's request
//! work, and if not, why? Against the manifest by default, or live state with `--live`.
//! Exit 0 allowed, 2 denied, 1 error.

use cors_sync_aws::live_state;
use cors_sync_aws::Aws;
use cors_sync_core::bucket::Bucket;
use cors_sync_core::bucket_cors::BucketCors;
use cors_sync_core::cloudfront::behavior::BehaviorSettings;
use cors_sync_core::cloudfront::distribution::{bucket_of_origin, LiveDistribution};
use cors_sync_core::cloudfront::policies::CorsPolicy;
use cors_sync_core::evaluate::browser::{
    sending_notes, serialize_origin, Engine, PageRequest, RequestHeader,
};
use cors_sync_core::evaluate::cloudfront::{Edge, Forwarded};
use cors_sync_core::evaluate::edge;
use cors_sync_core::evaluate::s3::{self, Stored};
use cors_sync_core::evaluate::{evaluate, Request};
use cors_sync_core::explain::target::{parse_target, Target};
use cors_sync_core::live_targets::LiveTargets;
use cors_sync_core::manifest::Manifest;
use cors_sync_core::plan::{self, LiveState, PolicyListings};
use cors_sync_core::render::check_report::{CheckReport, Step};

use super::{load_manifest, Error, Outcome, Refusal};
use crate::accounts;
use crate::cli::{BrowserEngine, CheckArgs, CheckFormat, Cli};
use crate::output::{out, outln};

/// What the request meets: the bucket's CORS, and the CloudFront behavior in front of it, if any.
pub(crate) struct Setting {
    pub(crate) bucket: Option<BucketCors>,
    pub(crate) bucket_name: String,
    pub(crate) edge: Option<(BehaviorSettings, Forwarded, Option<CorsPolicy>, String)>,
}

pub async fn run(args: &CheckArgs, cli: &Cli) -> Result<Outcome, Error> {
    let target = parse_target(&args.target)?;
    // Refused before anything is read: a mistyped header would otherwise be judged as a name.
    let headers = args
        .headers
        .iter()
        .map(|h| RequestHeader::from_flag(h))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Refusal::from)?;
    // Live, the manifest is read only for the account `--account` names.
    let declared = if args.live && cli.connection.accounts.is_empty() {
        Manifest::default()
    } else {
        load_manifest(&args.manifest.manifest, cli.connection.provider)?
    };
    let stated = target.declared_account(&declared);
    let account = accounts::for_resource(&declared, stated, &cli.connection, "check")?;
    // Offline, a bucket is judged from the manifest alone: no call, so no guard either.
    let aws = if args.live || matches!(target, Target::Distribution { .. }) {
        accounts::reach_one(&cli.connection, account).await?.aws
    } else {
        accounts::connect(&cli.connection).await
    };
    let manifest = if args.live {
        Manifest::default()
    } else {
        declared.in_account(account.map(|a| a.name.as_str()))
    };
    let setting = read_setting(&aws, &manifest, &target, args.live, &[]).await?;
    let origin = serialize_origin(&args.origin)?;
    let notes = sending_notes(&args.origin, &origin, &headers);
    let page = PageRequest::new(&origin, &args.method, headers, args.credentials);
    let method = page.method.clone();
    let headers: Vec<&str> = args.headers.iter().map(String::as_str).collect();
    let bucket = setting
        .bucket
        .as_ref()
        .map_or(Stored::Missing, Stored::Cors);
    let edge = setting
        .edge
        .as_ref()
        .map(|(behavior, forwarded, policy, _)| Edge {
            behavior,
            forwarded: *forwarded,
            response_headers: policy.as_ref(),
        });
    // A bucket on another store is judged by its profile in the provider table.
    let provider = account.map_or(cli.connection.provider.unwrap_or_default(), |a| a.provider);
    let step = |request: Request| {
        let evaluation = match &edge {
            None => s3::evaluate_on(provider, bucket, &request),
            Some(_) => evaluate(edge.as_ref(), bucket, &request),
        };
        Step::judged(request, evaluation)
    };
    let engines: Vec<Engine> = match args.browser {
        Some(BrowserEngine::Chromium) => vec![Engine::Chromium],
        Some(BrowserEngine::Firefox) => vec![Engine::Firefox],
        None => Engine::ALL.to_vec(),
    };
    let preflight_in = |engine: Engine| {
        page.needs_preflight_in(engine)
            .then(|| page.preflight_in(engine))
    };
    // The engines send the same requests for almost every page: then one report says it all.
    let same = engines
        .iter()
        .all(|engine| preflight_in(*engine) == preflight_in(engines[0]));
    let shown: Vec<Option<Engine>> = if same && args.browser.is_none() {
        vec![None]
    } else {
        engines.iter().copied().map(Some).collect()
    };
    let reports: Vec<(Option<Engine>, CheckReport)> = shown
        .into_iter()
        .map(|engine| {
            let preflight = match engine {
                Some(engine) => preflight_in(engine),
                None => preflight_in(engines[0]),
            };
            let report = CheckReport {
                target: &args.target,
                live: args.live,
                bucket_name: &setting.bucket_name,
                bucket: setting.bucket.as_ref(),
                behavior: setting.edge.as_ref().map(|(_, _, _, path)| path.as_str()),
                origin: &origin,
                method: &method,
                headers: &headers,
                credentials: args.credentials,
                notes: &notes,
                preflight: preflight.map(step),
                actual: step(page.actual()),
            };
            (engine, report)
        })
        .collect();
    let allowed = reports.iter().all(|(_, report)| report.allowed());
    print_reports(&reports, args.format);
    if allowed {
        Ok(Outcome::Success)
    } else {
        Ok(Outcome::Denied)
    }
}

/// One report as today; or, when a browser was named or the engines send different requests,
/// each engine's report headed by its name, and what they disagree on.
fn print_reports(reports: &[(Option<Engine>, CheckReport)], format: CheckFormat) {
    if let [(None, report)] = reports {
        match format {
            CheckFormat::Json => outln!("{}", report.json()),
            CheckFormat::Text => out!("{}", report.text()),
        }
        return;
    }
    let verdict = |report: &CheckReport| {
        if report.allowed() {
            "allowed"
        } else {
            "blocked"
        }
    };
    let named = |engine: &Option<Engine>| engine.map_or("any browser", Engine::name);
    let disagreement = (reports.len() > 1
        && reports.iter().any(|(_, r)| r.allowed() != reports[0].1.allowed()))
    .then(|| {
        let each: Vec<String> = reports
            .iter()
            .map(|(engine, report)| format!("{} in {}", verdict(report), named(engine)))
            .collect();
        format!(
            "the browsers disagree: {} (they preflight different headers; docs/explain.md lists the differences)",
            each.join(", ")
        )
    });
    match format {
        CheckFormat::Json => {
            let browsers: Vec<serde_json::Value> = reports
                .iter()
                .map(|(engine, report)| {
                    let mut document: serde_json::Value =
                        serde_json::from_str(&report.json()).unwrap_or_default();
                    document["browser"] = named(engine).into();
                    document
                })
                .collect();
            // The established document stays whole (of the engine that blocks, if one does);
            // each engine's and the disagreement are added to it.
            let shown = reports.iter().position(|(_, r)| !r.allowed()).unwrap_or(0);
            let mut document = browsers[shown].clone();
            document["browsers"] = browsers.clone().into();
            document["disagreement"] = disagreement.into();
            outln!(
                "{}",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            );
        }
        CheckFormat::Text => {
            for (index, (engine, report)) in reports.iter().enumerate() {
                if index > 0 {
                    outln!();
                }
                outln!("in {}:", named(engine));
                out!("{}", report.text());
            }
            if let Some(disagreement) = disagreement {
                outln!();
                outln!("DISAGREEMENT: {disagreement}");
            }
        }
    }
}

/// Also `explain`'s, for a bucket read live or a distribution (its behavior and the bucket behind).
/// `listed`: the account's distributions when a caller has listed them already (`explain --live`
/// finding a host's distribution), taken live instead of listing them again.
pub(crate) async fn read_setting(
    aws: &Aws,
    manifest: &Manifest,
    target: &Target,
    live: bool,
    listed: &[LiveDistribution],
) -> Result<Setting, Error> {
    match target {
        Target::Bucket(name) => Ok(Setting {
            bucket: bucket_cors(aws, manifest, name, live).await?,
            bucket_name: name.clone(),
            edge: None,
        }),
        Target::Distribution { id, path } => {
            let already = listed.iter().find(|d| &d.id == id).filter(|_| live);
            let mut state = match already {
                // As a live read finds it: from the same list pages, and no policy lists yet.
                Some(found) => LiveState {
                    account: aws.account().map(str::to_string),
                    distributions: vec![found.clone()],
                    ..LiveState::default()
                },
                None => read_distribution(aws, manifest, id, live).await?,
            };
            let distribution = state
                .distributions
                .first()
                .cloned()
                .ok_or(Refusal::NoDistributionRead)?;
            let behavior_path = distribution.behavior_for(path);
            let domain = distribution
                .origin_domain(&behavior_path)
                .ok_or_else(|| Refusal::BehaviorWithoutOrigin {
                    path: behavior_path.to_string(),
                })?
                .to_string();
            let bucket_name = bucket_of_origin(&domain)
                .ok_or_else(|| Refusal::OriginNotABucket {
                    path: behavior_path.to_string(),
                    domain: domain.clone(),
                })?
                .to_string();
            let settings = match (
                live,
                plan::desired_behavior(manifest, &state, id, &behavior_path),
            ) {
                (false, Some(desired)) => desired?,
                _ => distribution
                    .behavior(&behavior_path)
                    .cloned()
                    .ok_or(Refusal::BehaviorVanished)?,
            };
            let needed = edge::listings_needed([&settings], manifest);
            if let Some(error) = live_state::read_listings(aws, needed, &mut state)
                .await
                .into_iter()
                .next()
            {
                return Err(error.into());
            }
            let (forwarded, policy) = edge::edge(&settings, manifest, &state)?;
            Ok(Setting {
                bucket: bucket_cors(aws, manifest, &bucket_name, live).await?,
                bucket_name,
                edge: Some((settings, forwarded, policy, behavior_path.to_string())),
            })
        }
    }
}

/// The distribution `id` as live state holds it, with the policy lists the manifest's behaviors
/// need when they are judged as the manifest will make them (not `live`).
async fn read_distribution(
    aws: &Aws,
    manifest: &Manifest,
    id: &str,
    live: bool,
) -> Result<LiveState, Error> {
    let targets = LiveTargets {
        distributions: vec![id.to_string()],
        // Offline, the behavior is judged as the manifest will make it, which can name the
        // account's own policies.
        policy_listings: if live {
            PolicyListings::default()
        } else {
            plan::policy_listings_needed(manifest)
        },
        ..LiveTargets::default()
    };
    live_state::read(aws, &targets, 1, &|| {})
        .await
        .complete()
        .map_err(|failure| match failure.calls().first() {
            Some(error) => Error::from(error.clone()),
            None => Error::from(failure),
        })
}

/// The bucket's CORS from the manifest, or live; `None` when the bucket does not exist.
async fn bucket_cors(
    aws: &Aws,
    manifest: &Manifest,
    name: &str,
    live: bool,
) -> Result<Option<BucketCors>, Error> {
    if !live {
        return manifest
            .bucket(name)
            .map(|b| Some(b.cors.clone()))
            .ok_or_else(|| {
                Refusal::BucketNotInManifestOffline {
                    bucket: name.to_string(),
                }
                .into()
            });
    }
    let targets = LiveTargets {
        buckets: vec![Bucket::named(name)],
        ..LiveTargets::default()
    };
    let mut read = live_state::read(aws, &targets, 1, &|| {}).await;
    match (read.live.buckets.pop(), read.errors.pop()) {
        (Some(bucket), _) => Ok(Some(bucket.cors)),
        (None, Some(error)) if error.is_missing_bucket() => Ok(None),
        (None, Some(error)) => Err(error.into()),
        (None, None) => Err(Refusal::NothingRead {
            bucket: name.to_string(),
        }
        .into()),
    }
}
