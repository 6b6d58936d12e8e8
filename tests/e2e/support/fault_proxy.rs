//! A loopback HTTP proxy in front of the emulator that fails chosen requests, for testing what
//! cors-sync does when AWS misbehaves. Each connection carries one request: the emulator closes
//! every connection after its answer (`Connection: close`), and so does this proxy.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::http;

/// What the proxy does instead of forwarding a matching request.
#[derive(Clone, Debug)]
pub enum FaultKind {
    /// An S3-style XML error answer.
    Error {
        status: u16,
        code: &'static str,
        message: &'static str,
    },
    /// Close the connection without answering.
    Reset,
    /// Hold the connection open without answering, then close it.
    Stall(Duration),
    /// Forward the request, then pass the answer on with its body cut right after the first
    /// occurrence of this text and a Content-Length that agrees: a truncating middlebox whose
    /// framing still looks whole.
    TruncateAfter(&'static str),
    /// Forward the request, then pass the answer on with the first occurrence of the first text
    /// in its body replaced by the second, and a Content-Length that agrees: a corrupting
    /// middlebox.
    Replace(&'static str, &'static str),
    /// Answer with this status and an HTML page, as a captive portal or a proxy would.
    Page(u16),
    /// Answer 200 with this XML document: an API the emulator does not implement, answered as
    /// AWS would.
    Xml(&'static str),
    /// Forward the request, let the emulator act on it, then close the connection without
    /// passing the answer on: a write whose answer was lost.
    ForwardThenDrop,
    /// Run this (another client changing live state, say) when the request arrives, then forward
    /// the request: the race a real user meets between cors-sync's plan and its write.
    Before(Hook),
    /// Forward the request through this gate, which counts how many are in flight at once.
    Counted(InFlight),
}

/// Something the proxy runs when a request arrives.
#[derive(Clone)]
pub struct Hook(pub Arc<dyn Fn() + Send + Sync>);

impl std::fmt::Debug for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hook")
    }
}

/// Counts matching requests in flight at once, each from its arrival at the proxy until its
/// answer is about to be passed back, and holds each at the proxy until `budget` of them are in flight
/// together (or every one `expected` has arrived, for the last few): a client that keeps
/// `budget` requests going is seen doing so with no assumption about timing, and one that sends
/// more is seen exceeding it. A gate that waits `GIVE_UP` without opening lets its requests go
/// and records it (`never_reached`), and holds none after it, so a client that never reaches the
/// budget fails the test instead of hanging it.
#[derive(Clone)]
pub struct InFlight {
    budget: usize,
    expected: usize,
    counts: Arc<(Mutex<Counts>, Condvar)>,
}

impl std::fmt::Debug for InFlight {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "InFlight({} of {})", self.budget, self.expected)
    }
}

#[derive(Default)]
struct Counts {
    now: usize,
    most: usize,
    arrived: usize,
    /// How many times the gate has opened: a request waits for the next opening after its
    /// arrival, so one released is never held again by later comings and goings.
    openings: usize,
    never_reached: bool,
}

/// Generous: the client sends its next request as soon as one returns, so the gate opens in
/// milliseconds unless the client is wrong; this only turns a hang into a failure.
const GIVE_UP: Duration = Duration::from_secs(60);

impl InFlight {
    /// A gate for `expected` matching requests that a client should send `budget` at a time.
    pub fn gate(budget: usize, expected: usize) -> InFlight {
        InFlight {
            budget,
            expected,
            counts: Arc::default(),
        }
    }

    /// Counts a request in, waits for the gate, and returns what counts it out when dropped.
    fn enter(&self) -> Entered<'_> {
        let (lock, opened) = &*self.counts;
        let mut counts = lock.lock().unwrap();
        counts.now += 1;
        counts.arrived += 1;
        counts.most = counts.most.max(counts.now);
        if counts.now >= self.budget || counts.arrived >= self.expected || counts.never_reached {
            counts.openings += 1;
            opened.notify_all();
        } else {
            let ticket = counts.openings;
            let (mut counts, waited) = opened
                .wait_timeout_while(counts, GIVE_UP, |c| c.openings == ticket)
                .unwrap();
            if waited.timed_out() {
                counts.never_reached = true;
            }
        }
        Entered(self)
    }

    /// The most that were in flight at once.
    pub fn most(&self) -> usize {
        self.counts.0.lock().unwrap().most
    }

    /// Whether a request waited `GIVE_UP` for the budget to be in flight together.
    pub fn never_reached(&self) -> bool {
        self.counts.0.lock().unwrap().never_reached
    }
}

struct Entered<'a>(&'a InFlight);

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        self.0.counts.0.lock().unwrap().now -= 1;
    }
}

