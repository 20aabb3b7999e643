//! How a target writes the names of inputs and endpoints: the model keeps
//! them distinct as written, without knowing any target's naming.

use super::*;

/// A target's names for inputs and endpoint identifiers, which must stay
/// distinct once written. Lowering keeps one input per name and asks the
/// rule it is given about the rest: [`SnakeCase`] is the model's own (names
/// as written, identifiers unique as snake_case); a target whose names meet
/// more often (CloudFormation's PascalCase) brings its own.
pub trait Naming: Sync {
    /// The name input `name` is written as.
    fn input(&self, name: &str) -> String;
    /// The identifier of the endpoint whose snake_case identifier is
    /// `ident`; two endpoints that get one are refused (E010).
    fn endpoint(&self, ident: &str) -> String;
    /// Why `input`, written as `written`, cannot be: it is the name of
    /// input `kept`, or one the target reserves (`adds_vpc_cidr`: the VPC's
    /// CIDR is read at deploy time, as an input of the target's own).
    fn refuse(
        &self,
        input: &Input,
        written: &str,
        kept: Option<&Input>,
        adds_vpc_cidr: bool,
    ) -> Option<Diagnostic>;
}

/// Names as written: inputs are already one per name, and identifiers are
/// snake_case.
pub struct SnakeCase;

impl Naming for SnakeCase {
    fn input(&self, name: &str) -> String {
        name.to_string()
    }

    fn endpoint(&self, ident: &str) -> String {
        ident.to_string()
    }

    fn refuse(&self, _: &Input, _: &str, _: Option<&Input>, _: bool) -> Option<Diagnostic> {
        None
    }
}
