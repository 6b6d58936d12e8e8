//! `cors-sync verify`: real preflights against the live endpoints, compared with what the
//! evaluator predicts from the manifest, as a browser judges them and header by header.
//! Exit 0 when every probe agrees, 2 when any disagrees, 1 on error.

use std::time::Duration;

use cors_sync_aws::live_state;
use cors_sync_aws::probe::Prober;
use cors_sync_aws::propagation;
use cors_sync_aws::{Aws, AwsError};
use cors_sync_core::bucket_cors::BucketCors;
use cors_sync_core::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use cors_sync_core::cloudfront::distribution::bucket_of_origin;
use cors_sync_core::evaluate::browser::judge;
use cors_sync_core::evaluate::cloudfront::{self as through_cloudfront, Edge};
use cors_sync_core::evaluate::compare::differences;
use cors_sync_core::evaluate::edge;
use cors_sync_core::evaluate::probes::{probes, Probe};
use cors_sync_core::evaluate::s3::{self, Stored};
use cors_sync_core::evaluate::{Request, Response};
use cors_sync_core::live_targets::LiveTargets;
use cors_sync_core::manifest::Manifest;
use cors_sync_core::plan::{self, Address, LiveState};
use cors_sync_core::provider::Provider;
use cors_sync_core::render::plural;
use cors_sync_core::render::verify_report::{ProbeRow, Tally};

use super::{load_manifest, Error, Outcome};
use crate::accounts;
use crate::cli::{Cli, VerifyArgs};
use crate::output::{errln, out, outln};

/// The object path probes are sent to: S3 answers a preflight by the bucket's rules whether or
/// not the object exists.
const PROBE_KEY: &str = "cors-sync-probe";

pub async fn run(args: &VerifyArgs, cli: &Cli) -> Result<Outcome, Error> {
    let manifest = load_manifest(&args.manifest.manifest, cli.connection.provider)?;
    let in_play = accounts::in_play(&manifest, &cli.connection)?;
    let reached = accounts::reach(&cli.connection, &in_play).await?;
    let prober = Prober::new(Duration::from_secs(cli.connection.timeout));
    let mut tally = Tally::default();
    for to in &reached {
        let part = manifest.in_account(to.name());
        verify_account(&to.aws, &part, args, &prober, &mut tally).await?;
    }
    let Tally {
        probes,
        verdicts,
        headers,
    } = tally;
    outln!(
        "\nVerified {probes} probe{}: {verdicts} where the browser's verdict differs from the prediction, {headers} where only headers differ.",
        plural(probes)
    );
    if verdicts + headers == 0 {
        Ok(Outcome::Success)
    } else {
        Ok(Outcome::Mismatches)
    }
}

