//! The records as GeoJSON (RFC 7946): each a Feature whose geometry is its point, longitude first.

use serde_json::{Map, Value as Json};

use super::search::Page;

/// The page as a GeoJSON FeatureCollection (RFC 7946: WGS84, longitude first), `next` as a foreign member.
pub fn geojson(page: Page) -> Json {
    let features: Vec<Json> = page.records.into_iter().map(feature).collect();
    serde_json::json!({
        "type": "FeatureCollection",
        "features": features,
        "next": page.next,
    })
}

/// One record as a GeoJSON feature: its point.
pub fn feature(properties: Map<String, Json>) -> Json {
    feature_of(properties, false)
}

/// One record as the catalogue's feature: its point as a MultiPoint (`[[lon, lat]]`).
pub fn multipoint_feature(properties: Map<String, Json>) -> Json {
    feature_of(properties, true)
}

fn feature_of(properties: Map<String, Json>, multipoint: bool) -> Json {
    let lon = properties.get("long_coor1").cloned().unwrap_or(Json::Null);
    let lat = properties.get("lat_coor1").cloned().unwrap_or(Json::Null);
    let id = properties.get("gid").cloned().unwrap_or(Json::Null);
    let geometry = if multipoint {
        serde_json::json!({ "type": "MultiPoint", "coordinates": [[lon, lat]] })
    } else {
        serde_json::json!({ "type": "Point", "coordinates": [lon, lat] })
    };
    let mut object = Map::with_capacity(4);
    object.insert("type".to_string(), Json::from("Feature"));
    object.insert("id".to_string(), id);
    object.insert("geometry".to_string(), geometry);
    object.insert("properties".to_string(), Json::Object(properties));
    Json::Object(object)
}
