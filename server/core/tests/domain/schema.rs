//! The two SQL dialects are one schema: a fresh SQLite and a fresh PostgreSQL database, each
//! migrated, hold the same tables, columns (with their nullability), unique keys, named indexes
//! and foreign keys, but for the dialect-only objects listed here. And `docs/schema.md`'s
//! diagram shows exactly those tables, columns and foreign keys.

use std::collections::{BTreeMap, BTreeSet};

use cinecloud_core::{Backend, Db, testing::TestDb};

/// Tables only SQLite has: the FTS5 index over movies and the shadow tables FTS5 keeps.
const SQLITE_ONLY_TABLES: &[&str] =
    &["movies_fts", "movies_fts_config", "movies_fts_data", "movies_fts_docsize", "movies_fts_idx"];
/// Columns only PostgreSQL has: the generated tsvector that its full-text search reads.
const POSTGRES_ONLY_COLUMNS: &[(&str, &str)] = &[("movies", "search_vector")];
/// Indexes only PostgreSQL has: GIN indexes over that tsvector and over the titles' words.
const POSTGRES_ONLY_INDEXES: &[(&str, &str)] = &[
    ("movies", "movies_search"),
    ("movies", "movies_visible_title_words"),
    ("movie_genres", "movie_genres_visible_title_words"),
];

/// One table as the database describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Table {
    /// Column name → (nullable, declared type as the dialect spells it).
    columns: BTreeMap<String, (bool, String)>,
    /// The column names in the order the table declares them (not compared: for the diagram).
    declared: Vec<String>,
    /// The primary key's columns, in order.
    primary_key: Vec<String>,
    /// Unique keys (the primary key among them), as column lists, and whether each is partial.
    unique: BTreeSet<(Vec<String>, bool)>,
    /// Indexes created by name (not the ones backing a primary key or a UNIQUE constraint).
    indexes: BTreeSet<String>,
    /// Foreign keys: the columns and the table they point at.
    foreign_keys: BTreeSet<(Vec<String>, String)>,
}

type Schema = BTreeMap<String, Table>;

async fn describe(db: &Db) -> Schema {
    match db {
        Db::Sqlite(pool) => describe_sqlite(pool).await,
        Db::Postgres(pool) => describe_postgres(pool).await,
    }
}

async fn describe_sqlite(pool: &sqlx::SqlitePool) -> Schema {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for name in names {
        let mut table = Table::default();
        let columns: Vec<(String, bool, i64, String)> =
            sqlx::query_as("SELECT name, \"notnull\", pk, type FROM pragma_table_info($1) ORDER BY cid")
                .bind(&name)
                .fetch_all(pool)
                .await
                .unwrap();
        let mut primary: Vec<(i64, String)> = Vec::new();
        for (column, not_null, pk, kind) in columns {
            // A primary key column is never NULL, whatever SQLite's flag says.
            table.columns.insert(column.clone(), (!not_null && pk == 0, kind));
            table.declared.push(column.clone());
            if pk > 0 {
                primary.push((pk, column));
            }
        }
        primary.sort();
        table.primary_key = primary.into_iter().map(|(_, c)| c).collect();
        if !table.primary_key.is_empty() {
            table.unique.insert((table.primary_key.clone(), false));
        }
        let indexes: Vec<(String, bool, String, bool)> =
            sqlx::query_as("SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)")
                .bind(&name)
                .fetch_all(pool)
                .await
                .unwrap();
        for (index, unique, origin, partial) in indexes {
            let columns: Vec<Option<String>> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(pool)
                    .await
                    .unwrap();
            let columns: Vec<String> = columns.into_iter().flatten().collect();
            if unique && origin != "pk" {
                table.unique.insert((columns, partial));
            }
            if origin == "c" {
                table.indexes.insert(index);
            }
        }
        let keys: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT id, \"table\", \"from\" FROM pragma_foreign_key_list($1) ORDER BY id, seq")
                .bind(&name)
                .fetch_all(pool)
                .await
                .unwrap();
        let mut by_id: BTreeMap<i64, (Vec<String>, String)> = BTreeMap::new();
        for (id, parent, column) in keys {
            by_id.entry(id).or_insert_with(|| (Vec::new(), parent)).0.push(column);
        }
        table.foreign_keys.extend(by_id.into_values());
        schema.insert(name, table);
    }
    schema
}

