//! Decodes the `condition` tree, bounding its depth and size before recursing.

use super::json::{Object, child, index, keep, keyword, required, type_name};
use crate::limits::{MAX_BARS, MAX_DEPTH, MAX_NODES};
use crate::{ConditionSpec, ErrorKind, Op, OpKind, Operand, ValidationError};
use serde_json::Value;

pub(crate) struct Walk<'e> {
    errors: &'e mut Vec<ValidationError>,
    nodes: usize,
    too_big_reported: bool,
}

impl<'e> Walk<'e> {
    pub(crate) fn new(errors: &'e mut Vec<ValidationError>) -> Self {
        Self {
            errors,
            nodes: 0,
            too_big_reported: false,
        }
    }

    pub(crate) fn condition(
        &mut self,
        value: &Value,
        path: &str,
        depth: usize,
    ) -> Option<ConditionSpec> {
        if depth > MAX_DEPTH {
            self.errors.push(ValidationError::new(
                ErrorKind::TooComplex,
                path,
                format!("conditions may nest at most {MAX_DEPTH} levels deep"),
            ));
            return None;
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            if !self.too_big_reported {
                self.too_big_reported = true;
                self.errors.push(ValidationError::new(
                    ErrorKind::TooComplex,
                    path,
                    format!("a rule may have at most {MAX_NODES} conditions in total"),
                ));
            }
            return None;
        }
        let Some(obj) = value.as_object() else {
            self.errors.push(ValidationError::new(
                ErrorKind::WrongType,
                path,
                format!("a condition must be an object, got {}", type_name(value)),
            ));
            return None;
        };
        let shapes = ["all", "any", "op"]
            .iter()
            .filter(|k| obj.contains_key(**k))
            .count();
        if shapes > 1 {
            self.errors.push(ValidationError::new(
                ErrorKind::InvalidValue,
                path,
                "a condition has exactly one of \"all\", \"any\" or \"op\"",
            ));
            return None;
        }
        if let Some(list) = obj.get("all") {
            let all = self.children(list, &child(path, "all"), depth)?;
            Some(ConditionSpec::All { all })
        } else if let Some(list) = obj.get("any") {
            let any = self.children(list, &child(path, "any"), depth)?;
            Some(ConditionSpec::Any { any })
        } else {
            self.leaf(obj, path)
        }
    }

    fn children(&mut self, list: &Value, path: &str, depth: usize) -> Option<Vec<ConditionSpec>> {
        let Some(items) = list.as_array() else {
            self.errors.push(ValidationError::new(
                ErrorKind::WrongType,
                path,
                format!("must be an array of conditions, got {}", type_name(list)),
            ));
            return None;
        };
        if items.is_empty() {
            self.errors.push(ValidationError::new(
                ErrorKind::InvalidValue,
                path,
                "must list at least one condition",
            ));
            return None;
        }
        let decoded: Vec<Option<ConditionSpec>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| self.condition(item, &index(path, i), depth + 1))
            .collect();
        decoded.into_iter().collect()
    }

    fn leaf(&mut self, obj: &Object, path: &str) -> Option<ConditionSpec> {
        let left = keep(self.errors, left(obj, path));
        let op = keep(self.errors, op(obj, path))?;
        match op.kind() {
            OpKind::Compare => {
                let right = keep(self.errors, operand(obj, path, "right"));
                Some(ConditionSpec::Compare {
                    left: left?,
                    op,
                    right: right?,
                })
            }
            OpKind::Channel => {
                let lower = keep(self.errors, operand(obj, path, "lower"));
                let upper = keep(self.errors, operand(obj, path, "upper"));
                let (lower, upper) = (lower?, upper?);
                if let (Operand::Number(lo), Operand::Number(hi)) = (&lower, &upper)
                    && lo > hi
                {
                    self.errors.push(ValidationError::new(
                        ErrorKind::InvalidValue,
                        child(path, "lower"),
                        format!("lower bound {lo} is above upper bound {hi}"),
                    ));
                    return None;
                }
                Some(ConditionSpec::Channel {
                    left: left?,
                    op,
                    lower,
                    upper,
                })
            }
            OpKind::Moving => {
                let bars = keep(self.errors, bars(obj, path));
                let value = keep(self.errors, moving_value(obj, path));
                Some(ConditionSpec::Moving {
                    left: left?,
                    op,
                    bars: bars?,
                    value: value?,
                })
            }
        }
    }
}

fn left(obj: &Object, path: &str) -> Result<String, ValidationError> {
    let value = required(obj, path, "left")?;
    value.as_str().map(str::to_owned).ok_or_else(|| {
        ValidationError::new(
            ErrorKind::WrongType,
            child(path, "left"),
            format!("left must be a metric field name, got {}", type_name(value)),
        )
    })
}

fn op(obj: &Object, path: &str) -> Result<Op, ValidationError> {
    let value = required(obj, path, "op")?;
    keyword(
        value,
        &child(path, "op"),
        "operator",
        ErrorKind::UnknownOperator,
        Op::parse,
        Op::names(),
    )
}

fn operand(obj: &Object, path: &str, key: &str) -> Result<Operand, ValidationError> {
    let value = required(obj, path, key).map_err(|mut e| {
        if key == "lower" || key == "upper" {
            e.message = format!("channel operators need both bounds; {key} is missing");
        }
        e
    })?;
    match value {
        Value::String(s) => Ok(Operand::Field(s.clone())),
        Value::Number(n) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Operand::Number)
            .ok_or_else(|| {
                ValidationError::new(
                    ErrorKind::InvalidValue,
                    child(path, key),
                    "must be a finite number",
                )
            }),
        other => Err(ValidationError::new(
            ErrorKind::WrongType,
            child(path, key),
            format!(
                "must be a metric field name or a number, got {}",
                type_name(other)
            ),
        )),
    }
}

fn bars(obj: &Object, path: &str) -> Result<u32, ValidationError> {
    let value = required(obj, path, "bars")?;
    value
        .as_u64()
        .and_then(|b| u32::try_from(b).ok())
        .filter(|b| (1..=MAX_BARS).contains(b))
        .ok_or_else(|| {
            ValidationError::new(
                ErrorKind::InvalidValue,
                child(path, "bars"),
                format!("bars must be a whole number from 1 to {MAX_BARS}, got {value}"),
            )
        })
}

fn moving_value(obj: &Object, path: &str) -> Result<f64, ValidationError> {
    let value = required(obj, path, "value")?;
    let Some(n) = value.as_f64() else {
        return Err(ValidationError::new(
            ErrorKind::WrongType,
            child(path, "value"),
            format!("value must be a number, got {}", type_name(value)),
        ));
    };
    if !n.is_finite() || n < 0.0 {
        return Err(ValidationError::new(
            ErrorKind::InvalidValue,
            child(path, "value"),
            format!("value must be zero or positive (the size of the move), got {n}"),
        ));
    }
    Ok(n)
}