/// Probes every bucket and behavior of one account's part of the manifest.
async fn verify_account(
    aws: &Aws,
    manifest: &Manifest,
    args: &VerifyArgs,
    prober: &Prober,
    tally: &mut Tally,
) -> Result<(), Error> {
    for bucket in &manifest.buckets {
        let resource = Address::S3Bucket(bucket.name.clone()).to_string();
        let region = match &bucket.region {
            Some(region) => region.clone(),
            None if aws.s3_endpoint().is_some() => aws.default_region(),
            None => live_state::discover_region(aws, &bucket.name).await?,
        };
        let url = aws.object_url(&bucket.name, &region, PROBE_KEY).await?;
        let cors = bucket.cors.clone();
        let planned = planned_probes(&cors);
        // Judged by the store's own profile (the provider table); on another store, each probe
        // is also judged as AWS would answer it, to say where the store departs from AWS.
        let provider = manifest.provider_of(bucket.account.as_ref());
        let predict =
            |request: &Request| s3::evaluate_on(provider, Stored::Cors(&cors), request).response;
        let as_aws = |request: &Request| s3::evaluate(Stored::Cors(&cors), request).response;
        let also_as_aws: Option<&dyn Fn(&Request) -> Response> =
            (!provider.is_aws()).then_some(&as_aws);
        let window = propagation::window(aws);
        let deadline = tokio::time::Instant::now() + window;
        if !window.is_zero() {
            // A change on this store may not be seen yet: probe again until the answers agree
            // or the store's window has passed.
            errln!(
                "{resource}: {provider} takes up to {} s to apply a change; probing until the answers agree or that time has passed.",
                window.as_secs()
            );
        }
        let (rows, departures) = loop {
            let (rows, as_aws_rows) = probe_all(
                prober,
                &resource,
                &url,
                planned.clone(),
                predict,
                also_as_aws,
            )
            .await?;
            let agree = rows
                .iter()
                .all(|r| r.predicted == r.observed && r.differences.is_empty());
            if agree || tokio::time::Instant::now() >= deadline {
                break (rows, as_aws_rows);
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        };
        out!("{}", tally.record(&resource, rows));
        report_departures(provider, departures);
    }
    if !manifest.distributions.is_empty() {
        // Only CloudFront is read: the buckets' expected answers come from the manifest.
        let targets = LiveTargets::cloudfront_of(manifest);
        let mut live = live_state::read(aws, &targets, 1, &|| {})
            .await
            .complete()
            .map_err(|failure| Error::calls(failure, None))?;
        // Each behavior as verify judges it, in the order of `live.distributions`' behaviors.
        let judged_all: Vec<BehaviorSettings> = live
            .distributions
            .iter()
            .flat_map(|d| {
                d.behaviors
                    .iter()
                    .map(|(path, now)| judged(manifest, &live, &d.id, path, now))
            })
            .collect();
        let needed = edge::listings_needed(&judged_all, manifest);
        if let Some(error) = live_state::read_listings(aws, needed, &mut live)
            .await
            .into_iter()
            .next()
        {
            return Err(error.into());
        }
        let mut judged_each = judged_all.into_iter();
        for distribution in &live.distributions {
            for (path, _) in &distribution.behaviors {
                let Some(settings) = judged_each.next() else {
                    break;
                };
                let Some(bucket) = distribution
                    .origin_domain(path)
                    .and_then(bucket_of_origin)
                    .and_then(|b| manifest.bucket(b))
                else {
                    continue;
                };
                let (forwarded, policy) = edge::edge(&settings, manifest, &live)
                    .map_err(|error| error.in_distribution(&distribution.id))?;
                let base = args
                    .cloudfront_endpoint
                    .clone()
                    .unwrap_or_else(|| format!("https://{}", distribution.domain_name));
                let url = format!("{}{}", base.trim_end_matches('/'), probe_path(path));
                let cors = bucket.cors.clone();
                let planned = planned_probes(&cors);
                let predict = |request: &Request| {
                    let edge = Edge {
                        behavior: &settings,
                        forwarded,
                        response_headers: policy.as_ref(),
                    };
                    through_cloudfront::evaluate(&edge, Stored::Cors(&cors), request).response
                };
                let resource = Address::CloudFrontDistribution(distribution.id.clone()).to_string();
                let (rows, _) = probe_all(prober, &resource, &url, planned, predict, None).await?;
                let subject = format!("{resource} behavior {path} (bucket {})", bucket.name);
                out!("{}", tally.record(&subject, rows));
            }
        }
    }
    Ok(())
}

/// On a store other than AWS: the probes whose answers differ from what AWS would have answered
/// for the same rules, verdicts one by one, header-only differences counted.
fn report_departures(provider: Provider, as_aws: Vec<ProbeRow>) {
    let (verdicts, headers_only): (Vec<ProbeRow>, Vec<ProbeRow>) = as_aws
        .into_iter()
        .filter(|row| !row.differences.is_empty() || row.predicted != row.observed)
        .partition(|row| row.predicted != row.observed);
    if verdicts.is_empty() && headers_only.is_empty() {
        return;
    }
    outln!("  Where {provider} answered otherwise than AWS would (judged by its profile above):");
    let verdict = |passes: bool| if passes { "passes" } else { "fails" };
    for row in verdicts {
        let (aws_passes, aws_status) = row.predicted;
        let (passes, status) = row.observed;
        outln!(
            "    {}: AWS {} {aws_status}, {provider} {} {status}{}",
            row.description,
            verdict(aws_passes),
            verdict(passes),
            if row.differences.is_empty() {
                String::new()
            } else {
                format!(" ({})", row.differences.join("; "))
            }
        );
    }
    if let Some(first) = headers_only.first() {
        outln!(
            "    and in headers only on {} probe{}, e.g. {}: {}",
            headers_only.len(),
            plural(headers_only.len()),
            first.description,
            first.differences.join("; ")
        );
    }
}

/// The probes for a bucket's rules (one for a bucket without CORS, which must refuse it).
fn planned_probes(cors: &BucketCors) -> Vec<Probe> {
    let mut planned = probes(&cors.rules);
    if planned.is_empty() {
        planned.push(Probe {
            description: "no CORS configuration: GET from https://cors-sync-probe.example".into(),
            request: Request::preflight("https://cors-sync-probe.example", "GET", &[]),
        });
    }
    planned
}

/// Sends every probe to `url` and compares each answer with `predict`'s; with `also`, the same
/// answers are compared with its predictions too (AWS's, for a bucket on another store).
async fn probe_all<F>(
    prober: &Prober,
    resource: &str,
    url: &str,
    planned: Vec<Probe>,
    predict: F,
    also: Option<&dyn Fn(&Request) -> Response>,
) -> Result<(Vec<ProbeRow>, Vec<ProbeRow>), AwsError>
where
    F: Fn(&Request) -> Response,
{
    let row = |probe: &Probe, predicted: &Response, observed: &Response| ProbeRow {
        predicted: (judge(&probe.request, predicted).passes, predicted.status),
        observed: (judge(&probe.request, observed).passes, observed.status),
        differences: differences(predicted, observed),
        description: probe.description.clone(),
    };
    let mut rows = Vec::with_capacity(planned.len());
    let mut also_rows = Vec::new();
    for probe in planned {
        let predicted = predict(&probe.request);
        let observed = prober.send(resource, url, &probe.request).await?;
        if let Some(also) = also {
            also_rows.push(row(&probe, &also(&probe.request), &observed));
        }
        rows.push(row(&probe, &predicted, &observed));
    }
    Ok((rows, also_rows))
}

/// A request path that the behavior's pattern matches: `*` and `?` filled in with probe text.
fn probe_path(path: &BehaviorPath) -> String {
    match path {
        BehaviorPath::Default => format!("/{PROBE_KEY}"),
        BehaviorPath::Pattern(pattern) => {
            let filled = pattern.replace('*', PROBE_KEY).replace('?', "p");
            if filled.starts_with('/') {
                filled
            } else {
                format!("/{filled}")
            }
        }
    }
}

/// The behavior as verify judges it: as the manifest will make it, else as it is.
fn judged(
    manifest: &Manifest,
    live: &LiveState,
    distribution: &str,
    path: &BehaviorPath,
    now: &BehaviorSettings,
) -> BehaviorSettings {
    match plan::desired_behavior(manifest, live, distribution, path) {
        Some(Ok(settings)) => settings,
        _ => now.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_paths_match_the_behaviors_pattern() {
        assert_eq!(
            probe_path(&BehaviorPath::Pattern("/fonts/*".into())),
            "/fonts/cors-sync-probe"
        );
        assert_eq!(
            probe_path(&BehaviorPath::Pattern("img/?.png".into())),
            "/img/p.png"
        );
        assert_eq!(probe_path(&BehaviorPath::Default), "/cors-sync-probe");
    }
}
