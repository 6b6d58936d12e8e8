//! Distributions, their behaviors, and the CloudFront policies a manifest declares.

use super::super::schema;
use super::super::yaml_tree::{Node, NodeValue, Position};
use super::super::Declared;
use super::{Decoder, Fields};
use crate::cloudfront::behavior::{BehaviorPath, BehaviorSpec, Managed};
use crate::cloudfront::distribution::DistributionSpec;
use crate::cloudfront::limits;
use crate::cloudfront::policies::{
    CorsPolicy, OriginRequestPolicySpec, PolicyKind, ResponseHeadersPolicySpec,
};

impl Decoder<'_> {
    pub(super) fn distribution(&mut self, node: &Node) -> Option<Declared<DistributionSpec>> {
        let fields = self.fields(node, "a distribution", &schema::DISTRIBUTION)?;
        let id_node = fields.get("id");
        let id = id_node.and_then(|n| self.string(n, "id"));
        if let (Some(id), Some(n)) = (&id, id_node) {
            if let Some(problem) = limits::distribution_id_problem(id) {
                self.error(n.position, problem);
            }
        }
        let mut behaviors = Vec::new();
        if let Some(node) = fields.get("behaviors") {
            match &node.value {
                NodeValue::Mapping(entries) => {
                    for (key, value) in entries {
                        let NodeValue::String(path) = &key.value else {
                            self.error(
                                key.position,
                                "a behavior key must be `default` or a path pattern",
                            );
                            continue;
                        };
                        if behaviors
                            .iter()
                            .any(|b: &BehaviorSpec| b.path.key() == path)
                        {
                            self.error(key.position, format!("behavior `{path}` appears twice"));
                            continue;
                        }
                        if let Some(spec) =
                            self.behavior(BehaviorPath::from_key(path), key.position, value)
                        {
                            behaviors.push(spec);
                        }
                    }
                }
                _ => self.wrong_type(
                    node,
                    "behaviors",
                    "a mapping of `default` or path patterns to behaviors",
                ),
            }
        }
        let silenced = self.silenced(&fields);
        let mut domains = Vec::new();
        let listed = fields
            .get("domains")
            .and_then(|node| self.string_list(node, "domains"));
        for (domain, position) in listed.unwrap_or_default() {
            let domain = domain.trim_end_matches('.').to_ascii_lowercase();
            match limits::domain_problem(&domain) {
                Some(problem) => self.error(position, problem),
                None => domains.push(domain),
            }
        }
        let distribution = DistributionSpec {
            id: id?,
            behaviors,
            domains,
        };
        Some(Declared {
            silenced,
            ..Declared::at(
                distribution,
                self.at(fields.position),
                self.account_ref(&fields),
            )
        })
    }

    fn behavior(
        &mut self,
        path: BehaviorPath,
        key_position: Position,
        node: &Node,
    ) -> Option<BehaviorSpec> {
        let fields = self.fields(node, "a behavior", &schema::BEHAVIOR)?;
        let forward_headers = self.header_whitelist(&fields, "forward_headers");
        let allowed_methods = self.method_list(&fields, "allowed_methods");
        let cached_methods = self.method_list(&fields, "cached_methods");
        // The sets are checked once each list is within the schema's methods and counts.
        if let Some((methods, position)) = &allowed_methods {
            let problem = limits::allowed_methods_problem(methods);
            if let Some(problem) = problem.filter(|_| fields.fits("allowed_methods")) {
                self.error(*position, problem);
            }
        }
        if let Some((cached, position)) = &cached_methods {
            let allowed = allowed_methods.as_ref().map(|(m, _)| m.as_slice());
            let problem = limits::cached_methods_problem(cached, allowed);
            if let Some(problem) = problem.filter(|_| fields.fits("cached_methods")) {
                self.error(*position, problem);
            }
        }
        let cache_policy = self.policy_field(&fields, PolicyKind::Cache);
        let origin_request_policy = self.policy_field(&fields, PolicyKind::OriginRequest);
        let response_headers_policy = self.policy_field(&fields, PolicyKind::ResponseHeaders);

        let position_of = |name: &str| fields.get(name).map_or(key_position, |n| n.position);
        if forward_headers.is_some() && matches!(cache_policy, Managed::Set(_)) {
            self.error_with_help(
                position_of("forward_headers"),
                "`forward_headers` is the legacy ForwardedValues whitelist, which CloudFront rejects on a behavior with a cache policy".into(),
                Some("forward headers through `origin_request_policy` instead (e.g. Managed-CORS-S3Origin)".into()),
            );
        }
        if cache_policy == Managed::Detach && forward_headers.is_none() {
            self.error_with_help(
                position_of("cache_policy"),
                "`cache_policy: null` moves the behavior back to legacy settings, which need `forward_headers`".into(),
                Some("list the headers to forward, e.g. `forward_headers: [Origin]`".into()),
            );
        }
        if cache_policy == Managed::Detach && matches!(origin_request_policy, Managed::Set(_)) {
            self.error(
                position_of("origin_request_policy"),
                "an origin request policy needs a cache policy on the same behavior, but `cache_policy` is null",
            );
        }
        Some(BehaviorSpec {
            path,
            forward_headers: forward_headers.map(|(h, _)| h),
            allowed_methods: allowed_methods.map(|(m, _)| m),
            cached_methods: cached_methods.map(|(m, _)| m),
            cache_policy,
            origin_request_policy,
            response_headers_policy,
            location: self.at(key_position),
            restore_legacy: None,
        })
    }

    /// An optional list field of a behavior; null is refused, since leaving the field out is how
    /// a manifest says "keep the live value".
    fn optional_list(
        &mut self,
        fields: &Fields<'_>,
        field: &str,
    ) -> Option<(Vec<(String, Position)>, Position)> {
        let node = fields.get(field)?;
        if node.value == NodeValue::Null {
            self.error_with_help(
                node.position,
                format!("`{field}` must be a list, found null"),
                Some(format!("leave `{field}` out to keep its live value")),
            );
            return None;
        }
        Some((self.string_list(node, field)?, node.position))
    }

    fn method_list(&mut self, fields: &Fields<'_>, field: &str) -> Option<(Vec<String>, Position)> {
        let (items, position) = self.optional_list(fields, field)?;
        Some((items.into_iter().map(|(m, _)| m).collect(), position))
    }

    /// A header whitelist: valid header names, at most CloudFront's quota.
    fn header_whitelist(
        &mut self,
        fields: &Fields<'_>,
        field: &str,
    ) -> Option<(Vec<String>, Position)> {
        let (items, position) = self.optional_list(fields, field)?;
        self.check_headers(&items);
        Some((items.into_iter().map(|(h, _)| h).collect(), position))
    }

    fn check_headers(&mut self, items: &[(String, Position)]) {
        for (header, position) in items {
            if let Some(problem) = limits::header_name_problem(header) {
                self.error(*position, problem);
            }
        }
    }

    fn policy_field(&mut self, fields: &Fields<'_>, kind: PolicyKind) -> Managed<String> {
        let field = kind.field();
        let Some(node) = fields.get(field) else {
            return Managed::Unmanaged;
        };
        match &node.value {
            NodeValue::Null => Managed::Detach,
            NodeValue::String(reference) => {
                // A `Managed-` name outside cors-sync's table is lint CS104: plan resolves it
                // from AWS's own list of managed policies.
                Managed::Set(reference.clone())
            }
            _ => {
                self.wrong_type(node, field, "a policy name or ID, or null");
                Managed::Unmanaged
            }
        }
    }

    fn policy_name(&mut self, fields: &Fields<'_>) -> Option<String> {
        let node = fields.get("name")?;
        let name = self.string(node, "name")?;
        if let Some(problem) = limits::policy_name_problem(&name) {
            self.error(node.position, problem);
        }
        Some(name)
    }

    pub(super) fn origin_request_policy(
        &mut self,
        node: &Node,
    ) -> Option<Declared<OriginRequestPolicySpec>> {
        let what = "an origin request policy";
        let fields = self.fields(node, what, &schema::ORIGIN_REQUEST_POLICY)?;
        let name = self.policy_name(&fields);
        let headers_node = fields.get("headers")?;
        let headers = self.string_list(headers_node, "headers")?;
        self.check_headers(&headers);
        let policy = OriginRequestPolicySpec {
            name: name?,
            headers: headers.into_iter().map(|(h, _)| h).collect(),
        };
        Some(Declared::at(
            policy,
            self.at(fields.position),
            self.account_ref(&fields),
        ))
    }

    pub(super) fn response_headers_policy(
        &mut self,
        node: &Node,
    ) -> Option<Declared<ResponseHeadersPolicySpec>> {
        let what = "a response headers policy";
        let fields = self.fields(node, what, &schema::RESPONSE_HEADERS_POLICY)?;
        let name = self.policy_name(&fields);
        let cors_node = fields.get("cors")?;
        let cors = self.cors_policy(cors_node);
        let policy = ResponseHeadersPolicySpec {
            name: name?,
            cors: cors?,
        };
        Some(Declared::at(
            policy,
            self.at(fields.position),
            self.account_ref(&fields),
        ))
    }

    fn cors_policy(&mut self, node: &Node) -> Option<CorsPolicy> {
        let what = "a CORS configuration";
        let fields = self.fields(node, what, &schema::CORS_POLICY)?;
        let origins = self.required_list(&fields, "allow_origins");
        let methods = self.required_list(&fields, "allow_methods");
        let headers = self.optional_list(&fields, "allow_headers").map(|(h, _)| h);
        let expose = self
            .optional_list(&fields, "expose_headers")
            .map(|(h, _)| h);
        for (origin, position) in origins.iter().flatten() {
            if let Some(problem) = limits::response_headers_origin_problem(origin) {
                self.error(*position, problem);
            }
        }
        let credentials = fields
            .get("allow_credentials")
            .and_then(|n| self.boolean(n, "allow_credentials"));
        // CloudFront refuses it: InvalidRequest, "The parameter Access-Control-Allow-Headers
        // cannot contain * when allowCredentials is true".
        if credentials == Some(true) {
            if let Some((_, position)) = headers.iter().flatten().find(|(h, _)| h == "*") {
                self.error_with_help(
                    *position,
                    "`allow_headers` cannot contain `*` when `allow_credentials` is true: CloudFront refuses it".into(),
                    Some("list the headers, or set `allow_credentials: false`".into()),
                );
            }
        }
        let origin_override = fields
            .get("origin_override")
            .and_then(|n| self.boolean(n, "origin_override"));
        let max_age_seconds = match fields.get("max_age_seconds") {
            None => Some(None),
            Some(n) => match n.value {
                // Out of range was reported with the configuration's fields.
                NodeValue::Integer(seconds) => i32::try_from(seconds).ok().map(Some),
                _ => {
                    self.wrong_type(n, "max_age_seconds", "a whole number of seconds");
                    None
                }
            },
        };
        let strings = |list: Vec<(String, Position)>| list.into_iter().map(|(s, _)| s).collect();
        Some(CorsPolicy {
            allow_origins: strings(origins?),
            allow_methods: strings(methods?),
            allow_headers: headers.map(strings).unwrap_or_default(),
            expose_headers: expose.map(strings).unwrap_or_default(),
            allow_credentials: credentials?,
            max_age_seconds: max_age_seconds?,
            origin_override: origin_override?,
        })
    }
}
