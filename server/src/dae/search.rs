//! The modern read call, `GET /api/v1/dae`: the same filters as the list call (`_where`, or one parameter per
//! field for an equality), a box (`bbox=ouest,sud,est,nord`), or the nearest records (`near=lat,lon&radius=m`,
//! sorted by distance, each with `distance_m`), with keyset pagination (`after`, the `next` of the previous page).
//!
//! The position's index (`dae_by_position`, latitude then longitude) narrows a box to a band of latitudes; the
//! distances are then worked out here (haversine) for the records of the box around the circle.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};
use sqlx::Row;

use super::filter::{self, Filter};
use super::geometry::{around, distance_m};
use super::list::record;
use super::{field_names, find_field};
use crate::store::{Db, Sql};

/// Most records of one page of this call (it pages by cursor; Géo'DAE's list call has no ceiling).
pub const MAX_LIMIT: i64 = 1000;
/// Largest radius of `near`, in metres.
pub const MAX_RADIUS_M: f64 = 50_000.0;
/// Radius of `near` when not given.
pub const DEFAULT_RADIUS_M: f64 = 5_000.0;
/// Records of a page when `limit` is not given.
pub const DEFAULT_LIMIT: i64 = 20;

/// Where the records are looked for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Area {
    Everywhere,
    /// West, south, east, north (degrees, RFC 7946's order).
    Box([f64; 4]),
    /// Latitude, longitude, radius in metres.
    Near(f64, f64, f64),
}

/// Where the previous page stopped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum After {
    Start,
    Gid(i64),
    /// Distance in metres (as written in the cursor) and gid.
    Distance(f64, i64),
}

/// A read request, checked.
#[derive(Debug)]
pub struct SearchQuery {
    pub filter: Option<Filter>,
    pub area: Area,
    pub after: After,
    pub limit: i64,
}

/// A page: its records (with `distance_m` for `near`) and the cursor of the next page.
pub struct Page {
    pub records: Vec<Map<String, Json>>,
    pub next: Option<String>,
}

fn numbers(name: &str, text: &str, count: usize) -> Result<Vec<f64>, String> {
    let parts: Vec<Option<f64>> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>().ok().filter(|n| n.is_finite()))
        .collect();
    if parts.len() != count || parts.iter().any(Option::is_none) {
        return Err(format!(
            "Le paramètre {name} attend {count} nombres séparés par des virgules ; « {text} » ne convient pas."
        ));
    }
    Ok(parts.into_iter().flatten().collect())
}

