"""Deterministic, realistic sample raw tables for leadscore.

The generator simulates a B2B SaaS funnel so that the scoring engine and the conversion
reports have something real to find:

* every lead has a hidden *propensity* built from firmographic fit (industry, company
  size), seniority, lead source and an engagement intensity, plus noise;
* propensity drives what the lead does: high-propensity leads have *intent bursts*
  (pricing, case studies, product and integrations pages, white papers, webinars and
  demo requests clustered in a week or so), low ones mostly read the blog and open e-mails;
  job seekers read the careers page, students the blog and the docs;
* a naive legacy points process marks leads `mql` (it also counts bot clicks and
  newsletter opens, so it is beatable); sales accept or reject, and propensity decides
  how far accepted leads get (sql, opportunity, customer or closed_lost, recycled);
* small, always-present rates of the dirt real pipelines see (duplicates, re-deliveries,
  bad e-mails and countries, future and orphan events, odd event types ...).

Everything is vectorised NumPy over one chunk of leads at a time, with Arrow compute for
the strings, so 1M leads (~50M events) stream in bounded memory. Randomness comes from
`numpy.random.SeedSequence(seed)`: child 0 draws the shared world (owners, campaigns,
list-import dates), child i+1 draws chunk i. The output is therefore a pure function of
(n_leads, seed, end_date, chunk_leads); `generate_raw_tables` uses the default chunk size.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leadscore.contract import ACTIVITY_TYPES, EVENT_TYPES, LEAD_STATUSES, OPPORTUNITY_STAGES, TABLES


def _const(values: object, dtype: type | None = None) -> np.ndarray:
    """A read-only array, so module constants cannot become shared mutable state."""
    arr = np.array(values, dtype=dtype)
    arr.flags.writeable = False
    return arr


# ---------------------------------------------------------------------------------------
# Calendar and volumes
# ---------------------------------------------------------------------------------------

HISTORY_MONTHS = 15
DAY = 86_400
HOUR = 3_600
LEADS_PER_ACCOUNT = 5
DEFAULT_CHUNK_LEADS = 50_000
CAMPAIGNS_PER_WEEK = 2.0
LIST_IMPORTS = 8  # bulk list imports spread over the history
LEGACY_MQL_THRESHOLD = 100  # points of the legacy process

# Share of UTC activity per hour of day (Europe + Americas business hours).
HOUR_WEIGHTS = _const([1, 1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 9, 10, 10, 9, 8, 7, 5, 4, 3, 2, 1], float)

# ---------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------

INDUSTRIES = (
    "Software", "Financial Services", "Healthcare", "Manufacturing", "Retail", "Education",
    "Government", "Media", "Telecommunications", "Consulting", "Nonprofit",
)
INDUSTRY_WEIGHTS = (0.20, 0.12, 0.10, 0.12, 0.09, 0.07, 0.05, 0.06, 0.05, 0.09, 0.05)
# Fit on the logit scale: the product is built for these industries.
INDUSTRY_FIT = (0.8, 0.8, 0.7, 0.7, 0.0, -0.6, -0.5, 0.0, 0.1, -0.1, -0.8)

COUNTRIES = ("US", "GB", "DE", "FR", "CA", "AU", "NL", "IN", "BR", "SG", "ES", "JP")
COUNTRY_WEIGHTS = (0.38, 0.12, 0.10, 0.06, 0.06, 0.05, 0.04, 0.06, 0.04, 0.03, 0.03, 0.03)
CALLING_CODES = ("+1", "+44", "+49", "+33", "+1", "+61", "+31", "+91", "+55", "+65", "+34", "+81")
COUNTRY_TLDS = ("com", "co.uk", "de", "fr", "ca", "com.au", "nl", "in", "com.br", "sg", "es", "jp")
# Dirt: names instead of codes (one list per COUNTRIES entry) and countries that do not exist.
COUNTRY_NAMES = (
    ("United States", "USA", "united states"), ("U.K.", "United Kingdom"), ("Deutschland", "germany"),
    ("France",), ("Canada",), ("Australia",), ("Netherlands", "Holland"), ("India",), ("Brasil",),
    ("Singapore",), ("España",), ("Japan",),
)
UNKNOWN_COUNTRIES = ("Atlantis", "N/A", "Unknown")

DOMAIN_WORDS_A = (
    "northwind", "blue", "summit", "apex", "cedar", "granite", "silver", "harbor", "pioneer",
    "vertex", "crimson", "evergreen", "golden", "ironwood", "lakeside", "maple", "nimbus",
    "orbit", "polar", "quantum", "redwood", "sierra", "terra", "urban", "vantage", "willow",
    "zenith", "atlas", "beacon", "cobalt", "delta", "ember", "falcon", "glacier", "horizon",
    "indigo", "juniper", "keystone", "lumen", "meridian", "nova", "oakridge", "pinnacle",
    "radiant", "stellar", "tidal", "unity", "velvet", "westbrook", "bright", "clear", "swift",
    "true", "prime", "bold", "alpine", "coastal", "frontier", "highland", "metro",
)
DOMAIN_WORDS_B = (
    "logistics", "labs", "systems", "health", "capital", "foods", "energy", "analytics",
    "robotics", "media", "networks", "partners", "dynamics", "solutions", "bank", "insurance",
    "pharma", "retail", "motors", "works", "cloud", "data", "security", "telecom", "learning",
    "consulting", "studios", "materials", "devices", "payments", "biotech", "clinic", "freight",
    "industries", "software", "ventures", "brands", "supply", "digital", "markets",
)
LEGAL_SUFFIXES = ("", "", "", " Inc.", " Ltd", " GmbH", " Group", " Corp")
COMPETITOR_DOMAINS = ("scorerival.com", "leadmagnet.io", "pipelinepro.com", "funnelforge.com")
COMPETITOR_NAMES = ("ScoreRival", "LeadMagnet", "PipelinePro", "FunnelForge")
COMPETITOR_SHARE = 0.01
MAIL_SCANNER_SHARE = 0.05  # accounts whose mail gateway pre-clicks links
ABSURD_EMPLOYEE_COUNTS = (-5, 0, 50_000_000, -1)

# ---------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------

FIRST_NAMES = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Susan", "Richard", "Jessica", "Thomas", "Sarah", "Daniel", "Karen",
    "Anna", "Lukas", "Sophie", "Jonas", "Emma", "Louis", "Chloe", "Hugo", "Priya", "Rahul",
    "Ana", "Lucas", "Mei", "Kenji", "Yuki", "Carlos", "Lucia", "Olivia", "Noah", "Liam",
    "Aisha", "Omar",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Martinez",
    "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson",
    "White", "Harris", "Clark", "Lewis", "Walker", "Young", "Mueller", "Schmidt", "Schneider",
    "Fischer", "Dubois", "Laurent", "Bernard", "Sharma", "Patel", "Silva", "Santos", "Tanaka",
    "Sato", "Nguyen", "Kim", "Rossi",
)
PERSONAL_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "gmx.de", "proton.me")
PERSONAL_DOMAIN_WEIGHTS = (0.45, 0.12, 0.1, 0.12, 0.08, 0.08, 0.05)
# Personal addresses: ~12% of leads overall, most students and interns, few professionals.
PERSONAL_EMAIL_SHARE_WORKING = 0.07
PERSONAL_EMAIL_SHARE_STUDENT = 0.6

# Seniority tiers and their fit on the logit scale.
SENIORITY = ("c_level", "founder", "vp", "director", "manager", "ic", "consultant", "intern", "student")
SENIORITY_FIT = (1.0, 0.9, 0.9, 0.7, 0.2, -0.4, -0.6, -2.5, -3.5)
STUDENT_TIERS = (7, 8)  # intern, student: nearly never buy

DEPARTMENTS = ("Marketing", "Sales", "IT", "Engineering", "Finance", "Operations", "HR", "Executive")
# (job title, seniority index, department index or -1, weight)
JOB_TITLES = (
    ("Chief Executive Officer", 0, 7, 0.015), ("CTO", 0, 7, 0.012), ("Chief Marketing Officer", 0, 7, 0.010),
    ("CFO", 0, 7, 0.006), ("Chief Revenue Officer", 0, 7, 0.008), ("Founder", 1, 7, 0.012),
    ("Co-Founder & CEO", 1, 7, 0.008), ("VP Marketing", 2, 0, 0.025), ("Vice President of Sales", 2, 1, 0.020),
    ("VP Engineering", 2, 3, 0.012), ("VP Operations", 2, 5, 0.008), ("Head of Revenue Operations", 3, 5, 0.020),
    ("Head of Growth", 3, 0, 0.018), ("Director of IT", 3, 2, 0.020), ("Director of Demand Generation", 3, 0, 0.022),
    ("Sales Director", 3, 1, 0.020), ("Finance Director", 3, 4, 0.008), ("Marketing Manager", 4, 0, 0.070),
    ("Marketing Operations Manager", 4, 0, 0.040), ("Sales Manager", 4, 1, 0.050), ("IT Manager", 4, 2, 0.035),
    ("Operations Manager", 4, 5, 0.030), ("HR Manager", 4, 6, 0.020), ("Senior Software Engineer", 5, 3, 0.050),
    ("Software Engineer", 5, 3, 0.050), ("Data Analyst", 5, 5, 0.045), ("Account Executive", 5, 1, 0.045),
    ("Sales Development Representative", 5, 1, 0.045), ("Marketing Specialist", 5, 0, 0.050),
    ("Recruiter", 5, 6, 0.020), ("Accountant", 5, 4, 0.020), ("Consultant", 6, 5, 0.035),
    ("Marketing Intern", 7, 0, 0.025), ("Sales Intern", 7, 1, 0.012), ("Student", 8, -1, 0.040),
    ("Graduate Student", 8, -1, 0.020),
)

LEAD_SOURCES = ("organic_search", "paid_search", "event", "referral", "partner", "outbound", "list_import", "content")
LEAD_SOURCE_WEIGHTS = (0.25, 0.15, 0.10, 0.07, 0.06, 0.12, 0.12, 0.13)
LEAD_SOURCE_FIT = (0.0, 0.0, 0.2, 0.6, 0.4, -0.2, -0.6, 0.0)
INBOUND_SOURCES = (0, 1, 7)  # the lead was created by a form on the website

# ---------------------------------------------------------------------------------------
# Owners
# ---------------------------------------------------------------------------------------

TEAMS = ("SMB", "Mid-Market", "Enterprise")
OWNERS_PER_TEAM = (8, 7, 5)
OWNER_NAMES = (
    "Alex Morgan", "Jordan Lee", "Taylor Reed", "Casey Kim", "Morgan Blake", "Riley Chen",
    "Jamie Fox", "Drew Patel", "Avery Stone", "Quinn Walsh", "Harper Diaz", "Rowan Fischer",
    "Skyler Novak", "Emerson Hale", "Parker Lin", "Reese Adler", "Sage Moreau", "Blair Okafor",
    "Cameron Ito", "Dakota Ruiz",
)

# ---------------------------------------------------------------------------------------
# Web site and campaigns
# ---------------------------------------------------------------------------------------

SITE = "https://www.example-saas.com/"
PAGE_CATEGORIES = ("home", "blog", "pricing", "case_studies", "careers", "docs", "product", "integrations")
BLOG_SLUGS = (
    "what-is-lead-scoring", "b2b-marketing-attribution", "mql-vs-sql", "intent-data-explained",
    "email-deliverability-tips", "abm-playbook", "revops-metrics", "demand-gen-benchmarks-2025",
    "scoring-models-compared", "webinar-recap-pipeline", "crm-hygiene", "customer-journey-mapping",
    "content-marketing-roi", "sales-marketing-alignment", "predictive-analytics-101", "lead-routing",
)
CASE_STUDY_SLUGS = (
    "northwind-logistics", "globex-finance", "initech-software", "umbrella-health", "acme-manufacturing",
    "stark-industries", "wayne-capital", "hooli-cloud",
)
DOCS_SLUGS = (
    "getting-started", "api-reference", "salesforce-integration", "hubspot-integration", "sso-setup",
    "data-model", "scoring-rules", "webhooks", "dbt-package", "security",
)


def _site_urls() -> tuple[tuple[str, ...], np.ndarray]:
    """All page URLs and the category index of each, in category order."""
    pages: list[tuple[str, int]] = [("", 0)]
    pages += [(f"blog/{s}", 1) for s in BLOG_SLUGS]
    pages += [("pricing", 2)]
    pages += [(f"case-studies/{s}", 3) for s in CASE_STUDY_SLUGS]
    pages += [("careers", 4)]
    pages += [(f"docs/{s}", 5) for s in DOCS_SLUGS]
    pages += [("product", 6), ("integrations", 7)]
    return tuple(SITE + p for p, _ in pages), _const([c for _, c in pages], np.int16)


URLS, URL_CATEGORY = _site_urls()
CATEGORY_FIRST_URL = _const([np.flatnonzero(URL_CATEGORY == c)[0] for c in range(len(PAGE_CATEGORIES))])
CATEGORY_URL_COUNT = _const(np.bincount(URL_CATEGORY, minlength=len(PAGE_CATEGORIES)))

# Page-category mix per kind of session (rows) over PAGE_CATEGORIES (columns).
SESSION_KINDS = ("browse_low", "browse_high", "job_seeker", "student", "burst")
BROWSE_LOW, BROWSE_HIGH, JOB_SEEKING, STUDYING, BURST = range(len(SESSION_KINDS))
PAGE_MIX = _const([
    [0.19, 0.47, 0.04, 0.03, 0.002, 0.10, 0.10, 0.07],
    [0.14, 0.25, 0.14, 0.10, 0.002, 0.12, 0.14, 0.10],
    [0.15, 0.15, 0.01, 0.02, 0.55, 0.04, 0.06, 0.02],
    [0.15, 0.45, 0.02, 0.02, 0.10, 0.20, 0.04, 0.02],
    [0.06, 0.05, 0.28, 0.20, 0.00, 0.10, 0.18, 0.13],
])

# E-mail campaigns: kind, share of campaigns, landing page category.
CAMPAIGN_KINDS = ("newsletter", "product_update", "case_study", "webinar_invite", "pricing_promo")
CAMPAIGN_KIND_WEIGHTS = (0.40, 0.15, 0.15, 0.20, 0.10)
CAMPAIGN_LANDING = (1, 6, 3, 6, 2)
WEBINAR_KIND = CAMPAIGN_KINDS.index("webinar_invite")

FORMS = ("demo_request", "contact_us", "white_paper", "webinar_registration", "newsletter")
DEMO, CONTACT, WHITE_PAPER, WEBINAR_REG, NEWSLETTER = range(5)

PAGE_VIEW, EMAIL_SENT, EMAIL_OPEN, EMAIL_CLICK, EMAIL_UNSUB, EMAIL_BOUNCE, FORM_SUBMIT, WEBINAR = range(8)
# Dirt: (event type code, variant). Even positions are misspellings (lost after cleaning),
# odd positions only differ in case/whitespace (recoverable by trim+lower).
DIRTY_EVENT_TYPES = (
    (PAGE_VIEW, "page_vew"), (PAGE_VIEW, " Page_View"), (EMAIL_OPEN, "emial_open"), (EMAIL_OPEN, "EMAIL_OPEN "),
    (EMAIL_CLICK, "email_clik"), (EMAIL_CLICK, "Email_Click"), (EMAIL_SENT, "email-sent"), (EMAIL_SENT, "EMAIL_SENT"),
    (FORM_SUBMIT, "form_sumbit"), (FORM_SUBMIT, "FORM_SUBMIT "), (WEBINAR, "webinar attended"),
    (WEBINAR, "Webinar_Attended"), (EMAIL_UNSUB, "unsubscribe"), (EMAIL_UNSUB, "EMAIL_UNSUBSCRIBE"),
    (EMAIL_BOUNCE, "bounce"), (EMAIL_BOUNCE, " email_bounce"),
)
EVENT_TYPE_VOCAB = EVENT_TYPES + tuple(v for _, v in DIRTY_EVENT_TYPES)

BROWSER_UAS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
)
MOBILE_UAS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
)
SCANNER_UAS = (
    "Mozilla/5.0 (compatible; Barracuda Email Security Link Protection)",
    "Mimecast URL Protect/1.0 (+https://www.mimecast.com)",
    "Mozilla/5.0 (compatible; Proofpoint URL Defense/2.0)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Microsoft Defender SafeLinks",
)
USER_AGENTS = BROWSER_UAS + MOBILE_UAS + SCANNER_UAS
FIRST_MOBILE_UA = len(BROWSER_UAS)
FIRST_SCANNER_UA = len(BROWSER_UAS) + len(MOBILE_UAS)

# Legacy MQL points per event (a naive, HubSpot-style cumulative score without decay).
FORM_POINTS = _const([100, 60, 25, 15, 5])
CATEGORY_POINTS = _const([1, 1, 10, 5, 0, 1, 3, 3])
EVENT_POINTS = _const([0, 0, 1, 5, 0, 0, 0, 30])  # by event type; page views and forms above

REASONS = (
    "no_budget", "no_authority", "no_need", "bad_timing", "competitor", "student", "unreachable",
    "lost_to_competitor", "price",
)
NO_BUDGET, NO_AUTHORITY, NO_NEED, BAD_TIMING, R_COMPETITOR, R_STUDENT, UNREACHABLE, LOST_COMP, PRICE = range(9)
MQL, ACCEPTED, REJECTED, SQL, OPPORTUNITY, CUSTOMER, CLOSED_LOST, DISQUALIFIED, RECYCLED = range(9)
assert LEAD_STATUSES[CUSTOMER] == "customer" and LEAD_STATUSES[RECYCLED] == "recycled"

# Dirt rates (share of rows of the table; at least one row per chunk each).
DIRT_RATES = MappingProxyType({
    "duplicate_person": 0.01, "redelivered_lead": 0.01, "null_email": 0.005, "malformed_email": 0.005,
    "lead_country_name": 0.01, "lead_unknown_country": 0.005, "odd_job_title": 0.02,
    "account_country_name": 0.01, "account_unknown_country": 0.005, "account_null_country": 0.01,
    "account_null_industry": 0.02, "absurd_employee_count": 0.005,
    "future_event": 0.003, "orphan_event": 0.003, "duplicate_event": 0.005, "odd_event_type": 0.002,
})
LEAD_NULL_COUNTRY_SHARE = 0.04  # not dirt: the CRM field is simply empty; falls back to the account

ARROW_TYPES = MappingProxyType(
    {"varchar": pa.string(), "bigint": pa.int64(), "double": pa.float64(), "timestamp": pa.timestamp("us")})


# ---------------------------------------------------------------------------------------
# Small vectorised helpers
# ---------------------------------------------------------------------------------------


def _pick(rng: np.random.Generator, weights: tuple[float, ...] | np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with the given (unnormalised) weights."""
    cdf = np.cumsum(np.asarray(weights, dtype=float))
    return np.searchsorted(cdf / cdf[-1], rng.random(size), side="right").astype(np.int64)


