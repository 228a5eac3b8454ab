//! Money and currencies: ISO 4217 codes with their minor units, amounts that always carry their
//! currency, and explicit rounding (to the minor unit or to a multiple such as 0.05, 1 or 100).

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Reason, Result};

/// Parse decimal text exactly, as every binding reads an amount or a rate given as text: plain
/// (`"1000.50"`) or scientific (`"1.5e3"`), spaces around it ignored. Text that is not a finite
/// decimal, or that has more than the 28 significant digits a decimal holds, is an error naming
/// `field` and never rounded (`"1000.000000000000000000000000001"` is refused, not read as 1000).
///
/// ```
/// use microcredit::money::parse_decimal;
/// assert_eq!(parse_decimal("principal", " 1.5e3 ")?.to_string(), "1500");
/// assert_eq!(parse_decimal("principal", "0.10")?.to_string(), "0.10");
/// let err = parse_decimal("principal", "1000.000000000000000000000000001").unwrap_err();
/// assert_eq!(err.field(), Some("principal"));
/// assert!(parse_decimal("principal", "NaN").is_err());
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn parse_decimal(field: &str, text: &str) -> Result<Decimal> {
    parse_decimal_exact(text).ok_or_else(|| Error::invalid(field, text, Reason::NotADecimal))
}

/// [`parse_decimal`] without the error: `None` when the text is not an exact 28-digit decimal.
pub fn parse_decimal_exact(text: &str) -> Option<Decimal> {
    let t = text.trim();
    // The longest exact decimal text: 28 digits, a sign, a point, an exponent, and zeros that
    // change nothing. Anything far longer is refused before it is scanned.
    if t.is_empty() || t.len() > 1_000 || t.contains('_') {
        return None;
    }
    let (mantissa_text, has_exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], true),
        None => (t, false),
    };
    let d = if has_exponent { Decimal::from_scientific(t).ok()? } else { Decimal::from_str(t).ok()? };
    // rust_decimal rounds text with more than 28 significant digits: refuse instead.
    let digits: String = mantissa_text.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    let kept = d.normalize().mantissa().unsigned_abs().to_string();
    let kept = kept.trim_end_matches('0');
    if significant != kept && !(significant.is_empty() && d.is_zero()) {
        return None;
    }
    Some(d)
}

/// Serde form of an exact decimal as JSON text (`"1000.50"`): written as its digits, read with
/// [`parse_decimal_exact`], so text past 28 significant digits is an error, never rounded (as
/// `rust_decimal::serde::str` would). Use with `#[serde(with = "microcredit::money::exact")]`.
pub mod exact {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Write the decimal as text.
    pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    /// Read decimal text exactly.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        super::parse_decimal_exact(&text).ok_or_else(|| {
            serde::de::Error::custom(format_args!(
                "{} is not a finite decimal number of at most 28 significant digits",
                crate::error::bounded(&text)
            ))
        })
    }
}

/// [`exact`] for an optional decimal (`null` or absent is `None`).
pub mod exact_option {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Write the decimal as text, or null.
    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    /// Read decimal text exactly, or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        #[derive(Deserialize)]
        struct Exact(#[serde(with = "super::exact")] Decimal);
        Ok(Option::<Exact>::deserialize(d)?.map(|Exact(v)| v))
    }
}

/// Serde form of an amount with its currency as one text, `"250.00 EUR"` (the amount, a space,
/// the ISO code), read with [`Money::parse`] so the amount is exact and fits the currency. Use with
/// `#[serde(with = "microcredit::money::text")]` on a [`Money`] field.
///
/// ```
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Paid(#[serde(with = "microcredit::money::text")] microcredit::Money);
/// let Paid(m) = serde_json::from_str(r#""137.50 USD""#).unwrap();
/// assert_eq!(m.to_string(), "137.50 USD");
/// assert!(serde_json::from_str::<Paid>(r#""1.005 USD""#).is_err()); // more decimals than USD has
/// ```
pub mod text {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Money;

    /// Write `"<amount> <code>"`.
    pub fn serialize<S: Serializer>(value: &Money, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    /// Read `"<amount> <code>"`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Money::from_text(&text).map_err(serde::de::Error::custom)
    }
}

/// An ISO 4217 currency: its code and how many decimal places its minor unit has.
///
/// ```
/// use microcredit::Currency;
/// let usd = Currency::from_code("usd")?;
/// assert_eq!((usd.code(), usd.minor_units()), ("USD", 2));
/// assert_eq!(Currency::from_code("UGX")?.minor_units(), 0);
/// # Ok::<(), microcredit::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    minor_units: u8,
}