async fn describe_postgres(pool: &sqlx::PgPool) -> Schema {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations' \
         ORDER BY tablename",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for name in names {
        let mut table = Table::default();
        let columns: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT column_name::text, is_nullable::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .unwrap();
        for (column, nullable, kind) in columns {
            table.declared.push(column.clone());
            table.columns.insert(column, (nullable == "YES", kind));
        }
        let indexes: Vec<(String, bool, bool, bool, bool, Vec<String>)> = sqlx::query_as(
            "SELECT i.relname::text, ix.indisunique, ix.indisprimary, ix.indpred IS NOT NULL, \
                    EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid), \
                    ARRAY(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n) \
                          JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum ORDER BY k.n) \
             FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public' AND t.relname = $1",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .unwrap();
        for (index, unique, primary, partial, backs_constraint, columns) in indexes {
            if primary {
                table.primary_key = columns.clone();
            }
            if unique {
                table.unique.insert((columns, partial));
            }
            if !backs_constraint {
                table.indexes.insert(index);
            }
        }
        let keys: Vec<(Vec<String>, String)> = sqlx::query_as(
            "SELECT ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) \
                          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n), \
                    p.relname::text \
             FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class p ON p.oid = c.confrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE c.contype = 'f' AND n.nspname = 'public' AND t.relname = $1",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .unwrap();
        table.foreign_keys.extend(keys);
        schema.insert(name, table);
    }
    schema
}

/// Both dialects, freshly migrated, with their dialect-only objects taken out: what must agree.
/// Fails if a listed dialect-only object does not exist (the list would hide nothing, or hide
/// a renamed object).
async fn shared_schemas() -> (Schema, Schema) {
    let sqlite = TestDb::new(Backend::Sqlite).await;
    let postgres = TestDb::new(Backend::Postgres).await;
    let mut lite = describe(&sqlite.db).await;
    let mut pg = describe(&postgres.db).await;
    for table in SQLITE_ONLY_TABLES {
        assert!(lite.remove(*table).is_some(), "SQLite-only table {table} does not exist: update the list");
    }
    for (table, column) in POSTGRES_ONLY_COLUMNS {
        let removed = pg.get_mut(*table).and_then(|t| {
            t.declared.retain(|c| c != column);
            t.columns.remove(*column)
        });
        assert!(removed.is_some(), "PostgreSQL-only column {table}.{column} does not exist: update the list");
    }
    for (table, index) in POSTGRES_ONLY_INDEXES {
        let removed = pg.get_mut(*table).is_some_and(|t| t.indexes.remove(*index));
        assert!(removed, "PostgreSQL-only index {index} on {table} does not exist: update the list");
    }
    (lite, pg)
}

/// The parts of two tables that differ, for a message that says what to fix.
fn differences(name: &str, lite: Option<&Table>, pg: Option<&Table>) -> Vec<String> {
    let (lite, pg) = match (lite, pg) {
        (Some(l), Some(p)) => (l, p),
        (Some(_), None) => return vec![format!("table {name} exists in SQLite only")],
        (None, Some(_)) => return vec![format!("table {name} exists in PostgreSQL only")],
        (None, None) => return Vec::new(),
    };
    let mut out = Vec::new();
    let nullability =
        |t: &Table| t.columns.iter().map(|(c, (nullable, _))| (c.clone(), *nullable)).collect::<BTreeMap<_, _>>();
    let (l, p) = (nullability(lite), nullability(pg));
    for column in l.keys().chain(p.keys()).collect::<BTreeSet<_>>() {
        match (l.get(column), p.get(column)) {
            (Some(a), Some(b)) if a != b => out.push(format!(
                "{name}.{column} is {} in SQLite but {} in PostgreSQL",
                if *a { "nullable" } else { "NOT NULL" },
                if *b { "nullable" } else { "NOT NULL" }
            )),
            (Some(_), None) => out.push(format!("column {name}.{column} exists in SQLite only")),
            (None, Some(_)) => out.push(format!("column {name}.{column} exists in PostgreSQL only")),
            _ => {}
        }
    }
    if lite.primary_key != pg.primary_key {
        out.push(format!(
            "{name}'s primary key differs: SQLite {:?}, PostgreSQL {:?}",
            lite.primary_key, pg.primary_key
        ));
    }
    if lite.unique != pg.unique {
        out.push(format!("{name}'s unique keys differ: SQLite {:?}, PostgreSQL {:?}", lite.unique, pg.unique));
    }
    if lite.indexes != pg.indexes {
        out.push(format!("{name}'s named indexes differ: SQLite {:?}, PostgreSQL {:?}", lite.indexes, pg.indexes));
    }
    if lite.foreign_keys != pg.foreign_keys {
        out.push(format!(
            "{name}'s foreign keys differ: SQLite {:?}, PostgreSQL {:?}",
            lite.foreign_keys, pg.foreign_keys
        ));
    }
    out
}

#[tokio::test]
async fn both_dialects_migrate_to_the_same_schema() {
    let (lite, pg) = shared_schemas().await;
    let names: BTreeSet<&String> = lite.keys().chain(pg.keys()).collect();
    let problems: Vec<String> =
        names.into_iter().flat_map(|name| differences(name, lite.get(name), pg.get(name))).collect();
    assert!(
        problems.is_empty(),
        "the migrations under migrations/sqlite and migrations/postgres disagree (see migrations/README.md):\n{}",
        problems.join("\n")
    );
    // A schema that lost its tables would agree with itself.
    assert!(lite.len() >= 20 && lite.contains_key("movies") && lite.contains_key("users"), "{:?}", lite.keys());
}

/// The diagram in `docs/schema.md`: its tables with their columns, and its relationships as
/// (child table, column, parent table).
struct Diagram {
    tables: BTreeMap<String, BTreeSet<String>>,
    relationships: BTreeSet<(String, String, String)>,
}

fn diagram_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema.md")
}

