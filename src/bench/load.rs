//! A lean HTTP/1.1 load generator for the intake benchmark, in the manner of `wrk` or `oha`:
//! each sender keeps one connection open and writes a ready-made request, then reads the
//! status line, the headers and a `Content-Length` body. On a 2-core machine where the load
//! generator, the application and the database share the CPU, every microsecond the client
//! spends is taken from the server; a general-purpose client (connection pool, header maps,
//! per-request allocations) took about a third of the CPU in this benchmark. The baseline
//! and leadrelay are driven by the same generator, so their ratio stays fair.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::bench::support::percentile;

/// What one load run measured.
#[derive(Debug, Clone)]
pub struct LoadResult {
    /// Requests per second.
    pub per_second: f64,
    /// Median latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
}

/// A form-urlencoded POST to `url`, with `body` as its body, as bytes on the wire.
pub fn form_post(url: &url::Url, body: &str) -> Vec<u8> {
    let host = url.host_str().unwrap_or("127.0.0.1");
    let port = url.port_or_known_default().unwrap_or(80);
    format!(
        "POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: leadrelay-bench\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len}\r\n\r\n{body}",
        path = url.path(),
        len = body.len(),
    )
    .into_bytes()
}

/// Sends `requests` requests from `senders` concurrent connections; request `n` is
/// `request(n)`. Every answer must have status `expected`.
pub async fn run<F>(
    url: &url::Url,
    requests: usize,
    senders: usize,
    expected: u16,
    request: F,
) -> anyhow::Result<LoadResult>
where
    F: Fn(usize) -> Vec<u8> + Send + Sync + 'static,
{
    let address = address_of(url)?;
    let request = Arc::new(request);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..senders {
        let (address, next, request) = (address.clone(), next.clone(), request.clone());
        tasks.push(tokio::spawn(async move {
            let mut connection = Connection::open(&address).await?;
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= requests {
                    break;
                }
                let bytes = request(n);
                let sent = Instant::now();
                connection
                    .send_expecting(&address, &bytes, n, expected)
                    .await?;
                latencies.push(sent.elapsed());
            }
            Ok::<_, anyhow::Error>(latencies)
        }));
    }
    let mut latencies = Vec::with_capacity(requests);
    for task in tasks {
        latencies.extend(task.await??);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Ok(LoadResult {
        per_second: requests as f64 / elapsed.as_secs_f64(),
        p50: percentile(&latencies, 50.0),
        p99: percentile(&latencies, 99.0),
    })
}

/// `host:port` of a URL.
pub(super) fn address_of(url: &url::Url) -> anyhow::Result<String> {
    Ok(format!(
        "{}:{}",
        url.host_str().context("the URL has no host")?,
        url.port_or_known_default().context("the URL has no port")?
    ))
}

/// Why an exchange failed.
#[derive(Debug)]
pub(super) enum Exchange {
    /// The connection ended before any byte of an answer.
    ClosedBeforeAnswer,
    /// An I/O error.
    Io(std::io::Error),
    /// The answer is not HTTP/1.1 as expected.
    Malformed(&'static str),
}

impl std::fmt::Display for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ClosedBeforeAnswer => f.write_str("the connection ended before an answer"),
            Self::Io(err) => write!(f, "{err}"),
            Self::Malformed(what) => f.write_str(what),
        }
    }
}

