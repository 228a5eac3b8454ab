"""Type stub of the native module ``microcredit._microcredit`` (hand-written; checked by
``python -m mypy.stubtest microcredit._microcredit``)."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, Literal, final

_Amount = Decimal | str | int
"""An exact amount or rate: ``Decimal``, ``str`` or ``int`` (never ``float``)."""
_Number = Decimal | str | int | float
"""A number of the spreadsheet functions: as ``_Amount``, or a ``float`` (read as the digits
``repr`` shows), as numpy-financial and pyxirr take them. NaN and infinities are refused."""
_Numbers = Iterable[_Number] | Any
"""Numbers of a spreadsheet function: a list, a tuple, a numpy array or any other iterable."""
_DateLike = datetime.date | str
"""A ``datetime.date`` (or ISO ``YYYY-MM-DD`` text); ``datetime.datetime`` is refused."""
_When = Literal["end", "begin"]

__all__ = [
    "_invalid",
    "Account",
    "AccountState",
    "BATCH_COLUMNS",
    "CostBreakdown",
    "CostOfCredit",
    "CurrencyError",
    "Disbursement",
    "Error",
    "Installment",
    "JSON_VERSION",
    "JsonError",
    "LoanTerms",
    "Quote",
    "Schedule",
    "SolverError",
    "Table",
    "Totals",
    "UnfinishedLoanWarning",
    "ValidationError",
    "account_states",
    "annualise",
    "conventions",
    "cost_of_credit",
    "cost_of_flows",
    "currencies",
    "fv",
    "ipmt",
    "irr",
    "npv",
    "pmt",
    "ppmt",
    "rate",
    "reg_z_apr",
    "schedules",
    "xirr",
]

JSON_VERSION: Final[int]
"""Version of the JSON form of terms and schedules."""
BATCH_COLUMNS: Final[list[str]]
"""Every column name :func:`schedules` reads."""

class Error(Exception):
    """Base class of every error raised by microcredit.

    ``kind`` is the core's stable name of the error (``invalid_field``, ``unknown_currency``,
    ``no_convergence``, ``limit_exceeded``...), ``field`` the field it is about and ``value`` a
    bounded prefix of the rejected value, as text. ``kind == "internal"`` is a bug in the library
    (a guarded Rust panic), never an answer about the input: please report it.

    ``code`` is a stable snake_case code of what went wrong (``not_positive``, ``too_large``,
    ``too_many_decimals``, ``json_syntax``, ``no_rate``, ``internal``...), ``params`` the error's
    parameters by name, as text (e.g. ``{"field": "principal", "value": "0"}``). ``str(e)`` is the
    message in English; ``message_es`` the same message in Spanish, for a field officer::

        try:
            microcredit.LoanTerms.from_json(text)
        except microcredit.Error as e:
            show(e.message_es)  # "valor no válido en principal: 0 (debe ser mayor que cero)"
    """

    kind: str
    code: str
    field: str | None
    value: str | None
    params: dict[str, str]
    message_es: str

class ValidationError(Error):
    """A value was rejected; the message names the field and the value."""

class CurrencyError(Error):
    """An unknown currency code, or two currencies mixed."""

class SolverError(Error):
    """A rate solver (IRR, XIRR, RATE, APR) found no rate or did not converge."""

class JsonError(Error):
    """JSON that does not parse or does not match the shared loan-terms form."""

class UnfinishedLoanWarning(UserWarning):
    """Dated flows that pay back less than was lent: a loan not yet finished, whose rate is not its
    cost. ``lent`` and ``repaid`` are the two sums, as ``Decimal``."""

    lent: Decimal
    repaid: Decimal

@final
class LoanTerms:
    """The terms of one loan, validated by the core when built.

    The keywords are the keys of the shared JSON form (``rate`` given as ``rate_percent`` and
    ``rate_per``) and read back as attributes: amounts as ``Decimal``, dates as
    ``datetime.date``, options as their names, dicts and lists as in the form. A new term of the
    core is a new keyword with no other change than this stub."""

    def __new__(
        cls,
        principal: _Amount,
        currency: str,
        rate_percent: _Amount,
        installments: int,
        *,
        disbursement_date: _DateLike,
        frequency: str | Mapping[str, Any] | None = "monthly",
        rate_per: str = "year",
        interest_method: str = "declining_balance",
        amortization: str = "equal_installments",
        interest_basis: str = "period",
        day_count: str = "act_365f",
        annuity_rates: str = "nominal",
        first_repayment_date: _DateLike | None = None,
        grace_on_principal: int = 0,
        grace_on_interest_payment: int = 0,
        deferred_interest: str = "first_installment_after_grace",
        interest_free_periods: int = 0,
        installment_multiple: _Amount | None = None,
        rounding: str = "half_even",
        fees: Iterable[Mapping[str, Any]] | None = (),
        insurance: Mapping[str, Any] | None = None,
        savings: Mapping[str, Any] | None = None,
        business_days: Mapping[str, Any] | None = None,
    ) -> LoanTerms: ...
    @staticmethod
    def from_json(json: str) -> LoanTerms:
        """Parse terms from the shared JSON form and validate them."""
    def to_json(self) -> str:
        """The shared JSON form."""
    def schedule(self) -> Schedule:
        """Generate the repayment schedule."""
    def quote(self) -> Quote:
        """The schedule and the true cost under every named convention."""
    principal: Decimal
    """The amount lent."""
    currency: str
    """ISO 4217 code of the loan's currency."""
    rate_percent: Decimal
    """The nominal rate in percent."""
    rate_per: str
    """The period the rate is quoted for."""
    installments: int
    """Number of installments."""
    frequency: dict[str, Any]
    """The frequency in its JSON form."""
    disbursement_date: datetime.date
    """When the money is disbursed."""
    interest_method: str
    """Declining balance or flat."""
    amortization: str
    """How principal is repaid."""
    interest_basis: str
    """Interest by period or by actual days."""
    annuity_rates: str
    """Which periodic rates the equal installment is computed from (``nominal`` or ``actual``)."""
    day_count: str
    """Day count convention."""
    first_repayment_date: datetime.date | None
    """A broken first period's due date, if any."""
    grace_on_principal: int
    """Installments with no principal."""
    grace_on_interest_payment: int
    """Periods whose interest is deferred."""
    deferred_interest: str
    """When deferred interest is paid."""
    interest_free_periods: int
    """Periods with no interest."""
    installment_multiple: Decimal | None
    """Installments rounded to this multiple, if set."""
    rounding: str
    """Rounding mode."""
    fees: list[dict[str, Any]]
    """Fees, as dicts."""
    insurance: dict[str, Any] | None
    """Credit-life insurance, as a dict, or None."""
    savings: dict[str, Any] | None
    """Compulsory savings, as a dict, or None."""
    business_days: dict[str, Any] | None
    """Working days and holidays, as a dict, or None."""
    def _repr_html_(self) -> str:
        """HTML view for Jupyter."""

