//! The SQLite and PostgreSQL migrations (`server/migrations/{sqlite,postgres}`) must give
//! the same schema, since both engines run the same queries: the same tables; per table
//! the same columns (name, a type class, NOT NULL, default, generated id), primary key,
//! foreign keys (with their ON DELETE), indexes (unique or not, columns, partial-index
//! condition) and CHECK constraints (the columns they read and the expression).
//!
//! Each schema is read from the database the migrations made (SQLite: `pragma_table_info`,
//! `pragma_foreign_key_list`, `pragma_index_list`/`pragma_index_info`, the CREATE
//! statements in `sqlite_master`; PostgreSQL: `information_schema.columns`, `pg_constraint`,
//! `pg_index`) and written as one line per fact; a difference fails with the lines only
//! one side has.
//!
//! Normalised on purpose:
//! - Types by class: integer types `int`, character types `text`, `bool`, `real`, `blob`
//!   (SQLite by its affinity rules on the declared type).
//! - A primary-key column counts as NOT NULL on both engines. (SQLite, unlike PostgreSQL,
//!   lets a non-INTEGER primary key column hold NULL unless it is also declared NOT NULL;
//!   the app never writes one.)
//! - `id INTEGER PRIMARY KEY` (SQLite's rowid) and an identity column are both `generated`.
//! - Expressions (CHECK, DEFAULT, partial-index WHERE) are compared as tokens: lower case,
//!   casts (`::text`), parentheses and `= ANY (ARRAY[…])` (PostgreSQL's form of `IN (…)`)
//!   dropped. Index and constraint names are not compared.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::Engine;
use server::db::Backend;
use sqlx::AnyPool;

/// A migrated, empty database of each engine.
async fn migrated(engine: Engine) -> AnyPool {
    let url = common::fresh_database(engine).await;
    let pool = server::db::connect(&url, 2).await.expect("connect");
    let backend = match engine {
        Engine::Sqlite => Backend::Sqlite,
        Engine::Postgres => Backend::Postgres,
    };
    server::db::migrate(&pool, backend).await.expect("migrate");
    pool
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_migrations_give_the_same_schema() {
    let sqlite = sqlite_schema(&migrated(Engine::Sqlite).await).await;
    let postgres = postgres_schema(&migrated(Engine::Postgres).await).await;
    assert!(
        sqlite.len() > 100,
        "the schema was read ({} facts)",
        sqlite.len()
    );
    let diff = diff(&sqlite, &postgres);
    assert!(diff.is_empty(), "{}", report(&diff));
}

/// The comparison itself: a column, an index, a foreign key or a CHECK on one side only
/// is a difference (besides any the migrations already have).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_one_side_is_a_difference() {
    let sqlite = migrated(Engine::Sqlite).await;
    let postgres = migrated(Engine::Postgres).await;
    let before = diff(
        &sqlite_schema(&sqlite).await,
        &postgres_schema(&postgres).await,
    );
    for sql in [
        "ALTER TABLE users ADD COLUMN nickname TEXT",
        "CREATE UNIQUE INDEX users_one_admin ON users (role) WHERE role = 'admin'",
    ] {
        sqlx::query(sql).execute(&sqlite).await.expect(sql);
    }
    for sql in [
        "ALTER TABLE skus ADD CONSTRAINT label_short CHECK (length(label) < 200)",
        "ALTER TABLE wishlist DROP CONSTRAINT wishlist_product_id_fkey",
    ] {
        sqlx::query(sql).execute(&postgres).await.expect(sql);
    }
    let after = diff(
        &sqlite_schema(&sqlite).await,
        &postgres_schema(&postgres).await,
    );
    let new: Vec<(char, String)> = after.into_iter().filter(|d| !before.contains(d)).collect();
    let expected: Vec<(char, String)> = [
        ('+', "skus  CHECK (label): length label < 200"),
        ('-', "users  UNIQUE (role) WHERE role = 'admin'"),
        ('-', "users.nickname  text"),
        (
            '-',
            "wishlist  FOREIGN KEY (product_id) -> products (id) ON DELETE NO ACTION",
        ),
    ]
    .into_iter()
    .map(|(side, line)| (side, line.to_string()))
    .collect();
    assert_eq!(new, expected, "{}", report(&new));
}

/// The lines only one side has, `-` SQLite and `+` PostgreSQL, sorted by the line.
fn diff(sqlite: &BTreeSet<String>, postgres: &BTreeSet<String>) -> Vec<(char, String)> {
    let mut out: Vec<(char, String)> = sqlite
        .difference(postgres)
        .map(|l| ('-', l.clone()))
        .chain(postgres.difference(sqlite).map(|l| ('+', l.clone())))
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    out
}

