use super::*;

fn summary(id: &str) -> DistributionSummary {
    DistributionSummary::builder()
        .id(id)
        .arn("arn")
        .status("Deployed")
        .last_modified_time(DateTime::from_secs(0))
        .domain_name(format!("{id}.cloudfront.net"))
        .comment("")
        .price_class(PriceClass::PriceClassAll)
        .enabled(true)
        .web_acl_id("")
        .http_version(HttpVersion::Http2)
        .is_ipv6_enabled(true)
        .staging(false)
        .default_cache_behavior(config(&["Origin"]).default_cache_behavior.unwrap())
        .build()
        .unwrap()
}

fn page(ids: &[&str], next: Option<&str>) -> ListDistributionsOutput {
    let items: Vec<DistributionSummary> = ids.iter().map(|id| summary(id)).collect();
    ListDistributionsOutput::builder()
        .distribution_list(
            DistributionList::builder()
                .marker("")
                .set_next_marker(next.map(str::to_string))
                .max_items(100)
                .is_truncated(next.is_some())
                .quantity(items.len() as i32)
                .set_items(Some(items))
                .build()
                .unwrap(),
        )
        .build()
}

#[tokio::test]
async fn distributions_are_read_from_list_pages_stopping_once_all_are_found() {
    let first = mock!(Client::list_distributions)
        .match_requests(|r| r.marker().is_none())
        .then_output(|| page(&["EONE", "ETWO"], Some("m2")));
    let second = mock!(Client::list_distributions)
        .match_requests(|r| r.marker() == Some("m2"))
        .then_output(|| page(&["ETHREE"], Some("m3")));
    let third = mock!(Client::list_distributions)
        .match_requests(|r| r.marker() == Some("m3"))
        .then_output(|| page(&["EFOUR"], None));
    let cf = client(&[&first, &second, &third]);
    let found = read_distributions(&cf, &["ETHREE".to_string(), "EONE".to_string()]).await;
    let ids: Vec<String> = found.into_iter().map(|d| d.unwrap().id).collect();
    assert_eq!(ids, ["ETHREE", "EONE"]);
    assert_eq!(
        (first.num_calls(), second.num_calls(), third.num_calls()),
        (1, 1, 0),
        "one call per 100 distributions, no more than needed"
    );

    let missing = read_distributions(&cf, &["ENOPE".to_string()]).await;
    let error = missing.into_iter().next().unwrap().unwrap_err();
    assert_eq!(error.code, Some(ErrorCode::NoSuchDistribution));
}

#[tokio::test]
async fn every_distribution_is_read_from_every_list_page() {
    let first = mock!(Client::list_distributions)
        .match_requests(|r| r.marker().is_none() && r.max_items() == Some(100))
        .then_output(|| page(&["EONE", "ETWO"], Some("m2")));
    let second = mock!(Client::list_distributions)
        .match_requests(|r| r.marker() == Some("m2"))
        .then_output(|| page(&["ETHREE"], None));
    let cf = client(&[&first, &second]);
    let ids: Vec<String> = crate::cloudfront::distributions::read_every_distribution(&cf)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(ids, ["EONE", "ETWO", "ETHREE"]);
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));

    let denied = mock!(Client::list_distributions)
        .then_http_response(|| error_response(403, "AccessDenied", "User is not authorized"));
    let error = crate::cloudfront::distributions::read_every_distribution(&client(&[&denied]))
        .await
        .unwrap_err();
    assert_eq!(error.operation, "ListDistributions");
    assert_eq!(error.code, Some(ErrorCode::Other("AccessDenied".into())));
}