#[derive(Clone, Debug)]
pub struct Fault {
    pub method: &'static str,
    /// Matched against the request target (path and query), e.g. `/bucket/?cors`.
    pub target_contains: String,
    pub kind: FaultKind,
    /// How many matching requests to fail; `None` fails every one.
    pub times: Option<usize>,
    /// Headers added to an error answer (a `Date`, say).
    pub headers: Vec<(String, String)>,
    /// Match the whole target, not a part of it (GetDistribution, not GetDistributionConfig).
    pub exact: bool,
}

impl Fault {
    /// S3's answer when pressed too hard: 503 SlowDown, which the SDK retries as throttling.
    pub fn slow_down(method: &'static str, target: &str) -> Self {
        Fault::error(
            method,
            target,
            503,
            "SlowDown",
            "Please reduce your request rate.",
        )
    }

    pub fn error(
        method: &'static str,
        target: &str,
        status: u16,
        code: &'static str,
        message: &'static str,
    ) -> Self {
        Fault {
            method,
            target_contains: target.to_string(),
            kind: FaultKind::Error {
                status,
                code,
                message,
            },
            times: None,
            headers: Vec::new(),
            exact: false,
        }
    }

    pub fn exact(mut self) -> Self {
        self.exact = true;
        self
    }

    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn kind(method: &'static str, target: &str, kind: FaultKind) -> Self {
        Fault {
            method,
            target_contains: target.to_string(),
            kind,
            times: None,
            headers: Vec::new(),
            exact: false,
        }
    }
}

#[derive(Default)]
struct State {
    faults: Vec<Fault>,
    /// Every request seen, as `METHOD TARGET`, whether it was failed, and its whole head.
    requests: Vec<(String, bool, String)>,
    /// The `Action` of every STS (query protocol) request seen, in order.
    sts_actions: Vec<String>,
    /// Every request forwarded untouched whose whole answer has been passed back, as
    /// `METHOD TARGET`.
    answered: Vec<String>,
}

pub struct FaultProxy {
    pub endpoint: String,
    state: Arc<Mutex<State>>,
}

impl FaultProxy {
    pub fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fault proxy");
        let endpoint = format!("http://{}", listener.local_addr().expect("proxy address"));
        let upstream = upstream.trim_start_matches("http://").to_string();
        let state: Arc<Mutex<State>> = Arc::default();
        let shared = state.clone();
        std::thread::spawn(move || {
            for connection in listener.incoming().flatten() {
                let upstream = upstream.clone();
                let state = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve(connection, &upstream, &state);
                });
            }
        });
        FaultProxy { endpoint, state }
    }

    pub fn fail(&self, fault: Fault) {
        self.state.lock().unwrap().faults.push(fault);
    }

    pub fn clear(&self) {
        self.state.lock().unwrap().faults.clear();
    }

    /// Requests the proxy failed instead of forwarding.
    pub fn failed_requests(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|(_, failed, _)| *failed)
            .map(|(r, _, _)| r.clone())
            .collect()
    }

    /// Every request seen whose line contains `pattern` (e.g. `PUT /bucket/?cors`).
    pub fn requests_matching(&self, pattern: &str) -> usize {
        self.heads_matching(pattern).len()
    }

    /// Every request forwarded untouched whose line contains `pattern` and whose whole answer the
    /// client has been given: what it does next, it does with that answer in hand.
    pub fn answers_matching(&self, pattern: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .answered
            .iter()
            .filter(|line| line.contains(pattern))
            .count()
    }

    /// The STS actions sent through the proxy (`AssumeRole`, `GetCallerIdentity`), in order.
    pub fn sts_actions(&self) -> Vec<String> {
        self.state.lock().unwrap().sts_actions.clone()
    }

    /// The heads (request line and headers) of every request whose line contains `pattern`,
    /// in the order they arrived.
    pub fn heads_matching(&self, pattern: &str) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|(r, _, _)| r.contains(pattern))
            .map(|(_, _, head)| head.clone())
            .collect()
    }
}

