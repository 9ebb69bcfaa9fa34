use pgarchitect::Domain;

#[derive(Debug, Domain)]
#[domain(sql_type = "varchar(", chek = "VALUE <> ''")]
struct Email(String);

#[derive(Debug, Domain)]
#[domain(check = "", check(name = "", expr = "VALUE > 0"), default = " ", schema = "")]
struct Quantity(i32);

#[derive(Debug, Domain)]
struct ThisIsAnExtremelyLongDomainNameThatPostgresWouldTruncateSilently(String);

#[derive(Debug, Domain)]
#[domain(not_null = true, check(expr = "VALUE > 0", nam = "x"))]
struct Seats(i32);

fn main() {}
