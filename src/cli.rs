//! The command line, as clap definitions (also the source of `--help`).

use crate::render::{CfnFormat, Target};
use crate::spec::AwsProvider;
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
    /// One JSON object per diagnostic and line.
    Json,
    /// One SARIF 2.1.0 log (GitHub code scanning and other dashboards).
    Sarif,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate specs and write a Terraform module or CloudFormation template for each.
    Build {
        /// Spec files (TOML), or folders: every `*.toml` under a folder,
        /// sorted, hidden folders and `abstract = true` baselines left out.
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        #[arg(long, short, value_enum, default_value_t = Target::Terraform)]
        target: Target,
        /// CloudFormation template format.
        #[arg(long, value_enum, default_value_t = CfnFormat::Yaml)]
        format: CfnFormat,
        /// Output folder; each spec is written to OUT/<name>/terraform/ or
        /// OUT/<name>/cloudformation/, so both targets stay side by side.
        #[arg(long, short, default_value = "out")]
        out: PathBuf,
        /// Folder of templates overriding the built-in ones (same relative names).
        #[arg(long)]
        templates: Option<PathBuf>,
        /// Write nothing: compare what the specs produce with what is on
        /// disk, print a diff, and exit 1 if anything differs.
        #[arg(long)]
        check: bool,
        /// Major version of the hashicorp/aws provider the Terraform output
        /// is written for: 5 or 6. Wins over each spec's `[terraform]
        /// aws_provider` (default 6).
        #[arg(long, value_name = "MAJOR", value_parser = aws_provider)]
        aws_provider: Option<AwsProvider>,
        /// Terraform: take over the existing endpoints this
        /// describe-vpc-endpoints JSON lists (`import` blocks in imports.tf).
        #[arg(long, value_name = "FILE")]
        adopt: Option<PathBuf>,
    },
    /// Write a spec reproducing existing endpoints, from the JSON of
    /// `aws ec2 describe-vpc-endpoints` (one VPC's), to stdout.
    Import {
        /// The describe-vpc-endpoints JSON; `-` reads stdin.
        file: PathBuf,
        /// The spec's `name`.
        #[arg(long)]
        name: String,
    },
    /// Check specs and print diagnostics; writes nothing.
    Validate {
        /// Spec files (TOML), or folders of them, as for `build`.
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// Also run the checks of this target.
        #[arg(long, short, value_enum)]
        target: Option<Target>,
    },
    /// Show what a build would create: endpoints and why, bundles, exposes
    /// and connects with their checks, and a monthly cost estimate.
    Explain {
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// Data processed through interface endpoints a month, in GB, for the
        /// data charge and the NAT gateway comparison.
        #[arg(long, value_name = "GB", value_parser = gigabytes)]
        gb_per_month: Option<f64>,
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
    /// Write a commented starter spec (and the JSON Schema beside it for editors).
    Init {
        /// Where to write the spec.
        #[arg(default_value = "vpcegen.toml")]
        path: PathBuf,
        /// The spec's `name` (default: `my-vpc`).
        #[arg(long, default_value = "my-vpc")]
        name: String,
    },
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    Man,
    /// Print the JSON Schema of the spec format, for editors.
    Schema,
    /// List the built-in catalog of AWS PrivateLink services and bundles.
    Services {
        /// Only entries whose name, title or alias contains this text.
        filter: Option<String>,
        /// Only services botocore's endpoint data lists in this Region.
        #[arg(long, value_name = "REGION")]
        region: Option<String>,
        /// Only services known to support IPv6 (what `ip_address_type =
        /// "dualstack"` or `"ipv6"` may ask of).
        #[arg(long)]
        ipv6: bool,
        /// Only services AWS offers across Regions (what
        /// `service.<name>.region` may name).
        #[arg(long)]
        cross_region: bool,
        /// Under each service, its private DNS names (for `--region`, else
        /// with `{region}`): botocore's API hostname and cited extras.
        #[arg(long)]
        dns: bool,
        /// `json`: the same entries as one JSON object.
        #[arg(long, value_enum, default_value_t = ServicesFormat::Text)]
        format: ServicesFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServicesFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

/// `--gb-per-month`: a finite amount of data, zero or more. `f64`'s own
/// parser also takes `NaN`, `inf` and negatives, which would print `$NaN`,
/// `$inf` or negative money.
fn gigabytes(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(gb) if gb.is_finite() && gb >= 0.0 => Ok(gb + 0.0),
        Ok(_) => Err(format!(
            "`{s}` is not an amount of data: give a finite number of GB, 0 or more"
        )),
        Err(_) => Err(format!(
            "`{s}` is not a number: give the GB a month, like 500"
        )),
    }
}

/// `--aws-provider`: a hashicorp/aws major vpcegen writes for.
fn aws_provider(s: &str) -> Result<AwsProvider, String> {
    s.trim()
        .parse::<i64>()
        .ok()
        .and_then(AwsProvider::from_major)
        .ok_or_else(|| format!("`{s}` is not a provider major vpcegen writes for: give 5 or 6"))
}

#[cfg(test)]
mod tests {
    use super::{aws_provider, gigabytes};
    use crate::spec::AwsProvider;

    #[test]
    fn aws_provider_is_a_major_vpcegen_writes_for() {
        assert_eq!(aws_provider("6"), Ok(AwsProvider::V6));
        assert_eq!(aws_provider("5"), Ok(AwsProvider::V5));
        for bad in ["4", "7", "6.0", "", "latest", "-6"] {
            assert!(aws_provider(bad).is_err(), "{bad:?} is refused");
        }
    }

    #[test]
    fn gigabytes_are_finite_and_not_negative() {
        assert_eq!(gigabytes("500"), Ok(500.0));
        assert_eq!(gigabytes("0.5"), Ok(0.5));
        // `-0` would print as `$-0.00`.
        assert_eq!(gigabytes("-0").map(f64::to_bits), Ok(0f64.to_bits()));
        for bad in [
            "NaN", "nan", "inf", "-inf", "infinity", "-1", "-0.01", "1e400", "", "ten",
        ] {
            assert!(gigabytes(bad).is_err(), "{bad:?} is refused");
        }
    }
}