fn serve(mut client: TcpStream, upstream: &str, state: &Mutex<State>) -> std::io::Result<()> {
    let Some((head, request)) = http::read_request(&mut client)? else {
        return Ok(());
    };
    let (method, target) = (head.method.as_str(), head.target.as_str());
    // The whole request, body and all: STS's query protocol names its action in the body.
    let whole = String::from_utf8_lossy(&request);
    let line = format!("{method} {target}");
    let fault = {
        let mut state = state.lock().unwrap();
        let found = state.faults.iter_mut().find(|f| {
            let matched = if f.exact {
                target == f.target_contains
            } else {
                target.contains(&f.target_contains)
            };
            f.method == method && matched && f.times != Some(0)
        });
        let fault = found.map(|f| {
            if let Some(n) = f.times.as_mut() {
                *n -= 1;
            }
            (f.kind.clone(), f.headers.clone())
        });
        if let Some(action) = whole.split("Action=").nth(1) {
            let action = action.split('&').next().unwrap_or_default();
            state.sts_actions.push(action.to_string());
        }
        state
            .requests
            .push((line.clone(), fault.is_some(), head.text.clone()));
        fault
    };
    match fault {
        Some((
            FaultKind::Error {
                status,
                code,
                message,
            },
            headers,
        )) => {
            // In the protocol of the service asked: STS's query protocol wraps its error.
            let error = format!("<Error><Code>{code}</Code><Message>{message}</Message>");
            // STS's query protocol and CloudFront's REST-XML wrap their errors.
            let body = if whole.contains("Action=") || target.starts_with("/2020-05-31/") {
                format!("<ErrorResponse>{error}<Type>Sender</Type></Error><RequestId>fault-proxy</RequestId></ErrorResponse>")
            } else {
                format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{error}<RequestId>fault-proxy</RequestId></Error>")
            };
            let extra: String = headers
                .iter()
                .map(|(name, value)| format!("{name}: {value}\r\n"))
                .collect();
            let response = format!(
                "HTTP/1.1 {status} Injected\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
                body.len()
            );
            client.write_all(response.as_bytes())
        }
        Some((FaultKind::Reset, _)) => client.shutdown(Shutdown::Both),
        Some((FaultKind::Stall(duration), _)) => {
            std::thread::sleep(duration);
            client.shutdown(Shutdown::Both)
        }
        Some((FaultKind::Page(status), _)) => {
            let body = "<!DOCTYPE html><html><body>Sign in to the Wi-Fi to continue</body></html>";
            let response = format!(
                "HTTP/1.1 {status} OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            client.write_all(response.as_bytes())
        }
        Some((FaultKind::Xml(body), _)) => {
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            client.write_all(response.as_bytes())
        }
        Some((FaultKind::ForwardThenDrop, _)) => {
            let mut server = TcpStream::connect(upstream)?;
            server.write_all(&request)?;
            let mut answer = Vec::new();
            server.read_to_end(&mut answer)?;
            client.shutdown(Shutdown::Both)
        }
        Some((FaultKind::Before(Hook(hook)), _)) => {
            hook();
            let mut server = TcpStream::connect(upstream)?;
            server.write_all(&request)?;
            std::io::copy(&mut server, &mut client)?;
            Ok(())
        }
        Some((FaultKind::TruncateAfter(marker), _)) => {
            let mut server = TcpStream::connect(upstream)?;
            server.write_all(&request)?;
            let mut answer = Vec::new();
            server.read_to_end(&mut answer)?;
            client.write_all(&truncated(&answer, marker))
        }
        Some((FaultKind::Replace(from, to), _)) => {
            let mut server = TcpStream::connect(upstream)?;
            server.write_all(&request)?;
            let mut answer = Vec::new();
            server.read_to_end(&mut answer)?;
            client.write_all(&replaced(&answer, from, to))
        }
        Some((FaultKind::Counted(in_flight), _)) => {
            // Counted out before the client has a byte of the answer: a request the proxy counts
            // is always one the client still has in flight.
            let answer = {
                let _entered = in_flight.enter();
                let mut server = TcpStream::connect(upstream)?;
                server.write_all(&request)?;
                let mut answer = Vec::new();
                server.read_to_end(&mut answer)?;
                answer
            };
            client.write_all(&answer)
        }
        None => {
            let mut server = TcpStream::connect(upstream)?;
            server.write_all(&request)?;
            std::io::copy(&mut server, &mut client)?;
            client.flush()?;
            state.lock().unwrap().answered.push(line);
            Ok(())
        }
    }
}

/// `answer` (a whole HTTP/1.1 response, `Connection: close`) with its body ending right after
/// `marker`, and a head whose Content-Length matches the shorter body.
fn truncated(answer: &[u8], marker: &str) -> Vec<u8> {
    rewritten(answer, |body| {
        body.find(marker)
            .map_or(body, |at| &body[..at + marker.len()])
            .to_string()
    })
}

/// `answer` with the first `from` in its body replaced by `to`, and a head whose Content-Length
/// matches the new body.
fn replaced(answer: &[u8], from: &str, to: &str) -> Vec<u8> {
    rewritten(answer, |body| body.replacen(from, to, 1))
}

/// `answer` with its body rewritten by `rewrite` and its head framing the new body; an answer
/// with no whole head is passed on as it came.
fn rewritten(answer: &[u8], rewrite: impl Fn(&str) -> String) -> Vec<u8> {
    let Some(parsed) = http::parse_answer(answer) else {
        return answer.to_vec();
    };
    let body = rewrite(&String::from_utf8_lossy(parsed.body));
    let mut head = format!("HTTP/1.1 {} {}\r\n", parsed.status, parsed.reason);
    for (name, value) in &parsed.headers {
        let framing = name.eq_ignore_ascii_case("Content-Length")
            || name.eq_ignore_ascii_case("Transfer-Encoding");
        if !framing {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    format!("{head}Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}
