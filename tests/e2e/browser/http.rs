//! The loopback HTTP the browser tests' servers speak: one request head read, one answer written,
//! then the connection closed (the browsers send no request bodies these servers read).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

/// A request's head: its method, its target and its header lines.
pub(crate) struct Head {
    pub(crate) method: String,
    pub(crate) target: String,
    text: String,
}

impl Head {
    /// The value of the first header named `name` (case-insensitively), trimmed.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.text.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

/// Reads up to the blank line that ends a request's head; `None` when the client closed first.
pub(crate) fn read_head(stream: &mut TcpStream) -> std::io::Result<Option<Head>> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    while !data.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            return Ok(None);
        }
        data.extend_from_slice(&buffer[..n]);
    }
    let text = String::from_utf8_lossy(&data).to_string();
    let mut first = text.lines().next().unwrap_or_default().split_whitespace();
    let (method, target) = (
        first.next().unwrap_or_default().to_string(),
        first.next().unwrap_or_default().to_string(),
    );
    Ok(Some(Head {
        method,
        target,
        text,
    }))
}

/// Writes one answer and closes the connection; a HEAD request gets no body.
pub(crate) fn answer(
    stream: &mut TcpStream,
    head: &Head,
    status: u16,
    headers: &[(String, String)],
    body: &str,
) -> std::io::Result<()> {
    let body = if head.method == "HEAD" { "" } else { body };
    let mut out = format!("HTTP/1.1 {status} Answer\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    stream.write_all(out.as_bytes())
}

/// Serves each connection on a free loopback port with `serve`, a thread each; returns the port.
pub(crate) fn listen(
    what: &str,
    serve: impl Fn(TcpStream) -> std::io::Result<()> + Clone + Send + 'static,
) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind {what}: {e}"));
    let port = listener.local_addr().expect("its address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let serve = serve.clone();
            std::thread::spawn(move || {
                let _ = serve(stream);
            });
        }
    });
    port
}