# Installment, Totals, Disbursement, CostOfCredit and CostBreakdown read their attributes from
# the core value's JSON form (read-only, like every attribute of these frozen classes).

@final
class Installment:
    """One installment of a schedule."""

    number: int
    """1-based number."""
    due_date: datetime.date
    """Due date."""
    days: int
    """Days since the previous due date (or the disbursement)."""
    principal: Decimal
    """Principal part."""
    interest: Decimal
    """Interest part."""
    fees: Decimal
    """Per-installment fees."""
    insurance: Decimal
    """Insurance premium."""
    savings: Decimal
    """Compulsory savings deposited."""
    total: Decimal
    """What the family pays on the due date."""
    balance: Decimal
    """Principal still owed after this installment."""

@final
class Totals:
    """Column sums of a schedule."""

    principal: Decimal
    """Sum of principal parts."""
    interest: Decimal
    """Sum of interest."""
    fees: Decimal
    """Sum of per-installment fees."""
    insurance: Decimal
    """Sum of insurance premiums paid with installments."""
    savings: Decimal
    """Sum of savings deposited with installments."""
    total: Decimal
    """Sum of installment totals."""

@final
class Disbursement:
    """What happens at disbursement."""

    date: datetime.date
    """Date."""
    loan_amount: Decimal
    """Loan balance at disbursement (financed charges included)."""
    fees: Decimal
    """Upfront fees."""
    insurance: Decimal
    """Upfront insurance."""
    savings: Decimal
    """Savings withheld."""
    net_amount: Decimal
    """What the family receives in hand."""

