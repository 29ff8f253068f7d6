"""Build the course tables from a checked profile, with NumPy and pandas only.

Each ``make_*`` function takes the profile, its own random generator and
the tables it depends on, and returns a DataFrame. Work is done on whole
columns at once with plain NumPy and pandas calls; the Python loops run over
things in the profile (nationalities, languages, activities, terms,
sessions). The same profile and seed always make the same files, and all
the shipped data take a second or two (see ``benchmarks/bench_generate.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

DAY = np.timedelta64(1, "D")
YEAR_DAYS = 365.2425


# -- small helpers -----------------------------------------------------------


def d64(value: dt.date) -> np.datetime64:
    """A profile date as a NumPy day."""
    return np.datetime64(value.isoformat(), "D")


def probs(weights: Any) -> np.ndarray:
    array = np.asarray(list(weights), dtype=float)
    return array / array.sum()


def choose(rng: np.random.Generator, n: int, weights: Any) -> np.ndarray:
    """Codes 0..k-1 drawn with the given relative weights.

    The same codes as ``rng.choice(k, size=n, p=probs(weights))``: a uniform
    number per row, looked up in the cumulative weights.
    """
    cdf = probs(weights).cumsum()
    cdf /= cdf[-1]
    return np.searchsorted(cdf, rng.random(n), side="right")


def choose_given(rng: np.random.Generator, groups: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """For each row, a code drawn from the row of ``matrix`` picked by ``groups``."""
    cum = np.cumsum(matrix / matrix.sum(axis=1, keepdims=True), axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(groups))
    # How many of the row's cumulative weights are at most u: the same as
    # np.searchsorted(cum[group], u, side="right") for each row.
    picked = (cum[groups] <= u[:, None]).sum(axis=1)
    return np.minimum(picked, matrix.shape[1] - 1)


def weight_matrix(items: list[dict], key: str, labels: list[str]) -> np.ndarray:
    """Rows: items; columns: labels; cells: item[key].get(label, 0)."""
    return np.array([[float(item[key].get(label, 0)) for label in labels] for item in items])


def labels_of(items: list[dict]) -> list[str]:
    return [item["label"] for item in items]


def ids(prefix: str, digits: int, n: int) -> np.ndarray:
    """prefix + zero-padded 1..n, for example C00001."""
    width = max(digits, len(str(n)))
    return np.array([f"{prefix}{number:0{width}d}" for number in range(1, n + 1)], dtype=object)


def text_column(values: np.ndarray, present: np.ndarray) -> pd.Series:
    """A text column; rows where ``present`` is False are missing.

    ``values`` holds either a value for every row or only for the present rows.
    """
    cells = np.full(len(present), np.nan, dtype=object)
    values = np.asarray(values, dtype=object)  # plain Python strings
    cells[present] = values[present] if len(values) == len(present) else values
    return pd.Series(cells, dtype=object)


def categorical(codes: np.ndarray, categories: list[str], ordered: bool = False) -> pd.Categorical:
    """A categorical column from codes (-1 for missing)."""
    return pd.Categorical.from_codes(codes, categories=categories, ordered=ordered)


def month_of(days: np.ndarray) -> np.ndarray:
    """Month number 1-12 of datetime64[D] values."""
    return days.astype("datetime64[M]").astype(np.int64) % 12 + 1


def year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[Y]").astype(np.int64) + 1970


def weekday_of(days: np.ndarray) -> np.ndarray:
    """0 for Monday to 6 for Sunday (1 January 1970 was a Thursday)."""
    return (days.astype("datetime64[D]").astype(np.int64) + 3) % 7


def age_at(dob: np.ndarray, when: np.datetime64) -> np.ndarray:
    """Whole years between date of birth and a date, as people count birthdays."""
    dob = np.asarray(dob, dtype="datetime64[D]")
    when = np.asarray(when, dtype="datetime64[D]")  # one date, or one per person
    dm, dd = month_of(dob), (dob - dob.astype("datetime64[M]")).astype(np.int64)
    wm, wd = month_of(when), (when - when.astype("datetime64[M]")).astype(np.int64)
    before_birthday = (dm > wm) | ((dm == wm) & (dd > wd))
    return year_of(when) - year_of(dob) - before_birthday.astype(np.int64)


class DaySampler:
    """Draw days in the data period with seasonal weights, between bounds."""

    def __init__(
        self,
        start: np.datetime64,
        end: np.datetime64,
        by_month: list,
        by_year: dict,
        by_weekday: list | None = None,
    ) -> None:
        self.start = start
        self.days = np.arange(start, end + DAY, DAY)
        months = month_of(self.days)
        years = year_of(self.days)
        year_weight = {int(y): float(w) for y, w in by_year.items()}
        weights = np.asarray(by_month, dtype=float)[months - 1]
        weights = (
            weights * np.array([year_weight.get(int(y), 1.0) for y in np.unique(years)])[years - years.min()]
        )
        if by_weekday is not None:
            weights = weights * np.asarray(by_weekday, dtype=float)[weekday_of(self.days)]
        self.cum = np.concatenate([[0.0], np.cumsum(weights)])

    def index(self, dates: np.ndarray) -> np.ndarray:
        return np.clip((dates - self.start).astype(np.int64), 0, len(self.days) - 1)

    def between(self, rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """One day per row, from low to high inclusive (datetime64[D]; ``high`` may be one day for all)."""
        lo, hi = self.index(low), self.index(high)
        hi = np.maximum(hi, lo)
        base = self.cum[lo]
        u = rng.random(len(lo))  # then u = base + u * (cum[hi + 1] - base), worked in place
        u *= self.cum[hi + 1] - base
        u += base
        picked = np.searchsorted(self.cum, u, side="right") - 1
        return self.days[np.clip(picked, lo, hi, out=picked)]


# -- clients -------------------------------------------------------------------


def language_list(profile: dict) -> list[str]:
    """Every language the profile names, English first."""
    seen = ["English"]
    for nat in profile["nationalities"]:
        for lang in list(nat["main_languages"]) + list(nat["other_languages"]):
            if lang not in seen:
                seen.append(lang)
    return seen


def name_tables(profile: dict) -> dict[str, Any]:
    """Concatenated name pools with offsets, for drawing names by code."""
    pools = profile["name_pools"]
    order = list(pools)
    first, family = [], []
    f_off, f_len, m_off, m_len, s_off, s_len = [], [], [], [], [], []
    for name in order:
        pool = pools[name]
        f_off.append(len(first))
        f_len.append(len(pool["female"]))
        first.extend(pool["female"])
        m_off.append(len(first))
        m_len.append(len(pool["male"]))
        first.extend(pool["male"])
        s_off.append(len(family))
        s_len.append(len(pool["family"]))
        family.extend(pool["family"])
    first_cats, first_codes = np.unique(np.array(first), return_inverse=True)
    family_cats, family_codes = np.unique(np.array(family), return_inverse=True)
    return {
        "order": order,
        "first_cats": first_cats,
        "first_codes": first_codes,
        "family_cats": family_cats,
        "family_codes": family_codes,
        "f_off": np.array(f_off),
        "f_len": np.array(f_len),
        "m_off": np.array(m_off),
        "m_len": np.array(m_len),
        "s_off": np.array(s_off),
        "s_len": np.array(s_len),
    }


def phone_categories(profile: dict) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every possible safe phone number, with the first code and size of each range."""
    cats, starts, sizes = [], [], []
    for rng_ in profile["identifiers"]["phone_ranges"]:
        size = 10 ** rng_["digits"]
        starts.append(len(cats))
        sizes.append(size)
        tails = np.strings.zfill(np.arange(size).astype("U"), rng_["digits"])
        cats.extend(np.strings.add(rng_["prefix"], tails).tolist())
    return cats, np.array(starts), np.array(sizes)


