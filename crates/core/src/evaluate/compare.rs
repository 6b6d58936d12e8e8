//! Comparing what an endpoint answered with what the evaluator predicts, header by header.

use std::collections::BTreeSet;

use super::Response;

/// The CORS headers compared, and whether their values are lists whose order does not matter.
const COMPARED: [(&str, bool); 7] = [
    ("Access-Control-Allow-Origin", false),
    ("Access-Control-Allow-Credentials", false),
    ("Access-Control-Allow-Methods", true),
    ("Access-Control-Allow-Headers", true),
    ("Access-Control-Max-Age", false),
    ("Access-Control-Expose-Headers", true),
    ("Vary", true),
];

fn as_set(value: &str) -> BTreeSet<String> {
    value
        .split(',')
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Each way the observed answer differs from the predicted one; empty when they agree.
pub fn differences(predicted: &Response, observed: &Response) -> Vec<String> {
    let mut found = Vec::new();
    // Statuses are compared by class: a CORS refusal is a 4xx whatever the exact code.
    if predicted.status / 100 != observed.status / 100 {
        found.push(format!(
            "status: predicted {}, endpoint {}",
            predicted.status, observed.status
        ));
    }
    for (name, list) in COMPARED {
        let (p, o) = (predicted.header(name), observed.header(name));
        let same = match (p, o) {
            (Some(p), Some(o)) if list => as_set(p) == as_set(o),
            (Some(p), Some(o)) => p == o,
            (None, None) => true,
            _ => false,
        };
        if !same {
            let show =
                |v: Option<&str>| v.map_or_else(|| "absent".to_string(), |v| format!("`{v}`"));
            found.push(format!(
                "{name}: predicted {}, endpoint {}",
                show(p),
                show(o)
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)]) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn lists_compare_as_sets_and_names_case_insensitively() {
        let predicted = response(
            200,
            &[
                ("Access-Control-Allow-Methods", "GET, PUT"),
                (
                    "Vary",
                    "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
                ),
            ],
        );
        let observed = response(
            200,
            &[
                ("access-control-allow-methods", "PUT,GET"),
                (
                    "vary",
                    "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
                ),
            ],
        );
        assert_eq!(differences(&predicted, &observed), Vec::<String>::new());
        let star = response(200, &[("Access-Control-Allow-Origin", "*")]);
        let echo = response(
            200,
            &[
                ("Access-Control-Allow-Origin", "https://a"),
                ("Access-Control-Allow-Credentials", "true"),
            ],
        );
        assert_eq!(
            differences(&echo, &star),
            [
                "Access-Control-Allow-Origin: predicted `https://a`, endpoint `*`",
                "Access-Control-Allow-Credentials: predicted `true`, endpoint absent"
            ]
        );
        assert_eq!(
            differences(&response(403, &[]), &response(400, &[])),
            Vec::<String>::new()
        );
        assert_eq!(
            differences(&response(403, &[]), &response(200, &[])),
            ["status: predicted 403, endpoint 200"]
        );
    }
}
