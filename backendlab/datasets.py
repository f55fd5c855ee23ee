"""The "shop" dataset: a seeded, deterministic online shop for the SQL-tuning lessons.

Lessons compare an index with a full scan on a million orders, join on email, page with
keyset pagination and so on. For that the data must be big enough to make a plan matter,
skewed like real data (a few heavy customers, growth over time, weekly rhythm), and exactly
the same for every learner, so that the numbers in a notebook's text match what the learner
sees. Everything is drawn from numpy's ``default_rng`` with a fixed seed, vectorised, so a
full build takes seconds.

Tables (load order ``TABLES``)::

    customers(id, email, name, country, created_at)      -- no index on email: a lesson adds it
    products(id, name, category, price_cents)
    orders(id, customer_id, status, created_at, total_cents)   -- no secondary indexes
    order_items(id, order_id, product_id, quantity, unit_price_cents)
    dataset_info(key, value)                              -- name, scale, version, seed, counts

``shop_sqlite()`` builds (once) and returns a pristine SQLite file; lessons copy it before
changing it. ``load_shop_postgres()`` loads the very same rows into an empty PostgreSQL
database with COPY.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from tqdm import tqdm

from backendlab._process import exclusive_lock
from backendlab.errors import CourseError
from backendlab.paths import data_dir

if TYPE_CHECKING:
    import psycopg

# Bump whenever the generated rows or the schema change: it is part of every cached file
# name, so a learner who updates the course never keeps using data from an older generator.
VERSION = 1

# One seed for everything; each part of the data draws from its own stream (see ``_rng``),
# so changing how, say, products are drawn does not reshuffle every order.
SEED = 2024

DATASET_NAME = "shop"

TABLES = ("customers", "products", "orders", "order_items", "dataset_info")


@dataclass(frozen=True)
class Scale:
    """How many rows of each independent table a scale has (order_items follow from orders)."""

    customers: int
    products: int
    orders: int


SCALES: dict[str, Scale] = {
    # Tests and quick notebook checks: builds in well under a second.
    "small": Scale(customers=2_000, products=200, orders=20_000),
    # The lessons: big enough that a full scan is visibly slower than an index lookup.
    "full": Scale(customers=50_000, products=2_000, orders=1_000_000),
}

# Column names and types, in table order. The types are plain ones that mean the same in
# SQLite and PostgreSQL; keys are added separately because PostgreSQL loads faster without them.
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "customers": (
        ("id", "INTEGER"),
        ("email", "TEXT"),
        ("name", "TEXT"),
        ("country", "TEXT"),
        ("created_at", "TIMESTAMP"),
    ),
    "products": (
        ("id", "INTEGER"),
        ("name", "TEXT"),
        ("category", "TEXT"),
        ("price_cents", "INTEGER"),
    ),
    "orders": (
        ("id", "INTEGER"),
        ("customer_id", "INTEGER"),
        ("status", "TEXT"),
        ("created_at", "TIMESTAMP"),
        ("total_cents", "INTEGER"),
    ),
    "order_items": (
        ("id", "INTEGER"),
        ("order_id", "INTEGER"),
        ("product_id", "INTEGER"),
        ("quantity", "INTEGER"),
        ("unit_price_cents", "INTEGER"),
    ),
    "dataset_info": (
        ("key", "TEXT"),
        ("value", "TEXT"),
    ),
}

PRIMARY_KEYS: dict[str, str] = {
    "customers": "id",
    "products": "id",
    "orders": "id",
    "order_items": "id",
    "dataset_info": "key",
}

# (table, column, referenced table); every reference points at the other table's id.
FOREIGN_KEYS: tuple[tuple[str, str, str], ...] = (
    ("orders", "customer_id", "customers"),
    ("order_items", "order_id", "orders"),
    ("order_items", "product_id", "products"),
)

# What ``generate`` returns: table name -> column name -> one numpy array per column.
Columns = dict[str, np.ndarray]

# ---------------------------------------------------------------------------------------
# Scale selection
# ---------------------------------------------------------------------------------------


def default_scale() -> str:
    """The scale to use when none is given: ``$BACKENDLAB_SCALE``, else ``"full"``.

    Tests and CI set ``BACKENDLAB_SCALE=small`` so that notebooks run in seconds; learners
    get the full dataset, which is what the lesson texts describe.
    """
    chosen = os.environ.get("BACKENDLAB_SCALE")
    if not chosen:
        return "full"
    return _check_scale(chosen, source="BACKENDLAB_SCALE")


def _check_scale(name: str, source: str = "scale") -> str:
    """Return ``name`` if it is a known scale, else explain which names exist."""
    if name not in SCALES:
        valid = ", ".join(SCALES)
        raise CourseError(
            f"{source} is {name!r}, which is not a dataset scale backendlab knows.",
            f"Use one of: {valid} (or unset BACKENDLAB_SCALE to get 'full').",
        )
    return name


def _resolve_scale(scale: str | None) -> str:
    """An explicit scale (checked), or the default one."""
    return default_scale() if scale is None else _check_scale(scale)


# ---------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------

# Orders fall between START and START + DAYS days: 2024-01-01 .. 2025-12-31 (2024 is a leap year).
START = np.datetime64("2024-01-01", "D")
DAYS = 731
SECONDS_PER_DAY = 86_400

# Independent random streams, one per aspect of the data (never renumber them).
_STREAMS = {
    "customers": 1,
    "products": 2,
    "order_times": 3,
    "order_customers": 4,
    "order_status": 5,
    "item_counts": 6,
    "items": 7,
    "signups": 8,
}

FIRST_NAMES = (
    "ada", "alan", "alice", "amara", "ana", "ben", "carla", "chen", "chloe", "david",
    "diego", "elena", "emma", "fatima", "felix", "grace", "hana", "hugo", "ines", "ivan",
    "jack", "james", "julia", "kai", "karin", "lars", "laura", "leo", "lina", "lucas",
    "maria", "mateo", "maya", "mei", "mohammed", "nadia", "noah", "olga", "omar", "paula",
    "pedro", "priya", "rahul", "rosa", "sam", "sara", "sofia", "tom", "yuki", "zoe",
)
LAST_NAMES = (
    "adams", "alvarez", "andersen", "baker", "becker", "bianchi", "brown", "costa", "cruz",
    "dubois", "evans", "fischer", "garcia", "gomez", "hansen", "hoffmann", "hughes", "ivanova",
    "jansen", "johnson", "kim", "kowalski", "kumar", "lee", "lopez", "lovelace", "martin",
    "meyer", "moreau", "muller", "nakamura", "nguyen", "novak", "okafor", "olsen", "patel",
    "perez", "petrov", "rossi", "santos", "schmidt", "silva", "singh", "smith", "suzuki",
    "tanaka", "taylor", "turner", "walker", "wang", "weber", "williams", "wilson", "wong",
    "yamamoto", "young", "zhang", "ziegler",
)
EMAIL_DOMAINS = (
    "example.com", "example.org", "example.net", "mail.example.com", "inbox.example.org",
)
EMAIL_DOMAIN_WEIGHTS = (0.40, 0.20, 0.15, 0.15, 0.10)
# Share of emails stored with capitals ("Ada.Lovelace7@Example.com"), so that a lesson on
# lower(email) and expression indexes has something to find.
MIXED_CASE_SHARE = 0.03

COUNTRIES = ("US", "DE", "GB", "FR", "CA", "NL", "ES", "IT", "PL", "AU", "SE", "BR", "IN", "JP")
COUNTRY_WEIGHTS = (
    0.30, 0.12, 0.10, 0.08, 0.06, 0.05, 0.05, 0.05, 0.04, 0.04, 0.03, 0.03, 0.03, 0.02,
)

# category -> (median price in cents, six nouns); every category has six nouns so that the
# nouns fit one 2-D array.
CATEGORIES: dict[str, tuple[int, tuple[str, ...]]] = {
    "books": (1_500, ("Novel", "Cookbook", "Atlas", "Biography", "Guide", "Anthology")),
    "electronics": (9_900, ("Headphones", "Speaker", "Charger", "Keyboard", "Monitor", "Camera")),
    "home": (3_500, ("Lamp", "Blanket", "Vase", "Mirror", "Clock", "Rug")),
    "kitchen": (2_500, ("Kettle", "Pan", "Knife", "Mug", "Grinder", "Toaster")),
    "garden": (4_000, ("Hose", "Planter", "Shovel", "Bench", "Lantern", "Sprinkler")),
    "toys": (2_000, ("Puzzle", "Robot", "Kite", "Train", "Doll", "Blocks")),
    "clothing": (3_000, ("Jacket", "Scarf", "Sweater", "Cap", "Shirt", "Socks")),
    "sports": (4_500, ("Ball", "Racket", "Mat", "Bottle", "Helmet", "Gloves")),
    "beauty": (1_800, ("Soap", "Lotion", "Brush", "Perfume", "Shampoo", "Balm")),
    "office": (1_200, ("Notebook", "Pen", "Stapler", "Folder", "Desk Lamp", "Chair")),
}
ADJECTIVES = (
    "Classic", "Compact", "Deluxe", "Eco", "Essential", "Handmade", "Premium", "Pro",
    "Rustic", "Smart", "Sturdy", "Vintage", "Modern", "Travel", "Ultra", "Cozy",
)

STATUSES = ("delivered", "shipped", "pending", "cancelled", "refunded")
STATUS_WEIGHTS = (0.80, 0.08, 0.03, 0.06, 0.03)

# Items per order: 1..5, mean about 2.
ITEM_COUNT_WEIGHTS = (0.40, 0.30, 0.17, 0.09, 0.04)
QUANTITY_WEIGHTS = (0.75, 0.17, 0.06, 0.02)  # quantity 1..4

# A few "heavy" customers (think resellers) together own this share of all orders; the rest
# order with log-normal intensity, so most customers have a handful of orders.
HEAVY_CUSTOMERS = 10
HEAVY_SHARE = 0.07

# Orders per weekday, Monday first (2024-01-01 is a Monday): weekends are busiest.
WEEKDAY_WEIGHTS = (1.00, 0.95, 0.92, 0.95, 1.05, 1.20, 1.25)
# Orders per hour of the day: quiet at night, peak in the evening.
HOUR_WEIGHTS = (
    0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.5, 0.7, 0.9, 1.0, 1.0,
    1.1, 1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.5, 1.6, 1.4, 1.0, 0.6,
)


def _rng(stream: str) -> np.random.Generator:
    """A generator for one aspect of the data, derived from SEED."""
    return np.random.default_rng([SEED, _STREAMS[stream]])


def _probabilities(weights: Any) -> np.ndarray:
    """Weights scaled to sum to 1, as ``Generator.choice`` wants."""
    array = np.asarray(weights, dtype=np.float64)
    return array / array.sum()


def _pick(rng: np.random.Generator, values: Any, weights: Any, size: int) -> np.ndarray:
    """``size`` draws from ``values`` with the given relative weights."""
    return np.asarray(values)[rng.choice(len(values), size=size, p=_probabilities(weights))]


def _join(*parts: Any) -> np.ndarray:
    """Element-wise string concatenation of arrays and/or plain strings."""
    joined = parts[0]
    for part in parts[1:]:
        joined = np.strings.add(joined, part)
    return joined


def _item_counts(scale: Scale) -> np.ndarray:
    """Items per order. Its own stream, so ``row_counts`` can compute it cheaply."""
    rng = _rng("item_counts")
    return _pick(rng, np.arange(1, 6), ITEM_COUNT_WEIGHTS, scale.orders)


@functools.cache
def _timestamp_parts() -> tuple[np.ndarray, np.ndarray]:
    """'YYYY-MM-DD ' for every day and 'HH:MM:SS' for every second of a day, as code points.

    Formatting a million timestamps one by one is slow; gluing two looked-up pieces is not.
    The pieces are kept as rows of UCS-4 code points (how numpy stores 'U' strings), so
    gluing is a plain integer copy.
    """
    days = _join(np.datetime_as_string(START + np.arange(DAYS)), " ").astype("U11")
    seconds = np.arange(SECONDS_PER_DAY)
    hours = np.strings.zfill((seconds // 3600).astype("U2"), 2)
    minutes = np.strings.zfill((seconds // 60 % 60).astype("U2"), 2)
    secs = np.strings.zfill((seconds % 60).astype("U2"), 2)
    clock = _join(hours, ":", minutes, ":", secs).astype("U8")
    return days.view(np.uint32).reshape(DAYS, 11), clock.view(np.uint32).reshape(SECONDS_PER_DAY, 8)


def _format_timestamps(seconds: np.ndarray) -> np.ndarray:
    """Seconds since START -> 'YYYY-MM-DD HH:MM:SS' (SQLite stores it, PostgreSQL parses it)."""
    days, clock = _timestamp_parts()
    day, second = np.divmod(seconds, SECONDS_PER_DAY)
    code_points = np.concatenate((days[day], clock[second]), axis=1)
    return code_points.view("U19").ravel()


def _day_weights() -> np.ndarray:
    """Relative order volume per day: doubling over two years, weekly rhythm, holiday rush."""
    day = np.arange(DAYS)
    growth = 1.0 + day / DAYS
    weekday = np.asarray(WEEKDAY_WEIGHTS)[day % 7]
    dates = START + day
    month = (dates.astype("datetime64[M]").astype(int) % 12) + 1
    day_of_month = (dates - dates.astype("datetime64[M]")).astype(int) + 1
    holiday = np.where((month == 12) & (day_of_month <= 22), 1.35, 1.0)
    holiday = np.where((month == 11) & (day_of_month >= 24), 1.6, holiday)  # Black Friday week
    return growth * weekday * holiday


def _order_seconds(scale: Scale) -> np.ndarray:
    """Creation time of every order (seconds since START), sorted so ids follow time."""
    rng = _rng("order_times")
    day = _pick(rng, np.arange(DAYS), _day_weights(), scale.orders)
    hour = _pick(rng, np.arange(24), HOUR_WEIGHTS, scale.orders)
    second = rng.integers(0, 3600, size=scale.orders)
    seconds = day.astype(np.int64) * SECONDS_PER_DAY + hour * 3600 + second
    seconds.sort()
    return seconds


def _order_customers(scale: Scale) -> np.ndarray:
    """Who placed each order (0-based, not yet renumbered): a few heavy, the rest log-normal."""
    rng = _rng("order_customers")
    weights = rng.lognormal(mean=0.0, sigma=1.0, size=scale.customers)
    heavy = rng.choice(scale.customers, size=HEAVY_CUSTOMERS, replace=False)
    weights[heavy] = 0.0
    weights *= (1.0 - HEAVY_SHARE) / weights.sum()
    weights[heavy] = HEAVY_SHARE / HEAVY_CUSTOMERS
    return _pick(rng, np.arange(scale.customers), weights, scale.orders)


def _signup_seconds(scale: Scale, customer: np.ndarray, order_seconds: np.ndarray) -> np.ndarray:
    """When each customer signed up: shortly before their first order, never before START.

    Customers who never ordered signed up at a random time in the window.
    """
    rng = _rng("signups")
    window = DAYS * SECONDS_PER_DAY
    signup = rng.integers(0, window, size=scale.customers)
    buyers, first_index = np.unique(customer, return_index=True)  # orders are sorted by time
    first = order_seconds[first_index]
    lead = rng.exponential(10 * SECONDS_PER_DAY, size=buyers.size).astype(np.int64)
    too_early = lead > first
    lead[too_early] = (rng.random(too_early.sum()) * first[too_early]).astype(np.int64)
    signup[buyers] = first - lead
    return signup


def _emails(rng: np.random.Generator, n: int, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Unique, realistic addresses such as ``ada.lovelace42@example.com``.

    The number is a permutation of 1..n, which keeps every address unique even after
    ``lower()``. A few addresses keep the capitals a user typed.
    """
    number = (rng.permutation(n) + 1).astype("U")
    domain = _pick(rng, EMAIL_DOMAINS, EMAIL_DOMAIN_WEIGHTS, n)
    mixed = rng.random(n) < MIXED_CASE_SHARE
    first = np.where(mixed, np.strings.capitalize(first), first)
    last = np.where(mixed, np.strings.capitalize(last), last)
    domain = np.where(mixed, np.strings.capitalize(domain), domain)
    pattern = _pick(rng, np.arange(3), (0.60, 0.25, 0.15), n)
    dotted = _join(first, ".", last)  # ada.lovelace
    underscored = _join(first, "_", last)  # ada_lovelace
    initial = _join(np.strings.slice(first, 1), last)  # alovelace
    local = np.where(pattern == 0, dotted, np.where(pattern == 1, underscored, initial))
    return _join(local, number, "@", domain)


