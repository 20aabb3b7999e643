// moto's server for the tool tests (`include!`d by tests/e2e.rs and
// tests/adopt.rs; each brings `root()` and the std imports it uses:
// Child, Command, Stdio, TcpListener, TcpStream, Ipv4Addr, Read, Write,
// Duration, Instant, Path, PathBuf).

/// moto's server on 127.0.0.1 and a free port; stopped by its PID on drop,
/// panics included.
struct Moto {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Moto {
    /// Retries on a new port when moto exits at once (the free port was
    /// taken between finding it and moto binding it).
    fn start(dir: &Path) -> Moto {
        let mut last = String::new();
        for attempt in 1..=3 {
            match Moto::try_start(dir, attempt) {
                Ok(m) => return m,
                Err(e) => last = e,
            }
        }
        panic!("{last}");
    }

    fn try_start(dir: &Path, attempt: u32) -> Result<Moto, String> {
        let port = {
            let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
            l.local_addr().unwrap().port()
        };
        let log = dir.join(format!("moto-{attempt}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new("python3")
            .arg(root().join("tests/e2e/moto_launcher.py"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("start moto's server (python3 tests/e2e/moto_launcher.py)");
        let mut moto = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = moto.child.try_wait().unwrap() {
                return Err(format!(
                    "moto's server exited ({status}) before answering:\n{}",
                    moto.log_tail()
                ));
            }
            if answers(port) {
                return Ok(moto);
            }
            if Instant::now() > deadline {
                // Dropping `moto` stops it.
                panic!(
                    "moto's server did not answer within 30s:\n{}",
                    moto.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().filter(|l| !l.contains("\" 200 -")).collect();
        lines[lines.len().saturating_sub(60)..].join("\n")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // Child::kill signals exactly this PID.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn answers(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 12];
    s.read_exact(&mut buf).is_ok() && buf.starts_with(b"HTTP/1.")
}
