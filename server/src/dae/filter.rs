//! The `_where` expression of Géo'DAE's list call, e.g.
//! `and(eq(com_nom,Nantes),or(eq(etat_fonct,En fonctionnement),isnull(etat_fonct)))`.
//!
//! Grammar (spaces around the parts are ignored):
//!
//! ```text
//! expr    = logic | compare | in | isnull
//! logic   = ("and" | "or") "(" expr { "," expr } ")"
//! compare = ("eq" | "ne" | "lt" | "le" | "gt" | "ge" | "like") "(" field "," value ")"
//! in      = "in" "(" field "," value { "," value } ")"
//! isnull  = "isnull" "(" field ")"
//! value   = '"' { any character, with \" and \\ escaped } '"' | bare
//! bare    = characters other than , ( ) and " — spaces and apostrophes included ("En fonctionnement", L'Isle-Adam)
//! ```
//!
//! Fields are the public ones; each value is checked against its field's kind and becomes a bound parameter:
//! the SQL holds only column names from [`super::FIELDS`] and placeholders, never text from the request.

use super::{Field, Kind, field_names, find_field, is_date};
use crate::store::{Backend, Param, Sql};

/// Longest expression accepted, in characters.
pub const MAX_LENGTH: usize = 4000;
/// Deepest nesting of `and`/`or` accepted.
pub const MAX_DEPTH: usize = 16;
/// Most values of one `in`.
pub const MAX_IN: usize = 500;

/// A condition on the records.
#[derive(Debug, PartialEq)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Compare(&'static Field, Op, Value),
    In(&'static Field, Vec<Value>),
    IsNull(&'static Field),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `%` any run of characters, `_` one character; ignores the case.
    Like,
}

/// A value typed by its field.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Integer(i64),
    Number(f64),
    Text(String),
    Boolean(bool),
}

/// Why an expression was refused: where (1 for the first character) and what.
#[derive(Debug, PartialEq, Eq)]
pub struct FilterError {
    pub position: usize,
    pub message: String,
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "_where, caractère {} : {}", self.position, self.message)
    }
}

/// Parses a `_where` expression.
pub fn parse(text: &str) -> Result<Filter, FilterError> {
    if text.chars().count() > MAX_LENGTH {
        return Err(FilterError {
            position: MAX_LENGTH + 1,
            message: format!("l'expression dépasse {MAX_LENGTH} caractères."),
        });
    }
    let mut parser = Parser {
        chars: text.chars().collect(),
        at: 0,
    };
    // As the original's documentation page generated it: the parameter's name copied into its value, and the
    // condition between parentheses of its own.
    let (start, end) = unwrapped(&parser.chars);
    parser.at = start;
    parser.chars.truncate(end);
    let filter = parser.expr(0)?;
    parser.skip_spaces();
    if parser.at < parser.chars.len() {
        return Err(parser.error("la fin de l'expression était attendue ici."));
    }
    Ok(filter)
}

/// Where the condition starts and ends in `chars`: past a leading `?_where=` (or `_where=`) and inside outer
/// parentheses that hold the whole of it (`(eq(com_nom,Paris))`), however many. One pass: each opening
/// parenthesis's closing one is found once (quoted values skipped), so a long run of them costs no more than its length.
fn unwrapped(chars: &[char]) -> (usize, usize) {
    let spaces = |part: &[char]| part.iter().take_while(|c| c.is_whitespace()).count();
    let trailing = |part: &[char]| part.iter().rev().take_while(|c| c.is_whitespace()).count();
    let mut start = spaces(chars);
    let mut end = (chars.len() - trailing(chars)).max(start);
    for prefix in ["?_where=", "_where="] {
        let prefix: Vec<char> = prefix.chars().collect();
        if chars[start..end].starts_with(&prefix) {
            start += prefix.len();
            break;
        }
    }
    let closing = closings(&chars[..end]);
    while end > start + 1 && chars[start] == '(' && closing[start] == Some(end - 1) {
        start += 1;
        end -= 1;
        start += spaces(&chars[start..end]);
        end -= trailing(&chars[start..end]);
    }
    (start, end)
}

/// For each opening parenthesis of `chars`, the index of the one that closes it (quoted values skipped).
fn closings(chars: &[char]) -> Vec<Option<usize>> {
    let mut closing = vec![None; chars.len()];
    let mut open = Vec::new();
    let mut quoted = false;
    let mut escaped = false;
    for (i, &c) in chars.iter().enumerate() {
        if quoted {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            '(' => open.push(i),
            ')' => {
                if let Some(at) = open.pop() {
                    closing[at] = Some(i);
                }
            }
            _ => {}
        }
    }
    closing
}

