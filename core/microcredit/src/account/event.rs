//! The events of a loan account: what happened to the loan, one immutable record each.
//!
//! An account is an append-only list of [`Event`]s. Each has a global id ([`EventId`], a UUID:
//! version 7 when a device mints it, so ids sort by the time they were minted), who recorded it
//! and when ([`Recording`], opaque ids only: no names), the date it takes effect, and what it
//! is ([`EventKind`]). A mistake is never edited away: a [`EventKind::Reversal`] cancels the
//! event it names, and the state is replayed as if that event had never been recorded.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, MAX_NAME_TEXT, Reason, Result};
use crate::money::Money;

/// The global id of an event: a UUID, written in its usual text form.
///
/// Devices mint version-7 ids ([`EventId::v7`]): they sort by the millisecond they were minted,
/// so events of one day replay in the order they were recorded. The core never reads a clock or
/// a random source itself: the caller passes both.
///
/// ```
/// use microcredit::account::EventId;
/// let id = EventId::v7(1_765_000_000_000, [7; 10]);
/// assert_eq!(id.to_string().len(), 36);
/// assert_eq!(EventId::parse(&id.to_string())?, id);
/// assert!(EventId::v7(1_765_000_000_001, [0; 10]) > id); // later millisecond, larger id
/// # Ok::<(), microcredit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(uuid::Uuid);

impl EventId {
    /// A version-7 id from a Unix time in milliseconds and 10 random bytes (of which 74 bits
    /// are used).
    pub fn v7(unix_millis: u64, random: [u8; 10]) -> EventId {
        EventId(uuid::Builder::from_unix_timestamp_millis(unix_millis, &random).into_uuid())
    }

    /// An id from its text form (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits).
    pub fn parse(text: &str) -> Result<EventId> {
        if text.len() > MAX_NAME_TEXT {
            return Err(Error::invalid("id", text, Reason::TooLong { max: MAX_NAME_TEXT as u64 }));
        }
        uuid::Uuid::try_parse(text.trim())
            .map(EventId)
            .map_err(|_| Error::invalid("id", text, Reason::wrong_type("a UUID such as 0190a5b2-...")))
    }

    /// The id as a 128-bit number (for columnar storage).
    pub fn as_u128(self) -> u128 {
        self.0.as_u128()
    }

    /// An id from its 128-bit number.
    pub fn from_u128(value: u128) -> EventId {
        EventId(uuid::Uuid::from_u128(value))
    }
}

impl std::fmt::Display for EventId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// Who recorded an event, and when: opaque ids of the device and the officer (never a name), and
/// the device's clock in Unix milliseconds.
///
/// ```
/// use microcredit::account::Recording;
/// let r = Recording::new(1_765_000_000_000, "phone-7", "officer-12");
/// assert_eq!(r.device, "phone-7");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Recording {
    /// When the event was recorded, by the recording device's clock (Unix milliseconds).
    pub at_unix_millis: i64,
    /// The opaque id of the device that recorded it.
    #[serde(default)]
    pub device: String,
    /// The opaque id of the officer who recorded it.
    #[serde(default)]
    pub officer: String,
}

impl Recording {
    /// A recording by `device` and `officer` at `at_unix_millis`.
    pub fn new(at_unix_millis: i64, device: &str, officer: &str) -> Recording {
        Recording { at_unix_millis, device: device.to_string(), officer: officer.to_string() }
    }
}

