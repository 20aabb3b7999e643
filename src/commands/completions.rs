//! `vpcegen completions <shell>`: the shell completion script, from the
//! clap definition.

use crate::cli::Cli;
use std::io::Write;

pub(crate) fn run(shell: clap_complete::Shell, stdout: &mut dyn Write) -> i32 {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "vpcegen", stdout);
    0
}