def _customers(scale: Scale, signup: np.ndarray) -> Columns:
    """Customer rows in signup order (row i gets id i + 1), given each customer's signup time."""
    rng = _rng("customers")
    n = scale.customers
    first = np.asarray(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), size=n)]
    last = np.asarray(LAST_NAMES)[rng.integers(0, len(LAST_NAMES), size=n)]
    email = _emails(rng, n, first, last)
    name = _join(np.strings.capitalize(first), " ", np.strings.capitalize(last))
    country = _pick(rng, COUNTRIES, COUNTRY_WEIGHTS, n)
    order = np.argsort(signup, kind="stable")
    return {
        "id": np.arange(1, n + 1, dtype=np.int64),
        "email": email[order],
        "name": name[order],
        "country": country[order],
        "created_at": _format_timestamps(signup[order]),
    }


def _products(scale: Scale) -> Columns:
    """Products with a category, a two-word name and a log-normal price ending in .99."""
    rng = _rng("products")
    n = scale.products
    names = list(CATEGORIES)
    category = rng.integers(0, len(names), size=n)
    median = np.asarray([CATEGORIES[c][0] for c in names], dtype=np.float64)[category]
    nouns = np.asarray([CATEGORIES[c][1] for c in names])
    noun = nouns[category, rng.integers(0, nouns.shape[1], size=n)]
    adjective = np.asarray(ADJECTIVES)[rng.integers(0, len(ADJECTIVES), size=n)]
    dollars = np.rint(median * rng.lognormal(0.0, 0.5, size=n) / 100)
    dollars = np.maximum(1, dollars).astype(np.int64)
    return {
        "id": np.arange(1, n + 1, dtype=np.int64),
        "name": _join(adjective, " ", noun),
        "category": np.asarray(names)[category],
        "price_cents": dollars * 100 - 1,
    }


