//! `vpcegen services`: the catalog as a table, then the bundles.

use crate::catalog;
use std::io::Write;

pub(crate) fn run(filter: Option<&str>, stdout: &mut dyn Write) -> i32 {
    let _ = stdout.write_all(services_table(filter).as_bytes());
    0
}

/// `vpcegen services`: the catalog as a table, then the bundles.
pub fn services_table(filter: Option<&str>) -> String {
    use std::fmt::Write as _;
    let c = catalog::Catalog::get();
    let matches = |s: &catalog::Service| {
        filter.is_none_or(|f| {
            let f = f.to_lowercase();
            s.suffix.contains(&f)
                || s.title.to_lowercase().contains(&f)
                || s.aliases.iter().any(|a| a.contains(&f))
        })
    };
    let rows: Vec<&catalog::Service> = c.services.iter().filter(|s| matches(s)).collect();
    let width = rows
        .iter()
        .map(|s| s.suffix.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:<17}  {:<11}  ENDPOINT SERVICE NAME / TITLE",
        "NAME", "TYPES", "PORTS"
    );
    for s in &rows {
        let ports: Vec<String> = s.ports().iter().map(u16::to_string).collect();
        let name = s.name_format.as_ref().map_or_else(
            || format!("com.amazonaws.{{region}}.{}", s.suffix),
            |f| f.to_string(),
        );
        let _ = writeln!(
            out,
            "{:<width$}  {:<17}  {:<11}  {} ({})",
            s.suffix,
            s.types.join(", ").to_lowercase(),
            ports.join(","),
            name,
            s.title
        );
    }
    let bundles: Vec<&catalog::Bundle> = c
        .bundles
        .iter()
        .filter(|b| {
            filter.is_none_or(|f| b.name.contains(f) || b.services.iter().any(|s| s.contains(f)))
        })
        .collect();
    if !bundles.is_empty() {
        let _ = writeln!(out, "\nBUNDLES");
        for b in bundles {
            let _ = writeln!(out, "{:<width$}  {}", b.name, b.services.join(", "));
        }
    }
    let _ = writeln!(out, "\n{} of {} services", rows.len(), c.services.len());
    out
}
