//! A loopback HTTP proxy in front of the emulator that fails chosen requests, for testing what
//! cors-sync does when AWS answers with an error. Each connection carries one request: the
//! emulator closes every connection after its answer (`Connection: close`), and so does this proxy.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A request matcher and the canned answer to send instead of forwarding it.
#[derive(Clone)]
pub struct Fault {
    pub method: &'static str,
    /// Matched against the request target (path and query), e.g. `/bucket?cors`.
    pub target_contains: String,
    pub status: u16,
    pub code: &'static str,
    pub message: &'static str,
}

pub struct FaultProxy {
    pub endpoint: String,
    faults: Arc<Mutex<Vec<Fault>>>,
    pub failed_requests: Arc<Mutex<Vec<String>>>,
}

impl FaultProxy {
    pub fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fault proxy");
        let endpoint = format!("http://{}", listener.local_addr().expect("proxy address"));
        let upstream = upstream.trim_start_matches("http://").to_string();
        let faults: Arc<Mutex<Vec<Fault>>> = Arc::default();
        let failed_requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let (faults_for_thread, failed_for_thread) = (faults.clone(), failed_requests.clone());
        std::thread::spawn(move || {
            for connection in listener.incoming().flatten() {
                let upstream = upstream.clone();
                let faults = faults_for_thread.clone();
                let failed = failed_for_thread.clone();
                std::thread::spawn(move || {
                    let _ = serve(connection, &upstream, &faults, &failed);
                });
            }
        });
        FaultProxy {
            endpoint,
            faults,
            failed_requests,
        }
    }

    pub fn fail(&self, fault: Fault) {
        self.faults.lock().unwrap().push(fault);
    }

    pub fn clear(&self) {
        self.faults.lock().unwrap().clear();
    }
}

fn serve(
    mut client: TcpStream,
    upstream: &str,
    faults: &Mutex<Vec<Fault>>,
    failed: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let request = read_request(&mut client)?;
    let head = String::from_utf8_lossy(&request);
    let mut request_line = head.lines().next().unwrap_or_default().split_whitespace();
    let (method, target) = (
        request_line.next().unwrap_or_default(),
        request_line.next().unwrap_or_default(),
    );
    let fault = faults
        .lock()
        .unwrap()
        .iter()
        .find(|f| f.method == method && target.contains(&f.target_contains))
        .cloned();
    if let Some(fault) = fault {
        failed.lock().unwrap().push(format!("{method} {target}"));
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message><RequestId>fault-proxy</RequestId></Error>",
            fault.code, fault.message
        );
        let response = format!(
            "HTTP/1.1 {} Injected\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            fault.status,
            body.len()
        );
        return client.write_all(response.as_bytes());
    }
    let mut server = TcpStream::connect(upstream)?;
    server.write_all(&request)?;
    std::io::copy(&mut server, &mut client)?;
    Ok(())
}

/// Reads one request: the head, then a Content-Length body.
fn read_request(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            return Ok(data);
        }
        data.extend_from_slice(&buffer[..n]);
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while data.len() < head_end + length {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buffer[..n]);
    }
    Ok(data)
}
