//! Typed values, and the parsing of literals (quantities, cpu, durations, addresses)
//! against the type a field expects.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::source::Span;

/// A declaration of the model, by its position. It lives here, below the model, so that
/// values can refer to declarations without the value types depending on the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId(pub u32);

/// A value that passed the type checker.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Bool(bool),
    Ipv4(Ipv4Addr),
    Cidr(Ipv4Net),
    Port(u16),
    /// Bytes.
    Quantity(u64),
    /// Millicores.
    Cpu(u64),
    /// Milliseconds.
    Duration(u64),
    /// An enum variant, by name (borrowed from the standard library).
    Enum(&'static str),
    Ref(EntityId),
    List(Vec<Spanned>),
    /// A record's fields by the record shape's positions.
    Record(Vec<Option<FieldValue>>),
    Map(Vec<(MapKey, Spanned)>),
    Secret(SecretSource),
}

/// Where a secret is read from at build time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecretSource {
    Env(String),
    File(String),
}

/// A map entry's key, with the span it was written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapKey {
    pub text: String,
    pub span: Span,
}

impl std::fmt::Display for MapKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// A value with the span it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    pub value: Value,
    pub span: Span,
}

/// Where a field's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Written in the declaration.
    Source,
    /// Taken from the component the declaration is `from`.
    Component,
    /// The schema's default.
    Default,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldValue {
    pub value: Spanned,
    pub origin: Origin,
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(text) => Some(text),
            Value::Enum(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(number) => Some(*number),
            Value::Port(port) => Some(i64::from(*port)),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(flag) => Some(*flag),
            _ => None,
        }
    }

    pub fn as_ref(&self) -> Option<EntityId> {
        match self {
            Value::Ref(id) => Some(*id),
            _ => None,
        }
    }

    pub fn as_list(&self) -> &[Spanned] {
        match self {
            Value::List(items) => items,
            _ => &[],
        }
    }
}

const BINARY_UNITS: &[(&str, u32)] = &[("Ki", 1), ("Mi", 2), ("Gi", 3), ("Ti", 4), ("Pi", 5), ("Ei", 6)];
const DECIMAL_UNITS: &[(&str, u32)] = &[("k", 1), ("M", 2), ("G", 3), ("T", 4), ("P", 5), ("E", 6)];

/// Splits `8Gi` into (`8`, `Gi`).
fn split_unit(text: &str) -> (&str, &str) {
    let end = text.find(|ch: char| ch.is_ascii_alphabetic()).unwrap_or(text.len());
    text.split_at(end)
}

/// A decimal number as (integer part, fraction digits), rejecting a sign.
fn unsigned_decimal(number: &str) -> Result<(u64, &str), String> {
    if number.starts_with('-') {
        return Err("must not be negative".into());
    }
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let whole = whole.parse::<u64>().map_err(|_| "is too large".to_string())?;
    Ok((whole, fraction))
}

/// `scale * number` exactly, or an error when the result is fractional or too large.
fn scaled(number: &str, scale: u64, what: &str) -> Result<u64, String> {
    let (whole, fraction) = unsigned_decimal(number)?;
    let too_large = || "is too large".to_string();
    let mut total = u128::from(whole) * u128::from(scale);
    if !fraction.is_empty() {
        let digits = u32::try_from(fraction.len()).map_err(|_| too_large())?;
        let denominator = 10u128.checked_pow(digits).ok_or_else(too_large)?;
        let numerator: u128 = fraction.parse().map_err(|_| too_large())?;
        let scaled_fraction = numerator.checked_mul(u128::from(scale)).ok_or_else(too_large)?;
        if scaled_fraction % denominator != 0 {
            return Err(format!("is not a whole number of {what}"));
        }
        total += scaled_fraction / denominator;
    }
    u64::try_from(total).map_err(|_| too_large())
}

/// Bytes: `512Mi`, `8Gi`, `1.5G`, `1000`.
pub fn parse_quantity(text: &str) -> Result<u64, String> {
    let (number, unit) = split_unit(text);
    let scale = if unit.is_empty() {
        1
    } else if let Some(&(_, power)) = BINARY_UNITS.iter().find(|(name, _)| *name == unit) {
        1u64 << (10 * power)
    } else if let Some(&(_, power)) = DECIMAL_UNITS.iter().find(|(name, _)| *name == unit) {
        1000u64.pow(power)
    } else {
        return Err(format!(
            "has the unit `{unit}`; a quantity takes Ki, Mi, Gi, Ti, Pi, Ei (or k, M, G, T, P, E)"
        ));
    };
    scaled(number, scale, "bytes")
}