/// One keep-alive connection and its read buffer.
pub(super) struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    pub(super) async fn open(address: &str) -> anyhow::Result<Self> {
        let stream = TcpStream::connect(address)
            .await
            .with_context(|| format!("cannot connect to {address}"))?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            buffer: Vec::with_capacity(4096),
        })
    }

    /// Sends request `n` and checks its answer is `expected`. When the server closed this idle
    /// connection before reading the request, it is sent again on a new connection.
    pub(super) async fn send_expecting(
        &mut self,
        address: &str,
        bytes: &[u8],
        n: usize,
        expected: u16,
    ) -> anyhow::Result<()> {
        let status = match self.exchange(bytes).await {
            Ok(status) => status,
            Err(Exchange::ClosedBeforeAnswer) => {
                *self = Connection::open(address).await?;
                self.exchange(bytes)
                    .await
                    .map_err(|err| anyhow::anyhow!("request {n}: {err}"))?
            }
            Err(err) => anyhow::bail!("request {n}: {err}"),
        };
        anyhow::ensure!(
            status == expected,
            "the server answered {status}, not {expected}"
        );
        Ok(())
    }

    /// Writes a request and reads its answer; returns the status code.
    pub(super) async fn exchange(&mut self, request: &[u8]) -> Result<u16, Exchange> {
        self.stream
            .write_all(request)
            .await
            .map_err(|_| Exchange::ClosedBeforeAnswer)?;
        self.buffer.clear();
        let (status, body_start, length) = loop {
            if let Some(head) = parse_head(&self.buffer)? {
                break head;
            }
            let mut chunk = [0u8; 4096];
            let read = self.stream.read(&mut chunk).await.map_err(Exchange::Io)?;
            if read == 0 {
                return Err(if self.buffer.is_empty() {
                    Exchange::ClosedBeforeAnswer
                } else {
                    Exchange::Malformed("the connection ended inside an answer")
                });
            }
            self.buffer.extend_from_slice(&chunk[..read]);
        };
        let mut have = self.buffer.len() - body_start;
        while have < length {
            let mut chunk = [0u8; 4096];
            let read = self.stream.read(&mut chunk).await.map_err(Exchange::Io)?;
            if read == 0 {
                return Err(Exchange::Malformed("the connection ended inside a body"));
            }
            have += read;
        }
        if have > length {
            return Err(Exchange::Malformed("more bytes than the answer's length"));
        }
        Ok(status)
    }
}

/// The status, where the body starts and its length, once the head is complete.
fn parse_head(buffer: &[u8]) -> Result<Option<(u16, usize, usize)>, Exchange> {
    let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") else {
        return Ok(None);
    };
    let head =
        std::str::from_utf8(&buffer[..end]).map_err(|_| Exchange::Malformed("a non-UTF-8 head"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.strip_prefix("HTTP/1.1 "))
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or(Exchange::Malformed("no HTTP/1.1 status line"))?;
    let mut length = None;
    for line in lines {
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let length = length.ok_or(Exchange::Malformed("no Content-Length"))?;
    Ok(Some((status, end + 4, length)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_head_gives_the_status_the_body_start_and_its_length() {
        let answer = b"HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\ncontent-type: application/json\r\n\r\n{}";
        let (status, start, length) = parse_head(answer).unwrap().unwrap();
        assert_eq!((status, length), (202, 2));
        assert_eq!(&answer[start..], b"{}");
    }

    #[test]
    fn an_incomplete_head_asks_for_more_and_a_wrong_one_is_refused() {
        assert!(
            parse_head(b"HTTP/1.1 202 Accepted\r\ncontent-le")
                .unwrap()
                .is_none()
        );
        assert!(matches!(
            parse_head(b"HTTP/1.1 202 Accepted\r\n\r\n"),
            Err(Exchange::Malformed("no Content-Length"))
        ));
        assert!(matches!(
            parse_head(b"SSH-2.0-OpenSSH\r\n\r\n"),
            Err(Exchange::Malformed("no HTTP/1.1 status line"))
        ));
    }

    #[test]
    fn a_form_post_carries_its_length_and_host() {
        let url = url::Url::parse("http://127.0.0.1:8080/hooks/a/b").unwrap();
        let request = String::from_utf8(form_post(&url, "firstName=Jane")).unwrap();
        assert!(request.starts_with("POST /hooks/a/b HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"));
        assert!(request.ends_with("Content-Length: 14\r\n\r\nfirstName=Jane"));
    }
}