impl SearchQuery {
    /// Checks the parameters; an error names the parameter and what it expects, in French.
    pub fn parse(params: &HashMap<String, String>) -> Result<Self, String> {
        let mut conditions = Vec::new();
        if let Some(text) = params
            .get("_where")
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            conditions.push(filter::parse(text).map_err(|e| e.to_string())?);
        }
        let mut names: Vec<&String> = params.keys().collect();
        names.sort();
        for name in names {
            let value = &params[name];
            match name.as_str() {
                "_where" | "bbox" | "near" | "radius" | "after" | "limit" => {}
                _ => {
                    let field = find_field(name).ok_or_else(|| {
                        format!(
                            "Paramètre inconnu « {name} » : _where, bbox, near, radius, after, limit, ou un champ public ({}).",
                            field_names()
                        )
                    })?;
                    // One field, one value: the same check as `eq(champ,valeur)`, the value quoted.
                    let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
                    let condition = filter::parse(&format!("eq({},\"{quoted}\")", field.name))
                        .map_err(|e| format!("Paramètre {name} : {}", e.message))?;
                    conditions.push(condition);
                }
            }
        }
        let filter = match conditions.len() {
            0 => None,
            1 => conditions.pop(),
            _ => Some(Filter::And(conditions)),
        };
        let area = match (params.get("bbox"), params.get("near")) {
            (Some(_), Some(_)) => {
                return Err("bbox et near ne se combinent pas : choisissez l'un des deux.".into());
            }
            (Some(text), None) => {
                let b = numbers("bbox", text, 4)?;
                if b[0] > b[2]
                    || b[1] > b[3]
                    || b[1] < -90.0
                    || b[3] > 90.0
                    || b[0] < -180.0
                    || b[2] > 180.0
                {
                    return Err(format!(
                        "Le paramètre bbox s'écrit ouest,sud,est,nord en degrés (ouest ≤ est, sud ≤ nord) ; « {text} » ne convient pas."
                    ));
                }
                Area::Box([b[0], b[1], b[2], b[3]])
            }
            (None, Some(text)) => {
                let p = numbers("near", text, 2)?;
                if p[0].abs() > 90.0 || p[1].abs() > 180.0 {
                    return Err(format!(
                        "Le paramètre near s'écrit latitude,longitude en degrés ; « {text} » ne convient pas."
                    ));
                }
                let radius = match params.get("radius") {
                    None => DEFAULT_RADIUS_M,
                    Some(r) => r
                        .trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|r| *r > 0.0 && *r <= MAX_RADIUS_M)
                        .ok_or_else(|| {
                            format!("Le paramètre radius est un nombre de mètres, de 1 à {MAX_RADIUS_M} ; « {r} » ne convient pas.")
                        })?,
                };
                Area::Near(p[0], p[1], radius)
            }
            (None, None) => {
                if params.contains_key("radius") {
                    return Err("Le paramètre radius va avec near=latitude,longitude.".into());
                }
                Area::Everywhere
            }
        };
        let limit = match params.get("limit").map(|l| l.trim()) {
            None | Some("") => DEFAULT_LIMIT,
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| format!("Le paramètre limit doit être un entier de 1 à {MAX_LIMIT} ; « {text} » ne convient pas."))?,
        };
        let after = match params
            .get("after")
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
        {
            None => After::Start,
            Some(text) => {
                let refused = || {
                    format!(
                        "Le paramètre after reprend le « next » de la page précédente ; « {text} » n'en est pas un."
                    )
                };
                match (area, text.split_once('_')) {
                    (Area::Near(..), Some((distance, gid))) => After::Distance(
                        distance
                            .parse()
                            .ok()
                            .filter(|d: &f64| d.is_finite())
                            .ok_or_else(refused)?,
                        gid.parse().map_err(|_| refused())?,
                    ),
                    (Area::Near(..), None) => return Err(refused()),
                    (_, None) => After::Gid(text.parse().map_err(|_| refused())?),
                    (_, Some(_)) => return Err(refused()),
                }
            }
        };
        Ok(Self {
            filter,
            area,
            after,
            limit,
        })
    }
}

