//! Errors of the core: one enum whose variants name the field and the bad value.
//!
//! Errors never carry a person's data: loan terms and amounts are not personal, and the library
//! never puts names, ids or contact details into an error.

use std::fmt;

/// How many characters of a rejected value an error echoes: enough to recognise a number, a date
/// or a code, never a whole 100 MB string pasted by mistake (longer values end in `...`).
pub const ECHO_LIMIT: usize = 64;

/// The longest name, code or date text read from a caller (a longer one is refused unread).
pub const MAX_NAME_TEXT: usize = 64;

/// The longest field path an error names (a longer one is cut and ends in `...`).
pub const MAX_PATH: usize = 128;

/// `field` extended by `.key` (or `[i]`), the key cut to [`MAX_NAME_TEXT`] characters and the
/// whole path to [`MAX_PATH`]: a path never grows without bound, however deep or wide the input.
///
/// ```
/// use microcredit::error::{MAX_PATH, child_path};
/// assert_eq!(child_path("fees", "[0]"), "fees[0]");
/// assert_eq!(child_path("fees[0]", "amount"), "fees[0].amount");
/// assert_eq!(child_path(&"a".repeat(200), "b").chars().count(), MAX_PATH);
/// ```
pub fn child_path(field: &str, key: &str) -> String {
    let mut path = String::with_capacity(field.len() + key.len().min(MAX_NAME_TEXT) + 1);
    path.push_str(field);
    if !key.starts_with('[') {
        path.push('.');
    }
    path.extend(key.chars().take(MAX_NAME_TEXT));
    if path.chars().count() > MAX_PATH {
        let mut cut: String = path.chars().take(MAX_PATH - 3).collect();
        cut.push_str("...");
        return cut;
    }
    path
}

/// Text shown in an error between single quotes (`'weekly '`), so spaces and empty text show.
///
/// ```
/// assert_eq!(microcredit::error::Quoted("weekly ").to_string(), "'weekly '");
/// ```
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}'", self.0)
    }
}

/// `value` as text, cut to [`ECHO_LIMIT`] characters. Formatting stops once the limit is passed,
/// so a huge value is never copied whole.
///
/// ```
/// let long = "9".repeat(10_000);
/// let shown = microcredit::error::bounded(&long);
/// assert_eq!(shown.chars().count(), microcredit::error::ECHO_LIMIT + 3);
/// assert!(shown.ends_with("..."));
/// assert_eq!(microcredit::error::bounded(&"USD"), "USD");
/// ```
pub fn bounded(value: &dyn fmt::Display) -> String {
    bounded_to(value, ECHO_LIMIT)
}

/// `value` as text, cut to `limit` characters (see [`bounded`]).
fn bounded_to(value: &dyn fmt::Display, limit: usize) -> String {
    struct Capped {
        limit: usize,
        out: String,
        chars: usize,
        cut: bool,
    }
    impl fmt::Write for Capped {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            for c in s.chars() {
                if self.chars == self.limit {
                    self.cut = true;
                    return Err(fmt::Error); // stop formatting: the rest is not needed
                }
                self.out.push(c);
                self.chars += 1;
            }
            Ok(())
        }
    }
    let mut capped = Capped { limit, out: String::new(), chars: 0, cut: false };
    let _ = fmt::write(&mut capped, format_args!("{value}"));
    if capped.cut {
        capped.out.push_str("...");
    }
    capped.out
}

