//! The command line, as clap definitions (also the source of `--help`).

use crate::render::{CfnFormat, Target};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "vpcegen",
    version,
    about = "VPC endpoints, endpoint services and PrivateLink connections from a short TOML spec, as Terraform or CloudFormation"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How to print errors and warnings.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    /// Treat warnings as errors.
    #[arg(long, global = true)]
    pub deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate specs and write a Terraform module or CloudFormation template for each.
    Build {
        /// Spec files (TOML).
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        #[arg(long, short, value_enum, default_value_t = Target::Terraform)]
        target: Target,
        /// CloudFormation template format.
        #[arg(long, value_enum, default_value_t = CfnFormat::Yaml)]
        format: CfnFormat,
        /// Output folder; each spec is written to OUT/<name>/.
        #[arg(long, short, default_value = "out")]
        out: PathBuf,
        /// Folder of templates overriding the built-in ones (same relative names).
        #[arg(long)]
        templates: Option<PathBuf>,
    },
    /// Check specs and print diagnostics; writes nothing.
    Validate {
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// Also run the checks of this target.
        #[arg(long, short, value_enum)]
        target: Option<Target>,
    },
    /// Print the JSON Schema of the spec format, for editors.
    Schema,
    /// List the built-in catalog of AWS PrivateLink services and bundles.
    Services {
        /// Only entries whose name, title or alias contains this text.
        filter: Option<String>,
    },
}
