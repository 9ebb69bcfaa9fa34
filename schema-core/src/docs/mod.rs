//! Documentation and diagrams: Markdown, Mermaid, Graphviz DOT.
