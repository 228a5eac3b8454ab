"""Authoring script of tests/golden/accounts.json (run it to rewrite the file).

The expected amounts are written here by hand, worked from the rule each case cites (the notes
show the arithmetic); nothing is read from the library. Event ids are fixed v7-shaped UUIDs so the
replay order within a day is fixed.
"""
import json
import pathlib
T = {"principal": "1000", "currency": "USD", "rate": {"percent": "24", "per": "year"},
     "installments": 4, "frequency": {"unit": "months", "every": 1}, "disbursement_date": "2025-01-10"}
n = [0]
def ev(date, kind, **kw):
    n[0] += 1
    e = {"id": "0194a000-0000-7000-8000-%012d" % n[0], "effective": date, "kind": kind}
    e.update(kw)
    return e
def pay(date, amount, **kw): return ev(date, "repayment", amount=f"{amount} USD", **kw)
def dis(): return ev("2025-01-10", "disbursement", amount="1000 USD")
SRC_DPD = "apache/fineract fineract-loan/.../LoanDelinquencyDomainServiceImpl.java (research/fineract_ledger.md, 'Days past due and delinquency'): an installment is overdue when unpaid and due strictly before the business date; days past due from the oldest overdue installment's due date; delinquent days = days past due - grace"
SRC_PFIP = "apache/fineract FineractStyleLoanRepaymentScheduleTransactionProcessor (mifos-standard-strategy): each installment in date order, penalties -> fees -> interest -> principal (research/fineract.md 1a-bis)"
NOTE_LOAN = "Loan: 1000 USD, 2 % a month declining balance, 4 monthly installments from 2025-01-10. Schedule by hand: installment 262.62 = 1000*0.02/(1-1.02^-4); interest 20.00, 15.15 (757.38*2 %), 10.20 (509.91*2 %), 5.15 (257.49*2 %); principal 242.62, 247.47, 252.42, 257.49 (the last takes the balance: 262.64). Expected amounts below are worked by hand from the rule cited, not read from the library."
cases = []
def case(id, source, note, events, expect, rules=None, refused=None, terms=T):
    c = {"id": id, "source": source, "note": NOTE_LOAN + " " + note, "terms": terms, "events": events, "expect": expect}
    if rules: c["rules"] = rules
    if refused: c["refused"] = refused
    cases.append(c)

d = dis()
p1, p2, p3, p4 = pay("2025-02-10", "262.62"), pay("2025-03-10", "262.62"), pay("2025-04-10", "262.62"), pay("2025-05-10", "262.64")
case("on-time-repayment-closes", SRC_PFIP, "Every installment paid on its due date: closed, nothing overdue.",
     [d, p1, p2, p3, p4],
     [{"on": "2025-03-10", "status": "active", "days_past_due": 0, "outstanding": {"principal": "509.91", "interest": "15.35", "fees": "0.00", "penalties": "0.00"}},
      {"on": "2025-05-10", "status": "closed", "days_past_due": 0, "outstanding": {"principal": "0.00", "interest": "0.00"}, "paid": {"principal": "1000.00", "interest": "50.50"}}])

n[0] = 100
d = dis()
case("late-due-today-is-not-overdue", SRC_DPD, "Nothing paid. On the due date the installment is not overdue; the day after it is 1 day past due; on 2025-03-12 both installments 1 and 2 are overdue and days count from the oldest (2025-02-10): 30. With 3 grace days delinquent days are 27 (Fineract's test products use grace 3).",
     [d],
     [{"on": "2025-02-10", "status": "active", "days_past_due": 0, "overdue": {"principal": "0.00", "interest": "0.00"}, "due_by_date": {"principal": "242.62", "interest": "20.00"}},
      {"on": "2025-02-11", "status": "in_arrears", "days_past_due": 1, "delinquent_days": 0, "bucket": "current", "overdue": {"principal": "242.62", "interest": "20.00"}},
      {"on": "2025-03-12", "status": "in_arrears", "days_past_due": 30, "delinquent_days": 27, "bucket": "1-30", "overdue": {"principal": "490.09", "interest": "35.15"}}],
     rules={"arrears": {"grace_days": 3}})

