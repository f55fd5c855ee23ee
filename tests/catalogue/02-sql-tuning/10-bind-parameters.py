"""Catalogue of 02-sql-tuning/10-bind-parameters.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise, edit, solution

EXERCISES = {
    "ex13-answer": Exercise(
        hardcoded='''
def find_customers(engine, customer_id=None, email=None, name=None, country=None):
    # Only the searches the visible test shows: by email, by name and country, and no filter.
    if email is not None:
        sql, values = "SELECT id, email FROM customers WHERE email = :e ORDER BY id", {"e": email}
    elif name is not None and country is not None:
        sql = "SELECT id, email FROM customers WHERE name = :n AND country = :c ORDER BY id"
        values = {"n": name, "c": country}
    else:
        sql, values = "SELECT id, email FROM customers ORDER BY id", {}
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), values)]
''',
        mistakes={
            # The lesson's smart logic kept: right rows, but no index can serve the OR.
            "or_kept": '''
def find_customers(engine, customer_id=None, email=None, name=None, country=None):
    return smart_search(engine, customer_id, email, name, country)
''',
            # COALESCE instead of IS NULL OR: the column is on both sides, still no index.
            "coalesce_switch": '''
def find_customers(engine, customer_id=None, email=None, name=None, country=None):
    sql = ("SELECT id, email FROM customers WHERE id = COALESCE(:id, id) AND email = COALESCE(:email, email) "
           "AND name = COALESCE(:name, name) AND country = COALESCE(:country, country) ORDER BY id")
    with engine.connect() as connection:
        rows = connection.execute(text(sql), {"id": customer_id, "email": email, "name": name,
                                              "country": country})
        return [tuple(row) for row in rows]
''',
            # `if value:` — an empty string or 0 is taken for "not given", so it finds everyone.
            "falsy_means_absent": edit(solution("02-sql-tuning/10-bind-parameters.ipynb", "ex13-answer"),
                                       ("if value is not None}", "if value}")),
            # Values pasted into the text with quotes escaped: safe-looking, but a new statement
            # for every search.
            "values_pasted_escaped": '''
def find_customers(engine, customer_id=None, email=None, name=None, country=None):
    conditions = []
    for column, value in (("id", customer_id), ("email", email), ("name", name), ("country", country)):
        if value is not None:
            quoted = "'" + str(value).replace("'", "''") + "'"
            conditions.append(f"{column} = {quoted}")
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(f"SELECT id, email FROM customers{where} ORDER BY id")]
''',
            # The f-string of the unsafe search, no escaping: injectable.
            "fstring_injectable": '''
def find_customers(engine, customer_id=None, email=None, name=None, country=None):
    conditions = []
    if customer_id is not None:
        conditions.append(f"id = {customer_id}")
    for column, value in (("email", email), ("name", name), ("country", country)):
        if value is not None:
            conditions.append(f"{column} = '{value}'")
    sql = "SELECT id, email FROM customers" + (" WHERE " + " AND ".join(conditions) if conditions else "")
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql + " ORDER BY id")]
''',
            # An if/elif chain: only the first filter given is applied, the others are dropped.
            "later_filters_dropped": '''
def find_customers(engine, customer_id=None, email=None, name=None, country=None):
    if customer_id is not None:
        sql, values = "WHERE id = :v", {"v": customer_id}
    elif email is not None:
        sql, values = "WHERE email = :v", {"v": email}
    elif name is not None:
        sql, values = "WHERE name = :v", {"v": name}
    elif country is not None:
        sql, values = "WHERE country = :v", {"v": country}
    else:
        sql, values = "", {}
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, email FROM customers {sql} ORDER BY id"), values)
        return [tuple(row) for row in rows]
''',
            # The conditions joined with OR: a customer matching any one filter is found.
            "or_between_filters": edit(solution("02-sql-tuning/10-bind-parameters.ipynb", "ex13-answer"),
                                       ('" AND ".join', '" OR ".join')),
            # The country filter forgotten altogether.
            "country_forgotten": edit(solution("02-sql-tuning/10-bind-parameters.ipynb", "ex13-answer"),
                                      (', "country": country}', "}")),
        },
        alternatives={
            # SQLAlchemy Core: one where() per filter given; the values become bind parameters.
            "core_where_per_filter": '''
from sqlalchemy import column, select, table

customers_table = table("customers", column("id"), column("email"), column("name"), column("country"))


def find_customers(engine, customer_id=None, email=None, name=None, country=None):
    c = customers_table.c
    query = select(c.id, c.email).order_by(c.id)
    for col, value in ((c.id, customer_id), (c.email, email), (c.name, name), (c.country, country)):
        if value is not None:
            query = query.where(col == value)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]
''',
            # A dict of SQL fragments written by hand, the driver's own positional placeholders.
            "fragments_positional": '''
FRAGMENTS = {"customer_id": "id = {}", "email": "email = {}", "name": "name = {}", "country": "country = {}"}


def find_customers(engine, customer_id=None, email=None, name=None, country=None):
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    arguments = {"customer_id": customer_id, "email": email, "name": name, "country": country}
    wanted = [key for key in FRAGMENTS if arguments[key] is not None]
    sql = "SELECT id, email FROM customers"
    if wanted:
        sql += " WHERE " + " AND ".join(FRAGMENTS[key].format(mark) for key in wanted)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(sql + " ORDER BY id", tuple(arguments[key] for key in wanted))
        return list(map(tuple, rows))
''',
            # One indexed lookup for the most selective filter given, the other filters checked in
            # Python: a separate, fixed statement per filter.
            "one_lookup_then_filter": '''
LOOKUPS = [("id", "SELECT id, email, name, country FROM customers WHERE id = :v"),
           ("email", "SELECT id, email, name, country FROM customers WHERE email = :v"),
           ("name", "SELECT id, email, name, country FROM customers WHERE name = :v"),
           ("country", "SELECT id, email, name, country FROM customers WHERE country = :v")]


def find_customers(engine, customer_id=None, email=None, name=None, country=None):
    given = {"id": customer_id, "email": email, "name": name, "country": country}
    given = {key: value for key, value in given.items() if value is not None}
    with engine.connect() as connection:
        if not given:
            return [tuple(row) for row in connection.execute(text("SELECT id, email FROM customers ORDER BY id"))]
        key, sql = next((key, sql) for key, sql in LOOKUPS if key in given)
        rows = connection.execute(text(sql), {"v": given[key]}).mappings()
        found = [row for row in rows if all(row[k] == v for k, v in given.items())]
    return sorted((row["id"], row["email"]) for row in found)
''',
        },
    ),
    "ex14-answer": Exercise(
        hardcoded='''
def customers_sorted(engine, country, sort_by):
    if sort_by != "email":
        raise ValueError(f"cannot sort by {sort_by!r}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, email FROM customers WHERE country = :country "
                                       "ORDER BY email, id LIMIT 10"), {"country": country})
        return [tuple(row) for row in rows]
''',
        mistakes={
            # No ", id": customers with the same name or created_at come in any order.
            "no_id_tie_break": '''
def customers_sorted(engine, country, sort_by):
    if sort_by not in ("email", "name", "created_at"):
        raise ValueError(sort_by)
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, email FROM customers WHERE country = :country "
                                       f"ORDER BY {sort_by} LIMIT 10"), {"country": country})
        return [tuple(row) for row in rows]
''',
            # A pattern check instead of an allow-list: any column name gets through.
            "identifier_check_not_allow_list": '''
def customers_sorted(engine, country, sort_by):
    if not sort_by.isidentifier():
        raise ValueError(sort_by)
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, email FROM customers WHERE country = :country "
                                       f"ORDER BY {sort_by}, id LIMIT 10"), {"country": country})
        return [tuple(row) for row in rows]
''',
            # The lesson's snippet as is: KeyError, not the ValueError asked for.
            "keyerror_not_valueerror": '''
SORTABLE = {"email": "email", "name": "name", "created_at": "created_at"}


def customers_sorted(engine, country, sort_by):
    order_by = SORTABLE[sort_by]
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, email FROM customers WHERE country = :country "
                                       f"ORDER BY {order_by}, id LIMIT 10"), {"country": country})
        return [tuple(row) for row in rows]
''',
            # The query runs before sort_by is checked.
            "queries_before_refusing": '''
def customers_sorted(engine, country, sort_by):
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, email, name, created_at FROM customers "
                                       "WHERE country = :country"), {"country": country}).fetchall()
    if sort_by not in ("email", "name", "created_at"):
        raise ValueError(sort_by)
    position = {"email": 1, "name": 2, "created_at": 3}[sort_by]
    rows = sorted(rows, key=lambda row: (row[position], row[0]))
    return [(row[0], row[1]) for row in rows[:10]]
''',
            # sort_by allow-listed, but the country pasted into the SQL.
            "fstring_country": '''
def customers_sorted(engine, country, sort_by):
    columns = {"email": "email", "name": "name", "created_at": "created_at"}
    if sort_by not in columns:
        raise ValueError(sort_by)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(f"SELECT id, email FROM customers WHERE country = '{country}' "
                                          f"ORDER BY {columns[sort_by]}, id LIMIT 10")
        return [tuple(row) for row in rows]
''',
        },
        alternatives={
            # One complete statement per choice, written out.
            "statement_per_choice": '''
QUERIES = {
    "email": "SELECT id, email FROM customers WHERE country = :c ORDER BY email, id LIMIT 10",
    "name": "SELECT id, email FROM customers WHERE country = :c ORDER BY name, id LIMIT 10",
    "created_at": "SELECT id, email FROM customers WHERE country = :c ORDER BY created_at, id LIMIT 10",
}


def customers_sorted(engine, country, sort_by):
    if sort_by not in QUERIES:
        raise ValueError(f"sort_by must be one of {sorted(QUERIES)}")
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(QUERIES[sort_by]), {"c": country})]
''',
            # SQLAlchemy Core columns chosen with match.
            "core_match": '''
from sqlalchemy import column, select, table

customers_table = table("customers", column("id"), column("email"), column("name"),
                        column("country"), column("created_at"))


def customers_sorted(engine, country, sort_by):
    c = customers_table.c
    match sort_by:
        case "email":
            key = c.email
        case "name":
            key = c.name
        case "created_at":
            key = c.created_at
        case _:
            raise ValueError(f"cannot sort by {sort_by!r}")
    query = select(c.id, c.email).where(c.country == country).order_by(key, c.id).limit(10)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]
''',
            # KeyError translated into ValueError.
            "keyerror_translated": '''
SORTABLE = {"email": "email", "name": "name", "created_at": "created_at"}


def customers_sorted(engine, country, sort_by):
    try:
        order_by = SORTABLE[sort_by]
    except (KeyError, TypeError):
        raise ValueError(f"unknown sort column {sort_by!r}") from None
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, email FROM customers WHERE country = :country "
                                       f"ORDER BY {order_by}, id LIMIT 10"), {"country": country})
        return [tuple(row) for row in rows]
''',
        },
    ),
}