def nhs_check_digit(first_nine: np.ndarray) -> np.ndarray:
    """The NHS modulus-11 check digit for rows of nine digits; 10 means no valid digit."""
    total = (first_nine * np.arange(10, 1, -1)).sum(axis=1)
    check = 11 - total % 11
    return np.where(check == 11, 0, check)


def make_nhs_numbers(rng: np.random.Generator, n: int, prefix: str) -> np.ndarray:
    """Ten-digit numbers starting with ``prefix`` whose check digit is always wrong."""
    lead = np.array([int(c) for c in prefix], dtype=np.int64)
    body = rng.integers(0, 10, size=(n, 9 - len(lead)))
    first_nine = np.hstack([np.tile(lead, (n, 1)), body])
    valid = nhs_check_digit(first_nine)
    # Any digit is wrong when no valid digit exists (10); otherwise shift away from it.
    wrong = np.where(valid == 10, rng.integers(0, 10, size=n), (valid + rng.integers(1, 10, size=n)) % 10)
    number = first_nine @ 10 ** np.arange(9, 0, -1) + wrong
    return np.strings.zfill(number.astype(str), 10)


def make_ni_numbers(rng: np.random.Generator, n: int, prefix: str) -> np.ndarray:
    """prefix + six digits + A-D, for example QQ123456C."""
    digits = np.strings.zfill(rng.integers(0, 1_000_000, size=n).astype(str), 6)
    letter = np.array(list("ABCD"))[rng.integers(0, 4, size=n)]
    return np.strings.add(np.strings.add(prefix, digits), letter)