def _distinct_products_per_order(
    rng: np.random.Generator, order_index: np.ndarray, product: np.ndarray, popularity: np.ndarray
) -> np.ndarray:
    """Redraw products that occur twice in one order until each order lists a product once.

    Shops merge a repeated product into one line with a larger quantity, and lessons may
    rely on (order_id, product_id) being unique.
    """
    n_products = popularity.size
    while True:
        key = order_index * n_products + product
        sorted_positions = np.argsort(key, kind="stable")
        sorted_keys = key[sorted_positions]
        repeated = sorted_positions[1:][sorted_keys[1:] == sorted_keys[:-1]]
        if repeated.size == 0:
            return product
        product[repeated] = _pick(rng, np.arange(n_products), popularity, repeated.size)


def _order_items(scale: Scale, price_cents: np.ndarray) -> tuple[Columns, np.ndarray]:
    """Order lines (1-5 per order, popular products more often) and each order's total."""
    rng = _rng("items")
    counts = _item_counts(scale)
    order_index = np.repeat(np.arange(scale.orders, dtype=np.int64), counts)
    n = order_index.size
    # Zipf-like popularity: a few best-sellers, a long tail; which products are popular is random.
    popularity = _probabilities(1.0 / np.arange(1, scale.products + 1) ** 0.8)
    popularity = popularity[rng.permutation(scale.products)]
    product = _pick(rng, np.arange(scale.products), popularity, n)
    product = _distinct_products_per_order(rng, order_index, product, popularity)
    quantity = _pick(rng, np.arange(1, 5), QUANTITY_WEIGHTS, n)
    unit_price = price_cents[product].copy()
    discounted = rng.random(n) < 0.08  # a sale: 10, 20 or 25 % off
    discount = rng.choice(np.asarray([0.90, 0.80, 0.75]), size=int(discounted.sum()))
    unit_price[discounted] = np.rint(unit_price[discounted] * discount).astype(np.int64)
    line_total = quantity * unit_price
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    totals = np.add.reduceat(line_total, starts)
    items = {
        "id": np.arange(1, n + 1, dtype=np.int64),
        "order_id": order_index + 1,
        "product_id": product.astype(np.int64) + 1,
        "quantity": quantity.astype(np.int64),
        "unit_price_cents": unit_price.astype(np.int64),
    }
    return items, totals.astype(np.int64)


