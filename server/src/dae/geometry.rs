//! Positions on the Earth (WGS84 degrees): the great-circle distance between two points, the box around a
//! circle that the position's index narrows.

/// Mean radius of the Earth (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// Metres per degree of latitude (and of longitude at the equator).
const METRES_PER_DEGREE: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

/// The great-circle distance between two points, in metres.
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

/// The box around a circle (degrees): west, south, east, north.
pub fn around(lat: f64, lon: f64, radius: f64) -> [f64; 4] {
    let dlat = radius / METRES_PER_DEGREE;
    let cos = lat.to_radians().cos().max(0.01);
    let dlon = (radius / (METRES_PER_DEGREE * cos)).min(180.0);
    [
        lon - dlon,
        (lat - dlat).max(-90.0),
        lon + dlon,
        (lat + dlat).min(90.0),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_great_circle_metres() {
        // Paris (Notre-Dame) to Versailles (château): 5.35 km south and 16.81 km west (0.2295° of longitude at
        // 48.83° north), 17.64 km on the flat map at this scale.
        let d = distance_m(48.8530, 2.3499, 48.8049, 2.1204);
        assert!((17_600.0..17_680.0).contains(&d), "{d}");
        // A quarter of the equator.
        let quarter = distance_m(0.0, 0.0, 0.0, 90.0);
        assert!((quarter - 10_007_557.0).abs() < 1.0, "{quarter}");
        assert!(distance_m(47.7, 0.4, 47.7, 0.4) < 0.001);
    }
}
