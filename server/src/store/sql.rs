//! Statements written piece by piece: fixed SQL (keywords, column names of the code) and values, each value
//! becoming the next numbered placeholder (`$1`, `$2`…, which both engines read; sqlx's `QueryBuilder<Any>`
//! writes `?`, which PostgreSQL refuses) and bound in that order. No text a client sent is ever part of the SQL.

use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs};

use super::Backend;

/// A value bound to a placeholder, as its column holds it (flags as 0/1 integers).
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    Int(i64),
    Real(f64),
    Text(String),
    /// `NULL` for an integer column (PostgreSQL wants a typed one).
    NullInt,
    /// `NULL` for a real column.
    NullReal,
    /// `NULL` for a text column.
    NullText,
}

impl From<i64> for Param {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<bool> for Param {
    fn from(value: bool) -> Self {
        Self::Int(i64::from(value))
    }
}

impl From<f64> for Param {
    fn from(value: f64) -> Self {
        Self::Real(value)
    }
}

impl From<String> for Param {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl From<&str> for Param {
    fn from(value: &str) -> Self {
        Self::Text(value.to_string())
    }
}

/// `query` with `params` bound in order (a `Query` or a `QueryAs`: both bind, no trait says so).
macro_rules! bound {
    ($query:expr, $params:expr) => {
        $params
            .into_iter()
            .fold($query, |query, param| match param {
                Param::Int(v) => query.bind(v),
                Param::Real(v) => query.bind(v),
                Param::Text(v) => query.bind(v),
                Param::NullInt => query.bind(None::<i64>),
                Param::NullReal => query.bind(None::<f64>),
                Param::NullText => query.bind(None::<String>),
            })
    };
}

/// A statement and its values.
#[derive(Clone, Debug, Default)]
pub struct Sql {
    text: String,
    params: Vec<Param>,
}

impl Sql {
    /// A statement starting with fixed SQL.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            params: Vec::new(),
        }
    }

    /// Appends fixed SQL: keywords, the code's column names, never a value.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends the next placeholder, `value` bound to it.
    pub fn bind(&mut self, value: impl Into<Param>) -> &mut Self {
        self.params.push(value.into());
        self.text.push_str(&format!("${}", self.params.len()));
        self
    }

    /// Appends placeholders separated by commas, one for each value.
    pub fn bind_list<T: Into<Param>>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(value);
        }
        self
    }

    /// Puts fixed SQL (no value) before the statement: its placeholders keep their numbers.
    pub fn prefixed(mut self, fixed: &str) -> Self {
        self.text.insert_str(0, fixed);
        self
    }

    /// Puts fixed SQL after the statement.
    pub fn suffixed(mut self, fixed: &str) -> Self {
        self.text.push_str(fixed);
        self
    }

    /// The SQL written so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The values bound so far, in order.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The statement, its values bound.
    pub fn query(self) -> Query<'static, Any, AnyArguments> {
        bound!(
            sqlx::query::<Any>(sqlx::AssertSqlSafe(self.text)),
            self.params
        )
    }

    /// The statement read as rows of `T`, its values bound.
    pub fn query_as<T>(self) -> QueryAs<'static, Any, T, AnyArguments>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        bound!(
            sqlx::query_as::<Any, T>(sqlx::AssertSqlSafe(self.text)),
            self.params
        )
    }
}

impl Backend {
    /// The operator matching a `LIKE` pattern whatever the case: SQLite's `LIKE` ignores it (for ASCII),
    /// PostgreSQL's does not.
    pub fn like_ignoring_case(self) -> &'static str {
        match self {
            Self::Sqlite => "LIKE",
            Self::Postgres => "ILIKE",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_numbered_placeholders_in_order() {
        let mut sql = Sql::new("SELECT gid FROM dae WHERE nom = ");
        sql.bind("a")
            .push(" AND gid IN (")
            .bind_list([3_i64, 4])
            .push(") LIMIT ")
            .bind(20_i64);
        assert_eq!(
            sql.text(),
            "SELECT gid FROM dae WHERE nom = $1 AND gid IN ($2, $3) LIMIT $4"
        );
        assert_eq!(
            sql.params,
            [
                Param::Text("a".into()),
                Param::Int(3),
                Param::Int(4),
                Param::Int(20)
            ]
        );
    }
}
