//! Bench-only: a stand-in for S3 and STS that answers an estate of many accounts fast enough
//! that `make bench` measures cors-sync, not the emulator (moto serves a few hundred answers a
//! second here). Not a test double: moto stays the emulator for correctness, and
//! `scripts/bench_estate.py` checks, before it measures anything, that cors-sync plans the same
//! against this stand-in as against moto for the same buckets.
//!
//! `bench_stand_in serve --accounts A --buckets B [--latency-ms L] [--max-age S]
//! [--throttle-rps R]` prints its port, then answers until stdin closes:
//! - STS (POST / with a form body): AssumeRole into account k's role hands out keys that name
//!   account k; GetCallerIdentity names the account of the keys that signed it.
//! - S3 ListBuckets (GET /): the signing account's buckets, paged by `max-buckets` and a
//!   continuation token, each with its `BucketRegion`, as AWS answers.
//! - S3 GetBucketCors (GET /<bucket>?cors): one canned rule (`max_age_seconds` = --max-age);
//!   HeadBucket names the region. PutBucketCors is answered 200 and changes nothing (the bench
//!   times `apply`'s re-reads, backups and writes, not what they leave).
//! - every answer waits --latency-ms first (a real round trip); above --throttle-rps S3 requests
//!   a second, S3 answers 503 SlowDown as it does when pressed.
//! - `GET /__stand_in/counts` (no latency, not counted): requests by operation and account, the
//!   connections accepted, and when the first request arrived and the last answer was sent
//!   (Unix seconds), since the last time it was asked.
//!
//! `bench_stand_in ceiling --port P --concurrency C --requests N --accounts A --buckets B`: the
//! stand-in's own ceiling, N bare unsigned GETs of `/<bucket>?cors` over C kept-alive
//! connections; prints the seconds they took.
//!
//! Bucket `estate-KKK-IIIII` is bucket I of account K, whose id is `3` followed by K in 11
//! digits (`scripts/bench_estate.py` writes manifests by the same rule).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const REGION: &str = "us-east-1";
/// The account base credentials (any keys not handed out by AssumeRole) act in.
const BASE_ACCOUNT: &str = "123456789012";
/// Keys AssumeRole hands out: this prefix, then the account id.
const ASSUMED_KEY_PREFIX: &str = "ASIA";

fn account_id(k: usize) -> String {
    format!("3{k:011}")
}

fn bucket_name(k: usize, i: usize) -> String {
    format!("estate-{k:03}-{i:05}")
}

/// The account index and bucket index a bucket name stands for, if it is one of the estate's.
fn parse_bucket(name: &str) -> Option<(usize, usize)> {
    let rest = name.strip_prefix("estate-")?;
    let (k, i) = rest.split_once('-')?;
    Some((k.parse().ok()?, i.parse().ok()?))
}

struct Args(BTreeMap<String, String>);

impl Args {
    fn parse(args: impl Iterator<Item = String>) -> Args {
        let mut map = BTreeMap::new();
        let mut args = args.peekable();
        while let Some(flag) = args.next() {
            if let Some(name) = flag.strip_prefix("--") {
                map.insert(name.to_string(), args.next().unwrap_or_default());
            }
        }
        Args(map)
    }

    fn number(&self, name: &str, default: u64) -> u64 {
        match self.0.get(name) {
            Some(value) => value.parse().unwrap_or_else(|_| {
                eprintln!("bench_stand_in: --{name} takes a number, not {value:?}");
                std::process::exit(2)
            }),
            None => default,
        }
    }
}

struct Estate {
    accounts: usize,
    buckets: usize,
    latency: Duration,
    max_age: u64,
    /// S3 requests allowed a second before SlowDown; 0: unlimited.
    throttle_rps: u64,
    /// The second the throttle is counting, and how many S3 requests it let through in it.
    throttle_window: AtomicU64,
    throttle_count: AtomicU64,
    counts: Mutex<BTreeMap<(String, String), u64>>,
    connections: AtomicUsize,
    started: Instant,
    /// When the first request since the counts were last taken arrived, and when the last answer
    /// was sent: the bench compares them with when cors-sync started and ended.
    first_request: Mutex<Option<SystemTime>>,
    last_answer: Mutex<Option<SystemTime>>,
}