#[tokio::test]
async fn each_distributions_domain_and_aliases_are_listed_from_every_page() {
    let aliased = || {
        let mut output = page(&["EONE"], Some("m2"));
        if let Some(item) = output
            .distribution_list
            .as_mut()
            .and_then(|list| list.items.as_mut())
            .and_then(|items| items.first_mut())
        {
            item.aliases = Some(
                Aliases::builder()
                    .quantity(2)
                    .items("cdn.example.com")
                    .items("*.img.example.com")
                    .build()
                    .unwrap(),
            );
        }
        output
    };
    let first = mock!(Client::list_distributions)
        .match_requests(|r| r.marker().is_none())
        .then_output(aliased);
    let second = mock!(Client::list_distributions)
        .match_requests(|r| r.marker() == Some("m2"))
        .then_output(|| page(&["ETWO"], None));
    let cf = client(&[&first, &second]);
    let listed = crate::cloudfront::distributions::read_every_distribution(&cf)
        .await
        .unwrap();
    let shown: Vec<(String, Vec<String>)> = listed
        .iter()
        .map(|d| (d.id.clone(), d.host_names()))
        .collect();
    assert_eq!(
        shown,
        [
            (
                "EONE".to_string(),
                vec![
                    "EONE.cloudfront.net".to_string(),
                    "cdn.example.com".to_string(),
                    "*.img.example.com".to_string()
                ]
            ),
            ("ETWO".to_string(), vec!["ETWO.cloudfront.net".to_string()]),
        ]
    );
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
}

#[tokio::test]
async fn a_failed_list_page_fails_only_the_distributions_not_yet_found() {
    let first = mock!(Client::list_distributions)
        .match_requests(|r| r.marker().is_none())
        .then_output(|| page(&["EONE"], Some("m2")));
    let second = mock!(Client::list_distributions)
        .match_requests(|r| r.marker() == Some("m2"))
        .then_http_response(|| error_response(403, "AccessDenied", "User is not authorized"));
    let cf = client(&[&first, &second]);
    let read = read_distributions(&cf, &["ETWO".to_string(), "EONE".to_string()]).await;
    let outcomes: Vec<String> = read
        .into_iter()
        .map(|r| match r {
            Ok(d) => format!("read {}", d.id),
            Err(e) => e.to_string(),
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            "cloudfront_distribution.ETWO: ListDistributions failed: AccessDenied: User is not authorized",
            "read EONE",
        ]
    );
}

#[tokio::test]
async fn waiting_polls_until_deployed_and_reports_each_status() {
    let get = mock!(Client::get_distribution)
        .sequence()
        .output(|| {
            GetDistributionOutput::builder()
                .distribution(distribution("InProgress"))
                .build()
        })
        .times(2)
        .output(|| {
            GetDistributionOutput::builder()
                .distribution(distribution("Deployed"))
                .build()
        })
        .build();
    let seen: Mutex<Vec<String>> = Mutex::default();
    let progress = |status: &str| seen.lock().unwrap().push(status.to_string());
    wait_deployed(
        &client(&[&get]),
        "EDIST",
        Duration::from_millis(1),
        Duration::from_secs(60),
        &progress,
    )
    .await
    .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        ["InProgress", "InProgress", "Deployed"]
    );
}

#[tokio::test]
async fn a_marker_handed_back_unchanged_ends_the_listing() {
    let first = mock!(Client::list_distributions)
        .match_requests(|r| r.marker().is_none())
        .then_output(|| page(&["EONE"], Some("m2")));
    // Answers at most three times, so a listing that keeps following the marker fails, not hangs.
    let served = std::sync::atomic::AtomicUsize::new(0);
    let again = mock!(Client::list_distributions)
        .match_requests(move |r| {
            r.marker() == Some("m2")
                && served.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < 3
        })
        .then_output(|| page(&["ETWO"], Some("m2")));
    let cf = client(&[&first, &again]);
    let read = read_distributions(&cf, &["ENOPE".to_string()]).await;
    assert_eq!(
        (first.num_calls(), again.num_calls()),
        (1, 1),
        "the page at m2 is read once, not forever"
    );
    let error = read.into_iter().next().unwrap().unwrap_err();
    assert_eq!(error.code, Some(ErrorCode::NoSuchDistribution));
}