def make_clients(profile: dict, rng: np.random.Generator, n: int) -> pd.DataFrame:
    """One row per registered person."""
    period = profile["period"]
    start, end, ref = d64(period["start"]), d64(period["end"]), d64(period["age_reference_date"])
    nats, statuses = profile["nationalities"], profile["statuses"]
    genders = labels_of(profile["genders"])

    nat = choose(rng, n, [x["weight"] for x in nats])
    status = choose_given(rng, nat, weight_matrix(nats, "statuses", labels_of(statuses)))

    # Gender: the mix of the person's status where the profile gives one
    # (a status may have its own mix, e.g. mostly men), else of their nationality.
    gender = choose_given(rng, nat, weight_matrix(nats, "genders", genders))
    status_genders = np.array([s.get("genders") is not None for s in statuses])
    if status_genders.any():
        by_status = weight_matrix(
            [{"genders": s.get("genders") or {"_": 1}} for s in statuses], "genders", genders
        )
        by_status[~status_genders] = 1  # not used: these statuses keep the nationality's mix
        gender = np.where(status_genders[status], choose_given(rng, status, by_status), gender)

    # Age band: the mix of the person's status where the profile gives one.
    bands = profile["age_bands"]
    band_weights = np.array(
        [s.get("age_band_weights") or [b["weight"] for b in bands] for s in statuses], float
    )
    band = choose_given(rng, status, band_weights)
    low = np.array([b["min"] for b in bands])[band]
    high = np.array([b["max"] for b in bands])[band]
    age_target = low + np.floor(rng.random(n) * (high - low + 1)).astype(np.int64)
    dob = ref - np.floor(age_target * YEAR_DAYS + rng.random(n) * 364).astype(np.int64) * DAY
    # Nobody registers before their 16th birthday.
    sixteen = dob + np.ceil(16 * YEAR_DAYS).astype(np.int64) * DAY
    season = profile["seasonality"]
    sampler = DaySampler(
        start, end, season["registrations_by_month"], season["by_year"], season.get("open_by_weekday")
    )
    registered = sampler.between(rng, np.maximum(sixteen, start), end)

    # Client numbers follow the order people registered in.
    order = np.argsort(registered, kind="stable")
    nat, status, gender, dob, registered = (
        nat[order],
        status[order],
        gender[order],
        dob[order],
        registered[order],
    )
    age = age_at(dob, ref)

    # Languages: a main language, then any others.
    langs = language_list(profile)
    main_matrix = np.array([[float(x["main_languages"].get(lang, 0)) for lang in langs] for x in nats])
    main = choose_given(rng, nat, main_matrix)
    other_matrix = np.array([[float(x["other_languages"].get(lang, 0)) for lang in langs] for x in nats])
    other_matrix[:, 0] = profile["english_as_other_language"]
    columns = np.flatnonzero(other_matrix.max(axis=0) > 0)  # languages anyone speaks as another
    # One chance per person and language (a chance of 0 is never met);
    # nobody speaks their main language as another one.
    speaks = rng.random((n, len(columns))) < other_matrix[nat][:, columns]
    speaks &= columns[None, :] != main[:, None]
    english_other = speaks[:, 0] if len(columns) and columns[0] == 0 else np.zeros(n, dtype=bool)
    # The other languages as text, in the profile's order, joined with ";".
    other_text = np.full(n, "", dtype=object)
    for j, c in enumerate(columns):  # one pass per language, not per person
        other_text = np.where(speaks[:, j], other_text + langs[c] + ";", other_text)
    other_languages = pd.Series(other_text).str[:-1].replace("", np.nan).astype("category")

    interp = profile["interpreter"]
    english_main = main == 0
    p_interp = np.where(
        english_main,
        interp["english_main_language"],
        np.where(english_other, interp["english_second_language"], interp["no_english"]),
    )
    needs_interpreter = rng.random(n) < p_interp

    boroughs = profile["boroughs"]
    borough = choose(rng, n, [b["weight"] for b in boroughs])

    # Arrival: some time before registering, never before the route existed
    # or before the person was born.
    median = np.array([s["arrival_median_days"] for s in statuses], dtype=float)[status]
    lag = np.floor(median * np.exp(0.8 * rng.standard_normal(n))).astype(np.int64)
    arrival = registered - lag * DAY
    earliest = np.array([d64(s["earliest_arrival"]) for s in statuses])[status]
    floor_ = np.maximum(earliest, dob + DAY)
    floor_ = np.minimum(floor_, registered)
    span = (registered - floor_).astype(np.int64)
    redo = arrival < floor_
    arrival = np.where(redo, floor_ + np.floor(rng.random(n) * (span + 1)).astype(np.int64) * DAY, arrival)
    # People of the country itself never arrived: no arrival date.
    from_abroad = np.array([x.get("arrived_from_abroad", True) for x in nats])[nat]
    arrival = np.where(from_abroad, arrival, np.datetime64("NaT"))

    # Names from the pool of the person's nationality.
    names = name_tables(profile)
    pool = np.array([names["order"].index(x["name_pool"]) for x in nats])[nat]
    kind = np.array([{"female": 0, "male": 1}.get(g.get("names", "any"), 2) for g in profile["genders"]])[
        gender
    ]
    female = np.where(kind == 0, True, np.where(kind == 1, False, rng.random(n) < 0.5))
    u = rng.random(n)
    # Each person's list of first names: the female or male list of their pool.
    offset = np.where(female, names["f_off"][pool], names["m_off"][pool])
    length = np.where(female, names["f_len"][pool], names["m_len"][pool])
    first_idx = offset + np.floor(u * length).astype(np.int64)
    family_idx = names["s_off"][pool] + np.floor(rng.random(n) * names["s_len"][pool]).astype(np.int64)
    first_code = names["first_codes"][first_idx]
    family_code = names["family_codes"][family_idx]

    ident = profile["identifiers"]
    missing = profile["missing"]

    phone_cats, phone_starts, phone_sizes = phone_categories(profile)
    prange = choose(rng, n, [r["weight"] for r in ident["phone_ranges"]])
    phone_code = phone_starts[prange] + np.floor(rng.random(n) * phone_sizes[prange]).astype(np.int64)
    phone_code = np.where(rng.random(n) < missing.get("phone", 0), -1, phone_code)

    # E-mail: "first.family" with an optional number, at one of the domains.
    domains = ident["email_domains"]
    number = np.where(rng.random(n) < 0.5, 0, rng.integers(1, 100, size=n))
    domain = rng.integers(0, len(domains), size=n)
    has_email = rng.random(n) >= missing.get("email", 0)
    first_clean = pd.Series(names["first_cats"][first_code]).str.replace(" ", "").str.lower()
    family_clean = pd.Series(names["family_cats"][family_code]).str.replace(" ", "").str.lower()
    number_text = pd.Series(number).astype(str).replace("0", "")
    email = (first_clean + "." + family_clean + number_text + "@" + np.array(domains)[domain]).to_numpy()

    has_nhs = rng.random(n) < np.array([s["has_nhs_number"] for s in statuses])[status]
    nhs = make_nhs_numbers(rng, n, ident["nhs_prefix"])
    has_ni = rng.random(n) < np.array([s["has_ni_number"] for s in statuses])[status]
    ni = make_ni_numbers(rng, n, ident["ni_prefix"])

    # Referral: each source reaches only the statuses the profile allows
    # (so a source that serves one group never refers people outside it).
    sources = profile["referral_sources"]
    status_labels = labels_of(statuses)
    reaches = np.array(
        [[r.get("statuses") is None or s in r["statuses"] for r in sources] for s in status_labels]
    )
    referral = choose_given(rng, status, reaches * np.array([r["weight"] for r in sources], float))
    referral = np.where(rng.random(n) < missing.get("referral_source", 0), -1, referral)
    sizes_ = profile["household_size"]
    household = np.array([h["size"] for h in sizes_])[choose(rng, n, [h["weight"] for h in sizes_])]
    consent = {key: rng.random(n) < chance for key, chance in profile["consent"].items()}

    # Columns some sectors add: a condition attached to some statuses (such as
    # no recourse to public funds), and a safeguarding flag for young people
    # in some statuses who live alone.
    sector = profile["sector"]
    extra = {}
    if sector.get("condition"):
        chance = np.array([s.get("condition_chance", 0) for s in statuses])[status]
        extra[sector["condition"]["column"]] = rng.random(n) < chance
    if sector.get("safeguarding"):
        flag = sector["safeguarding"]
        young = age_at(dob, registered) <= flag["max_age"]  # their age when they registered
        in_status = np.isin(status, [status_labels.index(s) for s in flag["statuses"]])
        extra[flag["column"]] = young & in_status & (household == 1)

    borough_labels = labels_of(boroughs)
    return pd.DataFrame(
        {
            "client_id": ids(ident["client_id"]["prefix"], ident["client_id"]["digits"], n),
            "first_name": categorical(first_code, list(names["first_cats"])),
            "family_name": categorical(family_code, list(names["family_cats"])),
            "date_of_birth": dob,
            "age": age,
            "gender": categorical(gender, genders),
            "nationality": categorical(nat, labels_of(nats)),
            "main_language": categorical(main, langs),
            "other_languages": other_languages,
            "needs_interpreter": needs_interpreter,
            "borough": categorical(borough, borough_labels),
            "borough_code": categorical(borough, [b["code"] for b in boroughs]),
            "phone": categorical(phone_code, phone_cats),
            "email": text_column(email, has_email),
            "nhs_number": text_column(nhs, has_nhs),
            "ni_number": text_column(ni, has_ni),
            status_column(profile): categorical(status, labels_of(statuses)),
            **{k: v for k, v in extra.items() if k == sector.get("condition", {}).get("column")},
            "arrival_date": arrival,
            "registered_on": registered,
            "referral_source": categorical(referral, labels_of(profile["referral_sources"])),
            "household_size": household,
            **consent,
            **{k: v for k, v in extra.items() if k != sector.get("condition", {}).get("column")},
        },
        copy=False,  # every column above is new: no need to copy it again
    )