@final
class Table:
    """An Arrow table (money as Decimal128, dates as Date32), readable by pyarrow, pandas, polars
    and DuckDB through ``__arrow_c_stream__``."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Export as an Arrow C stream (Arrow PyCapsule interface)."""
    def __arrow_c_schema__(self) -> object:
        """Export the schema (Arrow PyCapsule interface)."""
    @property
    def num_rows(self) -> int:
        """Number of rows."""
    @property
    def column_names(self) -> list[str]:
        """Column names, in order."""
    def __len__(self) -> int: ...
    def to_pyarrow(self) -> Any:
        """A ``pyarrow.Table``."""
    def to_pandas(self, money: Literal["decimal", "float", "minor_units"] | None = None) -> Any:
        """A ``pandas.DataFrame``. ``money`` says what money columns hold: ``"decimal"`` (``None``, exact
        ``decimal.Decimal`` objects; pandas sums them but cannot ``groupby().cumsum()`` them),
        ``"float"`` (float64, for plots and every pandas operation) or ``"minor_units"`` (int64
        cents, or the table's smallest unit: exact, every pandas operation).

        Example::

            it = installments.to_pandas(money="minor_units")
            it.groupby("loan")["principal"].cumsum()     # cents repaid so far, per loan
        """
    def to_polars(self) -> Any:
        """A ``polars.DataFrame``."""

@final
class Schedule:
    """A loan's repayment schedule."""

    @property
    def currency(self) -> str:
        """ISO 4217 code of every amount."""
    @property
    def frequency(self) -> dict[str, Any]:
        """The frequency in its JSON form."""
    @property
    def installments(self) -> list[Installment]:
        """The installments, in order."""
    @property
    def totals(self) -> Totals:
        """Column sums."""
    @property
    def disbursement(self) -> Disbursement:
        """The disbursement."""
    @property
    def savings_refund(self) -> Decimal:
        """Compulsory savings refunded with the last installment."""
    @property
    def maturity_date(self) -> datetime.date:
        """Date of the last installment."""
    def to_json(self) -> str:
        """The shared JSON form."""
    def to_arrow(self) -> Table:
        """Installments as an Arrow table."""
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """Export the installments as an Arrow C stream."""
    def to_pandas(self) -> Any:
        """Installments as a ``pandas.DataFrame``."""
    def to_polars(self) -> Any:
        """Installments as a ``polars.DataFrame``."""
    def __len__(self) -> int: ...
    def _repr_html_(self) -> str:
        """HTML view for Jupyter."""

@final
class CostOfCredit:
    """The true cost of a loan under one convention."""

    convention: str
    """The convention's name, e.g. ``mft_apr``."""
    annual_rate: Decimal
    """The annual rate as a fraction (0.2684 = 26.84 %)."""
    periodic_rate: Decimal
    """The rate per installment period, as a fraction."""
    percent: Decimal
    """The annual rate in percent, rounded as the convention displays it."""

@final
class CostBreakdown:
    """The cost by component, and the APR layer by layer (percent)."""

    interest: Decimal
    """Total interest."""
    fees: Decimal
    """Total fees, upfront included."""
    insurance: Decimal
    """Total insurance, upfront included."""
    savings_held: Decimal
    """Compulsory savings held by the lender."""
    total_cost: Decimal
    """Interest + fees + insurance."""
    apr_interest: Decimal
    """APR of interest alone."""
    apr_with_fees: Decimal
    """APR with fees."""
    apr_with_insurance: Decimal
    """APR with fees and insurance."""
    apr_all_in: Decimal
    """APR with everything, savings included (MFTransparency)."""

@final
class Quote:
    """Schedule and true cost of one loan."""

    @property
    def terms(self) -> LoanTerms:
        """The terms quoted."""
    @property
    def schedule(self) -> Schedule:
        """Their schedule."""
    @property
    def costs(self) -> dict[str, CostOfCredit]:
        """The cost under every named convention, keyed by name."""
    @property
    def breakdown(self) -> CostBreakdown:
        """The cost by component and the APR layer by layer."""
    def cost(self, convention: str) -> CostOfCredit:
        """The cost under one convention."""
    def to_json(self) -> str:
        """The shared JSON form."""
    def _repr_html_(self) -> str:
        """HTML view for Jupyter."""

def cost_of_credit(schedule: Schedule, convention: str | None = None) -> CostOfCredit:
    """The true cost of a schedule under one convention (default ``mft_apr``)."""

def cost_of_flows(
    flows: Iterable[tuple[_DateLike, _Amount] | Sequence[Any] | Mapping[str, Any]],
    frequency: str | Mapping[str, Any] | None = None,
    convention: str | None = None,
) -> CostOfCredit:
    """The true cost of dated cash flows (client side: + received, - paid)."""

def annualise(
    periodic_rate: _Number, periods_per_year: _Amount | float, how: Literal["nominal", "effective"] | None = None
) -> Decimal:
    """A periodic rate as an annual rate: nominal (r x m) or effective ((1 + r)^m - 1, the default)."""