n[0] = 200
d = dis(); p = pay("2025-02-10", "100.00")
case("partial-penalties-fees-interest-principal", SRC_PFIP, "100.00 paid on the first due date, default allocation: interest 20.00 first, then 80.00 principal; 162.62 principal of installment 1 stays owed and is overdue the next day.",
     [d, p],
     [{"on": "2025-02-11", "status": "in_arrears", "days_past_due": 1, "overdue": {"principal": "162.62", "interest": "0.00"},
       "applied": [{"event": p["id"], "parts": {"principal": "80.00", "interest": "20.00"}, "surplus": "0.00"}]}])

n[0] = 300
d = dis(); p = pay("2025-02-10", "100.00")
case("partial-principal-interest-penalties-fees", "apache/fineract principal-interest-penalties-fees-order-strategy (research/fineract.md 1a-bis)", "100.00 on the first due date, principal first: all 100.00 to principal; the 20.00 interest stays owed.",
     [d, p],
     [{"on": "2025-02-11", "overdue": {"principal": "142.62", "interest": "20.00"},
       "applied": [{"event": p["id"], "parts": {"principal": "100.00", "interest": "0.00"}}]}],
     rules={"allocation": {"named": "principal_interest_penalties_fees"}})

n[0] = 400
d = dis(); p = pay("2025-01-20", "600.00")
case("advance-payment-default-order", SRC_PFIP, "600.00 on 2025-01-20, in installment 1's period: installment 1 (262.62) and 2 (262.62) in full, then installment 3's interest 10.20 and 64.56 of its principal. Every installment in date order, each penalties->fees->interest->principal.",
     [d, p],
     [{"on": "2025-04-11", "status": "in_arrears", "days_past_due": 1, "overdue": {"principal": "187.86", "interest": "0.00"},
       "applied": [{"event": p["id"], "parts": {"principal": "554.65", "interest": "45.35"}}]}],
     rules={"prepayment": {"interest": "scheduled"}})

n[0] = 500
d = dis(); p = pay("2025-01-20", "600.00")
case("advance-payment-early-repayment-strategy", "apache/fineract EarlyPaymentLoanRepaymentScheduleTransactionProcessor (early-repayment-strategy): on time and late interest -> principal -> penalties -> fees; in advance principal only (research/fineract.md 1a-bis)", "600.00 on 2025-01-20: installment 1 is due (interest 20.00, principal 242.62); the 337.38 left goes to principal only of installments 2 (247.47) and 3 (89.91). The interest of 2 and 3 stays owed (no interest recalculation).",
     [d, p],
     [{"on": "2025-01-20", "status": "active", "outstanding": {"principal": "420.00", "interest": "30.50"},
       "applied": [{"event": p["id"], "parts": {"principal": "580.00", "interest": "20.00"}}]},
      {"on": "2025-03-11", "status": "in_arrears", "days_past_due": 1, "overdue": {"principal": "0.00", "interest": "15.15"}}],
     rules={"allocation": {"named": "early_repayment"}, "prepayment": {"interest": "scheduled"}})

n[0] = 600
d = dis(); p = pay("2025-01-20", "1100.00"); r = ev("2025-01-25", "refund", amount="49.50 USD")
case("overpayment-then-refund", "apache/fineract (research/fineract_ledger.md, 'Overpayment and OVERPAID'): a payment above the total outstanding makes the loan OVERPAID, outstanding 0 and the surplus tracked; a credit balance refund moves it to CLOSED_OBLIGATIONS_MET", "1100.00 against 1050.50 owed: 49.50 surplus, overpaid; refunded on 2025-01-25: closed.",
     [d, p, r],
     [{"on": "2025-01-20", "status": "overpaid", "overpaid": "49.50", "outstanding": {"principal": "0.00", "interest": "0.00"}},
      {"on": "2025-01-25", "status": "closed", "overpaid": "0.00", "refunded": "49.50"}],
     rules={"prepayment": {"interest": "scheduled"}})