# -- cases ---------------------------------------------------------------------


def status_column(profile: dict) -> str:
    """The name of the sector's own sensitive column (``immigration_status``, ``housing_situation``...)."""
    return profile["sector"]["status"]["column"]


def codes_of(series: pd.Series) -> np.ndarray:
    return np.asarray(series.cat.codes)


def days_of(series: pd.Series) -> np.ndarray:
    return series.to_numpy().astype("datetime64[D]")


def make_cases(profile: dict, rng: np.random.Generator, clients: pd.DataFrame) -> pd.DataFrame:
    """Casework: zero or more cases per client."""
    period = profile["period"]
    start, end = d64(period["start"]), d64(period["end"])
    cfg = profile["cases"]
    n = len(clients)
    count = rng.poisson(profile["sizes"]["cases_per_client"], size=n)
    owner = np.repeat(np.arange(n), count)
    first_row = np.repeat(np.cumsum(count) - count, count)
    is_first = np.arange(len(owner)) == first_row
    registered = days_of(clients["registered_on"])[owner]

    # A later case opens at some point in the window after registration.
    # When that window runs past the end of the period, the case would
    # open after the data ends: drop it, in proportion to the part of the
    # window that lies outside. (Squeezing it into the days that remain
    # would pile cases up in the last months, a surge that never was.)
    span = cfg["later_case_window_days"]
    inside = (np.minimum(registered + span * DAY, end) - registered) / DAY
    keep = is_first | (rng.random(len(owner)) < (inside + 1) / (span + 1))
    owner, is_first, registered = owner[keep], is_first[keep], registered[keep]

    season = profile["seasonality"]
    sampler = DaySampler(
        start, end, season["cases_by_month"], season["by_year"], season.get("open_by_weekday")
    )
    window = np.minimum(registered + cfg["later_case_window_days"] * DAY, end)
    later = sampler.between(rng, registered, window)
    # The first case usually opens the day a person registers, or soon after.
    wait = np.where(rng.random(len(owner)) < 0.6, 0, rng.integers(1, 15, size=len(owner)))
    first = np.minimum(registered + wait * DAY, end)
    closed_days = np.asarray(season.get("open_by_weekday", [1] * 7))[weekday_of(first)] == 0
    first = np.where(closed_days, registered, first)
    opened = np.where(is_first, first, later)

    # Statuses change: some clients held an earlier status (the profile says
    # which, and how often) until a day between registering and the end of
    # the period. A case carries the status its client held when it opened.
    statuses = profile["statuses"]
    status_labels = labels_of(statuses)
    current = codes_of(clients[status_column(profile)])
    earlier_matrix = np.array(
        [[(s.get("earlier_statuses") or {}).get(e, 0.0) for e in status_labels] for s in statuses], float
    )
    stay = np.clip(1 - earlier_matrix.sum(axis=1), 0, 1)
    earlier = choose_given(rng, current, np.column_stack([earlier_matrix, stay]))
    changed = earlier < len(statuses)  # the last column: no earlier status
    client_registered = days_of(clients["registered_on"])
    changed_on = (
        client_registered
        + np.floor(rng.random(n) * ((end - client_registered) / DAY + 1)).astype(np.int64) * DAY
    )
    before_change = changed[owner] & (opened < changed_on[owner])
    status = np.where(before_change, earlier[owner], current[owner])

    areas = cfg["issue_areas"]
    area_labels = labels_of(areas)
    area = choose_given(rng, status, weight_matrix(statuses, "issues", area_labels))
    median = np.array([a["median_days_open"] for a in areas], dtype=float)[area]
    duration = np.floor(median * np.exp(0.8 * rng.standard_normal(len(owner)))).astype(np.int64)
    closed = opened + duration * DAY
    still_open = closed > end

    outcome_labels: list[str] = []
    for a in areas:
        outcome_labels += [o for o in a["outcomes"] if o not in outcome_labels]
    outcome = choose_given(rng, area, weight_matrix(areas, "outcomes", outcome_labels))
    outcome = np.where(still_open, -1, outcome)
    closed = np.where(still_open, np.datetime64("NaT"), closed)

    k = cfg["caseworkers"]
    ident = profile["identifiers"]["caseworker"]
    workers = ids(ident["prefix"], ident["digits"], k).tolist()
    # Some caseworkers are part-time: the first ones carry more cases.
    worker = choose(rng, len(owner), np.linspace(1.4, 0.6, k))

    order = np.lexsort((owner, opened))
    ident_case = profile["identifiers"]["case_id"]
    frame = pd.DataFrame(
        {
            "client_id": clients["client_id"].to_numpy()[owner],
            f"{status_column(profile)}_at_open": categorical(status, status_labels),
            "issue_area": categorical(area, area_labels),
            "opened_on": opened,
            "closed_on": closed,
            "outcome": categorical(outcome, outcome_labels),
            "caseworker": categorical(worker, workers),
        }
    ).iloc[order]
    frame.insert(0, "case_id", ids(ident_case["prefix"], ident_case["digits"], len(frame)))
    return frame.reset_index(drop=True)