/// ISO 4217 codes and minor units of the currencies of the countries where micro-credit is common
/// (Latin America, Africa, South and South-East Asia) and the main reserve currencies.
const CURRENCIES: &[(&str, u8)] = &[
    ("USD", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("CHF", 2),
    ("JPY", 0),
    ("CAD", 2),
    // Latin America
    ("PEN", 2),
    ("COP", 2),
    ("BOB", 2),
    ("MXN", 2),
    ("GTQ", 2),
    ("HNL", 2),
    ("NIO", 2),
    ("CRC", 2),
    ("DOP", 2),
    ("HTG", 2),
    ("BRL", 2),
    ("ARS", 2),
    ("CLP", 0),
    ("PYG", 0),
    ("UYU", 2),
    ("VES", 2),
    // Africa
    ("KES", 2),
    ("UGX", 0),
    ("TZS", 2),
    ("RWF", 0),
    ("ETB", 2),
    ("NGN", 2),
    ("GHS", 2),
    ("XOF", 0),
    ("XAF", 0),
    ("ZAR", 2),
    ("ZMW", 2),
    ("MWK", 2),
    ("MZN", 2),
    ("EGP", 2),
    ("MAD", 2),
    ("TND", 3),
    ("MGA", 2),
    ("SLE", 2),
    ("LRD", 2),
    // Asia and Middle East
    ("INR", 2),
    ("BDT", 2),
    ("PKR", 2),
    ("NPR", 2),
    ("LKR", 2),
    ("PHP", 2),
    ("IDR", 2),
    ("VND", 0),
    ("KHR", 2),
    ("MMK", 2),
    ("LAK", 2),
    ("MNT", 2),
    ("KGS", 2),
    ("TJS", 2),
    ("JOD", 3),
    ("KWD", 3),
    ("BHD", 3),
    ("IQD", 3),
];

impl Currency {
    /// US dollar (2 decimals), the currency of Ecuador.
    pub const USD: Currency = Currency { code: "USD", minor_units: 2 };
    /// Peruvian sol (2 decimals).
    pub const PEN: Currency = Currency { code: "PEN", minor_units: 2 };
    /// Euro (2 decimals).
    pub const EUR: Currency = Currency { code: "EUR", minor_units: 2 };

    /// Look a currency up by its ISO 4217 code (case-insensitive).
    ///
    /// ```
    /// # use microcredit::Currency;
    /// assert_eq!(Currency::from_code("XOF")?.minor_units(), 0);
    /// assert!(Currency::from_code("ABC").is_err());
    /// # Ok::<(), microcredit::Error>(())
    /// ```
    pub fn from_code(code: &str) -> Result<Currency> {
        let trimmed = code.trim();
        CURRENCIES
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(trimmed))
            .map(|&(code, minor_units)| Currency { code, minor_units })
            .ok_or_else(|| Error::unknown_currency(code))
    }

    /// The three-letter code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Decimal places of the minor unit (2 for USD, 0 for UGX, 3 for TND).
    pub fn minor_units(&self) -> u32 {
        u32::from(self.minor_units)
    }

    /// Every currency the library knows, in table order.
    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES.iter().map(|&(code, minor_units)| Currency { code, minor_units })
    }

    /// Check that `amount` fits the minor unit, naming `field` if not.
    ///
    /// ```
    /// # use microcredit::Currency;
    /// assert!(Currency::USD.check_scale("principal", "10.25".parse().unwrap()).is_ok());
    /// assert!(Currency::USD.check_scale("principal", "10.255".parse().unwrap()).is_err());
    /// ```
    pub fn check_scale(&self, field: &str, amount: Decimal) -> Result<()> {
        // Trailing zeros are allowed ("10.50" for a 2-decimal currency, "10.500" too).
        if amount.scale() > self.minor_units() && amount.normalize().scale() > self.minor_units() {
            return Err(Error::TooManyDecimals {
                field: field.to_string(),
                value: amount.to_string(),
                currency: self.code.to_string(),
                minor_units: self.minor_units(),
            });
        }
        Ok(())
    }

    /// Amount in minor units (cents) as an integer; the amount must fit the minor unit.
    pub(crate) fn to_minor(self, field: &str, amount: Decimal) -> Result<i128> {
        let (mantissa, scale, units) = (amount.mantissa(), amount.scale(), self.minor_units());
        if scale <= units {
            // |mantissa| < 2^96 and units <= 3: the product fits.
            return Ok(mantissa * pow10(units - scale));
        }
        self.check_scale(field, amount)?;
        Ok(mantissa / pow10(scale - units)) // exact: the digits cut are zeros
    }

    /// Minor units back to a decimal amount at the currency's scale.
    pub(crate) fn amount_of_minor(self, minor: i128) -> Decimal {
        Decimal::from_i128_with_scale(minor, self.minor_units())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Currency::from_code(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::from_code(&s).map_err(serde::de::Error::custom)
    }
}