impl Estate {
    fn count(&self, operation: &str, account: &str) {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        *counts
            .entry((operation.to_string(), account.to_string()))
            .or_default() += 1;
    }

    /// Whether one more S3 request fits in this second's budget.
    fn admit(&self) -> bool {
        if self.throttle_rps == 0 {
            return true;
        }
        let second = self.started.elapsed().as_secs();
        if self.throttle_window.swap(second, Ordering::Relaxed) != second {
            self.throttle_count.store(0, Ordering::Relaxed);
        }
        self.throttle_count.fetch_add(1, Ordering::Relaxed) < self.throttle_rps
    }

    fn request_arrived(&self) {
        let mut first = self.first_request.lock().unwrap_or_else(|p| p.into_inner());
        first.get_or_insert_with(SystemTime::now);
    }

    fn answer_sent(&self) {
        *self.last_answer.lock().unwrap_or_else(|p| p.into_inner()) = Some(SystemTime::now());
    }

    fn take_counts(&self) -> String {
        let counts = std::mem::take(&mut *self.counts.lock().unwrap_or_else(|p| p.into_inner()));
        let mut by_operation: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for ((operation, account), n) in counts {
            by_operation
                .entry(operation)
                .or_default()
                .insert(account, n);
        }
        let operations: Vec<String> = by_operation
            .iter()
            .map(|(operation, accounts)| {
                let accounts: Vec<String> = accounts
                    .iter()
                    .map(|(account, n)| format!("\"{account}\":{n}"))
                    .collect();
                format!("\"{operation}\":{{{}}}", accounts.join(","))
            })
            .collect();
        let connections = self.connections.swap(0, Ordering::Relaxed);
        let unix = |at: &Mutex<Option<SystemTime>>| {
            at.lock()
                .unwrap_or_else(|p| p.into_inner())
                .take()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or("null".to_string(), |d| format!("{:.6}", d.as_secs_f64()))
        };
        format!(
            "{{\"connections\":{connections},\"first_request_unix\":{},\"last_answer_unix\":{},\"requests\":{{{}}}}}",
            unix(&self.first_request),
            unix(&self.last_answer),
            operations.join(",")
        )
    }
}

struct Request {
    method: String,
    target: String,
    authorization: Option<String>,
    body: Vec<u8>,
    close: bool,
}

struct Answer {
    status: &'static str,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Answer {
    fn xml(body: String) -> Answer {
        Answer {
            status: "200 OK",
            headers: vec![("Content-Type", "application/xml".to_string())],
            body,
        }
    }

    fn error(status: &'static str, code: &str, message: &str) -> Answer {
        Answer {
            status,
            headers: vec![("Content-Type", "application/xml".to_string())],
            body: format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
                 <Message>{message}</Message><RequestId>standin</RequestId></Error>"
            ),
        }
    }
}

/// Reads more of a connection onto `buffer`; false when the peer has closed it.
async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> std::io::Result<bool> {
    buffer.reserve(16 * 1024);
    Ok(stream.read_buf(buffer).await? > 0)
}