# -- attendance ----------------------------------------------------------------


def eligible_mask(rule: dict, clients: pd.DataFrame, when: np.datetime64) -> np.ndarray:
    mask = np.ones(len(clients), dtype=bool)
    if rule.get("needs_english"):
        mask &= (clients["main_language"] != "English").to_numpy()
    if "genders" in rule:
        mask &= clients["gender"].isin(rule["genders"]).to_numpy()
    if "min_age" in rule or "max_age" in rule:
        age = age_at(days_of(clients["date_of_birth"]), when)
        mask &= (age >= rule.get("min_age", 0)) & (age <= rule.get("max_age", 200))
    return mask


def make_attendance(profile: dict, rng: np.random.Generator, clients: pd.DataFrame) -> pd.DataFrame:
    """A register: one row per client per session they were booked on."""
    cfg = profile["attendance"]
    end = d64(profile["period"]["end"])
    activities = cfg["activities"]
    registered = days_of(clients["registered_on"])

    # Sessions: each activity once a week in term time.
    s_act, s_date, s_term = [], [], []
    for t, term in enumerate(cfg["terms"]):
        days = np.arange(d64(term["start"]), min(d64(term["end"]), end) + DAY, DAY)
        weekday = weekday_of(days)
        for a, act in enumerate(activities):
            picked = days[weekday == act["weekday"]]
            s_act.append(np.full(len(picked), a))
            s_date.append(picked)
            s_term.append(np.full(len(picked), t))
    s_act, s_date, s_term = np.concatenate(s_act), np.concatenate(s_date), np.concatenate(s_term)
    order = np.lexsort((s_act, s_date))
    s_act, s_date, s_term = s_act[order], s_date[order], s_term[order]
    n_sessions = len(s_act)

    # Bookings: people eligible and registered by the session (or term).
    rows_session, rows_client = [], []
    for a, act in enumerate(activities):
        per_session = act.get("booking") == "per_session"
        for t, term in enumerate(cfg["terms"]):
            sessions = np.flatnonzero((s_act == a) & (s_term == t))
            if len(sessions) == 0:
                continue
            t_start = d64(term["start"])
            base = eligible_mask(act["eligible"], clients, t_start)
            if per_session:
                for s in sessions:
                    day = s_date[s]
                    pool = np.flatnonzero(base & (registered <= day) & (registered > day - 365 * DAY))
                    take = rng.choice(pool, size=min(act["places"], len(pool)), replace=False)
                    rows_session.append(np.full(len(take), s))
                    rows_client.append(take)
            else:
                active = (registered <= t_start + 28 * DAY) & (registered > t_start - 730 * DAY)
                pool = np.flatnonzero(base & active)
                take = rng.choice(pool, size=min(act["places"], len(pool)), replace=False)
                sess = np.tile(sessions, len(take))
                who = np.repeat(take, len(sessions))
                keep = s_date[sess] >= registered[who]
                rows_session.append(sess[keep])
                rows_client.append(who[keep])
    session = np.concatenate(rows_session) if rows_session else np.array([], dtype=np.int64)
    client = np.concatenate(rows_client) if rows_client else np.array([], dtype=np.int64)

    # Who comes: a personal habit, lower late in term and in winter.
    mean = cfg["mean_attendance"]
    habit = rng.beta(mean * 6, (1 - mean) * 6, size=len(clients))
    term_start = np.array([d64(t["start"]) for t in cfg["terms"]])[s_term[session]]
    term_end = np.array([d64(t["end"]) for t in cfg["terms"]])[s_term[session]]
    progress = (s_date[session] - term_start).astype(float) / np.maximum(
        (term_end - term_start).astype(float), 1
    )
    winter = np.isin(month_of(s_date[session]), cfg["winter_months"])
    chance = habit[client] - cfg["end_of_term_drop"] * progress - cfg["winter_drop"] * winter
    attended = rng.random(len(session)) < chance

    ident = profile["identifiers"]["session_id"]
    session_ids = ids(ident["prefix"], ident["digits"], n_sessions)
    frame = pd.DataFrame(
        {
            "session_id": session_ids[session],
            "session_date": s_date[session],
            "activity": categorical(s_act[session], labels_of(activities)),
            "client_id": clients["client_id"].to_numpy()[client],
            "attended": attended,
        }
    )
    return frame.iloc[np.lexsort((client, session))].reset_index(drop=True)


# -- wellbeing -----------------------------------------------------------------


def make_wellbeing(profile: dict, rng: np.random.Generator, clients: pd.DataFrame) -> pd.DataFrame:
    """ONS4 answers before and after, with drop-out that is not at random."""
    cfg = profile["wellbeing"]
    end = d64(profile["period"]["end"])
    registered = days_of(clients["registered_on"])
    n = len(clients)
    in_time = registered + (21 + cfg["after_days"]["max"]) * DAY <= end
    surveyed = np.flatnonzero(in_time & (rng.random(n) < cfg["share_surveyed"]))
    m = len(surveyed)
    before_date = registered[surveyed] + rng.integers(0, 22, size=m) * DAY
    gap = rng.integers(cfg["after_days"]["min"], cfg["after_days"]["max"] + 1, size=m)
    after_date = before_date + gap * DAY

    shift = np.array([s["wellbeing_shift"] for s in profile["statuses"]])
    status = codes_of(clients[status_column(profile)])[surveyed]
    person = shift[status] + cfg["sd_person"] * rng.standard_normal(m)
    change = cfg["mean_change"] + cfg["sd_change"] * rng.standard_normal(m)

    # Drop-out: more likely for people who start low or whose status is insecure.
    dropout_shift = np.array([s["dropout_shift"] for s in profile["statuses"]])
    base = cfg["dropout_base"]
    log_odds = np.log(base / (1 - base)) - cfg["dropout_log_odds_per_point"] * person + dropout_shift[status]
    stays = rng.random(m) >= 1 / (1 + np.exp(-log_odds))

    ids_ = clients["client_id"].to_numpy()[surveyed]
    parts = []
    for label, dates, offset, who in (
        ("before", before_date, 0.0, np.ones(m, bool)),
        ("after", after_date, 1.0, stays),
    ):
        part = {"client_id": ids_[who], "survey": np.full(who.sum(), label), "survey_date": dates[who]}
        for q in cfg["questions"]:
            sign = 1.0 if q["higher_is_better"] else -1.0
            raw = q["mean"] + sign * (person + offset * change) + cfg["sd_answer"] * rng.standard_normal(m)
            score = np.clip(np.rint(raw), 0, 10).astype(np.int64)[who]
            skipped = rng.random(len(score)) < cfg["skip_question"]
            part[q["column"]] = pd.array(np.where(skipped, -1, score), dtype="Int64")
            part[q["column"]][skipped] = pd.NA
        parts.append(pd.DataFrame(part))
    frame = pd.concat(parts, ignore_index=True)
    frame["survey"] = pd.Categorical(frame["survey"], categories=["before", "after"], ordered=True)
    return frame.sort_values(["client_id", "survey"], kind="stable").reset_index(drop=True)


