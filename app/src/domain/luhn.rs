//! The Luhn checksum used by SIREN and SIRET numbers.

/// True when `digits` (ASCII digits only) passes the Luhn checksum.
pub fn is_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::is_valid;

    #[test]
    fn known_numbers() {
        for ok in [
            "356000000",
            "130025265",
            "217500016",
            "880878145",
            "88087814500015",
            "13002526500013",
            "35600000000048",
        ] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in ["356000001", "130025266", "88087814500016"] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