/// Takes a message of `head` bytes and a `length`-byte body off the front of `buffer`, reading
/// the rest of the body first; returns the body.
async fn take_message(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    head: usize,
    length: usize,
) -> std::io::Result<Vec<u8>> {
    while buffer.len() < head + length {
        if !fill(stream, buffer).await? {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
    }
    let body = buffer[head..head + length].to_vec();
    buffer.drain(..head + length);
    Ok(body)
}

/// The value of header `name`, trimmed.
fn header(headers: &[httparse::Header<'_>], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| String::from_utf8_lossy(h.value).trim().to_string())
}

fn content_length(headers: &[httparse::Header<'_>]) -> usize {
    header(headers, "Content-Length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The next request on a kept-alive connection (`buffer` holds what was read past the last
/// one); `None` when the client closed it before a whole head.
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> std::io::Result<Option<Request>> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Request::new(&mut headers);
        if let httparse::Status::Complete(head) =
            parsed.parse(buffer).map_err(std::io::Error::other)?
        {
            let request = Request {
                method: parsed.method.unwrap_or_default().to_string(),
                target: parsed.path.unwrap_or_default().to_string(),
                authorization: header(parsed.headers, "Authorization"),
                body: Vec::new(),
                close: header(parsed.headers, "Connection")
                    .is_some_and(|v| v.eq_ignore_ascii_case("close")),
            };
            let length = content_length(parsed.headers);
            let body = take_message(stream, buffer, head, length).await?;
            return Ok(Some(Request { body, ..request }));
        }
        if !fill(stream, buffer).await? {
            return Ok(None);
        }
    }
}

/// Reads one answer off a kept-alive connection: its status code and reason.
async fn read_answer(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> std::io::Result<(u16, String)> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Response::new(&mut headers);
        if let httparse::Status::Complete(head) =
            parsed.parse(buffer).map_err(std::io::Error::other)?
        {
            let status = (
                parsed.code.unwrap_or_default(),
                parsed.reason.unwrap_or_default().to_string(),
            );
            let length = content_length(parsed.headers);
            take_message(stream, buffer, head, length).await?;
            return Ok(status);
        }
        if !fill(stream, buffer).await? {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
    }
}

/// The account whose keys signed the request: AssumeRole's keys name it, any others are the base.
fn signer(request: &Request) -> String {
    request
        .authorization
        .as_deref()
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split('/').next())
        .and_then(|key| key.strip_prefix(ASSUMED_KEY_PREFIX))
        .map_or_else(|| BASE_ACCOUNT.to_string(), str::to_string)
}

fn form_value(body: &str, name: &str) -> Option<String> {
    body.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| percent_decode(value))
    })
}

fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => out.push(b),
                    Err(_) => out.extend_from_slice(&bytes[i..i + 3]),
                }
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_value(query: &str, name: &str) -> Option<String> {
    form_value(query, name)
}

fn sts(estate: &Estate, request: &Request) -> (String, Answer) {
    let body = String::from_utf8_lossy(&request.body);
    let action = form_value(&body, "Action").unwrap_or_default();
    let caller = signer(request);
    let meta = "<ResponseMetadata><RequestId>standin</RequestId></ResponseMetadata>";
    let ns = "https://sts.amazonaws.com/doc/2011-06-15/";
    match action.as_str() {
        "AssumeRole" => {
            let arn = form_value(&body, "RoleArn").unwrap_or_default();
            let session = form_value(&body, "RoleSessionName").unwrap_or_default();
            let Some(account) = arn
                .strip_prefix("arn:aws:iam::")
                .and_then(|rest| rest.split(':').next())
                .filter(|id| (0..estate.accounts).any(|k| account_id(k) == *id))
            else {
                return (
                    caller,
                    Answer::error(
                        "403 Forbidden",
                        "AccessDenied",
                        &format!("no such role {arn}"),
                    ),
                );
            };
            let answer = format!(
                "<AssumeRoleResponse xmlns=\"{ns}\"><AssumeRoleResult><Credentials>\
                 <AccessKeyId>{ASSUMED_KEY_PREFIX}{account}</AccessKeyId>\
                 <SecretAccessKey>standin</SecretAccessKey><SessionToken>standin</SessionToken>\
                 <Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser>\
                 <AssumedRoleId>AROASTANDIN:{session}</AssumedRoleId>\
                 <Arn>arn:aws:sts::{account}:assumed-role/cors-sync/{session}</Arn>\
                 </AssumedRoleUser></AssumeRoleResult>{meta}</AssumeRoleResponse>"
            );
            (account.to_string(), Answer::xml(answer))
        }
        "GetCallerIdentity" => {
            let answer = format!(
                "<GetCallerIdentityResponse xmlns=\"{ns}\"><GetCallerIdentityResult>\
                 <Arn>arn:aws:sts::{caller}:assumed-role/cors-sync/standin</Arn>\
                 <UserId>AROASTANDIN:standin</UserId><Account>{caller}</Account>\
                 </GetCallerIdentityResult>{meta}</GetCallerIdentityResponse>"
            );
            (caller, Answer::xml(answer))
        }
        other => (
            caller,
            Answer::error(
                "400 Bad Request",
                "InvalidAction",
                &format!("the stand-in does not answer {other}"),
            ),
        ),
    }
}

