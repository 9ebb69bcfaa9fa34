use pgarchitect::Domain;

#[derive(Debug, Domain)]
struct Email {
    value: String,
}

#[derive(Debug, Domain)]
struct Pair(String, String);

#[derive(Debug, Domain)]
struct Nothing;

#[derive(Debug, Domain)]
enum Kind {
    A,
}

#[derive(Debug, Domain)]
struct Maybe(Option<String>);

#[derive(Debug, Domain)]
struct Generic<T>(T);

fn main() {}