fn read_diagram() -> Diagram {
    let text = std::fs::read_to_string(diagram_path()).expect("docs/schema.md exists");
    let block = text.split("```mermaid").nth(1).and_then(|b| b.split("```").next()).expect("a mermaid block");
    let mut diagram = Diagram { tables: BTreeMap::new(), relationships: BTreeSet::new() };
    let mut current: Option<String> = None;
    for line in block.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("%%")) {
        if line == "erDiagram" {
            continue;
        }
        if let Some(table) = &current {
            if line == "}" {
                current = None;
            } else {
                // `TYPE name [PK|FK|UK] ["comment"]`
                let column = line.split_whitespace().nth(1).expect("an attribute has a type and a name");
                diagram.tables.get_mut(table).expect("opened").insert(column.to_owned());
            }
        } else if let Some(table) = line.strip_suffix('{').map(str::trim) {
            diagram.tables.insert(table.to_owned(), BTreeSet::new());
            current = Some(table.to_owned());
        } else {
            // `parent ||--o{ child : "column"`
            let (sides, label) = line.split_once(':').expect("a relationship has a label");
            let words: Vec<&str> = sides.split_whitespace().collect();
            assert_eq!(words.len(), 3, "unreadable relationship {line:?}");
            let column = label.trim().trim_matches('"').to_owned();
            diagram.relationships.insert((words[2].to_owned(), column, words[0].to_owned()));
        }
    }
    diagram
}