/// Millicores: `2`, `0.5`, `500m`.
pub fn parse_cpu(text: &str) -> Result<u64, String> {
    match split_unit(text) {
        (number, "") => scaled(number, 1000, "millicores"),
        (number, "m") => scaled(number, 1, "millicores"),
        (_, unit) => Err(format!(
            "has the unit `{unit}`; cpu is cores (`2`, `0.5`) or millicores (`500m`)"
        )),
    }
}

/// Milliseconds: `100ms`, `30s`, `5m`, `1h`, `2d`.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let (number, unit) = split_unit(text);
    let scale = match unit {
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "" => return Err("has no unit; write `30s`, `5m`, `1h`...".into()),
        other => return Err(format!("has the unit `{other}`; a duration takes ms, s, m, h or d")),
    };
    scaled(number, scale, "milliseconds")
}

pub fn parse_ipv4(text: &str) -> Result<Ipv4Addr, String> {
    let mut octets = [0u8; 4];
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return Err("is not four numbers separated by dots".into());
    }
    for (octet, part) in octets.iter_mut().zip(&parts) {
        if part.len() > 1 && part.starts_with('0') {
            return Err(format!("has the part `{part}` with a leading zero"));
        }
        *octet = part
            .parse::<u8>()
            .map_err(|_| format!("has the part `{part}`, outside 0..255"))?;
    }
    Ok(Ipv4Addr::from(octets))
}

/// A network in canonical form (`10.244.0.0/16`); a plain address is a /32.
pub fn parse_cidr(text: &str) -> Result<Ipv4Net, String> {
    let (address, prefix) = text.split_once('/').unwrap_or((text, "32"));
    let address = parse_ipv4(address)?;
    let prefix: u8 = prefix
        .parse()
        .ok()
        .filter(|prefix| *prefix <= 32)
        .ok_or_else(|| format!("has the prefix length /{prefix}, outside 0..32"))?;
    let net = Ipv4Net::new(address, prefix).map_err(|err| err.to_string())?;
    if net.network() != address {
        return Err(format!("has host bits set; the network is `{}`", net.trunc()));
    }
    Ok(net)
}

/// Formats bytes with the largest binary unit that divides them exactly (`8Gi`).
pub fn format_quantity(bytes: u64) -> String {
    for &(unit, power) in BINARY_UNITS.iter().rev() {
        let scale = 1u64 << (10 * power);
        if bytes >= scale && bytes.is_multiple_of(scale) {
            return format!("{}{unit}", bytes / scale);
        }
    }
    bytes.to_string()
}

/// Formats millicores as cores when whole (`2`), else in millicores (`500m`).
pub fn format_cpu(millicores: u64) -> String {
    if millicores.is_multiple_of(1000) {
        (millicores / 1000).to_string()
    } else {
        format!("{millicores}m")
    }
}

/// Memory amounts for one sentence of a message, all in the one binary unit the largest
/// fills (never raw bytes), with at most two decimals: `[8Gi, 512Mi]` reads `8Gi`, `0.5Gi`.
/// An amount that saturated (`u64::MAX`) reads "over 15.99Ei".
pub fn describe_memory(amounts: &[u64]) -> Vec<String> {
    let largest = amounts.iter().copied().max().unwrap_or(0);
    let (unit, power) = (BINARY_UNITS.iter().rev())
        .find(|(_, power)| largest >> (10 * power) > 0)
        .map_or(("Ki", 1), |&(unit, power)| (unit, power));
    let scale = 1u128 << (10 * power);
    (amounts.iter())
        .map(|&bytes| {
            let hundredths = u128::from(bytes) * 100 / scale;
            let shown = if hundredths == 0 && bytes > 0 {
                format!("<0.01{unit}")
            } else {
                format!("{}{unit}", decimal(hundredths, 2))
            };
            if bytes == u64::MAX {
                format!("over {shown}")
            } else {
                shown
            }
        })
        .collect()
}