/// What an expression's name announces.
enum Head {
    /// `and` (true) or `or` (false).
    Logic(bool),
    In,
    IsNull,
    Compare(Op),
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn error(&self, message: impl Into<String>) -> FilterError {
        self.error_at(self.at, message)
    }

    fn error_at(&self, at: usize, message: impl Into<String>) -> FilterError {
        FilterError {
            position: at + 1,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn expect(&mut self, wanted: char) -> Result<(), FilterError> {
        self.skip_spaces();
        match self.peek() {
            Some(c) if c == wanted => {
                self.at += 1;
                Ok(())
            }
            Some(c) => Err(self.error(format!("« {wanted} » attendu, « {c} » trouvé."))),
            None => Err(self.error(format!(
                "« {wanted} » attendu : l'expression s'arrête avant (parenthèse non fermée ?)."
            ))),
        }
    }

    /// A run of letters, digits and underscores.
    fn word(&mut self) -> (usize, String) {
        self.skip_spaces();
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.at += 1;
        }
        (start, self.chars[start..self.at].iter().collect())
    }

    fn expr(&mut self, depth: usize) -> Result<Filter, FilterError> {
        let (start, name) = self.word();
        if name.is_empty() {
            return Err(self.error(
                "une condition était attendue : and, or, eq, ne, lt, le, gt, ge, in, like ou isnull.",
            ));
        }
        let head = match name.as_str() {
            "and" => Head::Logic(true),
            "or" => Head::Logic(false),
            "in" => Head::In,
            "isnull" => Head::IsNull,
            "eq" => Head::Compare(Op::Eq),
            "ne" => Head::Compare(Op::Ne),
            "lt" => Head::Compare(Op::Lt),
            "le" => Head::Compare(Op::Le),
            "gt" => Head::Compare(Op::Gt),
            "ge" => Head::Compare(Op::Ge),
            "like" => Head::Compare(Op::Like),
            _ => {
                return Err(self.error_at(
                    start,
                    format!(
                        "opérateur inconnu « {name} » : and, or, eq, ne, lt, le, gt, ge, in, like ou isnull."
                    ),
                ));
            }
        };
        self.expect('(')?;
        let filter = match head {
            Head::Logic(all) => {
                if depth >= MAX_DEPTH {
                    return Err(self.error_at(
                        start,
                        format!("trop d'imbrications (au plus {MAX_DEPTH} niveaux de and/or)."),
                    ));
                }
                let mut items = vec![self.expr(depth + 1)?];
                while self.comma_or_close()? {
                    items.push(self.expr(depth + 1)?);
                }
                if all {
                    Filter::And(items)
                } else {
                    Filter::Or(items)
                }
            }
            Head::In => {
                let field = self.field()?;
                self.expect(',')?;
                let mut values = vec![self.value(field)?];
                while self.comma_or_close()? {
                    if values.len() == MAX_IN {
                        return Err(self.error(format!("in() prend au plus {MAX_IN} valeurs.")));
                    }
                    values.push(self.value(field)?);
                }
                Filter::In(field, values)
            }
            Head::IsNull => {
                let field = self.field()?;
                self.expect(')')?;
                Filter::IsNull(field)
            }
            Head::Compare(op) => {
                let field = self.field()?;
                if op == Op::Like && !matches!(field.kind, Kind::Text | Kind::List) {
                    return Err(self.error_at(
                        start,
                        format!(
                            "like ne s'applique qu'aux champs texte ; « {} » n'en est pas un.",
                            field.name
                        ),
                    ));
                }
                self.expect(',')?;
                let value = self.value(field)?;
                self.expect(')')?;
                Filter::Compare(field, op, value)
            }
        };
        Ok(filter)
    }

    /// After an argument: `true` on a comma (another one follows), `false` on the closing parenthesis.
    fn comma_or_close(&mut self) -> Result<bool, FilterError> {
        self.skip_spaces();
        match self.peek() {
            Some(',') => {
                self.at += 1;
                Ok(true)
            }
            Some(')') => {
                self.at += 1;
                Ok(false)
            }
            Some(c) => Err(self.error(format!("« , » ou « ) » attendu, « {c} » trouvé."))),
            None => Err(self
                .error("« ) » attendu : l'expression s'arrête avant (parenthèse non fermée ?).")),
        }
    }

    fn field(&mut self) -> Result<&'static Field, FilterError> {
        let (start, name) = self.word();
        if name.is_empty() {
            return Err(self.error("un nom de champ était attendu."));
        }
        find_field(&name).ok_or_else(|| {
            self.error_at(
                start,
                format!(
                    "champ inconnu « {name} » ; champs publics : {}.",
                    field_names()
                ),
            )
        })
    }

