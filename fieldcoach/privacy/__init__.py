"""Data protection on the manager's side (PRODUCT.md section 9): retention purges,
forgetting a rep, subject access. Standard library only, plain sqlite3 (set-based
writes, no ORM import); the screens and the command line call in here."""