/// How an amount is rounded to the minor unit or to a multiple.
///
/// `Down` and `Up` are toward and away from zero (as `java.math.RoundingMode`, which Fineract uses).
///
/// ```
/// use microcredit::RoundingMode;
/// use rust_decimal::Decimal;
/// let x: Decimal = "2.345".parse().unwrap();
/// assert_eq!(RoundingMode::HalfEven.round(x, 2).to_string(), "2.34");
/// assert_eq!(RoundingMode::HalfUp.round(x, 2).to_string(), "2.35");
/// assert_eq!(RoundingMode::Down.round(x, 2).to_string(), "2.34");
/// assert_eq!(RoundingMode::Up.round(x, 2).to_string(), "2.35");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RoundingMode {
    /// Ties to the even neighbour (banker's rounding); Fineract's default.
    #[default]
    HalfEven,
    /// Ties away from zero.
    HalfUp,
    /// Toward zero (truncate).
    Down,
    /// Away from zero.
    Up,
}

impl RoundingMode {
    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
        }
    }

    /// Round `value` to `dp` decimal places.
    pub fn round(self, value: Decimal, dp: u32) -> Decimal {
        value.round_dp_with_strategy(dp, self.strategy())
    }

    /// Round `value` to a multiple of `multiple` (e.g. 0.05, 1 or 100).
    ///
    /// ```
    /// use microcredit::RoundingMode;
    /// use rust_decimal::Decimal;
    /// let d = |s: &str| s.parse::<Decimal>().unwrap();
    /// assert_eq!(RoundingMode::HalfUp.round_to_multiple(d("87.93"), d("0.05"))?, d("87.95"));
    /// assert_eq!(RoundingMode::Up.round_to_multiple(d("1201"), d("100"))?, d("1300"));
    /// # Ok::<(), microcredit::Error>(())
    /// ```
    pub fn round_to_multiple(self, value: Decimal, multiple: Decimal) -> Result<Decimal> {
        if multiple <= Decimal::ZERO {
            return Err(Error::invalid("multiple", multiple, Reason::NotPositive));
        }
        let q = value.checked_div(multiple).ok_or_else(|| Error::Overflow { what: "rounding to a multiple".into() })?;
        Ok(self.round(q, 0) * multiple)
    }

    /// Divide exactly and round once: `num / den` rounded to an integer.
    ///
    /// This is how every amount of a schedule is computed: all factors of a product are
    /// multiplied exactly as integers and the result is rounded a single time. Values that fit
    /// 64 bits take the (much faster) 64-bit path; the result is the same.
    pub(crate) fn div_round(self, num: i128, den: i128) -> i128 {
        match (i64::try_from(num), i64::try_from(den)) {
            (Ok(n), Ok(d)) if n.unsigned_abs() < 1 << 62 && d.unsigned_abs() < 1 << 62 => {
                i128::from(div_round_impl!(self, n, d))
            }
            _ => div_round_impl!(self, num, den),
        }
    }
}

impl RoundingMode {
    /// `num / den` rounded, for non-negative values (`den > 0`): one division, no sign cases.
    #[inline]
    pub(crate) fn div_round_unsigned(self, num: u64, den: u64) -> u64 {
        self.round_quotient(num / den, num % den, den)
    }

    /// The rounded value of `q + r / den` (`0 <= r < den`).
    #[inline(always)]
    fn round_quotient(self, q: u64, r: u64, den: u64) -> u64 {
        let up = match self {
            _ if r == 0 => false,
            RoundingMode::Down => false,
            RoundingMode::Up => true,
            // r / den against one half, without computing 2r (which could overflow).
            RoundingMode::HalfUp => r >= den - r,
            RoundingMode::HalfEven => r > den - r || (r == den - r && q % 2 == 1),
        };
        q + u64::from(up)
    }
}

