//! Message templates: parsed once at validation time into literal and placeholder parts.

use crate::checks::suggest;
use crate::limits::MAX_MESSAGE_CHARS;
use crate::{FieldId, Schema};

/// Used when a rule has no `message`.
pub const DEFAULT_MESSAGE: &str = "{{symbol}} {{interval}}: {{value}} at {{time}}";

/// Placeholders that are not schema fields; they win over a schema field of the same name.
const RESERVED: [(&str, Part); 6] = [
    ("symbol", Part::Symbol),
    ("exchange", Part::Exchange),
    ("interval", Part::Interval),
    ("value", Part::Value),
    ("time", Part::Time),
    ("timenow", Part::TimeNow),
];

/// A parsed template. `{{ name }}` may have spaces inside the braces; a lone `{` or `}` is literal text.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub(crate) text: Box<str>,
    pub(crate) parts: Box<[Part]>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Part {
    /// Byte range of `text`.
    Literal(u32, u32),
    Symbol,
    Exchange,
    Interval,
    /// The first leaf's left operand.
    Value,
    /// Bar open time, UTC ISO-8601.
    Time,
    /// Wall-clock time of the update, UTC ISO-8601.
    TimeNow,
    Field(FieldId),
}

/// A template problem at a character offset (not a byte offset), for the user's editor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {offset})")]
pub struct TemplateError {
    pub offset: usize,
    pub message: String,
}

impl Template {
    pub fn parse<S: Schema + ?Sized>(text: &str, schema: &S) -> Result<Self, TemplateError> {
        let fail = |byte: usize, message: String| TemplateError {
            offset: text[..byte].chars().count(),
            message,
        };
        if text.chars().count() > MAX_MESSAGE_CHARS {
            return Err(fail(
                0,
                format!("message must be at most {MAX_MESSAGE_CHARS} characters"),
            ));
        }
        let mut parts = Vec::new();
        let mut rest = 0;
        while let Some(found) = text[rest..].find("{{") {
            let open = rest + found;
            let Some(len) = text[open + 2..].find("}}") else {
                return Err(fail(open, "\"{{\" is never closed by \"}}\"".to_owned()));
            };
            let name = text[open + 2..open + 2 + len].trim();
            let part = resolve(name, schema).map_err(|m| fail(open, m))?;
            push_literal(&mut parts, rest, open);
            parts.push(part);
            rest = open + 2 + len + 2;
        }
        push_literal(&mut parts, rest, text.len());
        Ok(Self {
            text: text.into(),
            parts: parts.into_boxed_slice(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn push_literal(parts: &mut Vec<Part>, start: usize, end: usize) {
    // MAX_MESSAGE_CHARS keeps offsets far below u32::MAX.
    if let (true, Ok(s), Ok(e)) = (start < end, u32::try_from(start), u32::try_from(end)) {
        parts.push(Part::Literal(s, e));
    }
}

fn resolve<S: Schema + ?Sized>(name: &str, schema: &S) -> Result<Part, String> {
    if name.is_empty() {
        return Err("empty placeholder \"{{}}\"".to_owned());
    }
    if let Some((_, part)) = RESERVED.iter().find(|(n, _)| *n == name) {
        return Ok(*part);
    }
    if let Some(id) = schema.resolve(name) {
        return Ok(Part::Field(id));
    }
    let mut known: Vec<&str> = RESERVED.iter().map(|(n, _)| *n).collect();
    known.extend(schema.field_names());
    Err(match suggest(name, &known) {
        Some(close) => format!("unknown placeholder {{{{{name}}}}}; did you mean {{{{{close}}}}}?"),
        None => format!(
            "unknown placeholder {{{{{name}}}}}; use symbol, exchange, interval, value, time, timenow or a field name"
        ),
    })
}
