//! A loan account a field officer's screen can drive: [`LoanAccount`], a uniffi object around the
//! core's [`microcredit::account::Account`] (Kotlin `org.microcredit.LoanAccount`).
//!
//! Each method converts its arguments, delegates to the core and maps the core's error: every
//! rule (allocation, arrears, receipts already recorded, what a reversal may undo) is the core's.
//! What this layer adds is what the core leaves to the device on purpose, because the core never
//! reads a clock or a random source: the id of an event recorded here (a UUID version 7, minted
//! from the system clock and the operating system's random source, so the ids of one device sort
//! by the time they were minted) and the time in its [`Recording`].
//!
//! Events cross in their JSON form (the core's `Event::to_json`; the golden scenarios'
//! `tests/golden/accounts.json` use it too): amounts as `"250.00 USD"`, ids as UUID text. The
//! state, what recording did and the rules cross as records (`AccountState`, `Recorded`,
//! `AccountRules`, in `org.microcredit.core`).
//!
//! ```kotlin
//! val account = LoanAccount.open(terms, null)
//! account.recordDisbursement(BigDecimal("1000"), LocalDate.of(2025, 1, 10), "phone-7", "officer-12")
//! val r = account.recordRepayment(BigDecimal("262.62"), LocalDate.of(2025, 2, 10), "R-0042", "cash", "phone-7", "officer-12")
//! val state = account.stateOn(LocalDate.of(2025, 3, 25))
//! with(state.dueByDate) { println("${state.status} ${principal + interest + fees + penalties} ${state.daysPastDue}") }
//! ```

use std::sync::{Arc, Mutex, MutexGuard};

use microcredit::account::{
    Account, AccountRules, AccountState, Event, EventId, EventKind, Parts, Recorded, Recording,
};
use microcredit::{Decimal, Error, LoanTerms, Money, NaiveDate};

use crate::Result;

/// A loan account: its terms, schedule, rules and the events recorded on it, which a screen
/// records on and reads the state of. Safe to share between threads (one call at a time holds
/// the account).
#[derive(Debug, uniffi::Object)]
pub struct LoanAccount {
    account: Mutex<Account>,
}

/// A new event id (UUID version 7) and the time it was minted, in Unix milliseconds.
///
/// The time is the system clock's: the core takes both from its caller (`EventId::v7`,
/// `Recording`), and the device recording the event is that caller. Ids minted by one process
/// are strictly increasing, so two events of one day recorded in one session replay in the order
/// they were recorded.
fn mint() -> (EventId, i64) {
    let id = uuid::Uuid::now_v7();
    let millis = id.get_timestamp().map_or(0, |t| {
        let (secs, nanos) = t.to_unix();
        i64::try_from(secs).unwrap_or(i64::MAX).saturating_mul(1000).saturating_add(i64::from(nanos / 1_000_000))
    });
    (EventId::from_u128(id.as_u128()), millis)
}

fn rules_of(json: Option<String>) -> Result<AccountRules> {
    Ok(match json {
        Some(json) => AccountRules::from_json(&json)?,
        None => AccountRules::default(),
    })
}

impl LoanAccount {
    fn new(account: Account) -> Arc<LoanAccount> {
        Arc::new(LoanAccount { account: Mutex::new(account) })
    }

    /// The account, or an `Internal` error if a call panicked while holding it (a bug: the
    /// account may be half-changed, so it is not used again).
    fn lock(&self) -> Result<MutexGuard<'_, Account>> {
        self.account.lock().map_err(|_| Error::Internal { what: "a call on this loan account panicked earlier" }.into())
    }

    /// Record an event minted here, recorded by `device` and `officer` now.
    fn record_new(&self, date: NaiveDate, kind: EventKind, device: &str, officer: &str) -> Result<Recorded> {
        let (id, at) = mint();
        let mut event = Event::new(id, date, kind);
        event.recorded = Recording::new(at, device, officer);
        self.record(event)
    }

    fn record(&self, event: Event) -> Result<Recorded> {
        Ok(self.lock()?.record(event)?)
    }

    fn money(&self, amount: Decimal) -> Result<Money> {
        let currency = self.lock()?.currency();
        Ok(Money::new(amount, currency)?)
    }
}

