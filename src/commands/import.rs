//! `vpcegen import`: the JSON of `aws ec2 describe-vpc-endpoints` (a file,
//! or `-` for stdin) → a spec reproducing those endpoints, on stdout.

use super::{Report, fail};
use crate::adopt::{self, Existing};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, SourceMap, Span};
use crate::{EXIT_INVALID, commands::init};
use std::io::{Read, Write};
use std::path::Path;

/// The largest describe output read: far above any one VPC's endpoints.
const MAX_BYTES: u64 = 64 << 20;

pub(crate) fn run(
    file: &Path,
    name: &str,
    report: Report,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    if let Err(e) = init::check_name(name) {
        return fail(stderr, &e);
    }
    let mut sources = SourceMap::default();
    let id = match load(file, &mut sources) {
        Ok(id) => id,
        Err(e) => return fail(stderr, &e),
    };
    match endpoints(&sources, id) {
        Ok(endpoints) => {
            let shown = sources.get(id).display.clone();
            let _ = stdout.write_all(adopt::import::spec(name, &shown, &endpoints).as_bytes());
            0
        }
        Err(d) => {
            let mut all = Diagnostics::default();
            all.push(*d);
            report.print_diagnostics(&all, &sources, stderr);
            EXIT_INVALID
        }
    }
}

/// The file's endpoints, all of one VPC (E111 otherwise).
pub(crate) fn endpoints(sources: &SourceMap, id: FileId) -> Result<Vec<Existing>, Box<Diagnostic>> {
    let endpoints = adopt::read(sources, id)?;
    let vpcs = adopt::sorted(endpoints.iter().map(|e| e.vpc_id.clone()));
    if vpcs.len() > 1 {
        let end = sources
            .get(id)
            .text
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        return Err(Box::new(
            Diagnostic::new(
                Code::E111,
                format!("endpoints of {} VPCs: {}", vpcs.len(), vpcs.join(", ")),
            )
            .at(Span::new(id, 0..end), "a spec describes one VPC"),
        ));
    }
    Ok(endpoints)
}

/// Reads `file` (`-`: stdin) into `sources`.
pub(crate) fn load(file: &Path, sources: &mut SourceMap) -> Result<FileId, String> {
    let text = if file == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read stdin: {}", crate::source::io_reason(&e)))?;
        if bytes.len() as u64 > MAX_BYTES {
            return Err(format!("stdin is larger than {MAX_BYTES} bytes"));
        }
        String::from_utf8(bytes).map_err(|_| "stdin is not UTF-8 text".to_string())?
    } else {
        crate::source::read_limited(file, MAX_BYTES).map_err(|e| {
            format!(
                "cannot read `{}`: {}",
                crate::source::display_path(file),
                e.reason("describe-vpc-endpoints files")
            )
        })?
    };
    let shown = if file == Path::new("-") {
        Path::new("<stdin>")
    } else {
        file
    };
    Ok(sources.add(shown.to_path_buf(), text))
}