    /// A quoted or bare value, typed by `field`.
    fn value(&mut self, field: &'static Field) -> Result<Value, FilterError> {
        self.skip_spaces();
        let start = self.at;
        let text = if self.peek() == Some('"') {
            self.at += 1;
            let mut text = String::new();
            loop {
                match self.peek() {
                    None => return Err(self.error_at(start, "guillemet ouvert jamais fermé.")),
                    Some('"') => {
                        self.at += 1;
                        break;
                    }
                    Some('\\') => {
                        self.at += 1;
                        match self.peek() {
                            Some(c @ ('"' | '\\')) => {
                                text.push(c);
                                self.at += 1;
                            }
                            _ => {
                                return Err(self.error(
                                    "dans une valeur entre guillemets, \\ ne précède que \" ou \\.",
                                ));
                            }
                        }
                    }
                    Some(c) => {
                        text.push(c);
                        self.at += 1;
                    }
                }
            }
            text
        } else {
            while let Some(c) = self.peek() {
                match c {
                    ',' | ')' => break,
                    '(' | '"' => {
                        return Err(self.error(format!(
                            "« {c} » dans une valeur : mettez la valeur entre guillemets (\"…\")."
                        )));
                    }
                    _ => self.at += 1,
                }
            }
            let text: String = self.chars[start..self.at].iter().collect();
            let text = text.trim().to_string();
            if text.is_empty() {
                return Err(self.error_at(start, "une valeur était attendue."));
            }
            text
        };
        typed(field, text).map_err(|message| self.error_at(start, message))
    }
}

/// The value `text` as `field`'s kind.
fn typed(field: &Field, text: String) -> Result<Value, String> {
    let refused = |text: &str| {
        format!(
            "« {text} » ne convient pas au champ « {} », qui attend {}.",
            field.name,
            field.kind.expected()
        )
    };
    match field.kind {
        Kind::Text | Kind::List => Ok(Value::Text(text)),
        Kind::Integer => text.parse().map(Value::Integer).map_err(|_| refused(&text)),
        Kind::Number => text
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Value::Number)
            .ok_or_else(|| refused(&text)),
        Kind::Boolean => match text.to_lowercase().as_str() {
            "true" | "t" | "oui" | "1" => Ok(Value::Boolean(true)),
            "false" | "f" | "non" | "0" => Ok(Value::Boolean(false)),
            _ => Err(refused(&text)),
        },
        Kind::Date if is_date(&text) => Ok(Value::Text(text)),
        Kind::Date => Err(refused(&text)),
    }
}

impl From<&Value> for Param {
    /// A value as its column holds it (flags as 0/1 integers).
    fn from(value: &Value) -> Self {
        match value {
            Value::Text(t) => Self::Text(t.clone()),
            Value::Integer(n) => Self::Int(*n),
            Value::Number(n) => Self::Real(*n),
            Value::Boolean(b) => Self::from(*b),
        }
    }
}

impl Filter {
    /// Appends the condition to `sql`, for `backend` (`like` ignores the case on both), its values bound.
    pub fn to_sql(&self, backend: Backend, sql: &mut Sql) {
        match self {
            Self::And(items) | Self::Or(items) => {
                let joint = if matches!(self, Self::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                sql.push("(");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        sql.push(joint);
                    }
                    item.to_sql(backend, sql);
                }
                sql.push(")");
            }
            Self::Compare(field, op, value) => {
                let operator = match op {
                    Op::Eq => "=",
                    Op::Ne => "<>",
                    Op::Lt => "<",
                    Op::Le => "<=",
                    Op::Gt => ">",
                    Op::Ge => ">=",
                    Op::Like => backend.like_ignoring_case(),
                };
                sql.push(&format!("{} {operator} ", field.name)).bind(value);
            }
            Self::In(field, values) => {
                sql.push(&format!("{} IN (", field.name))
                    .bind_list(values)
                    .push(")");
            }
            Self::IsNull(field) => {
                sql.push(&format!("{} IS NULL", field.name));
            }
        }
    }
}

#[cfg(test)]
mod tests;
