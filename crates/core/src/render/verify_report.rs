//! What `verify` prints: for each resource, every probe's predicted and observed verdict and
//! status, mismatches first, and the headers that differ.

/// One probe: what the evaluator predicted and what the endpoint answered.
pub struct ProbeRow {
    pub description: String,
    /// Whether the browser would allow the request, and the status.
    pub predicted: (bool, u16),
    pub observed: (bool, u16),
    pub differences: Vec<String>,
}

impl ProbeRow {
    fn verdicts_agree(&self) -> bool {
        self.predicted.0 == self.observed.0
    }
}

/// Counts over every resource probed; each resource's table is rendered as it is recorded.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub probes: usize,
    pub verdicts: usize,
    pub headers: usize,
}

impl Tally {
    /// Counts one resource's probes and returns its table.
    pub fn record(&mut self, subject: &str, rows: Vec<ProbeRow>) -> String {
        let verdicts = rows.iter().filter(|r| !r.verdicts_agree()).count();
        let headers = rows
            .iter()
            .filter(|r| r.verdicts_agree() && !r.differences.is_empty())
            .count();
        self.probes += rows.len();
        self.verdicts += verdicts;
        self.headers += headers;
        table(subject, rows, verdicts, headers)
    }
}

fn table(subject: &str, mut rows: Vec<ProbeRow>, verdicts: usize, headers: usize) -> String {
    // Mismatches first: verdicts, then headers, then agreement.
    rows.sort_by_key(|r| (r.verdicts_agree(), r.differences.is_empty()));
    let word = |allowed: bool| if allowed { "allowed" } else { "denied" };
    let mut out = format!(
        "\n{subject}: {} probes, {verdicts} verdict mismatch{}, {headers} header mismatch{}\n",
        rows.len(),
        if verdicts == 1 { "" } else { "es" },
        if headers == 1 { "" } else { "es" }
    );
    for row in rows {
        let mark = if !row.verdicts_agree() {
            "VERDICT"
        } else if !row.differences.is_empty() {
            "HEADERS"
        } else {
            "ok"
        };
        out.push_str(&format!(
            "  {mark:7} {}: predicted {} ({}), endpoint {} ({})\n",
            row.description,
            word(row.predicted.0),
            row.predicted.1,
            word(row.observed.0),
            row.observed.1
        ));
        for difference in &row.differences {
            out.push_str(&format!("            {difference}\n"));
        }
    }
    out
}
