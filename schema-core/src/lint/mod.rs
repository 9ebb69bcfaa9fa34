//! The design review: lint rules (the brief's DOs and DON'Ts) and the architect's open questions.
