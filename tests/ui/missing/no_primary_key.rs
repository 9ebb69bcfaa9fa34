use pgarchitect::Table;

#[derive(Table)]
struct AuditEntry {
    message: String,
}

fn main() {}
