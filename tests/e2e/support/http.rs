//! Reading HTTP/1.1 heads, for the tests' loopback servers and fault proxy: `httparse` reads
//! them, so the servers and the proxy agree with each other and with real HTTP on what a head is.

use std::io::Read;

/// At most this many headers in a head; the SDK and the browsers send about a dozen.
const MAX_HEADERS: usize = 64;

/// A request's head: its method, target (path and query) and headers, and its bytes as sent.
pub struct RequestHead {
    pub method: String,
    pub target: String,
    headers: Vec<(String, String)>,
    /// The head's text up to, not including, the blank line that ends it.
    pub text: String,
    /// The head's length in bytes, its blank line included.
    length: usize,
}

impl RequestHead {
    /// The value of the first header named `name` (case-insensitively), trimmed.
    pub fn header(&self, name: &str) -> Option<String> {
        header(&self.headers, name)
    }

    /// The length of the body that follows the head (0 when it names none).
    pub fn content_length(&self) -> usize {
        content_length(&self.headers)
    }
}

/// A whole answer split at its head: status, reason, headers and body.
pub struct Answer<'a> {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: &'a [u8],
}

/// Reads from `stream` until `data` holds a whole request head; `None` when the client closed
/// before it did. Bytes read past the head (a body's start) stay in `data`.
pub fn read_request_head(
    stream: &mut impl Read,
    data: &mut Vec<u8>,
) -> std::io::Result<Option<RequestHead>> {
    let mut buffer = [0u8; 8192];
    loop {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(data).map_err(std::io::Error::other)? {
            httparse::Status::Complete(length) => {
                let text = String::from_utf8_lossy(&data[..length]);
                return Ok(Some(RequestHead {
                    method: request.method.unwrap_or_default().to_string(),
                    target: request.path.unwrap_or_default().to_string(),
                    headers: owned(request.headers),
                    text: text.trim_end_matches("\r\n").to_string(),
                    length,
                }));
            }
            httparse::Status::Partial => {
                let n = stream.read(&mut buffer)?;
                if n == 0 {
                    return Ok(None);
                }
                data.extend_from_slice(&buffer[..n]);
            }
        }
    }
}

/// Reads one whole request, its head and then as much body as its Content-Length says: the
/// head and every byte read (to forward as it came); `None` when the client closed before a
/// whole head.
pub fn read_request(stream: &mut impl Read) -> std::io::Result<Option<(RequestHead, Vec<u8>)>> {
    let mut data = Vec::new();
    let Some(head) = read_request_head(stream, &mut data)? else {
        return Ok(None);
    };
    let whole = head.length + head.content_length();
    let mut buffer = [0u8; 8192];
    while data.len() < whole {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buffer[..n]);
    }
    Ok(Some((head, data)))
}

/// `answer` (a whole response, as read to the end of its connection) split at its head; `None`
/// when it holds no whole response head.
pub fn parse_answer(answer: &[u8]) -> Option<Answer<'_>> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(answer).ok()? {
        httparse::Status::Complete(length) => Some(Answer {
            status: response.code?,
            reason: response.reason.unwrap_or_default().to_string(),
            headers: owned(response.headers),
            body: &answer[length..],
        }),
        httparse::Status::Partial => None,
    }
}

fn owned(headers: &[httparse::Header<'_>]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|h| {
            let value = String::from_utf8_lossy(h.value);
            (h.name.to_string(), value.trim().to_string())
        })
        .collect()
}

fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

fn content_length(headers: &[(String, String)]) -> usize {
    header(headers, "Content-Length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}
