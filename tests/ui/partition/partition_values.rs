use pgarchitect::Table;

#[derive(Table)]
#[table(
    primary_key(id, region),
    partition(
        list(region),
        values(name = "events_eu", from("'a'"), to("'m'")),
        values(name = "events_us"),
        values(name = "events_eu", values("", "'x'")),
        values(name = "events_default", labels("zz"))
    )
)]
struct Event {
    id: i64,
    region: String,
}

#[derive(Table)]
#[table(partition(range(id), values(name = "ledger_low", labels("a"), to("1")), values(name = "ledger_high", from("1", "2"), to("MAXVALUE"))))]
struct Ledger {
    #[column(primary_key)]
    id: i64,
}

#[derive(Table)]
#[table(partition(hash(id), modulus = 2, values(name = "shard_extra", values("1"))))]
struct Shard {
    #[column(primary_key)]
    id: i64,
}

fn main() {}
