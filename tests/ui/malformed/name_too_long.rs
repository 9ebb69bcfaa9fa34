use pgarchitect::Table;

#[derive(Table)]
#[table(name = "a_table_name_that_goes_on_and_on_well_past_the_limit_postgres_sets")]
struct User {
    #[column(primary_key)]
    id: i64,
    a_column_name_that_goes_on_and_on_well_past_the_limit_postgres_sets: String,
}

fn main() {}
