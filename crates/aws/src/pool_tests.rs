//! How many connections a run opens, against a loopback server that keeps connections alive as
//! AWS does (moto and the e2e fault proxy close each one after its answer, so they cannot tell).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use cors_sync_core::manifest::Account;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::live_state::read_cors;
use crate::{Aws, ConnectionOptions};

/// What the server saw: connections accepted and AssumeRole requests answered.
#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    assume_roles: AtomicUsize,
}

/// Answers STS AssumeRole (keys named after the role's account), GetCallerIdentity (the account
/// the signing keys name) and GetBucketCors, on kept-alive connections.
async fn keep_alive_server() -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    let counted = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(serve(stream, counted.clone()));
        }
    });
    (endpoint, seen)
}

async fn serve(stream: TcpStream, seen: Arc<Seen>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let (mut length, mut key) = (0, String::new());
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).await?;
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').unwrap_or_default();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap(),
                "authorization" => {
                    key = value
                        .split("Credential=")
                        .nth(1)
                        .and_then(|c| c.split('/').next())
                        .unwrap_or_default()
                        .to_string()
                }
                _ => {}
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await?;
        let body = String::from_utf8_lossy(&body);
        let caller = key.strip_prefix("ASIA").unwrap_or("123456789012");
        let answer = if body.contains("Action=AssumeRole") {
            seen.assume_roles.fetch_add(1, Ordering::SeqCst);
            let account = body.split("iam%3A%3A").nth(1).unwrap_or_default();
            let account = &account[..12];
            format!(
                "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA{account}\
                 </AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>\
                 <Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser>\
                 <AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::{account}:assumed-role/r/s\
                 </Arn></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>"
            )
        } else if body.contains("Action=GetCallerIdentity") {
            format!(
                "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>{caller}</Account>\
                 <Arn>arn:aws:sts::{caller}:assumed-role/r/s</Arn><UserId>u</UserId>\
                 </GetCallerIdentityResult></GetCallerIdentityResponse>"
            )
        } else {
            "<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod>\
             <AllowedOrigin>https://www.example.com</AllowedOrigin></CORSRule></CORSConfiguration>"
                .to_string()
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
            answer.len()
        );
        reader
            .get_mut()
            .write_all(format!("{head}{answer}").as_bytes())
            .await?;
    }
}

fn account(k: usize) -> Account {
    let id = format!("3{k:011}");
    Account {
        name: format!("a{k}"),
        role_arn: Some(format!("arn:aws:iam::{id}:role/cors-sync")),
        id: Some(id),
        provider: Default::default(),
        endpoint_url: None,
        external_id: None,
        session_name: None,
        profile: None,
        location: Default::default(),
    }
}

/// The base connection, as `connect` makes it, with keys of its own instead of the machine's
/// credential chain.
async fn base(endpoint: String) -> Aws {
    let base = Aws::connect(&ConnectionOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some(endpoint),
        parallelism: 4,
        ..ConnectionOptions::default()
    })
    .await;
    base.with_config(
        base.config
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "base", "secret", None, None, "test",
            )))
            .build(),
    )
}

#[tokio::test]
async fn every_account_shares_one_connection_pool() {
    let (endpoint, seen) = keep_alive_server().await;
    let base = base(endpoint).await;
    for k in 0..3 {
        let declared = account(k);
        let acting = base.in_account(&declared).await;
        acting.check_account(&declared).await.unwrap();
        for bucket in ["one", "two"] {
            assert!(read_cors(&acting, "us-east-1", bucket).await.is_ok());
        }
    }
    // Three accounts, each with an AssumeRole, a GetCallerIdentity and two reads, one after
    // another: one kept-alive connection carries them all when the pool is shared. A pool per
    // client would open one for each account's STS provider, STS client and S3 client.
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn each_role_is_assumed_once_however_many_accounts() {
    let (endpoint, seen) = keep_alive_server().await;
    let base = base(endpoint).await;
    // More accounts than the SDK's shared credentials cache holds (64), all guarded first and
    // then read, as a plan does.
    let accounts: Vec<Account> = (0..80).map(account).collect();
    let mut reached = Vec::new();
    for declared in &accounts {
        let acting = base.in_account(declared).await;
        acting.check_account(declared).await.unwrap();
        reached.push(acting);
    }
    for acting in &reached {
        assert!(read_cors(acting, "us-east-1", "one").await.is_ok());
    }
    assert_eq!(seen.assume_roles.load(Ordering::SeqCst), accounts.len());
}