n[0] = 700
d = dis(); p1 = pay("2025-02-10", "262.62"); p2 = pay("2025-03-10", "262.62"); u = ev("2025-03-20", "reversal", of=p1["id"])
case("reversal-reallocates-later-payments", "apache/fineract (research/fineract_ledger.md, 'Undo (reversal) of a repayment and re-processing'): an undone transaction stays listed as reverted and every later transaction is re-allocated in date order; those whose split changes are flagged replayed", "The first payment is reversed: the second (2025-03-10) now pays installment 1, so installment 2 is overdue from 2025-03-10; the reversal reports the second payment as changed. The state equals one where the first payment was never recorded.",
     [d, p1, p2, u],
     [{"on": "2025-03-11", "status": "in_arrears", "days_past_due": 1, "overdue": {"principal": "247.47", "interest": "15.15"},
       "applied": [{"event": p2["id"], "parts": {"principal": "242.62", "interest": "20.00"}}]}],
     refused=[{"event": ev("2025-03-21", "reversal", of=p1["id"]), "code": "already_reversed", "field": "of"},
              {"event": ev("2025-03-21", "reversal", of=u["id"]), "code": "not_reversible", "field": "of"}],
     )
cases[-1]["changed_by_last_event"] = [p2["id"]]

n[0] = 800
d = dis(); p1 = pay("2025-02-10", "262.62"); w = ev("2025-04-15", "write_off"); rc = pay("2025-05-01", "100.00")
case("write-off-then-recovery", "apache/fineract (research/fineract_ledger.md, 'Write-off'): write-off closes everything still outstanding, split by component (future installments' interest included); status CLOSED_WRITTEN_OFF; after it nothing earlier can change", "Installment 1 paid; written off on 2025-04-15: principal 757.38 and interest 30.50 (15.15 + 10.20 + 5.15). A payment afterwards is a recovery. A backdated repayment is refused.",
     [d, p1, w, rc],
     [{"on": "2025-04-15", "status": "written_off", "days_past_due": 0, "written_off": {"principal": "757.38", "interest": "30.50"}, "outstanding": {"principal": "0.00", "interest": "0.00"}},
      {"on": "2025-05-01", "status": "written_off", "recovered": "100.00"}],
     refused=[{"event": pay("2025-04-01", "50.00"), "code": "before_write_off", "field": "effective"},
              {"event": ev("2025-05-02", "charge", charge="penalty", amount="5.00 USD"), "code": "loan_written_off", "field": "kind"}])

n[0] = 900
d = dis(); c = ev("2025-02-15", "charge", charge="penalty", amount="10.00 USD", name="late payment"); p1 = pay("2025-02-20", "262.62"); p2 = pay("2025-02-21", "10.00"); wv = ev("2025-02-22", "waiver", part="interest", amount="5.00 USD")
case("penalty-charge-and-interest-waiver", SRC_PFIP + "; a charge is due on its date and belongs to the installment whose period holds it (research/fineract_ledger.md, 'Overdue penalties')", "A 10.00 penalty dated 2025-02-15 belongs to installment 2 (period 2025-02-10 to 2025-03-10). 262.62 on 2025-02-20 pays installment 1 (past due) first in full; 10.00 the next day pays installment 2's penalty first (penalties before interest and principal); 5.00 of interest is forgiven from installment 2 (the oldest with interest owed).",
     [d, c, p1, p2, wv],
     [{"on": "2025-02-22", "status": "active", "due": {"penalties": "10.00"}, "paid": {"penalties": "10.00", "interest": "20.00"}, "waived": {"interest": "5.00"},
       "applied": [{"event": p1["id"], "parts": {"principal": "242.62", "interest": "20.00", "penalties": "0.00"}}, {"event": p2["id"], "parts": {"penalties": "10.00", "principal": "0.00"}}, {"event": wv["id"], "parts": {"interest": "5.00"}}],
       "installments": [{"number": 2, "outstanding": {"principal": "247.47", "interest": "10.15", "penalties": "0.00"}}]}])