def _pick_per_row(rng: np.random.Generator, mix: np.ndarray, row: np.ndarray) -> np.ndarray:
    """One category per draw, each draw using the weights of its own row of `mix`."""
    out = np.empty(len(row), dtype=np.int64)
    for r in range(mix.shape[0]):  # a loop over session kinds, not over rows
        sel = np.flatnonzero(row == r)
        out[sel] = _pick(rng, mix[r], len(sel))
    return out


def _segment_arange(counts: np.ndarray) -> np.ndarray:
    """0..c-1 for every group of size c, concatenated (the position inside each group)."""
    counts = counts.astype(np.int64)
    starts = np.cumsum(counts) - counts
    return np.arange(counts.sum(), dtype=np.int64) - np.repeat(starts, counts)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _dirt_count(rng: np.random.Generator, rate: float, n: int) -> int:
    """Binomial count, but at least one so every dirt class exists even in small chunks."""
    return int(min(n, max(1, rng.binomial(n, rate)))) if n > 0 else 0


def _disjoint_picks(rng: np.random.Generator, candidates: np.ndarray, counts: list[int]) -> list[np.ndarray]:
    """Disjoint random subsets of `candidates`, so dirt classes do not overwrite each other."""
    perm = rng.permutation(candidates)
    out, pos = [], 0
    for c in counts:
        out.append(np.sort(perm[pos:pos + c]))
        pos += c
    return out