fn list_buckets(estate: &Estate, account: &str, query: &str) -> Answer {
    let k = (0..estate.accounts).find(|k| account_id(*k) == account);
    let total = if k.is_some() { estate.buckets } else { 0 };
    let page = query_value(query, "max-buckets")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(10_000)
        .clamp(1, 10_000);
    let from = query_value(query, "continuation-token")
        .and_then(|t| t.parse::<usize>().ok())
        .unwrap_or(0);
    let to = (from + page).min(total);
    let mut body = String::with_capacity(120 * (to - from.min(to)) + 400);
    body.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult \
         xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>standin</ID></Owner><Buckets>",
    );
    if let Some(k) = k {
        for i in from..to {
            body.push_str(&format!(
                "<Bucket><Name>{}</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate>\
                 <BucketRegion>{REGION}</BucketRegion></Bucket>",
                bucket_name(k, i)
            ));
        }
    }
    body.push_str("</Buckets>");
    if to < total {
        body.push_str(&format!("<ContinuationToken>{to}</ContinuationToken>"));
    }
    body.push_str("</ListAllMyBucketsResult>");
    Answer::xml(body)
}

fn cors(estate: &Estate, bucket: &str) -> Answer {
    let known =
        parse_bucket(bucket).is_some_and(|(k, i)| k < estate.accounts && i < estate.buckets);
    if !known {
        return Answer::error(
            "404 Not Found",
            "NoSuchBucket",
            "The specified bucket does not exist",
        );
    }
    Answer::xml(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CORSConfiguration \
         xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><CORSRule>\
         <AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>\
         <AllowedOrigin>https://www.example.com</AllowedOrigin>\
         <MaxAgeSeconds>{}</MaxAgeSeconds></CORSRule></CORSConfiguration>",
        estate.max_age
    ))
}

/// The operation a request is, the account it is counted under, and the answer.
fn answer(estate: &Estate, request: &Request) -> (String, String, Answer) {
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    let bucket = path.trim_matches('/');
    let account = signer(request);
    if request.method == "POST" && bucket.is_empty() {
        let action = form_value(&String::from_utf8_lossy(&request.body), "Action")
            .unwrap_or_else(|| "STS".into());
        let (account, answer) = sts(estate, request);
        return (action, account, answer);
    }
    let operation = match (request.method.as_str(), bucket.is_empty()) {
        ("GET", true) => "ListBuckets",
        ("HEAD", false) => "HeadBucket",
        ("GET", false) if query.split('&').any(|q| q == "cors" || q == "cors=") => "GetBucketCors",
        ("PUT", false) if query.split('&').any(|q| q == "cors" || q == "cors=") => "PutBucketCors",
        _ => "Other",
    };
    if !estate.admit() {
        return (
            "SlowDown".into(),
            account,
            Answer::error(
                "503 Slow Down",
                "SlowDown",
                "Please reduce your request rate.",
            ),
        );
    }
    let answer = match operation {
        "ListBuckets" => list_buckets(estate, &account, query),
        "GetBucketCors" => cors(estate, bucket),
        // Accepted and forgotten: the canned rule stays what GetBucketCors answers, so an
        // apply's re-read before each write finds the state its plan was made from.
        "PutBucketCors" => Answer {
            status: "200 OK",
            headers: Vec::new(),
            body: String::new(),
        },
        "HeadBucket" => Answer {
            status: "200 OK",
            headers: vec![("x-amz-bucket-region", REGION.to_string())],
            body: String::new(),
        },
        _ => Answer::error(
            "501 Not Implemented",
            "NotImplemented",
            &format!(
                "the stand-in does not answer {} {}",
                request.method, request.target
            ),
        ),
    };
    (operation.to_string(), account, answer)
}

