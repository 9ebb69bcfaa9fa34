// The expansion uses only absolute paths, so local items that shadow prelude
// names (`Option`, `Result`, `String`, `Vec`, `Box`, `Some`, `Ok`) do not break
// it, with the postgres-types impls too.
#![allow(dead_code, non_upper_case_globals)]

use pgarchitect::{Domain, PgEnum, Table};

struct Option;
type Result = ();
struct String;
struct Vec;
struct Box;
const Some: () = ();
const Ok: () = ();
const None: () = ();

#[derive(Debug, PgEnum)]
enum Status {
    Active,
}

#[derive(Debug, Domain)]
#[domain(default = "''", check = "VALUE <> 'x'", not_null)]
struct Code(std::string::String);

#[derive(Debug, Domain)]
#[domain(sql_type = "int8")]
struct Count(i64);

#[derive(Table)]
#[table(
    primary_key(id, at),
    partition(range(at), monthly(from = "2026-01-01", count = 1, ahead = 1), values(name = "log_old", from("MINVALUE"), to("'2025-01-01'"))),
    trigger(name = "t", timing = "after", events("update"), update_of(code), for_each = "statement", function = "f", arguments("x")),
    full_text(config = "simple", source(code, weight = "A")),
    isolate(column = count, setting = "app.count", command = "select", roles("r"))
)]
struct Log {
    id: i64,
    at: std::time::SystemTime,
    code: Code,
    count: std::option::Option<Count>,
}

#[derive(Table)]
#[table(index(columns(status), include(id), name = "idx"), unique(columns(status), name = "u"))]
struct User {
    #[column(primary_key, comment = "key")]
    id: i64,
    #[column(default_text = "active", check = "status IS NOT NULL")]
    status: Status,
    #[column(references = User)]
    parent: std::option::Option<i64>,
}

fn main() {}