#[uniffi::export]
impl LoanAccount {
    /// An approved account with no events yet (record a disbursement to make it active), under
    /// the rules of `rules_json` (the core's `AccountRules` JSON form, every key optional), or
    /// the default rules when it is null.
    #[uniffi::constructor]
    pub fn open(terms: LoanTerms, rules_json: Option<String>) -> Result<Arc<LoanAccount>> {
        terms.validate()?;
        Ok(LoanAccount::new(Account::open(terms, rules_of(rules_json)?)?))
    }

    /// An account and its events as stored or synced: `events_json` is a JSON list of events in
    /// the core's form (as [`LoanAccount::events_json`] writes it), in any order. Each event is
    /// checked on its own (amount, currency, texts; the error names its position,
    /// `events[3].amount`); the state is the fold of the whole set (the core's
    /// `Account::merged`), so loading a long history costs one replay per state asked, not one
    /// per event.
    #[uniffi::constructor]
    pub fn from_events_json(
        terms: LoanTerms,
        rules_json: Option<String>,
        events_json: String,
    ) -> Result<Arc<LoanAccount>> {
        terms.validate()?;
        let rules = rules_of(rules_json)?;
        let events: Vec<Event> = serde_json::from_str(&events_json).map_err(Error::from)?;
        Ok(LoanAccount::new(Account::merged(terms, rules, events)?))
    }

    /// Record a repayment of `amount` (in the loan's currency) effective on `date`, with its
    /// receipt number and channel (`cash`, `bank`, `mobile`, ...), recorded now by `device` and
    /// `officer` (opaque ids, never names). The same receipt with the same amount and date is
    /// `AlreadyRecorded` and changes nothing; the same receipt with another amount or date is
    /// refused (`receipt_conflict`).
    pub fn record_repayment(
        &self,
        amount: Decimal,
        date: NaiveDate,
        receipt: Option<String>,
        channel: Option<String>,
        device: String,
        officer: String,
    ) -> Result<Recorded> {
        let amount = self.money(amount)?;
        self.record_new(date, EventKind::Repayment { amount, channel, receipt }, &device, &officer)
    }

    /// Record a disbursement of `amount` (in the loan's currency) effective on `date`, recorded
    /// now by `device` and `officer`.
    pub fn record_disbursement(
        &self,
        amount: Decimal,
        date: NaiveDate,
        device: String,
        officer: String,
    ) -> Result<Recorded> {
        let amount = self.money(amount)?;
        self.record_new(date, EventKind::Disbursement { amount }, &device, &officer)
    }

    /// Record any event given in the core's JSON form (a charge, a waiver, a write-off, a
    /// recovery, a refund, or an event recorded on another device), with its own id.
    pub fn record_event_json(&self, json: String) -> Result<Recorded> {
        self.record(Event::from_json(&json)?)
    }

    /// Reverse the event `event_id` (UUID text) as of `date`, recorded now by `device` and
    /// `officer`: the account is replayed as if it had never been recorded.
    pub fn reverse(&self, event_id: EventId, date: NaiveDate, device: String, officer: String) -> Result<Recorded> {
        self.record_new(date, EventKind::Reversal { of: event_id }, &device, &officer)
    }

    /// The state on `date`: what is due, paid and overdue per installment and in total, the days
    /// past due and their bucket, the status, what each payment paid.
    pub fn state_on(&self, date: NaiveDate) -> Result<AccountState> {
        Ok(self.lock()?.state_on(date)?)
    }

    /// The amount that closes the loan on `date`, by part (principal, interest, fees,
    /// penalties): what a field officer quotes a family that wants to pay everything off.
    pub fn payoff_on(&self, date: NaiveDate) -> Result<Parts> {
        Ok(self.lock()?.payoff_on(date)?)
    }

    /// Every event recorded, in the order recorded (reversed ones and reversals included), as a
    /// JSON list in the core's form: what [`LoanAccount::from_events_json`] reads back.
    pub fn events_json(&self) -> Result<String> {
        Ok(serde_json::to_string(self.lock()?.events()).map_err(Error::from)?)
    }