def reg_z_apr(
    flows: Iterable[tuple[_Amount, int] | tuple[_Amount, int, float | _Amount] | Mapping[str, Any]],
    unit_periods_per_year: _Amount | float,
) -> Decimal:
    """US Regulation Z (Appendix J) APR, as a fraction, of flows ``(amount, t, odd)`` on the
    unit-period grid."""

def pmt(rate: _Number, nper: _Number, pv: _Number, fv: _Number | None = None, when: _When | None = None) -> Decimal:
    """Payment per period (Excel PMT); floats accepted, a ``Decimal`` back: ``pmt(0.02, 12, 1000)``."""

def fv(rate: _Number, nper: _Number, pmt: _Number, pv: _Number, when: _When | None = None) -> Decimal:
    """Future value (Excel FV)."""

def ipmt(
    rate: _Number, per: _Number, nper: _Number, pv: _Number, fv: _Number | None = None, when: _When | None = None
) -> Decimal:
    """Interest part of payment ``per`` (Excel IPMT)."""

def ppmt(
    rate: _Number, per: _Number, nper: _Number, pv: _Number, fv: _Number | None = None, when: _When | None = None
) -> Decimal:
    """Principal part of payment ``per`` (Excel PPMT)."""

def rate(
    nper: _Number,
    pmt: _Number,
    pv: _Number,
    fv: _Number | None = None,
    when: _When | None = None,
    guess: _Number | None = None,
) -> Decimal:
    """Rate per period (Excel RATE); ``guess`` is accepted and not used."""

def irr(values: _Numbers, guess: _Number | None = None) -> Decimal:
    """Internal rate of return of equally spaced flows (Excel IRR); ``guess`` is accepted and not used."""

def xirr(dates: Iterable[_DateLike] | Any, amounts: _Numbers, *, guess: _Number | None = None) -> Decimal:
    """Annual rate of dated flows over actual days / 365 (Excel XIRR), in pyxirr's order
    ``(dates, amounts)``; the amounts first raise :class:`ValidationError` (``argument_order``)."""

def npv(rate: _Number, values: _Numbers, style: Literal["numpy", "excel"] | None = None) -> Decimal:
    """Net present value; ``numpy`` puts the first value at t=0, ``excel`` at t=1."""

def conventions() -> list[str]:
    """Names of every cost-of-credit convention."""

def currencies() -> list[str]:
    """Codes of every currency the library knows."""

def _invalid(field: str, value: str, code: str, **params: object) -> ValidationError:
    """Private: the ValidationError the package's pure-Python helpers raise, made by the core."""

def schedules(
    frame: Any,
    *,
    pricing: bool = True,
    progress: bool = False,
    memory_limit: int | None = None,
    keep: Sequence[str] | None = None,
    unknown_columns: Literal["error", "keep"] = "error",
) -> tuple[Table, Table]:
    """Schedules (and APR/EIR/XIRR with ``pricing``) of every loan in a table of terms; returns
    ``(installments, loans)``.

    The columns read are :data:`BATCH_COLUMNS`. Any other column raises :class:`ValidationError`
    (``code == "unknown_column"``) naming the known column nearest in spelling (``fee_pct``: did
    you mean ``fee_percent``?), unless ``keep`` names it (carried through untouched to both tables,
    after their ``loan`` column: a loan id, a branch) or ``unknown_columns="keep"`` carries every
    unknown column through. Money and rates may be Decimal, int, str or float columns: a float is
    read as its shortest decimal text (``1200.1`` is ``Decimal("1200.1")``), NaN is a missing value,
    and a value finer than the currency's minor units is that loan's error.

    Example::

        book = pd.read_csv("loans.csv")                  # float money, a loan_id column
        installments, loans = mc.schedules(book, keep=["loan_id"])

    ``memory_limit`` (bytes; ``None``: the library's default, 4 GiB) bounds the batch's memory,
    estimated from the loans' numbers of installments before anything is allocated. A larger book
    raises :class:`ValidationError` with ``kind == "limit_exceeded"``, ``field == "memory_limit"``
    and ``value`` the bytes it would need (as text); raise the limit or split the frame."""

# Loan accounts: events recorded on a loan, its state on any date.