/// The rule an [`Error::InvalidField`] broke: one variant per rule, its parameters as fields.
///
/// [`Reason::code`] is a stable snake_case name an app can branch on or translate;
/// [`Reason::message`] gives the text in English or Spanish, and `Display` the English.
///
/// ```
/// use microcredit::{Lang, Reason};
/// let r = Reason::AtMost { limit: "1e12".into() };
/// assert_eq!(r.code(), "too_large");
/// assert_eq!(r.to_string(), "must be at most 1e12");
/// assert_eq!(r.message(Lang::Es), "debe ser como máximo 1e12");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// Must be greater than zero.
    NotPositive,
    /// Must not be negative.
    Negative,
    /// Must be at most `limit`.
    AtMost {
        /// The largest value allowed, as text.
        limit: String,
    },
    /// Must be greater than `limit`.
    GreaterThan {
        /// The value it must exceed, as text.
        limit: String,
    },
    /// Must be between `min` and `max` (both included).
    Between {
        /// The smallest value allowed, as text.
        min: String,
        /// The largest value allowed, as text.
        max: String,
    },
    /// Must be a whole number between `min` and `max`.
    WholeNumber {
        /// The smallest value allowed, as text.
        min: String,
        /// The largest value allowed, as text.
        max: String,
    },
    /// A percentage outside 0 to 100.
    PercentOutOfRange,
    /// More decimal places than the rule allows.
    TooManyDecimalPlaces {
        /// Decimal places allowed.
        max: u32,
    },
    /// A yearly rate above 1000 %: a typing error, not a loan rate.
    RateTooHigh,
    /// A version of the JSON form this library does not know.
    UnknownVersion {
        /// The version it knows.
        known: u32,
    },
    /// A date that must come after the disbursement.
    NotAfterDisbursement,
    /// A first repayment two regular periods or more after the disbursement.
    FirstRepaymentTooLate,
    /// A grace period as long as the loan or longer.
    GraceTooLong {
        /// Installments of the loan.
        installments: u32,
    },
    /// Grace on principal for a loan that repays its principal at maturity anyway.
    GraceNotApplicable,
    /// A fee with both an amount and a percent, or neither.
    AmountOrPercent,
    /// A per-installment fee marked as financed.
    FinancedPerInstallment,
    /// A 30/360 day count with a frequency in days charged by actual days.
    DayCountConflict,
    /// Semi-monthly days that are not two days of the month at least 7 apart.
    SemiMonthlyDays,
    /// A due date beyond the calendar's range (years -262143 to +262142).
    DueDateOutOfCalendar,
    /// A date beyond the calendar's range (years -262143 to +262142).
    OutOfCalendar,
    /// A count too large to work with.
    TooMany,
    /// Working-day rules that leave no working day in the week.
    NoWorkingDayLeft,
    /// No working day near a date (holidays cover it all around).
    NoWorkingDay,
    /// A working-day rule that moves a due date onto or before the disbursement.
    DueBeforeDisbursement,
    /// Charges withheld at disbursement that take the whole principal.
    NothingDisbursed,
    /// An installment multiple larger than the installment it rounds.
    MultipleAboveInstallment {
        /// The installment, as text.
        installment: String,
    },
    /// A cost convention the library does not name.
    UnknownConvention,
    /// Fewer than two cash flows.
    TooFewFlows,
    /// Arguments given in another order than the function's (a number where a date goes first).
    ArgumentOrder {
        /// The function's order, e.g. `xirr(dates, amounts)`.
        order: String,
    },
    /// Two lists that must be as long as each other are not.
    LengthMismatch {
        /// The other list's name.
        other: String,
        /// The other list's length.
        count: u64,
    },
    /// 1 + rate negative, raised to a fractional number of periods: no real result.
    NoRealPower,
    /// -100 % raised to a negative number of periods: no result.
    NoPowerOfZero,
    /// A rate for which no payment repays the loan.
    NoPaymentRepays,
    /// Must be a fraction in [0, 1).
    NotAFraction,
    /// Must be a whole number of periods up to `max`.
    WholePeriods {
        /// The largest number of periods.
        max: u32,
    },
    /// A number that has no floating-point form.
    NotRepresentable,
    /// NaN or an infinity.
    NotFinite,
    /// Text or a value that is not a finite decimal of at most 28 significant digits.
    NotADecimal,
    /// A number beyond the 28 digits a decimal holds.
    TooManyDigits,
    /// A binary float given for an exact amount.
    FloatNotAccepted,
    /// Text that is not an ISO date.
    NotADate,
    /// A date and time given where a date is expected.
    HasTimeOfDay,
    /// A value that is not a day of the week.
    NotAWeekday,
    /// A value that must be given is missing.
    Required {
        /// What is expected, or empty.
        expected: String,
    },
    /// A column the table must have is missing.
    MissingColumn {
        /// The columns required.
        required: String,
    },
    /// A column the table does not read: probably a misspelling of `nearest`.
    UnknownColumn {
        /// The known column nearest in spelling.
        nearest: String,
    },
    /// A column to carry through has the name of one of the output's own columns.
    ColumnNameTaken,
    /// A value of the wrong type.
    WrongType {
        /// What is expected.
        expected: String,
        /// The type found, or empty.
        found: String,
    },
    /// A key that is not part of the form.
    UnknownKey,
    /// A name that is not one of the options (`detail` lists what is expected).
    UnknownName {
        /// What the options are, in English.
        detail: String,
    },
    /// Text longer than the rule allows.
    TooLong {
        /// The number of characters allowed.
        max: u64,
    },
    /// Nested input deeper than the rule allows.
    TooDeep {
        /// The levels allowed.
        max: u32,
    },
    /// A value out of range for the type of its column.
    OutOfRangeFor {
        /// The column's type.
        type_name: String,
    },
    /// Input that could not be read (the reader's message in `detail`).
    Unreadable {
        /// The reader's message, in English.
        detail: String,
    },
    /// A table with no rows.
    NoRows,
    /// A table with more rows than one call takes.
    TooManyRows,
    /// A batch source's installment count (the value) that differs from the loan's schedule.
    RowCountMismatch {
        /// Installments of the schedule.
        rows: u64,
    },
    /// A loan account's event dated before the loan's (first) disbursement.
    BeforeDisbursement,
    /// A reversal of an event the account does not hold.
    UnknownEvent,
    /// A reversal of an event already reversed.
    AlreadyReversed,
    /// A reversal of a reversal (record the event again instead).
    NotReversible,
    /// A repayment on a loan whose obligations are met on that date.
    LoanClosed,
    /// A receipt number the account already holds for another amount or date (`held`).
    ReceiptConflict {
        /// The amount and date recorded with the receipt.
        held: String,
    },
    /// An event id the account already holds for another event.
    IdConflict,
    /// A change dated before a write-off that stands (written off on `date`).
    BeforeWriteOff {
        /// The write-off's date.
        date: String,
    },
    /// Something a written-off loan no longer takes (a charge, a waiver, a refund, a second
    /// write-off).
    LoanWrittenOff,
    /// A recovery on a loan that is not written off.
    NotWrittenOff,
    /// More than is owed (or held) at that point: `owed` is what could be applied.
    MoreThanOwed {
        /// What could be applied.
        owed: String,
    },
}

impl Reason {
    /// [`Reason::Required`], with nothing more to say about what is expected.
    pub fn required() -> Reason {
        Reason::Required { expected: String::new() }
    }

    /// [`Reason::WrongType`] saying what was expected (the type found left unsaid).
    pub fn wrong_type(expected: &str) -> Reason {
        Reason::WrongType { expected: expected.to_string(), found: String::new() }
    }

    /// [`Reason::WholeNumber`] of an unsigned 32-bit count.
    pub fn whole_u32() -> Reason {
        Reason::WholeNumber { min: "0".into(), max: u32::MAX.to_string() }
    }

