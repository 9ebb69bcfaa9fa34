// The expansion uses only absolute paths, so local items that shadow prelude
// names (`Option`, `Result`, `String`, `Vec`, `Some`, `Ok`) do not break it.
// (Not `Box`: postgres-types' `to_sql_checked!`, used with that feature, names it.)
#![allow(dead_code, non_upper_case_globals)]

use pgarchitect::{PgEnum, Table};

struct Option;
type Result = ();
struct String;
struct Vec;
const Some: () = ();
const Ok: () = ();
const None: () = ();

#[derive(Debug, PgEnum)]
enum Status {
    Active,
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