def _business_times(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A time in [lo, hi] on a uniform day but at a business-like hour of the day."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    n = len(lo)
    uniform = lo + (rng.random(n) * (hi - lo)).astype(np.int64)
    t = uniform // DAY * DAY + _pick(rng, HOUR_WEIGHTS, n) * HOUR + rng.integers(0, HOUR, n)
    t = np.where(t < lo, t + DAY, t)
    return np.where(t > hi, uniform, t)


def _lognormal_seconds(rng: np.random.Generator, median_s: float, sigma: float, n: int) -> np.ndarray:
    return rng.lognormal(math.log(median_s), sigma, n).astype(np.int64)


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """`prefix` + zero-padded number, built in Arrow (no Python loop)."""
    digits = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _take(vocab: tuple[str, ...] | pa.Array, codes: np.ndarray) -> pa.Array:
    """Strings by code from a vocabulary; negative codes become null."""
    codes = np.asarray(codes, dtype=np.int64)
    values = vocab if isinstance(vocab, pa.Array) else pa.array(vocab, pa.string())
    return pc.take(values, pa.array(np.maximum(codes, 0), mask=codes < 0))


def _timestamps(seconds: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    micros = np.asarray(seconds, dtype=np.int64) * 1_000_000
    return pa.array(micros, type=pa.int64(), mask=null).cast(pa.timestamp("us"))


def _table(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    """An Arrow table with exactly the contract's columns, order and types."""
    spec = TABLES[name]
    if list(columns) != spec.column_names:
        raise ValueError(f"{name}: built columns {list(columns)} differ from the contract {spec.column_names}")
    arrays = [columns[c.name].cast(ARROW_TYPES[c.type]) for c in spec.columns]
    schema = pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in spec.columns])
    return pa.Table.from_arrays(arrays, schema=schema)


def _replace(values: pa.Array, rows: np.ndarray, new: pa.Array) -> pa.Array:
    """`values` with positions `rows` replaced by `new` (same length as rows)."""
    if len(rows) == 0:
        return values
    src = np.arange(len(values), dtype=np.int64)
    src[rows] = len(values) + np.arange(len(rows))
    return pc.take(pa.concat_arrays([values.cast(pa.string()), new.cast(pa.string())]), pa.array(src))


# ---------------------------------------------------------------------------------------
# The shared world: calendar, owners, campaigns
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    start_s: int  # first second of the history (UTC epoch seconds)
    end_s: int  # end_date 23:59:59

    @property
    def span(self) -> int:
        return self.end_s - self.start_s


def _calendar(end_date: dt.date) -> _Calendar:
    after = end_date + dt.timedelta(days=1)  # 2025-06-30 -> history starts 2024-04-01
    months = after.year * 12 + after.month - 1 - HISTORY_MONTHS
    year, month = divmod(months, 12)
    start = dt.date(year, month + 1, min(after.day, calendar.monthrange(year, month + 1)[1]))
    epoch = dt.date(1970, 1, 1)
    return _Calendar((start - epoch).days * DAY, (end_date - epoch).days * DAY + DAY - 1)


@dataclass(frozen=True)
class _Owners:
    team: np.ndarray  # team index per owner
    speed: np.ndarray  # multiplies response times: some reps are slow
    team_first: np.ndarray  # first owner index of each team
    table: pa.Table

    @property
    def ids(self) -> pa.Array:
        return self.table.column("owner_id").combine_chunks()


def _owners(rng: np.random.Generator) -> _Owners:
    team = np.repeat(np.arange(len(TEAMS)), OWNERS_PER_TEAM)
    n = len(team)
    table = _table("owners", {
        "owner_id": _ids("O", np.arange(1, n + 1), 3),
        "owner_name": pa.array(OWNER_NAMES[:n]),
        "team": _take(TEAMS, team),
    })
    speed = rng.lognormal(0.0, 0.6, n)
    return _Owners(team, speed, np.cumsum(OWNERS_PER_TEAM) - OWNERS_PER_TEAM, table)


@dataclass(frozen=True)
class _Campaigns:
    send_s: np.ndarray  # sorted send times
    kind: np.ndarray
    url: np.ndarray  # landing URL code
    audience: np.ndarray  # share of eligible leads that get the e-mail
    webinar_s: np.ndarray  # webinar start, -1 unless a webinar invite
    webinar_order: np.ndarray  # campaign indices of webinars, by webinar start
    ids: pa.Array


def _campaigns(rng: np.random.Generator, cal: _Calendar) -> _Campaigns:
    n = max(4, round(cal.span / (7 * DAY) * CAMPAIGNS_PER_WEEK))
    days = np.sort(rng.integers(0, cal.span // DAY, n))
    send = np.sort(cal.start_s + days * DAY + rng.integers(13, 17, n) * HOUR + rng.integers(0, HOUR, n))
    kind = _pick(rng, CAMPAIGN_KIND_WEIGHTS, n)
    kind[0] = WEBINAR_KIND  # at least one webinar, whatever the seed
    landing = np.array(CAMPAIGN_LANDING)[kind]
    url = CATEGORY_FIRST_URL[landing] + (rng.random(n) * CATEGORY_URL_COUNT[landing]).astype(np.int64)
    webinar = np.where(kind == WEBINAR_KIND, (send // DAY + rng.integers(7, 15, n)) * DAY + 16 * HOUR, -1)
    is_web = np.flatnonzero(webinar >= 0)
    order = is_web[np.argsort(webinar[is_web], kind="stable")]
    return _Campaigns(send, kind, url, rng.uniform(0.3, 0.6, n), webinar, order,
                      _ids("C", np.arange(1, n + 1), 3))


@dataclass(frozen=True)
class _World:
    n_leads: int
    cal: _Calendar
    owners: _Owners
    campaigns: _Campaigns
    import_s: np.ndarray  # times of bulk list imports


def _world(rng: np.random.Generator, n_leads: int, end_date: dt.date) -> _World:
    cal = _calendar(end_date)
    imports = np.sort(cal.start_s + rng.integers(0, cal.span - DAY, LIST_IMPORTS))
    return _World(n_leads, cal, _owners(rng), _campaigns(rng, cal), imports)


@dataclass(frozen=True)
class _Offsets:
    """Where the next chunk's ids start, so keys stay unique across chunks."""

    lead: int = 0
    account: int = 0
    event: int = 0
    status: int = 0
    opportunity: int = 0
    activity: int = 0


# ---------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Accounts:
    number: np.ndarray  # global 1-based account number
    industry: np.ndarray
    employees: np.ndarray  # true size (before dirt)
    country: np.ndarray
    competitor: np.ndarray
    competitor_idx: np.ndarray  # which competitor, -1 if none
    scanner: np.ndarray  # mail gateway clicks links
    domain: pa.Array
    name: pa.Array
    created_s: np.ndarray


def _domains(rng: np.random.Generator, number: np.ndarray, country: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Unique corporate domains and names such as `northwind-logistics.com` / `Northwind Logistics`.

    An affine permutation of the global account number picks the word pair, so domains
    look random yet never collide: once all pairs are used a cycle number is appended.
    """
    na, nb = len(DOMAIN_WORDS_A), len(DOMAIN_WORDS_B)
    pairs = na * nb
    h = (number * 1_009 + 17) % pairs  # 1009 is prime and does not divide na*nb
    a, b, cycle = h // nb, h % nb, number // pairs
    local_tld = rng.random(len(number)) < 0.35  # the rest use .com whatever the country
    tld_str = _take(COUNTRY_TLDS, np.where(local_tld, country, 0))
    words_a, words_b = _take(DOMAIN_WORDS_A, a), _take(DOMAIN_WORDS_B, b)
    suffix = pc.if_else(pa.array(cycle > 0), pc.cast(pa.array(cycle + 1), pa.string()), pa.scalar(""))
    domain = pc.binary_join_element_wise(words_a, "-", words_b, suffix, ".", tld_str, "")
    legal = _take(LEGAL_SUFFIXES, rng.integers(0, len(LEGAL_SUFFIXES), len(number)))
    name = pc.binary_join_element_wise(pc.utf8_capitalize(words_a), " ", pc.utf8_capitalize(words_b), legal, "")
    return domain, name


def _accounts(rng: np.random.Generator, n: int, first: int, cal: _Calendar) -> _Accounts:
    number = first + 1 + np.arange(n, dtype=np.int64)
    industry = _pick(rng, INDUSTRY_WEIGHTS, n)
    employees = np.clip(np.round(rng.lognormal(math.log(180), 1.7, n)), 1, 100_000).astype(np.int64)
    country = _pick(rng, COUNTRY_WEIGHTS, n)
    competitor = rng.random(n) < COMPETITOR_SHARE
    comp_idx = np.where(competitor, rng.integers(0, len(COMPETITOR_DOMAINS), n), -1)
    industry[competitor] = 0
    scanner = rng.random(n) < MAIL_SCANNER_SHARE * np.where(employees > 1000, 2.5, 0.7)
    domain, name = _domains(rng, number, country)
    comp_rows = np.flatnonzero(competitor)
    domain = _replace(domain, comp_rows, _take(COMPETITOR_DOMAINS, comp_idx[comp_rows]))
    name = _replace(name, comp_rows, _take(COMPETITOR_NAMES, comp_idx[comp_rows]))
    created = cal.start_s - rng.integers(DAY, 4 * 365 * DAY, n)
    return _Accounts(number, industry, employees, country, competitor, comp_idx, scanner, domain, name, created)


def _country_strings(rng: np.random.Generator, country: np.ndarray, rows_name: np.ndarray,
                     rows_unknown: np.ndarray, rows_null: np.ndarray) -> pa.Array:
    """ISO codes with three kinds of dirt: local/English names, made-up values and nulls."""
    codes = np.where(country < 0, 0, country)
    out = _take(COUNTRIES, np.where(country < 0, -1, codes))
    flat = [name for names in COUNTRY_NAMES for name in names]
    first = np.cumsum([len(v) for v in COUNTRY_NAMES]) - [len(v) for v in COUNTRY_NAMES]
    count = np.array([len(v) for v in COUNTRY_NAMES])
    c = codes[rows_name]
    out = _replace(out, rows_name, _take(tuple(flat), first[c] + (rng.random(len(c)) * count[c]).astype(np.int64)))
    unknown = rng.integers(0, len(UNKNOWN_COUNTRIES), len(rows_unknown))
    out = _replace(out, rows_unknown, _take(UNKNOWN_COUNTRIES, unknown))
    return _replace(out, rows_null, pa.nulls(len(rows_null), pa.string()))


def _accounts_table(rng: np.random.Generator, acc: _Accounts) -> pa.Table:
    n = len(acc.number)
    counts = [_dirt_count(rng, DIRT_RATES[k], n) for k in
              ("account_country_name", "account_unknown_country", "account_null_country")]
    rows_name, rows_unknown, rows_null = _disjoint_picks(rng, np.arange(n), counts)
    null_industry = np.sort(rng.choice(n, _dirt_count(rng, DIRT_RATES["account_null_industry"], n), replace=False))
    absurd = np.sort(rng.choice(n, _dirt_count(rng, DIRT_RATES["absurd_employee_count"], n), replace=False))
    employees = acc.employees.copy()
    employees[absurd] = np.array(ABSURD_EMPLOYEE_COUNTS)[np.arange(len(absurd)) % len(ABSURD_EMPLOYEE_COUNTS)]
    revenue = np.round(acc.employees * rng.lognormal(math.log(160_000), 0.45, n), -3)
    industry = acc.industry.copy()
    industry[null_industry] = -1
    return _table("accounts", {
        "account_id": _ids("A", acc.number, 7),
        "account_name": acc.name,
        "domain": acc.domain,
        "industry": _take(INDUSTRIES, industry),
        "employee_count": pa.array(employees),
        "annual_revenue": pa.array(revenue, mask=rng.random(n) < 0.08),
        "country": _country_strings(rng, acc.country, rows_name, rows_unknown, rows_null),
        "created_at": _timestamps(acc.created_s),
    })


# ---------------------------------------------------------------------------------------
# Leads (people) and their hidden propensity
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Leads:
    number: np.ndarray  # global 1-based lead number
    account: np.ndarray  # index into the chunk's accounts (the true company)
    account_known: np.ndarray  # the CRM links the lead to its account
    first: np.ndarray
    last: np.ndarray
    title: np.ndarray
    seniority: np.ndarray
    source: np.ndarray
    country: np.ndarray  # -1 = empty in the CRM
    owner: np.ndarray
    personal: np.ndarray  # personal e-mail domain index, -1 for corporate
    created_s: np.ndarray
    engagement: np.ndarray  # how much the person interacts at all
    propensity: np.ndarray  # hidden probability-like intent to buy
    job_seeker: np.ndarray
    duplicate_of: np.ndarray  # index of the original person, -1 if none
    competitor: np.ndarray
    student: np.ndarray
    fit: np.ndarray  # the firmographic+seniority part of the logit


def _lead_created(rng: np.random.Generator, source: np.ndarray, world: _World) -> np.ndarray:
    """Creation spread over the history with mild growth; list imports land in batches."""
    cal = world.cal
    target = cal.start_s + (rng.random(len(source)) ** (1 / 1.3) * cal.span).astype(np.int64)
    day = np.maximum(cal.start_s, target // DAY * DAY)
    created = _business_times(rng, day, np.minimum(cal.end_s, day + DAY - 1))
    imported = np.flatnonzero(source == LEAD_SOURCES.index("list_import"))
    batch = rng.integers(0, len(world.import_s), len(imported))
    created[imported] = world.import_s[batch] + rng.integers(0, 900, len(imported))
    return np.minimum(created, cal.end_s - HOUR)


def _leads(rng: np.random.Generator, n: int, first: int, acc: _Accounts, world: _World) -> _Leads:
    n_acc = len(acc.number)
    weight = rng.lognormal(0.0, 0.8, n_acc) * acc.employees ** 0.25
    account = _pick(rng, weight, n)
    titles_w = [t[3] for t in JOB_TITLES]
    title = _pick(rng, titles_w, n)
    seniority = np.array([t[1] for t in JOB_TITLES])[title]
    student = np.isin(seniority, STUDENT_TIERS)
    source = _pick(rng, LEAD_SOURCE_WEIGHTS, n)
    competitor = acc.competitor[account]
    personal_p = np.where(student, PERSONAL_EMAIL_SHARE_STUDENT, PERSONAL_EMAIL_SHARE_WORKING)
    personal = np.where((rng.random(n) < personal_p) & ~competitor, _pick(rng, PERSONAL_DOMAIN_WEIGHTS, n), -1)
    account_known = (personal < 0) | (rng.random(n) < 0.5)
    country = np.where(rng.random(n) < 0.93, acc.country[account], _pick(rng, COUNTRY_WEIGHTS, n))
    country = np.where(rng.random(n) < LEAD_NULL_COUNTRY_SHARE, -1, country)
    employees = acc.employees[account]
    team = np.digitize(employees, [200, 2000])
    owner = world.owners.team_first[team] + (rng.random(n) * np.array(OWNERS_PER_TEAM)[team]).astype(np.int64)
    first_name = rng.integers(0, len(FIRST_NAMES), n)
    last_name = rng.integers(0, len(LAST_NAMES), n)
    created = _lead_created(rng, source, world)

    # Duplicate people: a second CRM record for someone already in this chunk.
    duplicate_of = np.full(n, -1)
    n_dup = _dirt_count(rng, DIRT_RATES["duplicate_person"], n) if n >= 4 else 0
    dup_rows = np.sort(rng.choice(np.arange(n // 2, n), n_dup, replace=False)) if n_dup else np.array([], np.int64)
    originals = rng.integers(0, n // 2, n_dup)
    duplicate_of[dup_rows] = originals
    for arr in (account, title, seniority, student, competitor, personal, account_known, country, owner,
                first_name, last_name):
        arr[dup_rows] = arr[originals]
    room = np.clip(world.cal.end_s - HOUR - created[originals], 0, 120 * DAY)
    created[dup_rows] = created[originals] + (rng.random(n_dup) * room).astype(np.int64)

    employees = acc.employees[account]

    # Hidden propensity: fit (firmographics, seniority, source) plus engagement plus noise.
    size_fit = np.select([employees < 50, employees < 200, employees <= 5000, employees <= 20_000],
                         [-0.6, 0.2, 0.8, 0.2], 0.0)
    fit = (np.array(INDUSTRY_FIT)[acc.industry[account]] + size_fit + np.array(SENIORITY_FIT)[seniority]
           + np.array(LEAD_SOURCE_FIT)[source] - 0.4 * (personal >= 0))
    job_seeker = (rng.random(n) < np.where(student, 0.4, 0.04)) | ((seniority == 5) & (rng.random(n) < 0.03))
    engagement = rng.lognormal(0.0, 0.75, n)
    logit = -2.6 + fit + 0.7 * np.log(engagement) - 3.0 * job_seeker + rng.normal(0.0, 0.8, n)
    propensity = np.where(competitor, 0.0, _sigmoid(logit))
    engagement[dup_rows] *= 0.25
    return _Leads(first + 1 + np.arange(n), account, account_known, first_name, last_name, title, seniority,
                  source, country, owner, personal, created, engagement, propensity, job_seeker, duplicate_of,
                  competitor, student, fit)


def _emails(leads: _Leads, acc: _Accounts) -> pa.Array:
    """first.last@domain, lower case; a number keeps people with the same name apart."""
    n = len(leads.number)
    dup = leads.duplicate_of >= 0
    key = (leads.account * len(FIRST_NAMES) + leads.first) * len(LAST_NAMES) + leads.last
    key = np.where(dup | (leads.personal >= 0) | leads.competitor, -1 - np.arange(n), key)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    new_group = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    occurrence = np.empty(n, dtype=np.int64)
    occurrence[order] = np.arange(n) - group_start
    shared_domain = (leads.personal >= 0) | leads.competitor  # gmail.com etc.: the lead number keeps them apart
    number = np.where(shared_domain, leads.number, np.where(occurrence > 0, occurrence + 1, -1))
    suffix = pc.if_else(pa.array(number > 0), pc.cast(pa.array(number), pa.string()), pa.scalar(""))
    first = pc.utf8_lower(_take(FIRST_NAMES, leads.first))
    last = pc.utf8_lower(_take(LAST_NAMES, leads.last))
    domain = pc.if_else(pa.array(leads.personal >= 0), _take(PERSONAL_DOMAINS, np.maximum(leads.personal, 0)),
                        pc.take(acc.domain, pa.array(leads.account)))
    email = pc.binary_join_element_wise(first, ".", last, suffix, "@", domain, "")
    src = np.where(dup, leads.duplicate_of, np.arange(n))
    return pc.take(email, pa.array(src))


def _email_variants(rng: np.random.Generator, email: pa.Array) -> pa.Array:
    """The same address as a person would type it again: other case, stray whitespace."""
    kind = rng.integers(0, 4, len(email))
    title = pc.utf8_title(email)
    upper = pc.utf8_upper(email)
    padded = pc.binary_join_element_wise("  ", pc.utf8_capitalize(email), " ", "")
    out = pc.if_else(pa.array(kind == 0), title, upper)
    out = pc.if_else(pa.array(kind == 2), padded, out)
    return pc.if_else(pa.array(kind == 3), pc.binary_join_element_wise(upper, " ", ""), out)


def _malformed(rng: np.random.Generator, email: pa.Array) -> pa.Array:
    """john.doe@ / john.doe.example.com (no at sign) / john.doe@@example.com."""
    parts = pc.split_pattern(email, "@", max_splits=1)
    local, domain = pc.list_element(parts, 0), pc.list_element(parts, 1)
    kind = np.arange(len(email)) % 3
    no_domain = pc.binary_join_element_wise(local, "@", "")
    no_at = pc.binary_join_element_wise(local, ".", domain, "")
    double_at = pc.binary_join_element_wise(local, "@@", domain, "")
    out = pc.if_else(pa.array(kind == 0), no_domain, no_at)
    return pc.if_else(pa.array(kind == 2), double_at, out)


def _odd_titles(rng: np.random.Generator, titles: pa.Array) -> pa.Array:
    """'  vp marketing ', 'VP MARKETING', 'Vp Marketing  ' ..."""
    kind = rng.integers(0, 3, len(titles))
    lower = pc.binary_join_element_wise("  ", pc.utf8_lower(titles), " ", "")
    upper = pc.utf8_upper(titles)
    title = pc.binary_join_element_wise(pc.utf8_title(pc.utf8_lower(titles)), "  ", "")
    return pc.if_else(pa.array(kind == 0), lower, pc.if_else(pa.array(kind == 1), upper, title))


def _phones(rng: np.random.Generator, country: np.ndarray) -> pa.Array:
    n = len(country)
    code = _take(CALLING_CODES, np.where(country < 0, 0, country))
    area = pc.cast(pa.array(rng.integers(200, 1000, n)), pa.string())
    local = pc.cast(pa.array(rng.integers(1_000_000, 10_000_000, n)), pa.string())
    phone = pc.binary_join_element_wise(code, area, local, " ")
    return pc.if_else(pa.array(rng.random(n) < 0.15), pa.scalar(None, pa.string()), phone)


def _leads_table(rng: np.random.Generator, leads: _Leads, acc: _Accounts, updated_s: np.ndarray) -> pa.Table:
    n = len(leads.number)
    clean_email = _emails(leads, acc)
    dup = np.flatnonzero(leads.duplicate_of >= 0)
    email = _replace(clean_email, dup, _email_variants(rng, pc.take(clean_email, pa.array(dup))))
    plain = np.flatnonzero(leads.duplicate_of < 0)
    counts = [_dirt_count(rng, DIRT_RATES[k], n) for k in
              ("null_email", "malformed_email", "lead_country_name", "lead_unknown_country")]
    null_email, malformed, country_name, unknown = _disjoint_picks(rng, plain, counts)
    email = _replace(email, malformed, _malformed(rng, pc.take(clean_email, pa.array(malformed))))
    email = _replace(email, null_email, pa.nulls(len(null_email), pa.string()))

    titles = _take(tuple(t[0] for t in JOB_TITLES), leads.title)
    odd = np.sort(rng.choice(n, _dirt_count(rng, DIRT_RATES["odd_job_title"], n), replace=False))
    titles = _replace(titles, odd, _odd_titles(rng, pc.take(titles, pa.array(odd))))
    country_name = country_name[leads.country[country_name] >= 0]
    country = _country_strings(rng, leads.country, country_name, unknown, np.array([], np.int64))

    crm_id = 1_000 + leads.number * 13 + rng.integers(0, 13, n)
    account_id = _ids("A", acc.number[leads.account], 7)
    account_id = pc.if_else(pa.array(leads.account_known), account_id, pa.scalar(None, pa.string()))

    # Re-delivered rows: the same record twice, the later delivery with a later updated_at.
    again = np.sort(rng.choice(n, _dirt_count(rng, DIRT_RATES["redelivered_lead"], n), replace=False))
    first_updated = updated_s.copy()
    first_updated[again] = np.maximum(leads.created_s[again],
                                      updated_s[again] - rng.integers(HOUR, 30 * DAY, len(again)))
    rows = pa.array(np.concatenate([np.arange(n), again]))
    columns = {
        "lead_id": _ids("L", leads.number, 7),
        "crm_record_id": pc.cast(pa.array(crm_id), pa.string()),
        "account_id": account_id,
        "email": email,
        "first_name": _take(FIRST_NAMES, leads.first),
        "last_name": _take(LAST_NAMES, leads.last),
        "phone": _phones(rng, leads.country),
        "job_title": titles,
        "department": _take(DEPARTMENTS, np.array([t[2] for t in JOB_TITLES])[leads.title]),
        "lead_source": _take(LEAD_SOURCES, leads.source),
        "country": country,
        "owner_id": _ids("O", leads.owner + 1, 3),
        "created_at": _timestamps(leads.created_s),
    }
    columns = {k: pc.take(v, rows) for k, v in columns.items()}
    columns["updated_at"] = _timestamps(np.concatenate([first_updated, updated_s[again]]))
    return _table("leads", columns)


# ---------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------


@dataclass
class _EventParts:
    """Collects event columns from the simulation steps (local to one chunk)."""

    parts: dict[str, list[np.ndarray]] = field(default_factory=lambda: {k: [] for k in _Events.COLUMNS})

    def add(self, lead: np.ndarray, t: np.ndarray, etype: int, url: np.ndarray | int = -1,
            form: np.ndarray | int = -1, campaign: np.ndarray | int = -1, ua: np.ndarray | int = -1) -> None:
        n = len(lead)
        for key, value in (("lead", lead), ("t", t), ("etype", etype), ("url", url), ("form", form),
                           ("campaign", campaign), ("ua", ua)):
            self.parts[key].append(np.broadcast_to(np.asarray(value, dtype=np.int64), (n,)))

    def build(self, end_s: int) -> _Events:
        cols = {k: np.concatenate(v) if v else np.empty(0, np.int64) for k, v in self.parts.items()}
        keep = cols["t"] <= end_s  # anything simulated past the end has not happened yet
        order = np.lexsort((cols["etype"][keep], cols["t"][keep], cols["lead"][keep]))
        return _Events(**{k: v[keep][order] for k, v in cols.items()})


@dataclass(frozen=True)
class _Events:
    COLUMNS = ("lead", "t", "etype", "url", "form", "campaign", "ua")
    lead: np.ndarray
    t: np.ndarray
    etype: np.ndarray
    url: np.ndarray
    form: np.ndarray
    campaign: np.ndarray
    ua: np.ndarray


def _lead_ua(rng: np.random.Generator, lead_idx: np.ndarray, primary: np.ndarray) -> np.ndarray:
    """Mostly the lead's own desktop browser, sometimes a phone."""
    mobile = rng.random(len(lead_idx)) < 0.15
    return np.where(mobile, FIRST_MOBILE_UA + rng.integers(0, len(MOBILE_UAS), len(lead_idx)), primary[lead_idx])


def _next_webinar(camp: _Campaigns, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first webinar starting at least an hour after t: (campaign index or -1, start)."""
    starts = camp.webinar_s[camp.webinar_order]
    pos = np.searchsorted(starts, t + HOUR)
    ok = pos < len(starts)
    idx = np.where(ok, camp.webinar_order[np.minimum(pos, len(starts) - 1)], -1)
    return idx, np.where(ok, camp.webinar_s[np.maximum(idx, 0)], -1)


def _add_webinar(rng: np.random.Generator, ev: _EventParts, leads: _Leads, lead_idx: np.ndarray,
                 reg_t: np.ndarray, webinar: np.ndarray, webinar_s: np.ndarray, ua: np.ndarray) -> None:
    """Registration form, and attendance for some registrants (more for high propensity).

    Nobody registers for a webinar that has already taken place (late e-mail clicks).
    """
    ok = (webinar >= 0) & (reg_t < webinar_s)
    lead_idx, reg_t, webinar, webinar_s, ua = lead_idx[ok], reg_t[ok], webinar[ok], webinar_s[ok], ua[ok]
    ev.add(lead_idx, reg_t, FORM_SUBMIT, form=WEBINAR_REG, campaign=webinar, ua=ua)
    attend = rng.random(len(lead_idx)) < 0.3 + 0.45 * leads.propensity[lead_idx]
    ev.add(lead_idx[attend], webinar_s[attend] + rng.integers(0, 900, attend.sum()), WEBINAR, campaign=webinar[attend])


def _email_events(rng: np.random.Generator, ev: _EventParts, leads: _Leads, acc: _Accounts,
                  world: _World, primary_ua: np.ndarray) -> None:
    """Campaign sends, opens, clicks (with the page view they cause), unsubscribes, bounces, bots."""
    camp = world.campaigns
    n_camp = len(camp.send_s)
    first = np.searchsorted(camp.send_s, leads.created_s, side="right")
    eligible = n_camp - first
    lead = np.repeat(np.arange(len(leads.number)), eligible)
    c = np.repeat(first, eligible) + _segment_arange(eligible)
    sent = rng.random(len(c)) < camp.audience[c]
    lead, c = lead[sent], c[sent]
    n = len(c)
    send_t = camp.send_s[c] + rng.integers(0, 1_200, n)
    p, e = leads.propensity[lead], leads.engagement[lead]

    bad_mailbox = rng.random(len(leads.number)) < 0.015
    bounce = rng.random(n) < np.where(bad_mailbox[lead], 0.7, 0.0005)
    opened = ~bounce & (rng.random(n) < np.clip(0.08 + 0.12 * e + 0.1 * p, 0.02, 0.75))
    open_t = send_t + _lognormal_seconds(rng, 3 * HOUR, 1.3, n) + 60
    unsub = opened & (rng.random(n) < 0.012 * (1.0 - p))
    # Nothing is sent after an unsubscribe or a bounce: drop later sends of that lead.
    stop = (bounce | unsub).astype(np.int64)
    counts = np.bincount(lead, minlength=len(leads.number))
    csum = np.cumsum(stop) - stop
    starts = np.cumsum(counts) - counts
    has = counts > 0
    before = csum - np.repeat(csum[starts[has]], counts[has])
    keep = before == 0
    lead, c, send_t, open_t, p, e = lead[keep], c[keep], send_t[keep], open_t[keep], p[keep], e[keep]
    bounce, opened, unsub = bounce[keep], opened[keep], unsub[keep]
    n = len(c)

    ev.add(lead, send_t, EMAIL_SENT, campaign=c)
    ev.add(lead[bounce], send_t[bounce] + rng.integers(1, 30, bounce.sum()), EMAIL_BOUNCE, campaign=c[bounce])
    ua = primary_ua[lead]
    ev.add(lead[opened], open_t[opened], EMAIL_OPEN, campaign=c[opened], ua=ua[opened])
    reopen = opened & (rng.random(n) < 0.2)
    ev.add(lead[reopen], open_t[reopen] + _lognormal_seconds(rng, DAY, 1.0, reopen.sum()), EMAIL_OPEN,
           campaign=c[reopen], ua=ua[reopen])
    ev.add(lead[unsub], open_t[unsub] + rng.integers(20, 300, unsub.sum()), EMAIL_UNSUB,
           campaign=c[unsub], ua=ua[unsub])

    clicked = opened & ~unsub & (rng.random(n) < np.clip(0.10 + 0.45 * p + 0.03 * e, 0.02, 0.7))
    click_t = open_t + rng.integers(3, 180, n)
    url = camp.url[c]
    ev.add(lead[clicked], click_t[clicked], EMAIL_CLICK, url=url[clicked], campaign=c[clicked], ua=ua[clicked])
    ev.add(lead[clicked], click_t[clicked] + rng.integers(1, 6, clicked.sum()), PAGE_VIEW,
           url=url[clicked], ua=ua[clicked])

    webinar_click = np.flatnonzero(clicked & (camp.kind[c] == WEBINAR_KIND))
    reg = webinar_click[rng.random(len(webinar_click)) < 0.25 + 0.45 * p[webinar_click]]
    _add_webinar(rng, ev, leads, lead[reg], click_t[reg] + rng.integers(30, 240, len(reg)), c[reg],
                 camp.webinar_s[c[reg]], ua[reg])

    # Mail gateways that pre-fetch links: open and click within seconds of the send.
    bot = ~bounce & acc.scanner[leads.account[lead]] & (rng.random(n) < 0.09)
    bot_rows = np.flatnonzero(bot)
    style = rng.random(len(bot_rows))  # scanner UA and fast / fast only / scanner UA only
    scanner_ua = FIRST_SCANNER_UA + rng.integers(0, len(SCANNER_UAS), len(bot_rows))
    bot_ua = np.where((style < 0.7) | (style >= 0.9), scanner_ua, ua[bot_rows])
    delay = np.where(style >= 0.9, rng.integers(30, 600, len(bot_rows)), 0)
    bot_open = send_t[bot_rows] + 1 + rng.integers(0, 2, len(bot_rows)) + delay
    bot_click = bot_open + rng.integers(0, 4, len(bot_rows))
    ev.add(lead[bot_rows], bot_open, EMAIL_OPEN, campaign=c[bot_rows], ua=bot_ua)
    ev.add(lead[bot_rows], bot_click, EMAIL_CLICK, url=url[bot_rows], campaign=c[bot_rows], ua=bot_ua)


def _add_sessions(rng: np.random.Generator, ev: _EventParts, leads: _Leads, lead: np.ndarray,
                  session_t: np.ndarray, kind: np.ndarray, pages: np.ndarray, primary_ua: np.ndarray) -> np.ndarray:
    """Page views of web sessions; returns each session's last page-view time."""
    view_session = np.repeat(np.arange(len(lead)), pages)
    gaps = rng.integers(15, 240, len(view_session))
    gaps[np.r_[0, np.cumsum(pages)[:-1]] if len(pages) else []] = 0
    offset = np.cumsum(gaps)
    offset -= np.repeat(offset[np.cumsum(pages) - pages], pages)
    category = _pick_per_row(rng, PAGE_MIX, kind[view_session])
    url = CATEGORY_FIRST_URL[category] + (rng.random(len(category)) * CATEGORY_URL_COUNT[category]).astype(np.int64)
    ua = _lead_ua(rng, lead, primary_ua)
    ev.add(lead[view_session], session_t[view_session] + offset, PAGE_VIEW, url=url, ua=ua[view_session])
    return session_t + np.add.reduceat(gaps, np.cumsum(pages) - pages) if len(pages) else session_t


def _add_forms(rng: np.random.Generator, ev: _EventParts, leads: _Leads, lead: np.ndarray, t: np.ndarray,
               probs: np.ndarray, world: _World, primary_ua: np.ndarray) -> None:
    """For each (lead, time) maybe submit forms; probs[:, f] is the chance of form f."""
    ua = primary_ua[lead]
    for f in range(len(FORMS)):
        hit = np.flatnonzero(rng.random(len(lead)) < probs[:, f])
        form_t = t[hit] + rng.integers(20, 120, len(hit)) + f
        if f == WEBINAR_REG:
            webinar, start = _next_webinar(world.campaigns, form_t)
            _add_webinar(rng, ev, leads, lead[hit], form_t, webinar, start, ua[hit])
        else:
            ev.add(lead[hit], form_t, FORM_SUBMIT, form=f, ua=ua[hit])


def _web_events(rng: np.random.Generator, ev: _EventParts, leads: _Leads, world: _World,
                primary_ua: np.ndarray) -> None:
    """Everyday browsing, the lead's first conversion and intent bursts."""
    cal = world.cal
    n = len(leads.number)
    p, e = leads.propensity, leads.engagement
    months = (cal.end_s - leads.created_s) / (30.4 * DAY)

    # The first conversion of inbound leads: landing page view, then a form, at creation.
    inbound = np.flatnonzero(np.isin(leads.source, INBOUND_SOURCES) & (leads.duplicate_of < 0))
    landing = np.where(leads.source[inbound] == LEAD_SOURCES.index("content"), PAGE_CATEGORIES.index("blog"),
                       _pick(rng, [3, 5, 2, 1, 0, 1, 2, 1], len(inbound)))
    land_url = CATEGORY_FIRST_URL[landing] + (rng.random(len(inbound)) * CATEGORY_URL_COUNT[landing]).astype(np.int64)
    ev.add(inbound, leads.created_s[inbound], PAGE_VIEW, url=land_url, ua=primary_ua[inbound])
    pi = p[inbound]
    content = leads.source[inbound] == LEAD_SOURCES.index("content")
    demo = np.clip(0.02 + 0.3 * pi, 0, 0.5) * ~content
    contact = 0.04 + 0.1 * pi
    white = np.where(content, 0.85, 0.3)
    form = np.select([rng.random(len(inbound)) < demo, rng.random(len(inbound)) < contact,
                      rng.random(len(inbound)) < white], [DEMO, CONTACT, WHITE_PAPER], NEWSLETTER)
    ev.add(inbound, leads.created_s[inbound] + rng.integers(30, 150, len(inbound)), FORM_SUBMIT, form=form,
           ua=primary_ua[inbound])

    # Everyday browsing: sessions spread over the lead's life.
    sessions = rng.poisson(0.75 * e * months)
    lead = np.repeat(np.arange(n), sessions)
    t = _business_times(rng, leads.created_s[lead], np.full(len(lead), cal.end_s))
    kind = np.where(rng.random(len(lead)) < p[lead] * 1.5, BROWSE_HIGH, BROWSE_LOW)
    kind = np.where(leads.student[lead], STUDYING, kind)
    kind = np.where(leads.job_seeker[lead], JOB_SEEKING, kind)
    pages = rng.geometric(0.5, len(lead))
    end_t = _add_sessions(rng, ev, leads, lead, t, kind, pages, primary_ua)
    pl = p[lead]
    probs = np.column_stack([0.0008 + 0.012 * pl, 0.001 + 0.01 * pl, 0.006 + 0.01 * pl, 0.003 + 0.005 * pl,
                             np.full(len(lead), 0.012)])
    _add_forms(rng, ev, leads, lead, end_t, probs, world, primary_ua)

    # Intent bursts: a week or so of evaluation, mostly by high-propensity leads.
    bursts = rng.poisson(0.04 + 2.4 * p ** 1.3 * np.minimum(1.0, months / 3))
    b_lead = np.repeat(np.arange(n), bursts)
    b_start = _business_times(rng, leads.created_s[b_lead], np.full(len(b_lead), cal.end_s))
    b_len = rng.integers(2 * DAY, 10 * DAY, len(b_lead))
    per_burst = 2 + rng.poisson(2.5, len(b_lead))
    s_burst = np.repeat(np.arange(len(b_lead)), per_burst)
    s_lead = b_lead[s_burst]
    s_t = _business_times(rng, b_start[s_burst], b_start[s_burst] + b_len[s_burst])
    pages = 2 + rng.geometric(0.4, len(s_lead))
    s_end = _add_sessions(rng, ev, leads, s_lead, s_t, np.full(len(s_lead), BURST), pages, primary_ua)
    last_session = np.zeros(len(b_lead), dtype=np.int64)
    np.maximum.at(last_session, s_burst, s_end)
    pb = p[b_lead]
    probs = np.column_stack([0.12 + 0.6 * pb, 0.05 + 0.15 * pb, np.full(len(b_lead), 0.35),
                             0.15 + 0.2 * pb, np.full(len(b_lead), 0.05)])
    _add_forms(rng, ev, leads, b_lead, last_session, probs, world, primary_ua)


def _events(rng: np.random.Generator, leads: _Leads, acc: _Accounts, world: _World) -> _Events:
    ev = _EventParts()
    primary_ua = rng.integers(0, len(BROWSER_UAS), len(leads.number))
    _email_events(rng, ev, leads, acc, world, primary_ua)
    _web_events(rng, ev, leads, world, primary_ua)
    return ev.build(world.cal.end_s)


def _events_table(rng: np.random.Generator, events: _Events, leads: _Leads, world: _World,
                  first_id: int) -> tuple[pa.Table, int]:
    """The events table with its dirt; returns it and how many event ids it used."""
    n = len(events.t)
    t = events.t.copy()
    etype = events.etype.copy()
    lead_number = leads.number[events.lead]
    event_number = first_id + 1 + np.arange(n)

    future, odd = _disjoint_picks(rng, np.arange(n), [_dirt_count(rng, DIRT_RATES["future_event"], n),
                                                      _dirt_count(rng, DIRT_RATES["odd_event_type"], n)])
    t[future] = world.cal.end_s + rng.integers(DAY, 120 * DAY, len(future))
    variants = np.array([v for v, _ in DIRTY_EVENT_TYPES])
    for parity in (0, 1):  # misspellings at even, case/whitespace variants at odd positions
        rows = odd[np.arange(len(odd)) % 2 == parity]
        choices = np.flatnonzero(np.arange(len(variants)) % 2 == parity)
        match = np.array([choices[variants[choices] == ty][0] for ty in range(len(EVENT_TYPES))])
        etype[rows] = len(EVENT_TYPES) + match[etype[rows]]

    again = rng.choice(n, _dirt_count(rng, DIRT_RATES["duplicate_event"], n), replace=n == 0)
    orphan = rng.choice(n, _dirt_count(rng, DIRT_RATES["orphan_event"], n), replace=n == 0)
    rows = np.concatenate([np.arange(n), np.sort(again), np.sort(orphan)])
    orphan_number = first_id + n + 1 + np.arange(len(orphan))
    event_number = np.concatenate([event_number, event_number[np.sort(again)], orphan_number])
    lead_number = np.concatenate([lead_number[rows[:n + len(again)]],
                                  world.n_leads + 1 + rng.integers(0, max(world.n_leads, 1_000), len(orphan))])
    table = _table("events", {
        "event_id": _ids("E", event_number, 10),
        "lead_id": _ids("L", lead_number, 7),
        "event_type": _take(EVENT_TYPE_VOCAB, etype[rows]),
        "occurred_at": _timestamps(t[rows]),
        "url": _take(URLS, events.url[rows]),
        "form_name": _take(FORMS, events.form[rows]),
        "campaign_id": _take(world.campaigns.ids, events.campaign[rows]),
        "user_agent": _take(USER_AGENTS, events.ua[rows]),
    })
    return table, n + len(orphan)


# ---------------------------------------------------------------------------------------
# CRM lifecycle: legacy MQL, sales follow-up, opportunities
# ---------------------------------------------------------------------------------------


def _legacy_mql_times(rng: np.random.Generator, events: _Events, leads: _Leads, end_s: int) -> np.ndarray:
    """When the legacy points process marks each lead `mql` (-1 if never).

    Points accumulate without decay; e-mail clicks count whether a person or a mail
    scanner made them. The CRM sync runs a few minutes to hours after the crossing.
    """
    points = EVENT_POINTS[events.etype]
    views = events.etype == PAGE_VIEW
    points[views] = CATEGORY_POINTS[URL_CATEGORY[events.url[views]]]
    forms = events.etype == FORM_SUBMIT
    points[forms] = FORM_POINTS[events.form[forms]]
    n = len(leads.number)
    counts = np.bincount(events.lead, minlength=n)
    total = np.cumsum(points)
    starts = np.cumsum(counts) - counts
    has = counts > 0
    running = total - np.repeat(total[starts[has]] - points[starts[has]], counts[has])
    crossed = np.flatnonzero(running >= LEGACY_MQL_THRESHOLD)
    lead_of, first = np.unique(events.lead[crossed], return_index=True)
    mql = np.full(n, -1, dtype=np.int64)
    mql[lead_of] = events.t[crossed[first]] + rng.integers(5 * 60, 4 * HOUR, len(lead_of))
    mql[(mql > end_s) | (leads.duplicate_of >= 0)] = -1
    return mql


@dataclass
class _Rows:
    """Column lists for one CRM table, appended to by the lifecycle steps (local to a chunk)."""

    cols: dict[str, list[np.ndarray]]

    @classmethod
    def of(cls, *names: str) -> _Rows:
        return cls({k: [] for k in names})

    def add(self, **values: np.ndarray | int) -> None:
        n = max(len(v) for v in values.values() if isinstance(v, np.ndarray))
        for k, v in values.items():
            self.cols[k].append(np.broadcast_to(np.asarray(v, dtype=np.int64), (n,)))

    def build(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) if v else np.empty(0, np.int64) for k, v in self.cols.items()}


@dataclass(frozen=True)
class _Lifecycle:
    status: dict[str, np.ndarray]  # lead, t, status, reason, owner
    opportunity: dict[str, np.ndarray]  # lead, t, stage, amount, closed
    activity: dict[str, np.ndarray]  # lead, owner, kind, t
    last_change_s: np.ndarray  # per lead, -1 if none


def _rejection_reasons(rng: np.random.Generator, leads: _Leads, idx: np.ndarray, employees: np.ndarray) -> np.ndarray:
    n = len(idx)
    weights = np.column_stack([
        np.where(employees < 50, 3.0, 1.0),  # no_budget
        np.where(leads.seniority[idx] >= 5, 3.0, 0.5),  # no_authority
        np.full(n, 2.0), np.full(n, 1.5), np.zeros(n), np.zeros(n), np.full(n, 1.5),
    ])
    cdf = np.cumsum(weights, axis=1)
    reason = (rng.random(n)[:, None] * cdf[:, -1:] >= cdf).sum(axis=1)
    reason = np.where(leads.student[idx], R_STUDENT, reason)
    return np.where(leads.competitor[idx], R_COMPETITOR, reason)


def _lifecycle(rng: np.random.Generator, leads: _Leads, acc: _Accounts, mql_s: np.ndarray, world: _World) -> _Lifecycle:
    """Statuses, opportunities and sales touches after the legacy MQL; propensity decides outcomes."""
    end = world.cal.end_s
    status = _Rows.of("lead", "t", "status", "reason", "owner")
    opps = _Rows.of("lead", "t", "stage", "amount", "closed")
    acts = _Rows.of("lead", "owner", "kind", "t")

    idx = np.flatnonzero(mql_s >= 0)
    m = len(idx)
    p, owner = leads.propensity[idx], leads.owner[idx]
    employees = acc.employees[leads.account[idx]]
    t_mql = mql_s[idx]
    status.add(lead=idx, t=t_mql, status=MQL, reason=-1, owner=-1)  # set by the system

    slow = rng.random(m) < 0.08  # SLA misses
    response = (world.owners.speed[owner] * _lognormal_seconds(rng, 2 * HOUR, 1.0, m)).astype(np.int64)
    first_touch = t_mql + 300 + response + slow * rng.integers(DAY, 6 * DAY, m)
    decide = first_touch + 600 + _lognormal_seconds(rng, 8 * HOUR, 1.0, m)
    touched = first_touch <= end
    acts.add(lead=idx[touched], owner=owner[touched], kind=_pick(rng, [0.5, 0.45, 0.05], touched.sum()),
             t=first_touch[touched])

    p_accept = np.clip(0.15 + 1.3 * p + 0.08 * leads.fit[idx], 0.05, 0.95)
    p_accept = np.where(leads.student[idx], 0.03, np.where(leads.competitor[idx], 0.0, p_accept))
    decided = decide <= end
    accepted = decided & (rng.random(m) < p_accept)
    rejected = decided & ~accepted
    disqualify = rejected & (leads.student[idx] | leads.competitor[idx]) & (rng.random(m) < 0.4)
    reason = _rejection_reasons(rng, leads, idx, employees)
    status.add(lead=idx[accepted], t=decide[accepted], status=ACCEPTED, reason=-1, owner=owner[accepted])
    status.add(lead=idx[rejected], t=decide[rejected], status=np.where(disqualify, DISQUALIFIED, REJECTED)[rejected],
               reason=reason[rejected], owner=owner[rejected])
    recycle_rej = rejected & np.isin(reason, (NO_NEED, BAD_TIMING)) & (rng.random(m) < 0.3)
    t_rec_rej = decide + rng.integers(28 * DAY, 84 * DAY, m)
    recycle_rej &= t_rec_rej <= end
    status.add(lead=idx[recycle_rej], t=t_rec_rej[recycle_rej], status=RECYCLED, reason=-1, owner=owner[recycle_rej])

    t_sql = decide + 1_800 + _lognormal_seconds(rng, 3 * DAY, 0.8, m)
    sql = accepted & (rng.random(m) < 0.3 + 0.6 * p) & (t_sql <= end)
    status.add(lead=idx[sql], t=t_sql[sql], status=SQL, reason=-1, owner=owner[sql])
    t_opp = t_sql + rng.integers(HOUR, 12 * DAY, m)
    opp = sql & (rng.random(m) < 0.55 + 0.35 * p) & (t_opp <= end)
    status.add(lead=idx[opp], t=t_opp[opp], status=OPPORTUNITY, reason=-1, owner=owner[opp])
    t_close = t_opp + DAY + _lognormal_seconds(rng, 40 * DAY, 0.5, m)
    closed = opp & (t_close <= end)
    won = closed & (rng.random(m) < 0.12 + 0.75 * p)
    lost = closed & ~won
    status.add(lead=idx[won], t=t_close[won], status=CUSTOMER, reason=-1, owner=owner[won])
    status.add(lead=idx[lost], t=t_close[lost], status=CLOSED_LOST, owner=owner[lost],
               reason=np.array([LOST_COMP, PRICE, BAD_TIMING])[_pick(rng, [0.35, 0.35, 0.3], m)][lost])
    t_rec = t_close + rng.integers(21 * DAY, 60 * DAY, m)
    recycled = lost & (rng.random(m) < 0.6) & (t_rec <= end)
    status.add(lead=idx[recycled], t=t_rec[recycled], status=RECYCLED, reason=-1, owner=owner[recycled])

    amount = np.maximum(1_000, np.round(6_000 * (employees / 50) ** 0.5 * rng.lognormal(0, 0.35, m), -2))
    opps.add(lead=idx[opp], t=t_opp[opp], stage=np.where(won, 1, np.where(lost, 2, 0))[opp],
             amount=amount[opp].astype(np.int64), closed=np.where(closed, t_close, -1)[opp])

    # Follow-up touches until the lead is decided, lost or won (or the history ends).
    follow_end = np.minimum(end, np.where(opp, np.where(closed, t_close, end), decide + 30 * DAY))
    n_follow = rng.poisson(np.where(rejected, np.where(reason == UNREACHABLE, 3.0, 0.7), 0.0)
                           + 2.5 * accepted + 3.0 * sql + 3.0 * opp) * touched
    f = np.repeat(np.arange(m), n_follow)
    f_t = first_touch[f] + (rng.random(len(f)) * np.maximum(0, follow_end[f] - first_touch[f])).astype(np.int64)
    f_kind = np.where(sql[f] & (rng.random(len(f)) < 0.4), ACTIVITY_TYPES.index("meeting"), _pick(rng, [0.5, 0.5], len(f)))
    acts.add(lead=idx[f], owner=owner[f], kind=f_kind, t=f_t)

    _outbound_and_cleanup(rng, leads, mql_s, world, status, acts)
    s = status.build()
    last = np.full(len(leads.number), -1, dtype=np.int64)
    np.maximum.at(last, s["lead"], s["t"])
    return _Lifecycle(s, opps.build(), acts.build(), last)


def _outbound_and_cleanup(rng: np.random.Generator, leads: _Leads, mql_s: np.ndarray, world: _World,
                          status: _Rows, acts: _Rows) -> None:
    """Outbound sequences without an MQL, and ops disqualifying competitors/students."""
    end = world.cal.end_s
    out = np.flatnonzero((leads.source == LEAD_SOURCES.index("outbound")) & (leads.duplicate_of < 0))
    touches = rng.integers(1, 5, len(out))
    o = np.repeat(out, touches)
    o_t = leads.created_s[o] + rng.integers(HOUR, 20 * DAY, len(o))
    ok = o_t <= end
    acts.add(lead=o[ok], owner=leads.owner[o[ok]], kind=_pick(rng, [0.45, 0.55], ok.sum()), t=o_t[ok])

    cleanup = (mql_s < 0) & (leads.duplicate_of < 0) & (
        (leads.competitor & (rng.random(len(mql_s)) < 0.5)) | (leads.student & (rng.random(len(mql_s)) < 0.05)))
    c = np.flatnonzero(cleanup)
    c_t = leads.created_s[c] + rng.integers(DAY, 30 * DAY, len(c))
    ok = c_t <= end
    status.add(lead=c[ok], t=c_t[ok], status=DISQUALIFIED, owner=leads.owner[c[ok]],
               reason=np.where(leads.competitor[c[ok]], R_COMPETITOR, R_STUDENT))


def _crm_tables(life: _Lifecycle, leads: _Leads, acc: _Accounts, owner_ids: pa.Array,
                offsets: _Offsets) -> dict[str, pa.Table]:
    s, o, a = life.status, life.opportunity, life.activity
    s_order = np.lexsort((s["status"], s["t"], s["lead"]))
    s = {k: v[s_order] for k, v in s.items()}
    a_order = np.lexsort((a["t"], a["lead"]))
    a = {k: v[a_order] for k, v in a.items()}
    return {
        "lead_status_changes": _table("lead_status_changes", {
            "status_change_id": _ids("S", offsets.status + 1 + np.arange(len(s["t"])), 9),
            "lead_id": _ids("L", leads.number[s["lead"]], 7),
            "changed_at": _timestamps(s["t"]),
            "new_status": _take(LEAD_STATUSES, s["status"]),
            "reason": _take(REASONS, s["reason"]),
            "owner_id": _take(owner_ids, s["owner"]),  # null: set by the legacy process
        }),
        "opportunities": _table("opportunities", {
            "opportunity_id": _ids("OPP", offsets.opportunity + 1 + np.arange(len(o["t"])), 7),
            "lead_id": _ids("L", leads.number[o["lead"]], 7),
            "account_id": _ids("A", acc.number[leads.account[o["lead"]]], 7),
            "created_at": _timestamps(o["t"]),
            "stage": _take(OPPORTUNITY_STAGES, o["stage"]),
            "amount": pa.array(o["amount"].astype(np.float64)),
            "closed_at": _timestamps(np.maximum(o["closed"], 0), null=o["closed"] < 0),
        }),
        "sales_activities": _table("sales_activities", {
            "sales_activity_id": _ids("SA", offsets.activity + 1 + np.arange(len(a["t"])), 9),
            "lead_id": _ids("L", leads.number[a["lead"]], 7),
            "owner_id": _take(owner_ids, a["owner"]),
            "activity_type": _take(ACTIVITY_TYPES, a["kind"]),
            "occurred_at": _timestamps(a["t"]),
        }),
    }


# ---------------------------------------------------------------------------------------
# One chunk, and the public API
# ---------------------------------------------------------------------------------------


def _chunk(rng: np.random.Generator, n: int, offsets: _Offsets, world: _World) -> tuple[dict[str, pa.Table], _Offsets]:
    """All tables for `n` leads (and their accounts) starting at `offsets`."""
    n_acc = max(1, round(n / LEADS_PER_ACCOUNT))
    acc = _accounts(rng, n_acc, offsets.account, world.cal)
    leads = _leads(rng, n, offsets.lead, acc, world)
    events = _events(rng, leads, acc, world)
    mql = _legacy_mql_times(rng, events, leads, world.cal.end_s)
    life = _lifecycle(rng, leads, acc, mql, world)
    touched = leads.created_s + (rng.random(n) * (world.cal.end_s - leads.created_s)).astype(np.int64)
    updated = np.maximum.reduce([touched, life.last_change_s, leads.created_s])
    events_table, n_event_ids = _events_table(rng, events, leads, world, offsets.event)
    tables = {
        "accounts": _accounts_table(rng, acc),
        "leads": _leads_table(rng, leads, acc, updated),
        "events": events_table,
        **_crm_tables(life, leads, acc, world.owners.ids, offsets),
    }
    new = _Offsets(
        lead=offsets.lead + n, account=offsets.account + n_acc, event=offsets.event + n_event_ids,
        status=offsets.status + tables["lead_status_changes"].num_rows,
        opportunity=offsets.opportunity + tables["opportunities"].num_rows,
        activity=offsets.activity + tables["sales_activities"].num_rows,
    )
    return tables, new


def _progress(enabled: bool, total: int):
    if not enabled:
        return contextlib.nullcontext(None)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(TextColumn("generating leads"), BarColumn(), MofNCompleteColumn(), TextColumn("chunks"),
                    TimeElapsedColumn())


def iter_raw_chunks(n_leads: int, seed: int, end_date: dt.date, chunk_leads: int = DEFAULT_CHUNK_LEADS,
                    progress: bool = False) -> Iterator[tuple[str, pa.Table]]:
    """Yield (table name, chunk) pairs for all seven raw tables, `chunk_leads` leads at a time.

    `owners` comes once, first; every other table gets one chunk (possibly empty) per
    chunk of leads. Keys are unique across chunks. Deterministic in all arguments.
    """
    if n_leads < 1:
        raise ValueError("n_leads must be at least 1")
    if chunk_leads < 1:
        raise ValueError("chunk_leads must be at least 1")
    if isinstance(end_date, dt.datetime):
        end_date = end_date.date()
    n_chunks = math.ceil(n_leads / chunk_leads)
    seeds = np.random.SeedSequence(seed).spawn(n_chunks + 1)
    world = _world(np.random.default_rng(seeds[0]), n_leads, end_date)
    yield "owners", world.owners.table
    offsets = _Offsets()
    with _progress(progress, n_chunks) as bar:
        task = bar.add_task("chunks", total=n_chunks) if bar is not None else None
        for i in range(n_chunks):
            n = min(chunk_leads, n_leads - offsets.lead)
            tables, offsets = _chunk(np.random.default_rng(seeds[i + 1]), n, offsets, world)
            yield from tables.items()
            if bar is not None:
                bar.advance(task)


def generate_raw_tables(n_leads: int, seed: int, end_date: dt.date, progress: bool = False) -> dict[str, pa.Table]:
    """All seven raw tables in memory (the chunks concatenated), keyed by contract table name."""
    chunks: dict[str, list[pa.Table]] = {name: [] for name in TABLES}
    for name, chunk in iter_raw_chunks(n_leads, seed, end_date, progress=progress):
        chunks[name].append(chunk)
    return {name: pa.concat_tables(parts) for name, parts in chunks.items()}