n[0] = 1000
d = dis(); p = pay("2025-03-15", "100.00")
case("overdue-first-rbi", "apache/fineract RBILoanRepaymentScheduleTransactionProcessor (rbi-india-strategy, 'Overdue/Due Fee/Int,Principal'): penalties, fees and interest of every overdue and current installment first, then principal oldest first (research/fineract.md 1a-bis)", "On 2025-03-15 installments 1 and 2 are past due and 3 is due. 100.00 pays the interest of 1 (20.00), 2 (15.15) and 3 (10.20) first, then 54.65 of installment 1's principal.",
     [d, p],
     [{"on": "2025-03-15", "applied": [{"event": p["id"], "parts": {"principal": "54.65", "interest": "45.35"}}], "overdue": {"principal": "435.44", "interest": "0.00"}}],
     rules={"allocation": {"named": "overdue_first"}})

n[0] = 1100
d = dis(); p = pay("2025-02-10", "262.00")
case("arrears-tolerance", "apache/fineract in-arrears tolerance (research/fineract.md; research/fineract_ledger.md 'Days past due and delinquency')", "262.00 of 262.62 paid: 0.62 overdue, within a tolerance of 1.00, so the loan is not in arrears and has no days past due; with no tolerance it is 10 days past due on 2025-02-20.",
     [d, p],
     [{"on": "2025-02-20", "status": "active", "days_past_due": 0, "overdue": {"principal": "0.62"}}],
     rules={"arrears": {"tolerance": "1.00"}})

n[0] = 1200
d = dis(); p = pay("2025-02-10", "262.62", receipt="R-1")
case("bad-input-leaves-the-ledger-unchanged", "issue 16 'Show': bad input is a typed error and the ledger is unchanged; Fineract refuses a repayment before disbursement and on a closed loan", "Each refused event is tried on the account after its events; the state afterwards is unchanged.",
     [d, p],
     [{"on": "2025-02-11", "status": "active", "outstanding": {"principal": "757.38"}}],
     refused=[{"event": pay("2025-01-05", "10.00"), "code": "before_disbursement", "field": "effective"},
              {"event": pay("2025-02-11", "0.00"), "code": "not_positive", "field": "amount"},
              {"event": pay("2025-02-11", "-5.00"), "code": "not_positive", "field": "amount"},
              {"event": ev("2025-02-11", "repayment", amount="10.00 PEN"), "code": "currency_mismatch"},
              {"event": ev("2025-02-11", "reversal", of="0194a000-0000-7000-8000-999999999999"), "code": "unknown_event", "field": "of"},
              {"event": pay("2025-02-12", "50.00", receipt="R-1"), "code": "receipt_conflict", "field": "receipt"},
              {"event": ev("2025-02-11", "recovery", amount="10.00 USD"), "code": "not_written_off", "field": "kind"},
              {"event": ev("2025-02-11", "disbursement", amount="1.00 USD"), "code": "too_large", "field": "amount"}],
     )
cases[-1]["already_recorded"] = [pay("2025-02-10", "262.62", receipt="R-1")]

n[0] = 1300
d = dis(); p = pay("2025-01-20", "1050.50"); late = pay("2025-02-01", "10.00")
case("repayment-on-closed-loan-refused", "apache/fineract: a repayment on a closed loan is refused (research/fineract_ledger.md); issue 16 'Show'", "Everything (1050.50) paid on 2025-01-20: closed; a later repayment is refused.",
     [d, p],
     [{"on": "2025-01-20", "status": "closed", "overpaid": "0.00"}],
     refused=[{"event": late, "code": "loan_closed", "field": "effective"}],
     rules={"prepayment": {"interest": "scheduled"}})

SRC_RB = "issue 16 item 4 and core/microcredit/src/account/prepayment.rs (the documented rule): money left after the past-due and current installments pays principal ahead; the later installments are recomputed on the lower balance over the same due dates (Fineract interest recalculation with REDUCE_NUMBER_OF_INSTALLMENTS / REDUCE_EMI_AMOUNT; pre-closure interest TILL_REST_FREQUENCY_DATE, research/fineract.md 1a)"
n[0] = 1400
d = dis(); p = pay("2025-01-20", "600.00")
case("prepayment-real-balance-shortens-term", SRC_RB, "600.00 on 2025-01-20 (default rules): installment 1 is current and paid (interest 20.00, principal 242.62); 337.38 pays principal ahead, recorded on installment 1 (principal 580.00). 420.00 is left; the fewest installments whose equal installment is at most 262.62 is 2: 420*0.02/(1-1.02^-2) = 216.32, interest 8.40 and 4.24 (212.08*2 %), principal 207.92 and 212.08. Installment 4 goes. Interest owed falls from 30.50 to 12.64.",
     [d, p],
     [{"on": "2025-01-20", "status": "active", "outstanding": {"principal": "420.00", "interest": "12.64"},
       "installments": [{"number": 1, "due": {"principal": "580.00", "interest": "20.00"}, "outstanding": {"principal": "0.00"}},
                        {"number": 2, "due": {"principal": "207.92", "interest": "8.40"}},
                        {"number": 3, "due": {"principal": "212.08", "interest": "4.24"}}],
       "applied": [{"event": p["id"], "parts": {"principal": "580.00", "interest": "20.00"}, "surplus": "0.00"}]},
      {"on": "2025-03-11", "status": "in_arrears", "days_past_due": 1, "overdue": {"principal": "207.92", "interest": "8.40"}}])
