//! `vpcegen man`: the manual page.

use crate::cli::Cli;
use std::io::Write;

pub(crate) fn run(stdout: &mut dyn Write) -> i32 {
    let _ = stdout.write_all(&man_page());
    0
}

/// The manual page, from the same clap definition as `--help`.
pub fn man_page() -> Vec<u8> {
    let mut out = Vec::new();
    clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
        .render(&mut out)
        .expect("rendering to memory does not fail");
    out
}