    /// The stable snake_case code of the rule.
    ///
    /// ```
    /// assert_eq!(microcredit::Reason::NotPositive.code(), "not_positive");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Reason::NotPositive => "not_positive",
            Reason::Negative => "negative",
            Reason::AtMost { .. } => "too_large",
            Reason::GreaterThan { .. } => "too_small",
            Reason::Between { .. } => "out_of_range",
            Reason::WholeNumber { .. } => "not_whole_number",
            Reason::PercentOutOfRange => "percent_out_of_range",
            Reason::TooManyDecimalPlaces { .. } => "too_many_decimal_places",
            Reason::RateTooHigh => "rate_too_high",
            Reason::UnknownVersion { .. } => "unknown_version",
            Reason::NotAfterDisbursement => "not_after_disbursement",
            Reason::FirstRepaymentTooLate => "first_repayment_too_late",
            Reason::GraceTooLong { .. } => "grace_too_long",
            Reason::GraceNotApplicable => "grace_not_applicable",
            Reason::AmountOrPercent => "amount_or_percent",
            Reason::FinancedPerInstallment => "financed_per_installment",
            Reason::DayCountConflict => "day_count_conflict",
            Reason::SemiMonthlyDays => "semi_monthly_days",
            Reason::DueDateOutOfCalendar => "due_date_out_of_calendar",
            Reason::OutOfCalendar => "out_of_calendar",
            Reason::TooMany => "too_many",
            Reason::NoWorkingDayLeft => "no_working_day_left",
            Reason::NoWorkingDay => "no_working_day",
            Reason::DueBeforeDisbursement => "due_before_disbursement",
            Reason::NothingDisbursed => "nothing_disbursed",
            Reason::MultipleAboveInstallment { .. } => "multiple_above_installment",
            Reason::UnknownConvention => "unknown_convention",
            Reason::TooFewFlows => "too_few_flows",
            Reason::ArgumentOrder { .. } => "argument_order",
            Reason::LengthMismatch { .. } => "length_mismatch",
            Reason::NoRealPower => "no_real_power",
            Reason::NoPowerOfZero => "no_power_of_zero",
            Reason::NoPaymentRepays => "no_payment_repays",
            Reason::NotAFraction => "not_a_fraction",
            Reason::WholePeriods { .. } => "not_whole_periods",
            Reason::NotRepresentable => "not_representable",
            Reason::NotFinite => "not_finite",
            Reason::NotADecimal => "not_a_decimal",
            Reason::TooManyDigits => "too_many_digits",
            Reason::FloatNotAccepted => "float_not_accepted",
            Reason::NotADate => "not_a_date",
            Reason::HasTimeOfDay => "has_time_of_day",
            Reason::NotAWeekday => "not_a_weekday",
            Reason::Required { .. } => "required",
            Reason::MissingColumn { .. } => "missing_column",
            Reason::UnknownColumn { .. } => "unknown_column",
            Reason::ColumnNameTaken => "column_name_taken",
            Reason::WrongType { .. } => "wrong_type",
            Reason::UnknownKey => "unknown_key",
            Reason::UnknownName { .. } => "unknown_name",
            Reason::TooLong { .. } => "too_long",
            Reason::TooDeep { .. } => "too_deep",
            Reason::OutOfRangeFor { .. } => "out_of_range_for_type",
            Reason::Unreadable { .. } => "unreadable",
            Reason::NoRows => "no_rows",
            Reason::TooManyRows => "too_many_rows",
            Reason::RowCountMismatch { .. } => "row_count_mismatch",
            Reason::BeforeDisbursement => "before_disbursement",
            Reason::UnknownEvent => "unknown_event",
            Reason::AlreadyReversed => "already_reversed",
            Reason::NotReversible => "not_reversible",
            Reason::LoanClosed => "loan_closed",
            Reason::ReceiptConflict { .. } => "receipt_conflict",
            Reason::IdConflict => "id_conflict",
            Reason::BeforeWriteOff { .. } => "before_write_off",
            Reason::LoanWrittenOff => "loan_written_off",
            Reason::NotWrittenOff => "not_written_off",
            Reason::MoreThanOwed { .. } => "more_than_owed",
        }
    }

    /// The rule's parameters, as name and value (empty for a rule without any).
    ///
    /// ```
    /// use microcredit::Reason;
    /// let r = Reason::GraceTooLong { installments: 12 };
    /// assert_eq!(r.params(), vec![("installments", "12".to_string())]);
    /// ```
    pub fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            Reason::AtMost { limit } | Reason::GreaterThan { limit } => vec![("limit", limit.clone())],
            Reason::Between { min, max } | Reason::WholeNumber { min, max } => {
                vec![("min", min.clone()), ("max", max.clone())]
            }
            Reason::TooManyDecimalPlaces { max } | Reason::TooDeep { max } | Reason::WholePeriods { max } => {
                vec![("max", max.to_string())]
            }
            Reason::TooLong { max } => vec![("max", max.to_string())],
            Reason::UnknownVersion { known } => vec![("known", known.to_string())],
            Reason::GraceTooLong { installments } => vec![("installments", installments.to_string())],
            Reason::MultipleAboveInstallment { installment } => vec![("installment", installment.clone())],
            Reason::ArgumentOrder { order } => vec![("order", order.clone())],
            Reason::LengthMismatch { other, count } => vec![("other", other.clone()), ("count", count.to_string())],
            Reason::Required { expected } if !expected.is_empty() => vec![("expected", expected.clone())],
            Reason::MissingColumn { required } => vec![("required", required.clone())],
            Reason::UnknownColumn { nearest } => vec![("nearest", nearest.clone())],
            Reason::WrongType { expected, found } if found.is_empty() => vec![("expected", expected.clone())],
            Reason::WrongType { expected, found } => vec![("expected", expected.clone()), ("found", found.clone())],
            Reason::UnknownName { detail } | Reason::Unreadable { detail } => vec![("detail", detail.clone())],
            Reason::OutOfRangeFor { type_name } => vec![("type_name", type_name.clone())],
            Reason::RowCountMismatch { rows } => vec![("rows", rows.to_string())],
            Reason::ReceiptConflict { held } => vec![("held", held.clone())],
            Reason::BeforeWriteOff { date } => vec![("date", date.clone())],
            Reason::MoreThanOwed { owed } => vec![("owed", owed.clone())],
            _ => Vec::new(),
        }
    }

    /// The rule as text in `lang`.
    ///
    /// ```
    /// use microcredit::{Lang, Reason};
    /// assert_eq!(Reason::Negative.message(Lang::En), "must not be negative");
    /// assert_eq!(Reason::Negative.message(Lang::Es), "no puede ser negativo");
    /// ```
    pub fn message(&self, lang: Lang) -> String {
        let (en, es) = self.templates();
        fill(if lang == Lang::Es { es } else { en }, &self.params())
    }

    /// The English and Spanish texts of the rule, with `{name}` where a parameter goes (one table
    /// of words, filled by one function: small code for the mobile library).
    fn templates(&self) -> (&'static str, &'static str) {
        match self {
            Reason::NotPositive => ("must be greater than zero", "debe ser mayor que cero"),
            Reason::Negative => ("must not be negative", "no puede ser negativo"),
            Reason::AtMost { .. } => ("must be at most {limit}", "debe ser como máximo {limit}"),
            Reason::GreaterThan { .. } => ("must be greater than {limit}", "debe ser mayor que {limit}"),
            Reason::Between { .. } => ("must be between {min} and {max}", "debe estar entre {min} y {max}"),
            Reason::WholeNumber { .. } => {
                ("must be a whole number between {min} and {max}", "debe ser un número entero entre {min} y {max}")
            }
            Reason::PercentOutOfRange => ("must be between 0 and 100 percent", "debe estar entre 0 y 100 por ciento"),
            Reason::TooManyDecimalPlaces { .. } => {
                ("at most {max} decimal places", "admite como máximo {max} decimales")
            }
            Reason::RateTooHigh => ("is above 1000 % a year", "supera el 1000 % anual"),
            Reason::UnknownVersion { .. } => ("only version {known} is known", "solo se conoce la versión {known}"),
            Reason::NotAfterDisbursement => {
                ("must be after the disbursement date", "debe ser posterior a la fecha de desembolso")
            }
            Reason::FirstRepaymentTooLate => (
                "must be earlier than two regular periods after disbursement",
                "debe ser antes de que pasen dos períodos regulares desde el desembolso",
            ),
            Reason::GraceTooLong { .. } => (
                "must be shorter than the {installments} installments",
                "debe ser menor que el número de cuotas ({installments})",
            ),
            Reason::GraceNotApplicable => {
                ("principal is already paid at maturity", "el capital ya se paga al vencimiento")
            }
            Reason::AmountOrPercent => {
                ("give exactly one of amount and percent", "indique solo uno: el monto o el porcentaje")
            }
            Reason::FinancedPerInstallment => {
                ("only upfront fees can be financed", "solo los cargos iniciales se pueden financiar")
            }
            Reason::DayCountConflict => (
                "contradicts a frequency in days charged by actual days; use act_360 or act_365f",
                "no corresponde a una frecuencia en días cobrada por días reales; use act_360 o act_365f",
            ),
            Reason::SemiMonthlyDays => (
                "must be two days of the month, 1-31, the first earlier by at least 7",
                "deben ser dos días del mes, del 1 al 31, el primero al menos 7 días antes que el segundo",
            ),
            Reason::DueDateOutOfCalendar => {
                ("due date out of the calendar's range", "una fecha de pago queda fuera del calendario")
            }
            Reason::OutOfCalendar => ("out of the calendar's range", "fuera del rango del calendario"),
            Reason::TooMany => ("too many", "demasiados"),
            Reason::NoWorkingDayLeft => ("leaves no working day", "no deja ningún día laborable"),
            Reason::NoWorkingDay => ("no working day near this date", "no hay un día laborable cerca de esta fecha"),
            Reason::DueBeforeDisbursement => (
                "moves a due date onto or before the disbursement",
                "mueve una fecha de pago al día del desembolso o antes",
            ),
            Reason::NothingDisbursed => (
                "charges withheld at disbursement leave the family nothing",
                "los cargos descontados en el desembolso no le dejan nada a la familia",
            ),
            Reason::MultipleAboveInstallment { .. } => (
                "is larger than the installment it rounds ({installment})",
                "es mayor que la cuota que redondea ({installment})",
            ),
            Reason::UnknownConvention => ("unknown convention", "convención de costo desconocida"),
            Reason::TooFewFlows => ("need at least two cash flows", "se necesitan al menos dos flujos de caja"),
            Reason::ArgumentOrder { .. } => {
                ("arguments in the wrong order: the order is {order}", "argumentos en otro orden: el orden es {order}")
            }
            Reason::LengthMismatch { .. } => {
                ("must have as many entries as {other} ({count})", "debe tener tantos elementos como {other} ({count})")
            }
            Reason::NoRealPower => (
                "1 + rate is negative: it has no real power of a fractional number of periods",
                "1 + tasa es negativo: no tiene potencia real para un número fraccionario de períodos",
            ),
            Reason::NoPowerOfZero => (
                "-100 % has no power of a negative number of periods",
                "-100 % no tiene potencia para un número negativo de períodos",
            ),
            Reason::NoPaymentRepays => (
                "makes (1 + rate)^nper equal to 1 (or -100 % with payments at the start): no payment repays the loan",
                "hace que (1 + tasa)^nper sea 1 (o -100 % con pagos al inicio): ningún pago cancela el préstamo",
            ),
            Reason::NotAFraction => ("must be a fraction in [0, 1)", "debe ser una fracción en [0, 1)"),
            Reason::WholePeriods { .. } => {
                ("must be a whole number of periods up to {max}", "debe ser un número entero de períodos, hasta {max}")
            }
            Reason::NotRepresentable => ("not representable", "no se puede representar"),
            Reason::NotFinite => ("must be a finite number", "debe ser un número finito"),
            Reason::NotADecimal => (
                "not a finite decimal number of at most 28 significant digits",
                "no es un número decimal de 28 dígitos significativos como máximo",
            ),
            Reason::TooManyDigits => (
                "does not fit a 28-digit decimal (at most 79228162514264337593543950335)",
                "no cabe en un decimal de 28 dígitos (como máximo 79228162514264337593543950335)",
            ),
            Reason::FloatNotAccepted => (
                "floats are not accepted for exact amounts; pass a decimal.Decimal, a str or an int",
                "no se aceptan números de coma flotante para montos exactos; use un decimal, un texto o un entero",
            ),
            Reason::NotADate => ("not an ISO date YYYY-MM-DD", "no es una fecha ISO AAAA-MM-DD"),
            Reason::HasTimeOfDay => (
                "a datetime is not a date; pass a date (e.g. value.date()) so no time of day or time zone is dropped silently",
                "una fecha con hora no es una fecha; use solo la fecha (sin hora ni zona horaria)",
            ),
            Reason::NotAWeekday => ("not a day of the week", "no es un día de la semana"),
            Reason::Required { expected } if expected.is_empty() => ("required", "es obligatorio"),
            Reason::Required { .. } => ("required: {expected}", "es obligatorio: {expected}"),
            Reason::MissingColumn { .. } => (
                "required column is missing (required: {required})",
                "falta una columna obligatoria (obligatorias: {required})",
            ),
            Reason::ColumnNameTaken => (
                "the output tables have a column of this name; rename it to carry it through",
                "las tablas de salida ya tienen una columna con este nombre; cámbiele el nombre para conservarla",
            ),
            Reason::UnknownColumn { .. } => (
                "unknown column; did you mean '{nearest}'? (name columns to carry through with keep)",
                "columna desconocida; ¿quiso decir '{nearest}'? (las columnas que deben pasar se nombran en keep)",
            ),
            Reason::WrongType { found, .. } if found.is_empty() => {
                ("expected {expected}", "tipo no válido: se esperaba {expected}")
            }
            Reason::WrongType { .. } => {
                ("expected {expected}, not {found}", "tipo no válido: se esperaba {expected}, no {found}")
            }
            Reason::UnknownKey => ("unknown key", "clave desconocida"),
            Reason::UnknownName { .. } => ("{detail}", "no es una opción conocida ({detail})"),
            Reason::TooLong { .. } => ("longer than {max} characters", "tiene más de {max} caracteres"),
            Reason::TooDeep { .. } => (
                "nested deeper than {max} levels (loan terms nest about 4 levels at most)",
                "anidado a más de {max} niveles",
            ),
            Reason::OutOfRangeFor { .. } => ("out of range for {type_name}", "fuera del rango de {type_name}"),
            Reason::Unreadable { .. } => ("could not be read: {detail}", "no se pudo leer: {detail}"),
            Reason::NoRows => ("the frame has no rows", "la tabla no tiene filas"),
            Reason::TooManyRows => {
                ("too many rows for one call; split the frame", "demasiadas filas para una llamada; divida la tabla")
            }
            Reason::RowCountMismatch { .. } => (
                "differs from the {rows} installments of the loan's schedule",
                "no coincide con las {rows} cuotas del calendario de pagos del préstamo",
            ),
            Reason::BeforeDisbursement => {
                ("is before the loan's disbursement", "es anterior al desembolso del préstamo")
            }
            Reason::UnknownEvent => (
                "the account holds no event with this id",
                "la cuenta no tiene ningún movimiento con este identificador",
            ),
            Reason::AlreadyReversed => ("was already reversed", "ya fue anulado"),
            Reason::NotReversible => (
                "a reversal cannot be reversed; record the event again",
                "una anulación no se puede anular; registre el movimiento de nuevo",
            ),
            Reason::LoanClosed => (
                "the loan is closed on this date: its obligations are met",
                "el préstamo está cancelado en esta fecha: no tiene deudas pendientes",
            ),
            Reason::ReceiptConflict { .. } => (
                "this receipt is already recorded with another amount or date ({held})",
                "este recibo ya está registrado con otro monto o fecha ({held})",
            ),
            Reason::IdConflict => {
                ("another event is recorded with this id", "ya hay otro movimiento registrado con este identificador")
            }
            Reason::BeforeWriteOff { .. } => (
                "is before the write-off of {date}: nothing before it changes while it stands",
                "es anterior al castigo del {date}: nada anterior cambia mientras el castigo siga vigente",
            ),
            Reason::LoanWrittenOff => (
                "the loan is written off (payments now count as recoveries)",
                "el préstamo está castigado (los pagos ahora cuentan como recuperaciones)",
            ),
            Reason::NotWrittenOff => (
                "only a written-off loan has recoveries; record a repayment",
                "solo un préstamo castigado tiene recuperaciones; registre un pago",
            ),
            Reason::MoreThanOwed { .. } => (
                "is more than is owed at that point ({owed} could be applied)",
                "es más de lo que se debe en ese momento (se podía aplicar {owed})",
            ),
        }
    }
}