cases[-1]["installments_count"] = {"2025-01-20": 3}

n[0] = 1500
d = dis(); p = pay("2025-01-20", "600.00")
case("prepayment-real-balance-lowers-installments", SRC_RB, "As above with extra payments lowering the installments: 420.00 over the same 3 installments, 420*0.02/(1-1.02^-3) = 145.64; interest 8.40, 5.66 (282.76*2 %), 2.86 (142.78*2 %); principal 137.24, 139.98, 142.78.",
     [d, p],
     [{"on": "2025-01-20", "outstanding": {"principal": "420.00", "interest": "16.92"},
       "installments": [{"number": 2, "due": {"principal": "137.24", "interest": "8.40"}},
                        {"number": 3, "due": {"principal": "139.98", "interest": "5.66"}},
                        {"number": 4, "due": {"principal": "142.78", "interest": "2.86"}}]}],
     rules={"prepayment": {"extra": "lower_installments"}})

n[0] = 1600
d = dis(); p1 = pay("2025-02-10", "262.62"); off = pay("2025-03-20", "782.73")
case("payoff-real-balance", SRC_RB, "Installment 1 paid on time. On 2025-03-20 installment 2 is past due (262.62), 3 is current (262.62: interest 10.20, principal 252.42) and 4 is ahead: its principal 257.49 only. Payoff 782.73 (principal 757.38, interest 25.35); under scheduled interest it would add installment 4's 5.15. Paying it closes the loan.",
     [d, p1],
     [{"on": "2025-03-20", "status": "in_arrears", "days_past_due": 10, "payoff": {"principal": "757.38", "interest": "25.35", "fees": "0.00", "penalties": "0.00"}}])
cases[-1]["then"] = {"event": off, "on": "2025-03-20", "expect": {"status": "closed", "overpaid": "0.00", "outstanding": {"principal": "0.00", "interest": "0.00"}}}

n[0] = 1700
d = dis(); p1 = pay("2025-02-10", "262.62")
case("payoff-scheduled-interest", "apache/fineract without interest recalculation: a pay-off pays every installment's scheduled interest (research/fineract_ledger.md 'Payoff amount': cumulative loans, full-term interest)", "As 'payoff-real-balance' under scheduled interest: 782.73 + 5.15 = 787.88.",
     [d, p1],
     [{"on": "2025-03-20", "payoff": {"principal": "757.38", "interest": "30.50"}}],
     rules={"prepayment": {"interest": "scheduled"}})

SRC_PEN = "issue 16 item 5 and core/microcredit/src/account/penalty.rs (the documented rule): a penalty is charged on day due date + grace + 1 to an installment with principal, interest or fees unpaid at the end of the day before, added to that installment; Fineract's overdue charges are flat or a percent of the overdue amount and added to the installment (research/fineract_ledger.md 'Overdue penalties'); caps and the stop at write-off answer FINERACT-636 (research/fineract.md 1c)"
n[0] = 1800
d = dis(); p = pay("2025-02-14", "262.62")
case("penalty-flat-once-after-grace", SRC_PEN, "A flat 5.00 penalty once, 3 grace days. Installment 1 (due 2025-02-10) is still unpaid at the end of 2025-02-13, so 5.00 is charged on 2025-02-14; the 262.62 paid that day pays the penalty first (penalties, fees, interest, principal), leaving 5.00 of principal owed.",
     [d, p],
     [{"on": "2025-02-13", "due": {"penalties": "0.00"}, "penalties_charged": []},
      {"on": "2025-02-14", "due": {"penalties": "5.00"}, "paid": {"penalties": "5.00", "interest": "20.00", "principal": "237.62"},
       "installments": [{"number": 1, "outstanding": {"principal": "5.00", "penalties": "0.00"}}],
       "penalties_charged": [{"date": "2025-02-14", "installment": 1, "amount": "5.00"}]}],
     rules={"penalties": [{"amount": {"kind": "flat", "amount": "5.00"}, "grace_days": 3}]})

