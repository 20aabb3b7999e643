//! CloudFormation values and whole templates as JSON, written by
//! `serde_json` in vpcegen's layout: objects, and lists holding objects or
//! lists, one member per line, two spaces deeper than their opening line;
//! intrinsic functions (`{ "Ref": "X" }`) and lists of scalars on one line;
//! strings escaped as [`json_quoted`] does.

use super::pad;
use super::yaml::{Cfn, json_quoted};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};
use serde_json::value::RawValue;
use std::cell::Cell;
use std::io;

/// Appends `value` as JSON, its lines after the first indented from
/// `indent` spaces.
pub fn write(value: &Cfn, indent: usize, out: &mut String) -> Result<(), String> {
    serialize(value, indent, false, out)
}

/// Appends a whole template, `document`, as JSON. As the template it
/// replaces wrote it, an empty top-level member (`"Resources"` of a spec
/// that creates nothing) spans two lines.
pub fn write_template(document: &Cfn, out: &mut String) -> Result<(), String> {
    serialize(document, 0, true, out)
}

fn serialize(
    value: &Cfn,
    indent: usize,
    open_members: bool,
    out: &mut String,
) -> Result<(), String> {
    let inline = Cell::new(0);
    let layout = Layout {
        indent,
        has_value: false,
        inline: &inline,
        depth: 0,
        open_members,
    };
    let mut bytes = std::mem::take(out).into_bytes();
    let mut ser = serde_json::Serializer::with_formatter(&mut bytes, layout);
    let done = Json {
        value,
        inline: &inline,
    }
    .serialize(&mut ser);
    *out = String::from_utf8(bytes).map_err(|e| format!("JSON writer: {e}"))?;
    done.map_err(|e| format!("JSON writer: {e}"))
}

/// A shared value written once at indent 0, for [`Json`] to copy as it is.
pub fn raw(value: &Cfn) -> Option<Box<RawValue>> {
    let mut text = String::new();
    write(value, 0, &mut text).ok()?;
    RawValue::from_string(text).ok()
}

/// A value to serialize, and the count of one-line values being written,
/// which [`Layout`] reads.
struct Json<'a> {
    value: &'a Cfn,
    inline: &'a Cell<usize>,
}

impl<'a> Json<'a> {
    fn of(&self, value: &'a Cfn) -> Json<'a> {
        Json {
            value,
            inline: self.inline,
        }
    }

    /// Serializes with `f` on one line.
    fn one_line<S: Serializer>(
        &self,
        s: S,
        f: impl FnOnce(S) -> Result<S::Ok, S::Error>,
    ) -> Result<S::Ok, S::Error> {
        self.inline.set(self.inline.get() + 1);
        let done = f(s);
        self.inline.set(self.inline.get() - 1);
        done
    }
}

/// `{ "<name>": <args> }`, an intrinsic function.
fn function<S: Serializer, T: Serialize + ?Sized>(
    s: S,
    name: &str,
    args: &T,
) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(1))?;
    m.serialize_entry(name, args)?;
    m.end()
}

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.value {
            Cfn::Str(x) => s.serialize_str(x),
            Cfn::Bool(b) => s.serialize_bool(*b),
            Cfn::Int(i) => s.serialize_i64(*i),
            Cfn::Ref(r) => self.one_line(s, |s| function(s, "Ref", r)),
            Cfn::Sub(x) => self.one_line(s, |s| function(s, "Fn::Sub", x)),
            Cfn::GetAtt(r, a) => self.one_line(s, |s| function(s, "Fn::GetAtt", &[r, a])),
            Cfn::Join(sep, v) => self.one_line(s, |s| function(s, "Fn::Join", &(sep, self.of(v)))),
            Cfn::Equals(a, b) => {
                self.one_line(s, |s| function(s, "Fn::Equals", &(self.of(a), self.of(b))))
            }
            Cfn::Select(i, v) => self.one_line(s, |s| function(s, "Fn::Select", &(i, self.of(v)))),
            Cfn::Split(sep, v) => {
                self.one_line(s, |s| function(s, "Fn::Split", &(sep, self.of(v))))
            }
            Cfn::List(items) if !self.value.is_block() => self.one_line(s, |s| self.seq(s, items)),
            Cfn::List(items) => self.seq(s, items),
            Cfn::Map(entries) => {
                let mut m = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    m.serialize_entry(k.as_ref(), &self.of(v))?;
                }
                m.end()
            }
            Cfn::Shared(shared) => match shared.json_raw() {
                Some(raw) => raw.serialize(s),
                None => self.of(shared.value()).serialize(s),
            },
        }
    }
}

impl Json<'_> {
    fn seq<S: Serializer>(&self, s: S, items: &[Cfn]) -> Result<S::Ok, S::Error> {
        let mut l = s.serialize_seq(Some(items.len()))?;
        for item in items {
            l.serialize_element(&self.of(item))?;
        }
        l.end()
    }
}

