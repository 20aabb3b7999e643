//! The VPC, its subnets and route tables: literal values, inputs or tag lookups.

use super::*;

pub(super) fn net_value(
    v: Option<&Sp<Net<Sp<String>>>>,
    default: &str,
    kind: InputKind,
    desc: &str,
    inputs: &mut Vec<Input>,
    span: &mut Option<Span>,
) -> Value {
    *span = v.map(|v| v.span);
    match v.map(|v| &v.value) {
        Some(Net::Literal(s)) => Value::Literal(s.value.clone()),
        Some(Net::Input(i)) => {
            add_input(inputs, &i.input.value, kind, desc, Some(i.input.span));
            Value::Input(i.input.value.clone())
        }
        Some(Net::Lookup(l)) => Value::Lookup(lookup(&l.tags)),
        None => {
            add_input(inputs, default, kind, desc, None);
            Value::Input(default.into())
        }
    }
}

pub(super) fn net_list(
    v: Option<&Sp<Net<Vec<Sp<String>>>>>,
    default: &str,
    kind: InputKind,
    desc: &str,
    inputs: &mut Vec<Input>,
    span: &mut Option<Span>,
) -> Value {
    *span = v.map(|v| v.span);
    match v.map(|v| &v.value) {
        Some(Net::Literal(list)) => {
            Value::LiteralList(list.iter().map(|s| s.value.clone()).collect())
        }
        Some(Net::Input(i)) => {
            add_input(inputs, &i.input.value, kind, desc, Some(i.input.span));
            Value::Input(i.input.value.clone())
        }
        Some(Net::Lookup(l)) => Value::Lookup(lookup(&l.tags)),
        None => {
            add_input(inputs, default, kind, desc, None);
            Value::Input(default.into())
        }
    }
}

pub(super) fn lookup(tags: &[(Sp<String>, Vec<Sp<String>>)]) -> Vec<(String, Vec<String>)> {
    tags.iter()
        .map(|(k, vs)| {
            (
                k.value.clone(),
                vs.iter().map(|v| v.value.clone()).collect(),
            )
        })
        .collect()
}