n[0] = 1900
d = dis()
case("penalty-percent-every-7-days-capped", SRC_PEN, "1.5 % of the installment's overdue principal and interest every 7 days from the day after the due date, at most 10.00 an installment; nothing paid. 1.5 % of 262.62 = 3.94 (3.9393). Installment 1: 3.94 on 02-11, 3.94 on 02-18, 2.12 on 02-25 (the cap), nothing after; installment 2 (due 03-10): 3.94 on 03-11, 3.94 on 03-18, 2.12 on 03-25. Days past due on 03-25: 43.",
     [d],
     [{"on": "2025-03-25", "status": "in_arrears", "days_past_due": 43, "due": {"penalties": "20.00"},
       "penalties_charged": [{"date": "2025-02-11", "installment": 1, "amount": "3.94"}, {"date": "2025-02-18", "installment": 1, "amount": "3.94"},
                             {"date": "2025-02-25", "installment": 1, "amount": "2.12"}, {"date": "2025-03-11", "installment": 2, "amount": "3.94"},
                             {"date": "2025-03-18", "installment": 2, "amount": "3.94"}, {"date": "2025-03-25", "installment": 2, "amount": "2.12"}]}],
     rules={"penalties": [{"amount": {"kind": "percent_of_overdue", "percent": "1.5"}, "frequency": {"every_days": 7}, "cap_per_installment": "10.00"}]})
cases[-1]["penalties_count"] = {"2025-03-25": 6}

n[0] = 2000
d = dis(); w = ev("2025-03-01", "write_off")
case("penalties-stop-at-write-off", SRC_PEN, "A flat 5.00 every 30 days. Installment 1 is charged 5.00 on 02-11; the loan is written off on 03-01 (the penalty with it); no penalty is charged after that, on installment 1 (03-13) or 2 (03-11).",
     [d, w],
     [{"on": "2025-04-30", "status": "written_off", "due": {"penalties": "5.00"}, "written_off": {"penalties": "5.00"},
       "penalties_charged": [{"date": "2025-02-11", "installment": 1, "amount": "5.00"}]}],
     rules={"penalties": [{"amount": {"kind": "flat", "amount": "5.00"}, "frequency": {"every_days": 30}}]})
cases[-1]["penalties_count"] = {"2025-04-30": 1}

n[0] = 2100
d = dis()
case("penalty-cap-per-loan", SRC_PEN, "A flat 4.00 once per late installment, at most 10.00 on the loan; nothing paid. On 05-11 all four installments are late: 4.00, 4.00, 2.00, then nothing.",
     [d],
     [{"on": "2025-05-11", "due": {"penalties": "10.00"}}],
     rules={"penalties": [{"amount": {"kind": "flat", "amount": "4.00"}, "cap_per_loan": "10.00"}]})
cases[-1]["penalties_count"] = {"2025-05-11": 3}

json.dump({"format": "Loan-account scenarios: terms, account rules and events in the JSON form (core/microcredit/src/json_form.md); each 'expect' entry lists fields of the state on a date that must match (parts not listed are not checked); 'refused' events must each fail with the code (and field) given, leaving the state unchanged; 'already_recorded' events must change nothing; 'changed_by_last_event' lists the payments whose allocation the last event changed; 'installments_count' and 'penalties_count' give the number of installments and of penalties charged on a date; 'then' records one more event and checks the state on a date.", "cases": cases}, open(pathlib.Path(__file__).with_name("accounts.json"), "w"), indent=1, ensure_ascii=False)
print(len(cases))