/// Cpu amounts for one sentence, in one unit: cores (`3.5 cores`) when the largest is at
/// least one, else millicores (`250m`).
pub fn describe_cpu(amounts: &[u64]) -> Vec<String> {
    let largest = amounts.iter().copied().max().unwrap_or(0);
    (amounts.iter())
        .map(|&millicores| {
            if largest < 1000 {
                format!("{millicores}m")
            } else if millicores == 1000 {
                "1 core".to_string()
            } else {
                format!("{} cores", decimal(u128::from(millicores), 3))
            }
        })
        .collect()
}

/// `value / 10^places` with its trailing zeros (and a bare point) trimmed.
fn decimal(value: u128, places: u32) -> String {
    let scale = 10u128.pow(places);
    let whole = value / scale;
    let fraction = value % scale;
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = format!("{fraction:0width$}", width = places as usize);
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_use_one_unit_per_sentence() {
        assert_eq!(describe_memory(&[8 << 30, 512 << 20]), ["8Gi", "0.5Gi"]);
        assert_eq!(describe_memory(&[7 << 30, 6_012_954_214]), ["7Gi", "5.59Gi"]);
        assert_eq!(describe_memory(&[u64::MAX, 7 << 30]), ["over 15.99Ei", "<0.01Ei"]);
        assert_eq!(describe_memory(&[100, 0]), ["0.09Ki", "0Ki"]);
        assert_eq!(describe_cpu(&[4000, 3500, 2800]), ["4 cores", "3.5 cores", "2.8 cores"]);
        assert_eq!(describe_cpu(&[1000, 250]), ["1 core", "0.25 cores"]);
        assert_eq!(describe_cpu(&[250, 100]), ["250m", "100m"]);
    }

    #[test]
    fn quantities_scale_by_their_unit() {
        assert_eq!(parse_quantity("8Gi"), Ok(8 << 30));
        assert_eq!(parse_quantity("1.5Gi"), Ok(3 << 29));
        assert_eq!(parse_quantity("1G"), Ok(1_000_000_000));
        assert_eq!(parse_quantity("100"), Ok(100));
        assert!(parse_quantity("1.5").is_err(), "half a byte");
        assert!(parse_quantity("8Gb").is_err());
        assert!(parse_quantity("-1Gi").is_err());
        assert!(parse_quantity("99999999999Ei").is_err());
    }

    #[test]
    fn cpu_is_counted_in_millicores() {
        assert_eq!(parse_cpu("2"), Ok(2000));
        assert_eq!(parse_cpu("0.5"), Ok(500));
        assert_eq!(parse_cpu("500m"), Ok(500));
        assert!(parse_cpu("0.0005").is_err());
        assert!(parse_cpu("2Gi").is_err());
    }

    #[test]
    fn durations_and_their_units() {
        assert_eq!(parse_duration("1s"), Ok(1000));
        assert_eq!(parse_duration("5m"), Ok(300_000));
        assert_eq!(parse_duration("1.5s"), Ok(1500));
        assert!(parse_duration("5").is_err());
    }

    #[test]
    fn addresses_and_networks() {
        assert_eq!(parse_ipv4("172.16.10.10"), Ok(Ipv4Addr::new(172, 16, 10, 10)));
        assert!(parse_ipv4("300.1.1.1").is_err());
        assert!(parse_ipv4("01.1.1.1").is_err());
        assert_eq!(parse_cidr("10.244.0.0/16").map(|net| net.prefix_len()), Ok(16));
        assert_eq!(parse_cidr("10.0.0.5").map(|net| net.prefix_len()), Ok(32));
        assert!(parse_cidr("10.0.0.1/24").is_err_and(|err| err.contains("10.0.0.0/24")));
        assert!(parse_cidr("10.0.0.0/33").is_err());
    }

    #[test]
    fn formatting_picks_the_largest_exact_unit() {
        assert_eq!(format_quantity(8 << 30), "8Gi");
        assert_eq!(format_quantity(1536 << 20), "1536Mi");
        assert_eq!(format_quantity(1000), "1000");
        assert_eq!(format_cpu(2000), "2");
        assert_eq!(format_cpu(250), "250m");
    }
}