    /// The account's rules (allocation, arrears tolerance, grace and buckets).
    pub fn rules(&self) -> Result<AccountRules> {
        Ok(self.lock()?.rules().clone())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::MicrocreditError;
    use microcredit::account::{Outcome, Status};
    use microcredit::chrono::Datelike;

    fn terms() -> LoanTerms {
        LoanTerms::from_json(
            r#"{"principal": "1000", "currency": "USD", "rate": {"percent": "24", "per": "year"},
            "installments": 4, "frequency": {"unit": "months", "every": 1}, "disbursement_date": "2025-01-10"}"#,
        )
        .unwrap()
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, d).unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_field_officers_day() {
        let a = LoanAccount::open(terms(), None).unwrap();
        let who = || ("phone-7".to_string(), "officer-12".to_string());
        a.record_disbursement(dec("1000"), day(1, 10), who().0, who().1).unwrap();
        let pay = |amount: &str| {
            a.record_repayment(dec(amount), day(2, 10), Some("R-1".into()), Some("cash".into()), who().0, who().1)
        };
        assert_eq!(pay("262.62").unwrap().outcome, Outcome::Recorded);
        assert_eq!(pay("262.62").unwrap().outcome, Outcome::AlreadyRecorded);
        let Err(MicrocreditError::Validation { error_code, message_es, .. }) = pay("100") else { panic!() };
        assert_eq!(error_code, "receipt_conflict");
        assert!(!message_es.is_empty());
        let state = a.state_on(day(3, 25)).unwrap();
        assert_eq!((state.status, state.days_past_due), (Status::InArrears, 15));
        assert_eq!(state.overdue.total().to_string(), "262.62");

        let json = a.events_json().unwrap();
        let again = LoanAccount::from_events_json(terms(), None, json.clone()).unwrap();
        assert_eq!(again.state_on(day(3, 25)).unwrap(), state);
        assert_eq!(again.events_json().unwrap(), json);

        let events: Vec<Event> = serde_json::from_str(&json).unwrap();
        assert!(events[0].id < events[1].id, "ids minted later sort later");
        assert_eq!(events[1].recorded.device, "phone-7");
        assert!(events[1].recorded.at_unix_millis > 1_700_000_000_000);
        let r = a.reverse(events[1].id, day(3, 1), who().0, who().1).unwrap();
        assert_eq!(r.outcome, Outcome::Recorded);
        assert_eq!(a.state_on(day(3, 25)).unwrap().paid.total(), Decimal::ZERO);
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let a = LoanAccount::open(terms(), None).unwrap();
        let (dev, off) = (String::new(), String::new());
        assert!(matches!(
            a.record_disbursement(dec("1000.001"), day(1, 10), dev.clone(), off.clone()),
            Err(MicrocreditError::TooManyDecimals { .. })
        ));
        assert!(matches!(a.record_event_json("[".repeat(100_000)), Err(MicrocreditError::Json { .. })));
        assert!(matches!(LoanAccount::open(terms(), Some("{".into())), Err(MicrocreditError::Json { .. })));
        let e = LoanAccount::from_events_json(terms(), None, r#"[{"id": "x"}]"#.into()).unwrap_err();
        assert!(matches!(e, MicrocreditError::Json { .. }), "{e:?}");
        a.record_disbursement(dec("1000"), day(1, 10), dev.clone(), off.clone()).unwrap();
        for amount in [dec("1E+20"), dec("0.01")] {
            for date in [NaiveDate::MAX, NaiveDate::MIN, day(2, 1)] {
                let _ = a.record_repayment(amount, date, None, None, dev.clone(), off.clone());
                let _ = a.record_event_json(format!(
                    r#"{{"id": "0194a000-0000-7000-8000-00000000{:04}", "effective": "{date}", "kind": "charge", "charge": "fee", "amount": "{amount} USD"}}"#,
                    date.year().unsigned_abs() % 10_000
                ));
                let _ = a.reverse(EventId::v7(0, [0; 10]), date, dev.clone(), off.clone());
                let _ = a.state_on(date);
            }
        }
        // (Amounts from about 7.9E+26 up make the core panic: a known gap, see HostileInputTest.)
        assert!(a.record_disbursement(dec("1E+20"), day(1, 10), dev.clone(), off.clone()).is_err());
        let huge = "x".repeat(10 << 20);
        let e = a.record_repayment(dec("1"), day(2, 1), Some(huge.clone()), None, dev, huge).unwrap_err();
        assert!(e.to_string().len() < 1_000);
    }
}