/// `template` with every `{name}` replaced by the parameter of that name (left as it is when
/// there is none).
fn fill(template: &str, params: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| {
            let name = &after[..close];
            params.iter().find(|(k, _)| *k == name).map(|(_, v)| (close, v))
        }) {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// The language of a message: English or Spanish.
///
/// ```
/// use microcredit::{Error, Lang, Reason};
/// let e = Error::invalid("principal", 0, Reason::NotPositive);
/// assert_eq!(e.message(Lang::Es), "valor no válido en principal: 0 (debe ser mayor que cero)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Lang {
    /// English (the `Display` text of every error).
    #[default]
    En,
    /// Spanish, written for a field officer (usted form).
    Es,
}

impl Lang {
    /// The language of an ISO 639-1 code (`"en"`, `"es"`, any case; a region such as `es-EC` is
    /// accepted), or `None`.
    ///
    /// ```
    /// use microcredit::Lang;
    /// assert_eq!(Lang::from_code("es-EC"), Some(Lang::Es));
    /// assert_eq!(Lang::from_code("fr"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<Lang> {
        let base = code.split(['-', '_']).next().unwrap_or("");
        if base.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else if base.eq_ignore_ascii_case("es") {
            Some(Lang::Es)
        } else {
            None
        }
    }
}