def _info_rows(scale_name: str) -> dict[str, str]:
    """What ``dataset_info`` holds; a cached file is only trusted if it holds exactly this."""
    counts = _data_row_counts(scale_name)
    info = {"name": DATASET_NAME, "scale": scale_name, "version": str(VERSION), "seed": str(SEED)}
    info.update({f"rows.{table}": str(count) for table, count in counts.items()})
    return info


def generate(scale: str | None = None) -> dict[str, Columns]:
    """Every table's rows as columns: ``{table: {column: numpy array}}``, in ``COLUMNS`` order.

    Column arrays rather than row tuples because numpy builds them fast and the loaders
    turn them into tuples a batch at a time, which keeps memory small at full scale.
    Both loaders use this one function, so SQLite and PostgreSQL hold identical rows.
    Integers are int64 arrays, text and timestamps ('YYYY-MM-DD HH:MM:SS') string arrays.
    """
    name = _resolve_scale(scale)
    sizes = SCALES[name]
    order_seconds = _order_seconds(sizes)
    customer = _order_customers(sizes)
    signup = _signup_seconds(sizes, customer, order_seconds)
    # Customers are numbered in signup order, like an auto-increment id would number them.
    new_id = np.empty(sizes.customers, dtype=np.int64)
    new_id[np.argsort(signup, kind="stable")] = np.arange(1, sizes.customers + 1)
    products = _products(sizes)
    items, totals = _order_items(sizes, products["price_cents"])
    status = _pick(_rng("order_status"), STATUSES, STATUS_WEIGHTS, sizes.orders)
    orders = {
        "id": np.arange(1, sizes.orders + 1, dtype=np.int64),
        "customer_id": new_id[customer],
        "status": status,
        "created_at": _format_timestamps(order_seconds),
        "total_cents": totals,
    }
    info = _info_rows(name)
    return {
        "customers": _customers(sizes, signup),
        "products": products,
        "orders": orders,
        "order_items": items,
        "dataset_info": {"key": np.asarray(list(info)), "value": np.asarray(list(info.values()))},
    }


