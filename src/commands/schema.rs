//! `vpcegen schema`: the spec's JSON Schema, for editors.

use std::io::Write;

mod names;

pub(crate) fn run(stdout: &mut dyn Write) -> i32 {
    let _ = writeln!(stdout, "{}", schema());
    0
}

/// The JSON Schema of the spec format. Optional keys are simply not
/// required (TOML has no null), so editors do not offer `null`.
pub fn schema() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<crate::spec::Spec>();
    let mut value = schema.to_value();
    strip_null(&mut value);
    names::add(&mut value);
    serde_json::to_string_pretty(&value).expect("schemas serialize")
}

fn strip_null(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(obj) => {
            if let Some(serde_json::Value::Array(types)) = obj.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    obj.insert("type".into(), only);
                }
            }
            if let Some(serde_json::Value::Array(any)) = obj.get_mut("anyOf") {
                any.retain(|s| s.get("type").is_none_or(|t| t != "null"));
                if any.len() == 1 {
                    let only = any.remove(0);
                    obj.remove("anyOf");
                    if let serde_json::Value::Object(inner) = only {
                        for (k, val) in inner {
                            obj.entry(k).or_insert(val);
                        }
                    }
                }
            }
            obj.values_mut().for_each(strip_null);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}