/// The family of an error: decides the Python exception class and the Kotlin exception, in one
/// place ([`Error::error_kind`]).
///
/// ```
/// use microcredit::{Currency, ErrorKind};
/// assert_eq!(Currency::from_code("XYZ").unwrap_err().error_kind(), ErrorKind::Currency);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A value outside the rules, too many decimals, an overflow, a limit exceeded.
    Validation,
    /// An unknown currency, or two currencies mixed.
    Currency,
    /// A rate solver found no rate or did not converge.
    Solver,
    /// JSON that does not parse or does not match the documented form.
    Json,
    /// A bug in the library, not a problem with the input.
    Internal,
}

impl ErrorKind {
    /// The family's stable snake_case name.
    ///
    /// ```
    /// assert_eq!(microcredit::ErrorKind::Solver.name(), "solver");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Validation => "validation",
            ErrorKind::Currency => "currency",
            ErrorKind::Solver => "solver",
            ErrorKind::Json => "json",
            ErrorKind::Internal => "internal",
        }
    }
}

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the core, as a value.
///
/// Each variant names what was wrong (the field path, e.g. `fees[0].percent`) and the offending
/// value, so a binding can show it to a field officer or an analyst without guessing.
///
/// ```
/// use microcredit::{Error, Currency};
/// let err = Currency::from_code("XYZ").unwrap_err();
/// assert_eq!(err.kind(), "unknown_currency");
/// assert!(err.to_string().contains("XYZ"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A field of the input has a value outside what the rules allow.
    #[error("invalid {field}: {value} ({reason})")]
    InvalidField {
        /// Path of the field, e.g. `principal` or `fees[1].amount`.
        field: String,
        /// The rejected value, as text.
        value: String,
        /// The rule it broke.
        reason: Reason,
    },
    /// A currency code that is not in the ISO 4217 table the library knows.
    #[error("unknown currency: {code}")]
    UnknownCurrency {
        /// The code as given.
        code: String,
    },
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch: {left} and {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: String,
        /// Currency of the right operand.
        right: String,
    },
    /// An amount has more decimal places than its currency's minor unit allows.
    #[error("invalid {field}: {value} has more decimals than {currency} allows ({minor_units})")]
    TooManyDecimals {
        /// Path of the field.
        field: String,
        /// The amount as given.
        value: String,
        /// Its currency code.
        currency: String,
        /// Decimal places the currency allows.
        minor_units: u32,
    },
    /// A rate solver (IRR, XIRR, RATE) did not converge.
    #[error("{what} did not converge: {reason}")]
    NoConvergence {
        /// Which computation (e.g. `xirr`).
        what: String,
        /// Why it stopped.
        reason: String,
    },
    /// The cash flows have no rate of return (e.g. all of one sign).
    #[error("{what} has no solution: {reason}")]
    NoRate {
        /// Which computation.
        what: String,
        /// Why no rate exists.
        reason: String,
    },
    /// A number grew beyond what exact arithmetic can hold.
    #[error("overflow computing {what}")]
    Overflow {
        /// What was being computed.
        what: String,
    },
    /// A request would need more of a resource (memory, rows) than its limit allows; raise the
    /// limit or split the work.
    #[error("limit exceeded: {what} would need {requested}, the limit is {limit}")]
    LimitExceeded {
        /// The option that sets the limit (e.g. `memory_limit`, in bytes): its field.
        what: String,
        /// How much the request needs.
        requested: u64,
        /// The limit in force.
        limit: u64,
    },
    /// JSON that does not parse or does not match the documented form.
    #[error("invalid JSON: {reason}")]
    Json {
        /// The parser's message (positions and field names, never values of personal data).
        reason: String,
        /// `true` when the text is not JSON at all (a syntax error or an early end), `false` when
        /// it is JSON of another shape than the documented form.
        syntax: bool,
    },
    /// A bug in the library, not a problem with the input (an invariant that did not hold).
    #[error("internal error: {what}; please report it with the input that caused it")]
    Internal {
        /// What did not hold.
        what: &'static str,
    },
}