@functools.cache
def _data_row_counts(scale_name: str) -> dict[str, int]:
    """Rows in the four shop tables; only the cheap item-count stream is drawn."""
    sizes = SCALES[scale_name]
    return {
        "customers": sizes.customers,
        "products": sizes.products,
        "orders": sizes.orders,
        "order_items": int(_item_counts(sizes).sum()),
    }


def row_counts(scale: str | None = None) -> dict[str, int]:
    """Expected rows per table (every name in ``TABLES``), without generating the data.

    Tests and ``backendlab doctor`` compare a database against this to spot a partial load.
    """
    name = _resolve_scale(scale)
    counts = dict(_data_row_counts(name))
    counts["dataset_info"] = len(counts) + 4  # name, scale, version, seed + one per table
    return counts


# ---------------------------------------------------------------------------------------
# SQLite
# ---------------------------------------------------------------------------------------

_BATCH_ROWS = 100_000


def _sqlite_create_table(table: str) -> str:
    """CREATE TABLE for SQLite, keys inline (``id INTEGER PRIMARY KEY`` is the rowid)."""
    references = {column: target for t, column, target in FOREIGN_KEYS if t == table}
    parts = []
    for column, sql_type in COLUMNS[table]:
        part = f"{column} {sql_type}"
        if column == PRIMARY_KEYS[table]:
            part += " PRIMARY KEY"
        else:
            part += " NOT NULL"
        if column in references:
            part += f" REFERENCES {references[column]}(id)"
        parts.append(part)
    return f"CREATE TABLE {table} ({', '.join(parts)})"