@final
class AccountState:
    """The state of a loan account on a date, read from the core's JSON form: ``status``
    (``approved``, ``active``, ``in_arrears``, ``closed``, ``overpaid``, ``written_off``,
    ``recovered``), ``days_past_due``, ``delinquent_days``, ``bucket``; parts (dicts of
    ``principal``, ``interest``, ``fees``, ``penalties`` as Decimal) ``due``, ``paid``, ``waived``,
    ``written_off``, ``outstanding``, ``overdue``, ``due_by_date``, ``payoff``; ``installments``,
    ``applied`` (what each payment paid), ``penalties_charged``, ``problems``."""

    date: datetime.date
    currency: str
    status: str
    days_past_due: int
    delinquent_days: int
    bucket: str
    disbursed: Decimal
    overpaid: Decimal
    refunded: Decimal
    recovered: Decimal
    last_payment: datetime.date | None
    due: dict[str, Decimal]
    paid: dict[str, Decimal]
    waived: dict[str, Decimal]
    written_off: dict[str, Decimal]
    outstanding: dict[str, Decimal]
    overdue: dict[str, Decimal]
    due_by_date: dict[str, Decimal]
    payoff: dict[str, Decimal]
    installments: list[dict[str, Any]]
    applied: list[dict[str, Any]]
    penalties_charged: list[dict[str, Any]]
    problems: list[dict[str, Any]]
    def to_json(self) -> str:
        """The state in the JSON form."""
    def _repr_html_(self) -> str: ...

@final
class Account:
    """A loan account: terms, the account's rules (a dict in the JSON form: ``allocation``,
    ``arrears``, ``prepayment``, ``penalties``) and the events recorded on it. Events are never
    edited; :meth:`reverse` cancels one. Every ``record_*`` returns ``{"outcome": "recorded" |
    "already_recorded", "changed": [ids of payments re-allocated]}``; a refused event raises
    :class:`ValidationError` (or :class:`CurrencyError`) with a stable ``code`` and leaves the
    account unchanged.

    Example::

        >>> import datetime as dt, microcredit as mc
        >>> t = mc.LoanTerms(principal="1000", currency="USD", rate_percent="24", installments=4,
        ...                  disbursement_date=dt.date(2025, 1, 10))
        >>> a = mc.Account(t)
        >>> _ = a.record_disbursement()
        >>> a.record_repayment("262.62", dt.date(2025, 2, 10), receipt="R-1")["outcome"]
        'recorded'
        >>> s = a.state(dt.date(2025, 3, 25))
        >>> s.status, s.days_past_due, s.overdue["principal"]
        ('in_arrears', 15, Decimal('247.47'))
    """

    def __new__(cls, terms: LoanTerms, rules: Mapping[str, Any] | None = None) -> Account: ...
    def record_disbursement(
        self, amount: _Number | None = None, date: _DateLike | None = None, *, device: str | None = None, officer: str | None = None
    ) -> dict[str, Any]:
        """Record the disbursement (the whole principal on the terms' date unless given)."""
    def record_repayment(
        self,
        amount: _Number,
        date: _DateLike,
        *,
        receipt: str | None = None,
        channel: str | None = None,
        device: str | None = None,
        officer: str | None = None,
    ) -> dict[str, Any]:
        """Record a repayment; a receipt already held with the same amount and date changes nothing."""
    def reverse(self, event_id: str, date: _DateLike, *, device: str | None = None, officer: str | None = None) -> dict[str, Any]:
        """Cancel an earlier event: the account is replayed as if it had never been recorded."""
    def record(self, event: Mapping[str, Any], *, device: str | None = None, officer: str | None = None) -> dict[str, Any]:
        """Record any event given in the JSON form (``effective``, ``kind`` and its fields)."""
    def state(self, on: _DateLike) -> AccountState:
        """The state on ``on``: the events effective on or before it, replayed."""
    def payoff(self, on: _DateLike) -> Decimal:
        """The amount that closes the loan on ``on``."""
    @property
    def events(self) -> list[dict[str, Any]]:
        """Every event recorded, in the order recorded, in the JSON form."""
    def events_json(self) -> str:
        """The events as JSON text."""
    def _repr_html_(self) -> str: ...

def account_states(
    installments: Any,
    repayments: Any,
    *,
    on: _DateLike | Sequence[_DateLike],
    currency: str | None = None,
    rules: Mapping[str, Any] | None = None,
) -> Table:
    """The state of every loan of a book on one or several dates, from an installments table
    (``loan_id``, ``due_date``, and ``amount_due`` or ``principal_due``/``interest_due``/
    ``fees_due``/``penalties_due``; optionally ``disbursement_date``) and a repayments table
    (``loan_id``, ``date``, ``amount``), as pandas, polars or pyarrow tables. One row per loan and
    date: ``status``, ``due``, ``paid``, ``outstanding``, ``overdue``, ``due_by_date``,
    ``payoff``, the parts outstanding and overdue, ``days_past_due``, ``delinquent_days``,
    ``bucket``, ``overpaid``. A column it does not read raises :class:`ValidationError` naming the
    nearest known one."""