/// One thing that happened to a loan, effective on a date. Never edited, never deleted.
///
/// ```
/// use microcredit::account::{Event, EventId, EventKind, Recording};
/// use microcredit::{Money, NaiveDate};
/// let paid = Event::new(
///     EventId::v7(1_765_000_000_000, [1; 10]),
///     NaiveDate::from_ymd_opt(2025, 4, 3).unwrap(),
///     EventKind::repayment(Money::parse("137.50", "USD")?, Some("R-0042")),
/// );
/// assert_eq!(paid.kind.name(), "repayment");
/// let json = paid.to_json()?;
/// assert_eq!(Event::from_json(&json)?, paid);
/// # Ok::<(), microcredit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The event's global id.
    pub id: EventId,
    /// The date it takes effect (a repayment's value date, a charge's due date).
    pub effective: NaiveDate,
    /// Who recorded it, and when.
    #[serde(default)]
    pub recorded: Recording,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The longest text an event carries (a receipt number, a channel, a charge's name).
pub const MAX_EVENT_TEXT: usize = 64;

impl Event {
    /// An event with an empty [`Recording`] (set `recorded` for the device and officer).
    pub fn new(id: EventId, effective: NaiveDate, kind: EventKind) -> Event {
        Event { id, effective, recorded: Recording::default(), kind }
    }

    /// The event in its JSON form (see the crate's `json_form`).
    pub fn to_json(&self) -> Result<String> {
        Ok(serde_json::to_string(self)?)
    }

    /// An event from its JSON form.
    pub fn from_json(text: &str) -> Result<Event> {
        let event: Event = serde_json::from_str(text)?;
        event.check_shape()?;
        Ok(event)
    }

    /// The money the event moves, if it moves any.
    pub fn amount(&self) -> Option<Money> {
        match &self.kind {
            EventKind::Disbursement { amount }
            | EventKind::Repayment { amount, .. }
            | EventKind::Charge { amount, .. }
            | EventKind::Waiver { amount, .. }
            | EventKind::Recovery { amount }
            | EventKind::Refund { amount } => Some(*amount),
            EventKind::WriteOff | EventKind::Reversal { .. } => None,
        }
    }

    /// Texts bounded and amounts positive: the checks that need no account.
    pub(crate) fn check_shape(&self) -> Result<()> {
        if let Some(amount) = self.amount() {
            if amount.amount() <= Decimal::ZERO {
                return Err(Error::invalid("amount", amount.amount(), Reason::NotPositive));
            }
            super::check_amount("amount", amount.amount())?;
        }
        let texts: [(&str, Option<&str>); 5] = match &self.kind {
            EventKind::Repayment { channel, receipt, .. } => {
                [("channel", channel.as_deref()), ("receipt", receipt.as_deref()), ("", None), ("", None), ("", None)]
            }
            EventKind::Charge { name, .. } => {
                [("name", name.as_deref()), ("", None), ("", None), ("", None), ("", None)]
            }
            _ => [("", None); 5],
        };
        let recorded = [
            ("recorded.device", Some(self.recorded.device.as_str())),
            ("recorded.officer", Some(self.recorded.officer.as_str())),
        ];
        for (field, text) in texts.into_iter().chain(recorded) {
            if let Some(text) = text
                && text.chars().count() > MAX_EVENT_TEXT
            {
                return Err(Error::invalid(field, text, Reason::TooLong { max: MAX_EVENT_TEXT as u64 }));
            }
        }
        Ok(())
    }
}

/// What a charge adds to: a fee or a penalty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeKind {
    /// A fee (e.g. a collection fee).
    Fee,
    /// A penalty (e.g. a late-payment penalty).
    Penalty,
}

/// What a waiver forgives: interest, fees or penalties. (Principal is never waived; a loan that
/// will not be repaid is written off.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Waivable {
    /// Interest.
    Interest,
    /// Fees.
    Fees,
    /// Penalties.
    Penalties,
}

/// What happened to the loan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum EventKind {
    /// Money lent to the family (a loan may be disbursed in several tranches, up to its
    /// principal).
    Disbursement {
        /// The amount disbursed.
        #[serde(with = "crate::money::text")]
        amount: Money,
    },
    /// Money the family paid, allocated to what is owed by the account's allocation rule.
    Repayment {
        /// The amount paid.
        #[serde(with = "crate::money::text")]
        amount: Money,
        /// How it was paid (e.g. `cash`, `bank`, `mobile`), free text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
        /// The receipt number: a repayment whose receipt the account already holds is not
        /// counted twice.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receipt: Option<String>,
    },
    /// A fee or penalty charged, due on the event's date: it is added to the installment whose
    /// period holds that date (the last installment when the date is after maturity).
    Charge {
        /// Fee or penalty.
        charge: ChargeKind,
        /// The amount charged.
        #[serde(with = "crate::money::text")]
        amount: Money,
        /// What it is for, free text (e.g. `late payment`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// Interest, fees or penalties forgiven, oldest installment first.
    Waiver {
        /// What is forgiven.
        part: Waivable,
        /// How much.
        #[serde(with = "crate::money::text")]
        amount: Money,
    },
    /// Everything still owed is written off; later payments are recoveries.
    WriteOff,
    /// Money received on a written-off loan.
    Recovery {
        /// The amount received.
        #[serde(with = "crate::money::text")]
        amount: Money,
    },
    /// A surplus (the family paid more than it owed) given back.
    Refund {
        /// The amount given back.
        #[serde(with = "crate::money::text")]
        amount: Money,
    },
    /// Cancels the event `of`: the account is replayed as if it had never been recorded.
    Reversal {
        /// The id of the event reversed.
        of: EventId,
    },
}

impl EventKind {
    /// A repayment with an optional receipt number and no channel.
    pub fn repayment(amount: Money, receipt: Option<&str>) -> EventKind {
        EventKind::Repayment { amount, channel: None, receipt: receipt.map(str::to_string) }
    }

    /// The kind's stable snake_case name (as in the JSON form).
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Disbursement { .. } => "disbursement",
            EventKind::Repayment { .. } => "repayment",
            EventKind::Charge { .. } => "charge",
            EventKind::Waiver { .. } => "waiver",
            EventKind::WriteOff => "write_off",
            EventKind::Recovery { .. } => "recovery",
            EventKind::Refund { .. } => "refund",
            EventKind::Reversal { .. } => "reversal",
        }
    }
}
