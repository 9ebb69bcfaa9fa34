use pgarchitect::Table;

#[derive(Table)]
struct LineItem {
    #[column(primary_key, identity, generated = "1")]
    id: i64,
    price: f64,
    quantity: i32,
    #[column(generated = "price * quantity", default = "0")]
    total: f64,
}

fn main() {}