def _progress(total: int, description: str) -> tqdm:
    """A progress bar on stdout: nbgrader scores a cell 0 when anything reaches stderr."""
    return tqdm(total=total, desc=description, unit=" rows", unit_scale=True, file=sys.stdout,
                mininterval=0.5)


def _row_batches(columns: Columns) -> Iterator[list[tuple]]:
    """The rows as lists of plain Python tuples, a batch at a time to bound memory."""
    arrays = list(columns.values())
    total = len(arrays[0])
    for start in range(0, total, _BATCH_ROWS):
        yield list(zip(*(array[start : start + _BATCH_ROWS].tolist() for array in arrays)))


def sqlite_path(scale: str | None = None) -> Path:
    """Where the pristine SQLite file of a scale lives (whether or not it is built yet)."""
    name = _resolve_scale(scale)
    return data_dir() / "datasets" / f"{DATASET_NAME}-{name}-v{VERSION}.sqlite"


def _is_complete(path: Path, scale_name: str) -> bool:
    """True if ``path`` is a finished build: its ``dataset_info`` is exactly what we expect.

    Opened read-only so that checking never changes the pristine file.
    """
    if not path.is_file():
        return False
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            stored = dict(conn.execute("SELECT key, value FROM dataset_info").fetchall())
    except sqlite3.Error:
        return False
    return stored == _info_rows(scale_name)