# -- messy export and its answer key -----------------------------------------


def _pick(rng: np.random.Generator, options: list, n: int) -> np.ndarray:
    return np.array(options, dtype=object)[rng.integers(0, len(options), size=n)]


def _dates_in_formats(dates: pd.Series, formats: list[str], codes: np.ndarray) -> np.ndarray:
    written = np.column_stack([dates.dt.strftime(f).to_numpy(dtype=object) for f in formats])
    return written[np.arange(len(dates)), codes]


def make_messy_export(
    profile: dict, rng: np.random.Generator, clients: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A registration spreadsheet as a person typed it, and the clean table it should become."""
    cfg = profile["messy_export"]
    sizes = profile["sizes"]
    last_year = (
        year_of(days_of(clients["registered_on"])) == year_of(np.array([d64(profile["period"]["end"])]))[0]
    )
    pool = np.flatnonzero(last_year)
    if len(pool) < 10:
        pool = np.arange(len(clients))
    m = min(sizes["messy_export_clients"], len(pool))
    chosen = np.sort(rng.choice(pool, size=m, replace=False))
    base = clients.iloc[chosen].reset_index(drop=True)

    n_dup = min(sizes["messy_export_duplicates"], max(m - 2, 0))
    special = rng.choice(m, size=n_dup + 2, replace=False)
    bad_dob_row, bad_date_row, dup_rows = special[0], special[1], special[2:]
    rows = np.concatenate([np.arange(m), dup_rows])
    is_copy = np.arange(len(rows)) >= m
    k = len(rows)
    src = base.iloc[rows].reset_index(drop=True)

    # Names: mostly "First Family", sometimes in another style.
    first = src["first_name"].astype("str")
    family = src["family_name"].astype("str")
    plain = first + " " + family
    styles = np.column_stack(
        [
            plain.to_numpy(dtype=object),
            plain.str.upper().to_numpy(dtype=object),
            (family + ", " + first).to_numpy(dtype=object),
            plain.str.lower().to_numpy(dtype=object),
            (first + "  " + family).to_numpy(dtype=object),
        ]
    )
    style = choose(rng, k, [70, 8, 10, 6, 6])
    # A near-duplicate is never written exactly like its original.
    original_style = np.zeros(k, dtype=np.int64)
    original_style[is_copy] = style[rows[is_copy]]
    style = np.where(is_copy, (original_style + rng.integers(1, 5, size=k)) % 5, style)
    full_name = styles[np.arange(k), style]

    formats = cfg["date_formats"]
    # Two-digit years are only used for recent dates, where they are not ambiguous.
    long_formats = [i for i, f in enumerate(formats) if "%y" not in f]
    dob_fmt = np.array(long_formats)[rng.integers(0, len(long_formats), size=k)]
    dob = _dates_in_formats(src["date_of_birth"], formats, dob_fmt)
    reg_fmt = rng.integers(0, len(formats), size=k)
    registered = _dates_in_formats(src["registered_on"], formats, reg_fmt)

    def messy_label(series: pd.Series, items: list[dict]) -> np.ndarray:
        labels = series.astype("str").to_numpy(dtype=object)
        codes = codes_of(series)
        flat = np.array([v for item in items for v in item["variants"]], dtype=object)
        length = np.array([len(item["variants"]) for item in items])
        offset = np.cumsum(length) - length
        variants = flat[offset[codes] + rng.integers(0, 1_000_000, size=k) % length[codes]]
        return np.where(rng.random(k) < cfg["share_variant_spelling"], variants, labels)

    nationality = messy_label(src["nationality"], profile["nationalities"])
    borough = messy_label(src["borough"], profile["boroughs"])

    phone_text = src["phone"].astype("str").fillna("")
    no_spaces = phone_text.str.replace(" ", "", regex=False).to_numpy(dtype=object)
    intl = cfg.get("phone_international_prefix", "")
    international = (
        (intl + phone_text.str[1:]).to_numpy(dtype=object) if intl else phone_text.to_numpy(dtype=object)
    )
    phone_style = choose(rng, k, [70, 20, 10])
    phone = phone_text.to_numpy(dtype=object)
    phone = np.where(phone_style == 1, no_spaces, np.where(phone_style == 2, international, phone))
    phone = np.where(phone_text.to_numpy(dtype=object) != "", phone, "")

    size = src["household_size"]
    words = {int(key): value for key, value in cfg["number_words"].items()}
    household = size.astype("str").to_numpy(dtype=object)
    as_word = size.map(words).fillna(size.astype("str")).astype("str").to_numpy(dtype=object)
    text_style = rng.integers(0, 3, size=k)
    texty = np.where(
        text_style == 0, as_word, np.where(text_style == 1, household + " people", household + ".0")
    )
    household = np.where(rng.random(k) < cfg["share_number_as_text"], texty, household)

    need = src["needs_interpreter"].to_numpy()
    interpreter = np.where(need, _pick(rng, cfg["yes_words"], k), _pick(rng, cfg["no_words"], k))

    ref = src["client_id"].astype("str")
    ref = np.where(rng.random(k) < 0.04, ref.str.lower().to_numpy(dtype=object), ref.to_numpy(dtype=object))

    messy = {
        "Client Ref": ref,
        "Full Name": full_name,
        "DOB": dob,
        "Nationality": nationality,
        "Borough": borough,
        "Phone": phone,
        "Date Registered": registered,
        "Household Size": household,
        "Interpreter?": interpreter,
    }
    # Blanks, "N/A" and "-": the answer key loses a value only if every copy lost it.
    blanked: dict[str, np.ndarray] = {}
    protected = np.isin(np.arange(k), [bad_dob_row, bad_date_row])
    for column in ("DOB", "Nationality", "Borough", "Phone", "Household Size", "Interpreter?"):
        blank = (rng.random(k) < cfg["share_blank"]) & ~protected
        messy[column] = np.where(blank, _pick(rng, cfg["blank_markers"], k), messy[column])
        blanked[column] = blank | (messy[column] == "")
    # Stray spaces around some names, nationalities and boroughs.
    for column in ("Full Name", "Nationality", "Borough", "Client Ref"):
        spaced = rng.random(k) < cfg["share_stray_spaces"]
        pad = _pick(rng, [" ", "  ", "\t"], k)
        left = rng.random(k) < 0.5
        padded = np.where(left, pad + messy[column], messy[column] + pad)
        messy[column] = np.where(spaced & (messy[column] != ""), padded, messy[column])
    # One impossible date of birth (a person over 120) and one impossible date.
    dob_text = str(messy["DOB"][bad_dob_row])
    real_year = str(src["date_of_birth"].dt.year.iloc[bad_dob_row])
    messy["DOB"][bad_dob_row] = dob_text.replace(real_year, str(cfg["impossible_birth_year"]))
    messy["Date Registered"][bad_date_row] = cfg["impossible_date"]

    # Order: as registered, with each near-duplicate a little later.
    position = np.where(is_copy, rows + rng.integers(3, 30, size=k), np.arange(k)).astype(float)
    position += is_copy * 0.5
    order = np.argsort(position, kind="stable")
    frame = pd.DataFrame({key: pd.Series(value, dtype="str") for key, value in messy.items()}).iloc[order]
    frame = frame.reset_index(drop=True)

    # The answer key: one row per person, what a careful cleaner can recover.
    def lost(column: str) -> np.ndarray:
        per_person = pd.Series(blanked[column]).groupby(rows).all()
        return per_person.reindex(np.arange(m)).to_numpy()

    key = pd.DataFrame(
        {
            "client_ref": base["client_id"].to_numpy(),
            "full_name": (base["first_name"].astype(str) + " " + base["family_name"].astype(str)).to_numpy(),
            "date_of_birth": base["date_of_birth"].where(~lost("DOB")),
            "nationality": base["nationality"].where(~lost("Nationality")),
            "borough": base["borough"].where(~lost("Borough")),
            "phone": base["phone"].astype(str).where(~lost("Phone") & base["phone"].notna()),
            "registered_on": base["registered_on"],
            "household_size": pd.array(base["household_size"], dtype="Int64"),
            "needs_interpreter": pd.array(base["needs_interpreter"], dtype="boolean"),
        }
    )
    key.loc[lost("Household Size"), "household_size"] = pd.NA
    key.loc[lost("Interpreter?"), "needs_interpreter"] = pd.NA
    key.loc[bad_dob_row, "date_of_birth"] = pd.NaT
    key.loc[bad_date_row, "registered_on"] = pd.NaT
    return frame, key.sort_values("client_ref").reset_index(drop=True)


# -- releases: careless, outside source, safe --------------------------------


def generalise(profile: dict, frame: pd.DataFrame) -> pd.DataFrame:
    """The safe release's quasi-identifiers, from age, gender, nationality, borough, arrival_year."""
    rel = profile["releases"]
    age_band = np.full(len(frame), "", dtype=object)
    for band in rel["age_bands"]:
        inside = (frame["age"] >= band["min"]) & (frame["age"] <= band["max"])
        age_band[inside.to_numpy()] = band["label"]
    gender = frame["gender"].astype(str)
    gender = gender.where(gender.isin(rel["keep_genders"]), rel["other_gender_label"])
    groups = {n["label"]: n["group"] for n in profile["nationalities"]}
    merge = rel.get("sub_region_groups") or {}
    regions = {b["label"]: merge.get(b["sub_region"], b["sub_region"]) for b in profile["boroughs"]}
    # People with no arrival date (they never came from abroad) have a period of their own.
    period = np.full(len(frame), rel.get("no_arrival_label", "No arrival date"), dtype=object)
    for p in reversed(rel["arrival_periods"]):
        period[(frame["arrival_year"] <= p["max_year"]).fillna(False).to_numpy(dtype=bool)] = p["label"]
    return pd.DataFrame(
        {
            "age_band": age_band,
            "gender": gender.to_numpy(),
            "nationality_group": frame["nationality"].astype(str).map(groups).to_numpy(),
            "sub_region": frame["borough"].astype(str).map(regions).to_numpy(),
            "arrival_period": period,
        }
    )


def make_releases(
    profile: dict, rng: np.random.Generator, clients: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A careless research release, what an intruder finds elsewhere, and a safe release."""
    rel = profile["releases"]
    years = year_of(days_of(clients["registered_on"]))
    inside = np.flatnonzero(np.isin(years, rel["careless_years"]))
    people_index = inside[rng.permutation(len(inside))]
    people = clients.iloc[people_index].reset_index(drop=True)
    careless = pd.DataFrame(
        {
            "age": people["age"].to_numpy(),
            "gender": people["gender"],
            "nationality": people["nationality"],
            "borough": people["borough"],
            "arrival_year": people["arrival_date"].dt.year.astype("Int64"),  # empty: no arrival date
            status_column(profile): people[status_column(profile)],
        }
    )

    # The outside source: a community newsletter that names people. Some are
    # unique in the careless release on age, gender, nationality and borough.
    qi = ["age", "gender", "nationality", "borough"]
    group_size = careless.groupby(qi, observed=True)["age"].transform("size").to_numpy()
    # Only people whose name and details are not shared with another client,
    # so that the newsletter names exactly one person.
    named_key = clients[["first_name", "family_name", *qi]]
    one_of_a_kind = ~named_key.duplicated(keep=False).to_numpy()
    release_ok = one_of_a_kind[people_index]
    unique = np.flatnonzero((group_size == 1) & release_ok)
    common = np.flatnonzero((group_size > 1) & release_ok)
    want = profile["sizes"]["outside_source_people"]
    n_unique = min(len(unique), want // 2)
    n_common = min(len(common), want // 4)
    picked = np.concatenate(
        [rng.choice(unique, size=n_unique, replace=False), rng.choice(common, size=n_common, replace=False)]
    )
    from_release = people.iloc[picked]
    # People not in the release are chosen so that they match nobody in it:
    # every unique match the intruder makes is then a true one.
    in_careless = clients[qi].merge(careless[qi].drop_duplicates(), on=qi, how="left", indicator=True)
    matches_someone = (in_careless["_merge"] == "both").to_numpy()
    outside_pool = np.setdiff1d(np.flatnonzero(one_of_a_kind & ~matches_someone), inside)
    n_out = min(len(outside_pool), want - len(picked))
    others = clients.iloc[rng.choice(outside_pool, size=n_out, replace=False)]
    named = pd.concat([from_release, others], ignore_index=True)
    named = named.iloc[rng.permutation(len(named))].reset_index(drop=True)
    outside = pd.DataFrame(
        {
            "name": (named["first_name"].astype(str) + " " + named["family_name"].astype(str)).to_numpy(),
            "age": named["age"].to_numpy(),
            "gender": named["gender"],
            "nationality": named["nationality"],
            "borough": named["borough"],
        }
    )

    return careless, outside, make_safe_release(profile, careless)


def unsafe_rows(profile: dict, release: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """True for each row whose group fails k-anonymity or the limit on status disclosure.

    A group fails if it has fewer than k people, fewer than l different
    real statuses, or one status held by more than ``max_share`` of the
    people in it who gave a status.
    """
    from datawithcare.privacy import attribute_disclosure

    rel = profile["releases"]
    report = attribute_disclosure(release, keys, status_column(profile), not_values=rel["not_a_status"])
    bad = (
        (report["people"] < rel["k"])
        | (report["different_values"] < rel["l"])
        | ~(report["largest_share"] <= rel["max_share"])  # no status given at all also fails
    )
    return release.join(bad.rename("_bad"), on=keys)["_bad"].to_numpy(dtype=bool)


def make_safe_release(profile: dict, careless: pd.DataFrame) -> pd.DataFrame:
    """The safe release: generalise, merge arrival periods where needed, remove what still fails.

    1. Generalise age, gender, nationality, borough and arrival year.
    2. A group (people with the same five details) that is smaller than
       k or that gives a status away fails. For every age band, gender,
       region and part of the city with a failing group, the arrival
       periods are merged (``merged_arrival_label``). The intruder does
       not know the arrival year, so this costs little.
    3. The groups that still fail are removed, whole.

    No randomness: the same careless release always gives the same rows.
    """
    rel = profile["releases"]
    safe = generalise(profile, careless)
    safe[status_column(profile)] = careless[status_column(profile)].to_numpy()
    keys = ["age_band", "gender", "nationality_group", "sub_region", "arrival_period"]
    failing = unsafe_rows(profile, safe, keys)
    merge = pd.Series(failing).groupby([safe[c] for c in keys[:4]]).transform("any").to_numpy(dtype=bool)
    safe.loc[merge, "arrival_period"] = rel["merged_arrival_label"]
    safe = safe[~unsafe_rows(profile, safe, keys)]
    return safe.sort_values(keys + [status_column(profile)], kind="stable").reset_index(drop=True)


# -- maturity cohort -------------------------------------------------------------


def make_maturity(profile: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Self-assessments by a cohort of organisations, before and after the course."""
    cfg = profile["maturity"]
    n = profile["sizes"]["maturity_organisations"]
    themes = cfg["themes"]
    ident = profile["identifiers"]["organisation"]
    org_ids = ids(ident["prefix"], ident["digits"], n)
    org_type = choose(rng, n, [o["weight"] for o in cfg["org_types"]])
    staff = rng.integers(0, len(cfg["staff_bands"]), size=n)
    level = 0.6 * rng.standard_normal(n) + 0.25 * (staff - staff.mean())
    engagement = 0.4 * rng.standard_normal(n)

    def dates(span: dict) -> np.ndarray:
        start, end = d64(span["start"]), d64(span["end"])
        return start + rng.integers(0, int((end - start).astype(np.int64)) + 1, size=n) * DAY

    before_on, after_on = dates(cfg["before_dates"]), dates(cfg["after_dates"])
    t = len(themes)
    before_mean = np.array([cfg["theme_before_mean"][x] for x in themes])
    gain_mean = np.array([cfg["theme_gain_mean"][x] for x in themes])
    latent = before_mean[None, :] + level[:, None] + 0.5 * rng.standard_normal((n, t))
    gain = gain_mean[None, :] + engagement[:, None] + 0.45 * rng.standard_normal((n, t))
    before = np.clip(np.rint(latent), 1, 5).astype(np.int64)
    after = np.clip(np.rint(latent + gain), 1, 5).astype(np.int64)

    org = np.repeat(np.arange(n), t)
    theme = np.tile(np.arange(t), n)
    parts = []
    for label, scores, on in (("before", before, before_on), ("after", after, after_on)):
        parts.append(
            pd.DataFrame(
                {
                    "org_id": org_ids[org],
                    "org_type": categorical(org_type[org], labels_of(cfg["org_types"])),
                    "staff_band": categorical(staff[org], cfg["staff_bands"], ordered=True),
                    "round": label,
                    "assessed_on": on[org],
                    "theme": categorical(theme, themes, ordered=True),
                    "score": scores.ravel(),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame["round"] = pd.Categorical(frame["round"], categories=["before", "after"], ordered=True)
    return frame.sort_values(["org_id", "round", "theme"], kind="stable").reset_index(drop=True)