/// Powers of ten that fit an `i128`, by table (a `pow` loop in 128 bits costs tens of instructions,
/// and every amount and rate passes through one).
const POW10: [i128; 39] = {
    let mut t = [1i128; 39];
    let mut k = 1;
    while k < 39 {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

/// `10^k` for `k <= 38` (every decimal scale and minor unit is far below).
#[inline]
pub(crate) fn pow10(k: u32) -> i128 {
    POW10[k as usize]
}

/// Division by a loan's rate denominator as a multiplication by its reciprocal, computed once.
///
/// The interest of a period depends on the balance left by the one before, so its division lies
/// on the loop's critical path; a 64-bit division takes tens of cycles, a multiplication three. A
/// loan's period rates almost always share one denominator, so the reciprocal is computed once
/// per loan (again only when the denominator changes).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Divisor {
    den: u64,
    /// ⌊(2^64 − 1) / den⌋.
    inv: u64,
}

impl Divisor {
    /// `num / den` rounded with `mode` (`den > 0`): the same result as
    /// [`RoundingMode::div_round_unsigned`].
    #[inline(always)]
    pub(crate) fn div_round(&mut self, num: u64, den: u64, mode: RoundingMode) -> u64 {
        if den != self.den {
            *self = Divisor { den, inv: u64::MAX / den };
        }
        // The estimate is never above the quotient and at most two below it.
        let mut q = ((u128::from(num) * u128::from(self.inv)) >> 64) as u64;
        let mut r = num - q * den;
        while r >= den {
            q += 1;
            r -= den;
        }
        mode.round_quotient(q, r, den)
    }
}

/// `num / den` rounded with a mode, for any signed integer type (den != 0).
macro_rules! div_round_impl {
    ($mode:expr, $num:expr, $den:expr) => {{
        let (num, den) = if $den < 0 { (-$num, -$den) } else { ($num, $den) };
        let q = num.div_euclid(den);
        let r = num.rem_euclid(den); // 0 <= r < den, value = q + r/den
        if r == 0 {
            q
        } else {
            let negative = num < 0;
            let twice = 2 * r;
            let up = match $mode {
                RoundingMode::Down => negative,
                RoundingMode::Up => !negative,
                RoundingMode::HalfUp => twice > den || (twice == den && !negative),
                RoundingMode::HalfEven => twice > den || (twice == den && q.rem_euclid(2) == 1),
            };
            if up { q + 1 } else { q }
        }
    }};
}
use div_round_impl;

/// An amount with its currency. Combining two currencies is an error, never a silent conversion.
///
/// ```
/// use microcredit::{Currency, Money};
/// let a = Money::parse("10.50", "USD")?;
/// let b = Money::parse("0.25", "USD")?;
/// assert_eq!(a.checked_add(&b)?.to_string(), "10.75 USD");
/// assert!(a.checked_add(&Money::parse("1", "PEN")?).is_err());
/// assert!(Money::parse("1.005", "USD").is_err()); // more decimals than USD has
/// # Ok::<(), microcredit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    #[serde(with = "crate::money::exact")]
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount in a currency; fails if it has more decimals than the currency's minor unit.
    pub fn new(amount: Decimal, currency: Currency) -> Result<Money> {
        currency.check_scale("amount", amount)?;
        let mut amount = amount;
        amount.rescale(currency.minor_units());
        Ok(Money { amount, currency })
    }

    /// Parse an amount and a currency code.
    pub fn parse(amount: &str, currency: &str) -> Result<Money> {
        let currency = Currency::from_code(currency)?;
        let value = Decimal::from_str_exact(amount.trim())
            .map_err(|_| Error::invalid("amount", amount, Reason::NotADecimal))?;
        Money::new(value, currency)
    }

    /// An amount and its currency code in one text, as [`Money`]'s `Display` writes it
    /// (`"250.00 EUR"`).
    ///
    /// ```
    /// use microcredit::Money;
    /// assert_eq!(Money::from_text("250 EUR")?, Money::parse("250.00", "EUR")?);
    /// assert_eq!(Money::from_text("250").unwrap_err().code(), "required");
    /// # Ok::<(), microcredit::Error>(())
    /// ```
    pub fn from_text(text: &str) -> Result<Money> {
        if text.len() > 2 * crate::error::MAX_NAME_TEXT {
            return Err(Error::invalid(
                "amount",
                text,
                Reason::TooLong { max: 2 * crate::error::MAX_NAME_TEXT as u64 },
            ));
        }
        match text.split_whitespace().collect::<Vec<_>>()[..] {
            [amount, code] => Money::parse(amount, code),
            _ => Err(Error::invalid(
                "amount",
                text,
                Reason::Required { expected: "an amount and a currency code, e.g. '250.00 EUR'".into() },
            )),
        }
    }

    /// Zero in a currency.
    pub fn zero(currency: Currency) -> Money {
        Money { amount: currency.amount_of_minor(0), currency }
    }

    /// The amount (at the currency's scale).
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    fn same_currency(&self, other: &Money) -> Result<()> {
        if self.currency != other.currency {
            return Err(Error::CurrencyMismatch {
                left: self.currency.code().into(),
                right: other.currency.code().into(),
            });
        }
        Ok(())
    }

    /// Sum of two amounts of the same currency.
    pub fn checked_add(&self, other: &Money) -> Result<Money> {
        self.same_currency(other)?;
        let amount =
            self.amount.checked_add(other.amount).ok_or_else(|| Error::Overflow { what: "addition".into() })?;
        Ok(Money { amount, currency: self.currency })
    }

    /// Difference of two amounts of the same currency.
    pub fn checked_sub(&self, other: &Money) -> Result<Money> {
        self.same_currency(other)?;
        let amount =
            self.amount.checked_sub(other.amount).ok_or_else(|| Error::Overflow { what: "subtraction".into() })?;
        Ok(Money { amount, currency: self.currency })
    }

    /// Round to a multiple of `multiple` (which must itself fit the currency).
    ///
    /// ```
    /// # use microcredit::{Money, RoundingMode};
    /// let m = Money::parse("87.93", "PEN")?;
    /// assert_eq!(m.round_to_multiple("0.05".parse().unwrap(), RoundingMode::HalfUp)?.to_string(), "87.95 PEN");
    /// # Ok::<(), microcredit::Error>(())
    /// ```
    pub fn round_to_multiple(&self, multiple: Decimal, mode: RoundingMode) -> Result<Money> {
        self.currency.check_scale("multiple", multiple)?;
        Money::new(mode.round_to_multiple(self.amount, multiple)?, self.currency)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn div_round_modes() {
        use RoundingMode::*;
        let cases = [
            (5, 2, HalfEven, 2),
            (7, 2, HalfEven, 4),
            (5, 2, HalfUp, 3),
            (-5, 2, HalfUp, -3),
            (-5, 2, HalfEven, -2),
            (7, 3, Down, 2),
            (-7, 3, Down, -2),
            (7, 3, Up, 3),
            (-7, 3, Up, -3),
            (8, 3, HalfEven, 3),
        ];
        for (n, d, m, want) in cases {
            assert_eq!(m.div_round(n, d), want, "{n}/{d} {m:?}");
        }
    }

    proptest::proptest! {
        /// Dividing by the reciprocal rounds exactly as dividing does, for every mode, for any
        /// numerator and denominator (one `Divisor` reused across denominators, as the engine does).
        #[test]
        fn divisor_rounds_as_division(
            cases in proptest::collection::vec((proptest::num::u64::ANY, 1..=u64::MAX), 1..8),
            small in proptest::collection::vec((0..1u64 << 40, 1..1u64 << 20), 1..8),
        ) {
            let mut d = Divisor::default();
            for (num, den) in cases.into_iter().chain(small) {
                for mode in [RoundingMode::HalfEven, RoundingMode::HalfUp, RoundingMode::Down, RoundingMode::Up] {
                    proptest::prop_assert_eq!(d.div_round(num, den, mode), mode.div_round_unsigned(num, den));
                }
            }
        }
    }

    #[test]
    fn required_currencies_and_minor_units() {
        for (code, mu) in [
            ("USD", 2),
            ("PEN", 2),
            ("EUR", 2),
            ("COP", 2),
            ("BOB", 2),
            ("MXN", 2),
            ("GTQ", 2),
            ("KES", 2),
            ("UGX", 0),
            ("XOF", 0),
            ("INR", 2),
            ("BDT", 2),
            ("PHP", 2),
        ] {
            assert_eq!(Currency::from_code(code).unwrap().minor_units(), mu, "{code}");
        }
    }
}