async fn serve_connection(estate: Arc<Estate>, mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer = Vec::new();
    while let Some(request) = read_request(&mut stream, &mut buffer).await? {
        let reply = if request.target.starts_with("/__stand_in/counts") {
            Answer {
                status: "200 OK",
                headers: vec![("Content-Type", "application/json".to_string())],
                body: estate.take_counts(),
            }
        } else {
            estate.request_arrived();
            let (operation, account, reply) = answer(&estate, &request);
            estate.count(&operation, &account);
            tokio::time::sleep(estate.latency).await;
            reply
        };
        let mut head = format!(
            "HTTP/1.1 {}\r\nContent-Length: {}\r\nx-amz-request-id: standin\r\n",
            reply.status,
            reply.body.len()
        );
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        if request.method == "HEAD" {
            stream.write_all(head.as_bytes()).await?;
        } else {
            stream
                .write_all(&[head.as_bytes(), reply.body.as_bytes()].concat())
                .await?;
        }
        if !request.target.starts_with("/__stand_in/counts") {
            estate.answer_sent();
        }
        if request.close {
            break;
        }
    }
    Ok(())
}

async fn serve(args: Args) -> std::io::Result<()> {
    let estate = Arc::new(Estate {
        accounts: args.number("accounts", 1) as usize,
        buckets: args.number("buckets", 1000) as usize,
        latency: Duration::from_millis(args.number("latency-ms", 0)),
        max_age: args.number("max-age", 600),
        throttle_rps: args.number("throttle-rps", 0),
        throttle_window: AtomicU64::new(0),
        throttle_count: AtomicU64::new(0),
        counts: Mutex::new(BTreeMap::new()),
        connections: AtomicUsize::new(0),
        started: Instant::now(),
        first_request: Mutex::new(None),
        last_answer: Mutex::new(None),
    });
    let listener = TcpListener::bind(("127.0.0.1", args.number("port", 0) as u16)).await?;
    println!("{}", listener.local_addr()?.port());
    // The bench owns this process: it ends when the bench closes its stdin (or dies).
    std::thread::spawn(|| {
        let mut sink = [0u8; 64];
        while matches!(std::io::Read::read(&mut std::io::stdin(), &mut sink), Ok(n) if n > 0) {}
        std::process::exit(0);
    });
    loop {
        let (stream, _) = listener.accept().await?;
        estate.connections.fetch_add(1, Ordering::Relaxed);
        let estate = estate.clone();
        tokio::spawn(async move {
            // A client hanging up mid-request is its business, not the bench's.
            let _ = serve_connection(estate, stream).await;
        });
    }
}

async fn ceiling(args: Args) -> std::io::Result<()> {
    let port = args.number("port", 0) as u16;
    let concurrency = args.number("concurrency", 64) as usize;
    let requests = args.number("requests", 1000) as usize;
    let accounts = args.number("accounts", 1) as usize;
    let buckets = args.number("buckets", 1000) as usize;
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let next = next.clone();
        workers.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
            stream.set_nodelay(true)?;
            let mut buffer = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= requests {
                    return Ok::<_, std::io::Error>(());
                }
                let name = bucket_name((n / buckets) % accounts.max(1), n % buckets.max(1));
                let request = format!("GET /{name}?cors HTTP/1.1\r\nHost: standin\r\n\r\n");
                stream.write_all(request.as_bytes()).await?;
                let (code, reason) = read_answer(&mut stream, &mut buffer).await?;
                if code != 200 {
                    let failed = format!("GET /{name}?cors: {code} {reason}");
                    return Err(std::io::Error::other(failed));
                }
            }
        }));
    }
    for worker in workers {
        worker.await.map_err(std::io::Error::other)??;
    }
    println!("{:.4}", started.elapsed().as_secs_f64());
    Ok(())
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    let args = Args::parse(args);
    // One thread: the stand-in must not take the cores cors-sync is measured on; waiting out
    // latency costs nothing, and each answer is a few microseconds of formatting.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match mode.as_str() {
        "serve" => runtime.block_on(serve(args)),
        "ceiling" => runtime.block_on(ceiling(args)),
        _ => {
            eprintln!("usage: bench_stand_in serve|ceiling --flag value ...");
            std::process::exit(2)
        }
    }
}
