// A derive that fails still implements the trait, so code using the type reports
// only the real mistake (the misspelled key), not "`User` is not a table" everywhere.
use pgarchitect::{Schema, Table};

#[derive(Table)]
struct User {
    #[column(primary_key, uniqe)]
    id: i64,
}

#[derive(Table)]
struct Post {
    #[column(primary_key)]
    id: i64,
    #[column(references = User, on_delete = "cascade")]
    author_id: i64,
}

fn main() {
    let _ = Schema::builder().table::<User>().table::<Post>().build();
    let _: &str = User::NAME;
}