fn report(diff: &[(char, String)]) -> String {
    let mut s = String::from(
        "the SQLite and PostgreSQL migrations give different schemas \
         (- only SQLite has it, + only PostgreSQL):\n",
    );
    for (side, line) in diff {
        s.push_str(&format!("  {side} {line}\n"));
    }
    s
}

/// One table as both engines are described: columns in order, then the rest.
#[derive(Default)]
struct Table {
    /// name -> "class [not null] [default …] [generated]"
    columns: Vec<(String, String)>,
    primary_key: Vec<String>,
    /// "(cols) -> table (cols) ON DELETE action"
    foreign_keys: Vec<String>,
    /// "UNIQUE|INDEX (cols)[ WHERE expr]"
    indexes: Vec<String>,
    /// normalised expressions
    checks: Vec<Vec<String>>,
}

fn facts(tables: BTreeMap<String, Table>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (name, t) in tables {
        out.insert(format!("table {name}"));
        let columns: BTreeSet<&str> = t.columns.iter().map(|(c, _)| c.as_str()).collect();
        for (column, what) in &t.columns {
            out.insert(format!("{name}.{column}  {what}"));
        }
        out.insert(if t.primary_key.is_empty() {
            format!("{name}  no PRIMARY KEY")
        } else {
            format!("{name}  PRIMARY KEY ({})", t.primary_key.join(", "))
        });
        for fk in t.foreign_keys {
            out.insert(format!("{name}  FOREIGN KEY {fk}"));
        }
        for index in t.indexes {
            out.insert(format!("{name}  {index}"));
        }
        for check in t.checks {
            let mut read: Vec<&str> = check
                .iter()
                .map(String::as_str)
                .filter(|tok| columns.contains(tok))
                .collect();
            read.sort();
            read.dedup();
            out.insert(format!(
                "{name}  CHECK ({}): {}",
                read.join(", "),
                join_tokens(&check)
            ));
        }
    }
    out
}

fn column(class: &str, not_null: bool, default: Option<&str>, generated: bool) -> String {
    let mut s = class.to_string();
    if not_null {
        s.push_str(" not null");
    }
    if let Some(d) = default {
        s.push_str(" default ");
        s.push_str(&join_tokens(&normalise(&tokens(d))));
    }
    if generated {
        s.push_str(" generated");
    }
    s
}

/// SQLite's type affinity rules (section 3.1 of "Datatypes In SQLite"), by class.
fn sqlite_class(declared: &str) -> &'static str {
    let t = declared.to_ascii_uppercase();
    if t.contains("BOOL") {
        "bool"
    } else if t.contains("INT") {
        "int"
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        "text"
    } else if t.is_empty() || t.contains("BLOB") {
        "blob"
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        "real"
    } else {
        "numeric"
    }
}

fn postgres_class(data_type: &str) -> String {
    match data_type {
        "smallint" | "integer" | "bigint" => "int",
        "text" | "character varying" | "character" => "text",
        "boolean" => "bool",
        "real" | "double precision" => "real",
        "bytea" => "blob",
        "numeric" => "numeric",
        other => other,
    }
    .to_string()
}