/// The diagram the schema calls for, in `docs/schema.md`'s form (types as SQLite declares them).
fn diagram_of(schema: &Schema) -> String {
    let mut out = String::from("erDiagram\n");
    for (name, table) in schema {
        for (columns, parent) in &table.foreign_keys {
            let nullable = columns.iter().any(|c| table.columns.get(c).is_some_and(|(n, _)| *n));
            let parent_end = if nullable { "|o" } else { "||" };
            out.push_str(&format!("    {parent} {parent_end}--o{{ {name} : \"{}\"\n", columns.join(", ")));
        }
    }
    for (name, table) in schema {
        out.push_str(&format!("    {name} {{\n"));
        for column in &table.declared {
            let kind = &table.columns[column].1;
            let kind = if kind.is_empty() { "TEXT".to_owned() } else { kind.replace(' ', "_") };
            let mut keys = Vec::new();
            if table.primary_key.contains(column) {
                keys.push("PK");
            }
            if table.foreign_keys.iter().any(|(c, _)| c.contains(column)) {
                keys.push("FK");
            }
            let line = format!("        {kind} {column} {}", keys.join(", "));
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.push_str("    }\n");
    }
    out
}

#[tokio::test]
async fn the_schema_diagram_shows_every_table_column_and_foreign_key_and_nothing_else() {
    let (schema, _) = shared_schemas().await;
    let diagram = read_diagram();
    let tables: BTreeMap<String, BTreeSet<String>> =
        schema.iter().map(|(name, t)| (name.clone(), t.columns.keys().cloned().collect())).collect();
    let relationships: BTreeSet<(String, String, String)> = schema
        .iter()
        .flat_map(|(name, t)| {
            t.foreign_keys.iter().map(move |(cols, parent)| (name.clone(), cols.join(", "), parent.clone()))
        })
        .collect();
    let hint = format!(
        "docs/schema.md is out of date. Its diagram, as the migrations make it:\n\n{}\n\
         (printed by this test; keep the prose around it)",
        diagram_of(&schema)
    );
    let missing: Vec<&String> = tables.keys().filter(|t| !diagram.tables.contains_key(*t)).collect();
    let extra: Vec<&String> = diagram.tables.keys().filter(|t| !tables.contains_key(*t)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "tables missing {missing:?}, not in the database {extra:?}\n{hint}"
    );
    for (table, columns) in &tables {
        assert_eq!(&diagram.tables[table], columns, "the columns of {table}\n{hint}");
    }
    assert_eq!(diagram.relationships, relationships, "(child, column, parent) foreign keys\n{hint}");
}

/// #18: a deployment starts several tasks at once on an empty database, and each migrates at start.
/// sqlx's migrator takes a PostgreSQL advisory lock, so they run one after another: every
/// migration is applied exactly once, and every task starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_migrating_one_empty_postgres_database_at_once_apply_each_migration_once() {
    use sqlx::Connection;
    let admin = cinecloud_core::testing::postgres_admin_url();
    let name = format!("cinecloud_migrate_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_path(&name);
    let servers: Vec<_> = (0..4)
        .map(|_| {
            let url = url.to_string();
            tokio::spawn(async move {
                let db = Db::connect(&url).await.unwrap();
                db.migrate().await.map(|()| db)
            })
        })
        .collect();
    let mut migrated = Vec::new();
    for server in servers {
        migrated.push(server.await.unwrap().expect("every server migrates and starts"));
    }
    let Db::Postgres(pool) = &migrated[0] else { unreachable!() };
    let applied: Vec<(i64, i64)> =
        sqlx::query_as("SELECT version, COUNT(*) FROM _sqlx_migrations GROUP BY version ORDER BY version")
            .fetch_all(pool)
            .await
            .unwrap();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/postgres")).unwrap().count();
    assert_eq!(applied.len(), files, "{applied:?}");
    assert!(applied.iter().all(|(_, times)| *times == 1), "{applied:?}");
    drop(migrated);
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut conn).await.unwrap();
}
