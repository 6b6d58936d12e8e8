//! The loopback HTTP the browser tests' servers speak: one request head read, one answer written,
//! then the connection closed (the browsers send no request bodies these servers read).

use std::io::Write;
use std::net::{TcpListener, TcpStream};

pub(crate) use crate::support::http::RequestHead as Head;

/// Reads up to the blank line that ends a request's head; `None` when the client closed first.
pub(crate) fn read_head(stream: &mut TcpStream) -> std::io::Result<Option<Head>> {
    crate::support::http::read_request_head(stream, &mut Vec::new())
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