async fn sqlite_schema(db: &AnyPool) -> BTreeSet<String> {
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(db)
    .await
    .expect("tables");
    let mut out = BTreeMap::new();
    for (name, create) in tables {
        let mut t = Table::default();
        let cols: Vec<(String, String, i64, Option<String>, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(db)
        .await
        .expect("columns");
        let pk_count = cols.iter().filter(|c| c.4 > 0).count();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for (column, declared, not_null, default, pk_pos) in &cols {
            // `INTEGER PRIMARY KEY` alone is the rowid: never NULL, numbered by SQLite.
            let rowid = *pk_pos > 0 && pk_count == 1 && declared.eq_ignore_ascii_case("INTEGER");
            t.columns.push((
                column.clone(),
                self::column(
                    sqlite_class(declared),
                    *not_null == 1 || *pk_pos > 0,
                    default.as_deref(),
                    rowid,
                ),
            ));
            if *pk_pos > 0 {
                pk.push((*pk_pos, column.clone()));
            }
        }
        pk.sort();
        t.primary_key = pk.into_iter().map(|(_, c)| c).collect();

        let fks: Vec<(i64, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq",
        )
        .bind(&name)
        .fetch_all(db)
        .await
        .expect("foreign keys");
        // Referenced table, columns here, columns there (None: its primary key), ON DELETE.
        type SqliteForeignKey = (String, Vec<String>, Vec<Option<String>>, String);
        let mut by_id: BTreeMap<i64, SqliteForeignKey> = BTreeMap::new();
        for (id, table, from, to, on_delete) in fks {
            let e = by_id
                .entry(id)
                .or_insert_with(|| (table, Vec::new(), Vec::new(), on_delete));
            e.1.push(from);
            e.2.push(to);
        }
        for (table, from, to, on_delete) in by_id.into_values() {
            // `REFERENCES t` without columns means t's primary key.
            let to: Vec<String> = if to.iter().all(Option::is_none) {
                sqlx::query_scalar(
                    "SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk",
                )
                .bind(&table)
                .fetch_all(db)
                .await
                .expect("referenced key")
            } else {
                to.into_iter().map(Option::unwrap_or_default).collect()
            };
            t.foreign_keys.push(format!(
                "({}) -> {table} ({}) ON DELETE {}",
                from.join(", "),
                to.join(", "),
                on_delete.to_ascii_uppercase()
            ));
        }

        let indexes: Vec<(String, i64, String, i64)> =
            sqlx::query_as("SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)")
                .bind(&name)
                .fetch_all(db)
                .await
                .expect("indexes");
        for (index, unique, origin, partial) in indexes {
            if origin == "pk" {
                continue;
            }
            let cols: Vec<Option<String>> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(db)
                    .await
                    .expect("index columns");
            let cols: Vec<String> = cols
                .into_iter()
                .map(|c| c.unwrap_or_else(|| "<expression>".into()))
                .collect();
            let condition = if partial == 1 {
                let sql: String = sqlx::query_scalar(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1",
                )
                .bind(&index)
                .fetch_one(db)
                .await
                .expect("index statement");
                let toks = tokens(&sql);
                let at = toks
                    .iter()
                    .position(|t| t == "where")
                    .expect("WHERE of a partial index");
                Some(normalise(&toks[at + 1..]))
            } else {
                None
            };
            t.indexes.push(index_fact(unique == 1, &cols, condition));
        }

        let toks = tokens(&create);
        let mut i = 0;
        while i < toks.len() {
            if toks[i] == "check" && toks.get(i + 1).is_some_and(|t| t == "(") {
                let mut depth = 0;
                let mut end = i + 1;
                for (j, tok) in toks.iter().enumerate().skip(i + 1) {
                    match tok.as_str() {
                        "(" => depth += 1,
                        ")" => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        end = j;
                        break;
                    }
                }
                t.checks.push(normalise(&toks[i + 1..=end]));
                i = end;
            }
            i += 1;
        }
        out.insert(name, t);
    }
    facts(out)
}

fn index_fact(unique: bool, cols: &[String], condition: Option<Vec<String>>) -> String {
    let mut s = format!(
        "{} ({})",
        if unique { "UNIQUE" } else { "INDEX" },
        cols.join(", ")
    );
    if let Some(c) = condition {
        s.push_str(" WHERE ");
        s.push_str(&join_tokens(&c));
    }
    s
}

/// `string_agg` of the names of `rel`'s attributes numbered in the int2[] `keys`, in order.
fn pg_names(keys: &str, rel: &str) -> String {
    format!(
        "(SELECT string_agg(CASE WHEN k.n = 0 THEN '<expression>' ELSE CAST(a.attname AS TEXT) END, ',' ORDER BY k.o) \
         FROM unnest(CAST({keys} AS int2[])) WITH ORDINALITY AS k(n, o) \
         LEFT JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.n)"
    )
}

fn split_names(names: Option<String>) -> Vec<String> {
    names
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

async fn postgres_schema(db: &AnyPool) -> BTreeSet<String> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
         AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(db)
    .await
    .expect("tables");
    let mut out = BTreeMap::new();
    for name in tables {
        let mut t = Table::default();
        let cols: Vec<(String, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT), CAST(is_nullable AS TEXT), \
             CAST(column_default AS TEXT), CAST(is_identity AS TEXT) \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(&name)
        .fetch_all(db)
        .await
        .expect("columns");
        for (column, data_type, nullable, default, identity) in cols {
            let serial = default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval("));
            t.columns.push((
                column,
                self::column(
                    &postgres_class(&data_type),
                    nullable == "NO",
                    default.as_deref().filter(|_| !serial),
                    identity == "YES" || serial,
                ),
            ));
        }

        // Kind, columns, referenced table and columns, ON DELETE, definition.
        type Constraint = (
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
            String,
        );
        let constraints: Vec<Constraint> = sqlx::query_as(&format!(
            "SELECT CAST(c.contype AS TEXT), {}, CAST(CAST(c.confrelid AS regclass) AS TEXT), {}, \
                 CAST(c.confdeltype AS TEXT), pg_get_constraintdef(c.oid) \
                 FROM pg_constraint c WHERE c.conrelid = to_regclass($1) ORDER BY c.conname",
            pg_names("c.conkey", "c.conrelid"),
            pg_names("c.confkey", "c.confrelid"),
        ))
        .bind(&name)
        .fetch_all(db)
        .await
        .expect("constraints");
        for (kind, cols, table, to, on_delete, definition) in constraints {
            match kind.as_str() {
                "p" => t.primary_key = split_names(cols),
                "f" => t.foreign_keys.push(format!(
                    "({}) -> {} ({}) ON DELETE {}",
                    split_names(cols).join(", "),
                    table.unwrap_or_default(),
                    split_names(to).join(", "),
                    match on_delete.as_str() {
                        "a" => "NO ACTION",
                        "r" => "RESTRICT",
                        "c" => "CASCADE",
                        "n" => "SET NULL",
                        "d" => "SET DEFAULT",
                        other => other,
                    }
                )),
                "c" => t.checks.push(normalise(&tokens(&definition))),
                // UNIQUE constraints are read with the indexes that enforce them.
                _ => {}
            }
        }

        let indexes: Vec<(bool, bool, Option<String>, Option<String>)> = sqlx::query_as(&format!(
            "SELECT i.indisunique, i.indisprimary, {}, pg_get_expr(i.indpred, i.indrelid) \
             FROM pg_index i WHERE i.indrelid = to_regclass($1)",
            pg_names("i.indkey", "i.indrelid"),
        ))
        .bind(&name)
        .fetch_all(db)
        .await
        .expect("indexes");
        for (unique, primary, cols, condition) in indexes {
            if !primary {
                let condition = condition.map(|c| normalise(&tokens(&c)));
                t.indexes
                    .push(index_fact(unique, &split_names(cols), condition));
            }
        }
        out.insert(name, t);
    }
    facts(out)
}

/// SQL split into tokens: string literals kept as written, identifiers and keywords lower
/// case (quotes removed), comments and casts (`::type`) dropped, `!=` as `<>`.
fn tokens(sql: &str) -> Vec<String> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '\'' {
            let start = i;
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            out.push(chars[start..i.min(chars.len())].iter().collect());
        } else if c == '"' {
            let start = i + 1;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += 1;
            }
            out.push(
                chars[start..i.min(chars.len())]
                    .iter()
                    .collect::<String>()
                    .to_lowercase(),
            );
            i += 1;
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            // A cast: the type name, maybe two words (`character varying`), maybe `[]`.
            i += 2;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            while i < chars.len() && word(chars[i]) {
                i += 1;
            }
            let rest: String = chars[i..].iter().collect::<String>().to_lowercase();
            for second in [
                " varying",
                " precision",
                " with time zone",
                " without time zone",
            ] {
                if rest.starts_with(second) {
                    i += second.len();
                }
            }
            if chars.get(i) == Some(&'[') && chars.get(i + 1) == Some(&']') {
                i += 2;
            }
        } else if word(c) {
            let start = i;
            while i < chars.len() && word(chars[i]) {
                i += 1;
            }
            out.push(chars[start..i].iter().collect::<String>().to_lowercase());
        } else if "<>=!|".contains(c) {
            let start = i;
            while i < chars.len() && "<>=!|".contains(chars[i]) {
                i += 1;
            }
            let op: String = chars[start..i].iter().collect();
            out.push(if op == "!=" { "<>".into() } else { op });
        } else {
            out.push(c.to_string());
            i += 1;
        }
    }
    out
}

/// An expression's tokens without parentheses, a leading `check`, and with
/// `= any array [ … ]` as `in …`.
fn normalise(toks: &[String]) -> Vec<String> {
    let toks: Vec<&str> = toks
        .iter()
        .map(String::as_str)
        .filter(|t| *t != "(" && *t != ")")
        .collect();
    let mut out = Vec::new();
    let mut i = usize::from(toks.first() == Some(&"check"));
    while i < toks.len() {
        if toks[i..].starts_with(&["=", "any", "array", "["]) {
            out.push("in".to_string());
            i += 4;
        } else {
            if toks[i] != "]" {
                out.push(toks[i].to_string());
            }
            i += 1;
        }
    }
    out
}

fn join_tokens(toks: &[String]) -> String {
    let mut s = String::new();
    for t in toks {
        if !s.is_empty() && t != "," {
            s.push(' ');
        }
        s.push_str(t);
    }
    s
}
