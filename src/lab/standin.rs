//! `k8sc lab-standin`: the lab's stand-in for a service it does not run (an ingress
//! controller's HTTP port, an NFS server's port), answering every connection with the
//! node's name; and its probe, which prints the name of whoever answered.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

/// Serves until killed. Any request gets `200 OK` and the node's name.
pub fn serve(name: &str, port: u16) -> Result<(), String> {
    let listener = TcpListener::bind(("0.0.0.0", port)).map_err(|err| format!("port {port}: {err}"))?;
    let body = format!("{name}\n");
    for stream in listener.incoming().flatten() {
        let body = body.clone();
        std::thread::spawn(move || answer(stream, &body));
    }
    Ok(())
}

fn answer(mut stream: TcpStream, body: &str) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut request = [0u8; 1024];
    let _ = stream.read(&mut request);
    let response = format!(
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

/// Connects to `target` (address:port), asks, and returns the name in the answer.
pub fn probe(target: &str) -> Result<String, String> {
    let address: SocketAddr = target.parse().map_err(|_| format!("`{target}` is not address:port"))?;
    let mut stream =
        TcpStream::connect_timeout(&address, Duration::from_secs(3)).map_err(|err| format!("{target}: {err}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(3)))
        .map_err(|err| err.to_string())?;
    stream
        .write_all(b"GET / HTTP/1.0\r\nHost: k8sc-lab\r\n\r\n")
        .map_err(|err| format!("{target}: {err}"))?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .map_err(|err| format!("{target}: {err}"))?;
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default().trim();
    if body.is_empty() {
        Err(format!("{target}: no answer"))
    } else {
        Ok(body.to_string())
    }
}
