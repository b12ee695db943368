//! Géo'DAE's list call, `GET /api/dae?offset=&limit=&sort_by=&_where=`: records filtered and sorted, as many as
//! asked (the answer is streamed by `stream`).

use serde_json::{Map, Value as Json};
use sqlx::Row;

use super::filter::{self, Filter};
use super::{FIELDS, Field, Kind, field_names, find_field};
use crate::store::Sql;

/// Records of a page when `limit` is not given.
pub const DEFAULT_LIMIT: i64 = 20;

/// A list request, checked.
#[derive(Debug)]
pub struct ListQuery {
    pub offset: i64,
    pub limit: i64,
    /// Fields and whether descending; `gid` ends every order, so that pages never overlap.
    pub sort: Vec<(&'static Field, bool)>,
    pub filter: Option<Filter>,
}

/// The request's parameters as sent (`None` when absent).
#[derive(Debug, Default, serde::Deserialize)]
pub struct RawListQuery {
    pub offset: Option<String>,
    pub limit: Option<String>,
    pub sort_by: Option<String>,
    #[serde(rename = "_where")]
    pub filter: Option<String>,
}

impl RawListQuery {
    /// Checks every parameter; the error names the parameter and what it expects, in French.
    pub fn check(&self) -> Result<ListQuery, String> {
        let number = |name: &str, text: Option<&str>, default: i64, max: i64| {
            let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
                return Ok(default);
            };
            match text.parse::<i64>() {
                Ok(n) if (0..=max).contains(&n) => Ok(n),
                _ if max == i64::MAX => Err(format!(
                    "Le paramètre {name} doit être un entier positif ou nul ; « {text} » ne convient pas."
                )),
                _ => Err(format!(
                    "Le paramètre {name} doit être un entier entre 0 et {max} ; « {text} » ne convient pas."
                )),
            }
        };
        let offset = number("offset", self.offset.as_deref(), 0, i64::from(u32::MAX))?;
        // No ceiling, as the original: a long answer is streamed (see `stream`).
        let limit = number("limit", self.limit.as_deref(), DEFAULT_LIMIT, i64::MAX)?;
        let mut sort = Vec::new();
        for part in self
            .sort_by
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (name, direction) = part.split_once(':').unwrap_or((part, "asc"));
            let field = find_field(name.trim()).ok_or_else(|| {
                format!(
                    "sort_by : champ inconnu « {} » ; champs publics : {}.",
                    name.trim(),
                    field_names()
                )
            })?;
            let descending = match direction.trim().to_lowercase().as_str() {
                "asc" => false,
                "desc" => true,
                other => {
                    return Err(format!(
                        "sort_by : le sens « {other} » n'existe pas ; écrivez champ:asc ou champ:desc."
                    ));
                }
            };
            sort.push((field, descending));
        }
        let filter = match self.filter.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(filter::parse(text).map_err(|e| format!("{e}"))?),
        };
        Ok(ListQuery {
            offset,
            limit,
            sort,
            filter,
        })
    }
}

/// ` ORDER BY …` of a query: the fields of `sort` (empty values last, whichever the direction, on both
/// engines), then `gid`, so that the order is total and pages never overlap.
pub fn order_by(sort: &[(&'static Field, bool)], sql: &mut Sql) {
    sql.push(" ORDER BY ");
    let mut seen: Vec<&str> = Vec::with_capacity(sort.len());
    for (field, descending) in sort {
        if field.name == "gid" || seen.contains(&field.name) {
            continue;
        }
        seen.push(field.name);
        sql.push(&format!(
            "{name} IS NULL, {name} {}, ",
            if *descending { "DESC" } else { "ASC" },
            name = field.name
        ));
    }
    let gid_descending = sort
        .iter()
        .any(|(field, descending)| field.name == "gid" && *descending);
    sql.push(if gid_descending {
        "gid DESC"
    } else {
        "gid ASC"
    });
}

/// One row as a JSON object.
pub fn record(row: &sqlx::any::AnyRow) -> Result<Map<String, Json>, sqlx::Error> {
    let mut object = Map::with_capacity(FIELDS.len());
    for (i, field) in FIELDS.iter().enumerate() {
        let value = match field.kind {
            Kind::Integer => row.try_get::<Option<i64>, _>(i)?.map(Json::from),
            Kind::Number => row.try_get::<Option<f64>, _>(i)?.map(Json::from),
            Kind::Boolean => row
                .try_get::<Option<i64>, _>(i)?
                .map(|b| Json::Bool(b != 0)),
            Kind::Text | Kind::Date => row.try_get::<Option<String>, _>(i)?.map(Json::from),
            // Stored as schema-dae writes it, `|`-separated; answered as the list it is.
            Kind::List => row
                .try_get::<Option<String>, _>(i)?
                .map(|text| Json::from(text.split('|').collect::<Vec<_>>())),
        };
        object.insert(field.name.to_string(), value.unwrap_or(Json::Null));
    }
    Ok(object)
}