impl Error {
    /// A stable, machine-readable name of the variant, shared by every binding.
    ///
    /// ```
    /// # use microcredit::Error;
    /// # use microcredit::Reason;
    /// let e = Error::invalid("principal", "0", Reason::NotPositive);
    /// assert_eq!(e.kind(), "invalid_field");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidField { .. } => "invalid_field",
            Error::UnknownCurrency { .. } => "unknown_currency",
            Error::CurrencyMismatch { .. } => "currency_mismatch",
            Error::TooManyDecimals { .. } => "too_many_decimals",
            Error::NoConvergence { .. } => "no_convergence",
            Error::NoRate { .. } => "no_rate",
            Error::Overflow { .. } => "overflow",
            Error::LimitExceeded { .. } => "limit_exceeded",
            Error::Json { .. } => "json",
            Error::Internal { .. } => "internal",
        }
    }

    /// The family of the error, which decides the Python exception class and the Kotlin
    /// exception: every binding uses this one mapping.
    ///
    /// ```
    /// # use microcredit::{Error, ErrorKind, Reason};
    /// assert_eq!(Error::invalid("principal", 0, Reason::NotPositive).error_kind(), ErrorKind::Validation);
    /// ```
    pub fn error_kind(&self) -> ErrorKind {
        match self {
            Error::InvalidField { .. }
            | Error::TooManyDecimals { .. }
            | Error::Overflow { .. }
            | Error::LimitExceeded { .. } => ErrorKind::Validation,
            Error::UnknownCurrency { .. } | Error::CurrencyMismatch { .. } => ErrorKind::Currency,
            Error::NoConvergence { .. } | Error::NoRate { .. } => ErrorKind::Solver,
            Error::Json { .. } => ErrorKind::Json,
            Error::Internal { .. } => ErrorKind::Internal,
        }
    }

    /// A stable snake_case code for what went wrong: the rule's code ([`Reason::code`]) for an
    /// invalid field, else one code per variant (`json_syntax` or `json_shape` for JSON).
    ///
    /// ```
    /// # use microcredit::{Error, Reason};
    /// assert_eq!(Error::invalid("rate.percent", "-1", Reason::Negative).code(), "negative");
    /// let bad = microcredit::LoanTerms::from_json("{").unwrap_err();
    /// assert_eq!(bad.code(), "json_syntax");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidField { reason, .. } => reason.code(),
            Error::Json { syntax: true, .. } => "json_syntax",
            Error::Json { syntax: false, .. } => "json_shape",
            other => other.kind(),
        }
    }

    /// The error's parameters, as name and value: what a translated message is built from.
    ///
    /// ```
    /// # use microcredit::{Error, Reason};
    /// let e = Error::invalid("grace_on_principal", 12, Reason::GraceTooLong { installments: 12 });
    /// assert_eq!(
    ///     e.params(),
    ///     vec![("field", "grace_on_principal".to_string()), ("value", "12".to_string()), ("installments", "12".to_string())]
    /// );
    /// ```
    pub fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            Error::InvalidField { field, value, reason } => {
                let mut p = vec![("field", field.clone()), ("value", value.clone())];
                p.extend(reason.params());
                p
            }
            Error::UnknownCurrency { code } => vec![("code", code.clone())],
            Error::CurrencyMismatch { left, right } => vec![("left", left.clone()), ("right", right.clone())],
            Error::TooManyDecimals { field, value, currency, minor_units } => vec![
                ("field", field.clone()),
                ("value", value.clone()),
                ("currency", currency.clone()),
                ("minor_units", minor_units.to_string()),
            ],
            Error::NoConvergence { what, reason } | Error::NoRate { what, reason } => {
                vec![("what", what.clone()), ("reason", reason.clone())]
            }
            Error::Overflow { what } => vec![("what", what.clone())],
            Error::LimitExceeded { what, requested, limit } => {
                vec![("what", what.clone()), ("requested", requested.to_string()), ("limit", limit.to_string())]
            }
            Error::Json { reason, .. } => vec![("reason", reason.clone())],
            Error::Internal { what } => vec![("what", (*what).to_string())],
        }
    }

    /// The message in `lang`: English is the `Display` text; Spanish is written for a field
    /// officer. Field paths, values and codes stay as they are in both.
    ///
    /// ```
    /// # use microcredit::{Error, Lang, Reason};
    /// let e = Error::invalid("installments", 0, Reason::Between { min: "1".into(), max: "1200".into() });
    /// assert_eq!(e.message(Lang::En), "invalid installments: 0 (must be between 1 and 1200)");
    /// assert_eq!(e.message(Lang::Es), "valor no válido en installments: 0 (debe estar entre 1 y 1200)");
    /// ```
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            Error::InvalidField { field, value, reason } => {
                format!("valor no válido en {field}: {value} ({})", reason.message(lang))
            }
            Error::UnknownCurrency { code } => format!("moneda desconocida: {code}"),
            Error::CurrencyMismatch { left, right } => {
                format!("no se pueden combinar montos en monedas distintas: {left} y {right}")
            }
            Error::TooManyDecimals { field, value, currency, minor_units } => format!(
                "valor no válido en {field}: {value} tiene más decimales de los que admite {currency} ({minor_units})"
            ),
            Error::NoConvergence { what, .. } => format!("{what}: no se encontró la tasa (el cálculo no converge)"),
            Error::NoRate { what, .. } => format!(
                "{what}: no existe una tasa para estos flujos de caja (se necesita al menos un monto positivo y uno negativo)"
            ),
            Error::Overflow { what } => format!("desbordamiento al calcular {what}: el número es demasiado grande"),
            Error::LimitExceeded { what, requested, limit } => {
                format!("límite superado: {what} necesitaría {requested} y el límite es {limit}")
            }
            Error::Json { reason, .. } => format!("JSON no válido: {reason}"),
            Error::Internal { what } => {
                format!("error interno: {what}; por favor, repórtelo con los datos que lo causaron")
            }
        }
    }

    /// The rule an invalid field broke ([`Error::InvalidField`]), where there is one.
    ///
    /// ```
    /// # use microcredit::{Error, Reason};
    /// assert_eq!(Error::invalid("installments", 0, Reason::NotPositive).reason(), Some(&Reason::NotPositive));
    /// ```
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Error::InvalidField { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// The field the error is about, where there is one.
    ///
    /// ```
    /// # use microcredit::Error;
    /// # use microcredit::Reason;
    /// assert_eq!(Error::invalid("installments", 0, Reason::NotPositive).field(), Some("installments"));
    /// ```
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidField { field, .. } | Error::TooManyDecimals { field, .. } => Some(field),
            Error::UnknownCurrency { .. } => Some("currency"),
            Error::LimitExceeded { what, .. } => Some(what),
            _ => None,
        }
    }

    /// The rejected value, as text (already bounded), where the error carries one: an invalid
    /// field's value, an unknown currency's code, the amount a limit was exceeded by.
    ///
    /// ```
    /// # use microcredit::{Error, Reason};
    /// assert_eq!(Error::invalid("installments", 0, Reason::NotPositive).value(), Some("0".to_string()));
    /// assert_eq!(Error::unknown_currency("XYZ").value(), Some("XYZ".to_string()));
    /// assert_eq!(Error::Overflow { what: "pmt".into() }.value(), None);
    /// ```
    pub fn value(&self) -> Option<String> {
        match self {
            Error::InvalidField { value, .. } | Error::TooManyDecimals { value, .. } => Some(value.clone()),
            Error::UnknownCurrency { code } => Some(code.clone()),
            Error::LimitExceeded { requested, .. } => Some(requested.to_string()),
            _ => None,
        }
    }

    /// Shorthand for [`Error::InvalidField`].
    ///
    /// ```
    /// # use microcredit::Error;
    /// # use microcredit::Reason;
    /// let e = Error::invalid("rate.percent", "-1", Reason::Negative);
    /// assert_eq!(e.to_string(), "invalid rate.percent: -1 (must not be negative)");
    /// ```
    pub fn invalid(field: impl Into<String>, value: impl fmt::Display, reason: Reason) -> Self {
        Error::invalid_field(field.into(), &value, reason)
    }

    /// [`Error::invalid`] past its generic parameters (one copy of the formatting, not one per
    /// type of value: the mobile library is size-bound).
    #[inline(never)]
    fn invalid_field(field: String, value: &dyn fmt::Display, reason: Reason) -> Self {
        Error::InvalidField { field, value: bounded(value), reason }
    }

    /// [`Error::UnknownCurrency`] for a code as given, echoing at most [`ECHO_LIMIT`] characters.
    pub fn unknown_currency(code: &str) -> Self {
        Error::UnknownCurrency { code: bounded(&code) }
    }

    /// The error with the field `from` called `to` wherever it names it (its field, or the other
    /// list of a length mismatch): for a front end whose argument has another name than the
    /// core's (Python's `xirr(dates, amounts)` calls the core's `values` `amounts`).
    ///
    /// ```
    /// # use microcredit::{Error, Reason};
    /// let e = Error::invalid("dates", 3, Reason::LengthMismatch { other: "values".into(), count: 2 });
    /// assert_eq!(e.renamed("values", "amounts").to_string(), "invalid dates: 3 (must have as many entries as amounts (2))");
    /// assert_eq!(Error::invalid("values", 0, Reason::TooFewFlows).renamed("values", "amounts").field(), Some("amounts"));
    /// ```
    pub fn renamed(self, from: &str, to: &str) -> Self {
        match self {
            Error::InvalidField { field, value, reason } => {
                let reason = match reason {
                    Reason::LengthMismatch { other, count } if other == from => {
                        Reason::LengthMismatch { other: to.into(), count }
                    }
                    other => other,
                };
                Error::InvalidField { field: if field == from { to.into() } else { field }, value, reason }
            }
            other => other,
        }
    }

    /// Prefix the field path with a parent, e.g. `amount` inside `fees[0]`.
    pub(crate) fn within(self, parent: &str) -> Self {
        match self {
            Error::InvalidField { field, value, reason } => {
                Error::InvalidField { field: format!("{parent}.{field}"), value, reason }
            }
            Error::TooManyDecimals { field, value, currency, minor_units } => {
                Error::TooManyDecimals { field: format!("{parent}.{field}"), value, currency, minor_units }
            }
            other => other,
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        // The parser quotes what it rejects (`unknown variant `...``): a pasted 10 MB string
        // must not become a 10 MB message. Enough is kept for the position and the expectation.
        let syntax = matches!(e.classify(), serde_json::error::Category::Syntax | serde_json::error::Category::Eof);
        Error::Json { reason: bounded_to(&e, 4 * ECHO_LIMIT), syntax }
    }
}

