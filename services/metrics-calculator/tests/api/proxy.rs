//! A TCP proxy to PostgreSQL that a test stops (closing every connection) and starts again on the same port:
//! a database outage for one service instance without touching the shared server.

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

pub struct Proxy {
    port: u16,
    target: SocketAddr,
    running: Option<tokio::task::JoinHandle<()>>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Self {
        let mut proxy = Self {
            port: test_support::free_port(),
            target,
            running: None,
        };
        proxy.resume().await;
        proxy
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Closes the listener and every proxied connection.
    pub fn stop(&mut self) {
        if let Some(task) = self.running.take() {
            task.abort();
        }
    }

    pub async fn resume(&mut self) {
        self.stop();
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(listener) => break listener,
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            }
        };
        let target = self.target;
        self.running = Some(tokio::spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                connections.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        }));
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop();
    }
}