/// serde_json's pretty layout (two spaces a level, from `indent`), but on
/// one line while `inline` is above 0, with vpcegen's string escapes.
struct Layout<'a> {
    indent: usize,
    has_value: bool,
    inline: &'a Cell<usize>,
    /// Objects and lists open on their own lines, the value itself being 1.
    depth: usize,
    /// Whether an empty member of the value closes on a line of its own.
    open_members: bool,
}

impl Layout<'_> {
    fn one_line(&self) -> bool {
        self.inline.get() > 0
    }

    fn newline<W: ?Sized + io::Write>(&self, w: &mut W, comma: bool) -> io::Result<()> {
        let mut s = String::with_capacity(self.indent + 2);
        if comma {
            s.push(',');
        }
        s.push('\n');
        pad(self.indent, &mut s);
        w.write_all(s.as_bytes())
    }

    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        if !self.one_line() {
            self.indent += 2;
            self.depth += 1;
            self.has_value = false;
        }
        w.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        if !self.one_line() {
            self.indent -= 2;
            self.depth -= 1;
            if self.has_value || (self.open_members && self.depth == 1) {
                self.newline(w, false)?;
            }
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        match (self.one_line(), first) {
            (true, true) => Ok(()),
            (true, false) => w.write_all(b", "),
            (false, first) => self.newline(w, !first),
        }
    }
}

impl Formatter for Layout<'_> {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, if self.one_line() { b"{ " } else { b"{" })
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, if self.one_line() { b" }" } else { b"}" })
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    /// A shared value, written at indent 0: its lines after the first
    /// shift to this one's indent.
    fn write_raw_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        text: &str,
    ) -> io::Result<()> {
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.newline(w, false)?;
            }
            w.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    /// What serde_json leaves raw but [`json_quoted`] escapes: DEL, C1
    /// controls, invisible separators.
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if fragment.bytes().all(|b| b < 0x7F) {
            return w.write_all(fragment.as_bytes());
        }
        let quoted = json_quoted(fragment);
        w.write_all(&quoted.as_bytes()[1..quoted.len() - 1])
    }

    /// `\u0008` and `\u000c` rather than `\b` and `\f`, as [`json_quoted`].
    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        match escape {
            CharEscape::Backspace => w.write_all(b"\\u0008"),
            CharEscape::FormFeed => w.write_all(b"\\u000c"),
            other => CompactFormatter.write_char_escape(w, other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: Vec<(&'static str, Cfn)>) -> Cfn {
        Cfn::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Only a template's empty top-level members span two lines, as the
    /// hand-written template had them; any other empty object is `{}`.
    #[test]
    fn an_empty_top_level_member_of_a_template_spans_two_lines() {
        let doc = map(vec![
            ("Resources", Cfn::Map(Vec::new())),
            ("Outputs", map(vec![("A", Cfn::Map(Vec::new()))])),
        ]);
        let mut text = String::new();
        write_template(&doc, &mut text).unwrap();
        assert_eq!(
            text,
            "{\n  \"Resources\": {\n  },\n  \"Outputs\": {\n    \"A\": {}\n  }\n}"
        );
        let mut text = String::new();
        write(&doc, 0, &mut text).unwrap();
        assert!(text.starts_with("{\n  \"Resources\": {},\n"), "{text}");
    }

    /// Strings are escaped as `json_quoted` escapes them, keys too.
    #[test]
    fn strings_and_keys_are_escaped_as_json_quoted() {
        let nasty = "a\"b\\c\n\u{8}\u{c}\u{7f}\u{85}\u{2028}\u{feff}\u{fffe}é";
        let mut text = String::new();
        write(&map(vec![("k", Cfn::Str(nasty.into()))]), 0, &mut text).unwrap();
        assert_eq!(text, format!("{{\n  \"k\": {}\n}}", json_quoted(nasty)));
        let key = Cfn::Map(vec![(nasty.into(), Cfn::Int(1))]);
        let mut text = String::new();
        write(&key, 0, &mut text).unwrap();
        assert_eq!(text, format!("{{\n  {}: 1\n}}", json_quoted(nasty)));
    }

    /// Intrinsic functions and lists of scalars stay on one line, even
    /// inside a block.
    #[test]
    fn intrinsic_functions_and_scalar_lists_stay_on_one_line() {
        let value = map(vec![
            (
                "Ids",
                Cfn::List(vec![Cfn::GetAtt("Sg".into(), "GroupId".into())]),
            ),
            (
                "Dns",
                Cfn::Join(
                    ",".into(),
                    Box::new(Cfn::GetAtt("E".into(), "DnsEntries".into())),
                ),
            ),
            (
                "Tags",
                Cfn::List(vec![map(vec![("Key", Cfn::Ref("K".into()))])]),
            ),
        ]);
        let mut text = String::new();
        write(&value, 2, &mut text).unwrap();
        assert_eq!(
            text,
            "{\n    \"Ids\": [{ \"Fn::GetAtt\": [\"Sg\", \"GroupId\"] }],\n    \"Dns\": { \"Fn::Join\": [\",\", { \"Fn::GetAtt\": [\"E\", \"DnsEntries\"] }] },\n    \"Tags\": [\n      {\n        \"Key\": { \"Ref\": \"K\" }\n      }\n    ]\n  }"
        );
    }
}
