//! Standard output that never panics and never hides a lost write.
//!
//! Commands write with `let _ = writeln!(...)`, and libraries we call
//! (clap_complete) panic when their writer fails. [`Checked`] keeps the
//! first error and reports success to the writer's callers, so nothing
//! panics and the rest of the output is dropped; [`crate::run`] then flushes
//! and turns the kept error into a message and a failing exit code.

use std::io::{self, Write};

/// A writer that remembers its first error instead of returning it.
pub struct Checked<'a> {
    inner: &'a mut dyn Write,
    error: Option<io::Error>,
}

impl<'a> Checked<'a> {
    pub fn new(inner: &'a mut dyn Write) -> Self {
        Checked { inner, error: None }
    }

    /// Flushes, then returns the first error of any write or of the flush.
    pub fn finish(mut self) -> Result<(), io::Error> {
        self.keep(|w| w.flush());
        match self.error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl Checked<'_> {
    /// Runs `op` unless an earlier write failed, keeping its error.
    fn keep(&mut self, op: impl FnOnce(&mut dyn Write) -> io::Result<()>) {
        if self.error.is_none() {
            if let Err(e) = op(self.inner) {
                self.error = Some(e);
            }
        }
    }
}

impl Write for Checked<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.keep(|w| w.write_all(buf));
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.keep(|w| w.flush());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepts `room` bytes, then fails like a full disk.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::from(io::ErrorKind::StorageFull));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_first_error_is_kept_and_later_writes_do_not_fail() {
        let mut full = Full { room: 3 };
        let mut out = Checked::new(&mut full);
        assert!(out.write_all(b"hello").is_ok());
        assert!(writeln!(out, "more").is_ok());
        let e = out.finish().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
    }

    #[test]
    fn a_good_writer_finishes_cleanly() {
        let mut buf = Vec::new();
        let mut out = Checked::new(&mut buf);
        writeln!(out, "ok").unwrap();
        out.finish().unwrap();
        assert_eq!(buf, b"ok\n");
    }
}