def _write_sqlite(path: Path, data: dict[str, Columns], progress: tqdm) -> None:
    """Create the schema and insert all rows into a new SQLite file, in one transaction.

    No journal and no fsync during the build: the file is a temporary one, and a crash
    just means it is rebuilt. The finished file is switched back to the normal rollback
    journal so that lessons using it behave like an ordinary database.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")  # 256 MiB: keeps the B-trees in memory
        conn.execute("BEGIN")
        for table in TABLES:
            conn.execute(_sqlite_create_table(table))
            placeholders = ", ".join("?" for _ in COLUMNS[table])
            insert = f"INSERT INTO {table} VALUES ({placeholders})"
            for batch in _row_batches(data[table]):
                conn.executemany(insert, batch)
                progress.update(len(batch))
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def _remove_leftovers(final: Path) -> None:
    """Delete temporary files of builds that were killed half-way (we hold the lock)."""
    for leftover in final.parent.glob(f"{final.name}.*.tmp"):
        leftover.unlink(missing_ok=True)


def _build_sqlite(final: Path, scale_name: str) -> None:
    """Generate the data and build the file under a temporary name, then rename it in place.

    ``os.replace`` is atomic, so another process sees either no file or a complete one.
    """
    started = time.perf_counter()
    _remove_leftovers(final)
    # Same folder, so that os.replace is a rename; a plain name (not mkstemp's private 0600
    # file) so that the file gets the user's usual permissions. We hold the lock: no clash.
    temporary = final.parent / f"{final.name}.{os.getpid()}.tmp"
    temporary.unlink(missing_ok=True)
    try:
        total = sum(row_counts(scale_name).values())
        with _progress(total, f"Building {scale_name} shop dataset") as progress:
            data = generate(scale_name)
            _write_sqlite(temporary, data, progress)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())  # the data must be on disk before the name points at it
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)
    seconds = time.perf_counter() - started
    orders = row_counts(scale_name)["orders"]
    print(f"Built the {scale_name} shop dataset ({orders:,} orders) in {seconds:.1f} s → {final}")


def shop_sqlite(scale: str | None = None) -> Path:
    """The pristine SQLite shop database of a scale, built on first use and cached.

    Copy it before changing it: every lesson starts from this same file. The file name
    carries ``VERSION``, so a changed generator never reuses old data. Building happens
    under a file lock, so two kernels starting at once build it only once, and a file
    whose ``dataset_info`` is missing or wrong (an interrupted or foreign file) is rebuilt.
    """
    name = _resolve_scale(scale)
    path = sqlite_path(name)
    if _is_complete(path, name):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(path.parent / f"{path.name}.lock"):
        if not _is_complete(path, name):  # someone else may have built it while we waited
            _build_sqlite(path, name)
    return path


# ---------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------


def _postgres_create_table(table: str) -> str:
    """CREATE TABLE for PostgreSQL without keys: COPY is faster into a bare table."""
    parts = [f"{column} {sql_type} NOT NULL" for column, sql_type in COLUMNS[table]]
    return f"CREATE TABLE {table} ({', '.join(parts)})"


def _postgres_constraints() -> list[str]:
    """Primary keys, then foreign keys, added after the load (one index build, one check)."""
    statements = [
        f"ALTER TABLE {table} ADD PRIMARY KEY ({column})" for table, column in PRIMARY_KEYS.items()
    ]
    statements += [
        f"ALTER TABLE {table} ADD FOREIGN KEY ({column}) REFERENCES {target}(id)"
        for table, column, target in FOREIGN_KEYS
    ]
    return statements


def load_shop_postgres(conn: psycopg.Connection, scale: str | None = None) -> None:
    """Create the shop schema in an empty PostgreSQL database and load the rows with COPY.

    ``conn`` is an open psycopg 3 connection with autocommit off. The rows are the same as
    in ``shop_sqlite`` (both come from ``generate``). Keys are added after the load, which
    is much faster than maintaining indexes row by row, and ANALYZE gathers the planner's
    statistics; everything commits at once, so a failed load leaves the database empty (the
    transaction is rolled back).
    """
    name = _resolve_scale(scale)
    started = time.perf_counter()
    total = sum(row_counts(name).values())
    try:
        with _progress(total, f"Loading {name} shop dataset") as progress:
            data = generate(name)
            with conn.cursor() as cursor:
                for table in TABLES:
                    cursor.execute(_postgres_create_table(table))
                    column_list = ", ".join(column for column, _ in COLUMNS[table])
                    # FREEZE: the rows are written already frozen, so the first query after
                    # the load does not rewrite every page to set hint bits (which would
                    # distort the timings lessons measure). Allowed because the table was
                    # created in this same transaction.
                    with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN (FREEZE)") as copy:
                        for batch in _row_batches(data[table]):
                            for row in batch:
                                copy.write_row(row)
                            progress.update(len(batch))
                progress.set_postfix_str("adding keys")
                for statement in _postgres_constraints():
                    cursor.execute(statement)
                # Statistics now: autovacuum gets to a new table only about a minute later, and
                # until then the planner guesses (a JOIN planned blind ran slower than 150
                # single queries). Working copies made with CREATE DATABASE … TEMPLATE copy
                # these statistics (pg_statistic is copied with the rest of the database).
                progress.set_postfix_str("analyzing")
                cursor.execute("ANALYZE")
        conn.commit()
    except BaseException:
        if not conn.closed:
            conn.rollback()
        raise
    seconds = time.perf_counter() - started
    orders = row_counts(name)["orders"]
    print(f"Loaded the {name} shop dataset ({orders:,} orders) into PostgreSQL in {seconds:.1f} s")