/// One page of records.
pub async fn search(db: &Db, query: &SearchQuery) -> Result<Page, sqlx::Error> {
    let columns = field_names();
    let near = match query.area {
        Area::Near(lat, lon, radius) => Some((lat, lon, radius)),
        _ => None,
    };
    // For `near`, only the identifier and position of the records of the box are read first (the position's index
    // holds them); the page's records are read afterwards.
    let mut sql = if near.is_some() {
        Sql::new("SELECT gid, lat_coor1, long_coor1 FROM dae WHERE 1 = 1")
    } else {
        Sql::new(format!("SELECT {columns} FROM dae WHERE 1 = 1"))
    };
    if let Some(filter) = &query.filter {
        sql.push(" AND ");
        filter.to_sql(db.backend, &mut sql);
    }
    let bounds = match query.area {
        Area::Everywhere => None,
        Area::Box(b) => Some(b),
        Area::Near(lat, lon, radius) => Some(around(lat, lon, radius)),
    };
    if let Some([west, south, east, north]) = bounds {
        sql.push(" AND lat_coor1 BETWEEN ")
            .bind(south)
            .push(" AND ")
            .bind(north);
        if west >= -180.0 && east <= 180.0 {
            sql.push(" AND long_coor1 BETWEEN ")
                .bind(west)
                .push(" AND ")
                .bind(east);
        }
    }
    let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
    let Some((lat, lon, radius)) = near else {
        if let After::Gid(gid) = query.after {
            sql.push(" AND gid > ").bind(gid);
        }
        sql.push(" ORDER BY gid LIMIT ").bind(query.limit + 1);
        // The SQL holds the fixed public field names and placeholders only: the values are bound.
        let rows = sql.query().fetch_all(&db.pool).await?;
        let mut records = rows.iter().map(record).collect::<Result<Vec<_>, _>>()?;
        let next = (records.len() > limit).then(|| {
            records.truncate(limit);
            records
                .last()
                .and_then(|r| r.get("gid"))
                .map(ToString::to_string)
                .unwrap_or_default()
        });
        return Ok(Page { records, next });
    };
    let candidates: Vec<(i64, f64, f64)> = sql
        .query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
        .collect::<Result<_, sqlx::Error>>()?;
    let mut found: Vec<(f64, i64)> = candidates
        .into_iter()
        .filter_map(|(gid, rlat, rlon)| {
            // Whole centimetres: what the cursor says is what was compared.
            let d = (distance_m(lat, lon, rlat, rlon) * 100.0).round() / 100.0;
            let past = match query.after {
                After::Distance(ad, agid) => d > ad || (d == ad && gid > agid),
                _ => true,
            };
            (d <= radius && past).then_some((d, gid))
        })
        .collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let next = (found.len() > limit).then(|| {
        let (d, gid) = found[limit - 1];
        format!("{d}_{gid}")
    });
    found.truncate(limit);
    if found.is_empty() {
        return Ok(Page {
            records: Vec::new(),
            next,
        });
    }
    let mut page = Sql::new(format!("SELECT {columns} FROM dae WHERE gid IN ("));
    page.bind_list(found.iter().map(|(_, gid)| *gid)).push(")");
    let mut by_gid: std::collections::HashMap<i64, Map<String, Json>> = HashMap::new();
    for row in page.query().fetch_all(&db.pool).await? {
        let object = record(&row)?;
        if let Some(gid) = object.get("gid").and_then(Json::as_i64) {
            by_gid.insert(gid, object);
        }
    }
    let records = found
        .into_iter()
        .filter_map(|(d, gid)| {
            let mut object = by_gid.remove(&gid)?;
            object.insert("distance_m".to_string(), Json::from(d));
            Some(object)
        })
        .collect();
    Ok(Page { records, next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dae::filter::Value;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parameters_are_checked_and_named() {
        let ok = SearchQuery::parse(&params(&[
            ("near", "47.7,0.4"),
            ("radius", "2000"),
            ("com_nom", "Luceau"),
        ]))
        .expect("valid");
        assert_eq!(ok.area, Area::Near(47.7, 0.4, 2000.0));
        assert!(matches!(ok.filter, Some(Filter::Compare(..))));
        let quoted =
            SearchQuery::parse(&params(&[("nom", "Mairie (hall), \"accueil\"")])).expect("valid");
        assert_eq!(
            quoted.filter,
            Some(Filter::Compare(
                find_field("nom").expect("nom"),
                filter::Op::Eq,
                Value::Text("Mairie (hall), \"accueil\"".into())
            ))
        );
        for (pairs, words) in [
            (vec![("bbox", "1,2,3")], "bbox"),
            (vec![("bbox", "3,47,1,48")], "ouest ≤ est"),
            (vec![("near", "95,1")], "near"),
            (vec![("near", "47,1"), ("radius", "60000")], "radius"),
            (vec![("radius", "10")], "near="),
            (
                vec![("near", "47,1"), ("bbox", "0,46,2,48")],
                "ne se combinent pas",
            ),
            (vec![("limit", "0")], "limit"),
            (vec![("after", "abc")], "after"),
            (vec![("near", "47,1"), ("after", "12")], "after"),
            (vec![("tel1", "0102030405")], "Paramètre inconnu « tel1 »"),
            (vec![("gid", "douze")], "Paramètre gid"),
        ] {
            let e = SearchQuery::parse(&params(&pairs)).expect_err("refused");
            assert!(e.contains(words), "{pairs:?}: {e}");
        }
    }
}