/// One error of each variant but `Internal` (the tests of every binding's mapping use it).
#[cfg(test)]
pub(crate) fn one_of_each() -> Vec<Error> {
    let s = || "x".to_string();
    vec![
        Error::invalid("principal", 0, Reason::GraceTooLong { installments: 12 }),
        Error::UnknownCurrency { code: s() },
        Error::CurrencyMismatch { left: s(), right: s() },
        Error::TooManyDecimals { field: s(), value: s(), currency: s(), minor_units: 2 },
        Error::NoConvergence { what: s(), reason: s() },
        Error::NoRate { what: s(), reason: s() },
        Error::Overflow { what: s() },
        Error::LimitExceeded { what: s(), requested: 3_840_000_000, limit: 1 << 30 },
        Error::Json { reason: s(), syntax: true },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_names_and_keeps_the_rest() {
        let params = [("limit", "1e12".to_string())];
        assert_eq!(fill("at most {limit} ({other}) {", &params), "at most 1e12 ({other}) {");
        assert_eq!(fill("no braces", &[]), "no braces");
    }

    /// Every variant has a code, a family and a Spanish message of its own.
    #[test]
    fn every_variant_has_a_code_and_spanish() {
        for e in one_of_each().into_iter().chain([Error::Internal { what: "x" }]) {
            assert!(!e.code().is_empty());
            assert_ne!(e.message(Lang::Es), e.message(Lang::En), "{e}");
            assert_eq!(e.message(Lang::En), e.to_string());
        }
    }

    #[test]
    fn reasons_keep_their_english_and_have_spanish() {
        let r = Reason::WrongType { expected: "a dict".into(), found: "int".into() };
        assert_eq!(r.to_string(), "expected a dict, not int");
        assert_eq!(r.message(Lang::Es), "tipo no válido: se esperaba a dict, no int");
        let r = Reason::Required { expected: String::new() };
        assert_eq!((r.to_string().as_str(), r.message(Lang::Es).as_str()), ("required", "es obligatorio"));
        let r = Reason::ArgumentOrder { order: "xirr(dates, amounts)".into() };
        assert_eq!(r.code(), "argument_order");
        assert_eq!(r.to_string(), "arguments in the wrong order: the order is xirr(dates, amounts)");
        assert_eq!(r.message(Lang::Es), "argumentos en otro orden: el orden es xirr(dates, amounts)");
    }
}
