//! Private `nats-server` and `redis-server` processes on free ports, for tests that stop and restart a
//! dependency without disturbing the shared ones.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Nats,
    Redis,
}

/// A dependency server owned by one test; killed on drop.
#[derive(Debug)]
pub struct PrivateServer {
    kind: Kind,
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl PrivateServer {
    /// `nats-server` with JetStream, storing under a private temporary folder.
    pub fn nats() -> Self {
        Self::start(Kind::Nats, free_port())
    }

    /// `redis-server` keeping nothing on disk.
    pub fn redis() -> Self {
        Self::start(Kind::Redis, free_port())
    }

    fn start(kind: Kind, port: u16) -> Self {
        let dir = std::env::temp_dir().join(crate::unique_name("srv"));
        std::fs::create_dir_all(&dir).unwrap();
        let mut server = Self {
            kind,
            port,
            dir,
            child: None,
        };
        server.restart();
        server
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> String {
        match self.kind {
            Kind::Nats => format!("nats://127.0.0.1:{}", self.port),
            Kind::Redis => format!("redis://127.0.0.1:{}", self.port),
        }
    }

    /// Kills the server; its port stays reserved for `restart`.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port and waits until it accepts connections.
    pub fn restart(&mut self) {
        self.stop();
        let port = self.port.to_string();
        let mut command = match self.kind {
            Kind::Nats => {
                // Explicit JetStream limits: without them the server takes 75% of the free space of the
                // folder's file system, and a small or nearly full temporary folder (seen on CI machines) then
                // refuses the product's streams, whose `max_bytes` JetStream reserves up front.
                let config = self.dir.join("nats-server.conf");
                let text = format!(
                    "listen: \"127.0.0.1:{port}\"\njetstream {{\n  store_dir: {dir:?}\n  \
                     max_memory_store: 1GB\n  max_file_store: 1TB\n}}\n",
                    dir = self.dir.join("jetstream"),
                );
                std::fs::write(&config, text).expect("write the private NATS configuration");
                let mut c = Command::new("nats-server");
                c.arg("-c").arg(&config);
                c
            }
            Kind::Redis => {
                let mut c = Command::new("redis-server");
                c.args([
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    &port,
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ]);
                c.arg("--dir").arg(&self.dir);
                c
            }
        };
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a private server");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "private server did not start on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
