// Every option of `partition`, `trigger`, `full_text`, `isolate` and `#[domain]`.
use pgarchitect::model::{Function, QualifiedName};
use pgarchitect::{Domain, Schema, Table};

/// A product code.
#[derive(Debug, Domain)]
#[domain(
    name = "product_code",
    schema = "catalog",
    sql_type = "varchar(20)",
    check = "VALUE ~ '^[A-Z0-9-]+$'",
    check(name = "product_code_length", expr = "length(VALUE) >= 3"),
    not_null,
    default = "'UNKNOWN'",
    comment = "Upper-case product code"
)]
struct ProductCode(String);

#[derive(Debug, Domain)]
struct Cents(i64);

#[derive(Table)]
#[table(
    name = "sales",
    primary_key(id, sold_at),
    partition(range(sold_at), monthly(from = "2026-01-01", count = 2, ahead = 1), default_partition),
    row_level_security = "forced",
    isolate(column = seller_id, setting = "app.user_id", name = "sales_own", command = "all", roles("app"), restrictive, comment = "Own sales"),
    trigger(
        name = "sales_touch",
        timing = "before",
        events("insert", "update", "delete"),
        update_of(amount, code),
        for_each = "row",
        when = "pg_trigger_depth() = 0",
        function = "public.touch",
        arguments("a", "it's"),
        comment = "Touches the row"
    ),
    trigger(name = "sales_truncate", timing = "after", events("truncate"), for_each = "statement", function = "touch"),
    full_text(column = "search", config = "simple", source(note, weight = "C"), source(code))
)]
struct Sale {
    #[column(identity)]
    id: i64,
    sold_at: std::time::SystemTime,
    seller_id: i64,
    code: ProductCode,
    amount: Cents,
    note: Option<String>,
}

#[derive(Table)]
#[table(partition(list(region), values(name = "shops_eu", values("'eu'"), labels("uk")), values(name = "shops_us", labels("us")), default_partition))]
struct Shop {
    #[column(primary_key)]
    region: String,
}

#[derive(Table)]
#[table(partition(hash(id, owner), modulus = 3))]
#[table(primary_key(id, owner))]
struct Blob {
    id: i64,
    owner: i64,
}

#[derive(Table)]
#[table(partition(range(n), values(name = "nums_low", from("MINVALUE"), to("0")), values(name = "nums_high", from("0"), to("MAXVALUE"))))]
struct Num {
    #[column(primary_key)]
    n: i32,
}

fn main() {
    let schema = Schema::builder()
        .function(Function::trigger(QualifiedName::public("touch"), "BEGIN RETURN NEW; END"))
        .role(pgarchitect::model::Role::group("app"))
        .table::<Sale>()
        .table::<Shop>()
        .table::<Blob>()
        .table::<Num>()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let ddl = schema.to_ddl();
    assert!(ddl.contains("CREATE DOMAIN catalog.product_code AS varchar(20) DEFAULT 'UNKNOWN' NOT NULL"), "{ddl}");
    assert!(ddl.contains("CREATE DOMAIN public.cents AS bigint;"), "{ddl}");
}
